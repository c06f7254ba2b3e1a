#pragma once

#include <boost/system/result.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace custbridge::upstream {

// A platform's base URL split into what the transport needs: `http://` or
// `https://host[:port][/prefix]`. The prefix has no trailing '/' and is prepended
// to every request target.
struct base_url {
  bool tls = false;
  std::string host;  // as written: a DNS name or an IP literal (brackets removed for IPv6)
  std::uint16_t port = 0;
  std::string prefix;  // "" or "/v1/123"

  // "https://host:port", the key of the connection pool for this upstream host.
  std::string origin() const;
  // The Host header value: the port is omitted when it is the scheme's default.
  std::string host_header() const;
};

// Parses and validates a base URL. Errors (returned as a one-line message): a scheme
// other than http/https, a missing host, user info, a query or a fragment, a bad port.
boost::system::result<base_url, std::string> parse_base_url(std::string_view text);

}  // namespace custbridge::upstream
