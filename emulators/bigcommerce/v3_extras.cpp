// V3 sub-resources: attributes, attribute values, form-field values, subscribers,
// consent, credential validation, and webhook registration (/v3/hooks).
#include <set>

#include "emulators/bigcommerce/routes.hpp"
#include "common/text.hpp"
#include "emulators/bigcommerce/v3_validation.hpp"

namespace custbridge::emulators::bigcommerce::detail {
namespace {

constexpr std::size_t max_attributes = 50;

std::string body_of(rapidjson::StringBuffer& sb) { return std::string(sb.GetString(), sb.GetSize()); }

http::response no_content() {
  http::response r;
  r.status = 204;
  return r;
}

std::optional<rapidjson::Document> array_body(const context& c) {
  auto doc = parse_json(c.req.body);
  if (!doc || !doc->IsArray()) return std::nullopt;
  return doc;
}

http::response bad_body() { return v3_error(422, "JSON data is missing or invalid", {{"body", "The request body must be a JSON array."}}); }

// Writes {data:[rows...], meta:{pagination}} for an offset-paged list.
template <class Row, class Writer>
http::response paged(const context& c, const std::vector<const Row*>& rows, Writer write_row) {
  auto p = read_paging(c.q);
  if (!p) return v3_error(422, "Invalid paging parameters", {{"page", "page and limit must be positive integers"}});
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  put_key(w, "data");
  w.StartArray();
  const auto first = static_cast<std::size_t>((p->page - 1) * p->limit);
  long long count = 0;
  for (std::size_t i = first; i < rows.size() && i < first + static_cast<std::size_t>(p->limit); ++i, ++count)
    write_row(w, *rows[i]);
  w.EndArray();
  put_key(w, "meta");
  w.StartObject();
  write_pagination(w, static_cast<long long>(rows.size()), count, *p);
  w.EndObject();
  w.EndObject();
  return json_response(200, body_of(sb));
}

template <class Row, class Writer>
http::response written(const std::vector<const Row*>& rows, Writer write_row) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  put_key(w, "data");
  w.StartArray();
  for (auto* r : rows) write_row(w, *r);
  w.EndArray();
  put_key(w, "meta");
  w.StartObject();
  w.EndObject();
  w.EndObject();
  return json_response(200, body_of(sb));
}

void write_attribute(json_writer& w, const attribute& a) {
  w.StartObject();
  put_key(w, "id");
  w.Int(a.id);
  put(w, "name", a.name);
  put(w, "type", a.type);
  put(w, "date_created", format_iso_z(a.date_created));
  put(w, "date_modified", format_iso_z(a.date_modified));
  w.EndObject();
}

void write_value(json_writer& w, const attribute_value& v) {
  w.StartObject();
  put_key(w, "id");
  w.Int(v.id);
  put_key(w, "attribute_id");
  w.Int(v.attribute_id);
  // Reads say attribute_value; the upsert body says value.
  put(w, "attribute_value", v.value);
  put_key(w, "customer_id");
  w.Int(v.customer_id);
  put(w, "date_created", format_iso_z(v.date_created));
  put(w, "date_modified", format_iso_z(v.date_modified));
  w.EndObject();
}

void write_subscriber(json_writer& w, const subscriber& s) {
  w.StartObject();
  put_key(w, "id");
  w.Int(s.id);
  put(w, "email", s.email);
  put(w, "first_name", s.first_name);
  put(w, "last_name", s.last_name);
  put(w, "source", s.source);
  put_key(w, "order_id");
  if (s.order_id) w.Int(*s.order_id);
  else w.Null();
  put_key(w, "channel_id");
  w.Int(s.channel_id);
  put_key(w, "consents");
  w.StartArray();
  for (const auto& k : s.consents) put_string(w, k);
  w.EndArray();
  put(w, "date_modified", format_iso_z(s.date_modified));
  put(w, "date_created", format_iso_z(s.date_created));
  w.EndObject();
}

// ---- attributes

http::response attributes(context& c) {
  const auto& m = c.req.method;
  if (m == "GET") {
    std::vector<const attribute*> rows;
    for (const auto& [id, a] : c.s.attributes) {
      if (auto v = c.q.get("name"); v && *v != a.name) continue;
      if (auto v = c.q.get("name:like"); v && !like(a.name, *v)) continue;
      if (auto v = c.q.get("type"); v && *v != a.type) continue;
      if (!date_ok(c.q, "date_created", a.date_created) || !date_ok(c.q, "date_modified", a.date_modified)) continue;
      rows.push_back(&a);
    }
    return paged(c, rows, write_attribute);
  }
  if (m == "DELETE") {
    if (auto ids = c.q.get("id:in"))
      for (const auto& item : split_list(*ids))
        if (auto id = parse_int(item)) {
          // Deleting an attribute also deletes its values.
          c.s.attributes.erase(static_cast<int>(*id));
          std::vector<int> doomed;
          for (const auto& [vid, v] : c.s.attribute_values)
            if (v.attribute_id == *id) doomed.push_back(vid);
          for (int vid : doomed) c.s.erase_value(vid);
        }
    return no_content();
  }
  if (m != "POST" && m != "PUT") return v3_error(405, "Method Not Allowed");
  auto doc = array_body(c);
  if (!doc) return bad_body();
  error_map errors;
  std::vector<attribute> out;
  const auto now = now_seconds();
  for (rapidjson::SizeType i = 0; i < doc->Size(); ++i) {
    const auto& item = (*doc)[i];
    const auto prefix = std::to_string(i) + ".";
    attribute a;
    if (m == "PUT") {
      if (!item.IsObject() || !item.HasMember("id") || !item["id"].IsInt() || !c.s.attributes.contains(item["id"].GetInt())) {
        errors.emplace_back(prefix + "id", "id must name an existing attribute.");
        continue;
      }
      a = c.s.attributes.at(item["id"].GetInt());
      // The type cannot change: delete and recreate instead.
      if (item.HasMember("type") && (!item["type"].IsString() || a.type != item["type"].GetString()))
        errors.emplace_back(prefix + "type", "The attribute type cannot be changed.");
    } else if (item.IsObject()) {
      std::string type;
      if (read_bounded(item, "type", 1, 20, true, type, prefix, errors) && type != "string" && type != "number" && type != "date")
        errors.emplace_back(prefix + "type", "type must be one of string, number, date.");
      a.type = type;
      a.date_created = now;
    }
    if (!item.IsObject()) {
      errors.emplace_back(prefix + "attribute", "Each attribute must be an object.");
      continue;
    }
    read_bounded(item, "name", 1, 255, true, a.name, prefix, errors);
    for (const auto& [id, other] : c.s.attributes)
      if (other.name == a.name && other.id != a.id) errors.emplace_back(prefix + "name", "An attribute named " + a.name + " already exists.");
    a.date_modified = now;
    out.push_back(std::move(a));
  }
  if (m == "POST" && c.s.attributes.size() + out.size() > max_attributes)
    errors.emplace_back("attributes", "A store can have at most 50 customer attributes.");
  if (!errors.empty()) return v3_error(422, m == "POST" ? "Create attributes failed." : "Update attributes failed.", errors);
  std::vector<const attribute*> rows;
  for (auto& a : out) {
    if (m == "POST") a.id = c.s.next_attribute++;
    c.s.attributes[a.id] = a;
    rows.push_back(&c.s.attributes.at(a.id));
  }
  return written(rows, write_attribute);
}

// ---- attribute values

bool value_fits(const std::string& type, const std::string& v) {
  if (type == "number") {
    char* end = nullptr;
    std::strtod(v.c_str(), &end);
    return !v.empty() && *end == '\0';
  }
  if (type == "date") return parse_iso8601(v).has_value();
  return true;
}

http::response attribute_values(context& c) {
  const auto& m = c.req.method;
  if (m == "GET") {
    std::vector<const attribute_value*> rows;
    for (const auto& [id, v] : c.s.attribute_values) {
      if (!in_int_list(c.q, "customer_id:in", v.customer_id) || !in_int_list(c.q, "attribute_id:in", v.attribute_id)) continue;
      if (auto n = c.q.get("name")) {
        auto a = c.s.attributes.find(v.attribute_id);
        if (a == c.s.attributes.end() || a->second.name != *n) continue;
      }
      if (!date_ok(c.q, "date_created", v.date_created) || !date_ok(c.q, "date_modified", v.date_modified)) continue;
      rows.push_back(&v);
    }
    return paged(c, rows, write_value);
  }
  if (m == "DELETE") {
    if (auto ids = c.q.get("id:in"))
      for (const auto& item : split_list(*ids))
        if (auto id = parse_int(item)) c.s.erase_value(static_cast<int>(*id));
    return no_content();
  }
  if (m != "PUT") return v3_error(405, "Method Not Allowed");
  auto doc = array_body(c);
  if (!doc) return bad_body();
  std::set<int> customers;
  error_map errors;
  std::vector<attribute_value> out;
  const auto now = now_seconds();
  for (rapidjson::SizeType i = 0; i < doc->Size(); ++i) {
    const auto& item = (*doc)[i];
    const auto prefix = std::to_string(i) + ".";
    if (!item.IsObject() || !item.HasMember("attribute_id") || !item["attribute_id"].IsInt() ||
        !item.HasMember("customer_id") || !item["customer_id"].IsInt() || !item.HasMember("value") || !item["value"].IsString()) {
      errors.emplace_back(prefix + "value", "attribute_id, customer_id and a string value are required.");
      continue;
    }
    attribute_value v;
    v.attribute_id = item["attribute_id"].GetInt();
    v.customer_id = item["customer_id"].GetInt();
    v.value = item["value"].GetString();
    customers.insert(v.customer_id);
    auto a = c.s.attributes.find(v.attribute_id);
    if (a == c.s.attributes.end()) errors.emplace_back(prefix + "attribute_id", "Attribute does not exist.");
    else if (!value_fits(a->second.type, v.value)) errors.emplace_back(prefix + "value", "The value does not match the attribute type " + a->second.type + ".");
    if (!c.s.customers.contains(v.customer_id)) errors.emplace_back(prefix + "customer_id", "Customer does not exist.");
    if (v.value.size() > 255) errors.emplace_back(prefix + "value", "value must be at most 255 characters.");
    // Upsert: an explicit id, or the (customer, attribute) pair, finds the existing row.
    if (item.HasMember("id") && item["id"].IsInt()) v.id = item["id"].GetInt();
    for (const auto& [id, old] : c.s.attribute_values)
      if (v.id == 0 && old.customer_id == v.customer_id && old.attribute_id == v.attribute_id) v.id = id;
    v.date_created = v.id && c.s.attribute_values.contains(v.id) ? c.s.attribute_values.at(v.id).date_created : now;
    v.date_modified = now;
    out.push_back(std::move(v));
  }
  if (customers.size() > 10) return v3_error(413, "At most 10 customers per request.");
  if (!errors.empty()) return v3_error(422, "Upsert attribute values failed.", errors);
  std::vector<const attribute_value*> rows;
  for (auto& v : out) {
    if (v.id == 0 || !c.s.attribute_values.contains(v.id)) v.id = c.s.next_attribute_value++;
    // An explicit id may name a row of another customer: drop the old row first.
    c.s.erase_value(v.id);
    c.s.put_value(v);
    rows.push_back(&c.s.attribute_values.at(v.id));
  }
  return written(rows, write_value);
}

// ---- form-field values

struct ffv_row {
  int owner;
  bool is_address;
  const form_field* field;
};

http::response form_field_values(context& c) {
  const auto& m = c.req.method;
  if (m == "GET") {
    std::vector<ffv_row> rows;
    const auto customer_id = c.q.get("customer_id");
    const auto address_id = c.q.get("address_id");
    const auto name = c.q.get("field_name");
    if (!address_id)
      for (const auto& [id, cu] : c.s.customers)
        for (const auto& f : cu.form_fields)
          if ((!customer_id || parse_int(*customer_id) == id) && (!name || *name == f.name)) rows.push_back({id, false, &f});
    if (!customer_id)
      for (const auto& [id, a] : c.s.addresses)
        for (const auto& f : a.form_fields)
          if ((!address_id || parse_int(*address_id) == id) && (!name || *name == f.name)) rows.push_back({id, true, &f});
    std::vector<const ffv_row*> ptrs;
    for (const auto& r : rows) ptrs.push_back(&r);
    return paged(c, ptrs, [](json_writer& w, const ffv_row& r) {
      w.StartObject();
      put(w, "name", r.field->name);
      put_key(w, "value");
      w.RawValue(r.field->value_json.data(), r.field->value_json.size(), rapidjson::kStringType);
      put_key(w, r.is_address ? "address_id" : "customer_id");
      w.Int(r.owner);
      w.EndObject();
    });
  }
  if (m != "PUT") return v3_error(405, "Method Not Allowed");
  auto doc = array_body(c);
  if (!doc) return bad_body();
  error_map errors;
  for (rapidjson::SizeType i = 0; i < doc->Size(); ++i) {
    const auto& item = (*doc)[i];
    const auto prefix = std::to_string(i) + ".";
    if (!item.IsObject() || !item.HasMember("name") || !item["name"].IsString() || !item.HasMember("value")) {
      errors.emplace_back(prefix + "name", "name and value are required.");
      continue;
    }
    const bool has_customer = item.HasMember("customer_id") && item["customer_id"].IsInt();
    const bool has_address = item.HasMember("address_id") && item["address_id"].IsInt();
    if (has_customer == has_address) {
      errors.emplace_back(prefix + "customer_id", "Exactly one of customer_id and address_id is required.");
      continue;
    }
    if (has_customer && !c.s.customers.contains(item["customer_id"].GetInt())) errors.emplace_back(prefix + "customer_id", "Customer does not exist.");
    if (has_address && !c.s.addresses.contains(item["address_id"].GetInt())) errors.emplace_back(prefix + "address_id", "Address does not exist.");
  }
  if (!errors.empty()) return v3_error(422, "Update form field values failed.", errors);
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  put_key(w, "data");
  w.StartArray();
  for (const auto& item : doc->GetArray()) {
    const bool has_customer = item.HasMember("customer_id");
    auto& fields = has_customer ? c.s.customers.at(item["customer_id"].GetInt()).form_fields
                                : c.s.addresses.at(item["address_id"].GetInt()).form_fields;
    form_field ff{item["name"].GetString(), to_json(item["value"])};
    bool replaced = false;
    for (auto& f : fields)
      if (f.name == ff.name) {
        f = ff;
        replaced = true;
      }
    if (!replaced) fields.push_back(ff);
    w.StartObject();
    put(w, "name", ff.name);
    put_key(w, "value");
    w.RawValue(ff.value_json.data(), ff.value_json.size(), rapidjson::kStringType);
    put_key(w, has_customer ? "customer_id" : "address_id");
    w.Int(has_customer ? item["customer_id"].GetInt() : item["address_id"].GetInt());
    w.EndObject();
  }
  w.EndArray();
  put_key(w, "meta");
  w.StartObject();
  w.EndObject();
  w.EndObject();
  return json_response(200, body_of(sb));
}

// ---- subscribers

bool subscriber_matches(const context& c, const subscriber& s) {
  if (auto v = c.q.get("email"); v && ascii_lower(*v) != ascii_lower(s.email)) return false;
  if (auto v = c.q.get("first_name"); v && *v != s.first_name) return false;
  if (auto v = c.q.get("last_name"); v && *v != s.last_name) return false;
  if (auto v = c.q.get("source"); v && *v != s.source) return false;
  if (auto v = c.q.get("order_id"); v && (!s.order_id || parse_int(*v) != *s.order_id)) return false;
  if (auto v = c.q.get("id"); v && parse_int(*v) != s.id) return false;
  if (!in_int_list(c.q, "id:in", s.id)) return false;
  return date_ok(c.q, "date_created", s.date_created) && date_ok(c.q, "date_modified", s.date_modified);
}

// Applies a subscriber body; returns the 422 errors.
error_map read_subscriber(const rapidjson::Value& body, subscriber& s, bool is_post) {
  error_map errors;
  if (!body.IsObject()) return {{"subscriber", "The body must be a JSON object."}};
  read_bounded(body, "email", 3, 255, is_post, s.email, "", errors);
  if (!s.email.empty() && s.email.find('@') == std::string::npos) errors.emplace_back("email", "email must be a valid email address.");
  read_bounded(body, "first_name", 0, 255, false, s.first_name, "", errors);
  read_bounded(body, "last_name", 0, 255, false, s.last_name, "", errors);
  read_bounded(body, "source", 0, 255, false, s.source, "", errors);
  if (auto it = body.FindMember("order_id"); it != body.MemberEnd()) {
    if (it->value.IsNull()) s.order_id.reset();
    else if (it->value.IsInt()) s.order_id = it->value.GetInt();
    else errors.emplace_back("order_id", "order_id must be an integer or null.");
  }
  if (auto it = body.FindMember("channel_id"); it != body.MemberEnd()) {
    if (it->value.IsInt()) s.channel_id = it->value.GetInt();
    else errors.emplace_back("channel_id", "channel_id must be an integer.");
  }
  if (auto it = body.FindMember("consents"); it != body.MemberEnd()) {
    std::vector<std::string> consents;
    bool ok = it->value.IsArray();
    if (ok)
      for (const auto& v : it->value.GetArray()) {
        const std::string k = v.IsString() ? v.GetString() : "";
        if (k != "marketing_newsletter" && k != "abandoned_cart") ok = false;
        else consents.push_back(k);
      }
    if (ok) s.consents = consents;
    else errors.emplace_back("consents", "consents may hold marketing_newsletter and abandoned_cart.");
  }
  return errors;
}

http::response one_subscriber(const subscriber& s) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  put_key(w, "data");
  write_subscriber(w, s);
  put_key(w, "meta");
  w.StartObject();
  w.EndObject();
  w.EndObject();
  return json_response(200, body_of(sb));
}

