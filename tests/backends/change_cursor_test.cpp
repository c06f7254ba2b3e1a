#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gateway/backends/change_cursor.hpp"

namespace custbridge::backends {
namespace {

TEST(ChangeCursor, OpensOnlyForTheBackendAndStoreThatMadeIt) {
  const auto c = make_cursor("nuvemshop", "store-1", {"17", "", "1:2:0badc0de,3:4:00000000"});
  ASSERT_THAT(c, ::testing::StartsWith("v1.nuvemshop."));
  auto fields = open_cursor(c, "nuvemshop", "store-1", 3);
  ASSERT_TRUE(fields) << fields.error().message;
  EXPECT_EQ((*fields)[0], "17");
  EXPECT_EQ((*fields)[1], "");
  EXPECT_EQ((*fields)[2], "1:2:0badc0de,3:4:00000000");
  EXPECT_FALSE(open_cursor(c, "bigcommerce_v2", "store-1", 3));
  EXPECT_FALSE(open_cursor(c, "nuvemshop", "store-2", 3));
  EXPECT_FALSE(open_cursor(c, "nuvemshop", "store-1", 2));
  for (std::size_t n = 0; n < c.size(); ++n) EXPECT_FALSE(open_cursor(c.substr(0, n), "nuvemshop", "store-1", 3)) << n;
  for (std::size_t i = 0; i < c.size(); ++i) {
    auto altered = c;
    altered[i] = altered[i] == '1' ? '2' : '1';
    auto r = open_cursor(altered, "nuvemshop", "store-1", 3);
    ASSERT_FALSE(r) << altered;
    EXPECT_EQ(r.error().kind, domain::error_kind::bad_request);
  }
}

TEST(ChangeCursor, NumbersHaveOneSpelling) {
  EXPECT_EQ(cursor_number("0"), 0u);
  EXPECT_EQ(cursor_number("18446744073709551615"), UINT64_MAX);
  for (const char* bad : {"", "01", "+1", "-1", " 1", "1 ", "1e3", "0x10", "18446744073709551616"})
    EXPECT_FALSE(cursor_number(bad)) << bad;
}

TEST(ChangeCursor, LimitsOutside1To250AreBadRequest) {
  EXPECT_FALSE(check_change_limit(1));
  EXPECT_FALSE(check_change_limit(250));
  for (int bad : {0, -5, 251, 100000}) {
    auto e = check_change_limit(bad);
    ASSERT_TRUE(e) << bad;
    EXPECT_EQ(e->kind, domain::error_kind::bad_request);
  }
}

TEST(ChangeCursor, FingerprintsFollowEveryCanonicalField) {
  domain::customer c;
  c.id = "id-1";
  c.email = "a@example.com";
  c.name = "Ana";
  c.updated_at = "2024-01-01T00:00:00.000Z";
  domain::address a;
  a.id = "ad-1";
  a.city = "Springfield";
  c.addresses.push_back(a);
  const auto base = customer_fingerprint(c);
  EXPECT_TRUE(is_fingerprint(base));
  EXPECT_EQ(customer_fingerprint(c), base);
  auto changed = [&](auto edit) {
    auto copy = c;
    edit(copy);
    return customer_fingerprint(copy) != base;
  };
  EXPECT_TRUE(changed([](auto& x) { x.name = "Ana B"; }));
  EXPECT_TRUE(changed([](auto& x) { x.name.reset(); }));
  EXPECT_TRUE(changed([](auto& x) { x.name = ""; }));
  EXPECT_TRUE(changed([](auto& x) { x.phone = "1"; }));
  EXPECT_TRUE(changed([](auto& x) { x.marketing_opt_in = true; }));
  EXPECT_TRUE(changed([](auto& x) { x.metadata["k"] = "v"; }));
  EXPECT_TRUE(changed([](auto& x) { x.addresses[0].city = "Chicago"; }));
  EXPECT_TRUE(changed([](auto& x) { x.addresses[0].is_default = true; }));
  EXPECT_TRUE(changed([](auto& x) { x.addresses.clear(); }));
  EXPECT_TRUE(changed([](auto& x) { x.updated_at = "2024-01-01T00:00:01.000Z"; }));
  EXPECT_FALSE(is_fingerprint("0BADC0DE"));
  EXPECT_FALSE(is_fingerprint("0badc0d"));
}

}  // namespace
}  // namespace custbridge::backends
