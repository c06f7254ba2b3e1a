// The canonical customer endpoints against a real `custbridge serve` on the local store.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <regex>
#include <set>

#include "tests/gateway/gateway_fixture.hpp"

namespace custbridge::testing {
namespace {

using ::testing::HasSubstr;

const std::regex uuid_pattern("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
const std::regex timestamp_pattern(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)");

class CustomersApi : public ::testing::Test {
 protected:
  gateway_process gw;
  std::string path = customers_path(store_a);

  http_reply post(const std::string& body) { return gw.call("POST", path, gw.keys().admin, body); }
  http_reply put(const std::string& id, const std::string& body) { return gw.call("PUT", path + "/" + id, gw.keys().admin, body); }
  http_reply get(const std::string& id) { return gw.call("GET", path + "/" + id, gw.keys().admin); }
  http_reply list(const std::string& query) { return gw.call("GET", path + query, gw.keys().admin); }

  // Creates a customer and returns its id (asserting 201).
  std::string create(const std::string& body) {
    auto r = post(body);
    EXPECT_EQ(r.status, 201) << r.body;
    auto doc = parse_json(r.body);
    return doc["item"]["id"].GetString();
  }

  static std::vector<std::string> ids_of(const rapidjson::Document& list_doc) {
    std::vector<std::string> ids;
    for (const auto& c : list_doc["items"].GetArray()) ids.emplace_back(c["id"].GetString());
    return ids;
  }

  static std::string error_code(const http_reply& r) { return parse_json(r.body)["error"]["code"].GetString(); }
};

TEST_F(CustomersApi, CreateReturns201WithItemEnvelopeUuidIdsAndNormalizedCountry) {
  auto r = post(R"({"email":"jane.smith@example.com","name":"Jane Smith","phone":"+1-555-987-6543",
    "addresses":[{"firstName":"Jane","lastName":"Smith","address1":"789 Oak Avenue","city":"Los Angeles",
                  "region":"CA","postalCode":"90001","country":"United States"}]})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  auto doc = parse_json(r.body);
  const auto& c = doc["item"];
  EXPECT_TRUE(std::regex_match(c["id"].GetString(), uuid_pattern));
  EXPECT_EQ(r.header("location"), path + "/" + c["id"].GetString());
  EXPECT_STREQ(c["storeId"].GetString(), store_a.c_str());
  EXPECT_STREQ(c["email"].GetString(), "jane.smith@example.com");
  EXPECT_FALSE(c["marketingOptIn"].GetBool()) << "marketingOptIn defaults to false";
  EXPECT_TRUE(std::regex_match(c["createdAt"].GetString(), timestamp_pattern));
  ASSERT_EQ(c["addresses"].Size(), 1u);
  const auto& a = c["addresses"][0];
  EXPECT_TRUE(std::regex_match(a["id"].GetString(), uuid_pattern));
  EXPECT_STREQ(a["country"].GetString(), "US");
  EXPECT_TRUE(a["isDefault"].GetBool()) << "a lone address becomes the default";
  EXPECT_STREQ(c["defaultAddressId"].GetString(), a["id"].GetString());
  EXPECT_TRUE(a["company"].IsNull());

  auto again = get(c["id"].GetString());
  ASSERT_EQ(again.status, 200);
  auto got = parse_json(again.body);
  EXPECT_STREQ(got["item"]["email"].GetString(), "jane.smith@example.com");
  EXPECT_EQ(got["item"]["addresses"].Size(), 1u);
}

TEST_F(CustomersApi, CreateHonoursIsDefaultOnALaterAddress) {
  auto r = post(R"({"email":"two@example.com","addresses":[
      {"address1":"A st","city":"X","postalCode":"1","country":"BR"},
      {"address1":"B st","city":"Y","postalCode":"2","country":"br","isDefault":true}]})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto doc = parse_json(r.body);
  const auto& c = doc["item"];
  EXPECT_FALSE(c["addresses"][0]["isDefault"].GetBool());
  EXPECT_TRUE(c["addresses"][1]["isDefault"].GetBool());
  EXPECT_STREQ(c["addresses"][1]["country"].GetString(), "BR");
  EXPECT_STREQ(c["defaultAddressId"].GetString(), c["addresses"][1]["id"].GetString());
}

