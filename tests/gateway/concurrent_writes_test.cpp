// Ten clients replacing one BigCommerce customer's addresses at the same moment, over HTTP
// through a real gateway (two server threads): every PUT is answered 200 and the customer
// ends with exactly the addresses of one of them.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "tests/gateway/gateway_fixture.hpp"

namespace custbridge::testing {
namespace {

class ConcurrentWrites : public ::testing::TestWithParam<std::string> {
 protected:
  gateway_process gw{"", GetParam(), {"--rate-scale", "0"}};
  std::string path = customers_path(store_a);
};

std::string address_json(const std::string& line) {
  return R"({"firstName":"Ada","lastName":"Lovelace","address1":")" + line +
         R"(","city":"Oakland","region":"California","postalCode":"94601","country":"US","phone":"+1 555 0100"})";
}

TEST_P(ConcurrentWrites, ReplaceAllPutsAreAppliedOneAfterTheOther) {
  auto created = gw.call("POST", path, gw.keys().admin,
                         R"({"email":"race@example.com","name":"Ada Lovelace","addresses":[)" + address_json("0 Start St") + "," +
                             address_json("0 Other St") + "]}");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = parse_json(created.body)["item"]["id"].GetString();

  std::vector<std::set<std::string>> requested(10);
  std::vector<http_reply> replies(10);
  std::vector<std::thread> clients;
  for (int i = 0; i < 10; ++i) {
    const auto a = std::to_string(i) + " First St", b = std::to_string(i) + " Second St";
    requested[i] = {a, b};
    clients.emplace_back([&, i, a, b] {
      replies[i] = gw.call("PUT", path + "/" + id, gw.keys().admin,
                           R"({"addresses":[)" + address_json(a) + "," + address_json(b) + "]}");
    });
  }
  for (auto& t : clients) t.join();
  for (const auto& r : replies) EXPECT_EQ(r.status, 200) << r.body;

  auto got = gw.call("GET", path + "/" + id, gw.keys().admin);
  ASSERT_EQ(got.status, 200) << got.body;
  auto doc = parse_json(got.body);
  std::set<std::string> held;
  for (const auto& a : doc["item"]["addresses"].GetArray()) held.insert(a["address1"].GetString());
  EXPECT_EQ(held.size(), 2u) << got.body;
  EXPECT_NE(std::find(requested.begin(), requested.end(), held), requested.end()) << got.body;

  // The platform agrees: two addresses in all.
  auto dump = parse_json(http_request(gw.emulator()->port(), "GET", "/__emulator/dump").body);
  std::size_t on_platform = 0;
  for (const auto& c : dump["stores"][0]["customers"].GetArray()) on_platform += c["addresses"].Size();
  EXPECT_EQ(on_platform, 2u);
}

INSTANTIATE_TEST_SUITE_P(BigCommerce, ConcurrentWrites, ::testing::Values("bigcommerce_v3", "bigcommerce_v2"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

}  // namespace
}  // namespace custbridge::testing
