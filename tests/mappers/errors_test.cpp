// The error tables of the shipped mapping files: every documented status and body shape
// of each platform, pinned to its canonical code, status and retryable flag.
#include "mappers/errors.hpp"

#include <gtest/gtest.h>

#include "tests/mappers/support.hpp"

namespace custbridge::mappers {
namespace {

struct error_case {
  std::string platform;
  int status;
  std::string body;
  std::string code;
  int http;
  bool retryable;
  std::string message;
};

void PrintTo(const error_case& c, std::ostream* os) { *os << c.platform << " " << c.status << " " << c.body; }

class error_table : public ::testing::TestWithParam<error_case> {};

TEST_P(error_table, maps_to_the_canonical_error) {
  const auto& c = GetParam();
  auto plan = test::load_platform(c.platform);
  ASSERT_TRUE(plan);
  auto e = map_platform_error(*plan, c.status, c.body);
  EXPECT_EQ(e.code, c.code);
  EXPECT_EQ(e.http_status, c.http);
  EXPECT_EQ(e.retryable, c.retryable);
  EXPECT_EQ(e.message, c.message);
  EXPECT_EQ(e.upstream_status, c.status);
  EXPECT_EQ(e.upstream_excerpt, c.body.substr(0, 256));
}

const std::string nv_401 = R"({"code":401,"message":"Unauthorized","description":"Invalid access token"})";
const std::string nv_404 = R"({"code":404,"message":"Not Found","description":"Customer with such id does not exist"})";
const std::string nv_422_orders =
    R"({"code":422,"message":"Unprocessable Entity","description":"Cannot delete a customer with orders"})";
const std::string v3_422 =
    R"({"status":422,"title":"Create customers failed.","type":"/api-docs/getting-started/api-status-codes","errors":{".customer_create":"Error creating customers"}})";
const std::string v3_429 =
    R"({"status":429,"title":"Too many requests","type":"/api-docs/getting-started/api-status-codes","errors":{}})";
const std::string v3_404 =
    R"({"status":404,"title":"The resource at that URL is not found.","type":"https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"})";

INSTANTIATE_TEST_SUITE_P(
    nuvemshop, error_table,
    ::testing::Values(
        error_case{"nuvemshop", 400, R"({"error":"Problems parsing JSON"})", "UPSTREAM_ERROR", 502, false, "Problems parsing JSON"},
        error_case{"nuvemshop", 400, "", "BAD_REQUEST", 400, false, "The platform rejected the request"},
        error_case{"nuvemshop", 401, nv_401, "UPSTREAM_ERROR", 502, false, "The platform rejected the gateway's access token"},
        error_case{"nuvemshop", 402, "", "FORBIDDEN", 403, false, "The store is suspended on Nuvemshop"},
        error_case{"nuvemshop", 403, "permission not granted", "FORBIDDEN", 403, false,
                   "The gateway's app lacks the customers scope on this store"},
        error_case{"nuvemshop", 404, nv_404, "NOT_FOUND", 404, false, "Customer with such id does not exist"},
        error_case{"nuvemshop", 415, "", "UPSTREAM_ERROR", 502, false, "The platform failed to handle the request"},
        error_case{"nuvemshop", 422, nv_422_orders, "CONFLICT", 409, false, "Cannot delete customer with existing orders"},
        error_case{"nuvemshop", 422, R"({"email":["has already been taken"]})", "CONFLICT", 409, false,
                   "Customer with this email already exists"},
        error_case{"nuvemshop", 422, R"({"email":["can't be blank"]})", "VALIDATION_ERROR", 400, false,
                   "The platform rejected the customer data"},
        error_case{"nuvemshop", 429, "", "RATE_LIMITED", 429, true, "The platform's rate limit was reached"},
        error_case{"nuvemshop", 500, "oops", "UPSTREAM_ERROR", 502, true, "The platform failed to handle the request"},
        error_case{"nuvemshop", 502, "", "UPSTREAM_ERROR", 502, true, "The platform failed to handle the request"},
        error_case{"nuvemshop", 503, "", "UPSTREAM_UNAVAILABLE", 503, true, "The platform is unavailable"},
        error_case{"nuvemshop", 504, "", "UPSTREAM_TIMEOUT", 504, true, "The platform did not answer in time"},
        error_case{"nuvemshop", 418, "", "UPSTREAM_ERROR", 502, false, "The platform failed to handle the request"}));

INSTANTIATE_TEST_SUITE_P(
    bigcommerce_v3, error_table,
    ::testing::Values(
        error_case{"bigcommerce_v3", 400, "", "BAD_REQUEST", 400, false, "The platform rejected the request"},
        error_case{"bigcommerce_v3", 401, "", "UPSTREAM_ERROR", 502, false, "The platform rejected the gateway's access token"},
        error_case{"bigcommerce_v3", 403, "", "FORBIDDEN", 403, false, "The gateway's app lacks the customers scope on this store"},
        error_case{"bigcommerce_v3", 404, v3_404, "NOT_FOUND", 404, false, "The resource at that URL is not found."},
        error_case{"bigcommerce_v3", 405, "", "UPSTREAM_ERROR", 502, false, "The platform failed to handle the request"},
        error_case{"bigcommerce_v3", 409, "", "CONFLICT", 409, false, "The request conflicts with the platform's current state"},
        error_case{"bigcommerce_v3", 413, "", "BAD_REQUEST", 400, false, "Too many items for one BigCommerce request"},
        error_case{"bigcommerce_v3", 422, v3_422, "VALIDATION_ERROR", 400, false, "Create customers failed."},
        error_case{"bigcommerce_v3", 422,
                   R"({"status":422,"title":"Email address jane@example.com is already in use","errors":{}})",
                   "CONFLICT", 409, false, "Customer with this email already exists"},
        error_case{"bigcommerce_v3", 423, "", "CONFLICT", 409, true, "The request conflicts with the platform's current state"},
        error_case{"bigcommerce_v3", 429, v3_429, "RATE_LIMITED", 429, true, "Too many requests"},
        error_case{"bigcommerce_v3", 500, "", "UPSTREAM_ERROR", 502, true, "The platform failed to handle the request"},
        error_case{"bigcommerce_v3", 501, "", "UPSTREAM_ERROR", 502, false, "The platform failed to handle the request"},
        error_case{"bigcommerce_v3", 503, "", "UPSTREAM_UNAVAILABLE", 503, true, "The platform is unavailable"},
        error_case{"bigcommerce_v3", 504, "", "UPSTREAM_TIMEOUT", 504, true, "The platform did not answer in time"},
        error_case{"bigcommerce_v3", 507, "", "UPSTREAM_UNAVAILABLE", 503, false, "The platform is unavailable"}));

INSTANTIATE_TEST_SUITE_P(
    bigcommerce_v2, error_table,
    ::testing::Values(
        error_case{"bigcommerce_v2", 400, R"([{"status":400,"message":"Required fields missing [first_name]"}])",
                   "VALIDATION_ERROR", 400, false, "Required fields missing [first_name]"},
        error_case{"bigcommerce_v2", 401, "", "UPSTREAM_ERROR", 502, false, "The platform rejected the gateway's access token"},
        error_case{"bigcommerce_v2", 403, "", "FORBIDDEN", 403, false, "The gateway's app lacks the customers scope on this store"},
        error_case{"bigcommerce_v2", 404, R"([{"status":404,"message":"The requested resource was not found."}])",
                   "NOT_FOUND", 404, false, "The requested resource was not found."},
        error_case{"bigcommerce_v2", 409, R"([{"status":409,"message":"The email is already in use.","details":{}}])",
                   "CONFLICT", 409, false, "The email is already in use."},
        error_case{"bigcommerce_v2", 413, "", "BAD_REQUEST", 400, false, "The platform rejected the request"},
        error_case{"bigcommerce_v2", 415, "", "UPSTREAM_ERROR", 502, false, "The platform failed to handle the request"},
        error_case{"bigcommerce_v2", 423, "", "CONFLICT", 409, true, "The request conflicts with the platform's current state"},
        error_case{"bigcommerce_v2", 429, "", "RATE_LIMITED", 429, true, "The platform's rate limit was reached"},
        error_case{"bigcommerce_v2", 500, "", "UPSTREAM_ERROR", 502, true, "The platform failed to handle the request"},
        error_case{"bigcommerce_v2", 501, "", "UPSTREAM_ERROR", 502, false, "The platform failed to handle the request"},
        error_case{"bigcommerce_v2", 503, "", "UPSTREAM_UNAVAILABLE", 503, true, "The platform is unavailable"},
        error_case{"bigcommerce_v2", 504, "", "UPSTREAM_TIMEOUT", 504, true, "The platform did not answer in time"},
        error_case{"bigcommerce_v2", 507, "", "UPSTREAM_UNAVAILABLE", 503, false, "The platform is unavailable"}));

TEST(error_details, nuvemshop_field_map_paths_become_canonical) {
  auto plan = test::load_platform("nuvemshop");
  ASSERT_TRUE(plan);
  auto e = map_platform_error(*plan, 422,
                              R"({"email":["can't be blank","is invalid"],"addresses[0].zipcode":["is too long"],"extra":["x"]})");
  ASSERT_EQ(e.details.size(), 3u);
  EXPECT_EQ(e.details[0], (field_issue{"email", "can't be blank; is invalid"}));
  EXPECT_EQ(e.details[1], (field_issue{"addresses[0].postalCode", "is too long"}));
  EXPECT_EQ(e.details[2], (field_issue{"metadata", "x"}));
}

TEST(error_details, nuvemshop_empty_page_is_flagged) {
  auto plan = test::load_platform("nuvemshop");
  ASSERT_TRUE(plan);
  auto e = map_platform_error(*plan, 404, R"({"code":404,"message":"Not Found","description":"Last page is 0"})");
  EXPECT_TRUE(e.empty_page);
  EXPECT_FALSE(map_platform_error(*plan, 404, nv_404).empty_page);
}

TEST(error_details, bigcommerce_v3_batch_paths_become_canonical) {
  auto plan = test::load_platform("bigcommerce_v3");
  ASSERT_TRUE(plan);
  auto e = map_platform_error(*plan, 422,
                              R"({"status":422,"title":"Missing Required Fields","errors":{"0.addresses.0.postal_code":"required",)"
                              R"("0.first_name":"Please provide a name.","0.addresses.1.state_or_province":"bad","0.notes":"too long"}})");
  EXPECT_EQ(e.code, "VALIDATION_ERROR");
  EXPECT_EQ(e.message, "Missing Required Fields");
  ASSERT_EQ(e.details.size(), 4u);
  EXPECT_EQ(e.details[0], (field_issue{"addresses[0].postalCode", "required"}));
  EXPECT_EQ(e.details[1], (field_issue{"name", "Please provide a name."}));
  EXPECT_EQ(e.details[2], (field_issue{"addresses[1].region", "bad"}));
  EXPECT_EQ(e.details[3], (field_issue{"notes", "too long"}));  // no canonical counterpart: kept as it is
  EXPECT_EQ(canonical_field_path(*plan, "addresses.2.country_code"), "addresses[2].country");
  EXPECT_EQ(canonical_field_path(*plan, ".customer_create"), "customer_create");
}

TEST(error_details, bigcommerce_v2_messages_name_their_fields) {
  auto plan = test::load_platform("bigcommerce_v2");
  ASSERT_TRUE(plan);
  auto e = map_platform_error(*plan, 400,
                              R"([{"status":400,"message":"The field 'zip' cannot be written to."},)"
                              R"({"status":400,"message":"Something else"}])");
  ASSERT_EQ(e.details.size(), 2u);
  EXPECT_EQ(e.details[0], (field_issue{"postalCode", "The field 'zip' cannot be written to."}));
  EXPECT_EQ(e.details[1], (field_issue{"", "Something else"}));
}

TEST(error_details, excerpt_is_cut_on_a_utf8_boundary) {
  auto plan = test::load_platform("nuvemshop");
  ASSERT_TRUE(plan);
  std::string body(255, 'a');
  body += "ção";  // 'ç' starts at byte 255 and takes two bytes
  auto e = map_platform_error(*plan, 500, body);
  EXPECT_EQ(e.upstream_excerpt, std::string(255, 'a'));
}

TEST(error_json, canonical_shape) {
  canonical_error e;
  e.http_status = 400;
  e.code = "VALIDATION_ERROR";
  e.message = "bad";
  e.details = {{"addresses[0].postalCode", "required"}};
  e.upstream_status = 422;
  e.upstream_excerpt = "{}";
  rapidjson::Document d;
  rapidjson::Value out;
  write_error_json(e, out, d.GetAllocator());
  EXPECT_EQ(test::dump(out),
            R"({"error":{"code":"VALIDATION_ERROR","message":"bad","details":[{"field":"addresses[0].postalCode",)"
            R"("reason":"required"}],"upstream":{"status":422,"excerpt":"{}"},"retryable":false}})");
}

TEST(error_codes, statuses) {
  EXPECT_EQ(canonical_error_status("VALIDATION_ERROR"), 400);
  EXPECT_EQ(canonical_error_status("RATE_LIMITED"), 429);
  EXPECT_EQ(canonical_error_status("UPSTREAM_TIMEOUT"), 504);
  EXPECT_EQ(canonical_error_status("NOPE"), 0);
  EXPECT_EQ(canonical_error_codes().size(), 10u);
}

}  // namespace
}  // namespace custbridge::mappers
