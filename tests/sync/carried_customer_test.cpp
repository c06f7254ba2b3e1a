#include "sync/carried_customer.hpp"

#include <gtest/gtest.h>

namespace custbridge::sync {
namespace {

domain::customer sample() {
  domain::customer c;
  c.id = "s1";
  c.email = "Ana@Example.com";
  c.name = "Ana";
  c.marketing_opt_in = true;
  c.metadata = {{"tier", "gold"}};
  for (int i = 0; i < 3; ++i) {
    domain::address a;
    a.id = "a" + std::to_string(i);
    a.address1 = std::to_string(i) + " Road";
    a.city = "Town";
    a.postal_code = "100";
    a.country = "DE";
    a.company = "Acme";
    a.is_default = i == 1;
    c.addresses.push_back(a);
  }
  c.default_address_id = "a1";
  return c;
}

TEST(CarriedCustomer, WhatTheTargetCannotWriteIsDroppedWithItsReason) {
  backends::store_capabilities caps;
  caps.marketing_opt_in_writable = backends::capability::no("read-only");
  caps.metadata_on_create = backends::capability::no("no metadata");
  auto want = carry(sample(), caps, nullptr);
  EXPECT_FALSE(want.marketing_opt_in);
  EXPECT_FALSE(want.metadata);
  ASSERT_EQ(want.dropped.size(), 2u);
  EXPECT_EQ(want.dropped[0].field, "marketingOptIn");
  EXPECT_EQ(want.dropped[1].reason, "no metadata");
  EXPECT_EQ(want.default_address, 1);
}

TEST(CarriedCustomer, TheHashIgnoresIdsAndTimestampsButNotContent) {
  auto a = sample();
  auto b = sample();
  b.id = "other";
  b.updated_at = "2030-01-01T00:00:00.000Z";
  b.addresses[0].id = "zz";
  EXPECT_EQ(content_hash(a), content_hash(b));
  b.addresses[2].city = "City";
  EXPECT_NE(content_hash(a), content_hash(b));
}

TEST(CarriedCustomer, ARefusedAddressFieldIsClearedAndARefusedAddressIsLeftOut) {
  auto want = carry(sample(), backends::store_capabilities{}, nullptr);
  ASSERT_TRUE(drop_fields(want, {{"addresses[1].company", "no company"}, {"addresses[0].postalCode", "invalid"}}));
  ASSERT_EQ(want.addresses.size(), 2u);
  EXPECT_EQ(want.addresses[0].address1, "1 Road");
  EXPECT_FALSE(want.addresses[0].company);
  EXPECT_EQ(want.default_address, 0);
  ASSERT_EQ(want.dropped.size(), 2u);
  EXPECT_EQ(want.dropped[0].field, "addresses[1].company");
}

TEST(CarriedCustomer, ARefusedDefaultFlagDropsTheDefaultNotTheAddress) {
  auto want = carry(sample(), backends::store_capabilities{}, nullptr);
  ASSERT_TRUE(drop_fields(want, {{"addresses[1].isDefault", "list the default address first"}}));
  EXPECT_EQ(want.addresses.size(), 3u);
  EXPECT_FALSE(want.default_carried);
  EXPECT_FALSE(to_create(want).addresses[1].is_default);
}

TEST(CarriedCustomer, SeveralDetailsOfOneFieldDropItOnceAndTheEmailCannotBeDropped) {
  auto want = carry(sample(), backends::store_capabilities{}, nullptr);
  EXPECT_TRUE(drop_fields(want, {{"metadata.a", "undeclared"}, {"metadata.b", "undeclared"}}));
  EXPECT_FALSE(want.metadata);
  EXPECT_EQ(want.dropped.size(), 2u);
  EXPECT_FALSE(drop_fields(want, {{"email", "taken"}}));
  EXPECT_FALSE(drop_fields(want, {{"metadata.a", "again"}})) << "dropping it again cannot help";
}

TEST(CarriedCustomer, APatchReusesAddressIdsAndKeepsWhatTheTargetCannotDelete) {
  auto target = sample();
  auto source = sample();
  source.addresses.resize(1);
  source.addresses[0].city = "Elsewhere";
  source.addresses[0].is_default = true;
  source.default_address_id = "a0";
  backends::store_capabilities caps;
  caps.delete_addresses = backends::capability::no("cannot delete");
  auto want = carry(source, caps, &target);
  auto changes = diff(target, want);
  std::vector<not_carried> kept;
  auto patch = to_patch(target, want, changes, caps, kept);
  ASSERT_TRUE(patch.addresses);
  ASSERT_EQ(patch.addresses->size(), 3u);
  EXPECT_EQ(patch.addresses->at(0).id, "a0");
  EXPECT_EQ(patch.addresses->at(0).city.value, "Elsewhere");
  EXPECT_EQ(kept.size(), 2u);
  EXPECT_FALSE(patch.email) << "only what differs is sent";
}

}  // namespace
}  // namespace custbridge::sync
