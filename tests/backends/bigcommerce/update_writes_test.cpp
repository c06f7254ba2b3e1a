// Writes through the BigCommerce V2 and V3 adapters that must never lose data: concurrent
// replace-all updates, a failing step part-way, refused requests and random faults. Each
// test reads "what the client did, then what the platform holds (the emulator's dump)".
#include <gtest/gtest.h>

#include <future>
#include <set>

#include "gateway/backends/bigcommerce/customer_lock.hpp"
#include "tests/backends/bigcommerce/bigcommerce_harness.hpp"

namespace custbridge::backends::testing_bc {
namespace {

using domain::error_kind;

class bigcommerce_writes : public ::testing::TestWithParam<std::string> {
 protected:
  harness h{{"--customers", "0"}};
  std::string version = GetParam();

  domain::customer create(domain::customer_create in) {
    auto r = h.run(h.backend(version).create(h.rc(version), std::move(in)));
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : domain::customer{};
  }
  domain::result<domain::customer> update(const std::string& id, domain::customer_patch p) {
    return h.run(h.backend(version).update(h.rc(version), id, std::move(p)));
  }
  std::uint64_t pid(const std::string& id) { return *platform_customer_id(h.store_of(version), id); }
  void set_faults(const std::string& json) { ASSERT_EQ(h.admin("PUT", "faults", json).status, 200); }
};

TEST_P(bigcommerce_writes, concurrent_replace_all_updates_end_with_the_addresses_of_one_request) {
  auto in = ada("race@example.com");
  in.addresses = {address("0 Start St", "Fresno"), address("0 Other St", "Fresno")};
  const auto c = create(in);
  ASSERT_FALSE(c.id.empty());

  // Ten clients each replace all addresses with two of their own, at once, from three threads.
  std::vector<std::set<std::string>> requested;
  std::vector<std::future<domain::result<domain::customer>>> pending;
  for (int i = 0; i < 10; ++i) {
    domain::customer_patch p;
    const auto a = std::to_string(i) + " First St", b = std::to_string(i) + " Second St";
    p.addresses = std::vector{address(a, "Oakland"), address(b, "Oakland")};
    requested.push_back({a, b});
    pending.push_back(asio::co_spawn(h.io, h.backend(version).update(h.rc(version), c.id, std::move(p)), asio::use_future));
  }
  std::vector<domain::result<domain::customer>> answers;
  for (auto& f : pending) answers.push_back(f.get());
  for (const auto& r : answers) {
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->addresses.size(), 2u);
  }

