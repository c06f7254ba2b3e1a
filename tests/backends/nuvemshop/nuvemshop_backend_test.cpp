#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gateway/backends/platform/platform_store.hpp"
#include "tests/backends/store_fixture.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/http_client.hpp"

// The adapter in-process against a real `cb-emulator nuvemshop`, built through the
// registry and the factory (tests/backends/store_fixture.hpp). Each test resets the emulator.
namespace custbridge::backends {
namespace {

using domain::error_kind;
using testing::emulator_process;

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One Nuvemshop store on the emulator, built as the gateway builds it.
struct adapter : testing_stores::store_fixture {
  adapter(const emulator_process& emu, std::string store_id, std::string token, std::size_t emu_store = 0)
      : store_fixture(emu, "nuvemshop", std::move(store_id), std::move(token), emu_store) {}
};

domain::address_input address_in(std::string line1, std::string city, std::string region, std::string zip,
                                 std::string country) {
  domain::address_input a;
  a.address1.set(std::move(line1));
  a.city.set(std::move(city));
  a.region.set(std::move(region));
  a.postal_code.set(std::move(zip));
  a.country.set(std::move(country));
  return a;
}

domain::address_input brazilian_address() {
  auto a = address_in("Rua Augusta, 1500", "São Paulo", "SP", "01305-100", "BR");
  a.first_name.set("João");
  a.last_name.set("Gonçalves");
  a.address2.set("Apto 12");
  a.phone.set("+55 11 91234-5678");
  return a;
}

domain::customer_create person(std::string email, std::string name = "Ana Souza") {
  domain::customer_create c;
  c.email = std::move(email);
  c.name = std::move(name);
  return c;
}

class NuvemshopBackend : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    emu_ = new emulator_process(CUSTBRIDGE_EMULATOR_PATH, "nuvemshop",
                                {"--customers", "0", "--stores", "2", "--rate-scale", "100"});
  }
  static void TearDownTestSuite() {
    delete emu_;
    emu_ = nullptr;
  }
  void SetUp() override {
    admin("POST", "/__emulator/reset");
    ns_ = std::make_unique<adapter>(*emu_, "store-ns", emu_->stores()[0].access_token);
  }
  void TearDown() override { ns_.reset(); }

  static testing::http_reply admin(const std::string& method, const std::string& target) {
    auto r = testing::http_request(emu_->port(), method, target);
    if (r.status != 200) throw std::runtime_error(target + " answered " + std::to_string(r.status));
    return r;
  }
  static void seed(int customers, int seed_value) {
    admin("POST", "/__emulator/seed?customers=" + std::to_string(customers) + "&seed=" + std::to_string(seed_value));
  }
  // The first emulated store's customers in the platform's JSON, as /__emulator/dump has them.
  static rapidjson::Document dump() {
    rapidjson::Document d;
    d.Parse(admin("GET", "/__emulator/dump").body.c_str());
    return d;
  }
  static std::int64_t platform_requests() {
    rapidjson::Document d;
    d.Parse(admin("GET", "/__emulator/stats").body.c_str());
    return d["total"].GetInt64();
  }
  // The canonical ids of the dumped customers, in the platform's (ascending id) order.
  std::vector<std::string> dumped_ids() {
    auto d = dump();
    std::vector<std::string> ids;
    for (const auto& c : d["stores"][0]["customers"].GetArray()) ids.push_back(canonical_customer_id(ns_->store(), c["id"].GetUint64()));
    return ids;
  }
  static std::vector<std::string> ids_of(const domain::customer_page& p) {
    std::vector<std::string> out;
    for (const auto& c : p.items) out.push_back(c.id);
    return out;
  }

  static emulator_process* emu_;
  std::unique_ptr<adapter> ns_;
};

emulator_process* NuvemshopBackend::emu_ = nullptr;

bool is_uuid_v8(const std::string& s) {
  if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return false;
  return s[14] == '8';
}

