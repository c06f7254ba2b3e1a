// The fixture every platform adapter's tests use: for each registered adapter, the store
// it builds is the one the registry describes, and answers a create, get and delete.
#include "tests/backends/store_fixture.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gateway/backends/platform/platform_registry.hpp"

namespace custbridge::backends {
namespace {

std::vector<std::string> registered_backends() {
  std::vector<std::string> out;
  for (const auto& a : platform_adapters()) out.emplace_back(a.backend);
  return out;
}

class store_fixture_test : public ::testing::TestWithParam<std::string> {};

TEST_P(store_fixture_test, builds_the_registered_adapter_on_an_emulator) {
  const auto* adapter = find_platform_adapter(GetParam());
  ASSERT_NE(adapter, nullptr);
  auto emulator = testing_stores::start_emulator(GetParam(), {"--customers", "0", "--rate-scale", "100"});
  testing_stores::store_fixture fixture(*emulator, GetParam(), "fixture-store");

  EXPECT_EQ(fixture.store().store_id, "fixture-store");
  EXPECT_EQ(fixture.store().kind, adapter->tag);
  EXPECT_EQ(fixture.store().platform_name, adapter->display_name);
  EXPECT_EQ(&fixture.backend().capabilities(), &adapter->capabilities());
  EXPECT_TRUE(fixture.backend().ready());

  domain::customer_create in;
  in.email = "fixture@example.com";
  in.name = "Fixture Person";
  auto created = fixture.create(in);
  ASSERT_TRUE(created) << created.error().message;
  auto got = fixture.get(created->id);
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_EQ(got->email, "fixture@example.com");
  EXPECT_TRUE(fixture.remove(created->id));
  EXPECT_FALSE(fixture.get(created->id));
}

TEST(store_fixture, an_unregistered_backend_is_refused_by_name) {
  EXPECT_THROW(testing_stores::emulator_platform("shopify"), std::invalid_argument);
  auto emulator = testing_stores::start_emulator("nuvemshop", {"--customers", "0"});
  EXPECT_THROW(testing_stores::store_fixture(*emulator, "local", "x"), std::runtime_error);
}

INSTANTIATE_TEST_SUITE_P(adapters, store_fixture_test, ::testing::ValuesIn(registered_backends()),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace custbridge::backends
