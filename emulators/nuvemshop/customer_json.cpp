#include "emulators/nuvemshop/customer_json.hpp"

#include <array>
#include <cstdio>
#include <string_view>

namespace custbridge::emulators::nuvemshop {
namespace {

std::string money(std::int64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%02lld", static_cast<long long>(cents / 100), static_cast<long long>(cents % 100));
  return buf;
}

void write_address(json_writer& w, const address& a) {
  w.StartObject();
  put_key(w, "id");
  w.Int64(a.id);
  put(w, "name", a.name);
  put(w, "address", a.address);
  put(w, "number", a.number);
  put(w, "floor", a.floor);
  put(w, "locality", a.locality);
  put(w, "city", a.city);
  put(w, "province", a.province);
  put(w, "zipcode", a.zipcode);
  put(w, "country", a.country);
  put(w, "phone", a.phone);
  put_key(w, "default");
  w.Bool(a.is_default);
  put(w, "created_at", format_nuvemshop(a.created_at));
  put(w, "updated_at", format_nuvemshop(a.updated_at));
  w.EndObject();
}

// Read-only keys: accepted in bodies (the docs' PUT example sends them) and ignored.
constexpr std::array<std::string_view, 11> read_only{"id", "created_at", "updated_at", "total_spent",
                                                      "total_spent_currency", "last_order_id", "active",
                                                      "accepts_marketing", "accepts_marketing_updated_at",
                                                      "first_interaction", "default_address"};

bool is_read_only(std::string_view k) {
  for (auto r : read_only)
    if (r == k) return true;
  return false;
}

struct optional_member {
  const char* key;
  opt_string customer::*field;
};

constexpr std::array<optional_member, 13> optional_members{{
    {"phone", &customer::phone},
    {"identification", &customer::identification},
    {"note", &customer::note},
    {"billing_name", &customer::billing_name},
    {"billing_phone", &customer::billing_phone},
    {"billing_address", &customer::billing_address},
    {"billing_number", &customer::billing_number},
    {"billing_floor", &customer::billing_floor},
    {"billing_locality", &customer::billing_locality},
    {"billing_zipcode", &customer::billing_zipcode},
    {"billing_city", &customer::billing_city},
    {"billing_province", &customer::billing_province},
    {"billing_country", &customer::billing_country},
}};

struct address_member {
  const char* key;
  opt_string address::*field;
};

constexpr std::array<address_member, 10> address_members{{
    {"address", &address::address},
    {"number", &address::number},
    {"floor", &address::floor},
    {"locality", &address::locality},
    {"city", &address::city},
    {"province", &address::province},
    {"zipcode", &address::zipcode},
    {"country", &address::country},
    {"phone", &address::phone},
    {"name", &address::name},
}};

// Strings, nulls, and numbers (clients send `number`/`zipcode` as numbers) are accepted.
bool read_loose(const rapidjson::Value& v, opt_string& out) {
  if (v.IsNull()) out.reset();
  else if (v.IsString()) out = std::string(v.GetString(), v.GetStringLength());
  else if (v.IsInt64()) out = std::to_string(v.GetInt64());
  else return false;
  return true;
}

void apply_address(const rapidjson::Value& in, address& a, field_errors& errors) {
  for (const auto& m : address_members) {
    auto it = in.FindMember(m.key);
    if (it == in.MemberEnd()) continue;
    if (!read_loose(it->value, a.*m.field)) errors["addresses"].push_back(std::string(m.key) + " is invalid");
  }
}

bool valid_email(std::string_view e) {
  auto at = e.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < e.size() && e.find('@', at + 1) == std::string_view::npos &&
         e.find(' ') == std::string_view::npos && e.find('.', at) != std::string_view::npos;
}

}  // namespace

void write_customer(json_writer& w, const customer& c, const field_filter& fields) {
  auto want = [&](std::string_view k) { return fields.empty() || fields.contains(k); };
  w.StartObject();
  if (want("id")) {
    put_key(w, "id");
    w.Int64(c.id);
  }
  if (want("name")) put(w, "name", c.name);
  if (want("email")) put(w, "email", c.email);
  if (want("phone")) put(w, "phone", c.phone);
  if (want("identification")) put(w, "identification", c.identification);
  if (want("note")) put(w, "note", c.note);
  if (want("default_address")) {
    put_key(w, "default_address");
    const address* def = nullptr;
    for (const auto& a : c.addresses)
      if (a.is_default) def = &a;
    if (def) write_address(w, *def);
    else w.Null();
  }
  if (want("addresses")) {
    put_key(w, "addresses");
    w.StartArray();
    for (const auto& a : c.addresses) write_address(w, a);
    w.EndArray();
  }
  for (const auto& m : optional_members) {
    const std::string_view key = m.key;
    if (key.starts_with("billing_") && want(key)) put(w, key, c.*m.field);
  }
  if (want("extra")) put_raw(w, "extra", c.extra_json);
  if (want("total_spent")) put(w, "total_spent", money(c.total_spent_cents));
  if (want("total_spent_currency")) put(w, "total_spent_currency", c.total_spent_currency);
  if (want("last_order_id")) {
    put_key(w, "last_order_id");
    if (c.last_order_id) w.Int64(*c.last_order_id);
    else w.Null();
  }
  if (want("active")) {
    put_key(w, "active");
    w.Bool(c.active);
  }
  if (want("accepts_marketing")) {
    put_key(w, "accepts_marketing");
    w.Bool(c.accepts_marketing);
  }
  if (want("accepts_marketing_updated_at")) {
    put_key(w, "accepts_marketing_updated_at");
    if (c.accepts_marketing_updated_at) put_string(w, format_nuvemshop(*c.accepts_marketing_updated_at));
    else w.Null();
  }
  if (want("first_interaction")) put(w, "first_interaction", format_nuvemshop(c.first_interaction));
  if (want("created_at")) put(w, "created_at", format_nuvemshop(c.created_at));
  if (want("updated_at")) put(w, "updated_at", format_nuvemshop(c.updated_at));
  for (const auto& [k, raw] : c.passthrough)
    if (want(k)) put_raw(w, k, raw);
  w.EndObject();
}

std::string customer_json(const customer& c, const field_filter& fields) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  write_customer(w, c, fields);
  return std::string(sb.GetString(), sb.GetSize());
}