TEST_F(CustomersApi, DuplicateEmailIsConflictCaseInsensitively) {
  create(R"({"email":"Dup@Example.com"})");
  auto r = post(R"({"email":"dup@example.COM"})");
  EXPECT_EQ(r.status, 409);
  auto doc = parse_json(r.body);
  EXPECT_STREQ(doc["error"]["code"].GetString(), "CONFLICT");
  EXPECT_STREQ(doc["error"]["message"].GetString(), "Customer with this email already exists");
}

TEST_F(CustomersApi, SameEmailIsAllowedInAnotherStore) {
  create(R"({"email":"shared@example.com"})");
  auto r = gw.call("POST", customers_path(store_b), gw.keys().admin, R"({"email":"shared@example.com"})");
  EXPECT_EQ(r.status, 201) << r.body;
}

TEST_F(CustomersApi, ValidationErrorsListEveryFieldWithCanonicalPaths) {
  auto r = post(R"({"name":42,"addresses":[{"address1":"x","city":"y","country":"Atlantis"},{"city":""}],"shoeSize":9})");
  ASSERT_EQ(r.status, 400);
  auto doc = parse_json(r.body);
  EXPECT_STREQ(doc["error"]["code"].GetString(), "VALIDATION_ERROR");
  std::map<std::string, std::string> fields;
  for (const auto& d : doc["error"]["details"].GetArray()) fields[d["field"].GetString()] = d["reason"].GetString();
  EXPECT_EQ(fields["email"], "is required");
  EXPECT_EQ(fields["name"], "must be a string or null");
  EXPECT_EQ(fields["shoeSize"], "unknown field");
  EXPECT_EQ(fields["addresses[0].postalCode"], "is required");
  EXPECT_THAT(fields["addresses[0].country"], HasSubstr("unknown country 'Atlantis'"));
  EXPECT_EQ(fields["addresses[1].city"], "must not be empty");
  EXPECT_EQ(fields["addresses[1].address1"], "is required");
  EXPECT_TRUE(doc["error"]["requestId"].IsString());
}

TEST_F(CustomersApi, EmailMustBeValidAndAtMost255Characters) {
  EXPECT_EQ(error_code(post(R"({"email":"not-an-email"})")), "VALIDATION_ERROR");
  EXPECT_EQ(error_code(post(R"({"email":"a@b"})")), "VALIDATION_ERROR");
  EXPECT_EQ(error_code(post(R"({"email":"two@@example.com"})")), "VALIDATION_ERROR");
  const std::string long_email = std::string(60, 'a') + "@" + std::string(190, 'b') + ".com";  // 255 characters
  ASSERT_EQ(long_email.size(), 255u);
  EXPECT_EQ(post(R"({"email":")" + long_email + "\"}").status, 201);
  const std::string too_long = "x" + long_email;
  auto r = post(R"({"email":")" + too_long + "\"}");
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("at most 255 characters"));
}

TEST_F(CustomersApi, AddressFieldLengthsFollowTheReference) {
  auto r = post(R"({"email":"len@example.com","addresses":[{"address1":"a","city":"c","postalCode":")" + std::string(21, '9') +
                R"(","country":"US"}]})");
  ASSERT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr(R"("field":"addresses[0].postalCode","reason":"must be at most 20 characters")"));
}

TEST_F(CustomersApi, MalformedJsonAndNonObjectsAreBadRequest) {
  auto r = post(R"({"email": )");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(error_code(r), "BAD_REQUEST");
  EXPECT_THAT(r.body, HasSubstr("malformed JSON"));
  EXPECT_EQ(error_code(post("[1,2]")), "BAD_REQUEST");
  EXPECT_EQ(error_code(post(R"({"email":"a@b.co"} trailing)")), "BAD_REQUEST");
}

TEST_F(CustomersApi, DeeplyNestedJsonIsRejectedBeforeParsing) {
  const std::string deep = R"({"email":"deep@example.com","metadata":)" + std::string(100, '[') + std::string(100, ']') + "}";
  auto r = post(deep);
  EXPECT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr("nests deeper than 32 levels"));
}

