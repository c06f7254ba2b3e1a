#include "gateway/domain/customer_patch.hpp"

#include <gtest/gtest.h>

#include <string>

namespace custbridge::domain {
namespace {

address make_address(std::string id, std::string city) {
  address a;
  a.id = std::move(id);
  a.address1 = "1 Main St";
  a.city = std::move(city);
  a.postal_code = "01000";
  a.country = "BR";
  a.created_at = a.updated_at = "2024-01-01T00:00:00.000Z";
  return a;
}

customer two_addresses() {
  customer c;
  c.id = "c1";
  c.email = "ana@example.com";
  c.name = "Ana";
  c.addresses = {make_address("a1", "Recife"), make_address("a2", "Natal")};
  c.default_address_id = "a1";
  c.addresses[0].is_default = true;
  return c;
}

address_input keep(std::string id) {
  address_input in;
  in.id = std::move(id);
  return in;
}

address_input fresh(std::string city) {
  address_input in;
  in.address1.set("9 New St");
  in.city.set(std::move(city));
  in.postal_code.set("02000");
  in.country.set("BR");
  return in;
}

struct counter {
  int n = 0;
  std::string operator()() { return "new" + std::to_string(n++); }
};

result<patch_outcome> run(const customer& c, const customer_patch& p) {
  counter ids;
  return apply_patch(c, p, "2025-06-01T12:00:00.000Z", std::ref(ids));
}

TEST(ApplyPatch, AbsentFieldsKeepValuesAndNullClearsOptionalOnes) {
  customer_patch p;
  p.phone.set("+5511999");
  p.name.set_null();
  auto out = run(two_addresses(), p);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->next.phone, "+5511999");
  EXPECT_FALSE(out->next.name);
  EXPECT_EQ(out->next.email, "ana@example.com");
  EXPECT_EQ(out->next.addresses.size(), 2u) << "no addresses key: the list is untouched";
  EXPECT_TRUE(out->created_address_ids.empty());
  EXPECT_TRUE(out->removed_address_ids.empty());
}

TEST(ApplyPatch, AddressesReplaceAllKeepingMergingAddingAndRemoving) {
  customer_patch p;
  auto kept = keep("a2");
  kept.city.set("Olinda");
  p.addresses = std::vector<address_input>{kept, fresh("Salvador")};
  auto out = run(two_addresses(), p);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->next.addresses.size(), 2u);
  EXPECT_EQ(out->next.addresses[0].id, "a2");
  EXPECT_EQ(out->next.addresses[0].city, "Olinda");
  EXPECT_EQ(out->next.addresses[0].address1, "1 Main St") << "fields not given keep their values";
  EXPECT_EQ(out->next.addresses[0].updated_at, "2025-06-01T12:00:00.000Z");
  EXPECT_EQ(out->next.addresses[0].created_at, "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(out->next.addresses[1].id, "new0");
  EXPECT_EQ(out->created_address_ids, std::vector<std::string>{"new0"});
  EXPECT_EQ(out->modified_address_ids, std::vector<std::string>{"a2"});
  EXPECT_EQ(out->removed_address_ids, std::vector<std::string>{"a1"});
}

TEST(ApplyPatch, DeletedDefaultMovesToTheFirstRemainingAddress) {
  customer_patch p;
  p.addresses = std::vector<address_input>{keep("a2")};
  auto out = run(two_addresses(), p);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->next.default_address_id, "a2");
  EXPECT_TRUE(out->next.addresses[0].is_default);
  EXPECT_TRUE(out->modified_address_ids.empty()) << "a default flag alone is not a content change";
}

TEST(ApplyPatch, FirstAddressesOfACustomerTakeTheDefault) {
  customer c = two_addresses();
  c.addresses.clear();
  c.default_address_id.reset();
  customer_patch p;
  p.addresses = std::vector<address_input>{fresh("Belém"), fresh("Manaus")};
  auto out = run(c, p);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->next.default_address_id, "new0");
}

TEST(ApplyPatch, UnflaggingTheDefaultClearsItAndItStaysCleared) {
  customer_patch p;
  auto a1 = keep("a1");
  a1.is_default = false;
  p.addresses = std::vector<address_input>{a1, keep("a2")};
  auto out = run(two_addresses(), p);
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->next.default_address_id);
  for (const auto& a : out->next.addresses) EXPECT_FALSE(a.is_default);
}

TEST(ApplyPatch, DefaultAddressIdMustNameAnAddressAndAgreeWithIsDefault) {
  customer_patch unknown;
  unknown.default_address_id.set("zz");
  auto out = run(two_addresses(), unknown);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().kind, error_kind::validation_error);
  ASSERT_EQ(out.error().details.size(), 1u);
  EXPECT_EQ(out.error().details[0].field, "defaultAddressId");

  customer_patch conflicting;
  auto a2 = keep("a2");
  a2.is_default = true;
  conflicting.addresses = std::vector<address_input>{keep("a1"), a2};
  conflicting.default_address_id.set("a1");
  auto out2 = run(two_addresses(), conflicting);
  ASSERT_FALSE(out2);
  EXPECT_EQ(out2.error().details[0].reason, "conflicts with the address marked isDefault: true");

  customer_patch moved;
  moved.default_address_id.set("a2");
  auto out3 = run(two_addresses(), moved);
  ASSERT_TRUE(out3);
  EXPECT_EQ(out3->next.default_address_id, "a2");
  EXPECT_FALSE(out3->next.addresses[0].is_default);
  EXPECT_TRUE(out3->next.addresses[1].is_default);
}

TEST(ApplyPatch, ForeignOrRepeatedAddressIdsAreEachReported) {
  customer_patch p;
  p.addresses = std::vector<address_input>{keep("a1"), keep("a1"), keep("other")};
  auto out = run(two_addresses(), p);
  ASSERT_FALSE(out);
  ASSERT_EQ(out.error().details.size(), 2u);
  EXPECT_EQ(out.error().details[0].field, "addresses[1].id");
  EXPECT_EQ(out.error().details[0].reason, "appears more than once");
  EXPECT_EQ(out.error().details[1].field, "addresses[2].id");
  EXPECT_EQ(out.error().details[1].reason, "is not one of this customer's addresses");
}

TEST(ApplyPatch, ResendingAnAddressUnchangedIsNotAModification) {
  customer_patch p;
  auto same = keep("a1");
  same.city.set("Recife");
  p.addresses = std::vector<address_input>{same, keep("a2")};
  auto out = run(two_addresses(), p);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->modified_address_ids.empty());
  EXPECT_EQ(out->next.addresses[0].updated_at, "2024-01-01T00:00:00.000Z");
}

}  // namespace
}  // namespace custbridge::domain
