#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace custbridge {

using sys_millis = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

// ISO 8601 UTC with milliseconds, e.g. "2024-01-10T08:00:00.000Z".
std::string format_iso8601_ms(sys_millis t);

// The current time, truncated to milliseconds.
sys_millis now_millis();

// Parses an ISO 8601 date-time: "YYYY-MM-DDThh:mm[:ss[.fraction]]" followed by "Z",
// "+hh:mm", "+hhmm" or "+hh" (either sign). A space may stand in for 'T'. A value
// without an offset is taken as UTC. Fractions beyond milliseconds are truncated.
// Returns nullopt for anything malformed or out of range (month 13, 25:00, ...).
std::optional<sys_millis> parse_iso8601(std::string_view text);

// Parses an RFC 2822 date-time such as "Wed, 10 Jan 2018 21:02:23 +0000". The
// day name and the seconds are optional; the zone may be a numeric offset or one
// of UT, GMT, Z, EST/EDT, CST/CDT, MST/MDT, PST/PDT. Returns nullopt if malformed.
std::optional<sys_millis> parse_rfc2822(std::string_view text);

// Either of the two formats above (tried in that order).
std::optional<sys_millis> parse_timestamp(std::string_view text);

// RFC 2822 in GMT, e.g. "Wed, 10 Jan 2018 21:02:23 +0000" (milliseconds dropped).
std::string format_rfc2822(sys_millis t);

}  // namespace custbridge
