#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "gateway/http/message.hpp"

namespace custbridge::upstream {

// How a platform states its rate limit in response headers. The adapter of each
// platform supplies its own; this client knows no platform by name.
struct rate_limit_dialect {
  enum class model {
    none,
    // A leaky bucket: `limit` is the bucket size, `remaining` the free slots, `reset_ms`
    // the time until the bucket is completely empty.
    leaky_bucket,
    // A fixed window: `limit` requests per window, `remaining` left in it, `reset_ms`
    // until it starts again.
    fixed_window,
  };
  model kind = model::none;
  // Lower-case header names.
  std::string limit_header;
  std::string remaining_header;
  std::string reset_ms_header;
  // A platform's own retry hint in seconds on a 429, besides the standard Retry-After.
  std::string retry_after_seconds_header;
};

struct rate_limit_options {
  rate_limit_dialect dialect;
  // Once fewer than this fraction of the quota remains (at least 1 request), requests
  // are spaced out at the rate the platform refills the quota instead of in a burst.
  double slow_down_below = 0.2;
  // No single wait derived from headers exceeds this, whatever the platform says.
  std::chrono::milliseconds max_wait{60'000};
};

// Paces requests from the platform's rate-limit headers. One per client, shared by all
// of its requests. Thread-safe.
//
// Leaky bucket: when the bucket is nearly full, send at its leak rate (reset / level per
// request); after a 429, wait until one request has leaked out (reset / limit).
// Fixed window: when the window's quota is nearly used, spread what is left across the
// rest of the window; once none is left, or after a 429, wait for the window to reset
// (or the platform's own retry header, whichever is longer).
// Any dialect: a 429's standard Retry-After (seconds) is honoured too.
class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;
  explicit rate_limiter(rate_limit_options options);

  // The earliest time the next request may be sent (>= now). The slot is reserved only
  // if that time is not after `deadline`; otherwise the caller is expected to give up.
  clock::time_point acquire(clock::time_point now, clock::time_point deadline);
  // Learns from the headers (lower-case names) of any non-429 response.
  void observe(const http::header_list& headers, clock::time_point now);
  // Learns from a 429 and blocks further requests until the platform's reset. Returns
  // the wait the headers imply, or nullopt if they carry none (platform overload: the
  // caller should back off on its own).
  std::optional<std::chrono::milliseconds> on_too_many_requests(const http::header_list& headers, clock::time_point now);

  // Last seen quota and the current spacing between requests (0 when not pacing).
  struct state {
    std::optional<std::int64_t> limit;
    std::optional<std::int64_t> remaining;
    std::chrono::milliseconds pacing_interval{0};
  };
  state current() const;

 private:
  struct reading {
    std::optional<std::int64_t> limit, remaining, reset_ms, retry_after_ms;
  };
  reading read(const http::header_list& headers) const;
  std::int64_t low_watermark(std::int64_t limit) const;
  void block_until(clock::time_point t);

  rate_limit_options options_;
  mutable std::mutex mutex_;
  clock::time_point blocked_until_{};
  clock::time_point next_slot_{};
  std::chrono::nanoseconds pacing_interval_{0};
  std::optional<std::int64_t> limit_, remaining_;
};

}  // namespace custbridge::upstream
