// Idempotency-Key on POST and the /metrics endpoint, against the real process.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/gateway/gateway_fixture.hpp"

namespace custbridge::testing {
namespace {

using ::testing::HasSubstr;

class IdempotencyAndMetrics : public ::testing::Test {
 protected:
  gateway_process gw;
  std::string path = customers_path(store_a);

  http_reply post(const std::string& body, const std::string& key) {
    return gw.call("POST", path, gw.keys().admin, body, {{"Idempotency-Key", key}});
  }
  int total() { return parse_json(gw.call("GET", path, gw.keys().admin).body)["total"].GetInt(); }
};

TEST_F(IdempotencyAndMetrics, SameKeySameBodyReplaysTheFirstResult) {
  const std::string body = R"({"email":"once@example.com"})";
  auto first = post(body, "order-123-customer");
  ASSERT_EQ(first.status, 201);
  auto second = post(body, "order-123-customer");
  EXPECT_EQ(second.status, 201);
  EXPECT_EQ(second.body, first.body);
  EXPECT_EQ(second.header("idempotent-replayed"), "true");
  EXPECT_EQ(second.header("location"), first.header("location"));
  EXPECT_TRUE(first.header("idempotent-replayed").empty());
  EXPECT_EQ(total(), 1) << "the customer was created once";
}

TEST_F(IdempotencyAndMetrics, SameKeyDifferentBodyIsConflict) {
  ASSERT_EQ(post(R"({"email":"a@example.com"})", "k1").status, 201);
  auto r = post(R"({"email":"b@example.com"})", "k1");
  EXPECT_EQ(r.status, 409);
  EXPECT_THAT(r.body, HasSubstr("Idempotency-Key was already used with a different request"));
  EXPECT_EQ(total(), 1);
  EXPECT_EQ(post(R"({"email":"b@example.com"})", "k2").status, 201) << "another key is another request";
}

TEST_F(IdempotencyAndMetrics, KeysAreScopedToTheApiKey) {
  ASSERT_EQ(post(R"({"email":"scoped@example.com"})", "shared").status, 201);
  auto other = gw.call("POST", path, gw.keys().colon_writer, R"({"email":"scoped@example.com"})", {{"Idempotency-Key", "shared"}});
  EXPECT_EQ(other.status, 409) << "not a replay: another caller's key runs the request (and hits the duplicate email)";
  EXPECT_THAT(other.body, HasSubstr("Customer with this email already exists"));
}

TEST_F(IdempotencyAndMetrics, KeysSurviveARestart) {
  const std::string body = R"({"email":"durable@example.com"})";
  auto first = post(body, "restart-key");
  ASSERT_EQ(first.status, 201);
  gw.restart();
  auto again = post(body, "restart-key");
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.header("idempotent-replayed"), "true");
}

TEST_F(IdempotencyAndMetrics, ReplayedErrorsKeepTheFirstRequestId) {
  auto first = gw.call("POST", path, gw.keys().admin, R"({"email":"bad"})", {{"Idempotency-Key", "e1"}, {"X-Request-Id", "first-try"}});
  ASSERT_EQ(first.status, 400);
  auto replay = gw.call("POST", path, gw.keys().admin, R"({"email":"bad"})", {{"Idempotency-Key", "e1"}, {"X-Request-Id", "second-try"}});
  EXPECT_EQ(replay.status, 400);
  EXPECT_STREQ(parse_json(replay.body)["error"]["requestId"].GetString(), "first-try");
  EXPECT_EQ(replay.header("x-request-id"), "second-try");
}

TEST_F(IdempotencyAndMetrics, MalformedKeyIsBadRequest) {
  auto r = post(R"({"email":"k@example.com"})", std::string(300, 'k'));
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("Idempotency-Key"));
}

TEST_F(IdempotencyAndMetrics, MetricsCountRequestsByStoreRouteAndStatus) {
  ASSERT_EQ(post(R"({"email":"m@example.com"})", "m").status, 201);
  gw.call("GET", path + "?limit=0", gw.keys().admin);
  gw.call("GET", customers_path("made-up-store"), gw.keys().admin);
  auto r = http_request(gw.port(), "GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.header("content-type"), HasSubstr("text/plain"));
  EXPECT_THAT(r.body, HasSubstr("custbridge_requests_total{store=\"" + store_a +
                                "\",route=\"customers\",method=\"POST\",status=\"201\"} 1\n"));
  EXPECT_THAT(r.body, HasSubstr("custbridge_requests_total{store=\"" + store_a +
                                "\",route=\"customers\",method=\"GET\",status=\"400\"} 1\n"));
  EXPECT_THAT(r.body, HasSubstr("store=\"unknown\",route=\"customers\",method=\"GET\",status=\"404\"} 1\n"))
      << "unconfigured store ids do not become labels";
  EXPECT_THAT(r.body, HasSubstr("custbridge_request_duration_seconds_count{store=\"" + store_a + "\",route=\"customers\"} 2\n"));
  EXPECT_THAT(r.body, HasSubstr("le=\"+Inf\""));
}

TEST_F(IdempotencyAndMetrics, InventedMethodsDoNotGrowTheSeries) {
  // 5,000 of these once grew /metrics from 41 KB to 20 MB.
  for (int i = 0; i < 50; ++i) gw.call("BREW" + std::to_string(i), path, "");
  auto r = http_request(gw.port(), "GET", "/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.body, ::testing::Not(HasSubstr("BREW")));
  EXPECT_THAT(r.body, HasSubstr("route=\"customers\",method=\"other\",status=\"405\"} 50\n")) << r.body;
}

}  // namespace
}  // namespace custbridge::testing
