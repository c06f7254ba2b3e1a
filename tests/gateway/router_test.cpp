#include <gtest/gtest.h>

#include "gateway/api/router.hpp"

namespace custbridge::api {
namespace {

TEST(Router, MatchesCollectionAndItemRoutes) {
  auto c = match_route("/stores/s1/customers");
  EXPECT_EQ(c.kind, route_kind::customers);
  EXPECT_EQ(c.store_id, "s1");
  auto i = match_route("/stores/s1/customers/abc/");
  EXPECT_EQ(i.kind, route_kind::customer);
  EXPECT_EQ(i.customer_id, "abc");
  EXPECT_EQ(match_route("/healthz").kind, route_kind::healthz);
  EXPECT_EQ(match_route("/readyz").kind, route_kind::readyz);
  EXPECT_EQ(match_route("/metrics").kind, route_kind::metrics);
}

TEST(Router, RejectsEverythingElse) {
  for (const char* p : {"/", "", "/stores", "/stores/s1", "/stores/s1/orders", "/stores//customers", "/stores/s1/customers/a/b",
                        "stores/s1/customers", "/api/stores/s1/customers", "/stores/s1/customers//"})
    EXPECT_EQ(match_route(p).kind, route_kind::not_found) << p;
}

}  // namespace
}  // namespace custbridge::api
