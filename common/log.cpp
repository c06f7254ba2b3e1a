#include "common/log.hpp"

#include <cstdio>
#include <mutex>
#include <string>

#include "common/utf8.hpp"

namespace custbridge {

void log_line(std::string_view json_object) {
  static std::mutex mutex;
  std::string line;
  line.reserve(json_object.size() + 1);
  line.append(json_object).push_back('\n');
  std::lock_guard lock(mutex);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fflush(stdout);
}

std::string json_escape(std::string_view raw) {
  // Never raw bytes in a log line or message: invalid UTF-8 becomes U+FFFD.
  std::string replaced;
  std::string_view s = raw;
  if (!valid_utf8(raw)) s = replaced = to_valid_utf8(raw);
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

}  // namespace custbridge