  // The platform holds exactly the two addresses of one request.
  std::set<std::string> held;
  for (const auto& [line, city] : h.platform_addresses(pid(c.id))) held.insert(line);
  EXPECT_EQ(held.size(), 2u);
  EXPECT_NE(std::find(requested.begin(), requested.end(), held), requested.end()) << "held: " << *held.begin();
  auto got = h.run(h.backend(version).get(h.rc(version), c.id));
  ASSERT_TRUE(got);
  ASSERT_EQ(got->addresses.size(), 2u);
  EXPECT_EQ(bigcommerce::customer_locks_in_use(), 0u) << "lock entries go when unused";
}

TEST_P(bigcommerce_writes, a_failing_delete_rolls_everything_back_and_says_so) {
  auto in = ada("undo@example.com");
  in.addresses = {address("1 Keep St", "Austin"), address("2 Drop St", "Dallas")};
  const auto c = create(in);
  ASSERT_EQ(c.addresses.size(), 2u);
  const auto before = h.platform_addresses(pid(c.id));

  // Keep and change the first, drop the second, add a third; the address DELETE fails.
  domain::customer_patch p;
  p.name.set("Renamed Person");
  auto changed = keep(c.addresses[0].id);
  changed.city.set("Round Rock");
  p.addresses = std::vector{changed, address("3 New St", "Houston")};
  // Every attempt (the client retries a DELETE) at deleting the second address fails.
  const auto drop = std::to_string(*platform_address_id(h.store_of(version), c.addresses[1].id));
  const std::string path = version == "v2" ? "/addresses/" + drop : "/v3/customers/addresses?id:in=" + drop;
  set_faults(R"({"fail_method":"DELETE","fail_path":")" + path + R"(","fail_times":20,"error_statuses":[500]})");
  auto r = update(c.id, p);
  ASSERT_EQ(h.admin("DELETE", "faults").status, 200);
  ASSERT_FALSE(r);
  const auto& m = r.error().message;
  EXPECT_EQ(r.error().upstream_status, 500);
  EXPECT_NE(m.find("removing 1 address failed"), std::string::npos) << m;
  EXPECT_NE(m.find("Applied before: the customer's fields updated; 1 address modified; 1 address created"), std::string::npos) << m;
  EXPECT_NE(m.find("Rolled back: 1 address created, deleted again; 1 address modified, restored; the customer's fields restored"),
            std::string::npos)
      << m;
  EXPECT_EQ(m.find("Not rolled back"), std::string::npos) << m;

  // The platform holds what it held before the update.
  EXPECT_EQ(h.platform_addresses(pid(c.id)), before);
  auto got = h.run(h.backend(version).get(h.rc(version), c.id));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "Ada Lovelace");
  ASSERT_EQ(got->addresses.size(), 2u);
  EXPECT_EQ(got->addresses[0].id, c.addresses[0].id);
  EXPECT_EQ(got->addresses[1].id, c.addresses[1].id);
  EXPECT_EQ(got->default_address_id, c.default_address_id);
}

TEST_P(bigcommerce_writes, a_new_address_equal_to_a_removed_one_keeps_it) {
  auto in = ada("same@example.com");
  in.addresses = {address("1 Same St", "Reno"), address("2 Other St", "Reno")};
  in.addresses[1].is_default = true;
  const auto c = create(in);
  ASSERT_EQ(c.addresses.size(), 2u);
  // The client drops both and sends the first again without its id.
  domain::customer_patch p;
  p.addresses = std::vector{address("1 Same St", "Reno")};
  auto r = update(c.id, p);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->addresses.size(), 1u);
  EXPECT_EQ(r->addresses[0].address1, "1 Same St");
  EXPECT_EQ(r->addresses[0].id, c.addresses[0].id) << "the address the platform already held is kept";
  // The default went with the second address: the first remaining one takes over.
  EXPECT_EQ(r->default_address_id, r->addresses[0].id);
  EXPECT_EQ(h.platform_addresses(pid(c.id)), (std::map<std::string, std::string>{{"1 Same St", "Reno"}}));
}

TEST_P(bigcommerce_writes, a_kept_address_takes_the_content_of_a_removed_one_after_it_goes) {
  auto in = ada("swap@example.com");
  in.addresses = {address("1 Old St", "Reno"), address("2 Wanted St", "Reno")};
  const auto c = create(in);
  ASSERT_EQ(c.addresses.size(), 2u);
  // Keep the first with the second's content; the second goes.
  domain::customer_patch p;
  auto changed = keep(c.addresses[0].id);
  changed.address1.set("2 Wanted St");
  p.addresses = std::vector{changed};
  auto r = update(c.id, p);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->addresses.size(), 1u);
  EXPECT_EQ(r->addresses[0].id, c.addresses[0].id);
  EXPECT_EQ(r->addresses[0].address1, "2 Wanted St");
  EXPECT_EQ(h.platform_addresses(pid(c.id)), (std::map<std::string, std::string>{{"2 Wanted St", "Reno"}}));
}

