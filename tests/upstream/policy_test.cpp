// Unit tests of the pure policy pieces: base URL, backoff, circuit breaker, rate limiter.
#include <gtest/gtest.h>

#include "gateway/upstream/backoff.hpp"
#include "gateway/upstream/base_url.hpp"
#include "gateway/upstream/circuit_breaker.hpp"
#include "gateway/upstream/message.hpp"
#include "gateway/upstream/rate_limiter.hpp"
#include "tests/upstream/test_dialects.hpp"

namespace custbridge::upstream {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

TEST(BaseUrl, SplitsSchemeHostPortAndPrefix) {
  auto u = parse_base_url("https://api.tiendanube.com/2025-03/123456/");
  ASSERT_TRUE(u) << u.error();
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "api.tiendanube.com");
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->prefix, "/2025-03/123456");
  EXPECT_EQ(u->host_header(), "api.tiendanube.com");
  EXPECT_EQ(u->origin(), "https://api.tiendanube.com:443");

  auto local = parse_base_url("http://127.0.0.1:8081");
  ASSERT_TRUE(local) << local.error();
  EXPECT_FALSE(local->tls);
  EXPECT_EQ(local->port, 8081);
  EXPECT_EQ(local->prefix, "");
  EXPECT_EQ(local->host_header(), "127.0.0.1:8081");

  auto v6 = parse_base_url("http://[::1]:9000/x");
  ASSERT_TRUE(v6) << v6.error();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->host_header(), "[::1]:9000");
}

TEST(BaseUrl, RejectsWhatCannotBeABaseUrl) {
  EXPECT_EQ(parse_base_url("ftp://x").error(), "base URL 'ftp://x' must start with http:// or https://");
  EXPECT_EQ(parse_base_url("api.example.com").error(), "base URL 'api.example.com' is not an absolute URL");
  EXPECT_EQ(parse_base_url("https://u:p@x/").error(), "base URL 'https://u:p@x/' must not carry user info; configure credentials as headers");
  EXPECT_EQ(parse_base_url("https://x/?a=1").error(), "base URL 'https://x/?a=1' must not have a query or fragment");
  EXPECT_EQ(parse_base_url("http://x:70000").error(), "base URL 'http://x:70000' has an invalid port");
  EXPECT_EQ(parse_base_url("http:///path").error(), "base URL 'http:///path' has no host");
}

TEST(Backoff, GrowsExponentiallyWithinJitterBoundsAndCaps) {
  backoff b({100ms, 1000ms, 2.0, 0.5}, 42);
  EXPECT_EQ(b.ceiling(1), 100ms);
  EXPECT_EQ(b.ceiling(2), 200ms);
  EXPECT_EQ(b.ceiling(4), 800ms);
  EXPECT_EQ(b.ceiling(5), 1000ms);
  EXPECT_EQ(b.ceiling(30), 1000ms);
  for (int retry = 1; retry <= 6; ++retry) {
    for (int i = 0; i < 50; ++i) {
      const auto d = b.delay(retry);
      EXPECT_GE(d, b.ceiling(retry) / 2) << retry;
      EXPECT_LE(d, b.ceiling(retry)) << retry;
    }
  }
}

TEST(Backoff, SameSeedSameDelaysDifferentSeedDifferentDelays) {
  backoff a({100ms, 10'000ms, 2.0, 0.5}, 7), b({100ms, 10'000ms, 2.0, 0.5}, 7), c({100ms, 10'000ms, 2.0, 0.5}, 8);
  std::vector<std::int64_t> da, db, dc;
  for (int retry = 1; retry <= 8; ++retry) {
    da.push_back(a.delay(retry).count());
    db.push_back(b.delay(retry).count());
    dc.push_back(c.delay(retry).count());
  }
  EXPECT_EQ(da, db);
  EXPECT_NE(da, dc);
}

TEST(Backoff, NoJitterIsExact) {
  backoff b({30ms, 1000ms, 3.0, 0.0}, 1);
  EXPECT_EQ(b.delay(1), 30ms);
  EXPECT_EQ(b.delay(2), 90ms);
  EXPECT_EQ(b.delay(3), 270ms);
}

TEST(CircuitBreaker, OpensAfterThresholdHalfOpensAfterCoolDownAndClosesOnSuccess) {
  circuit_breaker cb({3, 1000ms});
  const auto t0 = clock::now();
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(cb.admit(t0).allowed);
    cb.record_failure(t0);
  }
  EXPECT_EQ(cb.state(t0), breaker_state::closed);
  cb.record_failure(t0);
  EXPECT_EQ(cb.state(t0), breaker_state::open);
  EXPECT_EQ(cb.times_opened(), 1u);
  auto refused = cb.admit(t0 + 400ms);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 600ms);

  EXPECT_EQ(cb.state(t0 + 1000ms), breaker_state::half_open);
  EXPECT_TRUE(cb.admit(t0 + 1000ms).allowed);    // the probe
  EXPECT_FALSE(cb.admit(t0 + 1001ms).allowed);   // only one probe at a time
  cb.record_success();
  EXPECT_EQ(cb.state(t0 + 1001ms), breaker_state::closed);
  EXPECT_TRUE(cb.admit(t0 + 1002ms).allowed);
}

