#pragma once

#include <string>
#include <string_view>

namespace custbridge {

// ASCII lower case (bytes outside A-Z are kept), for case-insensitive matching of
// header names, emails and country names. UTF-8 text passes through unchanged.
std::string ascii_lower(std::string_view s);

}  // namespace custbridge
