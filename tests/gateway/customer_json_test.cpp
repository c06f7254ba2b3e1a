#include <gtest/gtest.h>

#include "gateway/api/customer_json.hpp"

#include <string>
#include <utility>
#include <vector>

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

// One 400 naming the field, never stored: invalid UTF-8 made list pages unreadable to
// strict clients, a NUL cut metadata short, and a second "addresses" key was appended.
TEST(CustomerJson, StringsMustBeValidUtf8WithoutNul) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{\"email\":\"x@example.com\",\"name\":\"\xff\xfe\"}", "name"},
      {"{\"email\":\"x@example.com\",\"name\":\"\xc0\xaf\"}", "name"},  // overlong '/'
      {R"({"email":"x@example.com","name":"a\udc00b"})", "name"},       // lone surrogate
      {R"({"email":"x@example.com","metadata":{"k":"a\u0000b"}})", "metadata.k"},
      {R"({"email":"x@example.com","metadata":{"a\u0000b":"v"}})", std::string("metadata.a\0b", 12)},
  };
  for (const auto& [body, field] : cases) {
    auto c = parse_customer_create(body, 32);
    ASSERT_FALSE(c) << body;
    EXPECT_EQ(c.error().kind, error_kind::bad_request) << body;
    ASSERT_EQ(c.error().details.size(), 1u) << body;
    EXPECT_EQ(c.error().details[0].field, field) << body;
  }
  auto ok = parse_customer_create(R"({"email":"x@example.com","name":"Zoë \ud83d\ude00"})", 32);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(*ok->name, "Zoë \xf0\x9f\x98\x80") << "a surrogate pair is one code point";
}

TEST(CustomerJson, ADuplicateKeyAnywhereIsRefusedByName) {
  auto twice = parse_customer_create(R"({"email":"x@example.com","addresses":[],"addresses":[]})", 32);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().details[0].field, "addresses");
  EXPECT_EQ(twice.error().details[0].reason, "appears more than once");
  auto nested = parse_customer_create(R"({"email":"x@example.com","addresses":[
      {"address1":"a","city":"b","city":"c","postalCode":"c","country":"US"}]})", 32);
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error().details[0].field, "addresses[0].city");
  auto patch = parse_customer_patch(R"({"name":"a","name":"b"})", 32);
  ASSERT_FALSE(patch);
  EXPECT_EQ(patch.error().details[0].field, "name");
}

TEST(CustomerJson, TheBodyIsOneJsonValueWithNothingAroundIt) {
  auto bom = parse_customer_create("\xEF\xBB\xBF{\"email\":\"x@example.com\"}", 32);
  ASSERT_FALSE(bom);
  EXPECT_EQ(bom.error().kind, error_kind::bad_request);
  const std::string after_nul = std::string("{\"email\":\"x@example.com\"}") + '\0' + "garbage";
  auto nul = parse_customer_create(after_nul, 32);
  ASSERT_FALSE(nul);
  EXPECT_NE(nul.error().message.find("NUL"), std::string::npos) << nul.error().message;
  auto trailing = parse_customer_create(R"({"email":"x@example.com"} {})", 32);
  ASSERT_FALSE(trailing);
}

}  // namespace
}  // namespace custbridge::api