TEST(CircuitBreaker, FailedProbeReopensAndSuccessResetsTheCount) {
  circuit_breaker cb({2, 100ms});
  const auto t0 = clock::now();
  cb.record_failure(t0);
  cb.record_success();
  cb.record_failure(t0);
  EXPECT_EQ(cb.state(t0), breaker_state::closed);  // not consecutive
  cb.record_failure(t0);
  EXPECT_EQ(cb.state(t0), breaker_state::open);
  EXPECT_TRUE(cb.admit(t0 + 100ms).allowed);
  cb.record_failure(t0 + 110ms);
  EXPECT_EQ(cb.state(t0 + 150ms), breaker_state::open);
  EXPECT_EQ(cb.times_opened(), 2u);
  EXPECT_FALSE(cb.admit(t0 + 150ms).allowed);
  // A probe whose caller vanished is replaced after another cool-down.
  EXPECT_TRUE(cb.admit(t0 + 210ms).allowed);
  EXPECT_FALSE(cb.admit(t0 + 250ms).allowed);
  EXPECT_TRUE(cb.admit(t0 + 311ms).allowed);
}

TEST(CircuitBreaker, ZeroThresholdDisablesIt) {
  circuit_breaker cb({0, 100ms});
  const auto t0 = clock::now();
  for (int i = 0; i < 100; ++i) cb.record_failure(t0);
  EXPECT_TRUE(cb.admit(t0).allowed);
  EXPECT_EQ(cb.state(t0), breaker_state::closed);
}

http::header_list nuvemshop_headers(int limit, int remaining, int reset_ms) {
  return {{"x-rate-limit-limit", std::to_string(limit)},
          {"x-rate-limit-remaining", std::to_string(remaining)},
          {"x-rate-limit-reset", std::to_string(reset_ms)}};
}

http::header_list bigcommerce_headers(int quota, int left, int reset_ms) {
  return {{"x-rate-limit-requests-quota", std::to_string(quota)},
          {"x-rate-limit-requests-left", std::to_string(left)},
          {"x-rate-limit-time-reset-ms", std::to_string(reset_ms)},
          {"x-rate-limit-time-window-ms", "30000"}};
}

TEST(RateLimiter, NuvemshopPlentyLeftMeansNoPacing) {
  rate_limiter rl({leaky_bucket_dialect});
  const auto t0 = clock::now();
  rl.observe(nuvemshop_headers(40, 30, 5000), t0);  // level 10, leaks in 5 s
  EXPECT_EQ(rl.acquire(t0, t0 + 10s), t0);
  EXPECT_EQ(rl.acquire(t0, t0 + 10s), t0);
  EXPECT_EQ(rl.current().remaining, 30);
  EXPECT_EQ(rl.current().pacing_interval, 0ms);
}

