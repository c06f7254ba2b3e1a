#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace custbridge::backends {

// Platform-backed stores keep canonical ids UUIDs without a lookup table: a
// UUIDv8 (RFC 9562) carries the platform's 64-bit numeric id, the platform, the
// kind of object, and a 52-bit tag of the canonical store id. Decoding checks all
// of them, so an id minted for another store, platform or object kind is
// rejected (the API answers 404) and never reaches the wrong store.
enum class platform : std::uint8_t { nuvemshop = 1, bigcommerce_v2 = 2, bigcommerce_v3 = 3 };
enum class id_kind : std::uint8_t { customer = 0, address = 1 };

std::string encode_platform_id(platform p, id_kind kind, std::string_view store_id, std::uint64_t numeric_id);

// The numeric id, or nullopt if `uuid` is not an id this store/platform/kind minted.
std::optional<std::uint64_t> decode_platform_id(platform p, id_kind kind, std::string_view store_id, std::string_view uuid);

}  // namespace custbridge::backends