TEST_F(NuvemshopBackend, CrudRoundTripWithBrazilianAddress) {
  auto in = person("Joao.Goncalves@Example.com", "João Gonçalves");
  in.phone = "+55 11 3749-8000";
  in.metadata = {{"gender", "male"}};
  in.addresses.push_back(brazilian_address());
  auto created = ns_->create(in);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(is_uuid_v8(created->id)) << created->id;
  EXPECT_EQ(created->email, "joao.goncalves@example.com");
  EXPECT_EQ(created->name, "João Gonçalves");
  EXPECT_EQ(created->phone, "+55 11 3749-8000");
  EXPECT_FALSE(created->marketing_opt_in);
  EXPECT_EQ(created->metadata, (std::map<std::string, std::string>{{"gender", "male"}}));
  ASSERT_EQ(created->addresses.size(), 1u);
  const auto& a = created->addresses[0];
  EXPECT_TRUE(is_uuid_v8(a.id));
  EXPECT_EQ(created->default_address_id, a.id);
  EXPECT_TRUE(a.is_default);
  EXPECT_EQ(a.address1, "Rua Augusta, 1500");
  EXPECT_EQ(a.address2, "Apto 12");
  EXPECT_EQ(a.first_name, "João");
  EXPECT_EQ(a.last_name, "Gonçalves");
  EXPECT_EQ(a.city, "São Paulo");
  EXPECT_EQ(a.region, "SP");
  EXPECT_EQ(a.postal_code, "01305-100");
  EXPECT_EQ(a.country, "BR");
  EXPECT_FALSE(created->created_at.empty());

  // On the platform: street and number split, province as a full name.
  auto d = dump();
  const auto& raw = d["stores"][0]["customers"][0];
  EXPECT_STREQ(raw["addresses"][0]["address"].GetString(), "Rua Augusta");
  EXPECT_STREQ(raw["addresses"][0]["number"].GetString(), "1500");
  EXPECT_STREQ(raw["addresses"][0]["province"].GetString(), "São Paulo");
  EXPECT_STREQ(raw["addresses"][0]["floor"].GetString(), "Apto 12");

  auto got = ns_->get(created->id);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->id, created->id);
  EXPECT_EQ(got->addresses.size(), 1u);
  EXPECT_EQ(got->default_address_id, a.id);

  // Update: rename, clear the phone, edit the kept address and add one.
  domain::customer_patch p;
  p.name.set("João G. Silva");
  p.phone.set_null();
  domain::address_input keep;
  keep.id = a.id;
  keep.address1.set("Rua Augusta, 1501");
  auto second = address_in("Avenida Paulista, 1000", "São Paulo", "SP", "01310-100", "BR");
  p.addresses = std::vector{keep, second};
  auto updated = ns_->update(created->id, p);
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(updated->name, "João G. Silva");
  EXPECT_EQ(updated->phone, std::nullopt);
  ASSERT_EQ(updated->addresses.size(), 2u);
  EXPECT_EQ(updated->addresses[0].id, a.id);
  EXPECT_EQ(updated->addresses[0].address1, "Rua Augusta, 1501");
  EXPECT_EQ(updated->addresses[0].address2, "Apto 12");
  EXPECT_EQ(updated->addresses[1].address1, "Avenida Paulista, 1000");
  EXPECT_TRUE(is_uuid_v8(updated->addresses[1].id));
  EXPECT_EQ(updated->default_address_id, a.id);

  auto reread = ns_->get(created->id);
  ASSERT_TRUE(reread);
  EXPECT_EQ(reread->addresses.size(), 2u);
  EXPECT_EQ(reread->name, "João G. Silva");

  ASSERT_TRUE(ns_->remove(created->id));
  auto gone = ns_->get(created->id);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, error_kind::not_found);
  EXPECT_EQ(gone.error().message, "Customer '" + created->id + "' not found");
  auto again = ns_->remove(created->id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, error_kind::not_found);
}