TEST_F(CustomersApi, WrongContentTypeIsUnsupportedMediaType) {
  auto r = gw.call("POST", path, gw.keys().admin, R"({"email":"a@example.com"})", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(error_code(r), "UNSUPPORTED_MEDIA_TYPE");
  auto ok = gw.call("POST", path, gw.keys().admin, R"({"email":"a@example.com"})",
                    {{"Content-Type", "application/json; charset=utf-8"}});
  EXPECT_EQ(ok.status, 201);
}

TEST_F(CustomersApi, UnknownCustomerIsNotFound) {
  auto r = get("00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(error_code(r), "NOT_FOUND");
  EXPECT_EQ(get("cust_abc123").status, 404);
  auto other_store = create(R"({"email":"elsewhere@example.com"})");
  EXPECT_EQ(gw.call("GET", customers_path(store_b) + "/" + other_store, gw.keys().admin).status, 404)
      << "a customer of store A is invisible through store B";
}

TEST_F(CustomersApi, PutChangesOnlyTheFieldsGivenAndPatchIsAnAlias) {
  auto id = create(R"({"email":"p@example.com","name":"Old Name","phone":"123","marketingOptIn":true})");
  auto r = put(id, R"({"name":"John D. Smith","marketingOptIn":false})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = parse_json(r.body);
  EXPECT_STREQ(doc["item"]["name"].GetString(), "John D. Smith");
  EXPECT_FALSE(doc["item"]["marketingOptIn"].GetBool());
  EXPECT_STREQ(doc["item"]["phone"].GetString(), "123") << "untouched fields keep their values";
  EXPECT_STRNE(doc["item"]["updatedAt"].GetString(), "");

  auto patched = gw.call("PATCH", path + "/" + id, gw.keys().admin, R"({"phone":null})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  auto pdoc = parse_json(patched.body);
  EXPECT_TRUE(pdoc["item"]["phone"].IsNull());
  EXPECT_STREQ(pdoc["item"]["name"].GetString(), "John D. Smith");
}

TEST_F(CustomersApi, ChangingEmailToAnotherCustomersIsConflict) {
  create(R"({"email":"first@example.com"})");
  auto id = create(R"({"email":"second@example.com"})");
  auto r = put(id, R"({"email":"FIRST@example.com"})");
  EXPECT_EQ(r.status, 409);
  EXPECT_THAT(r.body, HasSubstr("Customer with this email already exists"));
  EXPECT_EQ(put(id, R"({"email":"Second@Example.com"})").status, 200) << "a case change of one's own email is fine";
}

TEST_F(CustomersApi, AddressesReplaceAllKeepsModifiesCreatesAndDeletes) {
  auto created = parse_json(post(R"({"email":"addr@example.com","addresses":[
      {"address1":"1 First St","city":"NYC","postalCode":"10001","country":"US"},
      {"address1":"2 Second St","city":"NYC","postalCode":"10002","country":"US"}]})").body);
  const std::string id = created["item"]["id"].GetString();
  const std::string first = created["item"]["addresses"][0]["id"].GetString();
  const std::string second = created["item"]["addresses"][1]["id"].GetString();

  auto r = put(id, R"({"addresses":[{"id":")" + first + R"(","address1":"999 New Street"},
      {"address1":"100 Work Plaza","city":"New York","region":"NY","postalCode":"10003","country":"US"}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = parse_json(r.body);
  const auto& addrs = doc["item"]["addresses"];
  ASSERT_EQ(addrs.Size(), 2u);
  EXPECT_EQ(addrs[0]["id"].GetString(), first) << "an address with an id is kept";
  EXPECT_STREQ(addrs[0]["address1"].GetString(), "999 New Street") << "and modified";
  EXPECT_STREQ(addrs[0]["postalCode"].GetString(), "10001") << "fields not given keep their values";
  EXPECT_NE(addrs[1]["id"].GetString(), second) << "an address without an id is new";
  EXPECT_STREQ(addrs[1]["address1"].GetString(), "100 Work Plaza");
  for (const auto& a : addrs.GetArray()) EXPECT_NE(a["id"].GetString(), second) << "omitted addresses are deleted";
  EXPECT_EQ(doc["item"]["defaultAddressId"].GetString(), first);
}

TEST_F(CustomersApi, AddressIdOfAnotherCustomerIsRejected) {
  auto other = parse_json(post(R"({"email":"o@example.com","addresses":[{"address1":"a","city":"b","postalCode":"c","country":"US"}]})").body);
  const std::string foreign = other["item"]["addresses"][0]["id"].GetString();
  auto id = create(R"({"email":"me@example.com"})");
  auto r = put(id, R"({"addresses":[{"id":")" + foreign + R"("}]})");
  ASSERT_EQ(r.status, 400);
  EXPECT_THAT(r.body, HasSubstr(R"("field":"addresses[0].id","reason":"is not one of this customer's addresses")"));
  EXPECT_EQ(put(id, R"({"addresses":[{"id":"addr_001"}]})").status, 400);
}

TEST_F(CustomersApi, EchoingAFetchedCustomerBackIsAccepted) {
  auto created = post(R"({"email":"echo@example.com","addresses":[{"address1":"a","city":"b","postalCode":"c","country":"US"}]})");
  auto doc = parse_json(created.body);
  std::string id = doc["item"]["id"].GetString();
  auto fetched = get(id).body;
  auto body = fetched.substr(8, fetched.size() - 9);  // strip {"item": ... }
  auto r = put(id, body);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(parse_json(r.body)["item"]["addresses"].Size(), 1u);
}

TEST_F(CustomersApi, DefaultAddressIdStaysConsistentWithIsDefault) {
  auto created = parse_json(post(R"({"email":"def@example.com","addresses":[
      {"address1":"1","city":"c","postalCode":"1","country":"US"},
      {"address1":"2","city":"c","postalCode":"2","country":"US"},
      {"address1":"3","city":"c","postalCode":"3","country":"US"}]})").body);
  const std::string id = created["item"]["id"].GetString();
  const std::string a1 = created["item"]["addresses"][0]["id"].GetString();
  const std::string a2 = created["item"]["addresses"][1]["id"].GetString();
  const std::string a3 = created["item"]["addresses"][2]["id"].GetString();

  auto moved = parse_json(put(id, R"({"defaultAddressId":")" + a2 + "\"}").body);
  EXPECT_EQ(moved["item"]["defaultAddressId"].GetString(), a2);
  EXPECT_FALSE(moved["item"]["addresses"][0]["isDefault"].GetBool());
  EXPECT_TRUE(moved["item"]["addresses"][1]["isDefault"].GetBool());

  auto bad = put(id, R"({"defaultAddressId":"00000000-0000-4000-8000-000000000000"})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_THAT(bad.body, HasSubstr("defaultAddressId"));

  // Deleting the default address moves the default to the first remaining one.
  auto after_delete = parse_json(put(id, R"({"addresses":[{"id":")" + a3 + R"("},{"id":")" + a1 + R"("}]})").body);
  EXPECT_EQ(after_delete["item"]["defaultAddressId"].GetString(), a3);
  EXPECT_TRUE(after_delete["item"]["addresses"][0]["isDefault"].GetBool());

  // isDefault in an addresses list moves it too.
  auto flagged = parse_json(put(id, R"({"addresses":[{"id":")" + a3 + R"("},{"id":")" + a1 + R"(","isDefault":true}]})").body);
  EXPECT_EQ(flagged["item"]["defaultAddressId"].GetString(), a1);
  EXPECT_FALSE(flagged["item"]["addresses"][0]["isDefault"].GetBool());

  auto conflict = put(id, R"({"defaultAddressId":")" + a3 + R"(","addresses":[{"id":")" + a3 + R"("},{"id":")" + a1 +
                              R"(","isDefault":true}]})");
  EXPECT_EQ(conflict.status, 400);

  auto cleared = parse_json(put(id, R"({"defaultAddressId":null})").body);
  EXPECT_TRUE(cleared["item"]["defaultAddressId"].IsNull());
  for (const auto& a : cleared["item"]["addresses"].GetArray()) EXPECT_FALSE(a["isDefault"].GetBool());

  auto still_cleared = parse_json(put(id, R"({"addresses":[{"id":")" + a3 + R"("},{"id":")" + a1 + R"("}]})").body);
  EXPECT_TRUE(still_cleared["item"]["defaultAddressId"].IsNull()) << "a default cleared on purpose stays cleared";

  auto emptied = parse_json(put(id, R"({"addresses":[]})").body);
  EXPECT_TRUE(emptied["item"]["defaultAddressId"].IsNull());
  EXPECT_EQ(emptied["item"]["addresses"].Size(), 0u);

  auto refilled = parse_json(put(id, R"({"addresses":[{"address1":"9","city":"c","postalCode":"9","country":"US"}]})").body);
  EXPECT_STREQ(refilled["item"]["defaultAddressId"].GetString(), refilled["item"]["addresses"][0]["id"].GetString())
      << "a customer's first address becomes the default, as on create";
}

TEST_F(CustomersApi, DeleteReturns204AndLeavesATombstone) {
  auto id = create(R"({"email":"gone@example.com"})");
  auto r = gw.call("DELETE", path + "/" + id, gw.keys().admin);
  EXPECT_EQ(r.status, 204);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(get(id).status, 404);
  EXPECT_EQ(put(id, R"({"name":"x"})").status, 404);
  EXPECT_EQ(gw.call("DELETE", path + "/" + id, gw.keys().admin).status, 404);
  EXPECT_EQ(parse_json(list("").body)["total"].GetInt(), 0);
  EXPECT_EQ(post(R"({"email":"gone@example.com"})").status, 201) << "the email is free again";

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((gw.dir() / "data.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT deleted_at FROM customers WHERE id = ?", -1, &s, nullptr), SQLITE_OK);
  sqlite3_bind_text(s, 1, id.c_str(), -1, SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW) << "the row is kept";
  EXPECT_EQ(sqlite3_column_type(s, 0), SQLITE_TEXT) << "with deleted_at set";
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST_F(CustomersApi, CustomerWithOrdersCannotBeDeleted) {
  const auto file = gw.dir() / "import.json";
  std::ofstream(file) << R"([{"email":"buyer@example.com","name":"Buyer","ordersCount":3},{"email":"browser@example.com"}])";
  auto imported = run_command({CUSTBRIDGE_BINARY_PATH, "import", "--config", gw.config_path(), "--store", store_a, file.string()});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  auto found = parse_json(list("?email=buyer@example.com").body);
  ASSERT_EQ(found["items"].Size(), 1u);
  const std::string id = found["items"][0]["id"].GetString();
  auto r = gw.call("DELETE", path + "/" + id, gw.keys().admin);
  EXPECT_EQ(r.status, 409);
  auto doc = parse_json(r.body);
  EXPECT_STREQ(doc["error"]["code"].GetString(), "CONFLICT");
  EXPECT_STREQ(doc["error"]["message"].GetString(), "Cannot delete customer with existing orders");
  EXPECT_EQ(get(id).status, 200);

  auto with_orders = parse_json(list("?hasOrders=true").body);
  ASSERT_EQ(with_orders["total"].GetInt(), 1);
  EXPECT_STREQ(with_orders["items"][0]["email"].GetString(), "buyer@example.com");
  auto without = parse_json(list("?hasOrders=false").body);
  ASSERT_EQ(without["total"].GetInt(), 1);
  EXPECT_STREQ(without["items"][0]["email"].GetString(), "browser@example.com");
}

TEST_F(CustomersApi, ListHasItemsTotalAndPagination) {
  for (int i = 0; i < 5; ++i) create(R"({"email":"l)" + std::to_string(i) + R"(@example.com"})");
  auto doc = parse_json(list("?limit=2&offset=2").body);
  EXPECT_EQ(doc["items"].Size(), 2u);
  EXPECT_EQ(doc["total"].GetInt(), 5);
  const auto& p = doc["pagination"];
  EXPECT_EQ(p["page"].GetInt(), 2);
  EXPECT_EQ(p["limit"].GetInt(), 2);
  EXPECT_EQ(p["total"].GetInt(), 5);
  EXPECT_EQ(p["totalPages"].GetInt(), 3);
  EXPECT_TRUE(p["hasNext"].GetBool());
  EXPECT_TRUE(p["hasPrev"].GetBool());
  auto defaults = parse_json(list("").body);
  EXPECT_EQ(defaults["pagination"]["limit"].GetInt(), 50);
  EXPECT_FALSE(defaults["pagination"]["hasPrev"].GetBool());
}

TEST_F(CustomersApi, ListRejectsOutOfRangeAndUnknownParameters) {
  for (const char* q : {"?limit=0", "?limit=201", "?limit=abc", "?limit=", "?offset=-1", "?sortBy=phone", "?sortOrder=up",
                        "?colour=red", "?limit=5&limit=6", "?marketingOptIn=maybe"}) {
    auto r = list(q);
    EXPECT_EQ(r.status, 400) << q;
    EXPECT_EQ(error_code(r), "BAD_REQUEST") << q;
  }
  EXPECT_EQ(list("?limit=200").status, 200);
  EXPECT_EQ(list("?limit=1").status, 200);
}

TEST_F(CustomersApi, PagesNeverSkipOrRepeatACustomer) {
  std::set<std::string> all;
  for (int i = 0; i < 23; ++i) all.insert(create(R"({"email":"page)" + std::to_string(i) + R"(@example.com"})"));
  for (const char* sort : {"", "&sortBy=name&sortOrder=asc", "&sortBy=email", "&sortBy=updatedAt&sortOrder=asc"}) {
    std::vector<std::string> seen;
    for (int offset = 0; offset < 23; offset += 4) {
      auto doc = parse_json(list("?limit=4&offset=" + std::to_string(offset) + sort).body);
      for (auto& id : ids_of(doc)) seen.push_back(id);
    }
    EXPECT_EQ(seen.size(), 23u) << sort;
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), all) << sort;
  }
}

