// The upstream client against in-process upstreams over plain HTTP: the client sends,
// the upstream sees, the upstream answers (or misbehaves), the client reports.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <future>

#include "tests/upstream/test_dialects.hpp"
#include "tests/upstream/upstream_fixture.hpp"

namespace custbridge::testing {
namespace {

using namespace std::chrono_literals;
using upstream::failure_kind;

upstream::client_options options_for(const std::string& url) {
  upstream::client_options o;
  o.base_url = url;
  o.random_seed = 1234;
  o.backoff = {10ms, 50ms, 2.0, 0.5};
  o.connect_timeout = 200ms;
  o.request_timeout = 5s;
  return o;
}

scripted_reply ok(std::string body = "{}") { return {make_response(200, std::move(body)), 0ms}; }

TEST(UpstreamClient, SendsPrefixedTargetDefaultHeadersAndRequestId) {
  scripted_upstream up([](const http::request&, int) { return ok(R"({"id":1})"); });
  client_runner runner;
  auto o = options_for(up.url() + "/2025-03/42/");
  o.default_headers = {{"Authentication", "bearer t0k"}, {"User-Agent", "custbridge (ops@example.com)"}, {"Accept", "application/json"}};
  auto c = runner.make_client(o);

  auto req = get("/customers?page=2");
  req.request_id = "req-123";
  req.headers.emplace_back("Accept", "application/vnd+json");  // overrides the default
  auto r = runner.send(*c, req);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"id":1})");
  EXPECT_EQ(r->attempts, 1);

  const auto seen_all = up.requests();
  ASSERT_EQ(seen_all.size(), 1u);
  const auto& seen = seen_all[0];
  EXPECT_EQ(seen.method, "GET");
  EXPECT_EQ(seen.target, "/2025-03/42/customers?page=2");
  EXPECT_EQ(seen.header("x-request-id"), "req-123");
  EXPECT_EQ(seen.header("authentication"), "bearer t0k");
  EXPECT_EQ(seen.header("user-agent"), "custbridge (ops@example.com)");
  EXPECT_EQ(seen.header("accept"), "application/vnd+json");
  EXPECT_EQ(seen.header("host"), "127.0.0.1:" + std::to_string(up.port()));

  // Framing stays the transport's: a bogus Content-Length or Host from the caller is dropped.
  auto put = upstream::upstream_request{"PUT", "customers/7", {{"Content-Length", "999"}, {"Host", "evil.example"}}, R"({"a":1})", {}, ""};
  auto r2 = runner.send(*c, put);
  ASSERT_TRUE(r2) << r2.error().message;
  const auto second = up.requests().at(1);
  EXPECT_EQ(second.target, "/2025-03/42/customers/7");
  EXPECT_EQ(second.body, R"({"a":1})");
  EXPECT_EQ(second.header("host"), "127.0.0.1:" + std::to_string(up.port()));
  EXPECT_EQ(c->metrics().pool.opened, 1u);  // and the connection stayed usable
}

