#include "emulators/bigcommerce/emulator.hpp"

#include <openssl/evp.h>

#include <boost/asio/this_coro.hpp>

#include <array>

#include "common/crypto.hpp"
#include "emulators/bigcommerce/routes.hpp"
#include "emulators/common/frontend.hpp"
#include "emulators/common/seed_data.hpp"

namespace custbridge::emulators::bigcommerce {
namespace {

using namespace detail;

std::string sha1_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest.data(), &len, EVP_sha1(), nullptr);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 15]);
  }
  return out;
}

bool accepts_json(std::string_view accept) {
  return accept.empty() || accept.find("application/json") != std::string_view::npos ||
         accept.find("*/*") != std::string_view::npos || accept.find("application/*") != std::string_view::npos;
}

std::string_view title_for(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "The resource at that URL is not found.";
    case 413: return "Request Entity Too Large";
    case 429: return "Too many requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

bool scope_matches(std::string_view hook_scope, std::string_view scope) {
  if (hook_scope == scope) return true;
  if (hook_scope.ends_with("/*")) {
    const auto prefix = hook_scope.substr(0, hook_scope.size() - 1);  // keeps the trailing '/'
    // store/customer/* covers store/customer/created but not store/customer/address/created.
    if (!scope.starts_with(prefix)) return false;
    return scope.substr(prefix.size()).find('/') == std::string_view::npos;
  }
  return false;
}

std::string seed_address1(const seed_address& a) {
  if (a.number.empty()) return a.street;
  // US style puts the number first; Latin American and European style after a comma.
  if (a.country == "US") return a.number + " " + a.street;
  return a.street + ", " + a.number;
}

std::string seed_address2(const seed_address& a) {
  std::string out = a.floor.value_or("");
  if (a.locality) out += (out.empty() ? "" : " - ") + *a.locality;
  return out;
}

// The gate of a concurrency-capped endpoint; `rest` starts at "v2"/"v3".
concurrency_gate* gate_for(store& s, std::string_view method, const std::vector<std::string_view>& rest) {
  if (rest.size() >= 2 && rest[0] == "v2" && rest[1].starts_with("customer_groups")) return &s.caps.customer_groups;
  if (rest.size() < 2 || rest[0] != "v3" || rest[1] != "customers") return nullptr;
  if (rest.size() == 2) return method == "PUT" ? &s.caps.customers_put : nullptr;
  if (rest.size() != 3) return nullptr;
  const auto sub = rest[2];
  if (sub == "addresses") return method == "POST" ? &s.caps.addresses_post : method == "PUT" ? &s.caps.addresses_put : nullptr;
  if (sub == "attributes") return method == "POST" || method == "PUT" ? &s.caps.attributes_write : nullptr;
  if (sub == "attribute-values") return method == "PUT" ? &s.caps.attribute_values_put : nullptr;
  if (sub == "form-field-values") return method == "PUT" ? &s.caps.form_fields_put : nullptr;
  return nullptr;
}

}  // namespace

emulator::emulator(options o) : options_(std::move(o)) {
  for (std::size_t i = 0; i < options_.stores; ++i) {
    auto s = std::make_unique<store>();
    char hash[32];
    std::snprintf(hash, sizeof hash, "emu%05zu", i + 1);
    s->hash = hash;
    s->numeric_id = 1000001 + static_cast<std::int64_t>(i);
    s->token = options_.token_prefix + s->hash;
    s->quota = std::make_unique<window_quota>(options_.quota, options_.window, options_.scale, options_.now);
    stores_.push_back(std::move(s));
  }
  seed(options_.customers, options_.seed);
}

