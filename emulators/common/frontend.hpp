#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>

#include "emulators/common/counters.hpp"
#include "emulators/common/faults.hpp"
#include "emulators/common/platform.hpp"
#include "emulators/common/request_journal.hpp"
#include "gateway/http/message.hpp"
#include "gateway/http/server.hpp"

namespace custbridge::emulators {

// Admin routes live under this prefix, away from every platform path.
inline constexpr std::string_view admin_prefix = "/__emulator/";

// Wraps a platform with the admin endpoints, fault injection, request counters and
// the request journal.
// Thread-safe.
class frontend {
 public:
  frontend(std::shared_ptr<platform> p, fault_config faults);

  platform& target() { return *platform_; }
  fault_injector& faults() { return faults_; }
  request_counters& counters() { return counters_; }
  request_journal& journal() { return journal_; }

 private:
  friend boost::asio::awaitable<http::response> serve(std::shared_ptr<frontend> fe, http::request req);
  http::response admin(const http::request& req);

  std::shared_ptr<platform> platform_;
  fault_injector faults_;
  request_counters counters_;
  request_journal journal_;
};

// Serves one request: admin routes first, then faults, then the platform.
boost::asio::awaitable<http::response> serve(std::shared_ptr<frontend> fe, http::request req);

// Waits on a steady timer of the calling coroutine's executor; returns at once for d <= 0.
boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds d);

// The handler to give the HTTP server.
http::handler make_handler(std::shared_ptr<frontend> fe);

}  // namespace custbridge::emulators
