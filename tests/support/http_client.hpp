#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace custbridge::testing {

struct http_reply {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool keep_alive = true;

  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

// A blocking HTTP/1.1 client over one keep-alive connection to 127.0.0.1:port.
// Throws std::system_error on transport failures.
class http_connection {
 public:
  explicit http_connection(std::uint16_t port);
  ~http_connection();
  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;

  http_reply request(const std::string& method, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers = {}, const std::string& body = "");

  // Writes raw bytes, then reads one response (or throws if the peer closes first).
  http_reply raw(const std::string& bytes);
  void write_raw(const std::string& bytes);
  // Reads one response from the connection.
  http_reply read_reply();
  // True if the server has closed the connection (reads EOF within the timeout).
  bool closed_by_peer(std::chrono::milliseconds timeout);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

// One request on a fresh connection.
http_reply http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& headers = {}, const std::string& body = "");

}  // namespace custbridge::testing