TEST_F(NuvemshopBackend, ForeignIdsAreNotFoundWithoutCallingThePlatform) {
  auto created = ns_->create(person("ana@example.com"));
  ASSERT_TRUE(created);
  // The same emulated store, configured as another canonical store: its ids are not ours.
  adapter other(*emu_, "store-other", emu_->stores()[0].access_token);
  const auto before = platform_requests();
  for (const std::string& id : {created->id, std::string("0b7e9c6e-3f2a-4c1d-9e8f-1a2b3c4d5e6f"), std::string("5000000001"),
                               std::string("not-an-id")}) {
    auto g = other.get(id);
    ASSERT_FALSE(g) << id;
    EXPECT_EQ(g.error().kind, error_kind::not_found);
    EXPECT_EQ(g.error().message, "Customer '" + id + "' not found");
    auto u = other.update(id, domain::customer_patch{});
    ASSERT_FALSE(u);
    EXPECT_EQ(u.error().kind, error_kind::not_found);
    auto r = other.remove(id);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, error_kind::not_found);
  }
  EXPECT_EQ(platform_requests(), before);
  EXPECT_TRUE(ns_->get(created->id));
}

TEST_F(NuvemshopBackend, DuplicateEmailIsConflict) {
  ASSERT_TRUE(ns_->create(person("maria@example.com")));
  auto dup = ns_->create(person("MARIA@Example.com", "Other Maria"));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().kind, error_kind::conflict);
  EXPECT_EQ(dup.error().message, "Customer with this email already exists");

  auto other = ns_->create(person("maria.silva@example.com"));
  ASSERT_TRUE(other);
  domain::customer_patch p;
  p.email = "Maria@example.com";
  auto clash = ns_->update(other->id, p);
  ASSERT_FALSE(clash);
  EXPECT_EQ(clash.error().kind, error_kind::conflict);
  EXPECT_EQ(clash.error().message, "Customer with this email already exists");
  // Changing only the case of one's own email is not a conflict.
  p.email = "MARIA.SILVA@example.com";
  auto same = ns_->update(other->id, p);
  ASSERT_TRUE(same) << same.error().message;
  EXPECT_EQ(same->email, "maria.silva@example.com");
}

TEST_F(NuvemshopBackend, DeletingACustomerWithOrdersIsConflict) {
  seed(20, 7);
  auto d = dump();
  const auto& orders = d["stores"][0]["orders_by_customer"];
  ASSERT_GT(orders.MemberCount(), 0u);
  const auto with_orders = std::stoull(orders.MemberBegin()->name.GetString());
  std::optional<std::uint64_t> without;
  for (const auto& c : d["stores"][0]["customers"].GetArray())
    if (!orders.HasMember(std::to_string(c["id"].GetUint64()).c_str())) without = c["id"].GetUint64();
  ASSERT_TRUE(without);

  auto r = ns_->remove(canonical_customer_id(ns_->store(), with_orders));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::conflict);
  EXPECT_EQ(r.error().message, "Cannot delete customer with existing orders");
  EXPECT_EQ(r.error().upstream_status, 422);
  EXPECT_TRUE(ns_->get(canonical_customer_id(ns_->store(), with_orders)));

  ASSERT_TRUE(ns_->remove(canonical_customer_id(ns_->store(), *without)));
  EXPECT_FALSE(ns_->get(canonical_customer_id(ns_->store(), *without)));
}

TEST_F(NuvemshopBackend, ListWindowsAreExactAcrossPages) {
  seed(437, 3);
  const auto asc = dumped_ids();
  ASSERT_EQ(asc.size(), 437u);
  const std::vector<std::string> desc(asc.rbegin(), asc.rend());
  for (int limit : {1, 7, 30, 50, 200}) {
    for (std::int64_t offset : {0, 1, 29, 30, 31, 199, 200, 201, 250, 399, 430, 436, 437, 600}) {
      for (bool descending : {true, false}) {
        domain::list_query q;
        q.limit = limit;
        q.offset = offset;
        q.descending = descending;
        auto page = ns_->list(q);
        ASSERT_TRUE(page) << page.error().message;
        const auto& all = descending ? desc : asc;
        std::vector<std::string> expected;
        for (auto i = offset; i < std::min<std::int64_t>(437, offset + limit); ++i) expected.push_back(all[static_cast<std::size_t>(i)]);
        EXPECT_EQ(ids_of(*page), expected) << "limit " << limit << " offset " << offset << (descending ? " desc" : " asc");
        EXPECT_EQ(page->total, 437);
      }
    }
  }
}

