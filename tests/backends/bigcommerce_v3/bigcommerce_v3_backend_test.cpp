// The BigCommerce V3 adapter in-process against a real cb-emulator, built through the
// registry and the factory (tests/backends/store_fixture.hpp): each test reads
// top to bottom as "the canonical call, then what the platform holds (the emulator's dump)".
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <map>
#include <set>

#include "tests/backends/store_fixture.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/http_client.hpp"

namespace custbridge::backends {
namespace {

using domain::error_kind;

domain::address_input address(std::string address1, std::string city, bool is_default = false) {
  domain::address_input a;
  a.first_name.set("Ada");
  a.last_name.set("Lovelace");
  a.address1.set(std::move(address1));
  a.city.set(std::move(city));
  a.region.set("California");
  a.postal_code.set("90001");
  a.country.set("US");
  if (is_default) a.is_default = true;
  return a;
}

domain::address_input keep(const std::string& id) {
  domain::address_input a;
  a.id = id;
  return a;
}

class bigcommerce_v3_backend_test : public ::testing::Test {
 protected:
  void start(std::vector<std::string> flags = {"--customers", "0"}, std::string token = "") {
    flags.insert(flags.end(), {"--rate-scale", "100"});
    emulator_ = testing_stores::start_emulator("bigcommerce_v3", flags);
    fixture_ = std::make_unique<testing_stores::store_fixture>(*emulator_, "bigcommerce_v3", "bc-main", token);
    store_ = &fixture_->store();
    backend_ = &fixture_->backend();
  }

  void TearDown() override {
    backend_ = nullptr;
    store_ = nullptr;
    fixture_.reset();
  }

  template <class T>
  T run(boost::asio::awaitable<T> op) {
    return fixture_->run(std::move(op));
  }

  domain::customer created(domain::customer_create in) {
    auto r = run(backend_->create({"bc-main", "test-request"}, std::move(in)));
    EXPECT_TRUE(r) << r.error().message << " " << (r.error().details.empty() ? "" : r.error().details[0].field + ": " + r.error().details[0].reason) << " " << r.error().upstream_excerpt;
    return r ? *r : domain::customer{};
  }

  testing::http_reply admin(const std::string& method, const std::string& what, const std::string& body = "") {
    return testing::http_request(emulator_->port(), method, "/__emulator/" + what, {{"Content-Type", "application/json"}},
                                 body);
  }
  rapidjson::Document dump() {
    rapidjson::Document d;
    d.Parse(admin("GET", "dump").body.c_str());
    return d;
  }
  // The platform's customer (V3 shape with every include) from the dump.
  const rapidjson::Value* platform_customer(const rapidjson::Document& d, const std::string& canonical_id) {
    const auto pid = platform_customer_id(*store_, canonical_id);
    if (!pid) return nullptr;
    for (const auto& c : d["stores"][0]["customers"].GetArray())
      if (c["id"].GetUint64() == *pid) return &c;
    return nullptr;
  }
  std::int64_t upstream_requests() {
    rapidjson::Document d;
    d.Parse(admin("GET", "stats").body.c_str());
    return d["total"].GetInt64();
  }

