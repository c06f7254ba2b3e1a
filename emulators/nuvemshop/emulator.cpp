#include "emulators/nuvemshop/emulator.hpp"
#include "common/log.hpp"
#include "common/text.hpp"

#include <boost/asio/this_coro.hpp>

#include <algorithm>
#include <cctype>

#include "common/crypto.hpp"
#include "emulators/common/frontend.hpp"
#include "emulators/common/json.hpp"
#include "emulators/common/query.hpp"
#include "emulators/common/seed_data.hpp"
#include "emulators/nuvemshop/customer_json.hpp"

namespace custbridge::emulators::nuvemshop {
namespace {

constexpr int max_per_page = 200;
constexpr std::string_view content_type = "application/json; charset=UTF-8";

// The {code,message,description} family used for everything but field validation.
http::response error(int status, std::string_view message, std::string_view description) {
  auto r = json_response(status, "{\"code\":" + std::to_string(status) + ",\"message\":\"" + json_escape(message) +
                                     "\",\"description\":\"" + json_escape(description) + "\"}");
  r.set("Content-Type", std::string(content_type));
  return r;
}

http::response ok(int status, std::string body) {
  auto r = json_response(status, std::move(body));
  r.set("Content-Type", std::string(content_type));
  return r;
}

http::response not_found_customer() { return error(404, "Not Found", "Customer with such id does not exist"); }

http::response validation(const field_errors& e) { return ok(422, field_errors_json(e)); }

std::string_view reason(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Error";
  }
}

// "v1" or a date version such as "2025-03".
bool is_version(std::string_view s) {
  if (s == "v1") return true;
  return s.size() == 7 && s[4] == '-' && std::all_of(s.begin(), s.begin() + 4, ::isdigit) && std::isdigit(s[5]) &&
         std::isdigit(s[6]);
}

// Case-insensitive substring test (ASCII folding only, like a SQL LIKE on most collations).
bool contains_ci(std::string_view hay, std::string_view needle) { return ascii_lower(hay).find(ascii_lower(needle)) != std::string::npos; }

field_filter parse_fields(const query_params& q) {
  field_filter f;
  if (auto v = q.get("fields"))
    for (auto& name : split_list(*v)) f.insert(name);
  return f;
}

bool valid_webhook_url(std::string_view url, bool strict) {
  const bool https = url.starts_with("https://");
  if (!https && !(url.starts_with("http://") && !strict)) return false;
  if (url.size() <= (https ? 8u : 7u)) return false;
  if (!strict) return true;
  const auto host = ascii_lower(url.substr(8, url.find('/', 8) - 8));
  return host.find("localhost") == std::string::npos && host.find("127.0.0.1") == std::string::npos &&
         host.find("tiendanube") == std::string::npos && host.find("nuvemshop") == std::string::npos;
}

constexpr std::array<std::string_view, 12> known_events{
    "customer/created", "customer/updated", "customer/deleted", "order/created",   "order/updated", "order/paid",
    "order/cancelled",  "product/created",  "product/updated",  "product/deleted", "app/uninstalled", "category/created"};

}  // namespace

emulator::emulator(options o) : options_(std::move(o)) {
  for (std::size_t i = 0; i < options_.stores; ++i) {
    auto s = std::make_unique<store>();
    s->id = options_.first_store_id + static_cast<std::int64_t>(i);
    s->token = options_.token_prefix + std::to_string(s->id);
    s->bucket = std::make_unique<leaky_bucket>(options_.bucket_size, options_.drain_per_second, options_.scale, options_.now);
    stores_.push_back(std::move(s));
  }
  seed(options_.customers, options_.seed);
}

store* emulator::find_store(std::string_view id) const {
  auto n = parse_int(id);
  if (!n) return nullptr;
  for (const auto& s : stores_)
    if (s->id == *n) return s.get();
  return nullptr;
}

void emulator::reset() { seed(0, options_.seed); }

void emulator::seed(std::size_t customers, std::uint64_t seed) {
  for (std::size_t i = 0; i < stores_.size(); ++i) seed_store(*stores_[i], i, customers, seed);
  log_->clear();
}

