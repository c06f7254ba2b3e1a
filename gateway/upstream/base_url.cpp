#include "gateway/upstream/base_url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <charconv>

namespace custbridge::upstream {

namespace {
std::string bracketed(const std::string& host) { return host.find(':') != std::string::npos ? "[" + host + "]" : host; }
}  // namespace

std::string base_url::origin() const {
  return std::string(tls ? "https://" : "http://") + bracketed(host) + ":" + std::to_string(port);
}

std::string base_url::host_header() const {
  std::string h = bracketed(host);
  const std::uint16_t default_port = tls ? 443 : 80;
  if (port != default_port) h += ":" + std::to_string(port);
  return h;
}

boost::system::result<base_url, std::string> parse_base_url(std::string_view text) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) return std::string("base URL '") + std::string(text) + "' is not an absolute URL";
  const auto& u = *parsed;
  base_url out;
  if (u.scheme() == "https")
    out.tls = true;
  else if (u.scheme() != "http")
    return std::string("base URL '") + std::string(text) + "' must start with http:// or https://";
  if (!u.has_authority() || u.encoded_host().empty()) return std::string("base URL '") + std::string(text) + "' has no host";
  if (u.has_userinfo()) return std::string("base URL '") + std::string(text) + "' must not carry user info; configure credentials as headers";
  if (u.has_query() || u.has_fragment()) return std::string("base URL '") + std::string(text) + "' must not have a query or fragment";
  out.host = u.host_type() == boost::urls::host_type::ipv6 ? std::string(u.host_ipv6_address().to_string()) : std::string(u.encoded_host());
  if (u.has_port()) {
    auto p = u.port();
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
    if (ec != std::errc() || ptr != p.data() + p.size() || value == 0 || value > 65535)
      return std::string("base URL '") + std::string(text) + "' has an invalid port";
    out.port = static_cast<std::uint16_t>(value);
  } else {
    out.port = out.tls ? 443 : 80;
  }
  std::string path(u.encoded_path());
  while (!path.empty() && path.back() == '/') path.pop_back();
  out.prefix = std::move(path);
  return out;
}

}  // namespace custbridge::upstream
