#pragma once

#include <boost/asio/any_io_executor.hpp>
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
  int status = 0;  // the receiver's status, 0 while pending or on a transport error
  std::string error;
};

// Every delivery attempted, oldest first. Thread-safe.
class webhook_log {
 public:
  std::size_t add(webhook_delivery d);
  void finish(std::size_t index, int status, std::string error);
  std::vector<webhook_delivery> snapshot() const;
  void clear();
  std::string json() const;

 private:
  mutable std::mutex mutex_;
  std::vector<webhook_delivery> entries_;
};

// Records the delivery in `log` and POSTs it in the background on `ex` (plain
// http:// only: the emulator has no TLS client; https URLs are logged as failed).
// One attempt with a 3 s timeout (Nuvemshop's documented delivery timeout); no retries.
void send_webhook(boost::asio::any_io_executor ex, std::shared_ptr<webhook_log> log, webhook_delivery d);

// Standard Webhooks base64 of raw bytes.
std::string base64_encode(std::string_view bytes);
// Raw bytes from lower-case hex.
std::string hex_decode(std::string_view hex);

}  // namespace custbridge::emulators