void emulator::seed_store(store& s, std::size_t index, std::size_t count, std::uint64_t seed) {
  std::lock_guard lock(s.mutex);
  s.customers.clear();
  s.webhooks.clear();
  s.next_customer_id = options_.first_customer_id;
  s.next_address_id = 10000001;
  s.next_order_id = 870000001;
  s.next_webhook_id = 1;
  s.bucket->reset();
  // Each store gets its own people: the store index is mixed into the seed.
  const auto store_seed = seed * 1000003 + index;
  for (std::size_t i = 0; i < count; ++i) {
    const auto p = generate_person(store_seed, i);
    customer c;
    c.id = s.next_customer_id++;
    c.name = p.first_name + " " + p.last_name;
    c.email = p.email;
    c.phone = p.phone;
    c.identification = p.identification;
    c.note = p.note;
    c.created_at = p.created_at;
    c.updated_at = p.updated_at;
    c.first_interaction = p.created_at;
    c.accepts_marketing = p.accepts_marketing;
    c.accepts_marketing_updated_at = p.created_at;
    c.active = p.order_count > 0 || p.accepts_marketing;
    c.total_spent_currency = options_.currency;
    for (const auto& sa : p.addresses) {
      address a;
      a.id = s.next_address_id++;
      a.name = sa.first_name + " " + sa.last_name;
      a.address = sa.street;
      a.number = sa.number;
      a.floor = sa.floor;
      a.locality = sa.locality;
      a.city = sa.city;
      a.province = sa.province;
      a.zipcode = sa.zipcode;
      a.country = sa.country;
      a.phone = sa.phone;
      a.created_at = p.created_at;
      a.updated_at = p.updated_at;
      c.addresses.push_back(std::move(a));
    }
    if (!c.addresses.empty()) {
      c.addresses.front().is_default = true;
      // Billing mirrors the default address for customers who bought something.
      if (p.order_count > 0) {
        const auto& d = c.addresses.front();
        c.billing_name = c.name;
        c.billing_phone = d.phone;
        c.billing_address = d.address;
        c.billing_number = d.number;
        c.billing_floor = d.floor;
        c.billing_locality = d.locality;
        c.billing_zipcode = d.zipcode;
        c.billing_city = d.city;
        c.billing_province = d.province;
        c.billing_country = d.country;
      }
    }
    if (p.order_count > 0) {
      c.order_count = p.order_count;
      s.next_order_id += p.order_count;
      c.last_order_id = s.next_order_id - 1;
      c.total_spent_cents = p.total_spent_cents;
    }
    if (i % 7 == 3) c.extra_json = R"({"gender":"female","newsletter_source":"popup"})";
    s.customers.emplace(c.id, std::move(c));
  }
}

std::string emulator::route_label(const http::request& req) const {
  auto seg = path_segments(req.path());
  std::string label = req.method + " ";
  if (seg.size() >= 3 && is_version(seg[0])) {
    label += "/" + std::string(seg[0]) + "/{store_id}/" + std::string(seg[2]);
    if (seg.size() >= 4) label += "/{id}";
    for (std::size_t i = 4; i < seg.size(); ++i) label += "/" + std::string(seg[i]);
    return label;
  }
  return label + "(unrouted)";
}

http::response emulator::injected_error(int status, const http::request&) {
  auto r = error(status, reason(status), status == 429 ? "Too many requests" : "Injected fault");
  if (status == 429) {
    r.set("x-rate-limit-limit", std::to_string(options_.bucket_size));
    r.set("x-rate-limit-remaining", "0");
    r.set("x-rate-limit-reset", std::to_string(static_cast<long long>(1000.0 / options_.drain_per_second)));
  }
  return r;
}

http::response emulator::server_rejection(int status, std::string_view message) { return error(status, reason(status), message); }

