#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

namespace custbridge::upstream {

struct backoff_options {
  std::chrono::milliseconds initial{50};
  std::chrono::milliseconds max{2'000};
  double multiplier = 2.0;
  // The delay is drawn uniformly from [base * (1 - jitter), base]; 0 disables jitter.
  double jitter = 0.5;
};

// Jittered exponential backoff: the base delay before retry n (n >= 1) is
// initial * multiplier^(n-1), capped at max. Thread-safe; the RNG is seeded so tests
// are deterministic.
class backoff {
 public:
  backoff(backoff_options options, std::uint64_t seed);
  std::chrono::milliseconds delay(int retry);
  // The un-jittered upper bound of delay(retry).
  std::chrono::milliseconds ceiling(int retry) const;

 private:
  backoff_options options_;
  std::mutex mutex_;
  std::mt19937_64 rng_;
};

}  // namespace custbridge::upstream
