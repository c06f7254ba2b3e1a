// BigCommerce V3 emulator, in-process. Every response goes through bc_client, which
// validates it against the official OpenAPI schema (../shared/specs/bigcommerce).
#include <gtest/gtest.h>

#include <set>

#include "common/crypto.hpp"
#include "emulators/common/query.hpp"
#include "emulators/common/webhooks.hpp"
#include "tests/emulators/bigcommerce_conformance.hpp"

namespace custbridge::emulators::testing {
namespace {

using bigcommerce::emulator;
using bigcommerce::options;

options opts(std::size_t customers = 0) {
  options o;
  o.customers = customers;
  o.seed = 11;
  o.scale.factor = 0;
  return o;
}

std::string str(const rapidjson::Value& v, const char* key) {
  return v.IsObject() && v.HasMember(key) && v[key].IsString() ? v[key].GetString() : std::string("<not a string>");
}

std::string customer_json(const std::string& email, const std::string& extra = "") {
  return R"({"email":")" + email + R"(","first_name":"Ana","last_name":"Conceição")" + extra + "}";
}

TEST(BigCommerceSpecs, OfficialOpenApiFilesAreAvailable) {
  const auto& specs = bigcommerce_specs::get();
  ASSERT_TRUE(specs.error.empty()) << specs.error;
  EXPECT_TRUE(specs.customers_v3->response_schema("/customers", "get", 200));
  EXPECT_TRUE(specs.customers_v2->response_schema("/customers", "get", 200));
}

TEST(BigCommerceAuth, XAuthTokenIsRequired) {
  emulator e(opts(1));
  bc_client c(e);
  c.token = "wrong";
  auto r = c.v3("GET", "/customers");
  EXPECT_EQ(r.status, 401);
  auto v2 = c.v2("GET", "/customers");
  EXPECT_EQ(v2.status, 401);
  bc_client other(e, "nosuchstore");
  EXPECT_EQ(other.v3("GET", "/customers").status, 404);
}

TEST(BigCommerceAuth, BodiesMustBeJson) {
  emulator e(opts(1));
  bc_client c(e);
  auto r = c.send(make_request("POST", "/stores/emu00001/v3/customers",
                               {{"x-auth-token", c.token}, {"content-type", "text/plain"}}, "[]"));
  EXPECT_EQ(r.status, 415);
  auto a = c.send(make_request("GET", "/stores/emu00001/v3/customers", {{"x-auth-token", c.token}, {"accept", "text/html"}}));
  EXPECT_EQ(a.status, 406);
}

TEST(BigCommerceRateLimit, QuotaPerWindowSharedByV2AndV3) {
  fake_clock clock;
  auto o = opts(1);
  o.scale.factor = 100;  // 30 s window -> 300 ms
  o.quota = 150;
  o.now = clock.fn();
  emulator e(o);
  bc_client c(e);
  for (int i = 0; i < 150; ++i) {
    auto r = i % 2 ? c.v3("GET", "/customers") : c.v2("GET", "/customers/count");
    ASSERT_EQ(r.status, 200) << i;
    EXPECT_EQ(r.header("X-Rate-Limit-Requests-Quota"), "150");
    EXPECT_EQ(r.header("X-Rate-Limit-Requests-Left"), std::to_string(149 - i));
    EXPECT_EQ(r.header("X-Rate-Limit-Time-Window-Ms"), "300");
  }
  clock.advance(std::chrono::milliseconds(100));
  auto limited = c.v3("GET", "/customers");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("X-Rate-Limit-Requests-Left"), "0");
  EXPECT_EQ(limited.header("X-Rate-Limit-Time-Reset-Ms"), "200");
  EXPECT_EQ(limited.header("X-Retry-After"), "1");
  EXPECT_EQ(c.v2("GET", "/customers").status, 429);
  clock.advance(std::chrono::milliseconds(200));
  EXPECT_EQ(c.v3("GET", "/customers").status, 200);
}

TEST(BigCommerceCustomers, ListCarriesPaginationAndCursorOnPageOne) {
  emulator e(opts(120));
  bc_client c(e);
  auto p1 = parse_body(c.v3("GET", "/customers").body);
  EXPECT_EQ(p1["data"].Size(), 50u);  // default page size
  const auto& meta = p1["meta"];
  EXPECT_EQ(meta["pagination"]["total"].GetInt(), 120);
  EXPECT_EQ(meta["pagination"]["total_pages"].GetInt(), 3);
  EXPECT_EQ(str(meta["pagination"]["links"], "next"), "?page=2&limit=50");
  ASSERT_TRUE(meta.HasMember("cursor_pagination"));
  const std::string end = str(meta["cursor_pagination"], "end_cursor");

  auto p2 = parse_body(c.v3("GET", "/customers?page=2&limit=50").body);
  EXPECT_TRUE(p2["meta"].HasMember("pagination"));
  EXPECT_FALSE(p2["meta"].HasMember("cursor_pagination"));

  auto after = parse_body(c.v3("GET", "/customers?after=" + url_encode(end) + "&limit=50").body);
  EXPECT_FALSE(after["meta"].HasMember("pagination"));
  ASSERT_TRUE(after["meta"].HasMember("cursor_pagination"));
  // The cursor continues where page 1 ended, like page 2.
  EXPECT_EQ(after["data"][0]["id"].GetInt(), p2["data"][0]["id"].GetInt());
}

TEST(BigCommerceCustomers, FiltersIncludeAndSort) {
  emulator e(opts(60));
  bc_client c(e);
  const auto& customers = e.stores()[0]->customers;
  const auto& a = customers.at(3);
  const auto& b = customers.at(9);
  auto d = parse_body(c.v3("GET", "/customers?id:in=3,9&include=addresses,attributes,formfields,storecredit").body);
  ASSERT_EQ(d["data"].Size(), 2u);
  for (const auto& cu : d["data"].GetArray())
    for (const char* k : {"addresses", "attributes", "form_fields", "store_credit_amounts"}) EXPECT_TRUE(cu.HasMember(k)) << k;
  auto byemail = parse_body(c.v3("GET", "/customers?email:in=" + url_encode(a.email) + "," + url_encode(b.email)).body);
  EXPECT_EQ(byemail["data"].Size(), 2u);
  auto plain = parse_body(c.v3("GET", "/customers?id:in=3").body);
  EXPECT_FALSE(plain["data"][0].HasMember("addresses"));  // sub-resources need include=

  auto like = parse_body(c.v3("GET", "/customers?limit=250&name:like=" + url_encode(a.last_name)).body);
  std::size_t expected = 0;
  for (const auto& [id, cu] : customers) expected += (cu.first_name + cu.last_name).find(a.last_name) != std::string::npos;
  EXPECT_EQ(like["data"].Size(), expected);

  auto min = format_iso_z(a.date_created);
  auto newer = parse_body(c.v3("GET", "/customers?limit=250&date_created:min=" + min).body);
  std::size_t n = 0;
  for (const auto& [id, cu] : customers) n += cu.date_created >= a.date_created;
  EXPECT_EQ(newer["data"].Size(), n);

  auto sorted = parse_body(c.v3("GET", "/customers?limit=250&sort=last_name:desc").body);
  for (rapidjson::SizeType i = 1; i < sorted["data"].Size(); ++i)
    EXPECT_GE(str(sorted["data"][i - 1], "last_name"), str(sorted["data"][i], "last_name"));
  EXPECT_EQ(c.v3("GET", "/customers?sort=email:asc").status, 422);
}

TEST(BigCommerceCustomers, PostTakesArraysOfAtMostTen) {
  emulator e(opts());
  bc_client c(e);
  std::string eleven = "[";
  for (int i = 0; i < 11; ++i) eleven += (i ? "," : "") + customer_json("c" + std::to_string(i) + "@example.com");
  eleven += "]";
  EXPECT_EQ(c.v3("POST", "/customers", eleven).status, 413);
  EXPECT_TRUE(e.stores()[0]->customers.empty());

  auto r = c.v3("POST", "/customers",
                "[" + customer_json("ana@example.com", R"(,"addresses":[{"first_name":"Ana","last_name":"C","address1":"Rua A, 1","city":"São Paulo","state_or_province":"São Paulo","postal_code":"01000-000","country_code":"BR"}],"attributes":[{"attribute_id":1,"attribute_value":"38"}],"channel_ids":[1])") + "]");
  ASSERT_EQ(r.status, 200) << r.body;  // the spec documents 200 for creates
  auto d = parse_body(r.body);
  EXPECT_TRUE(d["meta"].IsObject() && d["meta"].ObjectEmpty());
  EXPECT_EQ(str(d["data"][0], "last_name"), "Conceição");
  EXPECT_EQ(d["data"][0]["addresses"].Size(), 1u);
  EXPECT_EQ(str(d["data"][0]["addresses"][0], "country"), "Brazil");
  EXPECT_EQ(str(d["data"][0]["attributes"][0], "attribute_value"), "38");
}

TEST(BigCommerceCustomers, PostValidationAndDuplicateEmail) {
  emulator e(opts(3));
  bc_client c(e);
  auto missing = c.v3("POST", "/customers", R"([{"email":"x@example.com"}])");
  EXPECT_EQ(missing.status, 422);
  auto d = parse_body(missing.body);
  EXPECT_TRUE(d["errors"].HasMember("0.first_name"));
  EXPECT_EQ(str(d, "type"), "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes");
  const auto taken = e.stores()[0]->customers.begin()->second.email;
  EXPECT_EQ(c.v3("POST", "/customers", "[" + customer_json(taken) + "]").status, 422);
  EXPECT_EQ(c.v3("POST", "/customers", "[" + customer_json("long@" + std::string(250, 'x') + ".com") + "]").status, 422);
  EXPECT_EQ(c.v3("POST", "/customers", "[" + customer_json("c@example.com", R"(,"channel_ids":[])") + "]").status, 422);
  EXPECT_EQ(c.v3("POST", "/customers", "[" + customer_json("c@example.com", R"(,"attributes":[{"attribute_id":99,"attribute_value":"x"}])") + "]").status, 422);

  auto o = opts(3);
  o.duplicate_email_status = 409;
  emulator conflict(o);
  bc_client c2(conflict);
  EXPECT_EQ(c2.v3("POST", "/customers", "[" + customer_json(conflict.stores()[0]->customers.begin()->second.email) + "]").status, 409);
}

TEST(BigCommerceCustomers, PutNeedsIdsIgnoresAddressesAndCapsConcurrency) {
  emulator e(opts(3));
  bc_client c(e);
  EXPECT_EQ(c.v3("PUT", "/customers", R"([{"first_name":"No id"}])").status, 422);
  const auto before = e.stores()[0]->addresses.size();
  auto r = c.v3("PUT", "/customers", R"([{"id":1,"notes":"VIP","addresses":[{"address1":"ignored"}]}])");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(parse_body(r.body)["data"][0], "notes"), "VIP");
  EXPECT_EQ(e.stores()[0]->addresses.size(), before);
  // Three PUTs may run at once; a fourth is refused.
  auto& gate = e.stores()[0]->caps.customers_put;
  auto t1 = gate.acquire(), t2 = gate.acquire(), t3 = gate.acquire();
  EXPECT_EQ(c.v3("PUT", "/customers", R"([{"id":1,"notes":"busy"}])").status, 429);
}