std::string field_errors_json(const field_errors& e) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  for (const auto& [field, messages] : e) {
    put_key(w, field);
    w.StartArray();
    for (const auto& m : messages) put_string(w, m);
    w.EndArray();
  }
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

field_errors apply_body(const rapidjson::Value& body, customer& c, write_mode mode, std::int64_t& next_address_id,
                        sys_seconds now, bool replace_addresses) {
  field_errors errors;
  for (const auto& m : body.GetObject()) {
    const std::string key(m.name.GetString(), m.name.GetStringLength());
    const auto& v = m.value;
    if (is_read_only(key) || key == "send_email_invite") continue;
    if (key == "password") {
      if (v.IsString()) c.password.assign(v.GetString(), v.GetStringLength());
      else errors["password"].push_back("is invalid");
    } else if (key == "name" || key == "email") {
      if (!v.IsString()) {
        errors[key].push_back(v.IsNull() ? "can't be blank" : "is invalid");
        continue;
      }
      (key == "name" ? c.name : c.email).assign(v.GetString(), v.GetStringLength());
    } else if (key == "extra") {
      if (v.IsObject()) c.extra_json = to_json(v);
      else if (v.IsNull()) c.extra_json = "{}";
      else errors["extra"].push_back("must be a JSON object");
    } else if (key == "addresses") {
      if (!v.IsArray()) {
        errors["addresses"].push_back("must be an array");
        continue;
      }
      if (mode == write_mode::update && replace_addresses) {
        // Keep the ids of addresses that are sent again; drop the rest.
        std::vector<address> kept;
        for (const auto& a : v.GetArray())
          if (a.IsObject() && a.HasMember("id") && a["id"].IsInt64())
            for (const auto& old : c.addresses)
              if (old.id == a["id"].GetInt64()) kept.push_back(old);
        c.addresses = std::move(kept);
      }
      for (const auto& a : v.GetArray()) {
        if (!a.IsObject()) {
          errors["addresses"].push_back("must be objects");
          continue;
        }
        // Sending `default` on PUT fails on the real API (api-docs PR #121); there is
        // no way to change the default address.
        if (mode == write_mode::update && a.HasMember("default")) {
          errors["addresses"].push_back("default is not a writable attribute");
          continue;
        }
        address* target = nullptr;
        if (mode == write_mode::update && a.HasMember("id") && a["id"].IsInt64())
          for (auto& old : c.addresses)
            if (old.id == a["id"].GetInt64()) target = &old;
        if (!target) {
          address fresh;
          fresh.id = next_address_id++;
          fresh.created_at = now;
          c.addresses.push_back(fresh);
          target = &c.addresses.back();
        }
        apply_address(a, *target, errors);
        target->updated_at = now;
      }
    } else {
      bool known = false;
      for (const auto& om : optional_members) {
        if (key != om.key) continue;
        known = true;
        if (v.IsNull()) (c.*om.field).reset();
        else if (v.IsString()) c.*om.field = std::string(v.GetString(), v.GetStringLength());
        else errors[key].push_back("is invalid");
      }
      // Undocumented keys (customer_type, business_name, ...) pass through.
      if (!known) {
        bool replaced = false;
        for (auto& [k, raw] : c.passthrough)
          if (k == key) {
            raw = to_json(v);
            replaced = true;
          }
        if (!replaced) c.passthrough.emplace_back(key, to_json(v));
      }
    }
  }
  if (c.name.empty()) errors["name"].push_back("can't be blank");
  if (c.email.empty()) errors["email"].push_back("can't be blank");
  else if (!valid_email(c.email)) errors["email"].push_back("is invalid");
  // The first address becomes the default one.
  bool has_default = false;
  for (const auto& a : c.addresses) has_default = has_default || a.is_default;
  if (!has_default && !c.addresses.empty()) c.addresses.front().is_default = true;
  return errors;
}

}  // namespace custbridge::emulators::nuvemshop
