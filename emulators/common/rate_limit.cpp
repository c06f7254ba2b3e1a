#include "emulators/common/rate_limit.hpp"

#include <algorithm>
#include <cmath>

namespace custbridge::emulators {

leaky_bucket::leaky_bucket(double capacity, double drain_per_second, rate_scale scale, steady_now_fn now)
    : capacity_(capacity), drain_(drain_per_second), scale_(scale), now_(std::move(now)), last_(now_()) {}

leaky_bucket::result leaky_bucket::take() {
  std::lock_guard lock(mutex_);
  const auto cap = static_cast<std::int64_t>(capacity_);
  if (scale_.disabled()) return {true, cap, cap, 0};
  const auto now = now_();
  const double rate = drain_ * scale_.factor;
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  last_ = now;
  level_ = std::max(0.0, level_ - elapsed * rate);
  bool allowed = level_ + 1.0 <= capacity_ + 1e-9;
  if (allowed) level_ += 1.0;
  const auto remaining = static_cast<std::int64_t>(std::floor(capacity_ - level_ + 1e-9));
  const auto reset_ms = static_cast<std::int64_t>(std::ceil(level_ / rate * 1000.0));
  return {allowed, cap, std::max<std::int64_t>(0, remaining), reset_ms};
}

void leaky_bucket::reset() {
  std::lock_guard lock(mutex_);
  level_ = 0;
  last_ = now_();
}

window_quota::window_quota(std::int64_t quota, std::chrono::milliseconds window, rate_scale scale, steady_now_fn now)
    : quota_(quota),
      window_(scale.disabled() ? std::chrono::nanoseconds(window)
                               : std::chrono::nanoseconds(static_cast<std::int64_t>(
                                     static_cast<double>(std::chrono::nanoseconds(window).count()) / scale.factor))),
      scale_(scale),
      now_(std::move(now)) {}

window_quota::result window_quota::take() {
  std::lock_guard lock(mutex_);
  const auto window_ms = std::chrono::duration_cast<std::chrono::milliseconds>(window_).count();
  if (scale_.disabled()) return {true, quota_, quota_, window_ms, window_ms};
  const auto now = now_();
  // A window starts with the first request after the previous one ran out.
  if (!started_ || now - start_ >= window_) {
    start_ = now;
    used_ = 0;
    started_ = true;
  }
  const bool allowed = used_ < quota_;
  if (allowed) ++used_;
  const auto left_ns = window_ - (now - start_);
  const auto reset_ms = static_cast<std::int64_t>(std::ceil(static_cast<double>(left_ns.count()) / 1e6));
  return {allowed, quota_, quota_ - used_, window_ms, reset_ms};
}

void window_quota::reset() {
  std::lock_guard lock(mutex_);
  started_ = false;
  used_ = 0;
}

void concurrency_gate::ticket::release() {
  if (!gate_) return;
  std::lock_guard lock(gate_->mutex_);
  --gate_->in_flight_;
  gate_ = nullptr;
}

concurrency_gate::ticket concurrency_gate::acquire() {
  std::lock_guard lock(mutex_);
  if (in_flight_ >= cap_) return ticket{};
  ++in_flight_;
  return ticket{this};
}

}  // namespace custbridge::emulators