http::response subscribers(context& c) {
  const auto& m = c.req.method;
  const auto subscriber_event = [&](std::string_view what, int id) {
    c.events.push_back({"store/subscriber/" + std::string(what), "{\"type\":\"subscriber\",\"id\":" + std::to_string(id) + "}"});
  };
  if (c.rest.size() == 2) {
    if (m == "GET") {
      std::vector<const subscriber*> rows;
      for (const auto& [id, s] : c.s.subscribers)
        if (subscriber_matches(c, s)) rows.push_back(&s);
      return paged(c, rows, write_subscriber);
    }
    if (m == "POST") {
      auto doc = parse_json(c.req.body);
      if (!doc) return v3_error(422, "JSON data is missing or invalid", {{"body", "Invalid JSON."}});
      subscriber s;
      auto errors = read_subscriber(*doc, s, true);
      if (!errors.empty()) return v3_error(422, "Invalid subscriber.", errors);
      for (const auto& [id, other] : c.s.subscribers)
        if (ascii_lower(other.email) == ascii_lower(s.email)) return v3_error(409, "A subscriber with this email already exists.", {{"email", "Duplicate email."}});
      s.id = c.s.next_subscriber++;
      s.date_created = s.date_modified = now_seconds();
      c.s.subscribers.emplace(s.id, s);
      subscriber_event("created", s.id);
      return one_subscriber(s);
    }
    if (m == "DELETE") {
      // With no filter at all, every subscriber goes.
      for (auto it = c.s.subscribers.begin(); it != c.s.subscribers.end();) {
        if (subscriber_matches(c, it->second)) {
          subscriber_event("deleted", it->first);
          it = c.s.subscribers.erase(it);
        } else {
          ++it;
        }
      }
      return no_content();
    }
    return v3_error(405, "Method Not Allowed");
  }
  auto id = parse_int(c.rest[2]);
  auto it = id ? c.s.subscribers.find(static_cast<int>(*id)) : c.s.subscribers.end();
  if (c.rest.size() != 3 || it == c.s.subscribers.end()) return v3_not_found();
  if (m == "GET") return one_subscriber(it->second);
  if (m == "DELETE") {
    subscriber_event("deleted", it->first);
    c.s.subscribers.erase(it);
    return no_content();
  }
  if (m == "PUT") {
    auto doc = parse_json(c.req.body);
    if (!doc) return v3_error(422, "JSON data is missing or invalid", {{"body", "Invalid JSON."}});
    subscriber s = it->second;
    auto errors = read_subscriber(*doc, s, false);
    if (!errors.empty()) return v3_error(422, "Invalid subscriber.", errors);
    for (const auto& [oid, other] : c.s.subscribers)
      if (oid != s.id && ascii_lower(other.email) == ascii_lower(s.email)) return v3_error(409, "A subscriber with this email already exists.", {{"email", "Duplicate email."}});
    s.date_modified = now_seconds();
    it->second = s;
    subscriber_event("updated", s.id);
    return one_subscriber(s);
  }
  return v3_error(405, "Method Not Allowed");
}