TEST_F(CustomersApi, EmailFilterIsExactAndCaseInsensitive) {
  create(R"({"email":"Exact.Match@example.com"})");
  create(R"({"email":"exact.match@example.com.br"})");
  auto doc = parse_json(list("?email=exact.match%40EXAMPLE.com").body);
  ASSERT_EQ(doc["items"].Size(), 1u);
  EXPECT_STREQ(doc["items"][0]["email"].GetString(), "Exact.Match@example.com");
  EXPECT_EQ(parse_json(list("?email=exact.match").body)["total"].GetInt(), 0);
}

TEST_F(CustomersApi, SearchLooksInEmailNameAndPhone) {
  create(R"({"email":"alice@example.com","name":"Alice Johnson","phone":"+1-555-0100"})");
  create(R"({"email":"bob@johnson.io","name":"Bob","phone":"+1-555-0200"})");
  create(R"({"email":"carol@example.com","name":"Carol","phone":"+44 20 7946 0999"})");
  EXPECT_EQ(parse_json(list("?search=johnson").body)["total"].GetInt(), 2) << "name and email";
  EXPECT_EQ(parse_json(list("?search=7946").body)["total"].GetInt(), 1) << "phone";
  EXPECT_EQ(parse_json(list("?search=CAROL").body)["total"].GetInt(), 1) << "case-insensitive";
  EXPECT_EQ(parse_json(list("?search=100%25").body)["total"].GetInt(), 0) << "% is literal";
}

