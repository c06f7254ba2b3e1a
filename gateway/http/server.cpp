#include "gateway/http/server.hpp"
#include "common/text.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <csignal>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

namespace custbridge::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;

// RFC 9112 §6.1 and §6.3: the only transfer coding this server decodes is chunked, and a
// request's codings must end in it; a message with both Content-Length and
// Transfer-Encoding is refused, as a proxy in front may frame it the other way
// (request smuggling). Beast reads an unknown final coding as "no body" and would serve
// the bytes after it as a second request, so this runs before the body is read.
struct framing_refusal {
  int status;
  std::string message;
};

template <class Header>
std::optional<framing_refusal> framing_problem(const Header& head) {
  std::vector<std::string> codings;
  bool any = false;
  for (const auto& field : head) {
    if (field.name() != boost::beast::http::field::transfer_encoding) continue;
    any = true;
    std::string_view list = field.value();
    while (!list.empty()) {
      const auto comma = list.find(',');
      auto token = list.substr(0, comma);
      list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
      while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
      while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
      if (!token.empty()) codings.push_back(ascii_lower(token));
    }
  }
  if (!any) return std::nullopt;
  if (head.find(boost::beast::http::field::content_length) != head.end())
    return framing_refusal{400, "a request must not carry both Content-Length and Transfer-Encoding"};
  if (codings.empty() || codings.back() != "chunked")
    return framing_refusal{400, "Transfer-Encoding must end in chunked"};
  if (codings.size() > 1)
    return framing_refusal{501, "Transfer-Encoding '" + codings.front() + "' is not supported; send the body chunked only"};
  return std::nullopt;
}
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using token = asio::as_tuple_t<asio::use_awaitable_t<>>;
using tcp_stream = token::as_default_on_t<beast::tcp_stream>;
using tcp_acceptor = token::as_default_on_t<tcp::acceptor>;
using tls_stream = beast::ssl_stream<tcp_stream>;

// One live connection. `busy` is true from the first byte of a request until its
// response is written, so a graceful shutdown can close the idle ones at once.
struct connection {
  explicit connection(tcp::socket socket) : stream(std::in_place_type<tcp_stream>, std::move(socket)) {}
  connection(tcp::socket socket, asio::ssl::context& ctx) : stream(std::in_place_type<tls_stream>, std::move(socket), ctx) {}
  tcp_stream& lowest() {
    if (auto* t = std::get_if<tls_stream>(&stream)) return t->next_layer();
    return std::get<tcp_stream>(stream);
  }
  std::variant<tcp_stream, tls_stream> stream;
  bool busy = false;  // only touched on the connection's strand
};

}  // namespace

struct server::impl {
  impl(server_options o, handler h) : options(std::move(o)), handler_(std::move(h)), acceptor(ioc), signals(ioc), drain_timer(ioc) {}

  server_options options;
  handler handler_;
  asio::io_context ioc;
  tcp_acceptor acceptor;
  asio::signal_set signals;
  asio::steady_timer drain_timer;
  std::optional<asio::ssl::context> tls;  // set by listen() when TLS is configured
  std::atomic<bool> stopping{false};

  std::mutex connections_mutex;
  std::unordered_map<std::uint64_t, std::weak_ptr<connection>> connections;
  std::uint64_t next_connection_id = 0;

  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve_connection(std::shared_ptr<connection> conn, std::uint64_t id);
  template <class Stream>
  asio::awaitable<void> serve_requests(Stream& stream, connection& conn, const std::string& remote);
  template <class Stream>
  asio::awaitable<bool> write(Stream& stream, response res, unsigned version, bool keep_alive);
  template <class Stream>
  asio::awaitable<bool> write_faulty(Stream& stream, const bhttp::response<bhttp::string_body>& out, const response& res);
  void begin_drain();
  void forget(std::uint64_t id);
};

