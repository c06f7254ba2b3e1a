#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gateway/http/message.hpp"

namespace custbridge::emulators {

// One webhook POST the emulator attempted.
struct webhook_delivery {
  std::string event;  // "customer/created", "store/customer/created", ...
  std::string url;
  http::header_list headers;
  std::string body;
  int status = 0;  // the receiver's last status, 0 while pending or on a transport error
  std::string error;
  int attempts = 0;
  // Waits before each retry after a failed attempt (non-2xx or transport error);
  // empty = one attempt only. Already scaled by the rate-limit time scale.
  std::vector<std::chrono::milliseconds> retry_delays;
};

// The documented retry schedules, divided by `scale` (0 = no retries).
// Nuvemshop: at once, then about 5, 10 and 15 min, then x1.4 each time, 18 attempts in all.
std::vector<std::chrono::milliseconds> nuvemshop_retry_delays(double scale);
// BigCommerce: 60, 180, 300, 600, 900, 1800, 3600, 7200, 21600, 50400 and 86400 s.
std::vector<std::chrono::milliseconds> bigcommerce_retry_delays(double scale);

// Every delivery attempted, oldest first. Thread-safe.
class webhook_log {
 public:
  std::size_t add(webhook_delivery d);
  void finish(std::size_t index, int status, std::string error, int attempts);
  std::vector<webhook_delivery> snapshot() const;
  void clear();
  std::string json() const;
  // Ends pending retries (at shutdown): deliveries waiting to retry give up within 100 ms.
  void stop() { stopped_ = true; }
  bool stopped() const { return stopped_; }

 private:
  std::atomic<bool> stopped_{false};
  mutable std::mutex mutex_;
  std::vector<webhook_delivery> entries_;
};

// Records the delivery in `log` and POSTs it in the background on `ex` (plain
// http:// only: the emulator has no TLS client; https URLs are logged as failed).
// Each attempt has a 3 s timeout (Nuvemshop's documented delivery timeout); failed
// attempts are retried after d.retry_delays. Not done: blocklisting and deactivation.
void send_webhook(boost::asio::any_io_executor ex, std::shared_ptr<webhook_log> log, webhook_delivery d);

// Standard Webhooks base64 of raw bytes.
std::string base64_encode(std::string_view bytes);
// Raw bytes from lower-case hex.
std::string hex_decode(std::string_view hex);

}  // namespace custbridge::emulators
