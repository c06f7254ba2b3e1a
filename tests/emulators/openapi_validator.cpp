#include "tests/emulators/openapi_validator.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <filesystem>

#include "emulators/common/dates.hpp"

namespace custbridge::emulators::testing {
namespace {

std::string type_of(const rapidjson::Value& v) {
  if (v.IsNull()) return "null";
  if (v.IsBool()) return "boolean";
  if (v.IsObject()) return "object";
  if (v.IsArray()) return "array";
  if (v.IsString()) return "string";
  if (v.IsInt64() || v.IsUint64() || (v.IsDouble() && std::floor(v.GetDouble()) == v.GetDouble())) return "integer";
  return "number";
}

std::string scalar_text(const rapidjson::Value& v) {
  if (v.IsString()) return v.GetString();
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsNumber()) return std::to_string(v.GetDouble());
  return "null";
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::optional<openapi_spec> openapi_spec::load(const std::string& path, std::string& error) {
  if (!std::filesystem::exists(path)) {
    error = "OpenAPI file not found: " + path + " (the conformance tests need ../shared/specs/bigcommerce beside the repository)";
    return std::nullopt;
  }
  try {
    openapi_spec s;
    s.root_ = YAML::LoadFile(path);
    if (!s.root_["paths"]) {
      error = path + " has no paths: not an OpenAPI document";
      return std::nullopt;
    }
    return s;
  } catch (const std::exception& e) {
    error = path + ": " + e.what();
    return std::nullopt;
  }
}

// yaml-cpp nodes are references into one tree: assigning to a Node overwrites what
// it refers to, and a non-const operator[] can insert keys. Every lookup here goes
// through const references, and rebinding uses reset().
YAML::Node openapi_spec::resolve(const YAML::Node& in) const {
  YAML::Node node(in);
  for (int guard = 0; guard < 32; ++guard) {
    const YAML::Node& cn = node;
    if (!cn || !cn.IsMap() || !cn["$ref"]) break;
    const auto ref = cn["$ref"].as<std::string>();
    if (!ref.starts_with("#/")) return YAML::Node();
    YAML::Node cur(root_);
    std::size_t start = 2;
    while (start <= ref.size()) {
      auto end = ref.find('/', start);
      if (end == std::string::npos) end = ref.size();
      const YAML::Node& cc = cur;
      YAML::Node next = cc[ref.substr(start, end - start)];
      if (!next) return YAML::Node();
      cur.reset(next);
      start = end + 1;
    }
    node.reset(cur);
  }
  return node;
}

YAML::Node openapi_spec::response_schema(const std::string& path, const std::string& method, int status) const {
  // yaml-cpp throws when indexing into a missing node, so every step is checked.
  const YAML::Node& root = root_;
  const YAML::Node paths = root["paths"];
  if (!paths) return YAML::Node();
  const YAML::Node item = paths[path];
  if (!item) return YAML::Node();
  const YAML::Node op = item[method];
  if (!op) return YAML::Node();
  const YAML::Node responses = op["responses"];
  if (!responses) return YAML::Node();
  const YAML::Node raw = responses[std::to_string(status)];
  if (!raw) return YAML::Node();
  const YAML::Node r = resolve(raw);
  if (!r || !r.IsMap()) return YAML::Node();
  const YAML::Node content = r["content"];
  if (!content) return YAML::Node();
  const YAML::Node json = content["application/json"];
  if (!json) return YAML::Node();
  return json["schema"];
}

YAML::Node openapi_spec::component_schema(const std::string& name) const {
  const YAML::Node& root = root_;
  const YAML::Node components = root["components"];
  if (!components) return YAML::Node();
  const YAML::Node schemas = components["schemas"];
  if (!schemas) return YAML::Node();
  return schemas[name];
}

std::vector<std::string> openapi_spec::validate(const rapidjson::Value& value, const YAML::Node& schema, bool strict) const {
  std::vector<std::string> out;
  if (!schema) {
    out.push_back("no schema to validate against");
    return out;
  }
  check(value, schema, "$", strict, out);
  return out;
}

void openapi_spec::check(const rapidjson::Value& v, const YAML::Node& schema_in, const std::string& where, bool strict,
                         std::vector<std::string>& out) const {
  const YAML::Node resolved = resolve(schema_in);
  const YAML::Node& schema = resolved;
  if (!schema || !schema.IsMap()) return;

  if (const YAML::Node all = schema["allOf"]) {
    for (const auto& sub : all) check(v, sub, where, false, out);
    // In strict mode the union of every branch's properties is what may appear.
    if (strict && v.IsObject()) {
      std::vector<std::string> known;
      std::function<void(const YAML::Node&)> collect = [&](const YAML::Node& in) {
        const YAML::Node s = resolve(in);
        if (!s || !s.IsMap()) return;
        if (s["properties"])
          for (const auto& p : s["properties"]) known.push_back(p.first.as<std::string>());
        if (s["allOf"])
          for (const auto& sub : s["allOf"]) collect(sub);
      };
      collect(schema);
      for (const auto& m : v.GetObject()) {
        const std::string key = m.name.GetString();
        if (std::find(known.begin(), known.end(), key) == known.end()) out.push_back(where + "." + key + ": property not in the schema");
      }
      // Recurse strictly into declared properties.
      std::function<void(const YAML::Node&)> strict_props = [&](const YAML::Node& in) {
        const YAML::Node s = resolve(in);
        if (!s || !s.IsMap()) return;
        if (s["properties"])
          for (const auto& p : s["properties"]) {
            const auto key = p.first.as<std::string>();
            auto it = v.FindMember(key.c_str());
            if (it != v.MemberEnd()) {
              check(it->value, p.second, where + "." + key, true, out);
            }
          }
        if (s["allOf"])
          for (const auto& sub : s["allOf"]) strict_props(sub);
      };
      // The non-strict pass above already reported plain mismatches; re-running strictly
      // adds the strict-only findings in nested objects, then duplicates are dropped.
      strict_props(schema);
      std::vector<std::string> merged;
      for (const auto& e : out)
        if (std::find(merged.begin(), merged.end(), e) == merged.end()) merged.push_back(e);
      out = merged;
    }
  }
  for (const char* key : {"oneOf", "anyOf"}) {
    const YAML::Node alts = schema[key];
    if (!alts) continue;
    bool any = false;
    std::vector<std::string> first_errors;
    for (const auto& alt : alts) {
      std::vector<std::string> errs;
      check(v, alt, where, strict, errs);
      if (errs.empty()) any = true;
      else if (first_errors.empty()) first_errors = errs;
    }
    if (!any) out.push_back(where + ": matches none of the " + std::string(key) + " alternatives (first: " +
                            (first_errors.empty() ? "" : first_errors.front()) + ")");
  }

  const bool nullable = schema["nullable"] && schema["nullable"].as<bool>();
  const auto actual = type_of(v);
  if (v.IsNull()) {
    if (schema["type"] && !nullable) out.push_back(where + ": null where the schema wants " + schema["type"].as<std::string>());
    return;
  }
  if (const YAML::Node t = schema["type"]) {
    const auto want = t.as<std::string>();
    const bool ok = want == actual || (want == "number" && actual == "integer");
    if (!ok) {
      out.push_back(where + ": " + actual + " where the schema wants " + want);
      return;
    }
  }
  if (const YAML::Node e = schema["enum"]) {
    bool found = false;
    for (const auto& item : e) found = found || (item.IsScalar() && item.as<std::string>() == scalar_text(v));
    if (!found) out.push_back(where + ": '" + scalar_text(v) + "' is not in the enum");
  }
  if (v.IsString()) {
    const auto n = utf8_length(std::string_view(v.GetString(), v.GetStringLength()));
    if (schema["minLength"] && n < schema["minLength"].as<std::size_t>()) out.push_back(where + ": shorter than minLength");
    if (schema["maxLength"] && n > schema["maxLength"].as<std::size_t>()) out.push_back(where + ": longer than maxLength");
    if (schema["format"] && schema["format"].as<std::string>() == "date-time" && !parse_iso8601(v.GetString()))
      out.push_back(where + ": '" + std::string(v.GetString()) + "' is not an ISO 8601 date-time");
  }
  if (actual == "integer" && schema["format"] && schema["format"].as<std::string>() == "int32") {
    const double d = v.GetDouble();
    if (d < -2147483648.0 || d > 2147483647.0) out.push_back(where + ": outside int32");
  }
  if (v.IsArray()) {
    if (schema["minItems"] && v.Size() < schema["minItems"].as<std::size_t>()) out.push_back(where + ": fewer than minItems");
    if (schema["maxItems"] && v.Size() > schema["maxItems"].as<std::size_t>()) out.push_back(where + ": more than maxItems");
    if (const YAML::Node items = schema["items"])
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i) check(v[i], items, where + "[" + std::to_string(i) + "]", strict, out);
  }
  if (v.IsObject()) {
    const YAML::Node props = schema["properties"];
    if (const YAML::Node req = schema["required"])
      for (const auto& r : req) {
        const auto key = r.as<std::string>();
        if (!v.HasMember(key.c_str())) out.push_back(where + ": required property '" + key + "' is missing");
      }
    const YAML::Node extra = schema["additionalProperties"];
    const bool extras_allowed = !extra || (extra.IsScalar() && extra.as<std::string>() == "true") || extra.IsMap();
    for (const auto& m : v.GetObject()) {
      const std::string key = m.name.GetString();
      const std::string here = where + "." + key;
      if (props && props[key]) {
        check(m.value, props[key], here, strict, out);
      } else if (extra && extra.IsMap()) {
        check(m.value, extra, here, strict, out);
      } else if (!extras_allowed) {
        out.push_back(here + ": additional property not allowed");
      } else if (strict && props && !schema["allOf"] && !extra) {
        out.push_back(here + ": property not in the schema");
      }
    }
  }
}

std::string bigcommerce_spec_dir() { return std::string(CUSTBRIDGE_SOURCE_DIR) + "/../shared/specs/bigcommerce"; }

}  // namespace custbridge::emulators::testing
