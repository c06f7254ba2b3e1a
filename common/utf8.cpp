#include "common/utf8.hpp"

#include <utf8.h>

#include <iterator>

namespace custbridge {

bool valid_utf8(std::string_view s) { return utf8::is_valid(s.begin(), s.end()); }

std::string to_valid_utf8(std::string_view s) {
  if (valid_utf8(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  utf8::replace_invalid(s.begin(), s.end(), std::back_inserter(out));
  return out;
}

}  // namespace custbridge