  std::unique_ptr<testing::emulator_process> emulator_;
  std::unique_ptr<testing_stores::store_fixture> fixture_;
  const platform_store* store_ = nullptr;
  customer_backend* backend_ = nullptr;
};

TEST_F(bigcommerce_v3_backend_test, crud_round_trip_with_addresses_and_uuid_ids) {
  start();
  domain::customer_create in;
  in.email = "Ada@Example.com";
  in.name = "Ada Lovelace";
  in.phone = "+1-555-0100";
  in.marketing_opt_in = true;
  in.addresses = {address("1 Analytical Way", "Los Angeles"), address("2 Engine St", "San Diego", true)};
  const auto c = created(in);
  ASSERT_FALSE(c.id.empty());
  EXPECT_TRUE(platform_customer_id(*store_, c.id).has_value()) << "customer id is this store's UUIDv8: " << c.id;
  EXPECT_EQ(c.id.size(), 36u);
  EXPECT_EQ(c.email, "ada@example.com");  // the mapping's email transform lower-cases
  EXPECT_EQ(c.name, "Ada Lovelace");
  EXPECT_TRUE(c.marketing_opt_in);
  ASSERT_EQ(c.addresses.size(), 2u);
  EXPECT_TRUE(platform_address_id(*store_, c.addresses[1].id).has_value());
  EXPECT_EQ(c.default_address_id, c.addresses[1].id);
  EXPECT_TRUE(c.addresses[1].is_default);
  EXPECT_FALSE(c.addresses[0].is_default);

  // The platform holds it, marketing consent in the V3 flag.
  auto d = dump();
  const auto* p = platform_customer(d, c.id);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(std::string((*p)["first_name"].GetString()), "Ada");
  EXPECT_TRUE((*p)["accepts_product_review_abandoned_cart_emails"].GetBool());
  EXPECT_EQ((*p)["addresses"].Size(), 2u);

  // Read back: the same customer, the default kept across reads.
  auto got = run(backend_->get({"bc-main", "test-request"}, c.id));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->email, c.email);
  EXPECT_EQ(got->default_address_id, c.addresses[1].id);
  ASSERT_EQ(got->addresses.size(), 2u);
  EXPECT_EQ(got->addresses[0].city, "Los Angeles");
  EXPECT_EQ(got->addresses[0].country, "US");
  EXPECT_EQ(got->addresses[1].postal_code, "90001");

  // Update a plain field.
  domain::customer_patch patch;
  patch.name.set("Augusta Ada King");
  patch.marketing_opt_in = false;
  auto up = run(backend_->update({"bc-main", "test-request"}, c.id, patch));
  ASSERT_TRUE(up) << up.error().message;
  EXPECT_EQ(up->name, "Augusta Ada King");
  EXPECT_FALSE(up->marketing_opt_in);
  EXPECT_EQ(up->default_address_id, c.addresses[1].id);
  d = dump();
  p = platform_customer(d, c.id);
  EXPECT_EQ(std::string((*p)["last_name"].GetString()), "Ada King");
  EXPECT_FALSE((*p)["accepts_product_review_abandoned_cart_emails"].GetBool());

  auto removed = run(backend_->remove({"bc-main", "test-request"}, c.id));
  ASSERT_TRUE(removed) << removed.error().message;
  auto gone = run(backend_->get({"bc-main", "test-request"}, c.id));
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, error_kind::not_found);
  EXPECT_EQ(gone.error().message, "Customer '" + c.id + "' not found");
  d = dump();
  EXPECT_EQ(platform_customer(d, c.id), nullptr);
  auto again = run(backend_->remove({"bc-main", "test-request"}, c.id));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, error_kind::not_found);
}

