#include "gateway/backends/platform/platform_registry.hpp"

#include <gtest/gtest.h>

#include <set>

namespace custbridge::backends {
namespace {

TEST(PlatformRegistry, EveryAdapterIsRegisteredOnceWithItsOwnIdTag) {
  std::set<std::string_view> names;
  std::set<platform> tags;
  for (const auto& a : platform_adapters()) {
    EXPECT_TRUE(names.insert(a.backend).second) << a.backend;
    EXPECT_TRUE(tags.insert(a.tag).second) << a.backend << ": a tag minted into ids must not be shared";
    EXPECT_EQ(a.capabilities().backend, a.backend) << "capabilities name their own backend";
    EXPECT_EQ(find_platform_adapter(a.backend), &a);
  }
  EXPECT_EQ(names, (std::set<std::string_view>{"nuvemshop", "bigcommerce_v3", "bigcommerce_v2"}));
  EXPECT_EQ(find_platform_adapter("local"), nullptr) << "the local store is not a platform";
  EXPECT_EQ(find_platform_adapter("shopify"), nullptr);
}

TEST(PlatformRegistry, TheConfigAcceptsLocalAndEveryRegisteredPlatform) {
  const auto known = known_backends();
  EXPECT_EQ(known.front(), "local");
  EXPECT_EQ(known.size(), platform_adapters().size() + 1);
}

TEST(PlatformRegistry, EachAdapterSuppliesItsOwnRateLimitDialect) {
  config::platform_config cfg;
  cfg.base_url = "https://example.com/";
  for (const auto& a : platform_adapters()) {
    const auto options = a.client_options(cfg);
    EXPECT_NE(options.rate_limit.dialect.kind, upstream::rate_limit_dialect::model::none) << a.backend;
    EXPECT_FALSE(options.rate_limit.dialect.remaining_header.empty()) << a.backend;
  }
}

}  // namespace
}  // namespace custbridge::backends
