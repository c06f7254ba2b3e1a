// Behaviour of the apply functions on the shipped plans: partial updates, nulls,
// per-operation rules, constants, defaults, conditions, custom fields, reports,
// envelopes and ids.
#include "mappers/mapper.hpp"

#include <gtest/gtest.h>

#include "mappers/loader.hpp"
#include "tests/mappers/support.hpp"

namespace custbridge::mappers {
namespace {

using rapidjson::Value;

struct fixture {
  std::shared_ptr<const mapping_plan> plan;
  rapidjson::Document doc;

  explicit fixture(const std::string& platform) : plan(test::load_platform(platform)) {}

  std::string write(const std::string& canonical, operation op, map_report* report = nullptr,
                    const custom_field_binding* binding = nullptr) {
    auto in = test::parse(canonical);
    Value out;
    auto r = customer_to_platform(*plan, in, op, out, doc.GetAllocator(), binding);
    if (report) *report = r;
    return test::dump(out);
  }
  std::string read(const std::string& platform_json, map_report* report = nullptr,
                   const custom_field_binding* binding = nullptr) {
    auto in = test::parse(platform_json);
    Value out;
    auto r = customer_to_canonical(*plan, in, out, doc.GetAllocator(), binding);
    if (report) *report = r;
    return test::dump(out);
  }
};

TEST(mapper_write, partial_update_keeps_absent_fields_absent) {
  fixture f("nuvemshop");
  map_report r;
  EXPECT_EQ(f.write(R"({"name":"John D. Smith"})", operation::update, &r), R"({"name":"John D. Smith"})");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.dropped.empty());
}

TEST(mapper_write, null_clears_the_platform_field) {
  fixture f("nuvemshop");
  EXPECT_EQ(f.write(R"({"phone":null})", operation::update), R"({"phone":null})");
  fixture bc("bigcommerce_v3");
  EXPECT_EQ(bc.write(R"({"phone":null})", operation::update), R"({"phone":""})") << "BigCommerce clears with \"\"";
}

TEST(mapper_write, null_policy_per_operation_and_object) {
  fixture v3("bigcommerce_v3");
  EXPECT_EQ(v3.write(R"({"email":"a@b.co","name":"Ann Lee","phone":null})", operation::create),
            R"({"email":"a@b.co","first_name":"Ann","last_name":"Lee","trigger_account_created_notification":false})")
      << "on create a null is left out";
  fixture v2("bigcommerce_v2");
  rapidjson::Document doc;
  auto in = test::parse(R"({"address1":"1 Main","city":"X","postalCode":"1","country":"US","phone":null})");
  Value out;
  ASSERT_TRUE(address_to_platform(*v2.plan, in, operation::create, out, doc.GetAllocator()).ok());
  ASSERT_TRUE(out.HasMember("phone"));
  EXPECT_STREQ(out["phone"].GetString(), "") << "V2 addresses need every field, even on create";
  fixture ns("nuvemshop");
  EXPECT_EQ(ns.write(R"({"phone":null})", operation::update), R"({"phone":null})") << "Nuvemshop keeps null";
}

TEST(mapper_write, email_is_lower_cased_and_name_split) {
  fixture f("bigcommerce_v3");
  EXPECT_EQ(f.write(R"({"email":" Jane.Smith@Example.COM ","name":"Jane van der Berg"})", operation::update),
            R"({"email":"jane.smith@example.com","first_name":"Jane","last_name":"van der Berg"})");
}

TEST(mapper_write, create_only_rules_and_constants) {
  fixture f("nuvemshop");
  const std::string body = R"({"email":"a@b.co","addresses":[{"address1":"Rua Augusta, 1500","city":"São Paulo",
      "region":"SP","postalCode":"01305-100","country":"BR","isDefault":true}]})";
  EXPECT_EQ(f.write(body, operation::create),
            R"({"email":"a@b.co","addresses":[{"address":"Rua Augusta","number":"1500","city":"São Paulo",)"
            R"("province":"São Paulo","zipcode":"01305-100","country":"BR","default":true}],"send_email_invite":false})");
  map_report r;
  EXPECT_EQ(f.write(body, operation::update, &r),
            R"({"email":"a@b.co","addresses":[{"address":"Rua Augusta","number":"1500","city":"São Paulo",)"
            R"("province":"São Paulo","zipcode":"01305-100","country":"BR"}]})");
  ASSERT_EQ(r.dropped.size(), 1u);
  EXPECT_EQ(r.dropped[0], (field_issue{"addresses[0].isDefault", "Nuvemshop rejects the default flag on update"}));
}

