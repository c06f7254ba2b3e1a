// The gateway against platform emulators that inject faults: idempotent requests
// survive occasional 5xx, a POST is never applied twice, and every failure a client
// sees is the canonical envelope with the right code.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>
#include <map>
#include <set>

#include "tests/gateway/gateway_fixture.hpp"

namespace custbridge::testing {
namespace {

class FaultTolerance : public ::testing::TestWithParam<std::string> {
 protected:
  gateway_process gw{"", GetParam()};
  std::string path = customers_path(store_a);

  void set_faults(const std::string& json) {
    auto r = http_request(gw.emulator()->port(), "PUT", "/__emulator/faults", {{"Content-Type", "application/json"}}, json);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // Every customer email on the platform, duplicates included.
  std::vector<std::string> emulator_emails() {
    auto dump = parse_json(http_request(gw.emulator()->port(), "GET", "/__emulator/dump").body);
    std::vector<std::string> emails;
    std::function<void(const rapidjson::Value&)> walk = [&](const rapidjson::Value& v) {
      if (v.IsObject()) {
        if (v.HasMember("email") && v["email"].IsString()) emails.emplace_back(v["email"].GetString());
        for (const auto& m : v.GetObject()) walk(m.value);
      } else if (v.IsArray()) {
        for (const auto& e : v.GetArray()) walk(e);
      }
    };
    walk(dump);
    return emails;
  }
  static void expect_canonical_failure(const http_reply& r) {
    static const std::map<int, std::string> code_for = {
        {502, "UPSTREAM_ERROR"}, {503, "UNAVAILABLE"}, {504, "UPSTREAM_TIMEOUT"}, {429, "RATE_LIMITED"}};
    ASSERT_TRUE(code_for.contains(r.status)) << r.status << " " << r.body;
    auto doc = parse_json(r.body);
    ASSERT_TRUE(doc.HasMember("error")) << r.body;
    EXPECT_EQ(doc["error"]["code"].GetString(), code_for.at(r.status));
    EXPECT_TRUE(doc["error"]["message"].IsString());
    EXPECT_TRUE(doc["error"]["requestId"].IsString());
    if (r.status == 429) {
      EXPECT_FALSE(r.header("retry-after").empty());
    }
  }
};

TEST_P(FaultTolerance, IdempotentRequestsSucceedDespiteInjected5xx) {
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    auto r = gw.call("POST", path, gw.keys().admin, R"({"email":"f)" + std::to_string(i) + R"(@example.com","name":"Fault Person"})");
    ASSERT_EQ(r.status, 201) << r.body;
    ids.emplace_back(parse_json(r.body)["item"]["id"].GetString());
  }
  set_faults(R"({"error_rate":0.06,"error_statuses":[500,502,503],"reset_rate":0.03,"seed":11})");
  int ok = 0;
  for (int round = 0; round < 10; ++round) {
    for (const auto& id : ids) {
      auto r = gw.call("GET", path + "/" + id, gw.keys().admin);
      EXPECT_EQ(r.status, 200) << r.body;
      ok += r.status == 200;
    }
    auto l = gw.call("GET", path + "?limit=5&offset=1", gw.keys().admin);
    EXPECT_EQ(l.status, 200) << l.body;
  }
  EXPECT_EQ(ok, 60);
  auto stats = parse_json(http_request(gw.emulator()->port(), "GET", "/__emulator/stats").body);
  EXPECT_TRUE(stats.IsObject());
}

TEST_P(FaultTolerance, APostIsNeverAppliedTwice) {
  set_faults(R"({"error_rate":0.06,"error_statuses":[500,502,503],"reset_rate":0.04,"seed":23})");
  std::set<std::string> answered_created;
  int failures = 0;
  for (int i = 0; i < 30; ++i) {
    const std::string email = "once" + std::to_string(i) + "@example.com";
    auto r = gw.call("POST", path, gw.keys().admin, R"({"email":")" + email + R"(","name":"Once Person"})");
    if (r.status == 201) {
      answered_created.insert(email);
    } else {
      expect_canonical_failure(r);
      ++failures;
    }
  }
  set_faults(R"({"error_rate":0,"reset_rate":0})");
  const auto emails = emulator_emails();
  const std::set<std::string> unique(emails.begin(), emails.end());
  EXPECT_EQ(unique.size(), emails.size()) << "no customer was created twice";
  for (const auto& e : answered_created) EXPECT_TRUE(unique.contains(e)) << e << " was answered 201 but is missing";
  // A reset after the platform applied a POST leaves it applied but unanswered (a 502
  // the client may check with GET ?email=); it is never re-sent.
  EXPECT_LE(unique.size(), answered_created.size() + static_cast<std::size_t>(failures));
  EXPECT_GT(failures, 0) << "the fault seed must inject something for this test to mean anything";
  auto all = parse_json(gw.call("GET", path + "?limit=200", gw.keys().admin).body);
  std::set<std::string> listed;
  for (const auto& c : all["items"].GetArray()) EXPECT_TRUE(listed.insert(c["email"].GetString()).second) << "duplicate customer";
  EXPECT_EQ(listed, unique) << "the gateway lists exactly what the platform holds";
}

TEST_P(FaultTolerance, TrickledResponsesStillArrive) {
  auto r = gw.call("POST", path, gw.keys().admin, R"({"email":"slow@example.com","name":"Slow Poke"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = parse_json(r.body)["item"]["id"].GetString();
  set_faults(R"({"trickle_rate":1.0,"trickle_ms":2,"seed":4})");
  auto slow = gw.call("GET", path + "/" + id, gw.keys().admin);
  EXPECT_EQ(slow.status, 200) << slow.body;
  EXPECT_STREQ(parse_json(slow.body)["item"]["email"].GetString(), "slow@example.com");
}

TEST_P(FaultTolerance, MalformedPlatformBodiesBecomeUpstreamErrors) {
  auto r = gw.call("POST", path, gw.keys().admin, R"({"email":"m@example.com","name":"Mal Formed"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const std::string id = parse_json(r.body)["item"]["id"].GetString();
  set_faults(R"({"malformed_rate":1.0,"seed":3})");
  auto bad = gw.call("GET", path + "/" + id, gw.keys().admin);
  EXPECT_EQ(bad.status, 502) << bad.body;
  expect_canonical_failure(bad);
}

TEST_P(FaultTolerance, ARateLimitStormEndsInRetryAfterNotAHang) {
  set_faults(R"({"storm_rate":1.0,"storm_length":1000,"seed":5})");
  const auto started = std::chrono::steady_clock::now();
  auto r = gw.call("GET", path + "?limit=5", gw.keys().admin);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(12));
  EXPECT_NE(r.status, 200);
  expect_canonical_failure(r);
}

TEST_P(FaultTolerance, AnUnreachablePlatformIsARetryableUpstreamError) {
  gw.emulator()->process().signal(SIGKILL);
  ASSERT_TRUE(gw.emulator()->process().wait(std::chrono::seconds(5)));
  auto r = gw.call("GET", path, gw.keys().admin);
  EXPECT_EQ(r.status, 502) << r.body;
  expect_canonical_failure(r);
  auto doc = parse_json(r.body);
  EXPECT_THAT(doc["error"]["message"].GetString(), ::testing::HasSubstr("Connection refused"));
  ASSERT_TRUE(doc["error"].HasMember("retryable")) << r.body;
  EXPECT_TRUE(doc["error"]["retryable"].GetBool()) << r.body;
}

INSTANTIATE_TEST_SUITE_P(Platforms, FaultTolerance, ::testing::Values("nuvemshop", "bigcommerce_v3"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

}  // namespace
}  // namespace custbridge::testing
