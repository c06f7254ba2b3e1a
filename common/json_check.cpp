#include "common/json_check.hpp"

#include <string_view>
#include <unordered_set>

#include "common/utf8.hpp"

namespace custbridge {
namespace {

// Request bodies are depth-checked before parsing; this bounds the walk for anything else.
constexpr int max_depth = 256;

std::string_view view(const rapidjson::Value& s) { return {s.GetString(), s.GetStringLength()}; }

std::string member_path(const std::string& parent, std::string_view name) {
  const auto shown = to_valid_utf8(name);
  return parent.empty() ? shown : parent + "." + shown;
}

std::optional<std::string> string_problem(std::string_view s) {
  if (!valid_utf8(s)) return "is not valid UTF-8";
  if (s.find('\0') != std::string_view::npos) return "must not contain NUL (\\u0000)";
  return std::nullopt;
}

std::optional<json_problem> walk(const rapidjson::Value& v, const std::string& path, bool unique_keys, int depth) {
  if (v.IsString()) {
    if (auto p = string_problem(view(v))) return json_problem{path, *p};
    return std::nullopt;
  }
  if (v.IsArray()) {
    if (depth > max_depth) return json_problem{path, "nests deeper than " + std::to_string(max_depth) + " levels"};
    rapidjson::SizeType i = 0;
    for (const auto& item : v.GetArray()) {
      if (auto p = walk(item, path + "[" + std::to_string(i) + "]", unique_keys, depth + 1)) return p;
      ++i;
    }
    return std::nullopt;
  }
  if (!v.IsObject()) return std::nullopt;
  if (depth > max_depth) return json_problem{path, "nests deeper than " + std::to_string(max_depth) + " levels"};
  std::unordered_set<std::string_view> seen;
  for (auto m = v.MemberBegin(); m != v.MemberEnd(); ++m) {
    const auto name = view(m->name);
    if (auto p = string_problem(name)) return json_problem{member_path(path, name), "is a member name that " + *p};
    if (unique_keys && !seen.insert(name).second) return json_problem{member_path(path, name), "appears more than once"};
    if (auto p = walk(m->value, member_path(path, name), unique_keys, depth + 1)) return p;
  }
  return std::nullopt;
}

}  // namespace

std::optional<json_problem> find_json_problem(const rapidjson::Value& root, bool unique_keys) {
  return walk(root, "", unique_keys, 0);
}

}  // namespace custbridge
