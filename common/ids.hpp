#pragma once

#include <string>
#include <string_view>

namespace custbridge {

// A random (version 4) UUID in canonical lower-case 8-4-4-4-12 form, from the OS CSPRNG:
// for ids that must not be guessable.
std::string new_uuid_v4();

// A version 4 UUID from a per-thread generator seeded once by the OS CSPRNG: unique and
// several times cheaper, but predictable by whoever sees enough of them. For request
// ids only; never for resource ids, keys or tokens.
std::string new_request_id();

// True if s is a UUID in 8-4-4-4-12 hex form (any case, any version).
bool is_uuid(std::string_view s);

}  // namespace custbridge
