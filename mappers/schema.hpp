#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace custbridge::mappers {

// The kinds of value a field holds, on either side of a mapping.
enum class value_type : std::uint8_t {
  string,
  integer,
  number,
  boolean,
  timestamp,   // a date-time string (any documented format on a platform; UTC with ms in canonical)
  decimal,     // money as a decimal string such as "89.00"
  object,      // free-form object (e.g. Nuvemshop `extra`)
  string_map,  // object whose values are strings (canonical `metadata`)
  array,       // opaque array (e.g. BigCommerce `attributes`)
  object_ref,  // a nested object of a named schema (e.g. `default_address: address`)
  array_ref,   // an array of objects of a named schema (e.g. `addresses: array<address>`)
};

std::string_view to_string(value_type t);

struct field_type {
  value_type type = value_type::string;
  bool nullable = false;
  std::string ref;  // object name, for object_ref and array_ref

  std::string describe() const;  // "string?", "array<address>", ...
};

struct field_def {
  std::string name;
  field_type type;
  bool read_only = false;  // canonical only: clients cannot write it (id, timestamps)
};

struct object_schema {
  std::string name;  // "customer" or "address"
  std::vector<field_def> fields;

  const field_def* find(std::string_view field) const;
  std::vector<std::string> names() const;
};

// Parses a type spelling from a mapping file: "string", "integer?", "array<address>", "address?".
// `objects` lists the object names a reference may name. Returns false if unknown.
bool parse_field_type(std::string_view spelling, const std::vector<std::string>& objects, field_type& out);

// The canonical customer and address, fixed by the canonical API contract
// (../shared/seeds/000_061c03f2b73db8c5.txt) plus `metadata` (custom fields, string values).
const object_schema& canonical_customer();
const object_schema& canonical_address();

}  // namespace custbridge::mappers