store* emulator::find_store(std::string_view hash) const {
  for (const auto& s : stores_)
    if (s->hash == hash) return s.get();
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
  s.addresses.clear();
  s.addresses_by_customer.clear();
  s.values_by_customer.clear();
  s.attributes.clear();
  s.attribute_values.clear();
  s.subscribers.clear();
  s.groups.clear();
  s.orders.clear();
  s.hooks.clear();
  s.next_customer = s.next_address = s.next_attribute = s.next_attribute_value = s.next_subscriber = s.next_group =
      s.next_hook = 1;
  s.next_order = 100;
  s.quota->reset();
  const auto epoch = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::sys_days{std::chrono::year{2019} / 1 / 1});

  // Every store starts with the same groups and attributes; customers differ per store.
  for (auto [name, is_default, guests] : {std::tuple{"Retail", true, false}, std::tuple{"Wholesale", false, false},
                                          std::tuple{"Guests", false, true}}) {
    customer_group g;
    g.id = s.next_group++;
    g.name = name;
    g.is_default = is_default;
    g.is_group_for_guests = guests;
    g.date_created = g.date_modified = epoch;
    if (g.name == "Wholesale") g.discount_rules_json = R"([{"type":"all","method":"percent","amount":"10.0000"}])";
    s.groups.emplace(g.id, g);
  }
  for (auto [name, type] : {std::pair{"Shoe size", "number"}, std::pair{"Loyalty tier", "string"}}) {
    attribute a;
    a.id = s.next_attribute++;
    a.name = name;
    a.type = type;
    a.date_created = a.date_modified = epoch;
    s.attributes.emplace(a.id, a);
  }

  const auto store_seed = seed * 1000003 + index;
  for (std::size_t i = 0; i < count; ++i) {
    const auto p = generate_person(store_seed, i);
    seed_rng rng(store_seed ^ (0xA5A5A5A5ULL + i));
    customer c;
    c.id = s.next_customer++;
    c.email = p.email;
    c.first_name = p.first_name;
    c.last_name = p.last_name;
    c.company = p.company;
    c.phone = p.phone;
    c.notes = p.note.value_or("");
    c.date_created = p.created_at;
    c.date_modified = p.updated_at;
    c.accepts_marketing = p.accepts_marketing;
    c.accepts_product_review_abandoned_cart_emails = p.accepts_marketing;
    c.customer_group_id = static_cast<int>(rng.below(3));  // 0 = none, 1 Retail, 2 Wholesale
    if (rng.chance(0.2)) c.store_credit = static_cast<std::int64_t>(rng.below(200)) * 10000 + 5000;
    if (rng.chance(0.25)) c.channel_ids = std::vector<int>{1};
    if (rng.chance(0.15)) c.form_fields.push_back({"How did you hear about us?", R"("Instagram")"});
    for (const auto& sa : p.addresses) {
      address a;
      a.id = s.next_address++;
      a.customer_id = c.id;
      a.first_name = sa.first_name;
      a.last_name = sa.last_name;
      a.company = sa.company;
      a.address1 = seed_address1(sa);
      a.address2 = seed_address2(sa);
      a.city = sa.city;
      a.state_or_province = sa.province;
      a.postal_code = sa.zipcode;
      a.country_code = sa.country;
      a.phone = sa.phone;
      a.address_type = sa.commercial ? "commercial" : "residential";
      s.put_address(a);
    }
    if (rng.chance(0.3)) {
      attribute_value v;
      v.id = s.next_attribute_value++;
      v.attribute_id = 1;
      v.customer_id = c.id;
      v.value = std::to_string(35 + rng.below(10));
      v.date_created = v.date_modified = p.updated_at;
      s.put_value(v);
    }
    for (int k = 0; k < p.order_count; ++k) {
      order o;
      o.id = s.next_order++;
      o.customer_id = c.id;
      o.date_created = p.created_at + std::chrono::hours(24 * (k + 1));
      o.total_cents = p.total_spent_cents / p.order_count;
      o.billing_email = c.email;
      s.orders.emplace(o.id, o);
    }
    if (p.accepts_marketing) {
      subscriber sub;
      sub.id = s.next_subscriber++;
      sub.email = c.email;
      sub.first_name = c.first_name;
      sub.last_name = c.last_name;
      sub.source = "storefront";
      sub.consents = {"marketing_newsletter"};
      sub.date_created = sub.date_modified = p.created_at;
      s.subscribers.emplace(sub.id, sub);
    }
    s.customers.emplace(c.id, std::move(c));
  }
}

std::string emulator::route_label(const http::request& req) const {
  auto seg = path_segments(req.path());
  std::string label = req.method + " ";
  if (seg.size() < 3 || seg[0] != "stores") return label + "(unrouted)";
  label += "/stores/{hash}";
  for (std::size_t i = 2; i < seg.size(); ++i) {
    const bool numeric = parse_int(seg[i]).has_value();
    label += "/" + (numeric ? std::string("{id}") : std::string(seg[i]));
  }
  return label;
}

http::response emulator::injected_error(int status, const http::request& req) {
  auto seg = path_segments(req.path());
  const bool v2 = seg.size() >= 3 && seg[2] == "v2";
  http::response r = v2 ? v2_error(status, title_for(status)) : v3_error(status, title_for(status));
  if (status == 429) {
    // A 429 from platform overload (or a storm) carries no X-Rate-Limit-* headers.
    r.set("X-Retry-After", "1");
  }
  return r;
}

http::response emulator::server_rejection(int status, std::string_view message) {
  return v3_error(status, title_for(status), {{"request", std::string(message)}});
}

