#include <cctype>
#include <cstdio>

#include "common/country.hpp"
#include "common/log.hpp"
#include "common/text.hpp"
#include "emulators/bigcommerce/routes.hpp"

namespace custbridge::emulators::bigcommerce::detail {

http::response v3_error(int status, std::string_view title, const error_map& errors) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  put_key(w, "status");
  w.Int(status);
  put(w, "title", title);
  put(w, "type", status_type);
  put_key(w, "errors");
  w.StartObject();
  for (const auto& [k, v] : errors) put(w, k, v);
  w.EndObject();
  w.EndObject();
  return json_response(status, std::string(sb.GetString(), sb.GetSize()));
}

http::response v3_not_found() {
  // The documented NotFound shape has no `errors`.
  return json_response(404, "{\"status\":404,\"title\":\"The resource at that URL is not found.\",\"type\":\"" +
                                std::string(status_type) + "\"}");
}

http::response v2_error(int status, std::string_view message, std::string_view details_json) {
  std::string body = "[{\"status\":" + std::to_string(status) + ",\"message\":\"" + json_escape(message) + "\"";
  if (!details_json.empty()) body += ",\"details\":" + std::string(details_json);
  body += "}]";
  return json_response(status, std::move(body));
}

std::optional<paging> read_paging(const query_params& q) {
  paging p;
  if (auto v = q.get("page")) {
    auto n = parse_int(*v);
    if (!n || *n < 1) return std::nullopt;
    p.page = *n;
  }
  if (auto v = q.get("limit")) {
    auto n = parse_int(*v);
    if (!n || *n < 1) return std::nullopt;
    // No documented maximum for customers; 250 is the platform-wide one ([FILT]).
    p.limit = std::min<long long>(*n, 250);
  }
  return p;
}

void write_pagination(json_writer& w, long long total, long long count, const paging& p) {
  const long long pages = total == 0 ? 0 : (total + p.limit - 1) / p.limit;
  put_key(w, "pagination");
  w.StartObject();
  put_key(w, "total");
  w.Int64(total);
  put_key(w, "count");
  w.Int64(count);
  put_key(w, "per_page");
  w.Int64(p.limit);
  put_key(w, "current_page");
  w.Int64(p.page);
  put_key(w, "total_pages");
  w.Int64(pages);
  put_key(w, "links");
  w.StartObject();
  auto link = [&](long long page) { return "?page=" + std::to_string(page) + "&limit=" + std::to_string(p.limit); };
  if (p.page > 1) put(w, "previous", link(p.page - 1));
  put(w, "current", link(p.page));
  if (p.page < pages) put(w, "next", link(p.page + 1));
  w.EndObject();
  w.EndObject();
}

bool like(std::string_view hay, std::string_view needle) { return ascii_lower(hay).find(ascii_lower(needle)) != std::string::npos; }

bool in_list(const query_params& q, std::string_view key, std::string_view value, bool case_insensitive) {
  auto v = q.get(key);
  if (!v) return true;
  for (const auto& item : split_list(*v))
    if (case_insensitive ? ascii_lower(item) == ascii_lower(value) : item == value) return true;
  return false;
}

bool in_int_list(const query_params& q, std::string_view key, long long value) {
  auto v = q.get(key);
  if (!v) return true;
  for (const auto& item : split_list(*v))
    if (parse_int(item) == value) return true;
  return false;
}

bool date_ok(const query_params& q, std::string_view name, sys_seconds t) {
  // `:min` is >=, `:max` is <=; a bare name matches the same second (or the same day for a date).
  if (auto v = q.get(std::string(name) + ":min"))
    if (auto d = parse_any_date(*v); d && t < *d) return false;
  if (auto v = q.get(std::string(name) + ":max"))
    if (auto d = parse_any_date(*v); d && t > *d) return false;
  if (auto v = q.get(name))
    if (auto d = parse_any_date(*v)) {
      if (v->size() == 10) return t >= *d && t < *d + std::chrono::hours(24);
      return t == *d;
    }
  return true;
}

std::string money4(std::int64_t v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s%lld.%04lld", v < 0 ? "-" : "", static_cast<long long>(std::llabs(v) / 10000),
                static_cast<long long>(std::llabs(v) % 10000));
  return buf;
}