TEST_F(bigcommerce_v3_backend_test, replace_all_addresses_keeps_modifies_adds_and_removes) {
  start();
  domain::customer_create in;
  in.email = "grace@example.com";
  in.name = "Grace Hopper";
  in.addresses = {address("1 Keep St", "Arlington"), address("2 Gone St", "Boston", true)};
  const auto c = created(in);
  ASSERT_EQ(c.addresses.size(), 2u);
  const auto keep_id = c.addresses[0].id, gone_id = c.addresses[1].id;

  // Keep+modify the first, drop the (default) second, add a new one.
  domain::customer_patch patch;
  auto modified = keep(keep_id);
  modified.city.set("Arlington Heights");
  patch.addresses = std::vector{modified, address("3 New St", "Chicago")};
  auto up = run(backend_->update({"bc-main", "test-request"}, c.id, patch));
  ASSERT_TRUE(up) << up.error().message;
  ASSERT_EQ(up->addresses.size(), 2u);
  EXPECT_EQ(up->addresses[0].id, keep_id);
  EXPECT_EQ(up->addresses[0].city, "Arlington Heights");
  EXPECT_EQ(up->addresses[1].address1, "3 New St");
  EXPECT_NE(up->addresses[1].id, gone_id);
  // The default was removed: it moves to the first remaining address.
  EXPECT_EQ(up->default_address_id, keep_id);

  auto d = dump();
  const auto* p = platform_customer(d, c.id);
  ASSERT_NE(p, nullptr);
  std::map<std::string, std::string> city_by_address1;
  for (const auto& a : (*p)["addresses"].GetArray()) city_by_address1[a["address1"].GetString()] = a["city"].GetString();
  EXPECT_EQ(city_by_address1, (std::map<std::string, std::string>{{"1 Keep St", "Arlington Heights"}, {"3 New St", "Chicago"}}));

  // The default is kept across reads, and can be moved to the new address.
  auto got = run(backend_->get({"bc-main", "test-request"}, c.id));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->default_address_id, keep_id);
  domain::customer_patch move;
  move.default_address_id.set(up->addresses[1].id);
  auto moved = run(backend_->update({"bc-main", "test-request"}, c.id, move));
  ASSERT_TRUE(moved) << moved.error().message;
  EXPECT_EQ(moved->default_address_id, up->addresses[1].id);
  got = run(backend_->get({"bc-main", "test-request"}, c.id));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->default_address_id, up->addresses[1].id);
  EXPECT_TRUE(got->addresses[1].is_default);

  // The default lives in the custbridge attribute, as the platform address id.
  d = dump();
  p = platform_customer(d, c.id);
  std::set<std::string> values;
  for (const auto& v : (*p)["attributes"].GetArray()) values.insert(v["attribute_value"].GetString());
  EXPECT_TRUE(values.contains(std::to_string(*platform_address_id(*store_, up->addresses[1].id))));

  // Cleared stays cleared.
  domain::customer_patch clear;
  clear.default_address_id.set_null();
  auto cleared = run(backend_->update({"bc-main", "test-request"}, c.id, clear));
  ASSERT_TRUE(cleared) << cleared.error().message;
  EXPECT_FALSE(cleared->default_address_id.has_value());
  got = run(backend_->get({"bc-main", "test-request"}, c.id));
  ASSERT_TRUE(got);
  EXPECT_FALSE(got->default_address_id.has_value());

  // Re-sending an address without its id but with its content: replaced, not lost.
  domain::customer_patch resend;
  resend.addresses = std::vector{address("3 New St", "Chicago")};
  auto resent = run(backend_->update({"bc-main", "test-request"}, c.id, resend));
  ASSERT_TRUE(resent) << resent.error().message;
  ASSERT_EQ(resent->addresses.size(), 1u);
  EXPECT_EQ(resent->addresses[0].address1, "3 New St");
  d = dump();
  EXPECT_EQ((*platform_customer(d, c.id))["addresses"].Size(), 1u);
}

TEST_F(bigcommerce_v3_backend_test, seeded_customer_without_recorded_default_reads_its_first_address) {
  start({"--customers", "30", "--seed", "7"});
  auto d = dump();
  std::optional<std::uint64_t> pid;
  for (const auto& c : d["stores"][0]["customers"].GetArray())
    if (c["addresses"].Size() >= 2) pid = c["id"].GetUint64();
  ASSERT_TRUE(pid);
  auto got = run(backend_->get({"bc-main", "test-request"}, canonical_customer_id(*store_, *pid)));
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_GE(got->addresses.size(), 2u);
  EXPECT_EQ(got->default_address_id, got->addresses[0].id);
}

TEST_F(bigcommerce_v3_backend_test, foreign_ids_are_404_without_a_platform_call) {
  start();
  const auto before = upstream_requests();
  const std::vector<std::string> foreign = {
      encode_platform_id(platform::bigcommerce_v3, id_kind::customer, "another-store", 1),
      encode_platform_id(platform::nuvemshop, id_kind::customer, "bc-main", 1),
      encode_platform_id(platform::bigcommerce_v3, id_kind::address, "bc-main", 1),
      "0b5f6a1e-1d4c-4b7a-9f1e-2a3b4c5d6e7f",
      "not-a-uuid"};
  for (const auto& id : foreign) {
    auto g = run(backend_->get({"bc-main", "test-request"}, id));
    ASSERT_FALSE(g);
    EXPECT_EQ(g.error().kind, error_kind::not_found);
    EXPECT_EQ(g.error().message, "Customer '" + id + "' not found");
    auto u = run(backend_->update({"bc-main", "test-request"}, id, domain::customer_patch{}));
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error().kind, error_kind::not_found);
    auto r = run(backend_->remove({"bc-main", "test-request"}, id));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, error_kind::not_found);
  }
  EXPECT_EQ(upstream_requests(), before);
}

