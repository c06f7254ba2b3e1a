#include "emulators/common/json.hpp"

#include <strings.h>

#include "common/json_limits.hpp"

namespace custbridge::emulators {

std::string to_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

string_field read_string(const rapidjson::Value& obj, const char* key) {
  string_field f;
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return f;
  if (it->value.IsNull()) f.kind = string_field::null;
  else if (it->value.IsString()) {
    f.kind = string_field::string;
    f.value.assign(it->value.GetString(), it->value.GetStringLength());
  } else f.kind = string_field::wrong_type;
  return f;
}

std::optional<rapidjson::Document> parse_json(std::string_view body) {
  // Bound the nesting before parsing: RapidJSON's recursive parser would
  // otherwise let a hostile body exhaust the stack.
  if (!json_depth_within(body, 64)) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError()) return std::nullopt;
  return doc;
}

bool is_json_content_type(std::string_view ct) {
  while (!ct.empty() && ct.front() == ' ') ct.remove_prefix(1);
  constexpr std::string_view json = "application/json";
  return ct.size() >= json.size() && strncasecmp(ct.data(), json.data(), json.size()) == 0 &&
         (ct.size() == json.size() || ct[json.size()] == ';' || ct[json.size()] == ' ');
}

http::response json_response(int status, std::string body) {
  http::response r;
  r.status = status;
  r.set("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

}  // namespace custbridge::emulators