TEST(RateLimiter, NuvemshopNearlyFullBucketPacesAtTheLeakRate) {
  rate_limiter rl({leaky_bucket_dialect});
  const auto t0 = clock::now();
  // 36 in the bucket leak out in 18 s: one every 500 ms. 4 left <= 20% of 40.
  rl.observe(nuvemshop_headers(40, 4, 18'000), t0);
  EXPECT_EQ(rl.current().pacing_interval, 500ms);
  EXPECT_EQ(rl.acquire(t0, t0 + 10s), t0);
  EXPECT_EQ(rl.acquire(t0, t0 + 10s), t0 + 500ms);
  EXPECT_EQ(rl.acquire(t0, t0 + 10s), t0 + 1000ms);
  // A slot past the deadline is reported but not reserved.
  EXPECT_EQ(rl.acquire(t0, t0 + 1200ms), t0 + 1500ms);
  EXPECT_EQ(rl.acquire(t0, t0 + 10s), t0 + 1500ms);
  // Room again: pacing stops.
  rl.observe(nuvemshop_headers(40, 35, 2500), t0 + 2s);
  EXPECT_EQ(rl.acquire(t0 + 2s, t0 + 10s), t0 + 2s);
}

TEST(RateLimiter, NuvemshopTooManyRequestsWaitsForOneLeak) {
  rate_limiter rl({leaky_bucket_dialect});
  const auto t0 = clock::now();
  // Full bucket of 40 empties in 20 s: one slot frees every 500 ms.
  auto wait = rl.on_too_many_requests(nuvemshop_headers(40, 0, 20'000), t0);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 500ms);
  EXPECT_EQ(rl.acquire(t0, t0 + 10s), t0 + 500ms);
}

TEST(RateLimiter, BigCommerceSpreadsTheLastOfTheQuotaAcrossTheWindow) {
  rate_limiter rl({fixed_window_dialect});
  const auto t0 = clock::now();
  rl.observe(bigcommerce_headers(150, 100, 20'000), t0);
  EXPECT_EQ(rl.acquire(t0, t0 + 10s), t0);
  rl.observe(bigcommerce_headers(150, 9, 10'000), t0);  // 9 left, 10 s to go: one per second
  EXPECT_EQ(rl.current().pacing_interval, 1000ms);
  EXPECT_EQ(rl.acquire(t0, t0 + 30s), t0);
  EXPECT_EQ(rl.acquire(t0, t0 + 30s), t0 + 1s);
  rl.observe(bigcommerce_headers(150, 0, 4'000), t0 + 1s);  // none left: wait for the window
  EXPECT_EQ(rl.acquire(t0 + 1s, t0 + 30s), t0 + 5s);
}

TEST(RateLimiter, BigCommerceTooManyRequestsWaitsTheLongerOfResetAndRetryAfter) {
  rate_limiter rl({fixed_window_dialect});
  const auto t0 = clock::now();
  auto h = bigcommerce_headers(150, 0, 1'500);
  h.emplace_back("x-retry-after", "2");
  EXPECT_EQ(rl.on_too_many_requests(h, t0), 2000ms);
  EXPECT_EQ(rl.acquire(t0, t0 + 10s), t0 + 2s);
  rate_limiter rl2({fixed_window_dialect});
  EXPECT_EQ(rl2.on_too_many_requests(bigcommerce_headers(150, 0, 2'500), t0), 2500ms);
}

TEST(RateLimiter, TooManyRequestsWithoutHeadersIsOverloadNotAQuota) {
  rate_limiter rl({fixed_window_dialect});
  const auto t0 = clock::now();
  EXPECT_FALSE(rl.on_too_many_requests({}, t0));
  EXPECT_EQ(rl.acquire(t0, t0 + 1s), t0);
  // The standard Retry-After (seconds) counts in every dialect.
  rate_limiter plain({rate_limit_dialect{}});
  EXPECT_EQ(plain.on_too_many_requests({{"retry-after", "3"}}, t0), 3000ms);
}

TEST(RateLimiter, MalformedOrAbsurdHeadersAreIgnoredOrCapped) {
  rate_limiter rl({leaky_bucket_dialect, 0.2, 5000ms});
  const auto t0 = clock::now();
  rl.observe({{"x-rate-limit-limit", "forty"}, {"x-rate-limit-remaining", "0"}, {"x-rate-limit-reset", "100"}}, t0);
  EXPECT_EQ(rl.acquire(t0, t0 + 1s), t0);
  EXPECT_EQ(rl.on_too_many_requests(nuvemshop_headers(1, 0, 999'999'999), t0), 5000ms);
}

TEST(Failure, KindsMapToTheGatewayStatuses) {
  EXPECT_EQ(suggested_status(failure_kind::connect), 502);
  EXPECT_EQ(suggested_status(failure_kind::network), 502);
  EXPECT_EQ(suggested_status(failure_kind::tls), 502);
  EXPECT_EQ(suggested_status(failure_kind::timeout), 504);
  EXPECT_EQ(suggested_status(failure_kind::circuit_open), 503);
  EXPECT_EQ(suggested_status(failure_kind::rate_limited), 429);
  EXPECT_EQ(to_string(failure_kind::rate_limited), "rate_limited");
}

}  // namespace
}  // namespace custbridge::upstream