TEST(mapper_write, unsupported_fields_are_reported_never_silently_dropped) {
  fixture f("nuvemshop");
  map_report r;
  EXPECT_EQ(f.write(R"({"marketingOptIn":true,"defaultAddressId":"9","addresses":[{"company":"Acme","city":"X"}],"bogus":1})",
                    operation::update, &r),
            R"({"addresses":[{"city":"X"}]})");
  EXPECT_TRUE(r.ok());
  ASSERT_EQ(r.dropped.size(), 4u);
  EXPECT_EQ(r.dropped[0], (field_issue{"bogus", "not a field of the canonical API"}));
  EXPECT_EQ(r.dropped[1], (field_issue{"addresses[0].company", "Nuvemshop addresses have no company field"}));
  EXPECT_EQ(r.dropped[2], (field_issue{"marketingOptIn", "Nuvemshop's accepts_marketing is read-only in the API"}));
  EXPECT_EQ(r.dropped[3], (field_issue{"defaultAddressId", "Nuvemshop cannot change the default address through the API"}));
}

TEST(mapper_write, read_only_canonical_fields_are_ignored_quietly) {
  fixture f("bigcommerce_v3");
  map_report r;
  EXPECT_EQ(f.write(R"({"id":"5","createdAt":"2024-01-10T08:00:00.000Z","phone":"1"})", operation::update, &r),
            R"({"phone":"1"})");
  EXPECT_TRUE(r.dropped.empty());
}

TEST(mapper_write, invalid_values_are_reported_with_canonical_paths) {
  fixture f("nuvemshop");
  map_report r;
  f.write(R"({"email":42,"addresses":[{"city":"A"},{"id":"abc","country":"Narnia"},"x"]})", operation::update, &r);
  ASSERT_EQ(r.invalid.size(), 4u);
  EXPECT_EQ(r.invalid[0], (field_issue{"email", "expected a string"}));
  EXPECT_EQ(r.invalid[1], (field_issue{"addresses[1].id", "not an id of this store"}));
  EXPECT_EQ(r.invalid[2], (field_issue{"addresses[1].country", "unknown country 'Narnia'"}));
  EXPECT_EQ(r.invalid[3], (field_issue{"addresses[2]", "expected an object"}));
}

TEST(mapper_write, country_names_are_accepted_and_written_as_the_platform_wants) {
  fixture v3("bigcommerce_v3");
  EXPECT_EQ(v3.write(R"({"addresses":[{"country":"Brazil","region":"Sao Paulo"}]})", operation::create),
            R"({"addresses":[{"state_or_province":"São Paulo","country_code":"BR"}],)"
            R"("trigger_account_created_notification":false})");
  fixture v2("bigcommerce_v2");
  Value out;
  auto in = test::parse(R"({"country":"us","region":"NY","address1":"1 Main St"})");
  auto r = address_to_platform(*v2.plan, in, operation::create, out, v2.doc.GetAllocator());
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(test::dump(out), R"({"street_1":"1 Main St","state":"New York","country":"United States"})");
}

TEST(mapper_write, default_fills_a_missing_value_on_create_and_a_null_always) {
  fixture v2("bigcommerce_v2");
  auto& alloc = v2.doc.GetAllocator();
  Value out;
  address_to_platform(*v2.plan, test::parse(R"({"city":"Oslo","country":"NO"})"), operation::create, out, alloc);
  EXPECT_EQ(test::dump(out), R"({"city":"Oslo","state":" ","country":"Norway"})");
  address_to_platform(*v2.plan, test::parse(R"({"city":"Oslo"})"), operation::update, out, alloc);
  EXPECT_EQ(test::dump(out), R"({"city":"Oslo"})");
  address_to_platform(*v2.plan, test::parse(R"({"region":null})"), operation::update, out, alloc);
  EXPECT_EQ(test::dump(out), R"({"state":" "})");
  // And back: " " means no state.
  address_to_canonical(*v2.plan, test::parse(R"({"state":" ","country_iso2":"NO"})"), out, alloc);
  EXPECT_EQ(test::dump(out), R"({"region":null,"country":"NO"})");
}

