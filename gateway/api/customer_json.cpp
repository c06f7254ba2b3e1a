#include "gateway/api/customer_json.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>

#include "common/country.hpp"
#include "common/json_check.hpp"
#include "common/ids.hpp"
#include "common/json_limits.hpp"

namespace custbridge::api {
namespace {

using rapidjson::Value;
using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;
using domain::patch_field;

constexpr std::size_t max_addresses = 50;
constexpr std::size_t max_metadata_keys = 50;
constexpr std::size_t max_metadata_key_length = 40;
constexpr std::size_t max_metadata_value_length = 500;

// UTF-8 code points, so length limits count characters as clients do.
std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string trimmed(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

class field_checker {
 public:
  std::vector<field_error> errors;

  void fail(std::string field, std::string reason) { errors.push_back({std::move(field), std::move(reason)}); }

  // A string or null. Returns false (and records why) for any other type or when too long.
  bool optional_string(const Value& v, const std::string& field, std::size_t max_length, patch_field<std::string>& out) {
    if (v.IsNull()) {
      out.set_null();
      return true;
    }
    if (!v.IsString()) {
      fail(field, "must be a string or null");
      return false;
    }
    std::string s = trimmed({v.GetString(), v.GetStringLength()});
    if (utf8_length(s) > max_length) {
      fail(field, "must be at most " + std::to_string(max_length) + " characters");
      return false;
    }
    if (s.empty()) {
      out.set_null();  // an empty optional string means "no value", as null does
    } else {
      out.set(std::move(s));
    }
    return true;
  }

  // A non-empty string. null is refused.
  bool required_string(const Value& v, const std::string& field, std::size_t max_length, patch_field<std::string>& out) {
    if (!v.IsString()) {
      fail(field, v.IsNull() ? "is required" : "must be a string");
      return false;
    }
    std::string s = trimmed({v.GetString(), v.GetStringLength()});
    if (s.empty()) {
      fail(field, "must not be empty");
      return false;
    }
    if (utf8_length(s) > max_length) {
      fail(field, "must be at most " + std::to_string(max_length) + " characters");
      return false;
    }
    out.set(std::move(s));
    return true;
  }

  bool boolean(const Value& v, const std::string& field, std::optional<bool>& out) {
    if (!v.IsBool()) {
      fail(field, "must be a boolean");
      return false;
    }
    out = v.GetBool();
    return true;
  }

  void email(const Value& v, const std::string& field, std::optional<std::string>& out) {
    if (!v.IsString()) {
      fail(field, v.IsNull() ? "is required" : "must be a string");
      return;
    }
    std::string s = trimmed({v.GetString(), v.GetStringLength()});
    if (utf8_length(s) > 255) {
      fail(field, "must be at most 255 characters");
    } else if (!is_valid_email(s)) {
      fail(field, "must be a valid email address");
    } else {
      out = std::move(s);
    }
  }

  void metadata(const Value& v, const std::string& field, std::optional<std::map<std::string, std::string>>& out) {
    if (!v.IsObject()) {
      fail(field, "must be an object of string values");
      return;
    }
    if (v.MemberCount() > max_metadata_keys) {
      fail(field, "must have at most " + std::to_string(max_metadata_keys) + " keys");
      return;
    }
    std::map<std::string, std::string> values;
    for (const auto& m : v.GetObject()) {
      std::string key(m.name.GetString(), m.name.GetStringLength());
      const std::string path = field + "." + key;
      if (key.empty() || key.size() > max_metadata_key_length) {
        fail(path, "keys must be 1-" + std::to_string(max_metadata_key_length) + " characters");
      } else if (!m.value.IsString()) {
        fail(path, "must be a string");
      } else if (utf8_length({m.value.GetString(), m.value.GetStringLength()}) > max_metadata_value_length) {
        fail(path, "must be at most " + std::to_string(max_metadata_value_length) + " characters");
      } else {
        values.emplace(std::move(key), std::string(m.value.GetString(), m.value.GetStringLength()));
      }
    }
    out = std::move(values);
  }

  // One address object. With `for_create`, the required fields must all be present;
  // on update an entry with an id may give only the fields it changes.
  void address(const Value& v, const std::string& path, bool allow_id, domain::address_input& out) {
    if (!v.IsObject()) {
      fail(path, "must be an object");
      return;
    }
    for (const auto& m : v.GetObject()) {
      const std::string_view key(m.name.GetString(), m.name.GetStringLength());
      const std::string field = path + "." + std::string(key);
      const Value& value = m.value;
      if (key == "id") {
        if (!allow_id) continue;  // ids in a create body are ignored, as are createdAt/updatedAt
        if (value.IsNull()) continue;
        if (!value.IsString() || !is_uuid({value.GetString(), value.GetStringLength()}))
          fail(field, "must be the id of one of the customer's addresses");
        else
          out.id = std::string(value.GetString(), value.GetStringLength());
      } else if (key == "firstName") {
        optional_string(value, field, 100, out.first_name);
      } else if (key == "lastName") {
        optional_string(value, field, 100, out.last_name);
      } else if (key == "company") {
        optional_string(value, field, 255, out.company);
      } else if (key == "address1") {
        required_string(value, field, 255, out.address1);
      } else if (key == "address2") {
        optional_string(value, field, 255, out.address2);
      } else if (key == "city") {
        required_string(value, field, 100, out.city);
      } else if (key == "region") {
        optional_string(value, field, 100, out.region);
      } else if (key == "postalCode") {
        required_string(value, field, 20, out.postal_code);
      } else if (key == "country") {
        patch_field<std::string> raw;
        if (required_string(value, field, 100, raw)) {
          if (auto code = country_code(*raw.value))
            out.country.set(std::string(*code));
          else
            fail(field, "unknown country '" + *raw.value + "': use an ISO 3166-1 alpha-2 code or an English name");
        }
      } else if (key == "phone") {
        optional_string(value, field, 50, out.phone);
      } else if (key == "isDefault") {
        if (!value.IsNull()) boolean(value, field, out.is_default);
      } else if (key == "createdAt" || key == "updatedAt" || key == "customerId") {
        continue;  // read-only, echoed back from a GET
      } else {
        fail(field, "unknown field");
      }
    }
    if (!out.id) {
      // A field that is present but invalid already has its own reason.
      for (const char* required : {"address1", "city", "postalCode", "country"})
        if (!v.HasMember(required)) fail(path + "." + required, "is required");
    }
  }

  void addresses(const Value& v, bool allow_ids, std::vector<domain::address_input>& out) {
    if (!v.IsArray()) {
      fail("addresses", "must be an array");
      return;
    }
    if (v.Size() > max_addresses) {
      fail("addresses", "must have at most " + std::to_string(max_addresses) + " entries");
      return;
    }
    int defaults = 0;
    for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
      domain::address_input a;
      address(v[i], "addresses[" + std::to_string(i) + "]", allow_ids, a);
      if (a.is_default.value_or(false)) ++defaults;
      out.push_back(std::move(a));
    }
    if (defaults > 1) fail("addresses", "at most one address may have isDefault: true");
  }
};

result<rapidjson::Document> parse_object(std::string_view body, int max_depth) {
  if (body.empty()) return make_error(error_kind::bad_request, "request body is empty; expected a JSON object");
  if (!json_depth_within(body, max_depth))
    return make_error(error_kind::bad_request, "JSON nests deeper than " + std::to_string(max_depth) + " levels");
  // RapidJSON skips a byte order mark and stops at a NUL byte, so both are checked here:
  // the body is exactly one JSON value, nothing before or after it.
  if (body.starts_with("\xEF\xBB\xBF"))
    return make_error(error_kind::bad_request, "request body must not start with a byte order mark");
  if (const auto nul = body.find('\0'); nul != std::string_view::npos)
    return make_error(error_kind::bad_request, "malformed JSON at offset " + std::to_string(nul) + ": a NUL byte");
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError()) {
    return make_error(error_kind::bad_request, std::string("malformed JSON at offset ") + std::to_string(doc.GetErrorOffset()) +
                                                   ": " + rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject()) return make_error(error_kind::bad_request, "request body must be a JSON object");
  // Every string is UTF-8 without NUL, and no object repeats a key (RapidJSON would keep
  // both, and a second "addresses" would add to the first).
  if (auto problem = find_json_problem(doc, true)) {
    auto e = make_error(error_kind::bad_request, (problem->field.empty() ? "request body" : problem->field) + ": " + problem->reason);
    e.details.push_back({problem->field, problem->reason});
    return e;
  }
  return doc;
}

void write_string(json_writer& w, const std::string& s) { w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size())); }

