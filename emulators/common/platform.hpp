#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "gateway/http/message.hpp"

namespace custbridge::emulators {

// One emulated platform behind the shared front end (admin routes, faults, counters).
// Implementations are thread-safe: the server calls them from several threads.
class platform {
 public:
  virtual ~platform() = default;
  // Serves one platform request: auth, rate limit, routing, the platform's own errors.
  // `latency` is injected processing time: it is spent after authentication and rate
  // limiting, while the request holds its concurrency slot, so documented concurrency
  // caps trip as they would on a slow platform.
  virtual boost::asio::awaitable<http::response> handle(http::request req, std::chrono::milliseconds latency) = 0;
  // The platform's own response for an injected error status (5xx, or 429 in a storm).
  virtual http::response injected_error(int status, const http::request& req) = 0;
  // The platform's answer to a request the HTTP server rejected (400/413/431).
  virtual http::response server_rejection(int status, std::string_view message) = 0;
  // A stable label for counters, with ids replaced: "GET /v1/{store_id}/customers/{id}".
  virtual std::string route_label(const http::request& req) const = 0;
  // Empties every store (stores and their tokens stay) and resets rate limiters.
  virtual void reset() = 0;
  // Empties every store, then seeds `customers` per store, deterministically from `seed`.
  virtual void seed(std::size_t customers, std::uint64_t seed) = 0;
  // Every store with every customer in the platform's own JSON shape.
  virtual std::string dump_json() const = 0;
  // Webhook deliveries attempted so far, oldest first.
  virtual std::string webhook_log_json() const = 0;
  // Abandons background work (webhook retries) so the server can drain at shutdown.
  virtual void stop_background() = 0;
};

}  // namespace custbridge::emulators
