// The only file of cb_upstream that includes Beast and Asio's SSL.
#include "gateway/upstream/transport.hpp"
#include "common/text.hpp"

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <cerrno>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <variant>
#include <vector>

#include "gateway/upstream/deadline.hpp"

namespace custbridge::upstream {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using clock = std::chrono::steady_clock;
using token = asio::as_tuple_t<asio::use_awaitable_t<>>;
using tcp_socket = token::as_default_on_t<tcp::socket>;
using tcp_resolver = token::as_default_on_t<tcp::resolver>;
using tls_stream = ssl::stream<tcp_socket>;
using error_code = boost::system::error_code;

// Beast reads at most the buffer's spare capacity (512 bytes minimum) per receive, and
// the parser consumes what it reads, so an unreserved buffer reads a 70 KB list in ~150
// receives. Reserved, it takes one or two.
constexpr std::size_t read_capacity = 64 * 1024;

struct connection {
  explicit connection(tcp_socket s) : stream(std::in_place_type<tcp_socket>, std::move(s)) { buffer.reserve(read_capacity); }
  connection(tcp_socket s, ssl::context& ctx) : stream(std::in_place_type<tls_stream>, std::move(s), ctx) {
    buffer.reserve(read_capacity);
  }

  tcp_socket& socket() {
    if (auto* t = std::get_if<tls_stream>(&stream)) return t->next_layer();
    return std::get<tcp_socket>(stream);
  }
  void close() {
    error_code ignored;
    socket().close(ignored);
  }

  std::variant<tcp_socket, tls_stream> stream;
  beast::flat_buffer buffer;  // bytes read past a response; a reusable connection has none
  clock::time_point idle_since{};
};

// A request waiting for a connection while the pool is at its maximum size. release()
// hands it a connection (or the right to open one) and wakes it by cancelling its timer.
struct waiter {
  explicit waiter(asio::any_io_executor ex, clock::time_point deadline) : timer(ex, deadline) {}
  asio::steady_timer timer;
  std::unique_ptr<connection> conn;
  bool slot = false;
};

struct host_pool {
  std::mutex mutex;
  std::vector<std::unique_ptr<connection>> idle;  // most recently used last
  std::size_t open = 0;  // idle + checked out + being connected
  std::deque<std::shared_ptr<waiter>> waiters;
  std::uint64_t opened = 0, reused = 0, discarded = 0;
};

// A pooled connection the server has closed (or that has unread bytes, e.g. a TLS
// close_notify) must not be reused: peek at the socket without blocking.
bool looks_alive(connection& c) {
  auto& s = c.socket();
  if (!s.is_open()) return false;
  char byte;
  const auto n = ::recv(s.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n >= 0) return false;  // 0: orderly close; >0: unsolicited bytes
  return errno == EAGAIN || errno == EWOULDBLOCK;
}

bool is_ip_literal(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// OpenSSL checks the certificate against `host` while verifying the chain, so a wrong
// name fails with its own verify result ("hostname mismatch", "IP address mismatch").
// SNI carries names only, never IP literals (RFC 6066).
bool expect_peer_name(SSL* ssl, const std::string& host) {
  if (is_ip_literal(host)) return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1;
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 && SSL_set1_host(ssl, host.c_str()) == 1;
}

struct checkout_result {
  std::unique_ptr<connection> conn;  // a pooled connection, or null with `slot`
  bool slot = false;                 // the caller may open a new connection
};

struct connect_result {
  std::unique_ptr<connection> conn;
  exchange_result failure;  // when conn is null
};

struct round_trip_result {
  exchange_result result;
  bool reusable = false;
};

}  // namespace

struct transport::impl {
  impl(asio::any_io_executor ex, transport_options o) : executor(std::move(ex)), options(std::move(o)), tls(ssl::context::tls_client) {}

  asio::any_io_executor executor;
  transport_options options;
  ssl::context tls;
  mutable std::mutex pools_mutex;
  std::map<std::string, std::shared_ptr<host_pool>> pools;

  std::shared_ptr<host_pool> pool_for(const base_url& to) {
    std::lock_guard lock(pools_mutex);
    auto& p = pools[to.origin()];
    if (!p) p = std::make_shared<host_pool>();
    return p;
  }

