#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mappers/schema.hpp"

// The compiled form of one mapping file. Built once by load_mapping_file() and then
// immutable: share it as std::shared_ptr<const mapping_plan> across threads freely.
// Applying it (mapper.hpp) never touches YAML and never looks field names up by string
// in a map: input members are matched through a precomputed hash of the names the plan
// needs, and output keys are written from strings the plan owns.
namespace custbridge::mappers {

enum class operation : std::uint8_t { create = 1, update = 2 };

namespace detail {

// Member name -> small integer, built once. find() hashes the key once (FNV-1a) and
// probes an open-addressing table sized to a power of two at least twice the entries.
class name_index {
 public:
  void add(std::string name, int value);
  void build();
  int find(const char* s, std::size_t n) const;  // -1 when absent
  int find(std::string_view s) const { return find(s.data(), s.size()); }
  std::size_t size() const { return entries_.size(); }

 private:
  struct entry {
    std::string name;
    std::uint32_t hash;
    int value;
  };
  std::vector<entry> entries_;
  std::vector<int> table_;  // index into entries_, -1 when empty
  std::uint32_t mask_ = 0;
};

// A scalar constant or default from the mapping file.
struct constant_value {
  enum class kind : std::uint8_t { null, boolean, integer, number, string } k = kind::null;
  bool b = false;
  std::int64_t i = 0;
  double d = 0;
  std::string s;
};

// Where a program reads: a tree of member names. Leaves are numbered slots; the engine
// fills a slot array with pointers into the input document in one pass over its members.
struct source_node {
  struct child {
    int slot = -1;  // the value itself, if some op reads it
    int node = -1;  // nested members, if some op reads below it
  };
  name_index index;
  std::vector<child> children;
};

// Where a program writes: nested objects are numbered nodes, children after parents.
struct dest_node {
  int parent = -1;
  int key = -1;  // into program::keys
};

struct dest_ref {
  int node = 0;
  int key = -1;  // into program::keys
};

enum class op_kind : std::uint8_t {
  copy,               // same type on both sides
  id,                 // canonical decimal string id <-> platform integer/string id
  full_name,          // 1 -> 2: split a full name; 2 -> 1: join first and last
  email,              // trimmed, lower-cased
  country,            // alpha-2 <-> alpha-2 or English name
  region,             // region code <-> name, using the country of the same object
  timestamp,          // ISO 8601 (any offset) / RFC 2822 -> canonical UTC ms, and back
  street_number,      // 1 -> 2: split "street, number"; 2 -> 1: join
  coerce,             // boolean/number/string conversions to the destination's type
  money,              // decimal string/number -> decimal string of a fixed scale
  custom_object,      // canonical metadata <-> a platform object of strings (Nuvemshop extra)
  custom_attributes,  // canonical metadata <-> BigCommerce attributes [{attribute_id, attribute_value}]
  items,              // an array of objects mapped by another program
  constant,           // write a constant
  report_dropped,     // a canonical field the platform cannot hold: report it when present
};

struct op {
  op_kind kind = op_kind::copy;
  std::uint8_t n_src = 0;
  std::uint8_t n_dst = 0;
  std::uint8_t operations = 3;  // bit set of operation values; write direction only
  int src[2] = {-1, -1};
  dest_ref dst[2];
  int when_present = -1;  // source slot that must be present and non-null
  int when_absent = -1;   // source slot that must be absent or null
  int aux_src = -1;       // region: the slot holding the country
  int aux_src2 = -1;      // region, reading: a fallback country slot (V2: country_iso2, else country)
  bool aux_country_is_name = false;
  int default_value = -1;  // into program::constants
  int constant = -1;       // into program::constants
  int item_program = -1;   // items: the program for each element
  // transform options
  bool platform_integer = false; // id: the platform side is an integer
  bool platform_names = false;   // country/region: the platform side holds names, not codes
  bool rfc2822 = false;          // timestamp: platform format when writing
  int scale = 2;                 // money
  value_type target = value_type::string;  // coerce: destination type
  std::string canonical_path;    // for reports, relative to the object
  std::string reason;            // report_dropped
};

// What a write does with a field whose canonical value is null (or absent-as-null).
enum class null_policy : std::uint8_t {
  keep,          // write JSON null
  omit,          // leave the member out (the platform keeps its value or default)
  empty_string,  // write "" (platforms whose string fields refuse null and clear on "")
};

struct program {
  std::vector<source_node> src_nodes;  // [0] is the root
  int n_slots = 0;
  std::vector<dest_node> dst_nodes;  // [0] is the root
  std::vector<std::string> keys;     // output member names
  std::vector<constant_value> constants;
  std::vector<op> ops;
  bool report_unknown = false;  // canonical input: report members the canonical schema lacks
  // Write programs: the mapping file's `nulls:` for this object, per operation.
  null_policy nulls_on_create = null_policy::keep;
  null_policy nulls_on_update = null_policy::keep;
};

inline constexpr int max_slots = 64;
inline constexpr int max_dest_nodes = 8;

// One declared custom field: canonical metadata key <-> platform key or attribute name.
struct custom_field {
  std::string canonical;
  std::string platform;
};

struct custom_fields_spec {
  enum class style : std::uint8_t { none, object, attributes } kind = style::none;
  bool keep_unlisted = false;  // object style: undeclared keys pass through unchanged
  std::vector<custom_field> fields;
  name_index by_canonical;  // canonical key -> field index
  name_index by_platform;   // platform key -> field index (object style)
};

struct paging_spec {
  enum class style : std::uint8_t { page, offset } kind = style::page;
  std::string page_param;    // page style
  std::string offset_param;  // offset style
  std::string size_param;
  int max_size = 50;
  int first_page = 1;
};

struct query_param_spec {
  std::string param;  // empty = unsupported
  std::string unsupported_reason;
  bool lower_case = false;
};

struct query_spec {
  paging_spec paging;
  query_param_spec email;
  query_param_spec search;
  std::vector<std::pair<std::string, std::string>> constants;
};

struct error_rule {
  std::vector<int> statuses;  // empty = any status
  std::vector<std::string> body_contains;  // any of (case-insensitive); empty = no condition
  std::string code;
  int http_status = 0;
  bool retryable = false;
  bool empty_page = false;
  std::string message;  // empty = keep the platform's message
  int line = 0;
};

struct error_spec {
  enum class field_style : std::uint8_t { none, field_map, errors_object, v2_array } fields = field_style::none;
  std::vector<std::string> message_keys;  // first string member found wins
  bool strip_batch_index = false;  // BigCommerce V3 prefixes paths with the item's index in the batch
  std::vector<error_rule> rules;
};

struct envelope_spec {
  bool write_array = false;      // request body is a JSON array of one object (BigCommerce V3)
  bool data_wrapped = false;     // responses are {data: ...}; a single item is data[0]
  std::string total_header;      // response header with the total count, if any
  std::string total_pointer;     // or a member path in the body, e.g. "meta.pagination.total"
};

}  // namespace detail

class mapping_plan {
 public:
  std::string file;
  std::string platform;
  std::string description;

  detail::program customer_write;  // canonical customer -> platform
  detail::program customer_read;   // platform customer -> canonical
  std::vector<detail::program> programs;  // item programs (addresses), referenced by index
  int address_write = -1;
  int address_read = -1;

  detail::custom_fields_spec custom_fields;
  detail::query_spec query;
  detail::error_spec errors;
  detail::envelope_spec envelope;

  // For translating platform field paths in validation errors back to canonical paths:
  // platform member -> canonical path, per object ("customer", "address").
  std::vector<std::pair<std::string, std::string>> customer_field_names;
  std::vector<std::pair<std::string, std::string>> address_field_names;
  std::string addresses_member;  // the platform's member holding the address array

  // What this platform cannot hold, for documentation and for check-config output.
  struct unsupported_entry {
    std::string canonical;  // "addresses[].company"
    std::string reason;
    bool read = false;
    bool write = false;
  };
  std::vector<unsupported_entry> unsupported;
};

}  // namespace custbridge::mappers