boost::asio::awaitable<http::response> emulator::handle(http::request req, std::chrono::milliseconds latency) {
  const auto seg = path_segments(req.path());
  // User-Agent first: the real API answers 400 before it looks at the token.
  if (req.header("user-agent").empty()) co_return error(400, "Bad Request", "A User-Agent header is required");
  store* s = seg.size() >= 2 && is_version(seg[0]) ? find_store(seg[1]) : nullptr;
  if (!s) co_return error(404, "Not Found", "The requested resource could not be found");

  // The header is `Authentication` with a lower-case `bearer`; `Authorization` or
  // `Bearer` get 401 per the docs' "common problems".
  const auto expected = "bearer " + s->token;
  bool authorised = req.header("authentication") == expected;
  if (!authorised && options_.accept_authorization_header) authorised = req.header("authorization") == "Bearer " + s->token;
  if (!authorised) co_return error(401, "Unauthorized", "Invalid access token");
  // A suspended store (or paid app) answers 402 to every call; the body is UNDOCUMENTED.
  if (std::find(options_.suspended_stores.begin(), options_.suspended_stores.end(), s->id) != options_.suspended_stores.end())
    co_return error(402, "Payment Required", "The store is suspended");

  const auto quota = s->bucket->take();
  auto add_limits = [&](http::response& r) {
    r.set("x-rate-limit-limit", std::to_string(quota.limit));
    r.set("x-rate-limit-remaining", std::to_string(quota.remaining));
    r.set("x-rate-limit-reset", std::to_string(quota.reset_ms));
  };
  if (!quota.allowed) {
    auto r = error(429, "Too Many Requests", "Too many requests");
    add_limits(r);
    co_return r;
  }

  co_await sleep_for(latency);
  const bool head = req.method == "HEAD";
  if (head) req.method = "GET";
  std::vector<webhook_delivery> hooks;
  http::response r = dispatch(req, *s, hooks);
  add_limits(r);
  if (head) r.body.clear();
  if (!hooks.empty()) {
    auto ex = co_await boost::asio::this_coro::executor;
    for (auto& h : hooks) send_webhook(ex, log_, std::move(h));
  }
  co_return r;
}

http::response emulator::dispatch(const http::request& req, store& s, std::vector<webhook_delivery>& hooks) {
  const auto seg = path_segments(req.path());
  if ((req.method == "POST" || req.method == "PUT") && !is_json_content_type(req.header("content-type")))
    return error(415, "Unsupported Media Type", "Content-Type must be application/json");
  if (seg.size() >= 3 && seg[2] == "webhooks") {
    std::lock_guard lock(s.mutex);
    return webhooks(req, s, seg);
  }
  if (seg.size() < 3 || seg[2] != "customers" || seg.size() > 4)
    return error(404, "Not Found", "The requested resource could not be found");
  std::lock_guard lock(s.mutex);
  if (seg.size() == 3) {
    if (req.method == "GET") return list_customers(req, s);
    if (req.method == "POST") return create_customer(req, s, hooks);
    return error(405, "Method Not Allowed", "Method not allowed on this resource");
  }
  auto id = parse_int(seg[3]);
  if (!id) return not_found_customer();
  if (req.method == "GET") return get_customer(req, s, *id);
  if (req.method == "PUT") return update_customer(req, s, *id, hooks);
  if (req.method == "DELETE") return delete_customer(s, *id, hooks);
  return error(405, "Method Not Allowed", "Method not allowed on this resource");
}

