#include <gtest/gtest.h>

#include "gateway/api/customer_json.hpp"

namespace custbridge::api {
namespace {

TEST(CustomerJson, EmailValidation) {
  for (const char* ok : {"a@b.co", "john.doe+tag@example.com", "josé@exämple.com.br"}) EXPECT_TRUE(is_valid_email(ok)) << ok;
  for (const char* bad : {"", "a", "@b.co", "a@", "a@b", "a@.com", "a b@c.com", "a@@b.com", "a..b@c.com", ".a@b.com", "a@b..com"})
    EXPECT_FALSE(is_valid_email(bad)) << bad;
}

TEST(CustomerJson, CreateTrimsAndNormalizes) {
  auto c = parse_customer_create(R"({"email":"  x@example.com ","name":"  ","addresses":[
      {"address1":"a","city":"b","postalCode":"c","country":" brazil "}]})", 32);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->email, "x@example.com");
  EXPECT_FALSE(c->name) << "a blank optional string is no value";
  EXPECT_EQ(*c->addresses[0].country.value, "BR");
  EXPECT_TRUE(c->addresses[0].is_default.value_or(false));
}

TEST(CustomerJson, CreateRejectsDefaultAddressIdAndTwoDefaults) {
  auto withId = parse_customer_create(R"({"email":"x@example.com","defaultAddressId":"00000000-0000-4000-8000-000000000000"})", 32);
  ASSERT_FALSE(withId);
  EXPECT_EQ(withId.error().details[0].field, "defaultAddressId");
  auto two = parse_customer_create(R"({"email":"x@example.com","addresses":[
      {"address1":"a","city":"b","postalCode":"c","country":"US","isDefault":true},
      {"address1":"a","city":"b","postalCode":"c","country":"US","isDefault":true}]})", 32);
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().details[0].reason, "at most one address may have isDefault: true");
}

TEST(CustomerJson, PatchDistinguishesAbsentNullAndValue) {
  auto p = parse_customer_patch(R"({"name":null,"marketingOptIn":true})", 32);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->name.present);
  EXPECT_FALSE(p->name.value);
  EXPECT_FALSE(p->phone.present);
  EXPECT_EQ(p->marketing_opt_in, true);
  EXPECT_FALSE(p->addresses);
  auto nullEmail = parse_customer_patch(R"({"email":null})", 32);
  ASSERT_FALSE(nullEmail);
  EXPECT_EQ(nullEmail.error().details[0].reason, "is required");
}

TEST(CustomerJson, PatchAddressWithIdNeedNotRepeatRequiredFields) {
  auto p = parse_customer_patch(R"({"addresses":[{"id":"00000000-0000-4000-8000-000000000001","city":"Recife"},
                                                 {"address1":"new"}]})", 32);
  ASSERT_FALSE(p);
  ASSERT_EQ(p.error().details.size(), 3u) << "only the new address misses city, postalCode and country";
  EXPECT_EQ(p.error().details[0].field, "addresses[1].city");
}

TEST(CustomerJson, LengthsCountCharactersNotBytes) {
  const std::string name(100, 'a');
  std::string accented;
  for (int i = 0; i < 100; ++i) accented += "é";  // 200 bytes, 100 characters
  EXPECT_TRUE(parse_customer_create(R"({"email":"x@example.com","addresses":[{"address1":"a","city":")" + accented +
                                        R"(","postalCode":"c","country":"US"}]})", 32));
  EXPECT_FALSE(parse_customer_create(R"({"email":"x@example.com","addresses":[{"address1":"a","city":")" + accented +
                                         R"(x","postalCode":"c","country":"US"}]})", 32));
}

TEST(CustomerJson, ListRendersPaginationArithmetic) {
  domain::customer_page page;
  page.total = 101;
  auto json = customer_list_json(page, 50, 100);
  EXPECT_NE(json.find(R"("pagination":{"page":3,"limit":50,"total":101,"totalPages":3,"hasNext":false,"hasPrev":true})"),
            std::string::npos)
      << json;
}

}  // namespace
}  // namespace custbridge::api