// ---- consent, credentials

http::response consent(context& c, customer& cu) {
  static const std::set<std::string> allowed{"essential", "functional", "analytics", "targeting"};
  if (c.req.method == "PUT") {
    auto doc = parse_json(c.req.body);
    if (!doc || !doc->IsObject()) return v3_error(422, "JSON data is missing or invalid", {{"body", "Expected {allow, deny}."}});
    std::vector<std::string> allow, deny;
    for (auto [key, out] : {std::pair{"allow", &allow}, std::pair{"deny", &deny}}) {
      auto it = doc->FindMember(key);
      if (it == doc->MemberEnd()) continue;
      if (!it->value.IsArray()) return v3_error(422, "Invalid consent", {{key, "must be an array"}});
      for (const auto& v : it->value.GetArray()) {
        if (!v.IsString() || !allowed.contains(v.GetString()))
          return v3_error(422, "Invalid consent", {{key, "values are essential, functional, analytics, targeting"}});
        out->push_back(v.GetString());
      }
    }
    cu.consent_allow = allow;
    cu.consent_deny = deny;
  } else if (c.req.method != "GET") {
    return v3_error(405, "Method Not Allowed");
  }
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  for (auto [key, list] : {std::pair{"allow", &cu.consent_allow}, std::pair{"deny", &cu.consent_deny}}) {
    put_key(w, key);
    w.StartArray();
    for (const auto& v : *list) put_string(w, v);
    w.EndArray();
  }
  // As documented: the time of the call, not of the last change.
  put(w, "updated_at", format_iso_z(now_seconds()));
  w.EndObject();
  return json_response(200, body_of(sb));
}