TEST_F(CustomersApi, SortingAndMarketingFilter) {
  create(R"({"email":"z@example.com","name":"Zed","marketingOptIn":true})");
  create(R"({"email":"a@example.com","name":"amy"})");
  create(R"({"email":"m@example.com","name":"Mia","marketingOptIn":true})");
  auto by_name = parse_json(list("?sortBy=name&sortOrder=asc").body);
  ASSERT_EQ(by_name["items"].Size(), 3u);
  EXPECT_STREQ(by_name["items"][0]["name"].GetString(), "amy");
  EXPECT_STREQ(by_name["items"][2]["name"].GetString(), "Zed");
  auto newest_first = parse_json(list("").body);
  EXPECT_STREQ(newest_first["items"][0]["email"].GetString(), "m@example.com") << "default is createdAt desc";
  auto opted_in = parse_json(list("?marketingOptIn=true&sortBy=email&sortOrder=asc").body);
  ASSERT_EQ(opted_in["total"].GetInt(), 2);
  EXPECT_STREQ(opted_in["items"][0]["email"].GetString(), "m@example.com");
}

TEST_F(CustomersApi, MetadataRoundTripsAsStrings) {
  auto r = post(R"({"email":"meta@example.com","metadata":{"loyaltyTier":"gold","cpf":"123.456.789-09"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto doc = parse_json(r.body);
  EXPECT_STREQ(doc["item"]["metadata"]["loyaltyTier"].GetString(), "gold");
  EXPECT_EQ(post(R"({"email":"meta2@example.com","metadata":{"n":1}})").status, 400);
}

}  // namespace
}  // namespace custbridge::testing
