#include "gateway/upstream/rate_limiter.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>

namespace custbridge::upstream {
namespace {

using namespace std::chrono;

std::optional<std::int64_t> header_int(const http::header_list& headers, std::string_view lower_name) {
  for (const auto& [name, value] : headers) {
    if (name != lower_name) continue;
    std::string_view v = value;
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    std::int64_t out = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || ptr != v.data() + v.size() || out < 0) return std::nullopt;
    return out;
  }
  return std::nullopt;
}

}  // namespace

rate_limiter::rate_limiter(rate_limit_options options) : options_(options) {
  options_.slow_down_below = std::clamp(options_.slow_down_below, 0.0, 1.0);
}

rate_limiter::reading rate_limiter::read(const http::header_list& headers) const {
  reading r;
  const auto& d = options_.dialect;
  if (d.kind != rate_limit_dialect::model::none) {
    r.limit = header_int(headers, d.limit_header);
    r.remaining = header_int(headers, d.remaining_header);
    r.reset_ms = header_int(headers, d.reset_ms_header);
  }
  if (!d.retry_after_seconds_header.empty())
    if (auto s = header_int(headers, d.retry_after_seconds_header)) r.retry_after_ms = *s * 1000;
  if (auto s = header_int(headers, "retry-after")) r.retry_after_ms = std::max(r.retry_after_ms.value_or(0), *s * 1000);
  return r;
}

std::int64_t rate_limiter::low_watermark(std::int64_t limit) const {
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(static_cast<double>(limit) * options_.slow_down_below)));
}

void rate_limiter::block_until(clock::time_point t) { blocked_until_ = std::max(blocked_until_, t); }

rate_limiter::clock::time_point rate_limiter::acquire(clock::time_point now, clock::time_point deadline) {
  std::lock_guard lock(mutex_);
  auto at = std::max(now, blocked_until_);
  if (pacing_interval_ > nanoseconds::zero()) {
    at = std::max(at, next_slot_);
    if (at <= deadline) next_slot_ = at + pacing_interval_;
  }
  return at;
}

void rate_limiter::observe(const http::header_list& headers, clock::time_point now) {
  if (options_.dialect.kind == rate_limit_dialect::model::none) return;
  const auto r = read(headers);
  if (!r.limit || !r.remaining || !r.reset_ms) return;
  const auto max_wait = duration_cast<nanoseconds>(options_.max_wait);
  const auto reset = std::min<nanoseconds>(milliseconds(*r.reset_ms), max_wait);
  std::lock_guard lock(mutex_);
  limit_ = r.limit;
  remaining_ = r.remaining;
  const bool low = *r.remaining <= low_watermark(*r.limit);
  if (!low) {
    pacing_interval_ = nanoseconds::zero();
    return;
  }
  if (options_.dialect.kind == rate_limit_dialect::model::leaky_bucket) {
    // reset is the time for the whole level to leak out: one request leaks every reset/level.
    const auto level = std::max<std::int64_t>(1, *r.limit - *r.remaining);
    pacing_interval_ = reset / level;
    if (*r.remaining == 0) block_until(now + pacing_interval_);
  } else {
    // A fixed window: spread what is left across what remains of it, then wait it out.
    if (*r.remaining == 0) {
      block_until(now + reset);
      pacing_interval_ = nanoseconds::zero();
    } else {
      pacing_interval_ = reset / (*r.remaining + 1);
    }
  }
}

std::optional<milliseconds> rate_limiter::on_too_many_requests(const http::header_list& headers, clock::time_point now) {
  const auto r = read(headers);
  std::optional<nanoseconds> wait;
  if (r.limit && r.reset_ms) {
    if (options_.dialect.kind == rate_limit_dialect::model::leaky_bucket) {
      const auto level = std::max<std::int64_t>(1, *r.limit - r.remaining.value_or(0));
      wait = nanoseconds(milliseconds(*r.reset_ms)) / level;
    } else {
      wait = milliseconds(*r.reset_ms);
    }
  }
  if (r.retry_after_ms) wait = std::max(wait.value_or(nanoseconds::zero()), nanoseconds(milliseconds(*r.retry_after_ms)));
  if (!wait) return std::nullopt;
  *wait = std::min<nanoseconds>(*wait, options_.max_wait);
  std::lock_guard lock(mutex_);
  if (r.limit) limit_ = r.limit;
  if (r.remaining) remaining_ = r.remaining;
  block_until(now + *wait);
  return ceil<milliseconds>(*wait);
}

rate_limiter::state rate_limiter::current() const {
  std::lock_guard lock(mutex_);
  return {limit_, remaining_, ceil<milliseconds>(pacing_interval_)};
}

}  // namespace custbridge::upstream