http::response validate_credentials(context& c) {
  if (c.req.method != "POST") return v3_error(405, "Method Not Allowed");
  auto doc = parse_json(c.req.body);
  if (!doc || !doc->IsObject() || !doc->HasMember("email") || !(*doc)["email"].IsString() || !doc->HasMember("password") ||
      !(*doc)["password"].IsString())
    return v3_error(422, "Invalid credentials request", {{"email", "email and password are required."}});
  const std::string email = (*doc)["email"].GetString(), password = (*doc)["password"].GetString();
  for (const auto& [id, cu] : c.s.customers)
    if (ascii_lower(cu.email) == ascii_lower(email) && !cu.password.empty() && cu.password == password)
      return json_response(200, "{\"is_valid\":true,\"customer_id\":" + std::to_string(id) + "}");
  return json_response(200, R"({"is_valid":false,"customer_id":null})");
}

// ---- hooks

void write_hook(json_writer& w, const context& c, const hook& h) {
  w.StartObject();
  put_key(w, "id");
  w.Int(h.id);
  put(w, "client_id", "emulator-client");
  put(w, "store_hash", c.s.hash);
  put(w, "scope", h.scope);
  put(w, "destination", h.destination);
  put_key(w, "headers");
  w.StartObject();
  for (const auto& [k, v] : h.headers) put(w, k, v);
  w.EndObject();
  put_key(w, "is_active");
  w.Bool(h.is_active);
  put_key(w, "created_at");
  w.Int64(h.created_at);
  put_key(w, "updated_at");
  w.Int64(h.updated_at);
  w.EndObject();
}