  asio::awaitable<std::optional<checkout_result>> checkout(std::shared_ptr<host_pool> pool, clock::time_point deadline);
  void release(host_pool& pool, std::unique_ptr<connection> conn, bool reusable);
  asio::awaitable<connect_result> connect(base_url to);
};

asio::awaitable<std::optional<checkout_result>> transport::impl::checkout(std::shared_ptr<host_pool> pool, clock::time_point deadline) {
  const auto my_executor = co_await asio::this_coro::executor;
  std::shared_ptr<waiter> w;
  {
    std::lock_guard lock(pool->mutex);
    const auto now = clock::now();
    while (!pool->idle.empty()) {
      auto c = std::move(pool->idle.back());
      pool->idle.pop_back();
      if (now - c->idle_since < options.pool.idle_timeout && looks_alive(*c)) {
        ++pool->reused;
        co_return checkout_result{std::move(c), false};
      }
      c->close();
      --pool->open;
      ++pool->discarded;
    }
    // Whatever is left is older than the one just discarded, so it has expired too.
    if (pool->open < std::max<std::size_t>(1, options.pool.max_connections)) {
      ++pool->open;
      co_return checkout_result{nullptr, true};
    }
    w = std::make_shared<waiter>(my_executor, deadline);
    pool->waiters.push_back(w);
  }
  // The waiter's timer is its deadline; release() cancels it early on our strand.
  co_await w->timer.async_wait(token{});
  std::lock_guard lock(pool->mutex);
  if (w->conn) {
    ++pool->reused;
    co_return checkout_result{std::move(w->conn), false};
  }
  if (w->slot) co_return checkout_result{nullptr, true};
  std::erase(pool->waiters, w);
  co_return std::nullopt;
}

void transport::impl::release(host_pool& pool, std::unique_ptr<connection> conn, bool reusable) {
  std::shared_ptr<waiter> w;
  {
    std::lock_guard lock(pool.mutex);
    if (!pool.waiters.empty()) {
      w = std::move(pool.waiters.front());
      pool.waiters.pop_front();
      if (reusable && conn)
        w->conn = std::move(conn);
      else
        w->slot = true;  // our slot passes to the waiter, `open` is unchanged
    } else if (reusable && conn) {
      conn->idle_since = clock::now();
      pool.idle.push_back(std::move(conn));
    } else {
      --pool.open;
    }
  }
  if (conn) conn->close();
  if (w) asio::post(w->timer.get_executor(), [w] { w->timer.cancel(); });
}

asio::awaitable<connect_result> transport::impl::connect(base_url to) {
  connect_result out;
  out.failure.err = exchange_result::error::connect;
  const auto where = to.host + ":" + std::to_string(to.port);
  tcp_resolver resolver(executor);
  auto [rec, endpoints] = co_await resolver.async_resolve(to.host, std::to_string(to.port));
  if (rec) {
    out.failure.message = "cannot resolve " + to.host + ": " + rec.message();
    co_return out;
  }
  tcp_socket socket(executor);
  auto [cec, ep] = co_await asio::async_connect(socket, endpoints);
  if (cec) {
    out.failure.message = "connect to " + where + " failed: " + cec.message();
    co_return out;
  }
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  if (!to.tls) {
    out.conn = std::make_unique<connection>(std::move(socket));
    co_return out;
  }
  auto conn = std::make_unique<connection>(std::move(socket), tls);
  auto& stream = std::get<tls_stream>(conn->stream);
  if (!expect_peer_name(stream.native_handle(), to.host)) {
    out.failure.err = exchange_result::error::tls;
    out.failure.message = "cannot set up the certificate name check for " + to.host;
    co_return out;
  }
  stream.set_verify_mode(ssl::verify_peer);
  auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, token{});
  if (hec) {
    out.failure.err = exchange_result::error::tls;
    const long verify = SSL_get_verify_result(stream.native_handle());
    out.failure.verify_failed = verify != X509_V_OK;
    if (out.failure.verify_failed)
      out.failure.message = "TLS certificate of " + where + " rejected: " + X509_verify_cert_error_string(verify);
    else
      out.failure.message = "TLS handshake with " + where + " failed: " + hec.message();
    co_return out;
  }
  out.conn = std::move(conn);
  co_return out;
}

namespace {

template <class Stream>
asio::awaitable<round_trip_result> round_trip(Stream& stream, connection& conn, const bhttp::request<bhttp::string_body>& req,
                                              const transport_options& options, bool head) {
  round_trip_result out;
  out.result.sent = true;
  auto [wec, written] = co_await bhttp::async_write(stream, req, token{});
  if (wec) {
    out.result.err = exchange_result::error::network;
    out.result.message = "sending the request failed: " + wec.message();
    co_return out;
  }
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(options.response_body_limit);
  parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(options.response_header_limit, UINT32_MAX)));
  if (head) parser.skip(true);
  auto [rec, n] = co_await bhttp::async_read(stream, conn.buffer, parser, token{});
  if (rec) {
    out.result.err = exchange_result::error::network;
    if (rec == bhttp::error::body_limit)
      out.result.message = "response body exceeds " + std::to_string(options.response_body_limit) + " bytes";
    else if (rec == bhttp::error::header_limit)
      out.result.message = "response headers exceed " + std::to_string(options.response_header_limit) + " bytes";
    else if (rec == bhttp::error::end_of_stream)
      out.result.message = "connection closed before a response arrived";
    else if (rec == bhttp::error::partial_message)
      out.result.message = "connection closed in the middle of the response";
    else
      out.result.message = "reading the response failed: " + rec.message();
    co_return out;
  }
  auto& res = parser.get();
  out.result.status = res.result_int();
  out.result.headers.reserve(std::distance(res.begin(), res.end()));
  for (const auto& field : res) out.result.headers.emplace_back(ascii_lower(field.name_string()), std::string(field.value()));
  out.result.body = std::move(res.body());
  out.reusable = res.keep_alive() && conn.buffer.size() == 0;
  co_return out;
}