TEST_F(bigcommerce_v3_backend_test, duplicate_email_is_409_on_create_and_update) {
  start();
  domain::customer_create a;
  a.email = "dup@example.com";
  a.name = "First One";
  created(a);
  domain::customer_create b;
  b.email = "other@example.com";
  b.name = "Second One";
  const auto other = created(b);

  domain::customer_create again;
  again.email = "DUP@example.com";
  again.name = "Third One";
  auto r = run(backend_->create({"bc-main", "test-request"}, again));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::conflict);
  EXPECT_EQ(r.error().message, "Customer with this email already exists");

  domain::customer_patch p;
  p.email = "Dup@Example.com";
  auto u = run(backend_->update({"bc-main", "test-request"}, other.id, p));
  ASSERT_FALSE(u);
  EXPECT_EQ(u.error().kind, error_kind::conflict);
  EXPECT_EQ(u.error().message, "Customer with this email already exists");
  EXPECT_EQ(dump()["stores"][0]["customers"].Size(), 2u);

  // Changing only the case of one's own email is not a conflict.
  domain::customer_patch own;
  own.email = "OTHER@example.com";
  auto ok = run(backend_->update({"bc-main", "test-request"}, other.id, own));
  EXPECT_TRUE(ok) << ok.error().message;
}

TEST_F(bigcommerce_v3_backend_test, delete_with_orders_is_409_and_keeps_the_customer) {
  start({"--customers", "20", "--seed", "3"});
  auto d = dump();
  std::set<std::uint64_t> with_orders;
  for (const auto& o : d["stores"][0]["orders"].GetArray()) with_orders.insert(o["customer_id"].GetUint64());
  ASSERT_FALSE(with_orders.empty());
  const auto id = canonical_customer_id(*store_, *with_orders.begin());
  auto r = run(backend_->remove({"bc-main", "test-request"}, id));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::conflict);
  EXPECT_EQ(r.error().message, "Cannot delete customer with existing orders");
  d = dump();
  EXPECT_NE(platform_customer(d, id), nullptr);

  std::optional<std::uint64_t> without;
  for (const auto& c : d["stores"][0]["customers"].GetArray())
    if (!with_orders.contains(c["id"].GetUint64())) without = c["id"].GetUint64();
  ASSERT_TRUE(without);
  const auto free_id = canonical_customer_id(*store_, *without);
  auto ok = run(backend_->remove({"bc-main", "test-request"}, free_id));
  ASSERT_TRUE(ok) << ok.error().message;
  d = dump();
  EXPECT_EQ(platform_customer(d, free_id), nullptr);
}

TEST_F(bigcommerce_v3_backend_test, list_windows_are_exact_across_page_boundaries) {
  start({"--customers", "300", "--seed", "11"});
  // Expected canonical default order: createdAt desc (the platform's sort on date_created).
  auto d = dump();
  std::vector<std::pair<std::string, std::uint64_t>> rows;
  for (const auto& c : d["stores"][0]["customers"].GetArray())
    rows.emplace_back(c["date_created"].GetString(), c["id"].GetUint64());
  std::stable_sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
  std::vector<std::string> expected;
  for (const auto& [date, id] : rows) expected.push_back(canonical_customer_id(*store_, id));

  // One-page windows, and windows no single page size covers (offset 51 limit 200,
  // offset 101 limit 150: two platform pages).
  const std::vector<std::pair<int, int>> windows = {{0, 50}, {7, 13}, {49, 2}, {51, 200}, {101, 150}, {199, 3},
                                                    {290, 50}, {299, 1}, {300, 10}, {123, 1}};
  for (const auto& [offset, limit] : windows) {
    domain::list_query q;
    q.offset = offset;
    q.limit = limit;
    auto page = run(backend_->list({"bc-main", "test-request"}, q));
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_EQ(page->total, 300);
    std::vector<std::string> got;
    for (const auto& c : page->items) got.push_back(c.id);
    const auto end = std::min<std::size_t>(expected.size(), static_cast<std::size_t>(offset + limit));
    const std::vector<std::string> want(expected.begin() + std::min<std::size_t>(expected.size(), offset),
                                        expected.begin() + end);
    EXPECT_EQ(got, want) << "offset " << offset << " limit " << limit;
  }

  // Ascending and updatedAt sorts map to the platform's; unsupported ones are a clear 400.
  domain::list_query asc;
  asc.descending = false;
  asc.limit = 5;
  auto first = run(backend_->list({"bc-main", "test-request"}, asc));
  ASSERT_TRUE(first);
  ASSERT_EQ(first->items.size(), 5u);
  EXPECT_EQ(first->items[0].id, expected.back());
  domain::list_query by_name;
  by_name.sort_by = domain::sort_field::name;
  auto refused = run(backend_->list({"bc-main", "test-request"}, by_name));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, error_kind::bad_request);
  EXPECT_EQ(refused.error().details.at(0).field, "sortBy");
  domain::list_query marketing;
  marketing.marketing_opt_in = true;
  refused = run(backend_->list({"bc-main", "test-request"}, marketing));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, error_kind::bad_request);
  EXPECT_EQ(refused.error().details.at(0).field, "marketingOptIn");
  domain::list_query orders;
  orders.has_orders = false;
  refused = run(backend_->list({"bc-main", "test-request"}, orders));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().details.at(0).field, "hasOrders");
}

