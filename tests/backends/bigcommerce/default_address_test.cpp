// One BigCommerce store read through V2 and through V3 gives the same default address,
// whatever the attribute holds: a value written by either adapter, no value (customers
// created outside the gateway), "none", or a value naming a deleted address.
#include <gtest/gtest.h>

#include "gateway/backends/bigcommerce/default_address.hpp"
#include "tests/backends/bigcommerce/bigcommerce_harness.hpp"

namespace custbridge::backends::testing_bc {
namespace {

// The default's platform address id (V2 and V3 ids carry different platform tags).
std::optional<std::uint64_t> default_pid(const platform_store& store, const domain::customer& c) {
  if (!c.default_address_id) return std::nullopt;
  return platform_address_id(store, *c.default_address_id);
}

TEST(bigcommerce_default_address, the_value_has_one_meaning) {
  using bigcommerce::resolve_default;
  const std::vector<std::uint64_t> pids{7, 9, 12};
  EXPECT_EQ(resolve_default(std::string("9"), pids), 9u);
  EXPECT_EQ(resolve_default(std::string("none"), pids), std::nullopt);
  EXPECT_EQ(resolve_default(std::nullopt, pids), 7u);          // no value: the first address
  EXPECT_EQ(resolve_default(std::string("8"), pids), 7u);      // a deleted address: the first one
  EXPECT_EQ(resolve_default(std::string("junk"), pids), 7u);
  EXPECT_EQ(resolve_default(std::nullopt, {}), std::nullopt);
  EXPECT_EQ(bigcommerce::default_value(std::nullopt), "none");
  EXPECT_FALSE(bigcommerce::default_needs_write(std::nullopt, "7", pids));
  EXPECT_FALSE(bigcommerce::default_needs_write(std::string("8"), "7", pids));
  EXPECT_TRUE(bigcommerce::default_needs_write(std::nullopt, "none", pids));
  EXPECT_TRUE(bigcommerce::default_needs_write(std::string("9"), "12", pids));
}

TEST(bigcommerce_default_address, v2_and_v3_read_the_same_default_for_every_customer) {
  harness h({"--customers", "30", "--seed", "9"});

  // Written by V3: a later address as default, and explicitly none.
  auto later = ada("later@example.com");
  later.addresses = {address("1 A St", "Reno"), address("2 B St", "Reno")};
  later.addresses[1].is_default = true;
  auto c1 = h.run(h.v3->create(h.rc("v3"), later));
  ASSERT_TRUE(c1) << c1.error().message;
  auto none = ada("none@example.com");
  none.addresses = {address("1 C St", "Reno")};
  auto c2 = h.run(h.v3->create(h.rc("v3"), none));
  ASSERT_TRUE(c2) << c2.error().message;
  EXPECT_FALSE(c2->default_address_id);
  // Written by V2, then the default cleared through V2.
  auto cleared = ada("cleared@example.com");
  cleared.addresses = {address("1 D St", "Reno"), address("2 E St", "Reno")};
  auto c3 = h.run(h.v2->create(h.rc("v2"), cleared));
  ASSERT_TRUE(c3) << c3.error().message;
  domain::customer_patch clear;
  clear.default_address_id.set_null();
  ASSERT_TRUE(h.run(h.v2->update(h.rc("v2"), c3->id, clear)));
  // A stale value: V3 records the second address, which is then deleted on the platform.
  auto stale = ada("stale@example.com");
  stale.addresses = {address("1 F St", "Reno"), address("2 G St", "Reno"), address("3 H St", "Reno")};
  stale.addresses[2].is_default = true;
  auto c4 = h.run(h.v3->create(h.rc("v3"), stale));
  ASSERT_TRUE(c4) << c4.error().message;
  const auto gone = *platform_address_id(*h.v3_store, c4->addresses[2].id);
  ASSERT_EQ(h.platform("DELETE", "/v3/customers/addresses?id:in=" + std::to_string(gone)).status, 204);

  auto d = h.dump();
  int compared = 0, with_default = 0;
  for (const auto& pc : d["stores"][0]["customers"].GetArray()) {
    const auto pid = pc["id"].GetUint64();
    auto via_v2 = h.run(h.v2->get(h.rc("v2"), canonical_customer_id(*h.v2_store, pid)));
    auto via_v3 = h.run(h.v3->get(h.rc("v3"), canonical_customer_id(*h.v3_store, pid)));
    ASSERT_TRUE(via_v2) << via_v2.error().message;
    ASSERT_TRUE(via_v3) << via_v3.error().message;
    EXPECT_EQ(default_pid(*h.v2_store, *via_v2), default_pid(*h.v3_store, *via_v3)) << "customer " << pid;
    ASSERT_EQ(via_v2->addresses.size(), via_v3->addresses.size());
    // No value, or a stale one: the first address (both adapters list in platform id order).
    if (!via_v3->addresses.empty() && pc["email"].GetString() != std::string("none@example.com") &&
        pc["email"].GetString() != std::string("cleared@example.com") && pc["email"].GetString() != std::string("later@example.com")) {
      EXPECT_EQ(via_v3->default_address_id, via_v3->addresses.front().id) << pc["email"].GetString();
      ++with_default;
    }
    ++compared;
  }
  EXPECT_EQ(compared, 34);
  EXPECT_GT(with_default, 5) << "seeded customers with addresses and no value";

  auto r1 = h.run(h.v2->get(h.rc("v2"), canonical_customer_id(*h.v2_store, *platform_customer_id(*h.v3_store, c1->id))));
  ASSERT_TRUE(r1);
  EXPECT_EQ(default_pid(*h.v2_store, *r1), platform_address_id(*h.v3_store, c1->addresses[1].id));
  auto r3 = h.run(h.v3->get(h.rc("v3"), canonical_customer_id(*h.v3_store, *platform_customer_id(*h.v2_store, c3->id))));
  ASSERT_TRUE(r3);
  EXPECT_FALSE(r3->default_address_id) << "cleared through V2 reads as none through V3";
}

}  // namespace
}  // namespace custbridge::backends::testing_bc