TEST(UpstreamClient, PlatformErrorsAreResponsesNotFailures) {
  scripted_upstream up([](const http::request&, int) {
    return scripted_reply{make_response(422, R"({"email":["has already been taken"]})", {{"Content-Type", "application/json"}}), 0ms};
  });
  client_runner runner;
  auto c = runner.make_client(options_for(up.url()));
  auto r = runner.send(*c, post("/customers", R"({"email":"a@b.c"})"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(r->header("content-type"), "application/json");
  EXPECT_EQ(r->body, R"({"email":["has already been taken"]})");
  EXPECT_EQ(up.requests()[0].body, R"({"email":"a@b.c"})");
  EXPECT_EQ(c->metrics().responses_by_class[4], 1u);
}

TEST(UpstreamClient, KeepAliveReusesOneConnection) {
  scripted_upstream up([](const http::request&, int) { return ok(); });
  client_runner runner;
  auto c = runner.make_client(options_for(up.url()));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(runner.send(*c, get("/x")));
  const auto m = c->metrics();
  EXPECT_EQ(m.pool.opened, 1u);
  EXPECT_EQ(m.pool.reused, 4u);
  EXPECT_EQ(m.pool.idle, 1u);
  EXPECT_EQ(m.pool.in_use, 0u);
  EXPECT_EQ(m.requests, 5u);
  EXPECT_EQ(m.responses_by_class[2], 5u);
}

TEST(UpstreamClient, IdleConnectionsExpire) {
  scripted_upstream up([](const http::request&, int) { return ok(); });
  client_runner runner;
  auto o = options_for(up.url());
  o.transport.pool.idle_timeout = 50ms;
  auto c = runner.make_client(o);
  ASSERT_TRUE(runner.send(*c, get("/x")));
  std::this_thread::sleep_for(120ms);
  ASSERT_TRUE(runner.send(*c, get("/x")));
  const auto m = c->metrics();
  EXPECT_EQ(m.pool.opened, 2u);
  EXPECT_EQ(m.pool.reused, 0u);
  EXPECT_EQ(m.pool.discarded, 1u);
}

TEST(UpstreamClient, ConnectionClosedByTheServerWhileIdleIsNotReusedEvenForAPost) {
  http::server_options so;
  so.idle_timeout = 50ms;  // the upstream drops keep-alive connections quickly
  scripted_upstream up([](const http::request&, int) { return ok(); }, so);
  client_runner runner;
  auto c = runner.make_client(options_for(up.url()));
  ASSERT_TRUE(runner.send(*c, get("/x")));
  std::this_thread::sleep_for(150ms);
  auto r = runner.send(*c, post("/customers", "{}"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->attempts, 1);
  EXPECT_EQ(up.hits(), 2);
  EXPECT_EQ(c->metrics().pool.discarded, 1u);
}

TEST(UpstreamClient, PoolMaxSizeBoundsConcurrentConnections) {
  scripted_upstream up([](const http::request&, int) { return scripted_reply{make_response(200, "{}"), 60ms}; });
  client_runner runner(4);
  auto o = options_for(up.url());
  o.transport.pool.max_connections = 2;
  auto c = runner.make_client(o);
  std::vector<std::future<upstream::client::outcome>> pending;
  for (int i = 0; i < 6; ++i)
    pending.push_back(boost::asio::co_spawn(runner.executor(), c->send(get("/slow"), std::chrono::steady_clock::now() + 2s),
                                            boost::asio::use_future));
  for (auto& f : pending) {
    auto r = f.get();
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, 200);
  }
  EXPECT_EQ(up.hits(), 6);
  EXPECT_EQ(up.max_in_flight(), 2);
  const auto m = c->metrics();
  EXPECT_EQ(m.pool.opened, 2u);
  EXPECT_EQ(m.pool.in_use, 0u);
  EXPECT_EQ(m.pool.waiting, 0u);
}

TEST(UpstreamClient, ManyCoroutinesOnManyThreadsShareTheClientSafely) {
  scripted_upstream up([](const http::request& req, int) { return ok(std::string(req.target)); });
  client_runner runner(4);
  auto o = options_for(up.url());
  o.transport.pool.max_connections = 8;
  auto c = runner.make_client(o);
  std::vector<std::future<upstream::client::outcome>> pending;
  for (int i = 0; i < 200; ++i)
    pending.push_back(boost::asio::co_spawn(runner.executor(),
                                            c->send(get("/c/" + std::to_string(i)), std::chrono::steady_clock::now() + 5s),
                                            boost::asio::use_future));
  for (int i = 0; i < 200; ++i) {
    auto r = pending[static_cast<std::size_t>(i)].get();
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->body, "/c/" + std::to_string(i));
  }
  const auto m = c->metrics();
  EXPECT_EQ(m.requests, 200u);
  EXPECT_LE(m.pool.opened, 8u);
  EXPECT_EQ(m.pool.in_use, 0u);
  EXPECT_EQ(m.pool.opened, m.pool.idle + m.pool.discarded);
  EXPECT_EQ(m.latency_buckets.back(), 200u);
}

TEST(UpstreamClient, IdempotentRequestIsRetriedOn503ThenSucceeds) {
  scripted_upstream up([](const http::request&, int n) {
    return n <= 2 ? scripted_reply{make_response(503, "busy"), 0ms} : ok("fine");
  });
  client_runner runner;
  auto c = runner.make_client(options_for(up.url()));
  auto r = runner.send(*c, get("/x"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "fine");
  EXPECT_EQ(r->attempts, 3);
  const auto m = c->metrics();
  EXPECT_EQ(m.retries, 2u);
  EXPECT_EQ(m.attempts, 3u);
  EXPECT_EQ(m.responses_by_class[5], 2u);
  EXPECT_EQ(m.responses_by_class[2], 1u);
}

TEST(UpstreamClient, A500IsRetriedForGetButNotForPost) {
  scripted_upstream up([](const http::request&, int n) {
    return n == 1 ? scripted_reply{make_response(500, "oops"), 0ms} : ok("fine");
  });
  client_runner runner;
  auto c = runner.make_client(options_for(up.url()));
  auto r = runner.send(*c, get("/x"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(up.hits(), 2);

  scripted_upstream up2([](const http::request&, int n) {
    return n == 1 ? scripted_reply{make_response(500, "oops"), 0ms} : ok("created");
  });
  auto c2 = runner.make_client(options_for(up2.url()));
  auto p = runner.send(*c2, post("/customers", "{}"));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->status, 500);
  EXPECT_EQ(up2.hits(), 1);
}

TEST(UpstreamClient, RetriesExhaustedReturnTheLastGatewayErrorAsAResponse) {
  scripted_upstream up([](const http::request&, int) { return scripted_reply{make_response(502, "bad"), 0ms}; });
  client_runner runner;
  auto o = options_for(up.url());
  o.max_attempts = 4;
  o.breaker.failure_threshold = 0;
  auto c = runner.make_client(o);
  auto r = runner.send(*c, upstream::upstream_request{"DELETE", "/customers/1", {}, "", {}, ""});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 502);
  EXPECT_EQ(r->attempts, 4);
  EXPECT_EQ(up.hits(), 4);
}

TEST(UpstreamClient, PostIsNeverRetriedOnAGatewayErrorUnlessMarkedIdempotent) {
  scripted_upstream up([](const http::request&, int n) {
    return n == 1 ? scripted_reply{make_response(503, "busy"), 0ms} : ok("created");
  });
  client_runner runner;
  auto c = runner.make_client(options_for(up.url()));
  auto r = runner.send(*c, post("/customers", "{}"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(up.hits(), 1);

  scripted_upstream up2([](const http::request&, int n) {
    return n == 1 ? scripted_reply{make_response(503, "busy"), 0ms} : ok("created");
  });
  auto c2 = runner.make_client(options_for(up2.url()));
  auto keyed = post("/customers", "{}");
  keyed.idempotent = true;  // e.g. the platform deduplicates by an idempotency key
  auto r2 = runner.send(*c2, keyed);
  ASSERT_TRUE(r2) << r2.error().message;
  EXPECT_EQ(r2->status, 200);
  EXPECT_EQ(up2.hits(), 2);
}

TEST(UpstreamClient, ConnectRefusedIsRetriedForAnyMethodThenAConnectFailure) {
  std::uint16_t port;
  {
    raw_upstream closed([](int) { return raw_action::answer_ok; });
    port = closed.port();
  }  // nothing listens there any more
  client_runner runner;
  auto c = runner.make_client(options_for("http://127.0.0.1:" + std::to_string(port)));
  auto r = runner.send(*c, post("/customers", "{}"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, failure_kind::connect);
  EXPECT_EQ(r.error().attempts, 3);  // nothing was sent, so even a POST may try again
  EXPECT_NE(r.error().message.find("Connection refused"), std::string::npos) << r.error().message;
  EXPECT_EQ(c->metrics().failures[static_cast<std::size_t>(failure_kind::connect)], 1u);
}

// A listener whose accept queue is full drops new SYNs, so connecting hangs: the
// connect timeout must end it (without the deadline helper it would take the kernel's
// SYN retries, over a minute).
TEST(UpstreamClient, ConnectThatHangsEndsAtTheConnectTimeout) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 0), 0);
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  // Fill the accept queue with connections nobody accepts.
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    fillers.push_back(fd);
  }
  std::this_thread::sleep_for(50ms);

  client_runner runner;
  auto o = options_for("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)));
  o.connect_timeout = 100ms;
  o.max_attempts = 2;
  auto c = runner.make_client(o);
  upstream::client::outcome r;
  const auto ms = elapsed_ms([&] { r = runner.send(*c, get("/x"), 3s); });
  for (int fd : fillers) ::close(fd);
  ::close(listener);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, failure_kind::connect);
  EXPECT_EQ(r.error().attempts, 2);
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos) << r.error().message;
  EXPECT_GE(ms, 200);
  EXPECT_LT(ms, 1000);
}

