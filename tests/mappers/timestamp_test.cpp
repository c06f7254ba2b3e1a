#include "common/timestamp.hpp"

#include <gtest/gtest.h>

namespace custbridge {
namespace {

std::string iso(std::string_view in) {
  auto t = parse_timestamp(in);
  return t ? format_iso8601_ms(*t) : "<none>";
}

TEST(timestamp_parse, iso8601_offsets_all_normalize_to_utc_ms) {
  EXPECT_EQ(iso("2013-01-03T09:11:51-03:00"), "2013-01-03T12:11:51.000Z");  // Nuvemshop doc examples
  EXPECT_EQ(iso("2022-11-15T19:36:59+0000"), "2022-11-15T19:36:59.000Z");   // real Nuvemshop payloads
  EXPECT_EQ(iso("2018-11-13T21:42:06Z"), "2018-11-13T21:42:06.000Z");       // BigCommerce V3
  EXPECT_EQ(iso("2022-06-16T18:39:00+00:00"), "2022-06-16T18:39:00.000Z");
  EXPECT_EQ(iso("2024-01-10T08:00:00.000Z"), "2024-01-10T08:00:00.000Z");
}

TEST(timestamp_parse, odd_offsets_and_day_rollover) {
  EXPECT_EQ(iso("2024-03-01T00:30:00+05:45"), "2024-02-29T18:45:00.000Z");  // Nepal, leap day
  EXPECT_EQ(iso("2024-01-01T00:00:00+14:00"), "2023-12-31T10:00:00.000Z");
  EXPECT_EQ(iso("2023-12-31T20:00:00-12:00"), "2024-01-01T08:00:00.000Z");
  EXPECT_EQ(iso("2024-01-01T10:00:00+05"), "2024-01-01T05:00:00.000Z");
  EXPECT_EQ(iso("2024-01-01T10:00:00-0330"), "2024-01-01T13:30:00.000Z");
}

TEST(timestamp_parse, fractions_and_short_forms) {
  EXPECT_EQ(iso("2024-01-10T08:00:00.5Z"), "2024-01-10T08:00:00.500Z");
  EXPECT_EQ(iso("2024-01-10T08:00:00.123456789+00:00"), "2024-01-10T08:00:00.123Z");
  EXPECT_EQ(iso("2024-01-10T08:00Z"), "2024-01-10T08:00:00.000Z");
  EXPECT_EQ(iso("2024-05-14T09:34:00"), "2024-05-14T09:34:00.000Z");  // no offset: UTC
  EXPECT_EQ(iso("2024-05-14 09:34:00"), "2024-05-14T09:34:00.000Z");
}

TEST(timestamp_parse, rfc2822) {
  EXPECT_EQ(iso("Wed, 10 Jan 2018 21:02:23 +0000"), "2018-01-10T21:02:23.000Z");  // BigCommerce V2
  EXPECT_EQ(iso("10 Jan 2018 21:02:23 -0300"), "2018-01-11T00:02:23.000Z");
  EXPECT_EQ(iso("Thu, 11 Jan 2018 20:57:52 GMT"), "2018-01-11T20:57:52.000Z");
  EXPECT_EQ(iso("Thu, 11 Jan 2018 15:57 EST"), "2018-01-11T20:57:00.000Z");
  EXPECT_EQ(iso("Mon, 1 Jan 18 00:00:00 +0000"), "2018-01-01T00:00:00.000Z");
}

TEST(timestamp_parse, rejects_malformed_and_impossible_dates) {
  for (auto bad : {"", "yesterday", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-01-01T24:00:00Z",
                   "2024-01-01T10:00:00+25:00", "2024-01-01T10:00:00 +00:00 trailing", "2024-01-01",
                   "Wed, 10 Foo 2018 21:02:23 +0000", "Wed 10 Jan 2018 21:02:23 +0000", "10 Jan 2018 21:02:23 XYZ",
                   "2023-02-29T00:00:00Z"})
    EXPECT_FALSE(parse_timestamp(bad).has_value()) << bad;
}

TEST(timestamp_format, rfc2822_round_trip) {
  auto t = parse_timestamp("2018-01-10T21:02:23.999Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(format_rfc2822(*t), "Wed, 10 Jan 2018 21:02:23 +0000");
  EXPECT_EQ(iso(format_rfc2822(*t)), "2018-01-10T21:02:23.000Z");
}

}  // namespace
}  // namespace custbridge
