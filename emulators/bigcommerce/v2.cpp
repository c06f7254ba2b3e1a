// V2: bare JSON bodies, RFC 2822 dates, error arrays, country names.
#include <algorithm>

#include "common/country.hpp"
#include "common/text.hpp"
#include "emulators/bigcommerce/routes.hpp"

namespace custbridge::emulators::bigcommerce::detail {
namespace {

std::string body_of(rapidjson::StringBuffer& sb) { return std::string(sb.GetString(), sb.GetSize()); }

http::response no_content() {
  http::response r;
  r.status = 204;
  return r;
}

http::response not_found() { return v2_error(404, "The requested resource was not found."); }

// V2 paging: page (1-based) and limit (default 50, max 250).
struct v2_page {
  std::size_t first = 0, limit = 50;
};

std::optional<v2_page> read_page(const query_params& q) {
  auto p = read_paging(q);
  if (!p) return std::nullopt;
  return v2_page{static_cast<std::size_t>((p->page - 1) * p->limit), static_cast<std::size_t>(p->limit)};
}

template <class Row, class Writer>
http::response list(const context& c, const std::vector<const Row*>& rows, Writer write_row) {
  auto p = read_page(c.q);
  if (!p) return v2_error(400, "The field 'page' or 'limit' is invalid.");
  if (p->first >= rows.size()) {
    // An empty V2 list is a 204 without a body on the real platform (UNDOCUMENTED; flag).
    if (c.opt.v2_empty_list_is_204) return no_content();
    return json_response(200, "[]");
  }
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartArray();
  for (std::size_t i = p->first; i < rows.size() && i < p->first + p->limit; ++i) write_row(w, *rows[i]);
  w.EndArray();
  return json_response(200, body_of(sb));
}

std::optional<rapidjson::Document> object_body(const context& c) {
  auto doc = parse_json(c.req.body);
  if (!doc || !doc->IsObject()) return std::nullopt;
  return doc;
}

http::response bad_json() { return v2_error(400, "The request body is not valid JSON."); }

// Rejects read-only fields the way V2 does: one error naming the field.
std::optional<http::response> read_only(const rapidjson::Value& body, std::initializer_list<const char*> fields) {
  for (const char* f : fields)
    if (body.HasMember(f))
      return v2_error(400, "The field '" + std::string(f) + "' cannot be written to. Please remove it from your request before trying again.");
  return std::nullopt;
}

std::optional<http::response> missing(const rapidjson::Value& body, std::initializer_list<const char*> fields) {
  std::string names;
  for (const char* f : fields)
    if (!body.HasMember(f)) names += (names.empty() ? "" : ", ") + std::string(f);
  if (names.empty()) return std::nullopt;
  return v2_error(400, "Required fields missing [" + names + "]");
}

// Reads string members; a wrong type is a 400 naming the field.
std::optional<http::response> strings(const rapidjson::Value& body, std::initializer_list<std::pair<const char*, std::string*>> fields) {
  for (auto [key, out] : fields) {
    auto it = body.FindMember(key);
    if (it == body.MemberEnd()) continue;
    if (!it->value.IsString())
      return v2_error(400, "The field '" + std::string(key) + "' is invalid.", R"({"invalid_reason":"The field must be a string."})");
    *out = it->value.GetString();
  }
  return std::nullopt;
}

bool email_taken(const store& s, std::string_view email, int except) {
  for (const auto& [id, cu] : s.customers)
    if (id != except && ascii_lower(cu.email) == ascii_lower(email)) return true;
  return false;
}

std::optional<http::response> apply_customer(context& c, const rapidjson::Value& body, customer& cu, bool is_post) {
  if (auto r = read_only(body, {"id", "date_created", "date_modified", "accepts_marketing", "addresses", "form_fields"})) return r;
  if (is_post)
    if (auto r = missing(body, {"first_name", "last_name", "email"})) return r;
  if (auto r = strings(body, {{"first_name", &cu.first_name}, {"last_name", &cu.last_name}, {"email", &cu.email},
                              {"company", &cu.company}, {"phone", &cu.phone}, {"notes", &cu.notes},
                              {"tax_exempt_category", &cu.tax_exempt_category},
                              {"registration_ip_address", &cu.registration_ip_address}}))
    return r;
  if (cu.email.find('@') == std::string::npos)
    return v2_error(400, "The field 'email' is invalid.", R"({"invalid_reason":"The email address is not valid."})");
  if (cu.first_name.empty() || cu.last_name.empty()) return v2_error(400, "Required fields missing [first_name, last_name]");
  if (auto it = body.FindMember("customer_group_id"); it != body.MemberEnd()) {
    if (!it->value.IsInt() || (it->value.GetInt() != 0 && !c.s.groups.contains(it->value.GetInt())))
      return v2_error(400, "The field 'customer_group_id' is invalid.");
    cu.customer_group_id = it->value.GetInt();
  }
  if (auto it = body.FindMember("store_credit"); it != body.MemberEnd()) {
    // A decimal string such as "12.5000"; numbers are accepted too.
    double v = 0;
    if (it->value.IsString()) {
      char* end = nullptr;
      v = std::strtod(it->value.GetString(), &end);
      if (*end != '\0') return v2_error(400, "The field 'store_credit' is invalid.");
    } else if (it->value.IsNumber()) {
      v = it->value.GetDouble();
    } else {
      return v2_error(400, "The field 'store_credit' is invalid.");
    }
    cu.store_credit = static_cast<std::int64_t>(v * 10000.0 + 0.5);
  }
  if (auto it = body.FindMember("reset_pass_on_login"); it != body.MemberEnd()) {
    if (!it->value.IsBool()) return v2_error(400, "The field 'reset_pass_on_login' is invalid.");
    cu.force_password_reset = it->value.GetBool();
  }
  if (auto it = body.FindMember("_authentication"); it != body.MemberEnd()) {
    const auto& a = it->value;
    if (!a.IsObject()) return v2_error(400, "The field '_authentication' is invalid.");
    if (a.HasMember("force_reset") && a["force_reset"].IsBool()) cu.force_password_reset = a["force_reset"].GetBool();
    if (a.HasMember("password")) {
      if (!a["password"].IsString()) return v2_error(400, "The field '_authentication.password' is invalid.");
      if (a.HasMember("password_confirmation") &&
          (!a["password_confirmation"].IsString() || std::string(a["password_confirmation"].GetString()) != a["password"].GetString()))
        return v2_error(400, "The field 'password_confirmation' is invalid.", R"({"invalid_reason":"The passwords do not match."})");
      cu.password = a["password"].GetString();
    }
  }
  if (email_taken(c.s, cu.email, cu.id))
    return v2_error(409, "The email address " + cu.email + " is already in use by another customer.",
                    R"({"conflict_reason":"email"})");
  return std::nullopt;
}

http::response one_customer(context& c, const customer& cu) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  write_v2_customer(w, c.s, cu, c.opt);
  return json_response(200, body_of(sb));
}

bool customer_matches(const context& c, const customer& cu) {
  const auto& q = c.q;
  auto eq = [&](const char* key, const std::string& v) {
    auto f = q.get(key);
    return !f || ascii_lower(*f) == ascii_lower(v);
  };
  if (!eq("first_name", cu.first_name) || !eq("last_name", cu.last_name) || !eq("company", cu.company) ||
      !eq("email", cu.email) || !eq("phone", cu.phone) || !eq("tax_exempt_category", cu.tax_exempt_category))
    return false;
  if (auto v = q.get("customer_group_id"); v && parse_int(*v) != cu.customer_group_id) return false;
  if (auto v = q.get("store_credit"); v && std::strtod(std::string(*v).c_str(), nullptr) * 10000.0 != static_cast<double>(cu.store_credit)) return false;
  if (auto v = q.get("min_id"); v && parse_int(*v).value_or(0) > cu.id) return false;
  if (auto v = q.get("max_id"); v && parse_int(*v).value_or(0) < cu.id) return false;
  // Date filters take RFC 2822 or ISO 8601 (as Orders V2 documents; customers presumably too).
  auto bound = [&](const char* key, sys_seconds t, bool is_min) {
    auto v = q.get(key);
    if (!v) return true;
    auto d = parse_any_date(*v);
    return !d || (is_min ? t >= *d : t <= *d);
  };
  return bound("min_date_created", cu.date_created, true) && bound("max_date_created", cu.date_created, false) &&
         bound("min_date_modified", cu.date_modified, true) && bound("max_date_modified", cu.date_modified, false);
}

http::response customers(context& c) {
  const auto& m = c.req.method;
  const auto& r = c.rest;
  if (r.size() == 1) {
    if (m == "GET") {
      std::vector<const customer*> rows;
      for (const auto& [id, cu] : c.s.customers)
        if (customer_matches(c, cu)) rows.push_back(&cu);
      return list(c, rows, [&](json_writer& w, const customer& cu) { write_v2_customer(w, c.s, cu, c.opt); });
    }
    if (m == "POST") {
      auto doc = object_body(c);
      if (!doc) return bad_json();
      customer cu;
      cu.id = 0;
      if (auto err = apply_customer(c, *doc, cu, true)) return *err;
      // POST without a password generates one.
      if (cu.password.empty()) cu.password = "generated-" + std::to_string(c.s.next_customer);
      cu.id = c.s.next_customer++;
      cu.date_created = cu.date_modified = now_seconds();
      c.s.customers.emplace(cu.id, cu);
      customer_event(c, "created", cu.id);
      return one_customer(c, cu);
    }
    if (m == "DELETE") {
      // V2 DELETE /customers deletes every customer matching the filters: with no filter, all of them.
      std::vector<int> doomed;
      for (const auto& [id, cu] : c.s.customers)
        if (customer_matches(c, cu)) doomed.push_back(id);
      for (int id : doomed) erase_customer(c, id);
      return no_content();
    }
    return v2_error(405, "Method not allowed.");
  }
  if (r[1] == "count" && r.size() == 2 && m == "GET") {
    std::size_t n = 0;
    for (const auto& [id, cu] : c.s.customers) n += customer_matches(c, cu);
    return json_response(200, "{\"count\":" + std::to_string(n) + "}");
  }
  auto id = parse_int(r[1]);
  auto it = id ? c.s.customers.find(static_cast<int>(*id)) : c.s.customers.end();
  if (it == c.s.customers.end()) return not_found();
  auto& cu = it->second;
  if (r.size() == 2) {
    if (m == "GET") return one_customer(c, cu);
    if (m == "PUT") {
      auto doc = object_body(c);
      if (!doc) return bad_json();
      customer copy = cu;
      if (auto err = apply_customer(c, *doc, copy, false)) return *err;
      copy.date_modified = now_seconds();
      cu = copy;
      customer_event(c, "updated", cu.id);
      return one_customer(c, cu);
    }
    if (m == "DELETE") {
      erase_customer(c, cu.id);
      return no_content();
    }
    return v2_error(405, "Method not allowed.");
  }
  if (r[2] == "validate" && r.size() == 3 && m == "POST") {
    auto doc = object_body(c);
    if (!doc || !doc->HasMember("password") || !(*doc)["password"].IsString()) return v2_error(400, "Required fields missing [password]");
    const bool ok = !cu.password.empty() && cu.password == (*doc)["password"].GetString();
    return json_response(200, ok ? R"({"success":true})" : R"({"success":false})");
  }
  if (r[2] != "addresses") return not_found();

  // ---- /customers/{id}/addresses
  auto owned = [&] {
    std::vector<const address*> rows;
    for (int aid : c.s.address_ids(cu.id)) rows.push_back(&c.s.addresses.at(aid));
    return rows;
  };
  auto read_v2_address = [&](const rapidjson::Value& body, address& a, bool is_post) -> std::optional<http::response> {
    if (auto e = read_only(body, {"id", "customer_id", "country_iso2"})) return e;
    if (auto e = missing(body, {"first_name", "last_name", "phone", "street_1", "city", "state", "zip", "country"}); e && is_post) return e;
    std::string country(country_name(a.country_code).value_or(""));
    if (auto e = strings(body, {{"first_name", &a.first_name}, {"last_name", &a.last_name}, {"company", &a.company},
                                {"street_1", &a.address1}, {"street_2", &a.address2}, {"city", &a.city},
                                {"state", &a.state_or_province}, {"zip", &a.postal_code}, {"country", &country},
                                {"phone", &a.phone}, {"address_type", &a.address_type}}))
      return e;
    // V2 takes the full English country name; country_iso2 is derived.
    auto code = country_code(country);
    if (!code || country.size() == 2)
      return v2_error(400, "The field 'country' is invalid.", R"({"invalid_reason":"Use the full English country name."})");
    a.country_code = std::string(*code);
    if (a.state_or_province == " ") a.state_or_province.clear();
    if (a.address_type != "residential" && a.address_type != "commercial") return v2_error(400, "The field 'address_type' is invalid.");
    return std::nullopt;
  };
  auto one_address = [&](const address& a) {
    rapidjson::StringBuffer sb;
    json_writer w(sb);
    write_v2_address(w, a);
    return json_response(200, body_of(sb));
  };
  if (r.size() == 3) {
    if (m == "GET") return list(c, owned(), write_v2_address);
    if (m == "POST") {
      auto doc = object_body(c);
      if (!doc) return bad_json();
      address a;
      a.customer_id = cu.id;
      if (auto err = read_v2_address(*doc, a, true)) return *err;
      a.id = c.s.next_address++;
      c.s.put_address(a);
      address_event(c, "created", a);
      return one_address(a);
    }
    if (m == "DELETE") {
      // Removes every address of this customer.
      for (auto* a : owned()) {
        address_event(c, "deleted", *a);
        c.s.erase_address(a->id);
      }
      return no_content();
    }
    return v2_error(405, "Method not allowed.");
  }
  if (r.size() == 4 && r[3] == "count" && m == "GET") return json_response(200, "{\"count\":" + std::to_string(owned().size()) + "}");
  auto aid = parse_int(r[3]);
  auto ait = aid ? c.s.addresses.find(static_cast<int>(*aid)) : c.s.addresses.end();
  if (r.size() != 4 || ait == c.s.addresses.end() || ait->second.customer_id != cu.id) return not_found();
  if (m == "GET") return one_address(ait->second);
  if (m == "DELETE") {
    address_event(c, "deleted", ait->second);
    c.s.erase_address(ait->first);
    return no_content();
  }
  if (m == "PUT") {
    auto doc = object_body(c);
    if (!doc) return bad_json();
    address a = ait->second;
    if (auto err = read_v2_address(*doc, a, false)) return *err;
    c.s.put_address(a);
    address_event(c, "updated", a);
    return one_address(a);
  }
  return v2_error(405, "Method not allowed.");
}

// ---- customer groups

void write_group(json_writer& w, const customer_group& g) {
  w.StartObject();
  put_key(w, "id");
  w.Int(g.id);
  put(w, "name", g.name);
  put_key(w, "is_default");
  w.Bool(g.is_default);
  put_key(w, "is_group_for_guests");
  w.Bool(g.is_group_for_guests);
  put_raw(w, "category_access", g.category_access_json);
  put_key(w, "discount_rules");
  w.RawValue(g.discount_rules_json.data(), g.discount_rules_json.size(), rapidjson::kArrayType);
  put(w, "date_created", format_sql(g.date_created));
  put(w, "date_modified", format_sql(g.date_modified));
  w.EndObject();
}

std::optional<http::response> apply_group(context& c, const rapidjson::Value& body, customer_group& g, bool is_post) {
  if (auto e = read_only(body, {"id", "date_created", "date_modified"})) return e;
  if (is_post)
    if (auto e = missing(body, {"name"})) return e;
  if (auto e = strings(body, {{"name", &g.name}})) return e;
  for (const auto& [id, other] : c.s.groups)
    if (id != g.id && ascii_lower(other.name) == ascii_lower(g.name))
      return v2_error(409, "A customer group with the name " + g.name + " already exists.");
  for (auto [key, out] : {std::pair{"is_default", &g.is_default}, std::pair{"is_group_for_guests", &g.is_group_for_guests}}) {
    if (!body.HasMember(key)) continue;
    if (!body[key].IsBool()) return v2_error(400, "The field '" + std::string(key) + "' is invalid.");
    *out = body[key].GetBool();
  }
  if (body.HasMember("category_access")) {
    const auto& ca = body["category_access"];
    if (!ca.IsObject() || !ca.HasMember("type") || !ca["type"].IsString()) return v2_error(400, "The field 'category_access' is invalid.");
    const std::string type = ca["type"].GetString();
    if (type != "all" && type != "specific" && type != "none") return v2_error(400, "The field 'category_access.type' is invalid.");
    g.category_access_json = to_json(ca);
  }
  if (body.HasMember("discount_rules")) {
    // PUT replaces every rule. A price_list rule must be alone; at most one `all` rule.
    const auto& rules = body["discount_rules"];
    if (!rules.IsArray()) return v2_error(400, "The field 'discount_rules' is invalid.");
    int all = 0, price_list = 0;
    for (const auto& rule : rules.GetArray()) {
      if (!rule.IsObject() || !rule.HasMember("type") || !rule["type"].IsString()) return v2_error(400, "The field 'discount_rules' is invalid.");
      const std::string type = rule["type"].GetString();
      all += type == "all";
      price_list += type == "price_list";
    }
    if (all > 1 || (price_list > 0 && rules.Size() > 1)) return v2_error(400, "The field 'discount_rules' is invalid.",
                                                                          R"({"invalid_reason":"A price_list rule must be alone, and only one all rule is allowed."})");
    g.discount_rules_json = to_json(rules);
  }
  return std::nullopt;
}

http::response customer_groups(context& c) {
  const auto& m = c.req.method;
  const auto& r = c.rest;
  auto one = [&](const customer_group& g) {
    rapidjson::StringBuffer sb;
    json_writer w(sb);
    write_group(w, g);
    return json_response(200, body_of(sb));
  };
  auto matches = [&](const customer_group& g) {
    if (auto v = c.q.get("name"); v && *v != g.name) return false;
    if (auto v = c.q.get("name:like"); v && !like(g.name, *v)) return false;
    if (auto v = c.q.get("is_default"); v && (*v == "true") != g.is_default) return false;
    if (auto v = c.q.get("is_group_for_guests"); v && (*v == "true") != g.is_group_for_guests) return false;
    return date_ok(c.q, "date_created", g.date_created) && date_ok(c.q, "date_modified", g.date_modified);
  };
  if (r.size() == 1) {
    if (m == "GET") {
      std::vector<const customer_group*> rows;
      for (const auto& [id, g] : c.s.groups)
        if (matches(g)) rows.push_back(&g);
      return list(c, rows, write_group);
    }
    if (m == "POST") {
      auto doc = object_body(c);
      if (!doc) return bad_json();
      customer_group g;
      if (auto e = apply_group(c, *doc, g, true)) return *e;
      g.id = c.s.next_group++;
      g.date_created = g.date_modified = now_seconds();
      c.s.groups.emplace(g.id, g);
      return one(g);
    }
    return v2_error(405, "Method not allowed.");
  }
  if (r.size() == 2 && r[1] == "count" && m == "GET") {
    std::size_t n = 0;
    for (const auto& [id, g] : c.s.groups) n += matches(g);
    return json_response(200, "{\"count\":" + std::to_string(n) + "}");
  }
  auto id = parse_int(r[1]);
  auto it = id ? c.s.groups.find(static_cast<int>(*id)) : c.s.groups.end();
  if (r.size() != 2 || it == c.s.groups.end()) return not_found();
  if (m == "GET") return one(it->second);
  if (m == "PUT") {
    auto doc = object_body(c);
    if (!doc) return bad_json();
    customer_group g = it->second;
    if (auto e = apply_group(c, *doc, g, false)) return *e;
    g.date_modified = now_seconds();
    it->second = g;
    return one(g);
  }
  if (m == "DELETE") {
    // Deleting a group unassigns its customers.
    for (auto& [cid, cu] : c.s.customers)
      if (cu.customer_group_id == it->first) cu.customer_group_id = 0;
    c.s.groups.erase(it);
    return no_content();
  }
  return v2_error(405, "Method not allowed.");
}

// ---- orders (read-only, enough for ?customer_id= and delete semantics)

void write_order(json_writer& w, const order& o) {
  w.StartObject();
  put_key(w, "id");
  w.Int(o.id);
  put_key(w, "customer_id");
  w.Int(o.customer_id);
  put(w, "date_created", format_rfc2822(o.date_created));
  put(w, "date_modified", format_rfc2822(o.date_created));
  put_key(w, "status_id");
  w.Int(o.status_id);
  put(w, "status", o.status);
  put(w, "subtotal_inc_tax", money4(o.total_cents * 100));
  put(w, "total_inc_tax", money4(o.total_cents * 100));
  put(w, "currency_code", "USD");
  put_key(w, "billing_address");
  w.StartObject();
  put(w, "email", o.billing_email);
  w.EndObject();
  w.EndObject();
}

http::response orders(context& c) {
  if (c.req.method != "GET") return v2_error(405, "This emulator serves orders read-only.");
  if (c.rest.size() == 1) {
    std::vector<const order*> rows;
    for (const auto& [id, o] : c.s.orders) {
      if (auto v = c.q.get("customer_id"); v && parse_int(*v) != o.customer_id) continue;
      if (auto v = c.q.get("email"); v && ascii_lower(*v) != ascii_lower(o.billing_email)) continue;
      rows.push_back(&o);
    }
    return list(c, rows, write_order);
  }
  auto id = parse_int(c.rest[1]);
  auto it = id ? c.s.orders.find(static_cast<int>(*id)) : c.s.orders.end();
  if (c.rest.size() != 2 || it == c.s.orders.end()) return not_found();
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  write_order(w, it->second);
  return json_response(200, body_of(sb));
}

}  // namespace

http::response v2_route(context& c) {
  if (c.rest.empty()) return not_found();
  // [ABOUT]: a `.json` extension may stand in for the Accept header.
  if (c.rest.back().ends_with(".json")) c.rest.back().remove_suffix(5);
  if (c.rest[0] == "customers") return customers(c);
  if (c.rest[0] == "customer_groups") return customer_groups(c);
  if (c.rest[0] == "orders") return orders(c);
  return not_found();
}

}  // namespace custbridge::emulators::bigcommerce::detail
