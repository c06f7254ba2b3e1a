#include "common/utf8.hpp"

#include <utf8.h>

#include <cstdint>
#include <cstring>
#include <iterator>

namespace custbridge {

// Platform bodies and request bodies are mostly ASCII: skip it eight bytes at a time and
// hand each multi-byte sequence to utf8-cpp, whose check of one sequence (lead byte,
// continuations, overlong forms, surrogates, range) is what RFC 3629 asks. Validity is
// per sequence, so checking them one by one checks the whole text.
bool valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    while (end - p >= 8) {
      std::uint64_t word;
      std::memcpy(&word, p, sizeof word);
      if (word & 0x8080808080808080ULL) break;
      p += 8;
    }
    if (p == end) break;
    if (*p < 0x80) {
      ++p;
      continue;
    }
    const std::ptrdiff_t len = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 1;
    if (len == 1 || end - p < len || !utf8::is_valid(p, p + len)) return false;
    p += len;
  }
  return true;
}

std::string to_valid_utf8(std::string_view s) {
  if (valid_utf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  utf8::replace_invalid(s.begin(), s.end(), std::back_inserter(out));
  return out;
}

}  // namespace custbridge
