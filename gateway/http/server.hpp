#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/http/message.hpp"

namespace custbridge::http {

struct server_options {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 picks an ephemeral port; see server::port()
  unsigned threads = 0;       // 0 means one per core
  std::size_t body_limit = 1024 * 1024;
  std::size_t header_limit = 16 * 1024;
  std::chrono::milliseconds read_timeout{10'000};   // to receive one whole request once it has started
  std::chrono::milliseconds idle_timeout{60'000};   // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{10'000};
  std::chrono::milliseconds drain_timeout{10'000};  // graceful shutdown budget for in-flight requests
  // Open connections at most. One more is answered 503 (on_error) and closed at once,
  // so idle or stalled clients cannot take every descriptor and every buffer.
  std::size_t max_connections = 10'000;
  // TLS: when both files are set (PEM certificate chain and private key) every
  // connection must complete a TLS handshake within tls_handshake_timeout before its
  // first request; then requests are served exactly as over plain TCP.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::chrono::milliseconds tls_handshake_timeout{10'000};
};

// What the server calls. Both functions may run concurrently on any server thread.
struct handler {
  // Produces the response for one parsed request. Exceptions escaping it become a
  // bare 500 from on_error(500, ...) and are reported to stderr; handlers should
  // catch their own and answer in their own error format.
  std::function<boost::asio::awaitable<response>(request)> handle;
  // Produces the response for a request the server itself rejects before any
  // handler sees it (400 malformed, 413 body too large, 431 headers too large).
  std::function<response(int status, std::string_view message)> on_error;
  // Optional. Called with the request line and headers (no body) of a request that has
  // a body, before the body is read. A response here is sent at once and the connection
  // closes with the body unread, so an unauthenticated client cannot make the server
  // hold its upload.
  std::function<std::optional<response>(const request& head)> before_body{};
};

// An HTTP/1.1 keep-alive server: one io_context run by `threads` threads, one
// coroutine per connection, size limits and timeouts from server_options.
class server {
 public:
  server(server_options options, handler h);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds and listens. Throws std::system_error if the address cannot be bound, or if
  // TLS is configured and the certificate or key cannot be loaded.
  void listen();
  // The bound port (after listen()).
  std::uint16_t port() const;
  // The executor of the server's io_context, for clients that should run on the
  // server's threads (e.g. upstream connections).
  boost::asio::any_io_executor executor();
  // Serves until stop() or SIGINT/SIGTERM (if install_signal_handlers), then
  // drains: stops accepting, lets in-flight requests finish for up to
  // drain_timeout, closes idle connections, and returns.
  void run(bool install_signal_handlers = true);
  // Thread-safe; may be called from any thread or a handler.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace custbridge::http