TEST(BigCommerceCustomers, DeleteTakesIdInAndKeepsOrdersAsGuests) {
  emulator e(opts(40));
  bc_client c(e);
  int with_orders = 0;
  for (const auto& [id, o] : e.stores()[0]->orders) with_orders = o.customer_id;
  ASSERT_NE(with_orders, 0);
  const auto count = e.stores()[0]->customers.size();
  EXPECT_EQ(c.v3("DELETE", "/customers").status, 204);  // no id:in: nothing deleted
  EXPECT_EQ(e.stores()[0]->customers.size(), count);
  EXPECT_EQ(c.v3("DELETE", "/customers?id:in=" + std::to_string(with_orders)).status, 204);
  EXPECT_EQ(e.stores()[0]->customers.size(), count - 1);
  EXPECT_EQ(c.v2("GET", "/orders?customer_id=" + std::to_string(with_orders)).status, 204);
  bool guest_orders = false;
  for (const auto& [id, o] : e.stores()[0]->orders) guest_orders = guest_orders || o.customer_id == 0;
  EXPECT_TRUE(guest_orders);
}

TEST(BigCommerceAddresses, RequiredFieldsStateNamesAndTheDuplicateQuirk) {
  emulator e(opts());
  bc_client c(e);
  ASSERT_EQ(c.v3("POST", "/customers", "[" + customer_json("a@example.com") + "]").status, 200);
  const std::string addr =
      R"({"customer_id":1,"first_name":"Ana","last_name":"C","address1":"1 Main St","city":"Austin","state_or_province":"Texas","postal_code":"78701","country_code":"US"})";
  EXPECT_EQ(c.v3("POST", "/customers/addresses", R"([{"customer_id":1,"first_name":"Ana"}])").status, 422);
  auto code = c.v3("POST", "/customers/addresses",
                   R"([{"customer_id":1,"first_name":"Ana","last_name":"C","address1":"1 Main St","city":"Austin","state_or_province":"TX","postal_code":"78701","country_code":"US"}])");
  EXPECT_EQ(code.status, 422);  // state codes are rejected
  auto first = c.v3("POST", "/customers/addresses", "[" + addr + "]");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(parse_body(first.body)["data"].Size(), 1u);
  // The same address again: 200, nothing created, and the body can be {}.
  auto dup = c.v3("POST", "/customers/addresses", "[" + addr + "]");
  EXPECT_EQ(dup.status, 200);
  EXPECT_EQ(dup.body, "{}");
  EXPECT_EQ(e.stores()[0]->addresses.size(), 1u);
  auto mixed = c.v3("POST", "/customers/addresses", "[" + addr + R"(,{"customer_id":1,"first_name":"Ana","last_name":"C","address1":"2 Main St","city":"Austin","state_or_province":"Texas","postal_code":"78701","country_code":"US"}])");
  auto md = parse_body(mixed.body);
  ASSERT_EQ(md["data"].Size(), 1u);
  EXPECT_EQ(str(md["data"][0], "address1"), "2 Main St");
  // Updating an address to equal another one is skipped too.
  const int second = md["data"][0]["id"].GetInt();
  auto same = c.v3("PUT", "/customers/addresses", R"([{"id":)" + std::to_string(second) + R"(,"address1":"1 Main St"}])");
  EXPECT_EQ(same.status, 200);
  EXPECT_EQ(e.stores()[0]->addresses.at(second).address1, "2 Main St");

  auto list = parse_body(c.v3("GET", "/customers/addresses?customer_id:in=1&include=formfields").body);
  EXPECT_EQ(list["data"].Size(), 2u);
  EXPECT_EQ(c.v3("DELETE", "/customers/addresses?id:in=" + std::to_string(second)).status, 204);
  EXPECT_EQ(e.stores()[0]->addresses.size(), 1u);
}

