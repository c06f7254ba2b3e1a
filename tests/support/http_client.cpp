#include "tests/support/http_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <poll.h>

namespace custbridge::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;

struct http_connection::impl {
  asio::io_context ioc;
  asio::ip::tcp::socket socket{ioc};
  beast::flat_buffer buffer;
};

http_connection::http_connection(std::uint16_t port) : impl_(std::make_unique<impl>()) {
  impl_->socket.connect({asio::ip::make_address("127.0.0.1"), port});
}

http_connection::~http_connection() {
  boost::system::error_code ignored;
  impl_->socket.close(ignored);
}

http_reply http_connection::read_reply() {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  bhttp::read(impl_->socket, impl_->buffer, parser);
  auto& res = parser.get();
  http_reply out;
  out.status = static_cast<int>(res.result_int());
  for (const auto& f : res) {
    std::string name(f.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    out.headers[name] = std::string(f.value());
  }
  out.body = res.body();
  out.keep_alive = res.keep_alive();
  return out;
}

http_reply http_connection::request(const std::string& method, const std::string& target,
                                    const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body) {
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  if (req.method() == bhttp::verb::unknown) req.method_string(method);
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") req.prepare_payload();
  bhttp::write(impl_->socket, req);
  return read_reply();
}

void http_connection::write_raw(const std::string& bytes) { asio::write(impl_->socket, asio::buffer(bytes)); }

http_reply http_connection::raw(const std::string& bytes) {
  write_raw(bytes);
  return read_reply();
}

bool http_connection::closed_by_peer(std::chrono::milliseconds timeout) {
  pollfd p{impl_->socket.native_handle(), POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char c;
  boost::system::error_code ec;
  const auto n = impl_->socket.read_some(asio::buffer(&c, 1), ec);
  return n == 0 || ec;
}

http_reply http_request(std::uint16_t port, const std::string& method, const std::string& target,
                        const std::vector<std::pair<std::string, std::string>>& headers, const std::string& body) {
  http_connection c(port);
  return c.request(method, target, headers, body);
}

}  // namespace custbridge::testing
