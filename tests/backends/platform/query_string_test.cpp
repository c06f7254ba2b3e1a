#include "gateway/backends/platform/query_string.hpp"

#include <gtest/gtest.h>

namespace custbridge::backends {
namespace {

TEST(QueryString, ValuesKeepOnlyUnreservedCharacters) {
  EXPECT_EQ(encode_query({{"email", "a+b c@x.com"}, {"q", "José, 100%"}}),
            "email=a%2Bb%20c%40x.com&q=Jos%C3%A9%2C%20100%25");
}

TEST(QueryString, NamesKeepTheColonOfBigCommerceFilters) {
  EXPECT_EQ(with_query("/v3/customers", {{"id:in", "1,2"}, {"date_modified:min", "2024-01-01T00:00:00Z"}}),
            "/v3/customers?id:in=1%2C2&date_modified:min=2024-01-01T00%3A00%3A00Z");
}

TEST(QueryString, AppendsToATargetThatHasAQueryAndLeavesAnEmptyOneAlone) {
  EXPECT_EQ(with_query("/customers?per_page=1", {{"page", "2"}}), "/customers?per_page=1&page=2");
  EXPECT_EQ(with_query("/customers", {}), "/customers");
  EXPECT_EQ(encode_query({{"k", ""}, {"a&b", "="}}), "k=&a%26b=%3D");
}

}  // namespace
}  // namespace custbridge::backends