// What each canonical call costs in platform requests (the leaky bucket holds 40).
TEST_F(NuvemshopBackend, PlatformRequestsPerCall) {
  seed(100, 8);
  auto cost = [&](auto&& op) {
    const auto before = platform_requests();
    op();
    return platform_requests() - before;
  };
  domain::list_query newest;
  newest.limit = 50;
  // The first descending list asks for the total; later ones guess it from the last answer.
  EXPECT_EQ(cost([&] { ASSERT_TRUE(ns_->list(newest)); }), 2);
  EXPECT_EQ(cost([&] { ASSERT_TRUE(ns_->list(newest)); }), 1);
  domain::list_query oldest;
  oldest.descending = false;
  oldest.offset = 30;
  oldest.limit = 50;
  EXPECT_EQ(cost([&] { ASSERT_TRUE(ns_->list(oldest)); }), 1);
  std::optional<domain::customer> created;
  EXPECT_EQ(cost([&] {
              auto r = ns_->create(person("cost@example.com"));
              ASSERT_TRUE(r);
              created = *r;
            }),
            2);  // duplicate check, POST
  ASSERT_TRUE(created);
  EXPECT_EQ(cost([&] { ASSERT_TRUE(ns_->get(created->id)); }), 1);
  domain::customer_patch rename;
  rename.name.set("Cost Conscious");
  EXPECT_EQ(cost([&] { ASSERT_TRUE(ns_->update(created->id, rename)); }), 2);  // GET, PUT
  domain::customer_patch new_email;
  new_email.email = "cheap@example.com";
  EXPECT_EQ(cost([&] { ASSERT_TRUE(ns_->update(created->id, new_email)); }), 3);  // GET, duplicate check, PUT
  // A stale guess (101 now, 100 remembered) costs one more round trip, not a wrong page.
  EXPECT_EQ(cost([&] { ASSERT_TRUE(ns_->list(newest)); }), 2);
  EXPECT_EQ(cost([&] { ASSERT_TRUE(ns_->remove(created->id)); }), 1);
}

TEST_F(NuvemshopBackend, DescendingListFollowsChangesInTheStore) {
  seed(45, 4);
  domain::list_query q;
  q.limit = 10;
  auto first = ns_->list(q);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->total, 45);
  // The adapter remembers 45; the store now has 46 and then 44.
  auto added = ns_->create(person("newest@example.com"));
  ASSERT_TRUE(added);
  auto after_add = ns_->list(q);
  ASSERT_TRUE(after_add);
  EXPECT_EQ(after_add->total, 46);
  ASSERT_FALSE(after_add->items.empty());
  EXPECT_EQ(after_add->items.front().id, added->id);
  auto ids = dumped_ids();
  EXPECT_EQ(ids_of(*after_add), std::vector<std::string>(ids.rbegin(), ids.rbegin() + 10));
  ASSERT_TRUE(ns_->remove(added->id));
  std::optional<std::string> deletable;
  auto d = dump();
  for (const auto& c : d["stores"][0]["customers"].GetArray())
    if (c["last_order_id"].IsNull()) deletable = canonical_customer_id(ns_->store(), c["id"].GetUint64());
  ASSERT_TRUE(deletable);
  ASSERT_TRUE(ns_->remove(*deletable));
  q.offset = 40;
  auto tail = ns_->list(q);
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->total, 44);
  ids = dumped_ids();
  EXPECT_EQ(ids_of(*tail), std::vector<std::string>(ids.rend() - 4, ids.rend()));
}

TEST_F(NuvemshopBackend, EmptyStoreListsNothing) {
  for (std::int64_t offset : {0, 10}) {
    for (bool descending : {true, false}) {
      domain::list_query q;
      q.offset = offset;
      q.descending = descending;
      auto page = ns_->list(q);
      ASSERT_TRUE(page) << page.error().message;
      EXPECT_TRUE(page->items.empty());
      EXPECT_EQ(page->total, 0);
    }
  }
  domain::list_query by_email;
  by_email.email = "nobody@example.com";
  auto none = ns_->list(by_email);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->total, 0);
}