namespace {

void write_form_fields(json_writer& w, const std::vector<form_field>& fields, const char* owner_key, int owner) {
  w.StartArray();
  for (const auto& f : fields) {
    w.StartObject();
    put(w, "name", f.name);
    put_key(w, "value");
    w.RawValue(f.value_json.data(), f.value_json.size(), rapidjson::kStringType);
    if (owner_key) {
      put_key(w, owner_key);
      w.Int(owner);
    }
    w.EndObject();
  }
  w.EndArray();
}

bool has(const std::vector<std::string>& include, std::string_view what) {
  for (const auto& i : include)
    if (i == what) return true;
  return false;
}

}  // namespace

void write_v3_address(json_writer& w, const address& a, bool form_fields) {
  w.StartObject();
  put_key(w, "id");
  w.Int(a.id);
  put_key(w, "customer_id");
  w.Int(a.customer_id);
  put(w, "first_name", a.first_name);
  put(w, "last_name", a.last_name);
  put(w, "company", a.company);
  put(w, "address1", a.address1);
  put(w, "address2", a.address2);
  put(w, "city", a.city);
  put(w, "state_or_province", a.state_or_province);
  put(w, "postal_code", a.postal_code);
  put(w, "country_code", a.country_code);
  put(w, "country", country_name(a.country_code).value_or(a.country_code));
  put(w, "phone", a.phone);
  put(w, "address_type", a.address_type);
  if (form_fields) {
    put_key(w, "form_fields");
    write_form_fields(w, a.form_fields, nullptr, 0);
  }
  w.EndObject();
}

void write_v3_customer(json_writer& w, const store& s, const customer& c, const std::vector<std::string>& include) {
  const auto& address_ids = s.address_ids(c.id);
  const auto& value_ids = s.value_ids(c.id);
  const int address_count = static_cast<int>(address_ids.size());
  const int attribute_count = static_cast<int>(value_ids.size());
  w.StartObject();
  put_key(w, "id");
  w.Int(c.id);
  put(w, "email", c.email);
  put(w, "first_name", c.first_name);
  put(w, "last_name", c.last_name);
  put(w, "company", c.company);
  put(w, "phone", c.phone);
  put(w, "registration_ip_address", c.registration_ip_address);
  put(w, "notes", c.notes);
  put(w, "tax_exempt_category", c.tax_exempt_category);
  put_key(w, "customer_group_id");
  w.Int(c.customer_group_id);
  put(w, "date_modified", format_iso_z(c.date_modified));
  put(w, "date_created", format_iso_z(c.date_created));
  put_key(w, "address_count");
  w.Int(address_count);
  put_key(w, "attribute_count");
  w.Int(attribute_count);
  put_key(w, "authentication");
  w.StartObject();
  put_key(w, "force_password_reset");
  w.Bool(c.force_password_reset);
  w.EndObject();
  put_key(w, "accepts_product_review_abandoned_cart_emails");
  w.Bool(c.accepts_product_review_abandoned_cart_emails);
  put_key(w, "origin_channel_id");
  w.Int(c.origin_channel_id);
  // A global-login customer has no channel list; the spec types channel_ids as a
  // non-nullable array, so the key is left out rather than sent as null.
  if (c.channel_ids) {
    put_key(w, "channel_ids");
    w.StartArray();
    for (int ch : *c.channel_ids) w.Int(ch);
    w.EndArray();
  }
  if (has(include, "addresses")) {
    put_key(w, "addresses");
    w.StartArray();
    for (int id : address_ids) write_v3_address(w, s.addresses.at(id), has(include, "formfields"));
    w.EndArray();
  }
  if (has(include, "attributes")) {
    put_key(w, "attributes");
    w.StartArray();
    for (int id : value_ids) {
      const auto& v = s.attribute_values.at(id);
      w.StartObject();
      put_key(w, "id");
      w.Int(v.id);
      put_key(w, "attribute_id");
      w.Int(v.attribute_id);
      put(w, "attribute_value", v.value);
      put_key(w, "customer_id");
      w.Int(v.customer_id);
      put(w, "date_created", format_iso_z(v.date_created));
      put(w, "date_modified", format_iso_z(v.date_modified));
      w.EndObject();
    }
    w.EndArray();
  }
  if (has(include, "formfields")) {
    put_key(w, "form_fields");
    write_form_fields(w, c.form_fields, "customer_id", c.id);
  }
  if (has(include, "storecredit")) {
    put_key(w, "store_credit_amounts");
    w.StartArray();
    w.StartObject();
    put_key(w, "amount");
    w.Double(static_cast<double>(c.store_credit) / 10000.0);
    w.EndObject();
    w.EndArray();
  }
  w.EndObject();
}

