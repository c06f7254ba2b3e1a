#include "common/ids.hpp"

#include <array>
#include <cctype>
#include <cstdint>

#include "common/crypto.hpp"

namespace custbridge {

namespace {

std::string format_v4(std::array<unsigned char, 16> b) {
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(digits[b[i] >> 4]);
    out.push_back(digits[b[i] & 0x0f]);
  }
  return out;
}

// xoshiro256** (Blackman and Vigna): fast, 256-bit state, fine statistical quality.
class request_id_generator {
 public:
  request_id_generator() { random_bytes(reinterpret_cast<unsigned char*>(state_.data()), sizeof state_); }
  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::array<std::uint64_t, 4> state_{};
};

}  // namespace

std::string new_uuid_v4() {
  std::array<unsigned char, 16> b{};
  random_bytes(b.data(), b.size());
  return format_v4(b);
}

std::string new_request_id() {
  thread_local request_id_generator generator;
  std::array<unsigned char, 16> b{};
  for (int half = 0; half < 2; ++half) {
    const std::uint64_t v = generator.next();
    for (int i = 0; i < 8; ++i) b[static_cast<std::size_t>(half * 8 + i)] = static_cast<unsigned char>(v >> (8 * i));
  }
  return format_v4(b);
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

}  // namespace custbridge