asio::awaitable<round_trip_result> round_trip_on(connection& conn, const bhttp::request<bhttp::string_body>& req,
                                                 const transport_options& options, bool head) {
  if (auto* t = std::get_if<tls_stream>(&conn.stream)) co_return co_await round_trip(*t, conn, req, options, head);
  co_return co_await round_trip(std::get<tcp_socket>(conn.stream), conn, req, options, head);
}

}  // namespace

boost::system::result<std::shared_ptr<transport>, std::string> transport::create(asio::any_io_executor executor,
                                                                                 transport_options options) {
  auto i = std::make_shared<impl>(std::move(executor), std::move(options));
  error_code ec;
  i->tls.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                         ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                     ec);
  if (ec) return "cannot set up TLS: " + ec.message();
  i->tls.set_verify_mode(ssl::verify_peer, ec);
  if (ec) return "cannot set up TLS: " + ec.message();
  if (!i->options.tls.ca_file.empty()) {
    i->tls.load_verify_file(i->options.tls.ca_file, ec);
    if (ec) return "cannot load CA file '" + i->options.tls.ca_file + "': " + ec.message();
  } else {
    i->tls.set_default_verify_paths(ec);
    if (ec) return "cannot load the system CA store: " + ec.message();
  }
  return std::shared_ptr<transport>(new transport(std::move(i)));
}

transport::transport(std::shared_ptr<impl> i) : impl_(std::move(i)) {}
transport::~transport() = default;

asio::awaitable<exchange_result> transport::exchange(const base_url& to, wire_request request, clock::time_point deadline,
                                                     std::chrono::milliseconds connect_timeout) {
  auto self = impl_;  // keep the pools alive for the whole attempt
  auto pool = self->pool_for(to);

  auto checked = co_await self->checkout(pool, deadline);
  if (!checked) {
    exchange_result r;
    r.err = exchange_result::error::connect;
    r.timed_out = true;
    r.message = "no connection to " + to.origin() + " became free before the deadline";
    co_return r;
  }
  std::unique_ptr<connection> conn = std::move(checked->conn);
  const bool reused = conn != nullptr;
  if (!conn) {
    const auto connect_deadline = std::min(deadline, clock::now() + connect_timeout);
    auto connected = co_await with_deadline(self->connect(to), connect_deadline);
    if (!connected || !connected->conn) {
      self->release(*pool, nullptr, false);
      if (connected) co_return std::move(connected->failure);
      exchange_result r;
      r.err = exchange_result::error::connect;
      r.timed_out = true;
      r.message = "connect to " + to.host + ":" + std::to_string(to.port) + " timed out";
      co_return r;
    }
    conn = std::move(connected->conn);
    std::lock_guard lock(pool->mutex);
    ++pool->opened;
  }

  const bool head = request.method == "HEAD";
  bhttp::request<bhttp::string_body> req;
  req.version(11);
  req.method_string(request.method);
  req.target(request.target);
  req.set(bhttp::field::host, to.host_header());
  for (auto& [name, value] : request.headers) {
    // Framing and routing headers are the transport's to set.
    if (beast::iequals(name, "host") || beast::iequals(name, "content-length") || beast::iequals(name, "transfer-encoding") ||
        beast::iequals(name, "connection"))
      continue;
    req.insert(name, value);
  }
  req.body() = std::move(request.body);
  req.keep_alive(true);
  req.prepare_payload();

  auto done = co_await with_deadline(round_trip_on(*conn, req, self->options, head), deadline);
  if (!done) {
    self->release(*pool, nullptr, false);
    conn->close();
    exchange_result r;
    r.err = exchange_result::error::network;
    r.timed_out = true;
    r.sent = true;
    r.reused = reused;
    r.message = "no response from " + to.origin() + " before the deadline";
    co_return r;
  }
  done->result.reused = reused;
  if (done->result.err != exchange_result::error::none || !done->reusable) {
    conn->close();
    self->release(*pool, nullptr, false);
  } else {
    self->release(*pool, std::move(conn), true);
  }
  co_return std::move(done->result);
}

pool_snapshot transport::pool(const base_url& to) const {
  std::shared_ptr<host_pool> p;
  {
    std::lock_guard lock(impl_->pools_mutex);
    auto it = impl_->pools.find(to.origin());
    if (it == impl_->pools.end()) return {};
    p = it->second;
  }
  std::lock_guard lock(p->mutex);
  pool_snapshot s;
  s.idle = p->idle.size();
  s.in_use = p->open - p->idle.size();
  s.waiting = p->waiters.size();
  s.opened = p->opened;
  s.reused = p->reused;
  s.discarded = p->discarded;
  return s;
}

}  // namespace custbridge::upstream
