// BigCommerce V2 emulator, in-process, every response validated against customers.v2.yml.
#include <gtest/gtest.h>

#include "emulators/common/query.hpp"
#include "tests/emulators/bigcommerce_conformance.hpp"

namespace custbridge::emulators::testing {
namespace {

using bigcommerce::emulator;
using bigcommerce::options;

options opts(std::size_t customers = 0) {
  options o;
  o.customers = customers;
  o.seed = 5;
  o.scale.factor = 0;
  return o;
}

std::string str(const rapidjson::Value& v, const char* key) {
  return v.IsObject() && v.HasMember(key) && v[key].IsString() ? v[key].GetString() : std::string("<not a string>");
}

TEST(BigCommerceV2, CustomersAreBareArraysWithRfc2822DatesAndDecimalStrings) {
  emulator e(opts(3));
  bc_client c(e);
  auto r = c.v2("GET", "/customers");
  ASSERT_EQ(r.status, 200);
  auto d = parse_body(r.body);
  ASSERT_TRUE(d.IsArray());
  ASSERT_EQ(d.Size(), 3u);
  const auto& first = d[0];
  // "Wed, 10 Jan 2018 21:02:23 +0000"
  const auto created = str(first, "date_created");
  EXPECT_EQ(created.size(), 31u) << created;
  EXPECT_TRUE(created.ends_with(" +0000"));
  EXPECT_EQ(created[3], ',');
  const auto credit = str(first, "store_credit");
  EXPECT_EQ(credit.size() - credit.find('.'), 5u) << credit;  // four decimals
  EXPECT_EQ(str(first["addresses"], "resource"), "/customers/" + std::to_string(first["id"].GetInt()) + "/addresses");
  EXPECT_TRUE(first["accepts_marketing"].IsBool());
  // Sorted by id ascending.
  EXPECT_LT(d[0]["id"].GetInt(), d[1]["id"].GetInt());
  EXPECT_EQ(parse_body(c.v2("GET", "/customers/count").body)["count"].GetInt(), 3);
}

TEST(BigCommerceV2, EmptyListIs204OrAnArrayBehindAFlag) {
  emulator e(opts());
  bc_client c(e);
  auto r = c.v2("GET", "/customers");
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
  auto o = opts();
  o.v2_empty_list_is_204 = false;
  emulator arrays(o);
  bc_client c2(arrays);
  auto a = c2.v2("GET", "/customers");
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, "[]");
}

TEST(BigCommerceV2, CreateUpdateAndTheV2ErrorArrays) {
  emulator e(opts(1));
  bc_client c(e);
  auto created = c.v2("POST", "/customers", R"({"first_name":"Jürgen","last_name":"Müller","email":"jm@example.de","phone":"+49 89 1234567","_authentication":{"password":"pw12345!"}})");
  ASSERT_EQ(created.status, 200) << created.body;
  auto d = parse_body(created.body);
  EXPECT_FALSE(d.HasMember("_authentication"));  // write-only
  const auto id = std::to_string(d["id"].GetInt());

  auto ro = c.v2("POST", "/customers", R"({"id":5,"first_name":"A","last_name":"B","email":"ab@example.com"})");
  EXPECT_EQ(ro.status, 400);
  EXPECT_EQ(ro.body, R"([{"status":400,"message":"The field 'id' cannot be written to. Please remove it from your request before trying again."}])");
  auto missing = c.v2("POST", "/customers", R"({"first_name":"A"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.body, R"([{"status":400,"message":"Required fields missing [last_name, email]"}])");
  auto dup = c.v2("POST", "/customers", R"({"first_name":"A","last_name":"B","email":"JM@example.de"})");
  EXPECT_EQ(dup.status, 409);

  auto put = c.v2("PUT", "/customers/" + id, R"({"notes":"prefers email","store_credit":"12.5"})");
  ASSERT_EQ(put.status, 200);
  auto p = parse_body(put.body);
  EXPECT_EQ(str(p, "notes"), "prefers email");
  EXPECT_EQ(str(p, "store_credit"), "12.5000");
  EXPECT_EQ(str(p, "first_name"), "Jürgen");
  EXPECT_EQ(c.v2("PUT", "/customers/" + id, R"({"date_created":"Wed, 10 Jan 2018 21:02:23 +0000"})").status, 400);
  EXPECT_EQ(c.v2("GET", "/customers/999999").status, 404);

  auto ok = parse_body(c.v2("POST", "/customers/" + id + "/validate", R"({"password":"pw12345!"})").body);
  EXPECT_TRUE(ok["success"].GetBool());
  auto bad = parse_body(c.v2("POST", "/customers/" + id + "/validate", R"({"password":"nope"})").body);
  EXPECT_FALSE(bad["success"].GetBool());
}

TEST(BigCommerceV2, DateFiltersAcceptRfc2822AndIso8601) {
  emulator e(opts(20));
  bc_client c(e);
  const auto& pivot = e.stores()[0]->customers.at(10);
  std::size_t expected = 0;
  for (const auto& [id, cu] : e.stores()[0]->customers) expected += cu.date_created >= pivot.date_created;
  for (const auto& stamp : {format_rfc2822(pivot.date_created), format_iso_z(pivot.date_created)}) {
    auto r = c.v2("GET", "/customers?limit=250&min_date_created=" + url_encode(stamp));
    ASSERT_EQ(r.status, 200) << stamp;
    EXPECT_EQ(parse_body(r.body).Size(), expected) << stamp;
  }
  auto ids = parse_body(c.v2("GET", "/customers?min_id=5&max_id=7").body);
  EXPECT_EQ(ids.Size(), 3u);
}

TEST(BigCommerceV2, DeleteWithoutFilterDeletesEveryCustomer) {
  emulator e(opts(5));
  bc_client c(e);
  EXPECT_EQ(c.v2("DELETE", "/customers").status, 204);
  EXPECT_TRUE(e.stores()[0]->customers.empty());
  EXPECT_TRUE(e.stores()[0]->addresses.empty());
}

TEST(BigCommerceV2, AddressesUseCountryNamesAndRequirePhone) {
  emulator e(opts());
  bc_client c(e);
  ASSERT_EQ(c.v2("POST", "/customers", R"({"first_name":"A","last_name":"B","email":"a@example.com"})").status, 200);
  const std::string base = R"("first_name":"A","last_name":"B","street_1":"Praça Roberto Gomes Pedrosa, 1","city":"São Paulo","state":"São Paulo","zip":"05653-070")";
  auto no_phone = c.v2("POST", "/customers/1/addresses", "{" + base + R"(,"country":"Brazil"})");
  EXPECT_EQ(no_phone.status, 400);
  EXPECT_EQ(no_phone.body, R"([{"status":400,"message":"Required fields missing [phone]"}])");
  EXPECT_EQ(c.v2("POST", "/customers/1/addresses", "{" + base + R"(,"phone":"11 3749-8000","country":"BR"})").status, 400);
  auto ok = c.v2("POST", "/customers/1/addresses", "{" + base + R"(,"phone":"11 3749-8000","country":"Brazil"})");
  ASSERT_EQ(ok.status, 200) << ok.body;
  auto a = parse_body(ok.body);
  EXPECT_EQ(str(a, "country"), "Brazil");
  EXPECT_EQ(str(a, "country_iso2"), "BR");
  EXPECT_EQ(str(a, "street_1"), "Praça Roberto Gomes Pedrosa, 1");
  ASSERT_EQ(c.v2("POST", "/customers/1/addresses", "{" + base + R"(,"phone":"1","country":"United States","state":"Texas"})").status, 200);
  EXPECT_EQ(parse_body(c.v2("GET", "/customers/1/addresses/count").body)["count"].GetInt(), 2);
  // The same address through V3 shows the V3 names.
  auto v3 = parse_body(c.v3("GET", "/customers/addresses?customer_id:in=1").body);
  EXPECT_EQ(str(v3["data"][0], "country_code"), "BR");
  EXPECT_EQ(str(v3["data"][0], "state_or_province"), "São Paulo");
  // DELETE on the collection removes all of this customer's addresses.
  EXPECT_EQ(c.v2("DELETE", "/customers/1/addresses").status, 204);
  EXPECT_EQ(c.v2("GET", "/customers/1/addresses").status, 204);
}

TEST(BigCommerceV2, CustomerGroups) {
  emulator e(opts(10));
  bc_client c(e);
  auto list = parse_body(c.v2("GET", "/customer_groups").body);
  EXPECT_EQ(list.Size(), 3u);
  auto created = c.v2("POST", "/customer_groups", R"({"name":"VIP","discount_rules":[{"type":"all","method":"percent","amount":"5.0000"}],"category_access":{"type":"all"}})");
  ASSERT_EQ(created.status, 200) << created.body;
  const auto id = std::to_string(parse_body(created.body)["id"].GetInt());
  EXPECT_EQ(c.v2("POST", "/customer_groups", R"({"name":"vip"})").status, 409);
  EXPECT_EQ(c.v2("POST", "/customer_groups", R"({"name":"Two alls","discount_rules":[{"type":"all"},{"type":"all"}]})").status, 400);
  auto put = parse_body(c.v2("PUT", "/customer_groups/" + id, R"({"discount_rules":[]})").body);
  EXPECT_EQ(put["discount_rules"].Size(), 0u);  // PUT replaces all rules
  // Deleting a group unassigns its customers.
  int member = 0;
  for (const auto& [cid, cu] : e.stores()[0]->customers)
    if (cu.customer_group_id == 2) member = cid;
  ASSERT_NE(member, 0);
  EXPECT_EQ(c.v2("DELETE", "/customer_groups/2").status, 204);
  EXPECT_EQ(e.stores()[0]->customers.at(member).customer_group_id, 0);
  EXPECT_EQ(parse_body(c.v2("GET", "/customer_groups/count").body)["count"].GetInt(), 3);
}

TEST(BigCommerceV2, OrdersByCustomer) {
  emulator e(opts(30));
  bc_client c(e);
  std::map<int, int> per_customer;
  for (const auto& [id, o] : e.stores()[0]->orders) ++per_customer[o.customer_id];
  ASSERT_FALSE(per_customer.empty());
  const auto [customer, count] = *per_customer.begin();
  auto r = c.v2("GET", "/orders?customer_id=" + std::to_string(customer));
  ASSERT_EQ(r.status, 200);
  auto d = parse_body(r.body);
  ASSERT_EQ(static_cast<int>(d.Size()), count);
  for (const auto& o : d.GetArray()) {
    EXPECT_EQ(o["customer_id"].GetInt(), customer);
    EXPECT_TRUE(o["total_inc_tax"].IsString());
  }
}

}  // namespace
}  // namespace custbridge::emulators::testing