TEST_F(NuvemshopBackend, EmailFilterIsExactAndCaseInsensitive) {
  auto maria = ns_->create(person("maria@example.com"));
  ASSERT_TRUE(maria);
  ASSERT_TRUE(ns_->create(person("maria.silva@example.com")));
  ASSERT_TRUE(ns_->create(person("xmaria@example.com")));
  ASSERT_TRUE(ns_->create(person("maria@example.com.br")));
  domain::list_query q;
  q.email = "MARIA@Example.COM";
  auto page = ns_->list(q);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->total, 1);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, maria->id);
  q.offset = 1;
  page = ns_->list(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 1);
  EXPECT_TRUE(page->items.empty());
}

TEST_F(NuvemshopBackend, SearchMatchesNameAndEmail) {
  seed(300, 5);
  // The last name of the first customer, lower-cased: letters only, so it cannot match a phone.
  auto d = dump();
  const auto& customers = d["stores"][0]["customers"];
  std::string name = customers[0]["name"].GetString();
  const std::string needle = lower(name.substr(name.rfind(' ') + 1));
  std::vector<std::string> expected;  // descending ids
  for (auto i = customers.Size(); i-- > 0;) {
    const auto& c = customers[i];
    const auto hay = lower(c["name"].GetString()) + "\n" + lower(c["email"].GetString());
    if (hay.find(needle) != std::string::npos) expected.push_back(canonical_customer_id(ns_->store(), c["id"].GetUint64()));
  }
  ASSERT_FALSE(expected.empty());
  domain::list_query q;
  q.search = needle;
  q.limit = 3;
  std::vector<std::string> seen;
  for (q.offset = 0; q.offset < static_cast<std::int64_t>(expected.size()); q.offset += 3) {
    auto page = ns_->list(q);
    ASSERT_TRUE(page) << page.error().message;
    EXPECT_EQ(page->total, static_cast<std::int64_t>(expected.size()));
    for (auto& c : page->items) seen.push_back(c.id);
  }
  EXPECT_EQ(seen, expected) << "search '" << needle << "'";
}

TEST_F(NuvemshopBackend, FiltersAndSortsTheyCannotServeAreReadOrRefused) {
  seed(150, 6);
  auto d = dump();
  const auto& customers = d["stores"][0]["customers"];
  std::vector<std::string> opted, with_orders, by_email;
  std::vector<std::pair<std::string, std::string>> emails;
  for (const auto& c : customers.GetArray()) {
    const auto id = canonical_customer_id(ns_->store(), c["id"].GetUint64());
    if (c["accepts_marketing"].GetBool()) opted.push_back(id);
    if (!c["last_order_id"].IsNull()) with_orders.push_back(id);
    emails.emplace_back(lower(c["email"].GetString()), id);
  }
  std::sort(emails.begin(), emails.end());
  for (auto& e : emails) by_email.push_back(e.second);

  domain::list_query q;
  q.limit = 200;
  q.descending = false;
  q.marketing_opt_in = true;
  auto page = ns_->list(q);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(ids_of(*page), opted);
  for (const auto& c : page->items) EXPECT_TRUE(c.marketing_opt_in);

  q.marketing_opt_in.reset();
  q.has_orders = true;
  page = ns_->list(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(ids_of(*page), with_orders);

  q.has_orders.reset();
  q.sort_by = domain::sort_field::email;
  q.offset = 20;
  q.limit = 30;
  page = ns_->list(q);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->total, 150);
  EXPECT_EQ(ids_of(*page), std::vector<std::string>(by_email.begin() + 20, by_email.begin() + 50));

  // Beyond what the adapter reads, such a query is a 400 naming the parameter.
  seed(1050, 6);
  q.sort_by = domain::sort_field::name;
  auto refused = ns_->list(q);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, error_kind::bad_request);
  EXPECT_THAT(refused.error().message, ::testing::HasSubstr("sortBy"));
  EXPECT_THAT(refused.error().message, ::testing::HasSubstr("not supported on nuvemshop stores"));
  // A broad search is still served, page by page, with the platform's `q`.
  domain::list_query broad;
  broad.search = "@";
  broad.limit = 5;
  broad.offset = 1040;
  auto served = ns_->list(broad);
  ASSERT_TRUE(served) << served.error().message;
  EXPECT_EQ(served->total, 1050);
  const auto ids = dumped_ids();
  EXPECT_EQ(ids_of(*served), std::vector<std::string>(ids.rend() - 10, ids.rend() - 5));
}