http::response one_hook(const context& c, const hook& h) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  put_key(w, "data");
  write_hook(w, c, h);
  put_key(w, "meta");
  w.StartObject();
  w.EndObject();
  w.EndObject();
  return json_response(200, body_of(sb));
}

error_map read_hook(const context& c, const rapidjson::Value& body, hook& h, bool is_post) {
  error_map errors;
  if (!body.IsObject()) return {{"hook", "The body must be a JSON object."}};
  read_bounded(body, "scope", 1, 255, is_post, h.scope, "", errors);
  read_bounded(body, "destination", 1, 2048, is_post, h.destination, "", errors);
  if (!h.scope.empty() && !h.scope.starts_with("store/")) errors.emplace_back("scope", "Unknown webhook scope.");
  const bool https = h.destination.starts_with("https://");
  if (!h.destination.empty()) {
    if (c.opt.strict_webhook_urls) {
      // Only https on port 443.
      const auto rest = h.destination.substr(8);
      const auto host = rest.substr(0, rest.find('/'));
      if (!https || (host.find(':') != std::string::npos && !host.ends_with(":443")))
        errors.emplace_back("destination", "The destination must be an https URL on port 443.");
    } else if (!https && !h.destination.starts_with("http://")) {
      errors.emplace_back("destination", "The destination must be an http(s) URL.");
    }
  }
  if (auto it = body.FindMember("is_active"); it != body.MemberEnd()) {
    if (it->value.IsBool()) h.is_active = it->value.GetBool();
    else errors.emplace_back("is_active", "is_active must be a boolean.");
  }
  if (auto it = body.FindMember("headers"); it != body.MemberEnd()) {
    h.headers.clear();
    if (it->value.IsObject()) {
      for (const auto& m : it->value.GetObject())
        if (m.value.IsString()) h.headers.emplace_back(m.name.GetString(), m.value.GetString());
        else errors.emplace_back("headers", "Header values must be strings.");
    } else if (!it->value.IsNull()) {
      errors.emplace_back("headers", "headers must be an object.");
    }
  }
  return errors;
}

