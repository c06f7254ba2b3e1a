// The BigCommerce V2 adapter in-process against a real `cb-emulator bigcommerce`.
// Each test starts its own emulator; the store is built through the registry and the
// factory (tests/backends/store_fixture.hpp), its upstream client runs on an
// io_context thread, and backend calls are awaited through std::future.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <regex>
#include <set>

#include "gateway/domain/customer_patch.hpp"
#include "tests/backends/store_fixture.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/http_client.hpp"

namespace custbridge::backends {
namespace {

using domain::error_kind;
using testing::emulator_process;

// One BigCommerce emulator and a V2 store on it, built as the gateway builds it.
struct harness {
  emulator_process emulator;
  testing_stores::store_fixture fixture;
  const platform_store* store;

  explicit harness(std::vector<std::string> flags, std::string token = {})
      : emulator(CUSTBRIDGE_EMULATOR_PATH, testing_stores::emulator_platform("bigcommerce_v2"), flags),
        fixture(emulator, "bigcommerce_v2", "bc2-store", std::move(token)),
        store(&fixture.store()) {}

  domain::result<domain::customer> get(const std::string& id) { return fixture.get(id); }
  domain::result<domain::customer> create(domain::customer_create in) { return fixture.create(std::move(in)); }
  domain::result<domain::customer> update(const std::string& id, domain::customer_patch p) {
    return fixture.update(id, std::move(p));
  }
  domain::result<void> remove(const std::string& id) { return fixture.remove(id); }
  domain::result<domain::customer_page> list(domain::list_query q) { return fixture.list(std::move(q)); }