TEST_F(NuvemshopBackend, MarketingOptInIsReadOnly) {
  auto in = person("optin@example.com");
  in.marketing_opt_in = true;
  auto refused = ns_->create(in);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, error_kind::validation_error);
  ASSERT_EQ(refused.error().details.size(), 1u);
  EXPECT_EQ(refused.error().details[0].field, "marketingOptIn");
  EXPECT_EQ(dump()["stores"][0]["customers"].Size(), 0u);

  in.marketing_opt_in = false;
  auto created = ns_->create(in);
  ASSERT_TRUE(created);
  domain::customer_patch p;
  p.marketing_opt_in = true;
  auto change = ns_->update(created->id, p);
  ASSERT_FALSE(change);
  EXPECT_EQ(change.error().kind, error_kind::validation_error);
  EXPECT_EQ(change.error().details.at(0).field, "marketingOptIn");
  // Setting it to what the platform holds is fine.
  p.marketing_opt_in = false;
  p.name.set("Ana Maria Souza");
  auto same = ns_->update(created->id, p);
  ASSERT_TRUE(same) << same.error().message;
  EXPECT_EQ(same->name, "Ana Maria Souza");
}

TEST_F(NuvemshopBackend, AddressChangesNuvemshopCannotMakeAreRefusedBeforeSending) {
  auto in = person("addr@example.com");
  in.addresses.push_back(brazilian_address());
  in.addresses.push_back(address_in("Rua Oscar Freire, 900", "São Paulo", "SP", "01426-001", "BR"));
  auto created = ns_->create(in);
  ASSERT_TRUE(created) << created.error().message;
  ASSERT_EQ(created->addresses.size(), 2u);
  const auto first = created->addresses[0].id, second = created->addresses[1].id;
  EXPECT_EQ(created->default_address_id, first);
  const auto before = platform_requests();

  // Removing an address.
  domain::customer_patch remove_one;
  domain::address_input keep;
  keep.id = first;
  remove_one.addresses = std::vector{keep};
  auto r = ns_->update(created->id, remove_one);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::validation_error);
  EXPECT_EQ(r.error().details.at(0).field, "addresses");
  EXPECT_THAT(r.error().details.at(0).reason, ::testing::HasSubstr("cannot delete addresses"));

  // Moving the default, by defaultAddressId or by isDefault; clearing it.
  domain::customer_patch move;
  move.default_address_id.set(second);
  r = ns_->update(created->id, move);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().details.at(0).field, "defaultAddressId");
  domain::customer_patch flag;
  domain::address_input k1, k2;
  k1.id = first;
  k2.id = second;
  k2.is_default = true;
  flag.addresses = std::vector{k1, k2};
  r = ns_->update(created->id, flag);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().details.at(0).field, "defaultAddressId");
  domain::customer_patch clear;
  clear.default_address_id.set_null();
  r = ns_->update(created->id, clear);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().details.at(0).field, "defaultAddressId");
  // Only a GET of the current customer per refused update: nothing was written.
  EXPECT_EQ(platform_requests(), before + 4);

  // A company has nowhere to go on Nuvemshop; a new customer's default must come first.
  domain::customer_patch company;
  auto with_company = brazilian_address();
  with_company.company.set("ACME Ltda");
  domain::address_input k2_plain;
  k2_plain.id = second;
  company.addresses = std::vector{k1, k2_plain, with_company};
  r = ns_->update(created->id, company);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().details.at(0).field, "addresses[2].company");
  auto second_default = person("second-default@example.com");
  second_default.addresses = {brazilian_address(), brazilian_address()};
  second_default.addresses[1].is_default = true;
  auto c = ns_->create(second_default);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().details.at(0).field, "addresses[1].isDefault");

  auto unchanged = ns_->get(created->id);
  ASSERT_TRUE(unchanged);
  EXPECT_EQ(unchanged->addresses.size(), 2u);
  EXPECT_EQ(unchanged->default_address_id, first);
}

