#include <gtest/gtest.h>

#include "gateway/backends/nuvemshop/nuvemshop_list.hpp"

namespace custbridge::backends::nuvemshop {
namespace {

// Every window of every size up to the platform maximum is covered exactly, in order,
// by at most two pages of at most `max` items.
TEST(NuvemshopPages, CoverEveryWindowExactly) {
  constexpr int max = 200;
  for (std::int64_t begin = 0; begin < 700; begin += 3) {
    for (std::int64_t n = 1; n <= max; n += (n < 12 ? 1 : 17)) {
      const auto slices = plan_pages(begin, begin + n, max);
      ASSERT_FALSE(slices.empty());
      ASSERT_LE(slices.size(), 2u);
      std::vector<std::int64_t> covered;
      for (const auto& s : slices) {
        ASSERT_GE(s.page, 1);
        ASSERT_LE(s.per_page, max);
        ASSERT_GE(s.per_page, 1);
        ASSERT_LE(s.skip + s.take, s.per_page);
        for (auto i = s.skip; i < s.skip + s.take; ++i) covered.push_back((s.page - 1) * s.per_page + i);
      }
      ASSERT_EQ(covered.size(), static_cast<std::size_t>(n)) << begin << "+" << n;
      for (std::int64_t i = 0; i < n; ++i) ASSERT_EQ(covered[static_cast<std::size_t>(i)], begin + i) << begin << "+" << n;
    }
  }
}

TEST(NuvemshopPages, PrefersOnePage) {
  // offset 30, limit 50: page 1 of 80 holds it.
  auto s = plan_pages(30, 80, 200);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].page, 1);
  EXPECT_EQ(s[0].per_page, 80);
  EXPECT_EQ(s[0].skip, 30);
  // 199..399 fits no single page of at most 200: two pages of 200.
  s = plan_pages(199, 399, 200);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].page, 1);
  EXPECT_EQ(s[0].skip, 199);
  EXPECT_EQ(s[0].take, 1);
  EXPECT_EQ(s[1].page, 2);
  EXPECT_EQ(s[1].take, 199);
  EXPECT_TRUE(plan_pages(5, 5, 200).empty());
}

}  // namespace
}  // namespace custbridge::backends::nuvemshop