asio::awaitable<void> server::impl::accept_loop() {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc));
    if (stopping) co_return;
    if (ec) {
      if (ec == asio::error::operation_aborted) co_return;
      // e.g. EMFILE: keep serving the connections we have, and try again shortly rather
      // than spinning on a backlog that accept() cannot take while no descriptor is free.
      asio::steady_timer pause(ioc, std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::as_tuple(asio::use_awaitable));
      continue;
    }
    boost::system::error_code ignored;
    bool full = false;
    {
      std::lock_guard lock(connections_mutex);
      full = connections.size() >= options.max_connections;
    }
    if (full) {
      // One non-blocking write of a small response (it fits any socket buffer), then
      // close: the accept loop never waits on a client it refuses. Over TLS there is
      // no session to answer in, so the connection is only closed.
      if (!tls) {
        const auto res = handler_.on_error(503, "too many open connections; try again shortly");
        std::string bytes = "HTTP/1.1 " + std::to_string(res.status) + " Service Unavailable\r\nConnection: close\r\n";
        for (const auto& [name, value] : res.headers) bytes += name + ": " + value + "\r\n";
        bytes += "Retry-After: 1\r\nContent-Length: " + std::to_string(res.body.size()) + "\r\n\r\n" + res.body;
        socket.non_blocking(true, ignored);
        socket.write_some(asio::buffer(bytes), ignored);
      }
      socket.close(ignored);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ignored);  // a response's last segment goes out at once
    auto conn = tls ? std::make_shared<connection>(std::move(socket), *tls) : std::make_shared<connection>(std::move(socket));
    std::uint64_t id;
    {
      std::lock_guard lock(connections_mutex);
      id = next_connection_id++;
      connections.emplace(id, conn);
    }
    asio::co_spawn(conn->lowest().get_executor(), serve_connection(conn, id), asio::detached);
  }
}

template <class Stream>
asio::awaitable<bool> server::impl::write(Stream& stream, response res, unsigned version, bool keep_alive) {
  bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), version};
  for (auto& [name, value] : res.headers) out.set(name, value);
  out.body() = std::move(res.body);
  out.keep_alive(keep_alive && res.keep_alive && !stopping);
  out.prepare_payload();
  beast::get_lowest_layer(stream).expires_after(options.write_timeout);
  if (res.reset_after_body_bytes || res.trickle_chunk > 0) co_return co_await write_faulty(stream, out, res);
  auto [ec, n] = co_await bhttp::async_write(stream, out, token{});
  co_return !ec && out.keep_alive();
}

// The emulators' transport faults: the message goes out as bytes we control, either
// cut short by a TCP reset or trickled in small pieces.
template <class Stream>
asio::awaitable<bool> server::impl::write_faulty(Stream& stream, const bhttp::response<bhttp::string_body>& out,
                                                  const response& res) {
  std::ostringstream serialized;
  serialized << out;
  const std::string wire = serialized.str();
  auto& lowest = beast::get_lowest_layer(stream);
  if (res.reset_after_body_bytes) {
    const auto head_end = wire.find("\r\n\r\n");
    const auto head = head_end == std::string::npos ? std::size_t{0} : head_end + 4;
    const auto cut = std::min(wire.size(), head + *res.reset_after_body_bytes);
    co_await asio::async_write(stream, asio::buffer(wire.data(), cut), token{});
    boost::system::error_code ignored;
    lowest.socket().set_option(asio::socket_base::linger(true, 0), ignored);  // close with RST, not FIN
    lowest.socket().close(ignored);
    co_return false;
  }
  asio::steady_timer pause(lowest.get_executor());
  for (std::size_t offset = 0; offset < wire.size(); offset += res.trickle_chunk) {
    const auto size = std::min(res.trickle_chunk, wire.size() - offset);
    auto [ec, n] = co_await asio::async_write(stream, asio::buffer(wire.data() + offset, size), token{});
    if (ec) co_return false;
    pause.expires_after(res.trickle_interval);
    co_await pause.async_wait(token{});
  }
  co_return out.keep_alive();
}

