#pragma once

#include <string_view>

namespace custbridge {

// True if no object/array in the JSON text nests deeper than max_depth.
// A linear scan that understands strings and escapes; it does not validate the
// JSON (the parser does that afterwards). Used before parsing untrusted bodies so
// a deeply nested document cannot exhaust the parser's stack.
bool json_depth_within(std::string_view text, int max_depth);

}  // namespace custbridge
