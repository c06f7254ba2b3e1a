// Authentication, scopes, store grants, routing errors and request ids, over real sockets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/gateway/gateway_fixture.hpp"

namespace custbridge::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class AuthAndRouting : public ::testing::Test {
 protected:
  gateway_process gw;
  std::string path = customers_path(store_a);

  static std::string code_of(const http_reply& r) { return parse_json(r.body)["error"]["code"].GetString(); }
};

TEST_F(AuthAndRouting, MissingMalformedOrUnknownKeyIsUnauthorized) {
  auto none = gw.call("GET", path, "");
  EXPECT_EQ(none.status, 401);
  EXPECT_EQ(code_of(none), "UNAUTHORIZED");
  EXPECT_EQ(gw.call("GET", path, "sk_live_short").status, 401);
  EXPECT_EQ(gw.call("GET", path, "sk_live_" + std::string(32, 'A')).status, 401);
  auto basic = http_request(gw.port(), "GET", path, {{"Authorization", "Basic Zm9vOmJhcg=="}});
  EXPECT_EQ(basic.status, 401);
}

TEST_F(AuthAndRouting, BearerAndXApiKeyBothWork) {
  EXPECT_EQ(gw.call("GET", path, gw.keys().admin).status, 200);
  EXPECT_EQ(http_request(gw.port(), "GET", path, {{"X-API-Key", gw.keys().admin}}).status, 200);
  EXPECT_EQ(http_request(gw.port(), "GET", path, {{"authorization", "bearer " + gw.keys().admin}}).status, 200);
}

TEST_F(AuthAndRouting, MissingScopeIsForbiddenNamingTheScope) {
  auto r = gw.call("POST", path, gw.keys().reader, R"({"email":"x@example.com"})");
  EXPECT_EQ(r.status, 403);
  auto doc = parse_json(r.body);
  EXPECT_STREQ(doc["error"]["code"].GetString(), "FORBIDDEN");
  EXPECT_STREQ(doc["error"]["details"]["required"].GetString(), "customers:write");
  EXPECT_EQ(gw.call("GET", path, gw.keys().reader).status, 200);
}

TEST_F(AuthAndRouting, DotScopesNeedCustomerDeleteButColonWriteIncludesDelete) {
  auto created = gw.call("POST", path, gw.keys().dot_writer, R"({"email":"d@example.com"})");
  ASSERT_EQ(created.status, 201) << "customer.write allows create";
  const std::string id = parse_json(created.body)["item"]["id"].GetString();
  auto denied = gw.call("DELETE", path + "/" + id, gw.keys().dot_writer);
  EXPECT_EQ(denied.status, 403);
  EXPECT_STREQ(parse_json(denied.body)["error"]["details"]["required"].GetString(), "customer.delete");
  EXPECT_EQ(gw.call("DELETE", path + "/" + id, gw.keys().colon_writer).status, 204);
}

TEST_F(AuthAndRouting, KeyNotGrantedTheStoreIsForbidden) {
  auto r = gw.call("GET", path, gw.keys().other_store);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(code_of(r), "FORBIDDEN");
  EXPECT_EQ(gw.call("GET", customers_path(store_b), gw.keys().other_store).status, 200);
}

TEST_F(AuthAndRouting, UnknownStoreIsNotFoundForAWildcardKey) {
  auto r = gw.call("GET", customers_path("no-such-store"), gw.keys().admin);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(code_of(r), "NOT_FOUND");
  EXPECT_EQ(gw.call("GET", customers_path("no-such-store"), gw.keys().reader).status, 403)
      << "a key limited to other stores learns nothing about this one";
}

TEST_F(AuthAndRouting, UnknownRoutesAre404AndWrongMethods405WithAllow) {
  auto r = gw.call("GET", "/stores/x/orders", gw.keys().admin);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(code_of(r), "NOT_FOUND");
  auto collection = gw.call("DELETE", path, gw.keys().admin);
  EXPECT_EQ(collection.status, 405);
  EXPECT_EQ(code_of(collection), "METHOD_NOT_ALLOWED");
  EXPECT_EQ(collection.header("allow"), "GET, POST");
  auto item = gw.call("POST", path + "/00000000-0000-4000-8000-000000000000", gw.keys().admin, "{}");
  EXPECT_EQ(item.status, 405);
  EXPECT_EQ(item.header("allow"), "GET, PUT, PATCH, DELETE");
}

TEST_F(AuthAndRouting, RequestIdIsEchoedOrGeneratedAndLoggedWithoutTheKey) {
  auto given = gw.call("GET", path, gw.keys().admin, "", {{"X-Request-Id", "client-req-42"}});
  EXPECT_EQ(given.header("x-request-id"), "client-req-42");
  auto failed = gw.call("GET", path + "?limit=0", gw.keys().admin, "", {{"X-Request-Id", "client-req-43"}});
  EXPECT_STREQ(parse_json(failed.body)["error"]["requestId"].GetString(), "client-req-43");
  auto generated = gw.call("GET", path, gw.keys().admin);
  EXPECT_EQ(generated.header("x-request-id").size(), 36u);
  auto unsafe = gw.call("GET", path, gw.keys().admin, "", {{"X-Request-Id", "bad id with spaces"}});
  EXPECT_NE(unsafe.header("x-request-id"), "bad id with spaces");

  auto line = gw.process().wait_for_line("client-req-43", std::chrono::seconds(5));
  ASSERT_TRUE(line);
  auto log = parse_json(*line);
  EXPECT_STREQ(log["msg"].GetString(), "request");
  EXPECT_EQ(log["status"].GetInt(), 400);
  EXPECT_STREQ(log["method"].GetString(), "GET");
  EXPECT_STREQ(log["key"].GetString(), "admin");
  EXPECT_TRUE(log["durationMs"].IsNumber());
  for (const auto& l : gw.process().lines()) EXPECT_THAT(l, Not(HasSubstr(gw.keys().admin))) << "keys never reach logs";
}

TEST_F(AuthAndRouting, HealthAndReadiness) {
  auto h = http_request(gw.port(), "GET", "/healthz");
  EXPECT_EQ(h.status, 200);
  EXPECT_THAT(h.body, HasSubstr("ok"));
  EXPECT_EQ(http_request(gw.port(), "GET", "/readyz").status, 200);
  EXPECT_EQ(http_request(gw.port(), "POST", "/healthz").status, 405);
}

}  // namespace
}  // namespace custbridge::testing
