#include "gateway/backends/platform_ids.hpp"


#include "common/crypto.hpp"
#include "common/ids.hpp"

namespace custbridge::backends {
namespace {

// Payload layout, most significant first: 52-bit store tag, 4-bit platform, 2-bit kind
// (58 bits, `high`), then the 64-bit numeric id (`low`): 122 bits, exactly the UUIDv8
// payload. The UUID's bits 0-47 hold payload bits 121-74, bits 48-51 the version (8),
// bits 52-63 payload bits 73-62, bits 64-65 the variant (0b10), bits 66-127 payload bits 61-0.
constexpr std::uint64_t low62 = (std::uint64_t{1} << 62) - 1;

std::uint64_t tag_of(std::string_view store_id) {
  const auto digest = sha256_hex("custbridge-store:" + std::string(store_id));
  return std::stoull(digest.substr(0, 13), nullptr, 16);  // 13 hex digits = 52 bits
}

// Every id of a request names the same store: remember the last tag per thread
// rather than hashing the store id for each of a list's hundred ids.
std::uint64_t store_tag(std::string_view store_id) {
  thread_local std::string last_store;
  thread_local std::uint64_t last_tag = 0;
  if (last_store.empty() || last_store != store_id) {
    last_tag = tag_of(store_id);
    last_store.assign(store_id);
  }
  return last_tag;
}

std::uint64_t high_bits(platform p, id_kind kind, std::string_view store_id) {
  return (store_tag(store_id) << 6) | (static_cast<std::uint64_t>(p) << 2) | static_cast<std::uint64_t>(kind);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string encode_platform_id(platform p, id_kind kind, std::string_view store_id, std::uint64_t numeric_id) {
  const std::uint64_t high = high_bits(p, kind, store_id);
  const std::uint64_t uuid_high = ((high >> 10) << 16) | (std::uint64_t{0x8} << 12) | (((high << 2) | (numeric_id >> 62)) & 0xfff);
  const std::uint64_t uuid_low = (std::uint64_t{0b10} << 62) | (numeric_id & low62);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out(36, '-');
  std::size_t at = 0;
  for (int nibble = 0; nibble < 32; ++nibble) {
    if (at == 8 || at == 13 || at == 18 || at == 23) ++at;
    const std::uint64_t word = nibble < 16 ? uuid_high : uuid_low;
    out[at++] = digits[(word >> (60 - 4 * (nibble % 16))) & 0xf];
  }
  return out;
}

std::optional<std::uint64_t> decode_platform_id(platform p, id_kind kind, std::string_view store_id, std::string_view uuid) {
  if (!is_uuid(uuid)) return std::nullopt;
  std::uint64_t words[2] = {0, 0};
  int nibble = 0;
  for (char c : uuid) {
    if (c == '-') continue;
    words[nibble / 16] = (words[nibble / 16] << 4) | static_cast<std::uint64_t>(hex_value(c));
    ++nibble;
  }
  const auto [uuid_high, uuid_low] = words;
  if (((uuid_high >> 12) & 0xf) != 8 || (uuid_low >> 62) != 0b10) return std::nullopt;
  const std::uint64_t high = ((uuid_high >> 16) << 10) | ((uuid_high & 0xfff) >> 2);
  if (high != high_bits(p, kind, store_id)) return std::nullopt;
  return ((uuid_high & 0x3) << 62) | (uuid_low & low62);
}

}  // namespace custbridge::backends
