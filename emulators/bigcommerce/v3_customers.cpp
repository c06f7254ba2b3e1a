// V3 /customers and /customers/addresses, and the V3 router.
#include <algorithm>
#include <set>

#include "common/country.hpp"
#include "common/text.hpp"
#include "emulators/bigcommerce/routes.hpp"
#include "emulators/bigcommerce/v3_validation.hpp"

namespace custbridge::emulators::bigcommerce::detail {

http::response v3_extras_route(context& c);

namespace {

constexpr std::size_t max_batch = 10;

std::string body_of(rapidjson::StringBuffer& sb) { return std::string(sb.GetString(), sb.GetSize()); }

http::response too_large() {
  // 413 has no documented body; the V3 error shape is the plausible one.
  return v3_error(413, "The request payload is too large. The maximum number of items is 10.");
}

std::vector<std::string> includes(const query_params& q) {
  std::vector<std::string> out;
  if (auto v = q.get("include")) out = split_list(*v);
  return out;
}

// A cursor is base64("id:<last id>"), like the docs' example "aWQ6Nw==".
std::string cursor_for(int id) { return base64_encode("id:" + std::to_string(id)); }

std::optional<int> cursor_id(std::string_view cursor) {
  static constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (char ch : cursor) {
    if (ch == '=') break;
    auto pos = alphabet.find(ch);
    if (pos == std::string_view::npos) return std::nullopt;
    buf = (buf << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buf >> bits) & 0xFF));
    }
  }
  if (!out.starts_with("id:")) return std::nullopt;
  auto n = parse_int(std::string_view(out).substr(3));
  if (!n) return std::nullopt;
  return static_cast<int>(*n);
}

bool customer_matches(const context& c, const customer& cu) {
  const auto& q = c.q;
  const auto full = cu.first_name + " " + cu.last_name;
  if (!in_int_list(q, "id:in", cu.id)) return false;
  if (!in_list(q, "email:in", cu.email, true)) return false;
  if (!in_list(q, "name:in", full, true)) return false;
  if (!in_list(q, "company:in", cu.company, true)) return false;
  if (!in_list(q, "phone:in", cu.phone)) return false;
  if (!in_list(q, "registration_ip_address:in", cu.registration_ip_address)) return false;
  if (!in_int_list(q, "customer_group_id:in", cu.customer_group_id)) return false;
  // name:like matches first and last name joined together.
  if (auto v = q.get("name:like"); v && !like(cu.first_name + cu.last_name, *v) && !like(full, *v)) return false;
  return date_ok(q, "date_created", cu.date_created) && date_ok(q, "date_modified", cu.date_modified);
}