asio::awaitable<void> server::impl::serve_connection(std::shared_ptr<connection> conn, std::uint64_t id) {
  auto& lowest = conn->lowest();
  std::string remote;
  {
    boost::system::error_code ec;
    auto ep = lowest.socket().remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string();
  }
  if (auto* tls_conn = std::get_if<tls_stream>(&conn->stream)) {
    // A failed or stalled handshake ends the connection silently.
    lowest.expires_after(options.tls_handshake_timeout);
    auto [ec] = co_await tls_conn->async_handshake(asio::ssl::stream_base::server, token{});
    if (!ec) co_await serve_requests(*tls_conn, *conn, remote);
  } else {
    co_await serve_requests(std::get<tcp_stream>(conn->stream), *conn, remote);
  }
  // No TLS close_notify: every response is delimited, so a bare close loses nothing.
  boost::system::error_code ignored;
  lowest.socket().shutdown(tcp::socket::shutdown_send, ignored);
  lowest.socket().close(ignored);
  forget(id);
}

template <class Stream>
asio::awaitable<void> server::impl::serve_requests(Stream& stream, connection& conn, const std::string& remote) {
  beast::flat_buffer buffer;
  auto& lowest = beast::get_lowest_layer(stream);
  for (;;) {
    if (stopping) break;
    if (buffer.size() == 0) {
      // Keep-alive wait: only the idle timeout applies until the next request starts.
      lowest.expires_after(options.idle_timeout);
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(4096), token{});
      if (ec) break;
      buffer.commit(n);
    }
    conn.busy = true;
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.header_limit, UINT32_MAX)));
    parser.body_limit(options.body_limit);
    lowest.expires_after(options.read_timeout);
    auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, token{});
    if (!ec) {
      if (auto refused = framing_problem(parser.get())) {
        auto rejection = handler_.on_error(refused->status, refused->message);
        co_await write(stream, std::move(rejection), 11, false);
        break;
      }
    }
    // The request line and headers, copied once: before_body sees them, then the handler.
    request req;
    if (!ec) {
      const auto& head = parser.get();
      req.method = std::string(head.method_string());
      req.target = std::string(head.target());
      req.remote_address = remote;
      req.headers.reserve(std::distance(head.begin(), head.end()));
      for (const auto& field : head) req.headers.emplace_back(ascii_lower(field.name_string()), std::string(field.value()));
    }
    if (!ec && !parser.is_done() && handler_.before_body) {
      if (auto refused = handler_.before_body(req)) {
        co_await write(stream, std::move(*refused), parser.get().version(), false);
        break;
      }
    }
    if (!ec && !parser.is_done()) {
      // Clients such as curl send "Expect: 100-continue" for larger bodies and wait for
      // the interim response; oversized bodies were already refused by the header read.
      const auto& head = parser.get();
      if (beast::iequals(head[bhttp::field::expect], "100-continue")) {
        bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, head.version()};
        std::tie(ec, n) = co_await bhttp::async_write(stream, go_on, token{});
      }
      if (!ec) std::tie(ec, n) = co_await bhttp::async_read(stream, buffer, parser, token{});
    }
    if (ec) {
      std::optional<response> rejection;
      const bool protocol_error = ec.category() == bhttp::make_error_code(bhttp::error::bad_method).category();
      if (ec == bhttp::error::body_limit)
        rejection = handler_.on_error(413, "request body exceeds the limit of " + std::to_string(options.body_limit) + " bytes");
      else if (ec == bhttp::error::header_limit)
        rejection = handler_.on_error(431, "request headers exceed the limit of " + std::to_string(options.header_limit) + " bytes");
      else if (protocol_error && ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message)
        rejection = handler_.on_error(400, "malformed HTTP request");
      // Timeouts, resets and a client closing mid-request end the connection silently.
      if (rejection) co_await write(stream, std::move(*rejection), 11, false);
      break;
    }
    auto& in = parser.get();
    req.body = std::move(in.body());
    const bool keep_alive = in.keep_alive();
    const unsigned version = in.version();

    response res;
    try {
      res = co_await handler_.handle(std::move(req));
    } catch (const std::exception& e) {
      std::cerr << R"({"level":"error","msg":"handler threw","what":")" << e.what() << "\"}\n";
      res = handler_.on_error(500, "internal error");
    }
    const bool again = co_await write(stream, std::move(res), version, keep_alive);
    conn.busy = false;
    if (!again) break;
  }
}