  // Admin and raw platform requests, straight to the emulator.
  testing::http_reply admin(const std::string& method, const std::string& path, const std::string& body = "") {
    return testing::http_request(emulator.port(), method, "/__emulator/" + path, {{"Content-Type", "application/json"}}, body);
  }
  testing::http_reply platform_get(const std::string& path) {
    return testing::http_request(emulator.port(), "GET", "/stores/" + emulator.stores()[0].id + path,
                                 {{"X-Auth-Token", emulator.stores()[0].access_token}, {"Accept", "application/json"}});
  }
  rapidjson::Document dump() {
    rapidjson::Document d;
    d.Parse(admin("GET", "dump").body.c_str());
    return d;
  }
  // The dumped (V3-shaped) customers of the store, by platform id.
  std::map<std::uint64_t, const rapidjson::Value*> dumped_customers(const rapidjson::Document& d) {
    std::map<std::uint64_t, const rapidjson::Value*> out;
    for (const auto& c : d["stores"][0]["customers"].GetArray()) out[c["id"].GetUint64()] = &c;
    return out;
  }
  std::int64_t platform_requests() {
    rapidjson::Document d;
    d.Parse(admin("GET", "stats").body.c_str());
    return d["total"].GetInt64();
  }
  std::uint64_t pid(const std::string& canonical) { return *platform_customer_id(*store, canonical); }
  std::uint64_t address_pid(const std::string& canonical) { return *platform_address_id(*store, canonical); }
};

std::vector<std::string> fast(std::vector<std::string> more = {}) {
  std::vector<std::string> flags{"--rate-scale", "0"};
  flags.insert(flags.end(), more.begin(), more.end());
  return flags;
}

domain::address_input address(std::string line, std::string city, std::string region, std::string zip, std::string country,
                              bool is_default = false) {
  domain::address_input a;
  a.first_name.set("Ada");
  a.last_name.set("Lovelace");
  a.address1.set(std::move(line));
  a.city.set(std::move(city));
  a.region.set(std::move(region));
  a.postal_code.set(std::move(zip));
  a.country.set(std::move(country));
  a.phone.set("+1 555 0100");
  if (is_default) a.is_default = true;
  return a;
}

domain::customer_create ada(std::string email = "ada@example.com") {
  domain::customer_create in;
  in.email = std::move(email);
  in.name = "Ada Lovelace";
  in.phone = "+44 20 7946 0000";
  return in;
}

bool is_uuid_v8(const std::string& id) {
  static const std::regex re("[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  return std::regex_match(id, re);
}

TEST(BigCommerceV2Backend, CrudRoundTripWithAddresses) {
  harness h(fast());
  auto in = ada();
  in.addresses.push_back(address("1 Infinite Loop", "Cupertino", "CA", "95014", "US"));
  in.addresses.push_back(address("Rua Augusta, 1500", "São Paulo", "SP", "01304-001", "BR", true));
  in.addresses[0].address2.set("Suite 5");
  auto created = h.create(in);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(is_uuid_v8(created->id)) << created->id;
  EXPECT_EQ(created->email, "ada@example.com");
  EXPECT_EQ(created->name, "Ada Lovelace");
  EXPECT_EQ(created->phone, "+44 20 7946 0000");
  ASSERT_EQ(created->addresses.size(), 2u);
  EXPECT_TRUE(is_uuid_v8(created->addresses[0].id));
  EXPECT_EQ(created->addresses[0].region, "CA");
  EXPECT_EQ(created->addresses[0].country, "US");
  EXPECT_EQ(created->addresses[0].address2, "Suite 5");
  EXPECT_EQ(created->addresses[1].region, "SP");
  EXPECT_EQ(created->addresses[1].country, "BR");
  EXPECT_EQ(created->addresses[1].address2, std::nullopt);
  EXPECT_EQ(created->default_address_id, created->addresses[1].id);
  EXPECT_TRUE(created->addresses[1].is_default);
  EXPECT_FALSE(created->addresses[0].is_default);

  // What the platform holds: V2 names and codes, via the V3-shaped dump.
  auto d = h.dump();
  auto customers = h.dumped_customers(d);
  ASSERT_EQ(customers.size(), 1u);
  const auto& stored = *customers.at(h.pid(created->id));
  EXPECT_STREQ(stored["first_name"].GetString(), "Ada");
  EXPECT_STREQ(stored["last_name"].GetString(), "Lovelace");
  ASSERT_EQ(stored["addresses"].Size(), 2u);
  EXPECT_STREQ(stored["addresses"][0]["state_or_province"].GetString(), "California");
  EXPECT_STREQ(stored["addresses"][1]["country_code"].GetString(), "BR");

  auto got = h.get(created->id);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->id, created->id);
  EXPECT_EQ(got->email, created->email);
  EXPECT_EQ(got->created_at, created->created_at);
  EXPECT_EQ(got->default_address_id, created->default_address_id);
  ASSERT_EQ(got->addresses.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(got->addresses[i].id, created->addresses[i].id);
    EXPECT_TRUE(domain::same_content(got->addresses[i], created->addresses[i])) << i;
  }

  domain::customer_patch p;
  p.name.set("Augusta Ada King");
  p.phone.set_null();
  auto updated = h.update(created->id, p);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->name, "Augusta Ada King");
  EXPECT_EQ(updated->phone, std::nullopt);
  EXPECT_EQ(updated->addresses.size(), 2u);
  EXPECT_EQ(updated->default_address_id, created->default_address_id);
  got = h.get(created->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "Augusta Ada King");
  EXPECT_EQ(got->phone, std::nullopt);

