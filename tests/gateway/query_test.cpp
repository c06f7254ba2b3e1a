#include <gtest/gtest.h>

#include "gateway/api/query.hpp"

namespace custbridge::api {
namespace {

TEST(ListQuery, DefaultsMatchTheContract) {
  auto q = parse_list_query("");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->limit, 50);
  EXPECT_EQ(q->offset, 0);
  EXPECT_EQ(q->sort_by, domain::sort_field::created_at);
  EXPECT_TRUE(q->descending);
  EXPECT_FALSE(q->email);
}

TEST(ListQuery, DecodesPercentAndPlus) {
  auto q = parse_list_query("email=john%2Btag%40example.com&search=jane+doe");
  ASSERT_TRUE(q);
  EXPECT_EQ(*q->email, "john+tag@example.com");
  EXPECT_EQ(*q->search, "jane doe");
}

TEST(ListQuery, ParsesEveryParameter) {
  auto q = parse_list_query("limit=200&offset=400&sortBy=name&sortOrder=asc&marketingOptIn=true&hasOrders=false");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->limit, 200);
  EXPECT_EQ(q->offset, 400);
  EXPECT_EQ(q->sort_by, domain::sort_field::name);
  EXPECT_FALSE(q->descending);
  EXPECT_EQ(q->marketing_opt_in, true);
  EXPECT_EQ(q->has_orders, false);
}

TEST(ListQuery, RejectionsNameTheParameter) {
  auto q = parse_list_query("limit=201");
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().kind, error_kind::bad_request);
  EXPECT_EQ(q.error().message, "Invalid query parameter 'limit': must be an integer from 1 to 200");
  ASSERT_EQ(q.error().details.size(), 1u);
  EXPECT_EQ(q.error().details[0].field, "limit");
  EXPECT_FALSE(parse_list_query("limit=1e2"));
  EXPECT_FALSE(parse_list_query("limit=99999999999999999999"));
  EXPECT_FALSE(parse_list_query("offset=-5"));
  // The pagination maths used to overflow here and say hasNext on an empty page.
  auto huge = parse_list_query("offset=9223372036854775807");
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.error().details[0].reason, "must be an integer from 0 to 100000000");
  EXPECT_FALSE(parse_list_query("offset=100000001"));
  EXPECT_TRUE(parse_list_query("offset=100000000"));
  EXPECT_FALSE(parse_list_query("search=%ZZ"));
  EXPECT_FALSE(parse_list_query("page=2"));
}

}  // namespace
}  // namespace custbridge::api