TEST_F(bigcommerce_v3_backend_test, email_filter_is_exact_and_search_matches_names) {
  start({"--customers", "60", "--seed", "5"});
  auto d = dump();
  const auto& customers = d["stores"][0]["customers"];
  const std::string email = customers[10]["email"].GetString();
  const auto id = canonical_customer_id(*store_, customers[10]["id"].GetUint64());

  domain::list_query q;
  std::string upper = email;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  q.email = upper;
  auto page = run(backend_->list({"bc-main", "test-request"}, q));
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->total, 1);
  EXPECT_EQ(page->items[0].id, id);
  // Both filters: the search applies to the exact match as well.
  q.search = email.substr(0, 3);
  page = run(backend_->list({"bc-main", "test-request"}, q));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 1);
  q.search = "zzz-not-there";
  page = run(backend_->list({"bc-main", "test-request"}, q));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 0);
  q.search.reset();
  q.email = email.substr(0, email.size() - 1);  // a prefix is not the email
  page = run(backend_->list({"bc-main", "test-request"}, q));
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 0);
  EXPECT_TRUE(page->items.empty());

  // Name substring, case-insensitive, counted against the dump.
  const std::string last = customers[20]["last_name"].GetString();
  const std::string needle = last.substr(0, std::min<std::size_t>(3, last.size()));
  auto folded = [](std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
  };
  std::set<std::string> want;
  for (const auto& c : customers.GetArray()) {
    const std::string first = c["first_name"].GetString(), l = c["last_name"].GetString();
    if (folded(first + " " + l).find(folded(needle)) != std::string::npos ||
        folded(first + l).find(folded(needle)) != std::string::npos)
      want.insert(canonical_customer_id(*store_, c["id"].GetUint64()));
  }
  domain::list_query s;
  s.search = folded(needle);
  s.limit = 200;
  page = run(backend_->list({"bc-main", "test-request"}, s));
  ASSERT_TRUE(page) << page.error().message;
  std::set<std::string> got;
  for (const auto& c : page->items) got.insert(c.id);
  EXPECT_EQ(got, want) << "search " << needle;
  EXPECT_EQ(page->total, static_cast<std::int64_t>(want.size()));

  // A term with '@' is looked up as an email.
  s.search = email;
  page = run(backend_->list({"bc-main", "test-request"}, s));
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, id);
}

TEST_F(bigcommerce_v3_backend_test, platform_422_becomes_validation_error_with_canonical_paths) {
  start();
  domain::customer_create in;
  in.email = "long@example.com";
  in.name = "Long Zip";
  in.addresses = {address("1 Main St", "Fresno")};
  in.addresses[0].postal_code.set(std::string(40, '9'));
  auto r = run(backend_->create({"bc-main", "test-request"}, in));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::validation_error);
  ASSERT_FALSE(r.error().details.empty());
  EXPECT_EQ(r.error().details[0].field, "addresses[0].postalCode");
  EXPECT_EQ(r.error().upstream_status, 422);

  // The same through the address endpoint on update: the index is the customer's.
  domain::customer_create ok;
  ok.email = "fine@example.com";
  ok.name = "Fine Zip";
  ok.addresses = {address("1 Main St", "Fresno")};
  const auto c = created(ok);
  domain::customer_patch p;
  auto bad = address("2 Side St", "Fresno");
  bad.postal_code.set(std::string(40, '9'));
  p.addresses = std::vector{keep(c.addresses[0].id), bad};
  auto u = run(backend_->update({"bc-main", "test-request"}, c.id, p));
  ASSERT_FALSE(u);
  ASSERT_FALSE(u.error().details.empty());
  EXPECT_EQ(u.error().details[0].field, "addresses[1].postalCode");
}