void write_optional(json_writer& w, const std::optional<std::string>& s) {
  if (s)
    write_string(w, *s);
  else
    w.Null();
}

void write_customer(json_writer& w, const domain::customer& c) {
  w.StartObject();
  w.Key("id");
  write_string(w, c.id);
  w.Key("storeId");
  write_string(w, c.store_id);
  w.Key("email");
  write_string(w, c.email);
  w.Key("name");
  write_optional(w, c.name);
  w.Key("phone");
  write_optional(w, c.phone);
  w.Key("marketingOptIn");
  w.Bool(c.marketing_opt_in);
  w.Key("defaultAddressId");
  write_optional(w, c.default_address_id);
  w.Key("addresses");
  w.StartArray();
  for (const auto& a : c.addresses) {
    w.StartObject();
    w.Key("id");
    write_string(w, a.id);
    w.Key("firstName");
    write_optional(w, a.first_name);
    w.Key("lastName");
    write_optional(w, a.last_name);
    w.Key("company");
    write_optional(w, a.company);
    w.Key("address1");
    write_string(w, a.address1);
    w.Key("address2");
    write_optional(w, a.address2);
    w.Key("city");
    write_string(w, a.city);
    w.Key("region");
    write_optional(w, a.region);
    w.Key("postalCode");
    write_string(w, a.postal_code);
    w.Key("country");
    write_string(w, a.country);
    w.Key("phone");
    write_optional(w, a.phone);
    w.Key("isDefault");
    w.Bool(a.is_default);
    w.Key("createdAt");
    write_string(w, a.created_at);
    w.Key("updatedAt");
    write_string(w, a.updated_at);
    w.EndObject();
  }
  w.EndArray();
  w.Key("metadata");
  w.StartObject();
  for (const auto& [k, v] : c.metadata) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    write_string(w, v);
  }
  w.EndObject();
  w.Key("createdAt");
  write_string(w, c.created_at);
  w.Key("updatedAt");
  write_string(w, c.updated_at);
  w.EndObject();
}