void write_v2_customer(json_writer& w, const store& s, const customer& c, const options& o) {
  const std::string base = o.public_url.empty() ? "https://api.bigcommerce.com" : o.public_url;
  w.StartObject();
  put_key(w, "id");
  w.Int(c.id);
  put(w, "company", c.company);
  put(w, "first_name", c.first_name);
  put(w, "last_name", c.last_name);
  put(w, "email", c.email);
  put(w, "phone", c.phone);
  put_key(w, "form_fields");
  if (c.form_fields.empty()) w.Null();
  else write_form_fields(w, c.form_fields, nullptr, 0);
  put(w, "date_created", format_rfc2822(c.date_created));
  put(w, "date_modified", format_rfc2822(c.date_modified));
  put(w, "store_credit", money4(c.store_credit));
  put(w, "registration_ip_address", c.registration_ip_address);
  put_key(w, "customer_group_id");
  w.Int(c.customer_group_id);
  put(w, "notes", c.notes);
  put(w, "tax_exempt_category", c.tax_exempt_category);
  put_key(w, "reset_pass_on_login");
  w.Bool(c.force_password_reset);
  put_key(w, "accepts_marketing");
  w.Bool(c.accepts_marketing);
  put_key(w, "addresses");
  w.StartObject();
  const auto resource = "/customers/" + std::to_string(c.id) + "/addresses";
  put(w, "url", base + "/stores/" + s.hash + "/v2" + resource);
  put(w, "resource", resource);
  w.EndObject();
  w.EndObject();
}

void write_v2_address(json_writer& w, const address& a) {
  w.StartObject();
  put_key(w, "id");
  w.Int(a.id);
  put_key(w, "customer_id");
  w.Int(a.customer_id);
  put(w, "first_name", a.first_name);
  put(w, "last_name", a.last_name);
  put(w, "company", a.company);
  put(w, "street_1", a.address1);
  put(w, "street_2", a.address2);
  put(w, "city", a.city);
  put(w, "state", a.state_or_province.empty() ? std::string(" ") : a.state_or_province);
  put(w, "zip", a.postal_code);
  put(w, "country", country_name(a.country_code).value_or(a.country_code));
  put(w, "country_iso2", a.country_code);
  put(w, "phone", a.phone);
  put(w, "address_type", a.address_type);
  put_key(w, "form_fields");
  write_form_fields(w, a.form_fields, nullptr, 0);
  w.EndObject();
}

bool same_address(const address& a, const address& b) {
  return a.customer_id == b.customer_id && a.first_name == b.first_name && a.last_name == b.last_name &&
         a.company == b.company && a.phone == b.phone && a.address_type == b.address_type && a.address1 == b.address1 &&
         a.address2 == b.address2 && a.city == b.city && a.country_code == b.country_code &&
         a.state_or_province == b.state_or_province && a.postal_code == b.postal_code;
}

void customer_event(context& c, std::string_view what, int id) {
  c.events.push_back({"store/customer/" + std::string(what), "{\"type\":\"customer\",\"id\":" + std::to_string(id) + "}"});
}

void address_event(context& c, std::string_view what, const address& a) {
  // The id is the ADDRESS id; the customer id sits under `address`.
  c.events.push_back({"store/customer/address/" + std::string(what),
                      "{\"type\":\"customer\",\"id\":" + std::to_string(a.id) + ",\"address\":{\"customer_id\":" +
                          std::to_string(a.customer_id) + "}}"});
}

void erase_customer(context& c, int id) {
  auto& s = c.s;
  for (int aid : std::set<int>(s.address_ids(id))) s.erase_address(aid);
  for (int vid : std::set<int>(s.value_ids(id))) s.erase_value(vid);
  s.addresses_by_customer.erase(id);
  s.values_by_customer.erase(id);
  for (auto& [oid, o] : s.orders)
    if (o.customer_id == id) o.customer_id = 0;
  s.customers.erase(id);
  customer_event(c, "deleted", id);
}

}  // namespace custbridge::emulators::bigcommerce::detail
