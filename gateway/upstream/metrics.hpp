#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "gateway/upstream/circuit_breaker.hpp"
#include "gateway/upstream/message.hpp"

namespace custbridge::upstream {

inline constexpr std::size_t failure_kind_count = 7;
// Upper bounds (ms) of the latency histogram's buckets; a last, implicit +Inf bucket follows.
inline constexpr std::array<std::int64_t, 12> latency_bucket_ms{5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000};

// Connection pool gauges and counters, for one upstream host or summed over several.
struct pool_snapshot {
  std::uint64_t idle = 0;       // open connections waiting in the pool
  std::uint64_t in_use = 0;     // checked out, or being connected
  std::uint64_t waiting = 0;    // requests waiting for a connection because the pool is at max size
  std::uint64_t opened = 0;     // connections opened since start
  std::uint64_t reused = 0;     // requests that reused a pooled connection
  std::uint64_t discarded = 0;  // pooled connections found dead or expired and closed
};

// A point-in-time copy of one client's counters. Counters only grow; gauges
// (breaker, pool idle/in_use/waiting, rate-limit) are current values.
struct metrics_snapshot {
  std::uint64_t requests = 0;  // send() calls that finished
  std::uint64_t attempts = 0;  // requests sent (or started) on the wire, retries included
  std::uint64_t retries = 0;
  // Responses received, per attempt, by status class: index 1 = 1xx ... 5 = 5xx; 0 = other.
  std::array<std::uint64_t, 6> responses_by_class{};
  std::uint64_t too_many_requests = 0;  // 429s seen, per attempt
  // Requests that ended in a failure, indexed by static_cast<size_t>(failure_kind).
  std::array<std::uint64_t, failure_kind_count> failures{};
  // Whole-request latency (send() entry to return), cumulative counts per bucket of
  // latency_bucket_ms plus a last +Inf bucket, and their sum.
  std::array<std::uint64_t, latency_bucket_ms.size() + 1> latency_buckets{};
  double latency_sum_seconds = 0;
  breaker_state breaker = breaker_state::closed;
  std::uint64_t breaker_opened = 0;  // times the breaker has opened
  std::int64_t rate_limit_remaining = -1;  // last seen remaining quota; -1 if unknown
  std::int64_t pacing_interval_ms = 0;     // current spacing between requests; 0 when not pacing
  pool_snapshot pool;                      // of this client's upstream host (shared with other clients of that host)
};

std::string_view to_string(breaker_state state);

}  // namespace custbridge::upstream