// Fields shared by create and import bodies.
void read_create_fields(field_checker& check, const Value& obj, domain::customer_create& out, bool import) {
  std::optional<std::string> email;
  bool saw_email = false;
  for (const auto& m : obj.GetObject()) {
    const std::string_view key(m.name.GetString(), m.name.GetStringLength());
    const Value& v = m.value;
    if (key == "email") {
      saw_email = true;
      check.email(v, "email", email);
    } else if (key == "name") {
      patch_field<std::string> f;
      if (check.optional_string(v, "name", 255, f)) out.name = f.value;
    } else if (key == "phone") {
      patch_field<std::string> f;
      if (check.optional_string(v, "phone", 50, f)) out.phone = f.value;
    } else if (key == "marketingOptIn") {
      std::optional<bool> b;
      if (check.boolean(v, "marketingOptIn", b)) out.marketing_opt_in = *b;
    } else if (key == "addresses") {
      check.addresses(v, false, out.addresses);
    } else if (key == "metadata") {
      std::optional<std::map<std::string, std::string>> md;
      check.metadata(v, "metadata", md);
      if (md) out.metadata = std::move(*md);
    } else if (key == "defaultAddressId") {
      if (!v.IsNull()) check.fail("defaultAddressId", "cannot be set on create; mark an address with isDefault: true");
    } else if (import && key == "ordersCount") {
      if (!v.IsInt64() || v.GetInt64() < 0)
        check.fail("ordersCount", "must be a non-negative integer");
      else
        out.orders_count = v.GetInt64();
    } else if (key == "id" || key == "storeId" || key == "createdAt" || key == "updatedAt") {
      continue;  // read-only
    } else {
      check.fail(key.empty() ? "\"\"" : std::string(key), "unknown field");
    }
  }
  if (!saw_email) check.fail("email", "is required");
  if (email) out.email = std::move(*email);
}

}  // namespace

bool is_valid_email(std::string_view email) {
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos) return false;
  const auto local = email.substr(0, at);
  const auto domain = email.substr(at + 1);
  if (local.size() > 64 || domain.size() < 3 || domain.size() > 253) return false;
  for (unsigned char c : email)
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"') return false;
  const auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 >= domain.size()) return false;
  if (domain.find("..") != std::string_view::npos || local.find("..") != std::string_view::npos) return false;
  if (local.front() == '.' || local.back() == '.' || domain.front() == '.' || domain.front() == '-') return false;
  return true;
}

