#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gateway/http/server.hpp"
#include "gateway/upstream/client.hpp"

namespace custbridge::testing {

struct scripted_reply {
  http::response response;
  std::chrono::milliseconds delay{0};  // the handler sleeps this long before answering
};

http::response make_response(int status, std::string body = "", http::header_list headers = {});

// An in-process upstream on the project's own server core (127.0.0.1, port 0, its own
// threads). Each request goes to `script` with its 1-based arrival number.
class scripted_upstream {
 public:
  using script_fn = std::function<scripted_reply(const http::request&, int n)>;
  explicit scripted_upstream(script_fn script, http::server_options options = {});
  ~scripted_upstream();

  std::uint16_t port() const { return port_; }
  std::string url(bool tls = false) const;
  int hits() const { return state_->hits; }
  int max_in_flight() const { return state_->max_in_flight; }
  std::vector<http::request> requests() const;
  void set_script(script_fn script);

  struct state {
    std::mutex mutex;
    script_fn script;
    std::vector<http::request> requests;
    std::atomic<int> hits{0}, in_flight{0}, max_in_flight{0};
  };

 private:
  std::shared_ptr<state> state_;
  std::unique_ptr<http::server> server_;
  std::thread thread_;
  std::uint16_t port_ = 0;
};

// A raw TCP server that misbehaves on purpose, one connection at a time.
enum class raw_action {
  close_after_request,  // read the request, then close without answering
  half_response,        // read the request, send a status line and half the promised body, close
  answer_ok,            // read the request, answer 200 "ok" with Connection: close
  silent,               // accept, never send a byte, keep the connection open until destruction
};

class raw_upstream {
 public:
  explicit raw_upstream(std::function<raw_action(int n)> script);
  ~raw_upstream();
  std::uint16_t port() const { return port_; }
  int connections() const { return connections_; }
  int requests_read() const { return requests_read_; }

 private:
  void run();
  std::function<raw_action(int)> script_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0}, requests_read_{0};
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::vector<int> held_;
  std::thread thread_;
};

// Client-side io_context run by several threads for the duration of a test.
class client_runner {
 public:
  explicit client_runner(unsigned threads = 2);
  ~client_runner();
  boost::asio::any_io_executor executor() { return ioc_.get_executor(); }

  std::shared_ptr<upstream::client> make_client(upstream::client_options options);
  // Runs client.send() on the io_context and blocks for its outcome.
  upstream::client::outcome send(upstream::client& c, upstream::upstream_request req,
                                 std::chrono::milliseconds deadline = std::chrono::milliseconds(2'000));

 private:
  boost::asio::io_context ioc_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::vector<std::thread> threads_;
};

upstream::upstream_request get(std::string target);
upstream::upstream_request post(std::string target, std::string body);

// Milliseconds elapsed while running f.
template <class F>
std::int64_t elapsed_ms(F&& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace custbridge::testing
