#include "common/json_check.hpp"

#include <string_view>
#include <unordered_set>

#include "common/utf8.hpp"

namespace custbridge {
namespace {

// Request bodies are depth-checked before parsing; this bounds the walk for anything else.
constexpr int max_depth = 256;

std::string_view view(const rapidjson::Value& s) { return {s.GetString(), s.GetStringLength()}; }

std::optional<std::string> string_problem(std::string_view s) {
  if (!valid_utf8(s)) return "is not valid UTF-8";
  if (s.find('\0') != std::string_view::npos) return "must not contain NUL (\\u0000)";
  return std::nullopt;
}

// The path is built on the way back up, only when there is a problem: a valid body (the
// common case, checked on every platform answer) costs no allocation.
void prepend_member(json_problem& p, std::string_view name) {
  const auto shown = to_valid_utf8(name);
  if (p.field.empty())
    p.field = shown;
  else if (p.field.front() == '[')
    p.field = shown + p.field;
  else
    p.field = shown + "." + p.field;
}

std::optional<json_problem> walk(const rapidjson::Value& v, bool unique_keys, int depth) {
  if (v.IsString()) {
    if (auto p = string_problem(view(v))) return json_problem{"", *p};
    return std::nullopt;
  }
  if (depth > max_depth && (v.IsArray() || v.IsObject()))
    return json_problem{"", "nests deeper than " + std::to_string(max_depth) + " levels"};
  if (v.IsArray()) {
    rapidjson::SizeType i = 0;
    for (const auto& item : v.GetArray()) {
      if (auto p = walk(item, unique_keys, depth + 1)) {
        p->field = "[" + std::to_string(i) + "]" + (p->field.empty() || p->field.front() == '[' ? "" : ".") + p->field;
        return p;
      }
      ++i;
    }
    return std::nullopt;
  }
  if (!v.IsObject()) return std::nullopt;
  std::unordered_set<std::string_view> seen;
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    const auto name = view(m->name);
    if (auto p = string_problem(name)) {
      json_problem out{"", "is a member name that " + *p};
      prepend_member(out, name);
      return out;
    }
    if (unique_keys && !seen.insert(name).second) {
      json_problem out{"", "appears more than once"};
      prepend_member(out, name);
      return out;
    }
    if (auto p = walk(m->value, unique_keys, depth + 1)) {
      prepend_member(*p, name);
      return p;
    }
  }
  return std::nullopt;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of a "\uXXXX" escape at `at` (the backslash), or -1.
int escape_unit(std::string_view s, std::size_t at) {
  if (at + 6 > s.size() || s[at + 1] != 'u') return -1;
  int v = 0;
  for (std::size_t i = at + 2; i < at + 6; ++i) {
    const int h = hex_value(s[i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

}  // namespace

bool has_suspect_escape(std::string_view s) {
  int previous_high = -1;  // end offset of the last high-surrogate escape
  for (std::size_t i = s.find('\\'); i != std::string_view::npos; i = s.find('\\', i)) {
    // Escapes inside strings come in pairs "\\"; skip an escaped backslash whole.
    if (i + 1 < s.size() && s[i + 1] == '\\') {
      i += 2;
      continue;
    }
    const int unit = escape_unit(s, i);
    if (unit == 0) return true;
    if (unit >= 0xDC00 && unit <= 0xDFFF && previous_high != static_cast<int>(i)) return true;
    if (unit >= 0xD800 && unit <= 0xDBFF) previous_high = static_cast<int>(i + 6);
    i += unit >= 0 ? 6 : 2;
  }
  return false;
}

std::optional<json_problem> find_json_problem(const rapidjson::Value& root, bool unique_keys) {
  return walk(root, unique_keys, 0);
}

}  // namespace custbridge