TEST(BigCommerceAttributes, DefinitionsValuesAndLimits) {
  emulator e(opts(12));
  bc_client c(e);
  auto created = c.v3("POST", "/customers/attributes", R"([{"name":"Birthday","type":"date"}])");
  ASSERT_EQ(created.status, 200) << created.body;
  const int id = parse_body(created.body)["data"][0]["id"].GetInt();
  EXPECT_EQ(c.v3("PUT", "/customers/attributes", R"([{"id":)" + std::to_string(id) + R"(,"name":"Birth date","type":"string"}])").status, 422);
  EXPECT_EQ(c.v3("PUT", "/customers/attributes", R"([{"id":)" + std::to_string(id) + R"(,"name":"Birth date"}])").status, 200);

  // Upsert: the second PUT for the same customer and attribute updates the first row.
  auto v1 = c.v3("PUT", "/customers/attribute-values", R"([{"attribute_id":)" + std::to_string(id) + R"(,"customer_id":2,"value":"1990-05-01"}])");
  ASSERT_EQ(v1.status, 200) << v1.body;
  auto v2 = c.v3("PUT", "/customers/attribute-values", R"([{"attribute_id":)" + std::to_string(id) + R"(,"customer_id":2,"value":"1991-05-01"}])");
  EXPECT_EQ(parse_body(v1.body)["data"][0]["id"].GetInt(), parse_body(v2.body)["data"][0]["id"].GetInt());
  auto read = parse_body(c.v3("GET", "/customers/attribute-values?customer_id:in=2&attribute_id:in=" + std::to_string(id)).body);
  ASSERT_EQ(read["data"].Size(), 1u);
  EXPECT_EQ(str(read["data"][0], "attribute_value"), "1991-05-01");  // reads say attribute_value
  EXPECT_EQ(c.v3("PUT", "/customers/attribute-values", R"([{"attribute_id":)" + std::to_string(id) + R"(,"customer_id":2,"value":"not a date"}])").status, 422);
  std::string eleven = "[";
  for (int cu = 1; cu <= 11; ++cu) eleven += (cu > 1 ? "," : "") + std::string(R"({"attribute_id":2,"value":"x","customer_id":)") + std::to_string(cu) + "}";
  EXPECT_EQ(c.v3("PUT", "/customers/attribute-values", eleven + "]").status, 413);

  // At most 50 attributes per store (two are seeded, one was created above).
  std::string many = "[";
  for (int i = 0; i < 48; ++i) many += (i ? "," : "") + std::string(R"({"name":"a)") + std::to_string(i) + R"(","type":"string"})";
  EXPECT_EQ(c.v3("POST", "/customers/attributes", many + "]").status, 422);
  many.clear();
  many = "[";
  for (int i = 0; i < 47; ++i) many += (i ? "," : "") + std::string(R"({"name":"a)") + std::to_string(i) + R"(","type":"string"})";
  EXPECT_EQ(c.v3("POST", "/customers/attributes", many + "]").status, 200);
  // Deleting an attribute deletes its values.
  EXPECT_EQ(c.v3("DELETE", "/customers/attributes?id:in=" + std::to_string(id)).status, 204);
  EXPECT_EQ(parse_body(c.v3("GET", "/customers/attribute-values?attribute_id:in=" + std::to_string(id)).body)["data"].Size(), 0u);
}

TEST(BigCommerceFormFields, UpsertAndRead) {
  emulator e(opts(2));
  bc_client c(e);
  auto r = c.v3("PUT", "/customers/form-field-values", R"([{"customer_id":1,"name":"Colours","value":["red","blue"]},{"address_id":1,"name":"Gate code","value":"1234"}])");
  if (e.stores()[0]->addresses.empty()) {
    EXPECT_EQ(r.status, 422);
    return;
  }
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse_body(c.v3("GET", "/customers/form-field-values?customer_id=1").body);
  bool found = false;
  for (const auto& f : d["data"].GetArray()) found = found || (str(f, "name") == "Colours" && f["value"].IsArray());
  EXPECT_TRUE(found);
  EXPECT_EQ(c.v3("PUT", "/customers/form-field-values", R"([{"name":"x","value":"y"}])").status, 422);
}

TEST(BigCommerceSubscribers, CrudConsentsDuplicatesAndDeleteAll) {
  emulator e(opts());
  bc_client c(e);
  auto r = c.v3("POST", "/customers/subscribers", R"({"email":"news@example.com","first_name":"N","consents":["marketing_newsletter","abandoned_cart"],"source":"storefront"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const int id = parse_body(r.body)["data"]["id"].GetInt();
  EXPECT_EQ(c.v3("POST", "/customers/subscribers", R"({"email":"NEWS@example.com"})").status, 409);
  EXPECT_EQ(c.v3("POST", "/customers/subscribers", R"({"first_name":"no email"})").status, 422);
  EXPECT_EQ(c.v3("POST", "/customers/subscribers", R"({"email":"x@example.com","consents":["spam"]})").status, 422);
  auto put = c.v3("PUT", "/customers/subscribers/" + std::to_string(id), R"({"consents":[]})");
  ASSERT_EQ(put.status, 200);
  EXPECT_EQ(parse_body(put.body)["data"]["consents"].Size(), 0u);  // empty = unsubscribed
  EXPECT_EQ(c.v3("POST", "/customers/subscribers", R"({"email":"other@example.com"})").status, 200);
  auto list = parse_body(c.v3("GET", "/customers/subscribers?email=other@example.com").body);
  EXPECT_EQ(list["data"].Size(), 1u);
  EXPECT_EQ(c.v3("GET", "/customers/subscribers/999").status, 404);
  EXPECT_EQ(c.v3("DELETE", "/customers/subscribers").status, 204);  // no filter: all of them
  EXPECT_TRUE(e.stores()[0]->subscribers.empty());
}

TEST(BigCommerceCustomers, ConsentAndCredentials) {
  emulator e(opts());
  bc_client c(e);
  ASSERT_EQ(c.v3("POST", "/customers", "[" + customer_json("p@example.com", R"(,"authentication":{"new_password":"Secr3t!"})") + "]").status, 200);
  auto put = c.v3("PUT", "/customers/1/consent", R"({"allow":["essential","analytics"],"deny":["targeting"]})");
  ASSERT_EQ(put.status, 200) << put.body;
  auto got = parse_body(c.v3("GET", "/customers/1/consent").body);
  EXPECT_EQ(got["allow"].Size(), 2u);
  EXPECT_EQ(c.v3("PUT", "/customers/1/consent", R"({"allow":["everything"]})").status, 422);
  auto ok = parse_body(c.v3("POST", "/customers/validate-credentials", R"({"email":"p@example.com","password":"Secr3t!"})").body);
  EXPECT_TRUE(ok["is_valid"].GetBool());
  EXPECT_EQ(ok["customer_id"].GetInt(), 1);
  auto bad = parse_body(c.v3("POST", "/customers/validate-credentials", R"({"email":"p@example.com","password":"nope"})").body);
  EXPECT_FALSE(bad["is_valid"].GetBool());
}

TEST(BigCommerceWebhooks, CustomerEventsAreThinAndSignedAsStandardWebhooks) {
  auto o = opts();
  o.client_secret = "whsec-test";
  emulator e(o);
  bc_client c(e);
  // The destination refuses connections: the log still records what was sent.
  auto hook = c.v3("POST", "/hooks", R"({"scope":"store/customer/*","destination":"http://127.0.0.1:9/h","is_active":true,"headers":{"X-Custom":"yes"}})");
  ASSERT_EQ(hook.status, 200) << hook.body;
  ASSERT_EQ(c.v3("POST", "/customers", "[" + customer_json("hook@example.com") + "]").status, 200);
  ASSERT_EQ(c.v3("POST", "/customers/addresses", R"([{"customer_id":1,"first_name":"A","last_name":"B","address1":"x","city":"c","state_or_province":"Texas","postal_code":"1","country_code":"US"}])").status, 200);
  auto log = e.deliveries()->snapshot();
  ASSERT_EQ(log.size(), 1u);  // store/customer/* does not cover store/customer/address/*
  const auto& d = log[0];
  EXPECT_EQ(d.event, "store/customer/created");
  auto body = parse_body(d.body);
  EXPECT_EQ(str(body, "scope"), "store/customer/created");
  EXPECT_EQ(str(body, "store_id"), "1000001");
  EXPECT_EQ(str(body, "producer"), "stores/emu00001");
  EXPECT_EQ(str(body["data"], "type"), "customer");
  EXPECT_EQ(body["data"]["id"].GetInt(), 1);
  EXPECT_TRUE(body["created_at"].IsInt64());
  std::map<std::string, std::string> h(d.headers.begin(), d.headers.end());
  EXPECT_EQ(h["X-Custom"], "yes");
  const auto signed_text = h["webhook-id"] + "." + h["webhook-timestamp"] + "." + d.body;
  EXPECT_EQ(h["webhook-signature"], "v1," + base64_encode(hex_decode(hmac_sha256_hex("whsec-test", signed_text))));
  EXPECT_EQ(c.v3("POST", "/hooks", R"({"scope":"store/customer/*"})").status, 422);
}

}  // namespace
}  // namespace custbridge::emulators::testing