  ASSERT_TRUE(h.remove(created->id));
  auto gone = h.get(created->id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, error_kind::not_found);
  EXPECT_EQ(gone.error().message, "Customer '" + created->id + "' not found");
  auto again = h.remove(created->id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, error_kind::not_found);
}

TEST(BigCommerceV2Backend, ReplaceAllAddressesIssuesTheDiff) {
  harness h(fast());
  auto in = ada();
  in.addresses.push_back(address("1 First St", "Portland", "OR", "97201", "US", true));
  in.addresses.push_back(address("2 Second St", "Seattle", "WA", "98101", "US"));
  in.addresses.push_back(address("3 Third St", "Boise", "ID", "83702", "US"));
  auto c = h.create(in);
  ASSERT_TRUE(c) << c.error().message;
  const auto a = c->addresses[0].id, b = c->addresses[1].id, third = c->addresses[2].id;

  // Keep A (changed), keep C (as is), drop B, add D as the new default.
  domain::customer_patch p;
  p.addresses.emplace();
  domain::address_input keep_a;
  keep_a.id = a;
  keep_a.city.set("Salem");
  p.addresses->push_back(keep_a);
  domain::address_input keep_c;
  keep_c.id = third;
  p.addresses->push_back(keep_c);
  p.addresses->push_back(address("4 Fourth St", "Austin", "TX", "73301", "US", true));
  auto u = h.update(c->id, p);
  ASSERT_TRUE(u) << u.error().message;
  ASSERT_EQ(u->addresses.size(), 3u);
  EXPECT_EQ(u->addresses[0].id, a);
  EXPECT_EQ(u->addresses[0].city, "Salem");
  EXPECT_EQ(u->addresses[1].id, third);
  const auto d_id = u->addresses[2].id;
  EXPECT_TRUE(is_uuid_v8(d_id));
  EXPECT_EQ(u->default_address_id, d_id);

  // The platform saw: A modified in place, B deleted, C untouched, D created.
  auto dump = h.dump();
  const auto& stored = *h.dumped_customers(dump).at(h.pid(c->id));
  ASSERT_EQ(stored["addresses"].Size(), 3u);
  std::map<std::uint64_t, std::string> cities;
  for (const auto& x : stored["addresses"].GetArray()) cities[x["id"].GetUint64()] = x["city"].GetString();
  EXPECT_EQ(cities.at(h.address_pid(a)), "Salem");
  EXPECT_EQ(cities.at(h.address_pid(third)), "Boise");
  EXPECT_EQ(cities.at(h.address_pid(d_id)), "Austin");
  EXPECT_FALSE(cities.contains(h.address_pid(b)));
  // The default is kept in the customer attribute, as the platform's address id.
  bool found = false;
  for (const auto& attr : stored["attributes"].GetArray())
    if (std::string(attr["attribute_value"].GetString()) == std::to_string(h.address_pid(d_id))) found = true;
  EXPECT_TRUE(found);

  auto got = h.get(c->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->default_address_id, d_id);
  EXPECT_TRUE(got->addresses[2].is_default);

  // defaultAddressId alone moves the default; null clears it.
  domain::customer_patch to_c;
  to_c.default_address_id.set(third);
  auto moved = h.update(c->id, to_c);
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(moved->default_address_id, third);
  EXPECT_EQ(h.get(c->id)->default_address_id, third);
  domain::customer_patch clear;
  clear.default_address_id.set_null();
  ASSERT_TRUE(h.update(c->id, clear));
  got = h.get(c->id);
  EXPECT_EQ(got->default_address_id, std::nullopt);
  EXPECT_TRUE(std::none_of(got->addresses.begin(), got->addresses.end(), [](const auto& x) { return x.is_default; }));

  // An id that is not the customer's is the shared semantics' VALIDATION_ERROR, before any write.
  domain::customer_patch bad;
  bad.default_address_id.set(b);
  auto rejected = h.update(c->id, bad);
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().kind, error_kind::validation_error);
  EXPECT_EQ(rejected.error().details.at(0).field, "defaultAddressId");

  // Removing every address deletes them all on the platform.
  domain::customer_patch none;
  none.addresses.emplace();
  auto emptied = h.update(c->id, none);
  ASSERT_TRUE(emptied);
  EXPECT_TRUE(emptied->addresses.empty());
  auto after = h.dump();
  EXPECT_EQ((*h.dumped_customers(after).at(h.pid(c->id)))["addresses"].Size(), 0u);
}

