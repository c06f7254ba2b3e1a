#include "gateway/upstream/circuit_breaker.hpp"

namespace custbridge::upstream {

circuit_breaker::circuit_breaker(breaker_options options) : options_(options) {}

circuit_breaker::admission circuit_breaker::admit(clock::time_point now) {
  if (options_.failure_threshold <= 0) return {};
  std::lock_guard lock(mutex_);
  switch (state_) {
    case breaker_state::closed:
      return {};
    case breaker_state::open:
      if (now < open_until_)
        return {false, std::chrono::ceil<std::chrono::milliseconds>(open_until_ - now)};
      state_ = breaker_state::half_open;
      probe_started_ = now;
      return {};
    case breaker_state::half_open:
      // One probe at a time; a probe whose caller vanished is replaced after a cool-down.
      if (probe_started_ && now - *probe_started_ < options_.cool_down)
        return {false, std::chrono::ceil<std::chrono::milliseconds>(*probe_started_ + options_.cool_down - now)};
      probe_started_ = now;
      return {};
  }
  return {};
}

void circuit_breaker::record_success() {
  if (options_.failure_threshold <= 0) return;
  std::lock_guard lock(mutex_);
  consecutive_failures_ = 0;
  state_ = breaker_state::closed;
  probe_started_.reset();
}

void circuit_breaker::record_failure(clock::time_point now) {
  if (options_.failure_threshold <= 0) return;
  std::lock_guard lock(mutex_);
  ++consecutive_failures_;
  const bool trip = state_ == breaker_state::half_open ||
                    (state_ == breaker_state::closed && consecutive_failures_ >= options_.failure_threshold);
  if (trip) {
    state_ = breaker_state::open;
    open_until_ = now + options_.cool_down;
    probe_started_.reset();
    ++times_opened_;
  }
}

breaker_state circuit_breaker::state(clock::time_point now) const {
  std::lock_guard lock(mutex_);
  // An open breaker whose cool-down has ended reports half-open: the next call probes.
  if (state_ == breaker_state::open && now >= open_until_) return breaker_state::half_open;
  return state_;
}

std::uint64_t circuit_breaker::times_opened() const {
  std::lock_guard lock(mutex_);
  return times_opened_;
}

}  // namespace custbridge::upstream