TEST(mapper_read, conditional_rules_pick_country_iso2_or_fall_back_to_the_name) {
  fixture v2("bigcommerce_v2");
  auto& alloc = v2.doc.GetAllocator();
  Value out;
  address_to_canonical(*v2.plan, test::parse(R"({"country":"United States","country_iso2":"US","state":"Ohio"})"), out, alloc);
  EXPECT_EQ(test::dump(out), R"({"region":"OH","country":"US"})");
  address_to_canonical(*v2.plan, test::parse(R"({"country":"Brazil","state":"Bahia"})"), out, alloc);
  EXPECT_EQ(test::dump(out), R"({"region":"BA","country":"BR"})");
}

TEST(mapper_read, unknown_country_and_unreadable_dates_pass_through_and_are_reported) {
  fixture f("nuvemshop");
  map_report r;
  EXPECT_EQ(f.read(R"({"id":7,"created_at":"last tuesday","addresses":[{"country":"XX","province":"Somewhere"}]})", &r),
            R"({"id":"7","addresses":[{"region":"Somewhere","country":"XX"}],"createdAt":"last tuesday"})");
  ASSERT_EQ(r.invalid.size(), 1u);
  EXPECT_EQ(r.invalid[0], (field_issue{"createdAt", "unreadable timestamp"}));
}

TEST(mapper_read, nested_platform_paths_and_names_for_addresses) {
  fixture f("nuvemshop");
  EXPECT_EQ(f.read(R"({"default_address":{"id":1240},"addresses":[{"name":"Maria da Silva","number":"","address":"Rua X"}]})"),
            R"({"defaultAddressId":"1240","addresses":[{"firstName":"Maria","lastName":"da Silva","address1":"Rua X"}]})");
  // and the join when writing
  EXPECT_EQ(f.write(R"({"addresses":[{"firstName":"Maria","lastName":"da Silva"}]})", operation::update),
            R"({"addresses":[{"name":"Maria da Silva"}]})");
}

TEST(mapper_read, platform_type_errors_are_reported) {
  fixture f("bigcommerce_v3");
  map_report r;
  EXPECT_EQ(f.read(R"({"id":"x1","accepts_product_review_abandoned_cart_emails":"yes","email":"A@B.C"})", &r),
            R"({"id":"x1","email":"a@b.c"})");
  ASSERT_EQ(r.invalid.size(), 1u);
  EXPECT_EQ(r.invalid[0], (field_issue{"marketingOptIn", "expected a boolean"}));
}

TEST(custom_fields, nuvemshop_extra_passes_string_keys_through) {
  fixture f("nuvemshop");
  EXPECT_EQ(f.write(R"({"metadata":{"gender":"male","vip":"yes"}})", operation::update),
            R"({"extra":{"gender":"male","vip":"yes"}})");
  map_report r;
  f.write(R"({"metadata":{"kids":2}})", operation::update, &r);
  ASSERT_EQ(r.invalid.size(), 1u);
  EXPECT_EQ(r.invalid[0], (field_issue{"metadata.kids", "custom field values must be strings"}));
  EXPECT_EQ(f.read(R"({"extra":{"kids":2,"vip":true,"none":null,"tag":"a"}})"),
            R"({"metadata":{"kids":"2","vip":"true","tag":"a"}})");
}

constexpr const char* attributes_mapping = R"(
mapping_version: 1
platform: bigcommerce_v3_with_attributes
schema:
  customer: {id: integer, email: string, attributes: array}
  address: {id: integer}
custom_fields:
  style: attributes
  fields:
    - {canonical: shoeSize, platform: Shoe size}
    - {canonical: tier, platform: Loyalty tier}
customer:
  - {canonical: id, platform: id, transform: id, direction: read}
  - {canonical: email, platform: email}
  - {canonical: metadata, platform: attributes, transform: custom_fields}
address:
  - {canonical: id, platform: id, transform: id}
unsupported:
  - {canonical: name, reason: r}
  - {canonical: phone, reason: r}
  - {canonical: marketingOptIn, reason: r}
  - {canonical: defaultAddressId, reason: r}
  - {canonical: addresses, reason: r}
  - {canonical: createdAt, reason: r}
  - {canonical: updatedAt, reason: r}
  - {canonical: "addresses[].firstName", reason: r}
  - {canonical: "addresses[].lastName", reason: r}
  - {canonical: "addresses[].company", reason: r}
  - {canonical: "addresses[].address1", reason: r}
  - {canonical: "addresses[].address2", reason: r}
  - {canonical: "addresses[].city", reason: r}
  - {canonical: "addresses[].region", reason: r}
  - {canonical: "addresses[].postalCode", reason: r}
  - {canonical: "addresses[].country", reason: r}
  - {canonical: "addresses[].phone", reason: r}
  - {canonical: "addresses[].isDefault", reason: r}
  - {canonical: "addresses[].createdAt", reason: r}
  - {canonical: "addresses[].updatedAt", reason: r}