TEST(BigCommerceV2Backend, ForeignIdsAre404WithoutCallingThePlatform) {
  harness h(fast());
  auto c = h.create(ada());
  ASSERT_TRUE(c);
  const auto before = h.platform_requests();
  // The same numeric id minted for another store, and for another platform.
  const auto other_store = encode_platform_id(platform::bigcommerce_v2, id_kind::customer, "other-store", h.pid(c->id));
  const auto other_platform = encode_platform_id(platform::bigcommerce_v3, id_kind::customer, h.store->store_id, h.pid(c->id));
  for (const auto& id : {other_store, other_platform, std::string("not-a-uuid")}) {
    auto g = h.get(id);
    ASSERT_FALSE(g);
    EXPECT_EQ(g.error().kind, error_kind::not_found);
    EXPECT_EQ(g.error().message, "Customer '" + id + "' not found");
    auto u = h.update(id, {});
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error().kind, error_kind::not_found);
    auto r = h.remove(id);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, error_kind::not_found);
  }
  EXPECT_EQ(h.platform_requests(), before);
  // An address id of another store is not one of this customer's addresses.
  domain::customer_patch p;
  p.addresses.emplace();
  domain::address_input foreign;
  foreign.id = encode_platform_id(platform::bigcommerce_v2, id_kind::address, "other-store", 1);
  p.addresses->push_back(foreign);
  auto u = h.update(c->id, p);
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().kind, error_kind::validation_error);
  EXPECT_EQ(u.error().details.at(0).field, "addresses[0].id");
}

TEST(BigCommerceV2Backend, DuplicateEmailIs409) {
  harness h(fast());
  ASSERT_TRUE(h.create(ada("ada@example.com")));
  auto dup = h.create(ada("  ADA@Example.com"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind, error_kind::conflict);
  EXPECT_EQ(dup.error().message, "Customer with this email already exists");

  auto other = h.create(ada("grace@example.com"));
  ASSERT_TRUE(other);
  domain::customer_patch p;
  p.email = "Ada@example.com";
  auto u = h.update(other->id, p);
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().kind, error_kind::conflict);
  EXPECT_EQ(u.error().message, "Customer with this email already exists");
  // Re-sending one's own email in another case is not a conflict.
  domain::customer_patch own;
  own.email = "GRACE@example.com";
  auto same = h.update(other->id, own);
  ASSERT_TRUE(same) << same.error().message;
  EXPECT_EQ(same->email, "grace@example.com");
  auto d = h.dump();
  EXPECT_EQ(d["stores"][0]["customers"].Size(), 2u);
}

TEST(BigCommerceV2Backend, DeleteWithOrdersIs409) {
  harness h(fast({"--customers", "30", "--seed", "7"}));
  auto d = h.dump();
  std::set<std::uint64_t> with_orders;
  for (const auto& o : d["stores"][0]["orders"].GetArray()) with_orders.insert(o["customer_id"].GetUint64());
  std::optional<std::uint64_t> buyer, browser;
  for (const auto& [id, c] : h.dumped_customers(d)) (with_orders.contains(id) ? buyer : browser) = id;
  ASSERT_TRUE(buyer && browser) << "seed 7 should give customers with and without orders";

  auto r = h.remove(canonical_customer_id(*h.store, *buyer));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::conflict);
  EXPECT_EQ(r.error().message, "Cannot delete customer with existing orders");
  EXPECT_TRUE(h.get(canonical_customer_id(*h.store, *buyer)));

  ASSERT_TRUE(h.remove(canonical_customer_id(*h.store, *browser)));
  EXPECT_EQ(h.platform_get("/v2/customers/" + std::to_string(*browser)).status, 404);
}

