#include "gateway/upstream/backoff.hpp"

#include <algorithm>
#include <cmath>

namespace custbridge::upstream {

backoff::backoff(backoff_options options, std::uint64_t seed) : options_(options), rng_(seed) {
  options_.jitter = std::clamp(options_.jitter, 0.0, 1.0);
  options_.multiplier = std::max(1.0, options_.multiplier);
}

std::chrono::milliseconds backoff::ceiling(int retry) const {
  const double base = static_cast<double>(options_.initial.count()) * std::pow(options_.multiplier, std::max(0, retry - 1));
  const double capped = std::min(base, static_cast<double>(options_.max.count()));
  return std::chrono::milliseconds(static_cast<std::int64_t>(capped));
}

std::chrono::milliseconds backoff::delay(int retry) {
  const double top = static_cast<double>(ceiling(retry).count());
  if (options_.jitter <= 0 || top <= 0) return std::chrono::milliseconds(static_cast<std::int64_t>(top));
  std::uniform_real_distribution<double> pick(top * (1.0 - options_.jitter), top);
  double d;
  {
    std::lock_guard lock(mutex_);
    d = pick(rng_);
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(d)));
}

}  // namespace custbridge::upstream
