// The request id travels: whatever id a canonical request carries (the client's, or
// one the gateway made) is the X-Request-Id on every platform call it causes, so one
// id finds a request in the gateway's access log and in the platform's logs.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

#include "tests/gateway/gateway_fixture.hpp"

namespace custbridge::testing {
namespace {

class RequestIdPropagation : public ::testing::TestWithParam<std::string> {
 protected:
  gateway_process gw{"", GetParam()};
  std::string path = customers_path(store_a);

  void clear_journal() {
    // A reset also empties the platform; the tests below start from no customers.
    ASSERT_EQ(http_request(gw.emulator()->port(), "POST", "/__emulator/reset").status, 200);
  }
  // The X-Request-Id of every platform request since the last reset (null as "").
  std::vector<std::string> ids_seen_upstream() {
    auto doc = parse_json(http_request(gw.emulator()->port(), "GET", "/__emulator/requests").body);
    std::vector<std::string> ids;
    for (const auto& r : doc["requests"].GetArray()) ids.push_back(r["requestId"].IsString() ? r["requestId"].GetString() : "");
    return ids;
  }
  http_reply call(const std::string& method, const std::string& target, const std::string& body,
                  const std::string& request_id) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!request_id.empty()) headers.emplace_back("X-Request-Id", request_id);
    return gw.call(method, target, gw.keys().admin, body, headers);
  }
};

TEST_P(RequestIdPropagation, EveryPlatformCallOfARequestCarriesTheClientsId) {
  clear_journal();
  const std::string create_body =
      R"({"email":"trace.me@example.com","name":"Trace Me","addresses":[{"firstName":"Trace","lastName":"Me",
          "address1":"Rua Augusta 1200","city":"São Paulo","region":"SP","postalCode":"01304-001","country":"BR",
          "phone":"+55 11 91234-5678"}]})";
  auto created = call("POST", path, create_body, "trace-create-1");
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.header("x-request-id"), "trace-create-1");
  auto create_ids = ids_seen_upstream();
  ASSERT_FALSE(create_ids.empty()) << "the create reached the platform";
  for (const auto& id : create_ids) EXPECT_EQ(id, "trace-create-1");

  clear_journal();
  auto listed = call("GET", path + "?limit=5", "", "trace-list-2");
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto list_ids = ids_seen_upstream();
  ASSERT_FALSE(list_ids.empty());
  for (const auto& id : list_ids) EXPECT_EQ(id, "trace-list-2");
}

TEST_P(RequestIdPropagation, UpdateAndDeleteCarryTheirOwnIds) {
  auto created = call("POST", path, R"({"email":"two.calls@example.com","name":"Two Calls"})", "");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = parse_json(created.body)["item"]["id"].GetString();
  const auto before = ids_seen_upstream().size();

  auto updated = call("PUT", path + "/" + id, R"({"name":"Two Calls Renamed"})", "trace-update-3");
  ASSERT_EQ(updated.status, 200) << updated.body;
  auto removed = call("DELETE", path + "/" + id, "", "trace-delete-4");
  ASSERT_EQ(removed.status, 204) << removed.body;

  auto ids = ids_seen_upstream();
  ASSERT_GT(ids.size(), before + 1);
  std::set<std::string> distinct(ids.begin() + static_cast<std::ptrdiff_t>(before), ids.end());
  EXPECT_EQ(distinct, (std::set<std::string>{"trace-update-3", "trace-delete-4"}));
}

TEST_P(RequestIdPropagation, WithoutAUsableIdTheGatewaysOwnIdIsSent) {
  for (const std::string& given : {std::string(), std::string("has spaces and \"quotes\""), std::string(200, 'x')}) {
    clear_journal();
    auto r = call("GET", path + "?limit=1", "", given);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto minted = r.header("x-request-id");
    ASSERT_FALSE(minted.empty());
    EXPECT_NE(minted, given);
    auto ids = ids_seen_upstream();
    ASSERT_FALSE(ids.empty());
    for (const auto& id : ids) EXPECT_EQ(id, minted) << "inbound id: '" << given << "'";
  }
}

INSTANTIATE_TEST_SUITE_P(PlatformBackends, RequestIdPropagation,
                         ::testing::Values("nuvemshop", "bigcommerce_v3", "bigcommerce_v2"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

}  // namespace
}  // namespace custbridge::testing