TEST(BigCommerceV2Backend, ListWindowsAreExactForAnyOffset) {
  harness h(fast({"--customers", "57", "--seed", "3"}));
  auto d = h.dump();
  const auto dumped = h.dumped_customers(d);
  std::vector<std::uint64_t> ids;  // canonical default order: newest first, i.e. id descending on V2
  for (const auto& [id, c] : dumped) ids.push_back(id);
  std::reverse(ids.begin(), ids.end());
  ASSERT_EQ(ids.size(), 57u);

  for (auto [offset, limit] : std::vector<std::pair<int, int>>{{0, 10}, {5, 7}, {13, 44}, {50, 10}, {56, 5}, {0, 200}, {57, 3}, {100, 5}}) {
    for (bool descending : {true, false}) {
      domain::list_query q;
      q.offset = offset;
      q.limit = limit;
      q.descending = descending;
      auto page = h.list(q);
      ASSERT_TRUE(page) << page.error().message;
      EXPECT_EQ(page->total, 57);
      std::vector<std::uint64_t> expected;
      for (int i = offset; i < offset + limit && i < 57; ++i) expected.push_back(descending ? ids[i] : ids[56 - i]);
      std::vector<std::uint64_t> got;
      for (const auto& c : page->items) got.push_back(h.pid(c.id));
      EXPECT_EQ(got, expected) << "offset " << offset << " limit " << limit << (descending ? " desc" : " asc");
      // Each customer comes with its addresses.
      for (const auto& c : page->items) {
        const auto& stored = *dumped.at(h.pid(c.id));
        ASSERT_EQ(c.addresses.size(), stored["addresses"].Size());
        for (std::size_t i = 0; i < c.addresses.size(); ++i)
          EXPECT_EQ(h.address_pid(c.addresses[i].id), stored["addresses"][static_cast<rapidjson::SizeType>(i)]["id"].GetUint64());
      }
    }
  }
}

TEST(BigCommerceV2Backend, ListUnsupportedParametersAreExplicit400s) {
  harness h(fast());
  auto check = [&](domain::list_query q, const std::string& field) {
    auto page = h.list(std::move(q));
    ASSERT_FALSE(page) << field;
    EXPECT_EQ(page.error().kind, error_kind::bad_request) << field;
    ASSERT_EQ(page.error().details.size(), 1u);
    EXPECT_EQ(page.error().details[0].field, field);
  };
  domain::list_query search;
  search.search = "ada";
  check(search, "search");
  domain::list_query marketing;
  marketing.marketing_opt_in = true;
  check(marketing, "marketingOptIn");
  domain::list_query orders;
  orders.has_orders = false;
  check(orders, "hasOrders");
  domain::list_query by_name;
  by_name.sort_by = domain::sort_field::name;
  check(by_name, "sortBy");
}

TEST(BigCommerceV2Backend, EmailFilterIsExactAndCaseInsensitive) {
  harness h(fast({"--customers", "20", "--seed", "5"}));
  auto d = h.dump();
  const auto& target = d["stores"][0]["customers"][7];
  std::string email = target["email"].GetString();
  std::string shouted = email;
  std::transform(shouted.begin(), shouted.end(), shouted.begin(), [](unsigned char ch) { return std::toupper(ch); });
  domain::list_query q;
  q.email = shouted;
  auto page = h.list(q);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->total, 1);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(h.pid(page->items[0].id), target["id"].GetUint64());
  EXPECT_EQ(page->items[0].addresses.size(), target["addresses"].Size());

  q.offset = 1;
  page = h.list(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 1);
  EXPECT_TRUE(page->items.empty());

  domain::list_query nobody;
  nobody.email = "nobody-" + email;
  page = h.list(nobody);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 0);
  EXPECT_TRUE(page->items.empty());
}

