#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/customer.hpp"
#include "gateway/domain/error.hpp"

// What every store's changes() shares: the limit rule, the cursor envelope and the
// fingerprint that tells a customer changed within one platform second apart from one
// that did not.
namespace custbridge::backends {

inline constexpr int max_change_limit = 250;

// BAD_REQUEST unless 1 <= limit <= max_change_limit.
std::optional<domain::error> check_change_limit(int limit);

// A cursor is "v1.<backend>.<store tag>.<field>...<check>": the store tag is 8 hex
// digits of a hash of the store id, so a cursor only opens on the store that issued it;
// fields hold only [0-9a-z_:,-] and may be empty; <check> is 8 hex digits of a hash of
// everything before it, so a truncated or edited cursor is refused. It is a checksum,
// not a signature: cursors are not secrets, and a forged one reads the caller's own store.
std::string make_cursor(std::string_view backend, std::string_view store_id, const std::vector<std::string>& fields);

// The `field_count` fields of a cursor `backend` issued for `store_id`; BAD_REQUEST
// naming the reason for anything else (a bad check, another version, backend or store, a
// byte outside the field alphabet, a wrong number of fields).
domain::result<std::vector<std::string_view>> open_cursor(std::string_view cursor, std::string_view backend,
                                                        std::string_view store_id, std::size_t field_count);

// BAD_REQUEST "invalid cursor: <why>".
domain::error bad_cursor(std::string_view why);

// A decimal without sign or leading zeros that fits in 64 bits, else nullopt. Cursor
// numbers are canonical, so one position has one spelling.
std::optional<std::uint64_t> cursor_number(std::string_view s);

// A cursor_number that is a unix second no later than 9999-12-31T23:59:59Z, else nullopt.
std::optional<std::int64_t> cursor_second(std::string_view s);

// 8 lower-case hex digits over every canonical field of `c` (timestamps included). Two
// reads of an unchanged customer give the same value; an edit almost surely changes it
// (a 32-bit hash: a repeat is missed with probability 2^-32, and only when the edit
// also kept the customer's timestamp).
std::string customer_fingerprint(const domain::customer& c);

// True for 8 lower-case hex digits.
bool is_fingerprint(std::string_view s);

// Splits on `sep`; one empty input gives no parts.
std::vector<std::string_view> split_cursor_list(std::string_view s, char sep);

}  // namespace custbridge::backends