TEST_P(bigcommerce_writes, a_failure_after_the_removal_creates_the_removed_address_again) {
  auto in = ada("again@example.com");
  in.addresses = {address("1 Old St", "Reno"), address("2 Wanted St", "Reno")};
  in.addresses[1].is_default = true;
  const auto c = create(in);
  ASSERT_EQ(c.addresses.size(), 2u);
  const auto before = h.platform_addresses(pid(c.id));
  domain::customer_patch p;
  auto changed = keep(c.addresses[0].id);
  changed.address1.set("2 Wanted St");
  p.addresses = std::vector{changed};
  // The modification, due after the removal, fails on every attempt.
  const auto first = std::to_string(*platform_address_id(h.store_of(version), c.addresses[0].id));
  set_faults(version == "v2" ? R"({"fail_method":"PUT","fail_path":"/addresses/)" + first + R"(","fail_times":20,"error_statuses":[500]})"
                             : R"({"fail_method":"PUT","fail_path":"/v3/customers/addresses","fail_times":20,"error_statuses":[500]})");
  auto r = update(c.id, p);
  ASSERT_EQ(h.admin("DELETE", "faults").status, 200);
  ASSERT_FALSE(r);
  const auto& m = r.error().message;
  // The stored default names the removed address: stale, it already reads as the first
  // remaining one, so it was not rewritten.
  EXPECT_NE(m.find("modifying addresses[0] failed"), std::string::npos) << m;
  EXPECT_NE(m.find("Applied before: the customer's fields updated; 1 address removed."), std::string::npos) << m;
  EXPECT_NE(m.find("1 address removed, created again with a new id; the default address restored"), std::string::npos) << m;
  EXPECT_EQ(m.find("Not rolled back"), std::string::npos) << m;
  // The same content as before; the re-created address is the default again.
  EXPECT_EQ(h.platform_addresses(pid(c.id)), before);
  auto got = h.run(h.backend(version).get(h.rc(version), c.id));
  ASSERT_TRUE(got);
  ASSERT_EQ(got->addresses.size(), 2u);
  EXPECT_EQ(got->addresses[0].id, c.addresses[0].id);
  EXPECT_NE(got->addresses[1].id, c.addresses[1].id);
  EXPECT_EQ(got->addresses[1].address1, "2 Wanted St");
  EXPECT_EQ(got->default_address_id, got->addresses[1].id);
}

TEST_P(bigcommerce_writes, under_injected_faults_a_failed_update_never_leaves_fewer_addresses) {
  auto in = ada("faults@example.com");
  in.addresses = {address("1 Base St", "Tulsa"), address("2 Base St", "Tulsa")};
  const auto c = create(in);
  ASSERT_EQ(c.addresses.size(), 2u);
  set_faults(R"({"error_rate":0.1,"error_statuses":[500],"seed":17})");
  int failures = 0, successes = 0;
  for (int i = 0; i < 40; ++i) {
    const auto before = h.platform_addresses(pid(c.id));
    auto current = h.run(h.backend(version).get(h.rc(version), c.id));
    if (!current) continue;  // a read hit a fault
    // Keep (and change) the first, drop the others, add one: at most one address goes.
    domain::customer_patch p;
    p.name.set("Faulty Person " + std::string(1, static_cast<char>('A' + i % 26)));
    std::vector<domain::address_input> next;
    auto kept = keep(current->addresses.front().id);
    kept.city.set("Tulsa " + std::to_string(i));
    next.push_back(kept);
    next.push_back(address(std::to_string(i) + " Loop St", "Tulsa"));
    p.addresses = next;
    auto r = update(c.id, p);
    const auto after = h.platform_addresses(pid(c.id));
    if (r) {
      ++successes;
      EXPECT_EQ(after.size(), 2u);
      EXPECT_TRUE(after.contains(std::to_string(i) + " Loop St"));
    } else {
      ++failures;
      EXPECT_GE(after.size(), before.size()) << "update " << i << " lost data: " << r.error().message;
      // Everything of the state before is still there.
      for (const auto& [line, city] : before)
        if (line != current->addresses.front().address1) {
          EXPECT_TRUE(after.contains(line)) << line << ": " << r.error().message;
        }
    }
  }
  ASSERT_EQ(h.admin("DELETE", "faults").status, 200);
  EXPECT_GT(failures, 0) << "the faults must hit some updates for this test to mean anything";
  EXPECT_GT(successes, 0);
}