TEST(BigCommerceV2Backend, EmptyListsIn204AndArrayModes) {
  for (const std::string mode : {"204", "array"}) {
    harness h(fast({"--v2-empty-list", mode}));
    auto page = h.list({});
    ASSERT_TRUE(page) << mode << ": " << page.error().message;
    EXPECT_EQ(page->total, 0);
    EXPECT_TRUE(page->items.empty());
    domain::list_query q;
    q.email = "nobody@example.com";
    page = h.list(q);
    ASSERT_TRUE(page) << mode;
    EXPECT_TRUE(page->items.empty());
    // A customer without addresses: its address list is empty in that mode too.
    auto c = h.create(ada());
    ASSERT_TRUE(c) << mode << ": " << c.error().message;
    auto got = h.get(c->id);
    ASSERT_TRUE(got) << mode << ": " << got.error().message;
    EXPECT_TRUE(got->addresses.empty());
    page = h.list({});
    ASSERT_TRUE(page);
    EXPECT_EQ(page->total, 1);
    ASSERT_EQ(page->items.size(), 1u);
    ASSERT_TRUE(h.remove(c->id)) << mode;
  }
}

TEST(BigCommerceV2Backend, Rfc2822DatesBecomeIsoMilliseconds) {
  harness h(fast({"--customers", "5", "--seed", "2"}));
  // The V2 body carries RFC 2822; the dump (V3 shape) the same instant in ISO 8601.
  auto raw = h.platform_get("/v2/customers/3");
  rapidjson::Document v2;
  v2.Parse(raw.body.c_str());
  const std::string rfc = v2["date_created"].GetString();
  EXPECT_TRUE(std::regex_match(rfc, std::regex(R"([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000)"))) << rfc;
  auto d = h.dump();
  std::string iso = (*h.dumped_customers(d).at(3))["date_created"].GetString();  // e.g. 2021-03-04T05:06:07Z
  iso = iso.substr(0, 19);
  auto got = h.get(canonical_customer_id(*h.store, 3));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->created_at, iso + ".000Z");
  EXPECT_TRUE(std::regex_match(got->updated_at, std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z)"))) << got->updated_at;
  for (const auto& a : got->addresses) EXPECT_EQ(a.created_at, got->created_at);
}

TEST(BigCommerceV2Backend, PlatformValidationErrorsUseCanonicalFields) {
  harness h(fast());
  // The platform rejects the email; the error names the canonical field.
  auto bad = h.create(ada("not-an-email"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, error_kind::validation_error);
  EXPECT_EQ(bad.error().upstream_status, 400);
  ASSERT_FALSE(bad.error().details.empty());
  EXPECT_EQ(bad.error().details[0].field, "email");

  // What the mapping or V2 cannot take is refused before any call, with canonical paths.
  const auto before = h.platform_requests();
  auto in = ada();
  in.name = "Cher";
  in.marketing_opt_in = true;
  in.addresses.push_back(address("1 Main St", "Springfield", "IL", "62701", "Atlantis"));
  auto refused = h.create(in);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, error_kind::validation_error);
  std::set<std::string> fields;
  for (const auto& f : refused.error().details) fields.insert(f.field);
  EXPECT_TRUE(fields.contains("marketingOptIn"));
  EXPECT_TRUE(fields.contains("name"));
  EXPECT_TRUE(fields.contains("addresses[0].country"));
  EXPECT_EQ(h.platform_requests(), before);

  // marketingOptIn is read-only: writing the current value is fine, changing it is not.
  auto c = h.create(ada());
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->marketing_opt_in);
  domain::customer_patch same;
  same.marketing_opt_in = false;
  EXPECT_TRUE(h.update(c->id, same));
  domain::customer_patch change;
  change.marketing_opt_in = true;
  auto u = h.update(c->id, change);
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().kind, error_kind::validation_error);
  EXPECT_EQ(u.error().details.at(0).field, "marketingOptIn");
}

TEST(BigCommerceV2Backend, WrongTokenIsACanonicalErrorWithoutTheToken) {
  const std::string token = "bc-token-definitely-wrong-0123456789";
  harness h(fast({"--customers", "3"}), token);
  auto page = h.list({});
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, error_kind::upstream_error);
  EXPECT_EQ(page.error().upstream_status, 401);
  EXPECT_EQ(page.error().message, "The platform rejected the gateway's access token");
  EXPECT_EQ(page.error().message.find(token), std::string::npos);
  EXPECT_EQ(page.error().upstream_excerpt.find(token), std::string::npos);
  auto got = h.get(canonical_customer_id(*h.store, 1));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, error_kind::upstream_error);
  EXPECT_EQ(got.error().message.find(token), std::string::npos);
}

