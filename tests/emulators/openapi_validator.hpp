#pragma once

#include <yaml-cpp/yaml.h>

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

namespace custbridge::emulators::testing {

// A loaded OpenAPI 3.0 document and a validator for the subset of JSON Schema its
// response schemas use: $ref (local), allOf/oneOf/anyOf, type, nullable, properties,
// required, additionalProperties, items, min/maxItems, enum, min/maxLength, format
// date-time and int32.
class openapi_spec {
 public:
  // Loads the file; nullopt with `error` set if it is missing or not YAML.
  static std::optional<openapi_spec> load(const std::string& path, std::string& error);

  // The JSON schema of a documented response, e.g. ("/customers", "get", 200);
  // an undefined node if the spec documents no JSON body for it.
  YAML::Node response_schema(const std::string& path, const std::string& method, int status) const;
  YAML::Node component_schema(const std::string& name) const;
  YAML::Node paths() const {
    const YAML::Node& root = root_;
    return root["paths"];
  }

  // Every mismatch as "$.data[0].email: ...". In strict mode, properties that the
  // schema does not declare are reported too (unless additionalProperties allows them),
  // which catches misspelt keys that plain JSON Schema would let through.
  std::vector<std::string> validate(const rapidjson::Value& value, const YAML::Node& schema, bool strict) const;

 private:
  YAML::Node resolve(const YAML::Node& node) const;
  void check(const rapidjson::Value& v, const YAML::Node& schema, const std::string& where, bool strict,
             std::vector<std::string>& out) const;

  YAML::Node root_;
};

// The directory holding the official BigCommerce specs (../shared/specs/bigcommerce).
std::string bigcommerce_spec_dir();

}  // namespace custbridge::emulators::testing