TEST_F(bigcommerce_v3_backend_test, identical_addresses_are_refused_before_any_write) {
  start();
  domain::customer_create in;
  in.email = "twins@example.com";
  in.name = "Twin Addresses";
  in.addresses = {address("1 Same St", "Reno"), address("1 Same St", "Reno")};
  const auto before = upstream_requests();
  auto r = run(backend_->create({"bc-main", "test-request"}, in));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::validation_error);
  EXPECT_EQ(r.error().details.at(0).field, "addresses[1]");
  EXPECT_EQ(dump()["stores"][0]["customers"].Size(), 0u);
  EXPECT_LE(upstream_requests() - before, 1);  // at most the attribute lookup
}

TEST_F(bigcommerce_v3_backend_test, wrong_token_gives_a_canonical_error_without_the_token) {
  start({"--customers", "0"}, "bc-token-definitely-wrong");
  auto r = run(backend_->list({"bc-main", "test-request"}, domain::list_query{}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::upstream_error);
  EXPECT_EQ(r.error().upstream_status, 401);
  EXPECT_EQ(r.error().message.find("definitely-wrong"), std::string::npos);
  EXPECT_EQ(r.error().upstream_excerpt.find("definitely-wrong"), std::string::npos);
}

TEST_F(bigcommerce_v3_backend_test, platform_refusal_mid_update_is_rolled_back) {
  start();
  domain::customer_create in;
  in.email = "half@example.com";
  in.name = "Half Applied";
  in.addresses = {address("1 Stay St", "Austin"), address("2 Drop St", "Dallas")};
  const auto c = created(in);

  // The name changes and one address goes; then the platform refuses the new address.
  domain::customer_patch p;
  p.name.set("Fully Renamed");
  auto bad = address("3 New St", "Houston");
  bad.postal_code.set(std::string(40, '7'));
  p.addresses = std::vector{keep(c.addresses[0].id), bad};
  auto r = run(backend_->update({"bc-main", "test-request"}, c.id, p));
  ASSERT_FALSE(r);
  // Everything applied was undone, so the platform's refusal stays a validation error.
  EXPECT_EQ(r.error().kind, error_kind::validation_error) << r.error().message;
  ASSERT_FALSE(r.error().details.empty());
  EXPECT_EQ(r.error().details[0].field, "addresses[1].postalCode");
  EXPECT_NE(r.error().message.find("creating addresses[1] failed"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("Rolled back: the customer's fields restored"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find("Not rolled back"), std::string::npos) << r.error().message;
  auto d = dump();
  const auto* pc = platform_customer(d, c.id);
  EXPECT_EQ(std::string((*pc)["last_name"].GetString()), "Applied");
  ASSERT_EQ((*pc)["addresses"].Size(), 2u) << "the address to remove was never removed";

  // Injected platform errors on every request: the first call fails, nothing is applied,
  // and the error does not claim a partial update.
  ASSERT_EQ(admin("PUT", "faults", R"({"error_rate":1.0,"error_statuses":[500]})").status, 200);
  domain::customer_patch q;
  q.name.set("Never Applied");
  auto f = run(backend_->update({"bc-main", "test-request"}, c.id, q));
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().kind, error_kind::upstream_error);
  EXPECT_EQ(f.error().message.find("part of the update"), std::string::npos);
  ASSERT_EQ(admin("DELETE", "faults").status, 200);
  d = dump();
  EXPECT_EQ(std::string((*platform_customer(d, c.id))["last_name"].GetString()), "Applied");
}

}  // namespace
}  // namespace custbridge::backends