TEST_F(NuvemshopBackend, PlatformValidationBecomesCanonicalFields) {
  // Nuvemshop requires a name and checks the email: its 422 field map comes back with
  // canonical field paths.
  domain::customer_create nameless;
  nameless.email = "not-an-email";
  auto r = ns_->create(nameless);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::validation_error);
  EXPECT_EQ(r.error().upstream_status, 422);
  std::vector<std::string> fields;
  for (const auto& d : r.error().details) fields.push_back(d.field);
  EXPECT_THAT(fields, ::testing::UnorderedElementsAre("email", "name"));

  // A value the mapper cannot express never reaches the platform.
  const auto before = platform_requests();
  auto bad_country = person("atlantis@example.com");
  bad_country.addresses.push_back(address_in("Main Street, 1", "Atlantis", "XX", "00000", "Atlantis"));
  r = ns_->create(bad_country);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::validation_error);
  EXPECT_EQ(r.error().details.at(0).field, "addresses[0].country");
  EXPECT_EQ(platform_requests(), before);
}

TEST_F(NuvemshopBackend, WrongTokenIsAnUpstreamErrorWithoutTheToken) {
  const std::string token = "ns-secret-token-should-not-leak";
  adapter wrong(*emu_, "store-ns", token);
  auto r = wrong.list({});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::upstream_error);
  EXPECT_EQ(r.error().upstream_status, 401);
  auto c = wrong.create(person("x@example.com"));
  ASSERT_FALSE(c);
  for (const auto& e : {r.error(), c.error()}) {
    EXPECT_EQ(e.message.find(token), std::string::npos) << e.message;
    EXPECT_EQ(e.upstream_excerpt.find(token), std::string::npos) << e.upstream_excerpt;
    for (const auto& d : e.details) EXPECT_EQ(d.reason.find(token), std::string::npos);
  }
  EXPECT_TRUE(wrong.backend().ready());
}

// With a platform whose PUT keeps only the addresses sent, updates still keep every
// address: the adapter always sends the whole list.
TEST(NuvemshopBackendReplacingPut, UpdatesKeepEveryAddress) {
  emulator_process emu(CUSTBRIDGE_EMULATOR_PATH, "nuvemshop",
                       {"--customers", "0", "--rate-scale", "100", "--put-replaces-addresses"});
  adapter ns(emu, "store-ns", emu.stores()[0].access_token);
  auto in = person("keep@example.com");
  in.addresses = {brazilian_address(), address_in("Rua Oscar Freire, 900", "São Paulo", "SP", "01426-001", "BR")};
  auto created = ns.create(in);
  ASSERT_TRUE(created) << created.error().message;
  domain::customer_patch p;
  domain::address_input a1, a2;
  a1.id = created->addresses[0].id;
  a2.id = created->addresses[1].id;
  a2.postal_code.set("01426-002");
  p.addresses = std::vector{a1, a2, address_in("Avenida Brasil, 10", "Rio de Janeiro", "RJ", "20000-000", "BR")};
  auto updated = ns.update(created->id, p);
  ASSERT_TRUE(updated) << updated.error().message;
  ASSERT_EQ(updated->addresses.size(), 3u);
  EXPECT_EQ(updated->addresses[0].id, created->addresses[0].id);
  EXPECT_EQ(updated->addresses[1].postal_code, "01426-002");
  EXPECT_EQ(updated->addresses[2].region, "RJ");
  EXPECT_EQ(updated->default_address_id, created->addresses[0].id);
}

}  // namespace
}  // namespace custbridge::backends