http::response list_customers(context& c) {
  auto p = read_paging(c.q);
  if (!p) return v3_error(422, "Invalid paging parameters", {{"page", "page and limit must be positive integers"}});
  std::vector<const customer*> rows;
  if (auto ids = c.q.get("id:in")) {
    // Look the listed ids up instead of scanning the store: the common single-customer read.
    std::set<int> wanted;
    for (const auto& item : split_list(*ids))
      if (auto id = parse_int(item)) wanted.insert(static_cast<int>(*id));
    for (int id : wanted)
      if (auto it = c.s.customers.find(id); it != c.s.customers.end() && customer_matches(c, it->second)) rows.push_back(&it->second);
  } else {
    // Without filters every customer matches: skip the per-customer checks.
    bool filtered = false;
    for (const auto& [key, value] : c.q.items())
      filtered = filtered || !(key == "page" || key == "limit" || key == "include" || key == "sort" || key == "after" || key == "before");
    rows.reserve(c.s.customers.size());
    for (const auto& [id, cu] : c.s.customers)
      if (!filtered || customer_matches(c, cu)) rows.push_back(&cu);
  }
  if (auto sort = c.q.get("sort")) {
    auto parts = split_list(*sort, ':');
    const std::string field = parts.empty() ? "" : parts[0];
    const bool desc = parts.size() > 1 && parts[1] == "desc";
    if (field != "date_created" && field != "last_name" && field != "date_modified")
      return v3_error(422, "Invalid sort", {{"sort", "sort must be date_created, last_name or date_modified with :asc or :desc"}});
    std::stable_sort(rows.begin(), rows.end(), [&](const customer* a, const customer* b) {
      bool less = field == "last_name"      ? a->last_name < b->last_name
                  : field == "date_created" ? a->date_created < b->date_created
                                            : a->date_modified < b->date_modified;
      bool greater = field == "last_name"      ? b->last_name < a->last_name
                     : field == "date_created" ? b->date_created < a->date_created
                                               : b->date_modified < a->date_modified;
      // Ties (dates have whole seconds) follow the id in the same direction, as an
      // ORDER BY key, id query would; the platform does not document its tie order.
      if (!less && !greater) return desc ? b->id < a->id : a->id < b->id;
      return desc ? greater : less;
    });
  }
  const auto inc = includes(c.q);
  const auto after = c.q.get("after"), before = c.q.get("before");
  const bool cursor_mode = after || before;
  std::vector<const customer*> page_rows;
  if (cursor_mode) {
    // Cursors walk the id order; `page` is ignored.
    auto id = cursor_id(after ? *after : *before);
    if (!id) return v3_error(422, "Invalid cursor", {{after ? "after" : "before", "Malformed cursor."}});
    std::vector<const customer*> window;
    for (auto* r : rows)
      if (after ? r->id > *id : r->id < *id) window.push_back(r);
    if (before && static_cast<long long>(window.size()) > p->limit)
      window.erase(window.begin(), window.end() - p->limit);
    for (std::size_t i = 0; i < window.size() && static_cast<long long>(i) < p->limit; ++i) page_rows.push_back(window[i]);
  } else {
    const auto first = static_cast<std::size_t>((p->page - 1) * p->limit);
    for (std::size_t i = first; i < rows.size() && i < first + static_cast<std::size_t>(p->limit); ++i) page_rows.push_back(rows[i]);
  }
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  put_key(w, "data");
  w.StartArray();
  for (auto* r : page_rows) write_v3_customer(w, c.s, *r, inc);
  w.EndArray();
  put_key(w, "meta");
  w.StartObject();
  if (!cursor_mode) write_pagination(w, static_cast<long long>(rows.size()), static_cast<long long>(page_rows.size()), *p);
  // Page 1 carries both blocks, later pages only `pagination`, cursor requests only `cursor_pagination`.
  if (cursor_mode || p->page == 1) {
    put_key(w, "cursor_pagination");
    w.StartObject();
    put_key(w, "count");
    w.Int64(static_cast<long long>(page_rows.size()));
    put_key(w, "per_page");
    w.Int64(p->limit);
    if (!page_rows.empty()) {
      put(w, "start_cursor", cursor_for(page_rows.front()->id));
      put(w, "end_cursor", cursor_for(page_rows.back()->id));
    }
    put_key(w, "links");
    w.StartObject();
    if (!page_rows.empty()) {
      const bool more_after = !rows.empty() && rows.back()->id != page_rows.back()->id;
      const bool more_before = !rows.empty() && rows.front()->id != page_rows.front()->id;
      if (more_before) put(w, "previous", "?before=" + url_encode(cursor_for(page_rows.front()->id)) + "&limit=" + std::to_string(p->limit));
      if (more_after) put(w, "next", "?after=" + url_encode(cursor_for(page_rows.back()->id)) + "&limit=" + std::to_string(p->limit));
    }
    w.EndObject();
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  return json_response(200, body_of(sb));
}

http::response write_customers(context& c, const std::vector<int>& ids) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  put_key(w, "data");
  w.StartArray();
  const std::vector<std::string> inc{"addresses", "attributes", "formfields"};
  for (int id : ids) write_v3_customer(w, c.s, c.s.customers.at(id), inc);
  w.EndArray();
  put_key(w, "meta");
  w.StartObject();
  w.EndObject();
  w.EndObject();
  return json_response(200, body_of(sb));
}

bool email_taken(const store& s, const std::string& email, int except_id) {
  for (const auto& [id, cu] : s.customers)
    if (id != except_id && ascii_lower(cu.email) == ascii_lower(email)) return true;
  return false;
}

http::response create_customers(context& c) {
  auto doc = parse_json(c.req.body);
  if (!doc || !doc->IsArray())
    return v3_error(422, "JSON data is missing or invalid", {{"body", "The request body must be an array of customers."}});
  if (doc->Size() > max_batch) return too_large();
  error_map errors;
  std::vector<customer> fresh;
  std::vector<std::vector<address>> fresh_addresses;
  std::vector<std::vector<attribute_value>> fresh_values;
  std::set<std::string> batch_emails;
  const auto now = now_seconds();
  for (rapidjson::SizeType i = 0; i < doc->Size(); ++i) {
    const std::string prefix = std::to_string(i) + ".";
    customer cu;
    cu.date_created = cu.date_modified = now;
    std::vector<address> addrs;
    std::vector<attribute_value> values;
    read_customer(c.s, (*doc)[i], cu, addrs, values, true, prefix, errors);
    if (!cu.email.empty() && (email_taken(c.s, cu.email, 0) || !batch_emails.insert(ascii_lower(cu.email)).second)) {
      if (c.opt.duplicate_email_status == 409)
        return v3_error(409, "The email address is already in use.", {{prefix + "email", "Email " + cu.email + " already in use."}});
      errors.emplace_back(prefix + "email", "Email " + cu.email + " already in use.");
    }
    fresh.push_back(std::move(cu));
    fresh_addresses.push_back(std::move(addrs));
    fresh_values.push_back(std::move(values));
  }
  // All or nothing (UNDOCUMENTED): one invalid item fails the whole batch.
  if (!errors.empty()) return v3_error(422, "Create customers failed.", errors);
  std::vector<int> ids;
  for (std::size_t i = 0; i < fresh.size(); ++i) {
    auto& cu = fresh[i];
    cu.id = c.s.next_customer++;
    ids.push_back(cu.id);
    c.s.customers.emplace(cu.id, cu);
    customer_event(c, "created", cu.id);
    for (auto& a : fresh_addresses[i]) {
      a.id = c.s.next_address++;
      a.customer_id = cu.id;
      c.s.put_address(a);
    }
    for (auto& v : fresh_values[i]) {
      v.id = c.s.next_attribute_value++;
      v.customer_id = cu.id;
      v.date_created = v.date_modified = now;
      c.s.put_value(v);
    }
  }
  return write_customers(c, ids);
}