envelope: {write: array, responses: data}
query:
  paging: {style: page, page: page, size: limit, max: 250}
  email: {param: "email:in"}
  search: {param: "name:like"}
errors:
  rules:
    - {status: any, code: UPSTREAM_ERROR}
)";

TEST(custom_fields, bigcommerce_attributes_by_name_through_a_store_binding) {
  auto loaded = load_mapping_string(attributes_mapping, "attributes.yaml");
  ASSERT_TRUE(loaded) << loaded.error().front().to_string();
  const auto& plan = **loaded;
  const auto binding = bind_custom_fields(plan, {{"Loyalty tier", 7}, {"Shoe size", 3}, {"Other", 9}});
  EXPECT_EQ(binding.ids, (std::vector<std::int64_t>{3, 7}));
  rapidjson::Document doc;
  Value out;
  auto r = customer_to_platform(plan, test::parse(R"({"metadata":{"tier":"gold","shoeSize":"42","color":"red"}})"),
                                operation::create, out, doc.GetAllocator(), &binding);
  EXPECT_EQ(test::dump(out),
            R"({"attributes":[{"attribute_id":7,"attribute_value":"gold"},{"attribute_id":3,"attribute_value":"42"}]})");
  ASSERT_EQ(r.dropped.size(), 1u);
  EXPECT_EQ(r.dropped[0], (field_issue{"metadata.color", "no custom field is declared for 'color'"}));

  customer_to_canonical(plan,
                        test::parse(R"({"attributes":[{"id":1,"attribute_id":3,"attribute_value":"42","customer_id":5},)"
                                    R"({"id":2,"attribute_id":99,"attribute_value":"x"}]})"),
                        out, doc.GetAllocator(), &binding);
  EXPECT_EQ(test::dump(out), R"({"metadata":{"shoeSize":"42"}})");

  // A store without the attribute: reported, not sent.
  const auto partial = bind_custom_fields(plan, {{"Shoe size", 3}});
  r = customer_to_platform(plan, test::parse(R"({"metadata":{"tier":"gold"}})"), operation::create, out,
                           doc.GetAllocator(), &partial);
  EXPECT_EQ(test::dump(out), R"({"attributes":[]})");
  ASSERT_EQ(r.dropped.size(), 1u);
  EXPECT_EQ(r.dropped[0], (field_issue{"metadata.tier", "customer attribute 'Loyalty tier' does not exist in this store"}));
}

TEST(envelope, bigcommerce_v3_writes_arrays_and_answers_with_data) {
  fixture f("bigcommerce_v3");
  auto& alloc = f.doc.GetAllocator();
  Value out;
  request_body(*f.plan, test::parse(R"({"email":"a@b.co"})"), operation::update, out, alloc);
  EXPECT_EQ(test::dump(out), R"([{"email":"a@b.co"}])");
  customer_from_response(*f.plan, test::parse(R"({"data":[{"id":12,"email":"a@b.co"}],"meta":{}})"), out, alloc);
  EXPECT_EQ(test::dump(out), R"({"id":"12","email":"a@b.co"})");
  auto r = customer_from_response(*f.plan, test::parse(R"({"data":[],"meta":{}})"), out, alloc);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(total_header(*f.plan), "");
}

TEST(envelope, nuvemshop_bodies_are_bare_and_the_total_is_a_header) {
  fixture f("nuvemshop");
  auto& alloc = f.doc.GetAllocator();
  Value out;
  request_body(*f.plan, test::parse(R"({"email":"a@b.co"})"), operation::update, out, alloc);
  EXPECT_EQ(test::dump(out), R"({"email":"a@b.co"})");
  EXPECT_EQ(total_header(*f.plan), "x-total-count");
  auto r = customer_to_canonical(*f.plan, test::parse("[]"), out, alloc);
  EXPECT_TRUE(out.IsNull());
  EXPECT_FALSE(r.ok());
}