http::response hooks(context& c) {
  const auto& m = c.req.method;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (c.rest.size() == 1) {
    if (m == "GET") {
      std::vector<const hook*> rows;
      for (const auto& [id, h] : c.s.hooks)
        if (!c.q.get("scope") || *c.q.get("scope") == h.scope) rows.push_back(&h);
      return paged(c, rows, [&](json_writer& w, const hook& h) { write_hook(w, c, h); });
    }
    if (m == "POST") {
      auto doc = parse_json(c.req.body);
      if (!doc) return v3_error(422, "JSON data is missing or invalid", {{"body", "Invalid JSON."}});
      hook h;
      auto errors = read_hook(c, *doc, h, true);
      if (!errors.empty()) return v3_error(422, "Invalid webhook.", errors);
      h.id = c.s.next_hook++;
      h.created_at = h.updated_at = now;
      c.s.hooks.emplace(h.id, h);
      return one_hook(c, h);
    }
    return v3_error(405, "Method Not Allowed");
  }
  auto id = parse_int(c.rest[1]);
  auto it = id ? c.s.hooks.find(static_cast<int>(*id)) : c.s.hooks.end();
  if (c.rest.size() != 2 || it == c.s.hooks.end()) return v3_not_found();
  if (m == "GET") return one_hook(c, it->second);
  if (m == "DELETE") {
    hook h = it->second;
    c.s.hooks.erase(it);
    return one_hook(c, h);
  }
  if (m == "PUT") {
    auto doc = parse_json(c.req.body);
    if (!doc) return v3_error(422, "JSON data is missing or invalid", {{"body", "Invalid JSON."}});
    hook h = it->second;
    auto errors = read_hook(c, *doc, h, false);
    if (!errors.empty()) return v3_error(422, "Invalid webhook.", errors);
    h.updated_at = now;
    it->second = h;
    return one_hook(c, h);
  }
  return v3_error(405, "Method Not Allowed");
}

}  // namespace

http::response v3_extras_route(context& c) {
  const auto& r = c.rest;
  if (r[0] == "hooks") return hooks(c);
  // r[0] == "customers", r.size() >= 2
  if (r[1] == "attributes" && r.size() == 2) return attributes(c);
  if (r[1] == "attribute-values" && r.size() == 2) return attribute_values(c);
  if (r[1] == "form-field-values" && r.size() == 2) return form_field_values(c);
  if (r[1] == "subscribers") return subscribers(c);
  if (r[1] == "validate-credentials" && r.size() == 2) return validate_credentials(c);
  if (auto id = parse_int(r[1]); id && r.size() == 3) {
    auto it = c.s.customers.find(static_cast<int>(*id));
    if (it == c.s.customers.end()) return v3_not_found();
    if (r[2] == "consent") return consent(c, it->second);
    if (r[2] == "stored-instruments" && c.req.method == "GET") return json_response(200, "[]");
  }
  return v3_not_found();
}

}  // namespace custbridge::emulators::bigcommerce::detail
