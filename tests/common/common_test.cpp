#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "common/country.hpp"
#include "common/crypto.hpp"
#include "common/ids.hpp"
#include "common/json_limits.hpp"
#include "common/timestamp.hpp"
#include "common/json_check.hpp"
#include "common/log.hpp"
#include "common/utf8.hpp"

namespace custbridge {
namespace {

TEST(Country, CodesAndEnglishNamesResolveToAlpha2) {
  EXPECT_EQ(country_code("US"), "US");
  EXPECT_EQ(country_code("us"), "US");
  EXPECT_EQ(country_code("United States"), "US");
  EXPECT_EQ(country_code("united states of america"), "US");
  EXPECT_EQ(country_code(" Brazil "), "BR");
  EXPECT_EQ(country_code("Brasil"), "BR");
  EXPECT_EQ(country_code("Korea, Republic of"), "KR");
  EXPECT_EQ(country_code("South Korea"), "KR");
  EXPECT_EQ(country_code("United Kingdom"), "GB");
  EXPECT_FALSE(country_code("Atlantis"));
  EXPECT_FALSE(country_code("XX"));
  EXPECT_FALSE(country_code(""));
  EXPECT_EQ(country_name("br"), "Brazil");
  EXPECT_EQ(country_name("DE"), "Germany");
  EXPECT_FALSE(country_name("ZZ"));
}

TEST(Crypto, Sha256AndHmacMatchKnownVectors) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  const auto r = random_alnum(64);
  EXPECT_EQ(r.size(), 64u);
  EXPECT_NE(r, random_alnum(64));
}

TEST(Ids, UuidV4Shape) {
  const auto id = new_uuid_v4();
  EXPECT_TRUE(is_uuid(id));
  EXPECT_EQ(id[14], '4');
  EXPECT_NE(id, new_uuid_v4());
  EXPECT_FALSE(is_uuid("cust_abc123"));
  EXPECT_FALSE(is_uuid("00000000-0000-4000-8000-00000000000g"));
  EXPECT_FALSE(is_uuid("000000000000-4000-8000-0000-00000000"));
}

TEST(Ids, RequestIdsAreVersion4UuidsThatDoNotRepeat) {
  std::set<std::string> seen;
  for (int i = 0; i < 20000; ++i) {
    const auto id = new_request_id();
    ASSERT_TRUE(is_uuid(id)) << id;
    ASSERT_EQ(id[14], '4') << id;
    ASSERT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b') << id;
    ASSERT_TRUE(seen.insert(id).second) << "repeated: " << id;
  }
  // Each thread has its own generator, seeded separately.
  std::string other;
  std::thread([&other] { other = new_request_id(); }).join();
  EXPECT_EQ(seen.count(other), 0u);
}

TEST(JsonLimits, CountsNestingOutsideStringsOnly) {
  EXPECT_TRUE(json_depth_within(R"({"a":[1,{"b":2}]})", 3));
  EXPECT_FALSE(json_depth_within(R"({"a":[1,{"b":2}]})", 2));
  EXPECT_TRUE(json_depth_within(R"({"a":"[[[[[[\"[[["})", 1));
  EXPECT_FALSE(json_depth_within(std::string(1000, '['), 512));
}

TEST(Timestamp, FormatsUtcWithMilliseconds) {
  using namespace std::chrono;
  const sys_millis t{sys_days{2024y / January / 10} + 8h + 0min + 0s + 7ms};
  EXPECT_EQ(format_iso8601_ms(t), "2024-01-10T08:00:00.007Z");
}

TEST(Utf8, StrictValidationAndReplacement) {
  EXPECT_TRUE(valid_utf8("Zoë \xf0\x9f\x98\x80"));
  for (const char* bad : {"\xff\xfe", "\xc0\xaf", "\xed\xb0\x80", "\xf4\x90\x80\x80", "\xe2\x82"})
    EXPECT_FALSE(valid_utf8(bad)) << bad;
  EXPECT_EQ(to_valid_utf8("a\xff" "b"), "a\xef\xbf\xbd" "b");
  EXPECT_EQ(to_valid_utf8("ok"), "ok");
  // Around the eight-byte ASCII skip.
  const std::string run(17, 'a');
  EXPECT_FALSE(valid_utf8(run + "\xff" + run));
  EXPECT_FALSE(valid_utf8(run + "\xed\xa0\x80" + run)) << "a surrogate after a run";
  EXPECT_FALSE(valid_utf8(run + "\xe2\x82")) << "truncated at the end";
  EXPECT_TRUE(valid_utf8(run + "Zo\xc3\xab" + run + "\xf0\x9f\x98\x80"));
}

TEST(Log, JsonEscapeNeverCarriesRawBytes) {
  EXPECT_EQ(json_escape("p\xff\"\n"), "p\xef\xbf\xbd\\\"\\n");
  EXPECT_TRUE(valid_utf8(json_escape("/stores/\xc0\xaf/customers")));
}

TEST(JsonCheck, FindsTheFirstProblemWithItsPath) {
  rapidjson::Document d;
  d.Parse(R"({"a":[{"b":"ok"},{"c":"x\u0000"}]})");
  auto p = find_json_problem(d, true);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->field, "a[1].c");
  d.Parse(R"({"a":1,"b":2,"a":3})");
  EXPECT_EQ(find_json_problem(d, true)->field, "a");
  EXPECT_FALSE(find_json_problem(d, false)) << "platform bodies may repeat keys";
}

TEST(JsonCheck, TheEscapeScanFlagsWhatParsingLetsThrough) {
  EXPECT_TRUE(has_suspect_escape(R"({"a":"x\u0000"})"));
  EXPECT_TRUE(has_suspect_escape(R"({"a":"\udc00"})"));
  EXPECT_TRUE(has_suspect_escape(R"({"a":"\uDFFF tail"})"));
  EXPECT_FALSE(has_suspect_escape(R"({"a":"\ud83d\ude00"})")) << "a surrogate pair is fine";
  EXPECT_FALSE(has_suspect_escape(R"({"a":"\\udc00"})")) << "an escaped backslash, then text";
  EXPECT_FALSE(has_suspect_escape(R"({"a":"plain \" quote \n"})"));
  EXPECT_TRUE(has_suspect_escape(R"({"a":"\\\udc00"})")) << "a backslash, then a lone surrogate";
}

}  // namespace
}  // namespace custbridge
