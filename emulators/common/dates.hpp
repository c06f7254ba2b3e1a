#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace custbridge::emulators {

using sys_seconds = std::chrono::sys_seconds;

// "2022-11-15T19:36:59+0000": the colon-less UTC offset real Nuvemshop responses use.
std::string format_nuvemshop(sys_seconds t);
// "2018-11-13T21:42:06Z": BigCommerce V3.
std::string format_iso_z(sys_seconds t);
// "Wed, 10 Jan 2018 21:02:23 +0000": BigCommerce V2 (RFC 2822, always GMT).
std::string format_rfc2822(sys_seconds t);
// "2023-07-17 06:30:41": BigCommerce V2 customer groups.
std::string format_sql(sys_seconds t);
// "Sun, 06 Nov 1994 08:49:37 GMT": the HTTP Date header (IMF-fixdate, RFC 9110 §5.6.7).
std::string format_http_date(sys_seconds t);

// ISO 8601 date or date-time. Offsets accepted: "Z", "+hh:mm", "+hhmm", "+hh";
// no offset means UTC. A bare date means its midnight. Fractions are dropped.
std::optional<sys_seconds> parse_iso8601(std::string_view s);
// RFC 2822 ("Wed, 10 Jan 2018 21:02:23 +0000"; the weekday is optional).
std::optional<sys_seconds> parse_rfc2822(std::string_view s);
// Either of the above, or a UNIX timestamp in seconds.
std::optional<sys_seconds> parse_any_date(std::string_view s);

// The clock every emulated timestamp and the Date header read (the system clock, in
// whole seconds), so a response's Date agrees with the timestamps it carries.
sys_seconds now_seconds();

}  // namespace custbridge::emulators
