#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "mappers/loader.hpp"
#include "tests/mappers/support.hpp"

namespace custbridge::mappers {
namespace {

class shipped_file : public ::testing::TestWithParam<std::string> {};

TEST_P(shipped_file, loads_without_diagnostics) {
  auto plan = test::load_platform(GetParam());
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->platform, GetParam());
}

INSTANTIATE_TEST_SUITE_P(all, shipped_file, ::testing::Values("nuvemshop", "bigcommerce_v2", "bigcommerce_v3"));

// The platform fields a BigCommerce mapping file declares must exist in the official
// OpenAPI schema (../shared/specs/bigcommerce), so a typo or an invented field fails here.
std::set<std::string> openapi_properties(const YAML::Node& schemas, const std::vector<std::string>& names) {
  std::set<std::string> out;
  for (const auto& name : names) {
    const auto s = schemas[name];
    if (!s.IsDefined()) continue;
    auto collect = [&](const YAML::Node& node) {
      if (node["properties"].IsDefined())
        for (auto it = node["properties"].begin(); it != node["properties"].end(); ++it) out.insert(it->first.as<std::string>());
    };
    collect(s);
    if (s["allOf"].IsDefined())
      for (const auto& part : s["allOf"]) collect(part);
  }
  return out;
}

std::set<std::string> declared_fields(const std::string& platform, const std::string& object) {
  auto yaml = YAML::LoadFile(test::platform_file(platform).string());
  std::set<std::string> out;
  for (auto it = yaml["schema"][object].begin(); it != yaml["schema"][object].end(); ++it) out.insert(it->first.as<std::string>());
  return out;
}

void expect_subset(const std::set<std::string>& declared, const std::set<std::string>& spec, const std::string& what) {
  ASSERT_FALSE(spec.empty()) << what << ": no properties found in the spec";
  for (const auto& f : declared) EXPECT_TRUE(spec.count(f)) << what << ": '" << f << "' is not in the OpenAPI schema";
}

TEST(shipped_file_schema, bigcommerce_v3_fields_exist_in_openapi) {
  const auto spec = test::shared_dir() / "specs/bigcommerce/customers.v3.yml";
  if (!std::filesystem::exists(spec)) GTEST_SKIP() << "needs " << spec << " (../shared beside the checkout)";
  const auto schemas = YAML::LoadFile(spec.string())["components"]["schemas"];
  expect_subset(declared_fields("bigcommerce_v3", "customer"),
                openapi_properties(schemas, {"customer_Full", "customer_Post", "customer_Put"}), "v3 customer");
  expect_subset(declared_fields("bigcommerce_v3", "address"),
                openapi_properties(schemas, {"address_Full", "address_Post", "address_Put"}), "v3 address");
}

TEST(shipped_file_schema, bigcommerce_v2_fields_exist_in_openapi) {
  const auto spec = test::shared_dir() / "specs/bigcommerce/customers.v2.yml";
  if (!std::filesystem::exists(spec)) GTEST_SKIP() << "needs " << spec << " (../shared beside the checkout)";
  // The 2022 copy (Swagger 2.0, `definitions`) still documents fields the current file
  // dropped, such as the address `form_fields` of its response examples.
  const auto historic = test::shared_dir() / "specs/bigcommerce/historic/customers.v2.at-57e3f20e.yml";
  const auto schemas = YAML::LoadFile(spec.string())["components"]["schemas"];
  const auto old_schemas = YAML::LoadFile(historic.string())["definitions"];
  auto customer = openapi_properties(schemas, {"customer_Base", "customer_Full", "customer_Post", "customer_Put"});
  auto address = openapi_properties(schemas, {"customerAddress_Base", "customerAddress_Full"});
  customer.merge(openapi_properties(old_schemas, {"customer_Base", "customer_Full"}));
  address.merge(openapi_properties(old_schemas, {"customerAddress_Base", "customerAddress_Full"}));
  expect_subset(declared_fields("bigcommerce_v2", "customer"), customer, "v2 customer");
  expect_subset(declared_fields("bigcommerce_v2", "address"), address, "v2 address");
}

}  // namespace
}  // namespace custbridge::mappers