http::response update_customers(context& c) {
  auto doc = parse_json(c.req.body);
  if (!doc || !doc->IsArray())
    return v3_error(422, "JSON data is missing or invalid", {{"body", "The request body must be an array of customers."}});
  if (doc->Size() > max_batch) return too_large();
  error_map errors;
  std::vector<customer> updated;
  const auto now = now_seconds();
  for (rapidjson::SizeType i = 0; i < doc->Size(); ++i) {
    const std::string prefix = std::to_string(i) + ".";
    const auto& item = (*doc)[i];
    if (!item.IsObject() || !item.HasMember("id") || !item["id"].IsInt()) {
      errors.emplace_back(prefix + "id", "id is required.");
      continue;
    }
    auto it = c.s.customers.find(item["id"].GetInt());
    if (it == c.s.customers.end()) {
      errors.emplace_back(prefix + "id", "Customer " + std::to_string(item["id"].GetInt()) + " does not exist.");
      continue;
    }
    customer cu = it->second;
    std::vector<address> ignored_addresses;
    std::vector<attribute_value> ignored_values;
    // Addresses and attribute values are not updatable through PUT /customers: ignored.
    read_customer(c.s, item, cu, ignored_addresses, ignored_values, false, prefix, errors);
    if (email_taken(c.s, cu.email, cu.id)) errors.emplace_back(prefix + "email", "Email " + cu.email + " already in use.");
    cu.date_modified = now;
    updated.push_back(std::move(cu));
  }
  if (!errors.empty()) return v3_error(422, "Update customers failed.", errors);
  std::vector<int> ids;
  for (auto& cu : updated) {
    auto& old = c.s.customers.at(cu.id);
    if (old.channel_ids != cu.channel_ids) {
      std::string chans = "[";
      if (cu.channel_ids)
        for (int ch : *cu.channel_ids) chans += (chans.size() > 1 ? "," : "") + std::to_string(ch);
      chans += "]";
      c.events.push_back({"store/customer/channel/login/access/updated",
                          "{\"customer_id\":" + std::to_string(cu.id) + ",\"channel_ids\":" + chans + "}"});
    }
    ids.push_back(cu.id);
    old = std::move(cu);
    customer_event(c, "updated", old.id);
  }
  return write_customers(c, ids);
}

http::response delete_customers(context& c) {
  // Without id:in nothing is deleted and the answer is still 204.
  if (auto ids = c.q.get("id:in"))
    for (const auto& item : split_list(*ids))
      if (auto id = parse_int(item); id && c.s.customers.contains(static_cast<int>(*id))) erase_customer(c, static_cast<int>(*id));
  http::response r;
  r.status = 204;
  return r;
}

// ---- addresses

http::response list_addresses(context& c) {
  auto p = read_paging(c.q);
  if (!p) return v3_error(422, "Invalid paging parameters", {{"page", "page and limit must be positive integers"}});
  const bool ff = in_list(c.q, "include", "formfields") && c.q.has("include");
  std::vector<const address*> rows;
  for (const auto& [id, a] : c.s.addresses) {
    if (!in_int_list(c.q, "id:in", a.id) || !in_int_list(c.q, "customer_id:in", a.customer_id)) continue;
    if (!in_list(c.q, "company:in", a.company, true) || !in_list(c.q, "name:in", a.first_name + " " + a.last_name, true)) continue;
    rows.push_back(&a);
  }
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  put_key(w, "data");
  w.StartArray();
  const auto first = static_cast<std::size_t>((p->page - 1) * p->limit);
  long long count = 0;
  for (std::size_t i = first; i < rows.size() && i < first + static_cast<std::size_t>(p->limit); ++i, ++count)
    write_v3_address(w, *rows[i], ff);
  w.EndArray();
  put_key(w, "meta");
  w.StartObject();
  write_pagination(w, static_cast<long long>(rows.size()), count, *p);
  w.EndObject();
  w.EndObject();
  return json_response(200, body_of(sb));
}

