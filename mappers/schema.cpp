#include "mappers/schema.hpp"

namespace custbridge::mappers {

std::string_view to_string(value_type t) {
  switch (t) {
    case value_type::string: return "string";
    case value_type::integer: return "integer";
    case value_type::number: return "number";
    case value_type::boolean: return "boolean";
    case value_type::timestamp: return "timestamp";
    case value_type::decimal: return "decimal";
    case value_type::object: return "object";
    case value_type::string_map: return "map<string>";
    case value_type::array: return "array";
    case value_type::object_ref: return "object";
    case value_type::array_ref: return "array";
  }
  return "?";
}

std::string field_type::describe() const {
  std::string s;
  if (type == value_type::array_ref) s = "array<" + ref + ">";
  else if (type == value_type::object_ref) s = ref;
  else s = std::string(to_string(type));
  if (nullable) s += "?";
  return s;
}

const field_def* object_schema::find(std::string_view field) const {
  for (const auto& f : fields)
    if (f.name == field) return &f;
  return nullptr;
}

std::vector<std::string> object_schema::names() const {
  std::vector<std::string> out;
  for (const auto& f : fields) out.push_back(f.name);
  return out;
}

bool parse_field_type(std::string_view s, const std::vector<std::string>& objects, field_type& out) {
  out = {};
  if (!s.empty() && s.back() == '?') {
    out.nullable = true;
    s.remove_suffix(1);
  }
  struct scalar {
    std::string_view name;
    value_type type;
  };
  static constexpr scalar scalars[] = {
      {"string", value_type::string},     {"integer", value_type::integer}, {"number", value_type::number},
      {"boolean", value_type::boolean},   {"timestamp", value_type::timestamp},
      {"decimal", value_type::decimal},   {"object", value_type::object},   {"array", value_type::array},
      {"map<string>", value_type::string_map}};
  for (const auto& sc : scalars)
    if (s == sc.name) {
      out.type = sc.type;
      return true;
    }
  auto is_object = [&](std::string_view name) {
    for (const auto& o : objects)
      if (o == name) return true;
    return false;
  };
  if (s.starts_with("array<") && s.ends_with(">")) {
    auto inner = s.substr(6, s.size() - 7);
    if (!is_object(inner)) return false;
    out.type = value_type::array_ref;
    out.ref = std::string(inner);
    return true;
  }
  if (is_object(s)) {
    out.type = value_type::object_ref;
    out.ref = std::string(s);
    return true;
  }
  return false;
}

namespace {

field_def f(std::string name, value_type t, bool nullable = false, bool read_only = false, std::string ref = {}) {
  return field_def{std::move(name), field_type{t, nullable, std::move(ref)}, read_only};
}

}  // namespace

const object_schema& canonical_customer() {
  static const object_schema schema{
      "customer",
      {f("id", value_type::string, false, true), f("email", value_type::string), f("name", value_type::string, true),
       f("phone", value_type::string, true), f("marketingOptIn", value_type::boolean),
       f("defaultAddressId", value_type::string, true),
       f("addresses", value_type::array_ref, false, false, "address"),
       f("metadata", value_type::string_map), f("createdAt", value_type::timestamp, false, true),
       f("updatedAt", value_type::timestamp, false, true)}};
  return schema;
}

const object_schema& canonical_address() {
  // `id` is writable: on update an address with an id is kept or modified (replace-all semantics).
  static const object_schema schema{
      "address",
      {f("id", value_type::string), f("firstName", value_type::string, true),
       f("lastName", value_type::string, true), f("company", value_type::string, true),
       f("address1", value_type::string), f("address2", value_type::string, true), f("city", value_type::string),
       f("region", value_type::string, true), f("postalCode", value_type::string),
       f("country", value_type::string), f("phone", value_type::string, true), f("isDefault", value_type::boolean),
       f("createdAt", value_type::timestamp, false, true), f("updatedAt", value_type::timestamp, false, true)}};
  return schema;
}

}  // namespace custbridge::mappers