void server::impl::forget(std::uint64_t id) {
  bool last = false;
  {
    std::lock_guard lock(connections_mutex);
    connections.erase(id);
    last = connections.empty();
  }
  if (last && stopping) asio::post(ioc, [this] { drain_timer.cancel(); });
}

void server::impl::begin_drain() {
  if (stopping.exchange(true)) return;
  boost::system::error_code ignored;
  acceptor.close(ignored);
  signals.cancel(ignored);
  std::vector<std::shared_ptr<connection>> live;
  {
    std::lock_guard lock(connections_mutex);
    for (auto& [id, weak] : connections)
      if (auto c = weak.lock()) live.push_back(std::move(c));
  }
  for (auto& c : live) {
    // Idle connections close now; busy ones finish their request and then close.
    asio::post(c->lowest().get_executor(), [c] {
      if (!c->busy) c->lowest().cancel();
    });
  }
  if (live.empty()) return;
  drain_timer.expires_after(options.drain_timeout);
  drain_timer.async_wait([this](boost::system::error_code ec) {
    if (!ec) {
      std::cerr << R"({"level":"warn","msg":"drain timeout reached; abandoning in-flight requests"})" << "\n";
      ioc.stop();
    }
  });
}

server::server(server_options options, handler h) : impl_(std::make_unique<impl>(std::move(options), std::move(h))) {}
server::~server() = default;

void server::listen() {
  const auto& o = impl_->options;
  if (!o.tls_cert_file.empty() || !o.tls_key_file.empty()) {
    if (o.tls_cert_file.empty() || o.tls_key_file.empty())
      throw std::system_error(std::make_error_code(std::errc::invalid_argument), "TLS needs both tls_cert_file and tls_key_file");
    asio::ssl::context ctx(asio::ssl::context::tls_server);
    ctx.set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 | asio::ssl::context::no_sslv3 |
                    asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    ctx.use_certificate_chain_file(o.tls_cert_file, ec);
    if (ec) throw std::system_error(ec, "cannot load TLS certificate '" + o.tls_cert_file + "'");
    ctx.use_private_key_file(o.tls_key_file, asio::ssl::context::pem, ec);
    if (ec) throw std::system_error(ec, "cannot load TLS key '" + o.tls_key_file + "'");
    impl_->tls.emplace(std::move(ctx));
  }
  auto& a = impl_->acceptor;
  tcp::endpoint ep{asio::ip::make_address(impl_->options.address), impl_->options.port};
  a.open(ep.protocol());
  a.set_option(asio::socket_base::reuse_address(true));
  a.bind(ep);
  a.listen(asio::socket_base::max_listen_connections);
}

std::uint16_t server::port() const { return impl_->acceptor.local_endpoint().port(); }

boost::asio::any_io_executor server::executor() { return impl_->ioc.get_executor(); }

void server::run(bool install_signal_handlers) {
  auto& i = *impl_;
  if (install_signal_handlers) {
    i.signals.add(SIGINT);
    i.signals.add(SIGTERM);
    i.signals.async_wait([this](boost::system::error_code ec, int) {
      if (!ec) stop();
    });
  }
  asio::co_spawn(i.ioc, i.accept_loop(), asio::detached);
  unsigned n = i.options.threads ? i.options.threads : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < n; ++t) pool.emplace_back([&i] { i.ioc.run(); });
  i.ioc.run();
  for (auto& t : pool) t.join();
}

void server::stop() {
  asio::post(impl_->ioc, [i = impl_.get()] { i->begin_drain(); });
}

}  // namespace custbridge::http
