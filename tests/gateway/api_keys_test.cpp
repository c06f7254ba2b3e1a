#include <gtest/gtest.h>

#include "common/crypto.hpp"
#include "gateway/auth/api_keys.hpp"

namespace custbridge::auth {
namespace {

http::request with_key(const std::string& key) {
  http::request r;
  r.headers.emplace_back("x-api-key", key);
  return r;
}

TEST(ApiKeys, GeneratedKeysAreWellFormedAndDistinct) {
  auto a = generate_key();
  auto b = generate_key();
  EXPECT_TRUE(well_formed_key(a));
  EXPECT_NE(a, b);
  EXPECT_FALSE(well_formed_key("sk_live_abc"));
  EXPECT_FALSE(well_formed_key("sk_test_" + std::string(32, 'a')));
  EXPECT_FALSE(well_formed_key("sk_live_" + std::string(31, 'a') + "!"));
}

TEST(ApiKeys, ScopeSpellingsMapToPermissions) {
  const auto k1 = generate_key(), k2 = generate_key(), k3 = generate_key();
  key_ring ring({{"dot", sha256_hex(k1), {"s"}, {"customer.read", "customer.delete"}},
                 {"colon", sha256_hex(k2), {"s"}, {"customers:write"}},
                 {"all", sha256_hex(k3), {"*"}, {"*"}}});
  EXPECT_TRUE(ring.authorize(with_key(k1), "s", permission::read));
  EXPECT_TRUE(ring.authorize(with_key(k1), "s", permission::remove));
  auto denied = ring.authorize(with_key(k1), "s", permission::write);
  ASSERT_FALSE(denied);
  EXPECT_TRUE(denied.error().forbidden);
  EXPECT_EQ(denied.error().required_scope, "customers:write");
  EXPECT_TRUE(ring.authorize(with_key(k2), "s", permission::write));
  EXPECT_TRUE(ring.authorize(with_key(k2), "s", permission::remove));
  EXPECT_FALSE(ring.authorize(with_key(k2), "s", permission::read)) << "write does not imply read";
  EXPECT_TRUE(ring.authorize(with_key(k3), "anything", permission::remove));
  auto other = ring.authorize(with_key(k1), "t", permission::read);
  ASSERT_FALSE(other);
  EXPECT_TRUE(other.error().forbidden);
  auto unknown = ring.authorize(with_key(generate_key()), "s", permission::read);
  ASSERT_FALSE(unknown);
  EXPECT_FALSE(unknown.error().forbidden);
  EXPECT_EQ(unknown.error().message.find("sk_live_"), std::string::npos) << "the key is never echoed";
}

}  // namespace
}  // namespace custbridge::auth
