#include "gateway/backends/platform_ids.hpp"

#include <array>

#include "common/crypto.hpp"
#include "common/ids.hpp"

namespace custbridge::backends {
namespace {

// Payload layout, most significant first: 52-bit store tag, 4-bit platform,
// 2-bit kind, 64-bit numeric id = 122 bits, exactly the UUIDv8 payload.
// Bits 48-51 hold the version (8) and bits 64-65 the variant (0b10).
bool is_fixed_bit(int position) { return (position >= 48 && position < 52) || position == 64 || position == 65; }

std::uint64_t store_tag(std::string_view store_id) {
  const auto digest = sha256_hex("custbridge-store:" + std::string(store_id));
  return std::stoull(digest.substr(0, 13), nullptr, 16);  // 13 hex digits = 52 bits
}

struct payload {
  std::uint64_t high = 0;  // tag(52) | platform(4) | kind(2): 58 bits
  std::uint64_t low = 0;   // numeric id
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string encode_platform_id(platform p, id_kind kind, std::string_view store_id, std::uint64_t numeric_id) {
  payload value{(store_tag(store_id) << 6) | (static_cast<std::uint64_t>(p) << 2) | static_cast<std::uint64_t>(kind), numeric_id};
  std::array<std::uint8_t, 16> bytes{};
  int payload_bit = 121;  // next payload bit to place, counting from the least significant
  for (int position = 0; position < 128; ++position) {
    int bit;
    if (position >= 48 && position < 52) {
      bit = (0b1000 >> (51 - position)) & 1;
    } else if (position == 64) {
      bit = 1;
    } else if (position == 65) {
      bit = 0;
    } else {
      bit = payload_bit >= 64 ? static_cast<int>((value.high >> (payload_bit - 64)) & 1)
                              : static_cast<int>((value.low >> payload_bit) & 1);
      --payload_bit;
    }
    if (bit) bytes[position / 8] |= static_cast<std::uint8_t>(0x80 >> (position % 8));
  }
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 0x0f]);
  }
  return out;
}

std::optional<std::uint64_t> decode_platform_id(platform p, id_kind kind, std::string_view store_id, std::string_view uuid) {
  if (!is_uuid(uuid)) return std::nullopt;
  std::array<std::uint8_t, 16> bytes{};
  std::size_t b = 0;
  for (std::size_t i = 0; i < uuid.size(); i += (uuid[i] == '-') ? 1 : 2) {
    if (uuid[i] == '-') continue;
    bytes[b++] = static_cast<std::uint8_t>(hex_value(uuid[i]) << 4 | hex_value(uuid[i + 1]));
  }
  if ((bytes[6] >> 4) != 8 || (bytes[8] >> 6) != 0b10) return std::nullopt;
  payload value;
  for (int position = 0; position < 128; ++position) {
    if (is_fixed_bit(position)) continue;
    const int bit = (bytes[position / 8] >> (7 - position % 8)) & 1;
    value.high = (value.high << 1) | (value.low >> 63);
    value.low = (value.low << 1) | static_cast<std::uint64_t>(bit);
  }
  const std::uint64_t expected_high =
      (store_tag(store_id) << 6) | (static_cast<std::uint64_t>(p) << 2) | static_cast<std::uint64_t>(kind);
  if (value.high != expected_high) return std::nullopt;
  return value.low;
}

}  // namespace custbridge::backends