TEST_P(bigcommerce_writes, under_injected_faults_a_failed_create_leaves_nothing_behind) {
  set_faults(R"({"error_rate":0.1,"error_statuses":[500],"seed":29})");
  int failures = 0;
  for (int i = 0; i < 25; ++i) {
    auto in = ada("create" + std::to_string(i) + "@example.com");
    in.addresses = {address("1 Make St", "Provo"), address("2 Make St", "Provo")};
    in.addresses[1].is_default = true;  // a default to record after the addresses
    auto r = h.run(h.backend(version).create(h.rc(version), in));
    if (r) continue;
    ++failures;
    auto d = h.dump();
    bool left = false;
    for (const auto& c : d["stores"][0]["customers"].GetArray()) left = left || c["email"].GetString() == in.email;
    // A customer stays only when the error says its deletion failed too.
    if (left) {
      EXPECT_NE(r.error().message.find("Not rolled back"), std::string::npos) << r.error().message;
    }
  }
  ASSERT_EQ(h.admin("DELETE", "faults").status, 200);
  EXPECT_GT(failures, 0);
}

INSTANTIATE_TEST_SUITE_P(versions, bigcommerce_writes, ::testing::Values("v2", "v3"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

// The platform's requests since the journal was last read, as "METHOD target".
std::vector<std::string> writes_in_journal(harness& h) {
  rapidjson::Document d;
  d.Parse(h.admin("GET", "requests").body.c_str());
  std::vector<std::string> out;
  for (const auto& r : d["requests"].GetArray())
    if (std::string(r["method"].GetString()) != "GET") out.push_back(std::string(r["method"].GetString()) + " " + r["target"].GetString());
  return out;
}

TEST(bigcommerce_v3_writes, an_address_without_names_is_400_and_changes_nothing) {
  harness h({"--customers", "0"});
  auto in = ada("names@example.com");
  in.addresses = {address("1 Named St", "Boise")};
  auto c = h.run(h.v3->create(h.rc("v3"), in));
  ASSERT_TRUE(c) << c.error().message;
  const auto pid = *platform_customer_id(*h.v3_store, c->id);
  const auto writes_before = writes_in_journal(h);

  // Replace the address with one that has no first or last name, and rename the customer.
  domain::customer_patch p;
  p.name.set("Other Name");
  auto nameless = address("2 Nameless St", "Boise");
  nameless.first_name = {};
  nameless.last_name = {};
  p.addresses = std::vector{nameless};
  auto r = h.run(h.v3->update(h.rc("v3"), c->id, p));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, error_kind::validation_error);
  ASSERT_EQ(r.error().details.size(), 2u);
  EXPECT_EQ(r.error().details[0].field, "addresses[0].firstName");
  EXPECT_EQ(r.error().details[1].field, "addresses[0].lastName");

  // Not one write reached the platform, and the customer is as it was.
  EXPECT_EQ(writes_in_journal(h), writes_before);
  EXPECT_EQ(h.platform_addresses(pid), (std::map<std::string, std::string>{{"1 Named St", "Boise"}}));
  auto got = h.run(h.v3->get(h.rc("v3"), c->id));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "Ada Lovelace");

  // The same address on a create is refused before any call too.
  auto again = ada("names2@example.com");
  again.addresses = {nameless};
  auto refused = h.run(h.v3->create(h.rc("v3"), again));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().details.at(0).field, "addresses[0].firstName");
  EXPECT_EQ(writes_in_journal(h), writes_before);
}

}  // namespace
}  // namespace custbridge::backends::testing_bc