TEST(UpstreamClient, ResetAfterTheRequestIsRetriedForGet) {
  raw_upstream up([](int n) { return n == 1 ? raw_action::close_after_request : raw_action::answer_ok; });
  client_runner runner;
  auto c = runner.make_client(options_for("http://127.0.0.1:" + std::to_string(up.port())));
  auto r = runner.send(*c, get("/x"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "ok");
  EXPECT_EQ(r->attempts, 2);
  EXPECT_EQ(up.requests_read(), 2);
}

TEST(UpstreamClient, ResetAfterAPostIsNeverRetried) {
  raw_upstream up([](int n) { return n == 1 ? raw_action::close_after_request : raw_action::answer_ok; });
  client_runner runner;
  auto c = runner.make_client(options_for("http://127.0.0.1:" + std::to_string(up.port())));
  auto r = runner.send(*c, post("/customers", R"({"email":"x@y.z"})"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, failure_kind::network);
  EXPECT_EQ(r.error().attempts, 1);
  EXPECT_EQ(r.error().message, "connection closed before a response arrived");
  EXPECT_EQ(up.requests_read(), 1);  // the platform saw it exactly once
}

TEST(UpstreamClient, HalfAResponseIsANetworkFailure) {
  raw_upstream up([](int) { return raw_action::half_response; });
  client_runner runner;
  auto o = options_for("http://127.0.0.1:" + std::to_string(up.port()));
  o.max_attempts = 2;
  auto c = runner.make_client(o);
  auto r = runner.send(*c, get("/x"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, failure_kind::network);
  EXPECT_EQ(r.error().message, "connection closed in the middle of the response");
  EXPECT_EQ(r.error().attempts, 2);
  EXPECT_EQ(up.requests_read(), 2);
}

TEST(UpstreamClient, DeadlineEndsASlowRequestAsATimeoutOnTime) {
  scripted_upstream up([](const http::request&, int) { return scripted_reply{make_response(200, "late"), 1000ms}; });
  client_runner runner;
  auto c = runner.make_client(options_for(up.url()));
  upstream::client::outcome r;
  const auto ms = elapsed_ms([&] { r = runner.send(*c, get("/slow"), 150ms); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, failure_kind::timeout);
  EXPECT_GE(ms, 140);
  EXPECT_LT(ms, 600);
  EXPECT_EQ(up.hits(), 1);
  // The timed-out connection was not returned to the pool.
  const auto m = c->metrics();
  EXPECT_EQ(m.pool.idle, 0u);
  EXPECT_EQ(m.pool.in_use, 0u);
}

TEST(UpstreamClient, AttemptTimeoutLeavesRoomToRetryAnIdempotentRequest) {
  scripted_upstream up([](const http::request&, int n) {
    return n == 1 ? scripted_reply{make_response(200, "stalled"), 1000ms} : ok("quick");
  });
  client_runner runner;
  auto o = options_for(up.url());
  o.attempt_timeout = 100ms;
  auto c = runner.make_client(o);
  auto r = runner.send(*c, get("/x"), 2s);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, "quick");
  EXPECT_EQ(r->attempts, 2);
}

TEST(UpstreamClient, RequestTimeoutCapsTheCallersDeadline) {
  scripted_upstream up([](const http::request&, int) { return scripted_reply{make_response(200, "late"), 1000ms}; });
  client_runner runner;
  auto o = options_for(up.url());
  o.request_timeout = 100ms;
  auto c = runner.make_client(o);
  upstream::client::outcome r;
  const auto ms = elapsed_ms([&] { r = runner.send(*c, get("/slow"), 10s); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, failure_kind::timeout);
  EXPECT_LT(ms, 500);
}

TEST(UpstreamClient, CircuitBreakerOpensFailsFastAndRecoversThroughAProbe) {
  scripted_upstream up([](const http::request&, int) { return scripted_reply{make_response(500, "down"), 0ms}; });
  client_runner runner;
  auto o = options_for(up.url());
  o.max_attempts = 1;
  o.breaker = {3, 200ms};
  auto c = runner.make_client(o);
  for (int i = 0; i < 3; ++i) {
    auto r = runner.send(*c, get("/x"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 500);
  }
  EXPECT_EQ(c->breaker(), upstream::breaker_state::open);
  auto refused = runner.send(*c, get("/x"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, failure_kind::circuit_open);
  EXPECT_EQ(refused.error().attempts, 0);
  ASSERT_TRUE(refused.error().retry_after);
  EXPECT_GT(*refused.error().retry_after, 0ms);
  EXPECT_LE(*refused.error().retry_after, 200ms);
  EXPECT_EQ(up.hits(), 3);  // failing fast: nothing was sent

  up.set_script([](const http::request&, int) { return ok("back"); });
  std::this_thread::sleep_for(250ms);
  EXPECT_EQ(c->breaker(), upstream::breaker_state::half_open);
  auto probe = runner.send(*c, get("/x"));
  ASSERT_TRUE(probe) << probe.error().message;
  EXPECT_EQ(probe->body, "back");
  EXPECT_EQ(c->breaker(), upstream::breaker_state::closed);
  const auto m = c->metrics();
  EXPECT_EQ(m.breaker_opened, 1u);
  EXPECT_EQ(m.failures[static_cast<std::size_t>(failure_kind::circuit_open)], 1u);
}

TEST(UpstreamClient, NetworkFailuresOpenTheBreakerToo) {
  raw_upstream up([](int) { return raw_action::close_after_request; });
  client_runner runner;
  auto o = options_for("http://127.0.0.1:" + std::to_string(up.port()));
  o.max_attempts = 1;
  o.breaker = {2, 5s};
  auto c = runner.make_client(o);
  EXPECT_EQ(runner.send(*c, get("/x")).error().kind, failure_kind::network);
  EXPECT_EQ(runner.send(*c, get("/x")).error().kind, failure_kind::network);
  EXPECT_EQ(runner.send(*c, get("/x")).error().kind, failure_kind::circuit_open);
  EXPECT_EQ(up.requests_read(), 2);
}

http::header_list nuvemshop_limits(int limit, int remaining, int reset_ms) {
  return {{"x-rate-limit-limit", std::to_string(limit)},
          {"x-rate-limit-remaining", std::to_string(remaining)},
          {"x-rate-limit-reset", std::to_string(reset_ms)}};
}

http::header_list bigcommerce_limits(int quota, int left, int reset_ms) {
  return {{"X-Rate-Limit-Requests-Quota", std::to_string(quota)},
          {"X-Rate-Limit-Requests-Left", std::to_string(left)},
          {"X-Rate-Limit-Time-Reset-Ms", std::to_string(reset_ms)},
          {"X-Rate-Limit-Time-Window-Ms", "30000"}};
}

TEST(UpstreamClient, Nuvemshop429WaitsForALeakThenSucceeds) {
  // A full bucket of 4 that empties in 400 ms: one slot frees every 100 ms.
  scripted_upstream up([](const http::request&, int n) {
    return n == 1 ? scripted_reply{make_response(429, R"({"code":429})", nuvemshop_limits(4, 0, 400)), 0ms}
                  : scripted_reply{make_response(200, "{}", nuvemshop_limits(4, 3, 300)), 0ms};
  });
  client_runner runner;
  auto o = options_for(up.url());
  o.rate_limit.dialect = upstream::leaky_bucket_dialect;
  auto c = runner.make_client(o);
  upstream::client::outcome r;
  const auto ms = elapsed_ms([&] { r = runner.send(*c, post("/customers", "{}")); });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->attempts, 2);
  EXPECT_GE(ms, 95);
  EXPECT_LT(ms, 600);
  const auto m = c->metrics();
  EXPECT_EQ(m.too_many_requests, 1u);
  EXPECT_EQ(m.rate_limit_remaining, 3);
  EXPECT_EQ(m.breaker, upstream::breaker_state::closed);
}

TEST(UpstreamClient, A429WhoseResetPassesTheDeadlineIsARateLimitedFailureAtOnce) {
  scripted_upstream up([](const http::request&, int) {
    auto h = bigcommerce_limits(150, 0, 5000);
    h.emplace_back("X-Retry-After", "5");
    return scripted_reply{make_response(429, R"({"status":429})", h), 0ms};
  });
  client_runner runner;
  auto o = options_for(up.url());
  o.rate_limit.dialect = upstream::fixed_window_dialect;
  auto c = runner.make_client(o);
  upstream::client::outcome r;
  const auto ms = elapsed_ms([&] { r = runner.send(*c, get("/customers"), 1s); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, failure_kind::rate_limited);
  ASSERT_TRUE(r.error().retry_after);
  EXPECT_EQ(*r.error().retry_after, 5000ms);
  EXPECT_LT(ms, 300);
  EXPECT_EQ(up.hits(), 1);

  // The limiter remembers the reset: the next call fails fast without being sent.
  auto again = runner.send(*c, get("/customers"), 1s);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, failure_kind::rate_limited);
  EXPECT_EQ(again.error().attempts, 0);
  EXPECT_GT(*again.error().retry_after, 4000ms);
  EXPECT_EQ(up.hits(), 1);
}

TEST(UpstreamClient, BigCommercePacingSlowsDownBeforeA429) {
  // Each answer says 1 request is left of 10 with 100 ms to go in the window:
  // the client spaces requests 50 ms apart instead of sending a burst.
  scripted_upstream up([](const http::request&, int) { return scripted_reply{make_response(200, "{}", bigcommerce_limits(10, 1, 100)), 0ms}; });
  client_runner runner;
  auto o = options_for(up.url());
  o.rate_limit.dialect = upstream::fixed_window_dialect;
  auto c = runner.make_client(o);
  ASSERT_TRUE(runner.send(*c, get("/x")));
  const auto ms = elapsed_ms([&] {
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(runner.send(*c, get("/x")));
  });
  EXPECT_GE(ms, 3 * 45);
  EXPECT_EQ(c->metrics().pacing_interval_ms, 50);
  EXPECT_EQ(c->metrics().too_many_requests, 0u);
}

TEST(UpstreamClient, QuotaUsedUpWaitsForTheWindowOrFailsIfTheDeadlineIsSooner) {
  scripted_upstream up([](const http::request&, int) { return scripted_reply{make_response(200, "{}", bigcommerce_limits(10, 0, 300)), 0ms}; });
  client_runner runner;
  auto o = options_for(up.url());
  o.rate_limit.dialect = upstream::fixed_window_dialect;
  auto c = runner.make_client(o);
  ASSERT_TRUE(runner.send(*c, get("/x")));
  auto r = runner.send(*c, get("/x"), 100ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, failure_kind::rate_limited);
  EXPECT_GT(*r.error().retry_after, 150ms);
  EXPECT_EQ(up.hits(), 1);
  std::int64_t ms = 0;
  upstream::client::outcome waited;
  ms = elapsed_ms([&] { waited = runner.send(*c, get("/x"), 1s); });
  ASSERT_TRUE(waited) << waited.error().message;
  EXPECT_GE(ms, 100);
  EXPECT_EQ(up.hits(), 2);
}

TEST(UpstreamClient, PostRetriesOn429UnlessConfiguredNotTo) {
  auto script = [](const http::request&, int n) {
    return n == 1 ? scripted_reply{make_response(429, "{}", bigcommerce_limits(10, 0, 30)), 0ms} : ok("created");
  };
  client_runner runner;
  {
    scripted_upstream up(script);
    auto o = options_for(up.url());
    o.rate_limit.dialect = upstream::fixed_window_dialect;
    auto c = runner.make_client(o);
    auto r = runner.send(*c, post("/customers", "{}"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(up.hits(), 2);
  }
  {
    scripted_upstream up(script);
    auto o = options_for(up.url());
    o.rate_limit.dialect = upstream::fixed_window_dialect;
    o.retry_non_idempotent_on_429 = false;
    auto c = runner.make_client(o);
    auto r = runner.send(*c, post("/customers", "{}"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 429);
    ASSERT_TRUE(r->retry_after);
    EXPECT_EQ(*r->retry_after, 30ms);
    EXPECT_EQ(up.hits(), 1);
  }
}

TEST(UpstreamClient, OverloadA429WithoutHeadersBacksOff) {
  scripted_upstream up([](const http::request&, int n) { return n <= 2 ? scripted_reply{make_response(429, ""), 0ms} : ok(); });
  client_runner runner;
  auto o = options_for(up.url());
  o.rate_limit.dialect = upstream::fixed_window_dialect;
  auto c = runner.make_client(o);
  auto r = runner.send(*c, get("/x"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->attempts, 3);
  EXPECT_EQ(c->metrics().too_many_requests, 2u);
}

TEST(UpstreamClient, SharedTransportSharesThePoolOfAHost) {
  scripted_upstream up([](const http::request&, int) { return ok(); });
  client_runner runner;
  auto t = upstream::transport::create(runner.executor(), {});
  ASSERT_TRUE(t) << t.error();
  auto a = upstream::client::create(runner.executor(), options_for(up.url() + "/stores/a"), *t);
  auto b = upstream::client::create(runner.executor(), options_for(up.url() + "/stores/b"), *t);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(runner.send(**a, get("/x")));
  ASSERT_TRUE(runner.send(**b, get("/x")));
  EXPECT_EQ((*b)->metrics().pool.opened, 1u);
  EXPECT_EQ((*b)->metrics().pool.reused, 1u);
  EXPECT_EQ(up.requests()[1].target, "/stores/b/x");
}

TEST(UpstreamClient, CreateRejectsBadOptions) {
  client_runner runner;
  upstream::client_options o;
  o.base_url = "ftp://x";
  EXPECT_EQ(upstream::client::create(runner.executor(), o).error(), "base URL 'ftp://x' must start with http:// or https://");
  o.base_url = "https://x";
  o.transport.tls.ca_file = "/nonexistent/ca.pem";
  auto r = upstream::client::create(runner.executor(), o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().rfind("cannot load CA file '/nonexistent/ca.pem'", 0), 0u) << r.error();
}

}  // namespace
}  // namespace custbridge::testing
