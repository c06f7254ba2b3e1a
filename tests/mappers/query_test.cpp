#include "mappers/query.hpp"

#include <gtest/gtest.h>

#include "tests/mappers/support.hpp"

namespace custbridge::mappers {
namespace {

using params = std::vector<std::pair<std::string, std::string>>;

TEST(list_query, nuvemshop_aligned_offset_is_a_page) {
  auto plan = test::load_platform("nuvemshop");
  ASSERT_TRUE(plan);
  auto q = map_list_query(*plan, {50, 100, std::nullopt, std::nullopt});
  EXPECT_TRUE(q.report.ok());
  EXPECT_EQ(q.params, (params{{"page", "3"}, {"per_page", "50"}}));
  EXPECT_EQ(q.skip, 0);
  EXPECT_EQ(q.take, 50);
}

TEST(list_query, unaligned_offset_uses_a_larger_page_and_a_skip) {
  auto plan = test::load_platform("nuvemshop");
  ASSERT_TRUE(plan);
  auto q = map_list_query(*plan, {50, 30, std::nullopt, std::nullopt});
  EXPECT_EQ(q.params, (params{{"page", "1"}, {"per_page", "80"}}));
  EXPECT_EQ(q.skip, 30);
  EXPECT_EQ(q.take, 50);
  // Window [133, 143): page size 11 -> page index 12 covers [132, 143).
  q = map_list_query(*plan, {10, 133, std::nullopt, std::nullopt});
  EXPECT_EQ(q.params, (params{{"page", "13"}, {"per_page", "11"}}));
  EXPECT_EQ(q.skip, 1);
  EXPECT_EQ(q.take, 10);
}

TEST(list_query, a_window_no_page_can_hold_is_a_client_error) {
  auto plan = test::load_platform("nuvemshop");
  ASSERT_TRUE(plan);
  auto q = map_list_query(*plan, {150, 100, std::nullopt, std::nullopt});
  ASSERT_EQ(q.report.invalid.size(), 1u);
  EXPECT_EQ(q.report.invalid[0].field, "offset");
  EXPECT_EQ(q.report.invalid[0].reason,
            "this platform pages by page number; offset 100 with limit 150 does not fit one page of at most 200 "
            "(use an offset that is a multiple of limit)");
}

TEST(list_query, filters_per_platform) {
  auto nv = test::load_platform("nuvemshop");
  auto v3 = test::load_platform("bigcommerce_v3");
  auto v2 = test::load_platform("bigcommerce_v2");
  ASSERT_TRUE(nv && v3 && v2);
  auto q = map_list_query(*nv, {20, 0, " John.Doe@Example.com", "john"});
  EXPECT_EQ(q.params, (params{{"page", "1"}, {"per_page", "20"}, {"email", "john.doe@example.com"}, {"q", "john"}}));
  q = map_list_query(*v3, {20, 40, "A@B.co", "smith"});
  EXPECT_EQ(q.params, (params{{"page", "3"},
                              {"limit", "20"},
                              {"email:in", "a@b.co"},
                              {"name:like", "smith"},
                              {"include", "addresses,attributes"}}));
  q = map_list_query(*v2, {200, 0, "A@B.co", std::nullopt});
  EXPECT_TRUE(q.report.ok());
  EXPECT_EQ(q.params, (params{{"page", "1"}, {"limit", "200"}, {"email", "a@b.co"}}));
  q = map_list_query(*v2, {10, 0, std::nullopt, "smith"});
  ASSERT_EQ(q.report.invalid.size(), 1u);
  EXPECT_EQ(q.report.invalid[0], (field_issue{"search", "BigCommerce V2 has no free-text customer search"}));
}

}  // namespace
}  // namespace custbridge::mappers