http::response emulator::list_customers(const http::request& req, store& s) {
  const auto q = query_params::parse(req.query());
  field_errors errors;
  auto int_param = [&](const char* name, long long fallback) -> long long {
    auto v = q.get(name);
    if (!v) return fallback;
    auto n = parse_int(*v);
    if (!n || *n < 1) {
      errors[name].push_back("is invalid");
      return fallback;
    }
    return *n;
  };
  auto date_param = [&](const char* name) -> std::optional<sys_seconds> {
    auto v = q.get(name);
    if (!v) return std::nullopt;
    auto t = parse_iso8601(*v);
    if (!t) errors[name].push_back("is invalid");
    return t;
  };
  const long long page = int_param("page", 1);
  long long per_page = int_param("per_page", options_.default_per_page);
  std::optional<long long> since_id;
  if (auto v = q.get("since_id")) {
    since_id = parse_int(*v);
    if (!since_id) errors["since_id"].push_back("is invalid");
  }
  const auto created_min = date_param("created_at_min"), created_max = date_param("created_at_max");
  const auto updated_min = date_param("updated_at_min"), updated_max = date_param("updated_at_max");
  if (per_page > max_per_page) {
    if (options_.per_page_over_max_is_error) errors["per_page"].push_back("must be less than or equal to 200");
    per_page = max_per_page;
  }
  if (!errors.empty()) return validation(errors);
  const auto text = q.get("q");
  const auto email = q.get("email");

  // Bounds are inclusive and results come in ascending id order (both UNDOCUMENTED).
  std::vector<const customer*> matches;
  for (auto it = since_id ? s.customers.upper_bound(*since_id) : s.customers.begin(); it != s.customers.end(); ++it) {
    const auto& c = it->second;
    if (created_min && c.created_at < *created_min) continue;
    if (created_max && c.created_at > *created_max) continue;
    if (updated_min && c.updated_at < *updated_min) continue;
    if (updated_max && c.updated_at > *updated_max) continue;
    if (email && ascii_lower(c.email) != ascii_lower(*email)) continue;
    if (text && !contains_ci(c.name, *text) && !contains_ci(c.email, *text) &&
        !(c.identification && contains_ci(*c.identification, *text)))
      continue;
    matches.push_back(&c);
  }
  const long long total = static_cast<long long>(matches.size());
  const long long last_page = (total + per_page - 1) / per_page;
  // An empty result, or a page past the end, is a 404 rather than [].
  if (page > last_page) return error(404, "Not Found", "Last page is " + std::to_string(last_page));

  const auto fields = parse_fields(q);
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartArray();
  const auto first = static_cast<std::size_t>((page - 1) * per_page);
  for (std::size_t i = first; i < matches.size() && i < first + static_cast<std::size_t>(per_page); ++i)
    write_customer(w, *matches[i], fields);
  w.EndArray();
  auto r = ok(200, std::string(sb.GetString(), sb.GetSize()));
  r.set("x-total-count", std::to_string(total));

  // Link entries repeat every query parameter with page and per_page set.
  std::string base = options_.public_url.empty() ? "http://" + std::string(req.header("host")) : options_.public_url;
  base += std::string(req.path()) + "?";
  for (const auto& [k, v] : q.items())
    if (k != "page" && k != "per_page") base += url_encode(k) + "=" + url_encode(v) + "&";
  auto link = [&](long long p, const char* rel) {
    return "<" + base + "page=" + std::to_string(p) + "&per_page=" + std::to_string(per_page) + ">; rel=\"" + rel + "\"";
  };
  std::vector<std::string> links;
  if (page > 1) {
    links.push_back(link(1, "first"));
    links.push_back(link(page - 1, "prev"));
  }
  if (page < last_page) {
    links.push_back(link(page + 1, "next"));
    links.push_back(link(last_page, "last"));
  }
  if (!links.empty()) {
    std::string header;
    for (const auto& l : links) header += (header.empty() ? "" : ", ") + l;
    r.set("Link", header);
  }
  return r;
}

http::response emulator::get_customer(const http::request& req, store& s, std::int64_t id) {
  auto it = s.customers.find(id);
  if (it == s.customers.end()) return not_found_customer();
  return ok(200, customer_json(it->second, parse_fields(query_params::parse(req.query()))));
}

