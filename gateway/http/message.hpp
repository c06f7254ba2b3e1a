#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace custbridge::http {

// Plain request/response values passed between the Beast server and handlers, so
// handler code never includes Beast (it compiles slowly) and is testable without sockets.
using header_list = std::vector<std::pair<std::string, std::string>>;

struct request {
  std::string method;  // upper-case token as sent, e.g. "GET"
  std::string target;  // raw request target, e.g. "/stores/x/customers?limit=5"
  header_list headers;  // names lower-cased by the server
  std::string body;
  std::string remote_address;

  // Value of the first header with this (lower-case) name, or "" if absent.
  std::string_view header(std::string_view lower_name) const;
  bool has_header(std::string_view lower_name) const;
  std::string_view path() const;   // target before '?'
  std::string_view query() const;  // target after '?', or ""
};

struct response {
  int status = 200;
  header_list headers;
  std::string body;
  // When false the server closes the connection after sending this response.
  bool keep_alive = true;
  // Fault injection, for the platform emulators. reset_after_body_bytes: send the
  // headers and that many body bytes, then reset the connection (RST). trickle_chunk:
  // send the message in pieces of this many bytes, trickle_interval apart.
  std::optional<std::size_t> reset_after_body_bytes;
  std::size_t trickle_chunk = 0;
  std::chrono::milliseconds trickle_interval{0};

  response& set(std::string name, std::string value);
  std::string_view header(std::string_view name) const;  // case-insensitive
};

}  // namespace custbridge::http
