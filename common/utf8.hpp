#pragma once

#include <string>
#include <string_view>

namespace custbridge {

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates (U+D800..U+DFFF, which
// is what a JSON "\udc00" decodes to), nothing above U+10FFFF, no truncated sequence.
bool valid_utf8(std::string_view s);

// `s` with every invalid sequence replaced by U+FFFD, for messages and logs that must
// never carry raw bytes. Valid input comes back unchanged.
std::string to_valid_utf8(std::string_view s);

}  // namespace custbridge