http::response emulator::create_customer(const http::request& req, store& s, std::vector<webhook_delivery>& hooks) {
  auto doc = parse_json(req.body);
  if (!doc) return ok(400, R"({"error":"Problems parsing JSON"})");
  if (!doc->IsObject()) return validation({{"customer", {"must be a JSON object"}}});
  const auto now = now_seconds();
  customer c;
  c.total_spent_currency = options_.currency;
  c.created_at = c.updated_at = c.first_interaction = now;
  auto next_address = s.next_address_id;
  auto errors = apply_body(*doc, c, write_mode::create, next_address, now, false);
  // Duplicate emails: UNDOCUMENTED; third-party clients look for a 422 that mentions "taken".
  if (!c.email.empty())
    for (const auto& [id, other] : s.customers)
      if (ascii_lower(other.email) == ascii_lower(c.email)) errors["email"].push_back("has already been taken");
  if (!errors.empty()) return validation(errors);
  // The APIARY draft modelled these as query parameters: accept both.
  const auto q = query_params::parse(req.query());
  if (auto pw = q.get("password"); pw && c.password.empty()) c.password = std::string(*pw);
  s.next_address_id = next_address;
  c.id = s.next_customer_id++;
  const auto id = c.id;
  auto body = customer_json(c);
  s.customers.emplace(id, std::move(c));
  notify(s, "customer/created", id, hooks);
  return ok(201, std::move(body));
}

http::response emulator::update_customer(const http::request& req, store& s, std::int64_t id,
                                         std::vector<webhook_delivery>& hooks) {
  auto it = s.customers.find(id);
  if (it == s.customers.end()) return not_found_customer();
  auto doc = req.body.empty() ? parse_json("{}") : parse_json(req.body);
  if (!doc) return ok(400, R"({"error":"Problems parsing JSON"})");
  if (!doc->IsObject()) return validation({{"customer", {"must be a JSON object"}}});
  const auto now = now_seconds();
  customer c = it->second;
  auto next_address = s.next_address_id;
  auto errors = apply_body(*doc, c, write_mode::update, next_address, now, options_.put_replaces_addresses);
  if (!c.email.empty())
    for (const auto& [other_id, other] : s.customers)
      if (other_id != id && ascii_lower(other.email) == ascii_lower(c.email)) errors["email"].push_back("has already been taken");
  if (!errors.empty()) return validation(errors);
  s.next_address_id = next_address;
  c.updated_at = now;
  it->second = std::move(c);
  notify(s, "customer/updated", id, hooks);
  return ok(200, customer_json(it->second));
}

http::response emulator::delete_customer(store& s, std::int64_t id, std::vector<webhook_delivery>& hooks) {
  auto it = s.customers.find(id);
  if (it == s.customers.end()) return not_found_customer();
  if (it->second.order_count > 0) return error(422, "Unprocessable Entity", "Cannot delete a customer with orders");
  s.customers.erase(it);
  notify(s, "customer/deleted", id, hooks);
  return ok(200, "{}");
}

void emulator::notify(store& s, std::string_view event, std::int64_t customer_id, std::vector<webhook_delivery>& out) {
  for (const auto& [id, hook] : s.webhooks) {
    if (hook.event != event) continue;
    webhook_delivery d;
    d.event = std::string(event);
    d.url = hook.url;
    // event_launch_ts has no documented format; epoch milliseconds here.
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    d.body = "{\"store_id\":" + std::to_string(s.id) + ",\"event\":\"" + std::string(event) + "\",\"id\":" +
             std::to_string(customer_id) + ",\"event_launch_ts\":" + std::to_string(ms) + "}";
    // Lower-case hex HMAC-SHA256 of the raw body, keyed with the app's client secret.
    d.headers.emplace_back("x-linkedstore-hmac-sha256", hmac_sha256_hex(options_.client_secret, d.body));
    d.headers.emplace_back("User-Agent", "Nuvemshop-Emulator-Webhooks");
    d.retry_delays = nuvemshop_retry_delays(options_.scale.factor);
    out.push_back(std::move(d));
  }
}

