#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>

namespace custbridge::emulators {

using steady_now_fn = std::function<std::chrono::steady_clock::time_point()>;

// Scales documented rate limits in time. 1 = as documented; 100 = every window and
// drain rate runs 100x faster (for tests); 0 = limits switched off (for benchmarks).
struct rate_scale {
  double factor = 1.0;
  bool disabled() const { return factor <= 0; }
};

// Nuvemshop's leaky bucket: `capacity` requests, draining `drain_per_second`.
// Thread-safe.
class leaky_bucket {
 public:
  struct result {
    bool allowed;
    std::int64_t limit;
    std::int64_t remaining;  // requests left before the bucket is full
    std::int64_t reset_ms;   // until the bucket is completely empty (scaled)
  };
  leaky_bucket(double capacity, double drain_per_second, rate_scale scale, steady_now_fn now);
  result take();
  void reset();

 private:
  std::mutex mutex_;
  double capacity_;
  double drain_;
  rate_scale scale_;
  steady_now_fn now_;
  double level_ = 0;
  std::chrono::steady_clock::time_point last_;
};

// BigCommerce's quota per fixed window (150 requests / 30 s on Standard plans). Thread-safe.
class window_quota {
 public:
  struct result {
    bool allowed;
    std::int64_t quota;
    std::int64_t left;
    std::int64_t window_ms;  // scaled
    std::int64_t reset_ms;   // ms left in the current window (scaled)
  };
  window_quota(std::int64_t quota, std::chrono::milliseconds window, rate_scale scale, steady_now_fn now);
  result take();
  void reset();

 private:
  std::mutex mutex_;
  std::int64_t quota_;
  std::chrono::nanoseconds window_;
  rate_scale scale_;
  steady_now_fn now_;
  std::int64_t used_ = 0;
  std::chrono::steady_clock::time_point start_;
  bool started_ = false;
};

// Counts requests in flight for one endpoint; acquire() fails above the cap. Thread-safe.
class concurrency_gate {
 public:
  explicit concurrency_gate(int cap) : cap_(cap) {}
  class ticket {
   public:
    ticket() = default;
    explicit ticket(concurrency_gate* g) : gate_(g) {}
    ticket(ticket&& o) noexcept : gate_(o.gate_) { o.gate_ = nullptr; }
    ticket& operator=(ticket&& o) noexcept {
      release();
      gate_ = o.gate_;
      o.gate_ = nullptr;
      return *this;
    }
    ~ticket() { release(); }
    explicit operator bool() const { return gate_ != nullptr; }

   private:
    void release();
    concurrency_gate* gate_ = nullptr;
  };
  // An empty ticket means the cap is reached.
  ticket acquire();

 private:
  std::mutex mutex_;
  int cap_;
  int in_flight_ = 0;
};

}  // namespace custbridge::emulators
