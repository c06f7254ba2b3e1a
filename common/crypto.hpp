#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace custbridge {

// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);

// Lower-case hex HMAC-SHA256 of the message under key.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// Compares in time that depends only on the lengths, never on the contents.
bool constant_time_equal(std::string_view a, std::string_view b);

// `length` characters drawn uniformly from [A-Za-z0-9] with a CSPRNG.
// Throws std::runtime_error if the system RNG fails (a bug-tier failure).
std::string random_alnum(std::size_t length);

// `count` random bytes from the CSPRNG. Throws std::runtime_error on RNG failure.
void random_bytes(unsigned char* out, std::size_t count);

}  // namespace custbridge