namespace {

void write_webhook(json_writer& w, const webhook& h) {
  w.StartObject();
  put_key(w, "id");
  w.Int64(h.id);
  put(w, "event", h.event);
  put(w, "url", h.url);
  put(w, "created_at", format_nuvemshop(h.created_at));
  put(w, "updated_at", format_nuvemshop(h.updated_at));
  w.EndObject();
}

std::string webhook_json(const webhook& h) {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  write_webhook(w, h);
  return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace

http::response emulator::webhooks(const http::request& req, store& s, const std::vector<std::string_view>& seg) {
  if (seg.size() > 4) return error(404, "Not Found", "The requested resource could not be found");
  auto validate = [&](const rapidjson::Value& body, webhook& h) {
    field_errors e;
    auto event = read_string(body, "event");
    auto url = read_string(body, "url");
    if (event.present()) h.event = event.value;
    if (url.present()) h.url = url.value;
    if (std::find(known_events.begin(), known_events.end(), h.event) == known_events.end())
      e["event"].push_back("Invalid event specified. Valid events are customer/created, customer/updated, customer/deleted, ...");
    if (!valid_webhook_url(h.url, options_.strict_webhook_urls)) e["url"].push_back("invalid url specified");
    return e;
  };
  if (seg.size() == 3) {
    if (req.method == "GET") {
      const auto q = query_params::parse(req.query());
      rapidjson::StringBuffer sb;
      json_writer w(sb);
      w.StartArray();
      std::size_t n = 0;
      for (const auto& [id, h] : s.webhooks) {
        if (auto ev = q.get("event"); ev && *ev != h.event) continue;
        if (auto u = q.get("url"); u && *u != h.url) continue;
        write_webhook(w, h);
        ++n;
      }
      w.EndArray();
      if (n == 0) return error(404, "Not Found", "Last page is 0");
      auto r = ok(200, std::string(sb.GetString(), sb.GetSize()));
      r.set("x-total-count", std::to_string(n));
      return r;
    }
    if (req.method == "POST") {
      auto doc = parse_json(req.body);
      if (!doc) return ok(400, R"({"error":"Problems parsing JSON"})");
      if (!doc->IsObject()) return validation({{"webhook", {"must be a JSON object"}}});
      webhook h;
      auto e = validate(*doc, h);
      if (!e.empty()) return validation(e);
      h.id = s.next_webhook_id++;
      h.created_at = h.updated_at = now_seconds();
      s.webhooks.emplace(h.id, h);
      return ok(201, webhook_json(h));
    }
    return error(405, "Method Not Allowed", "Method not allowed on this resource");
  }
  auto id = parse_int(seg[3]);
  auto it = id ? s.webhooks.find(*id) : s.webhooks.end();
  if (it == s.webhooks.end()) return error(404, "Not Found", "Webhook with such id does not exist");
  if (req.method == "GET") return ok(200, webhook_json(it->second));
  if (req.method == "DELETE") {
    s.webhooks.erase(it);
    return ok(200, "{}");
  }
  if (req.method == "PUT") {
    auto doc = parse_json(req.body);
    if (!doc) return ok(400, R"({"error":"Problems parsing JSON"})");
    if (!doc->IsObject()) return validation({{"webhook", {"must be a JSON object"}}});
    webhook h = it->second;
    auto e = validate(*doc, h);
    if (!e.empty()) return validation(e);
    h.updated_at = now_seconds();
    it->second = h;
    return ok(200, webhook_json(h));
  }
  return error(405, "Method Not Allowed", "Method not allowed on this resource");
}

std::string emulator::dump_json() const {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  put(w, "platform", "nuvemshop");
  put_key(w, "stores");
  w.StartArray();
  for (const auto& s : stores_) {
    std::lock_guard lock(s->mutex);
    w.StartObject();
    put_key(w, "store_id");
    w.Int64(s->id);
    put(w, "access_token", s->token);
    put_key(w, "customers");
    w.StartArray();
    for (const auto& [id, c] : s->customers) write_customer(w, c);
    w.EndArray();
    put_key(w, "orders_by_customer");
    w.StartObject();
    for (const auto& [id, c] : s->customers)
      if (c.order_count > 0) {
        put_key(w, std::to_string(id));
        w.Int(c.order_count);
      }
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

std::string emulator::webhook_log_json() const { return log_->json(); }

}  // namespace custbridge::emulators::nuvemshop