http::response write_addresses(const std::vector<const address*>& rows) {
  // When every item was a duplicate the platform may answer with a bare {}.
  if (rows.empty()) return json_response(200, "{}");
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  put_key(w, "data");
  w.StartArray();
  for (auto* a : rows) write_v3_address(w, *a, false);
  w.EndArray();
  put_key(w, "meta");
  w.StartObject();
  w.EndObject();
  w.EndObject();
  return json_response(200, body_of(sb));
}

http::response create_addresses(context& c) {
  auto doc = parse_json(c.req.body);
  if (!doc || !doc->IsArray())
    return v3_error(422, "JSON data is missing or invalid", {{"body", "The request body must be an array of addresses."}});
  error_map errors;
  std::vector<address> fresh;
  for (rapidjson::SizeType i = 0; i < doc->Size(); ++i) {
    address a;
    read_address(c.s, (*doc)[i], a, true, std::to_string(i) + ".", errors);
    fresh.push_back(std::move(a));
  }
  if (!errors.empty()) return v3_error(422, "Create addresses failed.", errors);
  std::vector<const address*> created;
  for (auto& a : fresh) {
    // A duplicate of an existing address changes nothing and is left out of `data`.
    bool dup = false;
    for (const auto& [id, old] : c.s.addresses) dup = dup || same_address(old, a);
    if (dup) continue;
    a.id = c.s.next_address++;
    c.s.put_address(a);
    created.push_back(&c.s.addresses.at(a.id));
    address_event(c, "created", a);
  }
  return write_addresses(created);
}

http::response update_addresses(context& c) {
  auto doc = parse_json(c.req.body);
  if (!doc || !doc->IsArray())
    return v3_error(422, "JSON data is missing or invalid", {{"body", "The request body must be an array of addresses."}});
  error_map errors;
  std::vector<address> changed;
  for (rapidjson::SizeType i = 0; i < doc->Size(); ++i) {
    const auto& item = (*doc)[i];
    const std::string prefix = std::to_string(i) + ".";
    if (!item.IsObject() || !item.HasMember("id") || !item["id"].IsInt()) {
      errors.emplace_back(prefix + "id", "id is required.");
      continue;
    }
    auto it = c.s.addresses.find(item["id"].GetInt());
    if (it == c.s.addresses.end()) {
      errors.emplace_back(prefix + "id", "Address " + std::to_string(item["id"].GetInt()) + " does not exist.");
      continue;
    }
    address a = it->second;
    read_address(c.s, item, a, false, prefix, errors);
    changed.push_back(std::move(a));
  }
  if (!errors.empty()) return v3_error(422, "Update addresses failed.", errors);
  std::vector<const address*> out;
  for (auto& a : changed) {
    // Updating an address to equal another one is silently skipped too.
    bool dup = false;
    for (const auto& [id, old] : c.s.addresses) dup = dup || (id != a.id && same_address(old, a));
    if (dup) continue;
    c.s.put_address(a);
    out.push_back(&c.s.addresses.at(a.id));
    address_event(c, "updated", a);
  }
  return write_addresses(out);
}

http::response delete_addresses(context& c) {
  if (auto ids = c.q.get("id:in"))
    for (const auto& item : split_list(*ids))
      if (auto id = parse_int(item)) {
        auto it = c.s.addresses.find(static_cast<int>(*id));
        if (it == c.s.addresses.end()) continue;
        address_event(c, "deleted", it->second);
        c.s.erase_address(it->first);
      }
  http::response r;
  r.status = 204;
  return r;
}

}  // namespace

http::response v3_route(context& c) {
  const auto& r = c.rest;
  const auto& m = c.req.method;
  if (r.empty()) return v3_not_found();
  if (r[0] == "hooks") return v3_extras_route(c);
  if (r[0] != "customers") return v3_not_found();
  if (r.size() == 1) {
    if (m == "GET") return list_customers(c);
    if (m == "POST") return create_customers(c);
    if (m == "PUT") return update_customers(c);
    if (m == "DELETE") return delete_customers(c);
    return v3_error(405, "Method Not Allowed");
  }
  if (r.size() == 2 && r[1] == "addresses") {
    if (m == "GET") return list_addresses(c);
    if (m == "POST") return create_addresses(c);
    if (m == "PUT") return update_addresses(c);
    if (m == "DELETE") return delete_addresses(c);
    return v3_error(405, "Method Not Allowed");
  }
  return v3_extras_route(c);
}

}  // namespace custbridge::emulators::bigcommerce::detail
