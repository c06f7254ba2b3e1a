#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <tuple>
#include <vector>

#include "gateway/api/errors.hpp"

namespace custbridge::api {
namespace {

struct expected_code {
  error_kind kind;
  int status;
  const char* code;
};

class EveryErrorCode : public ::testing::TestWithParam<expected_code> {};

TEST_P(EveryErrorCode, RendersTheEnvelopeWithItsStatusAndCode) {
  const auto& p = GetParam();
  auto res = to_response(make_error(p.kind, "something went wrong"), "req-1");
  EXPECT_EQ(res.status, p.status);
  EXPECT_EQ(res.header("Content-Type"), "application/json");
  rapidjson::Document doc;
  doc.Parse(res.body.c_str());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_STREQ(doc["error"]["code"].GetString(), p.code);
  EXPECT_STREQ(doc["error"]["message"].GetString(), "something went wrong");
  EXPECT_STREQ(doc["error"]["requestId"].GetString(), "req-1");
  EXPECT_FALSE(doc["error"].HasMember("details"));
}

INSTANTIATE_TEST_SUITE_P(
    Codes, EveryErrorCode,
    ::testing::Values(expected_code{error_kind::bad_request, 400, "BAD_REQUEST"},
                      expected_code{error_kind::validation_error, 400, "VALIDATION_ERROR"},
                      expected_code{error_kind::unauthorized, 401, "UNAUTHORIZED"},
                      expected_code{error_kind::forbidden, 403, "FORBIDDEN"},
                      expected_code{error_kind::not_found, 404, "NOT_FOUND"},
                      expected_code{error_kind::method_not_allowed, 405, "METHOD_NOT_ALLOWED"},
                      expected_code{error_kind::conflict, 409, "CONFLICT"},
                      expected_code{error_kind::payload_too_large, 413, "PAYLOAD_TOO_LARGE"},
                      expected_code{error_kind::unsupported_media_type, 415, "UNSUPPORTED_MEDIA_TYPE"},
                      expected_code{error_kind::headers_too_large, 431, "HEADERS_TOO_LARGE"},
                      expected_code{error_kind::not_implemented, 501, "NOT_IMPLEMENTED"},
                      expected_code{error_kind::rate_limited, 429, "RATE_LIMITED"},
                      expected_code{error_kind::internal, 500, "INTERNAL"},
                      expected_code{error_kind::upstream_error, 502, "UPSTREAM_ERROR"},
                      expected_code{error_kind::unavailable, 503, "UNAVAILABLE"},
                      expected_code{error_kind::upstream_timeout, 504, "UPSTREAM_TIMEOUT"}),
    [](const ::testing::TestParamInfo<expected_code>& param_info) { return std::string(param_info.param.code); });

TEST(ErrorResponse, CarriesRetryAfterAllowAndFieldDetails) {
  auto limited = make_error(error_kind::rate_limited, "slow down");
  limited.retry_after_seconds = 7;
  EXPECT_EQ(to_response(limited, "r").header("Retry-After"), "7");

  auto not_allowed = make_error(error_kind::method_not_allowed, "no");
  not_allowed.allow = "GET, POST";
  EXPECT_EQ(to_response(not_allowed, "r").header("Allow"), "GET, POST");

  api_error invalid = domain::validation_failed({{"addresses[0].postalCode", "is required"}, {"email", "is required"}});
  auto res = to_response(invalid, "r");
  rapidjson::Document doc;
  doc.Parse(res.body.c_str());
  ASSERT_EQ(doc["error"]["details"].Size(), 2u);
  EXPECT_STREQ(doc["error"]["details"][0]["field"].GetString(), "addresses[0].postalCode");
  EXPECT_STREQ(doc["error"]["details"][0]["reason"].GetString(), "is required");
  EXPECT_STREQ(doc["error"]["message"].GetString(), "2 fields are invalid");
}

TEST(ErrorResponse, PlatformErrorsKeepTheUpstreamStatusAndExcerpt) {
  auto e = make_error(error_kind::upstream_error, "Nuvemshop answered 500");
  e.upstream_status = 500;
  e.upstream_excerpt = R"({"code":500})";
  e.retryable = true;
  rapidjson::Document doc;
  const auto res = to_response(e, "r");
  doc.Parse(res.body.c_str());
  EXPECT_EQ(res.status, 502);
  EXPECT_EQ(doc["error"]["upstream"]["status"].GetInt(), 500);
  EXPECT_STREQ(doc["error"]["upstream"]["excerpt"].GetString(), R"({"code":500})");
  EXPECT_TRUE(doc["error"]["retryable"].GetBool());
}

TEST(ErrorResponse, ProtocolErrorsCloseTheConnection) {
  auto res = protocol_error_response(413, "too big", "rid-1");
  EXPECT_EQ(res.status, 413);
  EXPECT_FALSE(res.keep_alive);
  EXPECT_NE(res.body.find("PAYLOAD_TOO_LARGE"), std::string::npos);
  EXPECT_NE(res.body.find(R"("requestId":"rid-1")"), std::string::npos);
}

TEST(ErrorResponse, EachDomainKindHasOneStatusAndCode) {
  using domain::error_kind;
  const std::vector<std::tuple<error_kind, int, std::string_view>> table = {
      {error_kind::bad_request, 400, "BAD_REQUEST"},     {error_kind::validation_error, 400, "VALIDATION_ERROR"},
      {error_kind::unauthorized, 401, "UNAUTHORIZED"},   {error_kind::forbidden, 403, "FORBIDDEN"},
      {error_kind::not_found, 404, "NOT_FOUND"},         {error_kind::conflict, 409, "CONFLICT"},
      {error_kind::rate_limited, 429, "RATE_LIMITED"},   {error_kind::internal, 500, "INTERNAL"},
      {error_kind::upstream_error, 502, "UPSTREAM_ERROR"}, {error_kind::unavailable, 503, "UNAVAILABLE"},
      {error_kind::upstream_timeout, 504, "UPSTREAM_TIMEOUT"}};
  for (const auto& [kind, status, code] : table) {
    const api_error e = domain::make_error(kind, "m");
    EXPECT_EQ(status_of(e.kind), status) << code;
    EXPECT_EQ(code_of(e.kind), code);
  }
}

TEST(ErrorResponse, DomainErrorKeepsUpstreamFactsAndRetryHints) {
  auto d = domain::make_error(domain::error_kind::rate_limited, "BigCommerce: slow down");
  d.retry_after_seconds = 3;
  d.upstream_status = 429;
  d.upstream_excerpt = "{\"title\":\"Too many\"}";
  d.retryable = true;
  d.details.push_back({"email", "taken"});
  const api_error e = d;
  const auto res = to_response(e, "r1");
  EXPECT_EQ(res.status, 429);
  EXPECT_EQ(res.header("Retry-After"), "3");
  rapidjson::Document doc;
  doc.Parse(res.body.c_str());
  EXPECT_EQ(doc["error"]["upstream"]["status"].GetInt(), 429);
  EXPECT_STREQ(doc["error"]["upstream"]["excerpt"].GetString(), "{\"title\":\"Too many\"}");
  EXPECT_TRUE(doc["error"]["retryable"].GetBool());
  EXPECT_STREQ(doc["error"]["details"][0]["field"].GetString(), "email");
}

TEST(ErrorResponse, BodiesAreValidUtf8WhateverTheMessageQuotes) {
  auto e = make_error(error_kind::not_found, "Customer '\xff\xfe' not found");
  e.details.push_back({"metadata.\xc0\xaf", "bad"});
  const auto res = to_response(e, "r");
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(res.body.c_str(), res.body.size());
  ASSERT_FALSE(doc.HasParseError()) << "a strict client can read it";
  EXPECT_STREQ(doc["error"]["message"].GetString(), "Customer '\xef\xbf\xbd\xef\xbf\xbd' not found");
}

}  // namespace
}  // namespace custbridge::api