boost::asio::awaitable<http::response> emulator::handle(http::request req, std::chrono::milliseconds latency) {
  const auto seg = path_segments(req.path());
  if (seg.size() < 3 || seg[0] != "stores" || (seg[2] != "v2" && seg[2] != "v3")) co_return v3_not_found();
  const bool v2 = seg[2] == "v2";
  store* s = find_store(seg[1]);
  if (!s) co_return v2 ? v2_error(404, "The requested resource was not found.") : v3_not_found();
  if (req.header("x-auth-token") != s->token)
    co_return v2 ? v2_error(401, "No valid credentials were found in this request.")
                 : v3_error(401, "Unauthorized", {{"X-Auth-Token", "Missing or invalid access token"}});

  const auto q = s->quota->take();
  auto add_limits = [&](http::response& r) {
    r.set("X-Rate-Limit-Time-Window-Ms", std::to_string(q.window_ms));
    r.set("X-Rate-Limit-Time-Reset-Ms", std::to_string(q.reset_ms));
    r.set("X-Rate-Limit-Requests-Quota", std::to_string(q.quota));
    r.set("X-Rate-Limit-Requests-Left", std::to_string(q.left));
  };
  if (!q.allowed) {
    auto r = v2 ? v2_error(429, "You have exceeded your rate limit.") : v3_error(429, "Too many requests");
    add_limits(r);
    r.set("X-Retry-After", std::to_string((q.reset_ms + 999) / 1000));
    co_return r;
  }

  // The documented concurrency caps count requests in flight, injected latency included.
  concurrency_gate::ticket slot;
  if (auto* gate = gate_for(*s, req.method, {seg.begin() + 2, seg.end()})) {
    slot = gate->acquire();
    if (!slot) {
      auto r = v2 ? v2_error(429, "Too many concurrent requests.")
                  : v3_error(429, "Too many requests", {{"concurrency", "Too many concurrent requests to this endpoint."}});
      add_limits(r);
      co_return r;
    }
  }
  co_await sleep_for(latency);

  http::response r;
  std::vector<event> events;
  if (!accepts_json(req.header("accept"))) {
    r = v2 ? v2_error(406, "The requested content type is not available; use application/json.")
           : v3_error(406, "Not Acceptable", {{"Accept", "Only application/json is available."}});
  } else if ((req.method == "POST" || req.method == "PUT") && !req.body.empty() &&
             !is_json_content_type(req.header("content-type"))) {
    r = v2 ? v2_error(415, "The request content type is not supported; use application/json.")
           : v3_error(415, "Unsupported Media Type", {{"Content-Type", "Use application/json."}});
  } else {
    context c{req, *s, options_, query_params::parse(req.query()), {seg.begin() + 3, seg.end()}, events};
    std::lock_guard lock(s->mutex);
    r = v2 ? v2_route(c) : v3_route(c);
  }
  add_limits(r);

  if (!events.empty()) {
    std::vector<webhook_delivery> deliveries;
    {
      std::lock_guard lock(s->mutex);
      const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
      for (const auto& e : events) {
        for (const auto& [id, h] : s->hooks) {
          if (!h.is_active || !scope_matches(h.scope, e.scope)) continue;
          webhook_delivery d;
          d.event = e.scope;
          d.url = h.destination;
          // `hash` is the SHA-1 of the data JSON: stable across redeliveries, for de-duplication.
          d.body = "{\"scope\":\"" + e.scope + "\",\"store_id\":\"" + std::to_string(s->numeric_id) + "\",\"data\":" +
                   e.data_json + ",\"hash\":\"" + sha1_hex(e.data_json) + "\",\"created_at\":" + std::to_string(now) +
                   ",\"producer\":\"stores/" + s->hash + "\"}";
          for (const auto& hdr : h.headers) d.headers.push_back(hdr);
          // Standard Webhooks: sign "{id}.{timestamp}.{body}" with the client secret.
          const std::string msg_id = "msg_" + std::to_string(log_->snapshot().size() + deliveries.size() + 1);
          const std::string ts = std::to_string(now);
          const auto mac = hex_decode(hmac_sha256_hex(options_.client_secret, msg_id + "." + ts + "." + d.body));
          d.headers.emplace_back("webhook-id", msg_id);
          d.headers.emplace_back("webhook-timestamp", ts);
          d.headers.emplace_back("webhook-signature", "v1," + base64_encode(mac));
          d.retry_delays = bigcommerce_retry_delays(options_.scale.factor);
          deliveries.push_back(std::move(d));
        }
      }
    }
    auto ex = co_await boost::asio::this_coro::executor;
    for (auto& d : deliveries) send_webhook(ex, log_, std::move(d));
  }
  co_return r;
}

std::string emulator::dump_json() const {
  rapidjson::StringBuffer sb;
  json_writer w(sb);
  w.StartObject();
  put(w, "platform", "bigcommerce");
  put_key(w, "stores");
  w.StartArray();
  const std::vector<std::string> include{"addresses", "attributes", "formfields", "storecredit"};
  for (const auto& s : stores_) {
    std::lock_guard lock(s->mutex);
    w.StartObject();
    put(w, "store_hash", s->hash);
    put(w, "access_token", s->token);
    put_key(w, "customers");
    w.StartArray();
    for (const auto& [id, c] : s->customers) write_v3_customer(w, *s, c, include);
    w.EndArray();
    put_key(w, "orders");
    w.StartArray();
    for (const auto& [id, o] : s->orders) {
      w.StartObject();
      put_key(w, "id");
      w.Int(o.id);
      put_key(w, "customer_id");
      w.Int(o.customer_id);
      put(w, "total_inc_tax", money4(o.total_cents * 100));
      w.EndObject();
    }
    w.EndArray();
    put_key(w, "subscribers");
    w.Int(static_cast<int>(s->subscribers.size()));
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

std::string emulator::webhook_log_json() const { return log_->json(); }

}  // namespace custbridge::emulators::bigcommerce
