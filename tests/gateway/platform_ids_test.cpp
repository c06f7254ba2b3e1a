#include <gtest/gtest.h>

#include <random>

#include "common/ids.hpp"
#include "gateway/backends/platform_ids.hpp"

namespace custbridge::backends {
namespace {

TEST(PlatformIds, RoundTripAnyNumericIdAsAVersion8Uuid) {
  std::mt19937_64 rng(7);
  for (std::uint64_t id : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{144783210}, UINT64_MAX, rng(), rng(), rng()}) {
    const auto uuid = encode_platform_id(platform::nuvemshop, id_kind::customer, "store-1", id);
    ASSERT_TRUE(is_uuid(uuid)) << uuid;
    EXPECT_EQ(uuid[14], '8') << "version 8";
    EXPECT_NE(std::string("89ab").find(uuid[19]), std::string::npos) << "RFC variant";
    EXPECT_EQ(decode_platform_id(platform::nuvemshop, id_kind::customer, "store-1", uuid), id);
  }
}

TEST(PlatformIds, IdsAlreadyHandedOutNeverChange) {
  // Minted by the first implementation; clients keep these, so every later one must agree.
  EXPECT_EQ(encode_platform_id(platform::nuvemshop, id_kind::customer, "store-1", 5000000001ULL),
            "c6a8e0d0-a64a-8a10-8000-00012a05f201");
  EXPECT_EQ(encode_platform_id(platform::bigcommerce_v3, id_kind::address, "0f0e0d0c-0b0a-4909-8807-060504030201", 42),
            "966605ad-68cd-8034-8000-00000000002a");
  EXPECT_EQ(encode_platform_id(platform::bigcommerce_v2, id_kind::customer, "bench", 18446744073709551615ULL),
            "efc282bf-73b0-8923-bfff-ffffffffffff");
  EXPECT_EQ(decode_platform_id(platform::bigcommerce_v2, id_kind::customer, "bench", "EFC282BF-73B0-8923-BFFF-FFFFFFFFFFFF"),
            18446744073709551615ULL);
}

TEST(PlatformIds, IdsFromAnotherStorePlatformOrKindAreRejected) {
  const auto uuid = encode_platform_id(platform::bigcommerce_v3, id_kind::customer, "bc-main", 42);
  EXPECT_FALSE(decode_platform_id(platform::bigcommerce_v3, id_kind::customer, "bc-other", uuid));
  EXPECT_FALSE(decode_platform_id(platform::bigcommerce_v2, id_kind::customer, "bc-main", uuid));
  EXPECT_FALSE(decode_platform_id(platform::bigcommerce_v3, id_kind::address, "bc-main", uuid));
  EXPECT_FALSE(decode_platform_id(platform::bigcommerce_v3, id_kind::customer, "bc-main", new_uuid_v4()));
  EXPECT_FALSE(decode_platform_id(platform::bigcommerce_v3, id_kind::customer, "bc-main", "42"));
}

TEST(PlatformIds, DistinctIdsGiveDistinctUuids) {
  EXPECT_NE(encode_platform_id(platform::nuvemshop, id_kind::customer, "s", 1),
            encode_platform_id(platform::nuvemshop, id_kind::customer, "s", 2));
  EXPECT_NE(encode_platform_id(platform::nuvemshop, id_kind::customer, "s", 1),
            encode_platform_id(platform::nuvemshop, id_kind::address, "s", 1));
}

}  // namespace
}  // namespace custbridge::backends