TEST(ids, decimal_ids_are_strings_on_the_canonical_side_and_prefixes_are_gone) {
  fixture f("nuvemshop");
  rapidjson::Document doc;
  Value out;
  customer_to_canonical(*f.plan, test::parse(R"({"id":101})"), out, doc.GetAllocator());
  EXPECT_EQ(test::dump(out), R"({"id":"101"})");
  // Canonical ids on platform stores are the gateway's UUIDs (platform_ids); the
  // mapper's own prefix scheme is no more, and a file that asks for it says so.
  const std::string yaml = test::read_text(test::platform_file("nuvemshop"));
  std::string prefixed = yaml;
  const std::string from = "{canonical: id, platform: id, transform: id, direction: read}";
  prefixed.replace(prefixed.find(from), from.size(), "{canonical: id, platform: id, transform: {name: id, prefix: cust_}, direction: read}");
  auto loaded = load_mapping_string(prefixed, "prefixed.yaml");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().front().to_string().find("unknown key 'prefix'"), std::string::npos)
      << loaded.error().front().to_string();
}

constexpr const char* coerce_mapping = R"(
mapping_version: 1
platform: coerce_and_money
schema:
  customer: {id: string, active: string, rank: string, spent: decimal, seen: timestamp}
  address: {id: integer}
customer:
  - {canonical: id, platform: id, transform: id, direction: read}
  - {canonical: marketingOptIn, platform: active, transform: coerce}
  - {canonical: name, platform: spent, transform: {name: money, scale: 2}, direction: read}
  - {canonical: phone, platform: rank}
  - {canonical: createdAt, platform: seen, transform: {name: timestamp, format: rfc2822}, direction: read}
address:
  - {canonical: id, platform: id, transform: id}
unsupported:
  - {canonical: name, direction: write, reason: r}
  - {canonical: email, reason: r}
  - {canonical: defaultAddressId, reason: r}
  - {canonical: addresses, reason: r}
  - {canonical: metadata, reason: r}
  - {canonical: updatedAt, reason: r}
  - {canonical: "addresses[].firstName", reason: r}
  - {canonical: "addresses[].lastName", reason: r}
  - {canonical: "addresses[].company", reason: r}
  - {canonical: "addresses[].address1", reason: r}
  - {canonical: "addresses[].address2", reason: r}
  - {canonical: "addresses[].city", reason: r}
  - {canonical: "addresses[].region", reason: r}
  - {canonical: "addresses[].postalCode", reason: r}
  - {canonical: "addresses[].country", reason: r}
  - {canonical: "addresses[].phone", reason: r}
  - {canonical: "addresses[].isDefault", reason: r}
  - {canonical: "addresses[].createdAt", reason: r}
  - {canonical: "addresses[].updatedAt", reason: r}
envelope: {write: object, responses: root}
query:
  paging: {style: offset, offset: offset, size: limit, max: 100}
  email: {param: email}
  search: {param: q}
errors:
  rules:
    - {status: any, code: UPSTREAM_ERROR}
)";

TEST(transforms_in_plans, coerce_money_and_string_ids) {
  auto loaded = load_mapping_string(coerce_mapping, "coerce.yaml");
  ASSERT_TRUE(loaded) << loaded.error().front().to_string();
  const auto& plan = **loaded;
  rapidjson::Document doc;
  Value out;
  customer_to_canonical(plan, test::parse(R"({"id":"abc","active":"true","spent":"89","seen":"2013-01-03T09:11:51-03:00"})"),
                        out, doc.GetAllocator());
  EXPECT_EQ(test::dump(out), R"({"id":"abc","marketingOptIn":true,"name":"89.00","createdAt":"2013-01-03T12:11:51.000Z"})");
  customer_to_canonical(plan, test::parse(R"({"active":"false","spent":43.155})"), out, doc.GetAllocator());
  EXPECT_EQ(test::dump(out), R"({"marketingOptIn":false,"name":"43.16"})");
  auto r = customer_to_canonical(plan, test::parse(R"({"active":"maybe","spent":"lots"})"), out, doc.GetAllocator());
  EXPECT_EQ(test::dump(out), "{}");
  ASSERT_EQ(r.invalid.size(), 2u);
  EXPECT_EQ(r.invalid[0], (field_issue{"marketingOptIn", "cannot convert to boolean"}));
  EXPECT_EQ(r.invalid[1], (field_issue{"name", "not a decimal amount"}));
  customer_to_platform(plan, test::parse(R"({"marketingOptIn":true})"), operation::update, out, doc.GetAllocator());
  EXPECT_EQ(test::dump(out), R"({"active":"true"})");
}

}  // namespace
}  // namespace custbridge::mappers
