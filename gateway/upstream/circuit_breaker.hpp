#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>

namespace custbridge::upstream {

enum class breaker_state { closed, open, half_open };

struct breaker_options {
  int failure_threshold = 5;                  // consecutive failed attempts that open the breaker; 0 disables it
  std::chrono::milliseconds cool_down{5'000};  // how long it stays open before one probe is let through
};

// A consecutive-failure circuit breaker. Failures are attempts that ended in a
// network error, a timeout, a TLS failure or a 5xx; any other response is a success;
// a 429 is neither. While open every call is refused until the cool-down ends; then
// one probe goes through (half-open): its success closes the breaker, its failure
// opens it again for another cool-down. A probe that never reports back (its caller
// gave up) is replaced by a new one after a further cool-down. Thread-safe.
class circuit_breaker {
 public:
  using clock = std::chrono::steady_clock;
  explicit circuit_breaker(breaker_options options);

  // Whether an attempt may start now. When refused, the remaining cool-down.
  struct admission {
    bool allowed = true;
    std::chrono::milliseconds retry_after{0};
  };
  admission admit(clock::time_point now);
  void record_success();
  void record_failure(clock::time_point now);

  breaker_state state(clock::time_point now) const;
  std::uint64_t times_opened() const;

 private:
  breaker_options options_;
  mutable std::mutex mutex_;
  breaker_state state_ = breaker_state::closed;
  int consecutive_failures_ = 0;
  clock::time_point open_until_{};
  std::optional<clock::time_point> probe_started_;
  std::uint64_t times_opened_ = 0;
};

}  // namespace custbridge::upstream
