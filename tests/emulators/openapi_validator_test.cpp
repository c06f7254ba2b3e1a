// The validator the conformance tests rely on must reject what the schemas reject;
// otherwise a passing conformance test would prove nothing.
#include <gtest/gtest.h>

#include "tests/emulators/bigcommerce_conformance.hpp"

namespace custbridge::emulators::testing {
namespace {

rapidjson::Document json(const char* text) {
  rapidjson::Document d;
  d.Parse(text);
  return d;
}

class OpenApiValidator : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto& specs = bigcommerce_specs::get();
    ASSERT_TRUE(specs.error.empty()) << specs.error;
    spec_ = &*specs.customers_v3;
  }
  const openapi_spec* spec_ = nullptr;
};

TEST_F(OpenApiValidator, AcceptsADocumentedCustomerList) {
  auto schema = spec_->response_schema("/customers", "get", 200);
  ASSERT_TRUE(schema);
  auto ok = json(R"({"data":[{"id":1,"email":"a@b.co","first_name":"A","last_name":"B","date_created":"2018-11-13T21:42:06Z",
                   "addresses":[{"id":1,"customer_id":1,"first_name":"A","last_name":"B","address1":"x","city":"c",
                                 "state_or_province":"Texas","postal_code":"1","country_code":"US","address_type":"residential"}]}],
                   "meta":{"pagination":{"total":1,"count":1,"per_page":50,"current_page":1,"total_pages":1,"links":{"current":"?page=1&limit=50"}}}})");
  EXPECT_TRUE(spec_->validate(ok, schema, true).empty());
}

TEST_F(OpenApiValidator, RejectsWrongTypesLengthsEnumsMissingRequiredAndUnknownKeys) {
  auto schema = spec_->response_schema("/customers", "get", 200);
  auto check = [&](const char* body, const char* fragment) {
    auto d = json(body);
    auto problems = spec_->validate(d, schema, true);
    std::string all;
    for (const auto& p : problems) all += p + "\n";
    EXPECT_NE(all.find(fragment), std::string::npos) << "expected '" << fragment << "' in:\n" << all;
  };
  check(R"({"data":[{"id":"1"}]})", "$.data[0].id: string where the schema wants integer");
  check(R"({"data":[{"id":1,"first_name":""}]})", "shorter than minLength");
  check(R"({"data":[{"id":1,"date_created":"yesterday"}]})", "not an ISO 8601 date-time");
  check(R"({"data":[{"id":1,"addresses":[{"address_type":"castle"}]}]})", "not in the enum");
  check(R"({"data":[{"id":1,"addresses":[{"id":1}]}]})", "required property 'customer_id' is missing");
  check(R"({"data":[{"id":1,"emial":"typo@x.com"}]})", "$.data[0].emial: property not in the schema");
  check(R"({"data":[{"id":1,"channel_ids":null}]})", "null where the schema wants array");
  check(R"({"data":[{"id":3000000000}]})", "outside int32");
}

TEST(OpenApiSpecs, MissingFileIsAClearError) {
  std::string err;
  EXPECT_FALSE(openapi_spec::load("/nonexistent/customers.v3.yml", err));
  EXPECT_NE(err.find("/nonexistent/customers.v3.yml"), std::string::npos);
}

}  // namespace
}  // namespace custbridge::emulators::testing