result<domain::customer_create> parse_customer_create(std::string_view body, int max_depth) {
  auto doc = parse_object(body, max_depth);
  if (!doc) return doc.error();
  field_checker check;
  domain::customer_create out;
  read_create_fields(check, *doc, out, false);
  if (!check.errors.empty()) return validation_failed(std::move(check.errors));
  if (out.addresses.size() > 0 && std::none_of(out.addresses.begin(), out.addresses.end(), [](const auto& a) { return a.is_default.value_or(false); }))
    out.addresses.front().is_default = true;  // the first address becomes the default, as on Shopify
  return out;
}

result<domain::customer_create> parse_customer_import(const rapidjson::Value& object, std::string_view path_prefix) {
  if (!object.IsObject()) return make_error(error_kind::bad_request, std::string(path_prefix) + ": must be an object");
  field_checker check;
  domain::customer_create out;
  read_create_fields(check, object, out, true);
  if (!check.errors.empty()) {
    for (auto& e : check.errors) e.field = std::string(path_prefix) + "." + e.field;
    return validation_failed(std::move(check.errors));
  }
  if (!out.addresses.empty() && std::none_of(out.addresses.begin(), out.addresses.end(), [](const auto& a) { return a.is_default.value_or(false); }))
    out.addresses.front().is_default = true;
  return out;
}

result<domain::customer_patch> parse_customer_patch(std::string_view body, int max_depth) {
  auto doc = parse_object(body, max_depth);
  if (!doc) return doc.error();
  field_checker check;
  domain::customer_patch out;
  for (const auto& m : doc->GetObject()) {
    const std::string_view key(m.name.GetString(), m.name.GetStringLength());
    const Value& v = m.value;
    if (key == "email") {
      check.email(v, "email", out.email);
    } else if (key == "name") {
      check.optional_string(v, "name", 255, out.name);
    } else if (key == "phone") {
      check.optional_string(v, "phone", 50, out.phone);
    } else if (key == "marketingOptIn") {
      check.boolean(v, "marketingOptIn", out.marketing_opt_in);
    } else if (key == "defaultAddressId") {
      if (v.IsNull()) {
        out.default_address_id.set_null();
      } else if (!v.IsString() || !is_uuid({v.GetString(), v.GetStringLength()})) {
        check.fail("defaultAddressId", "must be the id of one of the customer's addresses, or null");
      } else {
        out.default_address_id.set(std::string(v.GetString(), v.GetStringLength()));
      }
    } else if (key == "addresses") {
      out.addresses.emplace();
      check.addresses(v, true, *out.addresses);
    } else if (key == "metadata") {
      check.metadata(v, "metadata", out.metadata);
    } else if (key == "id" || key == "storeId" || key == "createdAt" || key == "updatedAt") {
      continue;
    } else {
      check.fail(key.empty() ? "\"\"" : std::string(key), "unknown field");
    }
  }
  if (!check.errors.empty()) return validation_failed(std::move(check.errors));
  return out;
}

std::string customer_item_json(const domain::customer& c) {
  rapidjson::StringBuffer buf(nullptr, 2048);
  json_writer w(buf);
  w.StartObject();
  w.Key("item");
  write_customer(w, c);
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::string customer_list_json(const domain::customer_page& page, int limit, std::int64_t offset) {
  // About 1 KB per customer with an address: reserved once rather than grown ~15 times.
  rapidjson::StringBuffer buf(nullptr, 256 + 1024 * page.items.size());
  json_writer w(buf);
  w.StartObject();
  w.Key("items");
  w.StartArray();
  for (const auto& c : page.items) write_customer(w, c);
  w.EndArray();
  w.Key("total");
  w.Int64(page.total);
  w.Key("pagination");
  w.StartObject();
  w.Key("page");
  w.Int64(offset / limit + 1);
  w.Key("limit");
  w.Int(limit);
  w.Key("total");
  w.Int64(page.total);
  w.Key("totalPages");
  w.Int64((page.total + limit - 1) / limit);
  w.Key("hasNext");
  w.Bool(offset + limit < page.total);
  w.Key("hasPrev");
  w.Bool(offset > 0);
  w.EndObject();
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace custbridge::api
