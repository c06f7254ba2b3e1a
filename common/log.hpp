#pragma once

#include <string>
#include <string_view>

namespace custbridge {

// Writes one line (a JSON object without the trailing newline) to stdout as a
// single write, so lines from different threads never interleave. Thread-safe.
void log_line(std::string_view json_object);

// Escapes s for inclusion inside a JSON string literal.
std::string json_escape(std::string_view s);

}  // namespace custbridge
