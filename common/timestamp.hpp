#pragma once

#include <chrono>
#include <string>

namespace custbridge {

using sys_millis = std::chrono::time_point<std::chrono::system_clock, std::chrono::milliseconds>;

// ISO 8601 UTC with milliseconds, e.g. "2024-01-10T08:00:00.000Z".
std::string format_iso8601_ms(sys_millis t);

// The current time, truncated to milliseconds.
sys_millis now_millis();

}  // namespace custbridge
