#include <gtest/gtest.h>

#include "gateway/backends/platform/platform_store.hpp"

namespace custbridge::backends {
namespace {

// A platform body a strict client could not read is refused, naming the platform, and
// never passed on (it used to reach the canonical response byte for byte).
TEST(PlatformBody, InvalidUtf8OrNulFromAPlatformIsAnUpstreamError) {
  platform_store store;
  store.platform_name = "Nuvemshop";
  for (const std::string& body : {std::string("{\"name\":\"\xff\xfe\"}"), std::string(R"([{"id":1,"name":"a\udc00"}])"),
                                 std::string(R"({"note":"a\u0000b"})")}) {
    upstream::upstream_response response;
    response.status = 200;
    response.body = body;
    auto doc = parse_body(store, response);
    ASSERT_FALSE(doc) << body;
    EXPECT_EQ(doc.error().kind, domain::error_kind::upstream_error);
    EXPECT_NE(doc.error().message.find("Nuvemshop sent a body"), std::string::npos) << doc.error().message;
  }
  upstream::upstream_response fine;
  fine.status = 200;
  fine.body = R"({"name":"Zoë","name":"repeated keys are the platform's business"})";
  EXPECT_TRUE(parse_body(store, fine));
}

}  // namespace
}  // namespace custbridge::backends