// Finds a fault seed under which the next `n` platform requests succeed and the one after
// fails with 500 (500 is never retried, so the request sequence stays aligned), then
// re-arms the faults with that seed.
void fail_request_after(harness& h, int n) {
  for (int seed = 1; seed < 5000; ++seed) {
    const std::string faults = R"({"error_rate":0.3,"error_statuses":[500],"seed":)" + std::to_string(seed) + "}";
    ASSERT_EQ(h.admin("PUT", "faults", faults).status, 200);
    bool fits = true;
    for (int i = 0; i <= n && fits; ++i) fits = (h.platform_get("/v2/customers/count").status == 500) == (i == n);
    if (fits) {
      ASSERT_EQ(h.admin("PUT", "faults", faults).status, 200);  // re-seeds the sequence
      return;
    }
  }
  FAIL() << "no fault seed found";
}

TEST(BigCommerceV2Backend, CreateFailingMidSequenceIsRolledBack) {
  harness h(fast());
  auto in = ada();
  in.addresses.push_back(address("1 First St", "Portland", "OR", "97201", "US"));
  in.addresses.push_back(address("2 Second St", "Seattle", "WA", "98101", "US"));
  // email check, POST customer, POST addresses[0] succeed; POST addresses[1] fails.
  fail_request_after(h, 3);
  auto r = h.create(in);
  ASSERT_EQ(h.admin("DELETE", "faults").status, 200);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().upstream_status, 500);
  const auto& m = r.error().message;
  EXPECT_NE(m.find("creating addresses[1] failed"), std::string::npos) << m;
  EXPECT_NE(m.find("Rolled back: the customer was deleted again"), std::string::npos) << m;
  // Nothing is left on the platform.
  auto d = h.dump();
  EXPECT_TRUE(h.dumped_customers(d).empty());
}

TEST(BigCommerceV2Backend, UpdateFailingMidSequenceIsRolledBack) {
  harness h(fast());
  auto in = ada();
  in.addresses.push_back(address("1 First St", "Portland", "OR", "97201", "US"));
  in.addresses.push_back(address("2 Second St", "Seattle", "WA", "98101", "US"));
  auto c = h.create(in);
  ASSERT_TRUE(c);
  domain::customer_patch p;
  p.name.set("Ada King");
  p.addresses.emplace();
  domain::address_input keep;
  keep.id = c->addresses[0].id;
  keep.city.set("Salem");
  p.addresses->push_back(keep);
  p.addresses->push_back(address("3 Third St", "Boise", "ID", "83702", "US"));
  // GET customer, its addresses, its default (the attribute id is cached since the
  // create); PUT customer; PUT address 0 succeed; the POST of the new address fails.
  fail_request_after(h, 5);
  auto r = h.update(c->id, p);
  ASSERT_EQ(h.admin("DELETE", "faults").status, 200);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::upstream_error);
  const auto& m = r.error().message;
  EXPECT_NE(m.find("creating addresses[1] failed"), std::string::npos) << m;
  EXPECT_NE(m.find("Applied before: the customer's fields updated; 1 address modified"), std::string::npos) << m;
  EXPECT_NE(m.find("Rolled back: 1 address modified, restored; the customer's fields restored"), std::string::npos) << m;
  EXPECT_EQ(m.find("removed"), std::string::npos) << m;
  // The platform holds what it held before.
  auto got = h.get(c->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "Ada Lovelace");
  ASSERT_EQ(got->addresses.size(), 2u);
  EXPECT_EQ(got->addresses[0].id, c->addresses[0].id);
  EXPECT_EQ(got->addresses[0].city, "Portland");
  EXPECT_EQ(got->addresses[1].id, c->addresses[1].id);
}

}  // namespace
}  // namespace custbridge::backends
