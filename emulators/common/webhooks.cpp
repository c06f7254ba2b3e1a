#include "emulators/common/webhooks.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/url/parse.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace custbridge::emulators {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto token = asio::as_tuple(asio::use_awaitable);

struct post_result {
  int status = 0;
  std::string error;
};

asio::awaitable<post_result> post_once(std::string url, http::header_list headers, std::string body) {
  auto u = boost::urls::parse_uri(url);
  if (!u) co_return post_result{0, "invalid url"};
  if (u->scheme() != "http") co_return post_result{0, "only http:// delivery is emulated"};
  const std::string host(u->host());
  const std::string port = u->has_port() ? std::string(u->port()) : "80";
  std::string target(u->encoded_path());
  if (target.empty()) target = "/";
  if (u->has_query()) target += "?" + std::string(u->encoded_query());

  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  auto [rec, endpoints] = co_await resolver.async_resolve(host, port, token);
  if (rec) co_return post_result{0, rec.message()};
  tcp::socket socket(ex);
  auto [cec, ep] = co_await asio::async_connect(socket, endpoints, token);
  if (cec) co_return post_result{0, cec.message()};

  std::string out = "POST " + target + " HTTP/1.1\r\nHost: " + host + ":" + port +
                    "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                    std::to_string(body.size()) + "\r\n";
  for (const auto& [name, value] : headers) out += name + ": " + value + "\r\n";
  out += "\r\n" + body;
  auto [wec, wn] = co_await asio::async_write(socket, asio::buffer(out), token);
  if (wec) co_return post_result{0, wec.message()};
  // Only the status line matters; the receiver closes the connection.
  std::string in;
  char buf[1024];
  while (in.find("\r\n") == std::string::npos && in.size() < 8192) {
    auto [rec2, n] = co_await socket.async_read_some(asio::buffer(buf), token);
    in.append(buf, n);
    if (rec2) break;
  }
  // "HTTP/1.1 200 OK"
  auto sp = in.find(' ');
  if (sp == std::string::npos || in.size() < sp + 4) co_return post_result{0, "no HTTP status line"};
  co_return post_result{std::atoi(in.substr(sp + 1, 3).c_str()), ""};
}

asio::awaitable<void> deliver(std::shared_ptr<webhook_log> log, std::size_t index, webhook_delivery d) {
  using namespace asio::experimental::awaitable_operators;
  for (std::size_t attempt = 0;; ++attempt) {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    timer.expires_after(std::chrono::seconds(3));
    auto outcome = co_await (post_once(d.url, d.headers, d.body) || timer.async_wait(token));
    post_result result = outcome.index() == 0 ? std::get<0>(outcome) : post_result{0, "timeout"};
    log->finish(index, result.status, result.error, static_cast<int>(attempt) + 1);
    // Any 2xx acknowledges the delivery.
    if ((result.status >= 200 && result.status < 300) || attempt >= d.retry_delays.size()) co_return;
    // Sleep in short slices so a shutdown does not wait for a retry hours away.
    const auto until = std::chrono::steady_clock::now() + d.retry_delays[attempt];
    asio::steady_timer wait(co_await asio::this_coro::executor);
    while (!log->stopped() && std::chrono::steady_clock::now() < until) {
      wait.expires_at(std::min(until, std::chrono::steady_clock::now() + std::chrono::milliseconds(100)));
      co_await wait.async_wait(token);
    }
    if (log->stopped()) co_return;
  }
}

std::vector<std::chrono::milliseconds> scaled(const std::vector<double>& seconds, double scale) {
  std::vector<std::chrono::milliseconds> out;
  if (scale <= 0) return out;
  for (double s : seconds) out.emplace_back(static_cast<long long>(s * 1000.0 / scale));
  return out;
}

void write_string(rapidjson::Writer<rapidjson::StringBuffer>& w, const std::string& s) {
  w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace

std::size_t webhook_log::add(webhook_delivery d) {
  std::lock_guard lock(mutex_);
  entries_.push_back(std::move(d));
  return entries_.size() - 1;
}

void webhook_log::finish(std::size_t index, int status, std::string error, int attempts) {
  std::lock_guard lock(mutex_);
  if (index >= entries_.size()) return;  // cleared meanwhile
  entries_[index].status = status;
  entries_[index].error = std::move(error);
  entries_[index].attempts = attempts;
}

std::vector<std::chrono::milliseconds> nuvemshop_retry_delays(double scale) {
  std::vector<double> s{0, 300, 600, 900};
  while (s.size() < 17) s.push_back(s.back() * 1.4);
  return scaled(s, scale);
}

std::vector<std::chrono::milliseconds> bigcommerce_retry_delays(double scale) {
  return scaled({60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 50400, 86400}, scale);
}

std::vector<webhook_delivery> webhook_log::snapshot() const {
  std::lock_guard lock(mutex_);
  return entries_;
}

void webhook_log::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

std::string webhook_log::json() const {
  std::lock_guard lock(mutex_);
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartArray();
  for (const auto& d : entries_) {
    w.StartObject();
    w.Key("event"); write_string(w, d.event);
    w.Key("url"); write_string(w, d.url);
    w.Key("headers");
    w.StartObject();
    for (const auto& [k, v] : d.headers) {
      w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
      write_string(w, v);
    }
    w.EndObject();
    w.Key("body"); write_string(w, d.body);
    w.Key("status"); w.Int(d.status);
    w.Key("error"); write_string(w, d.error);
    w.Key("attempts"); w.Int(d.attempts);
    w.EndObject();
  }
  w.EndArray();
  return sb.GetString();
}

void send_webhook(boost::asio::any_io_executor ex, std::shared_ptr<webhook_log> log, webhook_delivery d) {
  const auto index = log->add(d);
  asio::co_spawn(ex, deliver(std::move(log), index, std::move(d)), asio::detached);
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += {alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], alphabet[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += {alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {alphabet[(v >> 18) & 63], alphabet[(v >> 12) & 63], alphabet[(v >> 6) & 63], '='};
  }
  return out;
}

std::string hex_decode(std::string_view hex) {
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1])));
  return out;
}

}  // namespace custbridge::emulators
