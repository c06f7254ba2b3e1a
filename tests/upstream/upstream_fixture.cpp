#include "tests/upstream/upstream_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <cctype>
#include <stdexcept>

namespace custbridge::testing {
namespace asio = boost::asio;

http::response make_response(int status, std::string body, http::header_list headers) {
  http::response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

namespace {

asio::awaitable<http::response> serve_scripted(std::shared_ptr<scripted_upstream::state> s, http::request req) {
  const int n = ++s->hits;
  const int now_in_flight = ++s->in_flight;
  int seen = s->max_in_flight;
  while (now_in_flight > seen && !s->max_in_flight.compare_exchange_weak(seen, now_in_flight)) {
  }
  scripted_reply reply;
  {
    std::lock_guard lock(s->mutex);
    s->requests.push_back(req);
    reply = s->script(req, n);
  }
  if (reply.delay.count() > 0) {
    asio::steady_timer timer(co_await asio::this_coro::executor, reply.delay);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  }
  --s->in_flight;
  co_return reply.response;
}

}  // namespace

scripted_upstream::scripted_upstream(script_fn script, http::server_options options) : state_(std::make_shared<state>()) {
  state_->script = std::move(script);
  options.address = "127.0.0.1";
  options.port = 0;
  if (options.threads == 0) options.threads = 2;
  options.drain_timeout = std::chrono::milliseconds(300);
  http::handler h;
  auto s = state_;
  h.handle = [s](http::request req) { return serve_scripted(s, std::move(req)); };
  h.on_error = [](int status, std::string_view message) { return make_response(status, std::string(message)); };
  server_ = std::make_unique<http::server>(std::move(options), std::move(h));
  server_->listen();
  port_ = server_->port();
  thread_ = std::thread([this] { server_->run(false); });
}

scripted_upstream::~scripted_upstream() {
  server_->stop();
  thread_.join();
}

std::string scripted_upstream::url(bool tls) const { return std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_); }

std::vector<http::request> scripted_upstream::requests() const {
  std::lock_guard lock(state_->mutex);
  return state_->requests;
}

void scripted_upstream::set_script(script_fn script) {
  std::lock_guard lock(state_->mutex);
  state_->script = std::move(script);
}

raw_upstream::raw_upstream(std::function<raw_action(int)> script) : script_(std::move(script)) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0)
    throw std::runtime_error("bind/listen");
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { run(); });
}

raw_upstream::~raw_upstream() {
  stop_ = true;
  thread_.join();
  for (int fd : held_) ::close(fd);
  ::close(listen_fd_);
}

namespace {

// Reads one request (headers, then Content-Length bytes of body) or gives up after 2 s.
bool read_request(int fd) {
  std::string data;
  char buf[4096];
  std::size_t need = std::string::npos;
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 2000) <= 0) return false;
    const auto n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    data.append(buf, static_cast<std::size_t>(n));
    const auto end = data.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    if (need == std::string::npos) {
      std::string head = data.substr(0, end);
      std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
      std::size_t length = 0;
      if (auto at = head.find("content-length:"); at != std::string::npos) length = std::stoul(head.substr(at + 15));
      need = end + 4 + length;
    }
    if (data.size() >= need) return true;
  }
}

void send_all(int fd, const std::string& s) {
  std::size_t off = 0;
  while (off < s.size()) {
    const auto n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

}  // namespace

void raw_upstream::run() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 20) <= 0) continue;
    const int fd = ::accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    const int n = ++connections_;
    const auto action = script_(n);
    if (action == raw_action::silent) {
      held_.push_back(fd);
      continue;
    }
    if (read_request(fd)) {
      ++requests_read_;
      if (action == raw_action::half_response)
        send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"half\":");
      else if (action == raw_action::answer_ok)
        send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
    }
    ::close(fd);
  }
}

client_runner::client_runner(unsigned threads) : work_(ioc_.get_executor()) {
  for (unsigned i = 0; i < threads; ++i) threads_.emplace_back([this] { ioc_.run(); });
}

client_runner::~client_runner() {
  work_.reset();
  ioc_.stop();
  for (auto& t : threads_) t.join();
}

std::shared_ptr<upstream::client> client_runner::make_client(upstream::client_options options) {
  auto c = upstream::client::create(executor(), std::move(options));
  if (!c) throw std::runtime_error("client::create: " + c.error());
  return *c;
}

upstream::client::outcome client_runner::send(upstream::client& c, upstream::upstream_request req, std::chrono::milliseconds deadline) {
  auto f = asio::co_spawn(ioc_, c.send(std::move(req), std::chrono::steady_clock::now() + deadline), asio::use_future);
  return f.get();
}

upstream::upstream_request get(std::string target) {
  upstream::upstream_request r;
  r.method = "GET";
  r.target = std::move(target);
  return r;
}

upstream::upstream_request post(std::string target, std::string body) {
  upstream::upstream_request r;
  r.method = "POST";
  r.target = std::move(target);
  r.body = std::move(body);
  r.headers.emplace_back("Content-Type", "application/json");
  return r;
}

}  // namespace custbridge::testing
