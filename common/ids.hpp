#pragma once

#include <string>
#include <string_view>

namespace custbridge {

// A random (version 4) UUID in canonical lower-case 8-4-4-4-12 form.
std::string new_uuid_v4();

// True if s is a UUID in 8-4-4-4-12 hex form (any case, any version).
bool is_uuid(std::string_view s);

}  // namespace custbridge
