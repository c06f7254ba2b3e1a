#include "gateway/backends/platform/platform_store.hpp"

#include <algorithm>

#include "common/json_check.hpp"
#include "common/utf8.hpp"
#include "gateway/backends/platform/json_values.hpp"
#include "gateway/domain/customer_patch.hpp"
#include "mappers/errors.hpp"

namespace custbridge::backends {
namespace {

using rapidjson::Value;
using domain::error_kind;

domain::error_kind kind_from_code(std::string_view code) {
  if (code == "VALIDATION_ERROR") return error_kind::validation_error;
  if (code == "BAD_REQUEST") return error_kind::bad_request;
  if (code == "UNAUTHORIZED") return error_kind::unauthorized;
  if (code == "FORBIDDEN") return error_kind::forbidden;
  if (code == "NOT_FOUND") return error_kind::not_found;
  if (code == "CONFLICT") return error_kind::conflict;
  if (code == "RATE_LIMITED") return error_kind::rate_limited;
  if (code == "UPSTREAM_UNAVAILABLE" || code == "UNAVAILABLE") return error_kind::unavailable;
  if (code == "UPSTREAM_TIMEOUT") return error_kind::upstream_timeout;
  return error_kind::upstream_error;
}

std::string string_or_empty(const Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) return {};
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

// Platforms keep an unset optional field as "" (BigCommerce's company, phone...); the
// canonical API, like the local store, has no empty optional strings: they read as null.
std::optional<std::string> optional_string(const Value& obj, const char* key) {
  auto s = string_or_empty(obj, key);
  if (s.empty()) return std::nullopt;
  return s;
}

void set_string(Value& obj, const char* key, const std::optional<std::string>& v, json_allocator& alloc) {
  Value value;
  if (v) value.SetString(v->c_str(), static_cast<rapidjson::SizeType>(v->size()), alloc);
  obj.AddMember(Value(key, alloc), value, alloc);
}

void set_metadata(Value& obj, const std::map<std::string, std::string>& metadata, json_allocator& alloc) {
  Value md(rapidjson::kObjectType);
  for (const auto& [k, v] : metadata)
    md.AddMember(Value(k.c_str(), static_cast<rapidjson::SizeType>(k.size()), alloc),
                 Value(v.c_str(), static_cast<rapidjson::SizeType>(v.size()), alloc), alloc);
  obj.AddMember("metadata", md, alloc);
}

}  // namespace

upstream::upstream_request make_request(std::string method, std::string target, std::string body) {
  upstream::upstream_request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.body = std::move(body);
  return r;
}

upstream::client_options client_options_from(const config::platform_config& cfg) {
  upstream::client_options o;
  o.base_url = cfg.base_url;
  o.request_timeout = cfg.timeout;
  o.connect_timeout = cfg.connect_timeout;
  o.max_attempts = cfg.max_attempts;
  o.transport.pool.max_connections = static_cast<std::size_t>(std::max(1, cfg.max_connections));
  o.transport.tls.ca_file = cfg.ca_file;
  return o;
}

domain::error failure_to_error(const platform_store& store, const upstream::upstream_failure& failure) {
  domain::error e;
  switch (failure.kind) {
    case upstream::failure_kind::timeout: e.kind = error_kind::upstream_timeout; break;
    case upstream::failure_kind::circuit_open: e.kind = error_kind::unavailable; break;
    case upstream::failure_kind::rate_limited: e.kind = error_kind::rate_limited; break;
    case upstream::failure_kind::connect:
    case upstream::failure_kind::network:
    case upstream::failure_kind::tls:
    case upstream::failure_kind::certificate_rejected: e.kind = error_kind::upstream_error; break;
  }
  e.message = store.platform_name + ": " + failure.message;
  if (failure.retry_after) e.retry_after_seconds = static_cast<int>((failure.retry_after->count() + 999) / 1000);
  if (e.kind == error_kind::rate_limited && !e.retry_after_seconds) e.retry_after_seconds = 1;
  // Asking again gets the same certificate, rejected the same way.
  e.retryable = failure.kind != upstream::failure_kind::certificate_rejected;
  return e;
}

domain::error response_to_error(const platform_store& store, const upstream::upstream_response& response) {
  const auto mapped = mappers::map_platform_error(*store.plan, response.status, response.body);
  domain::error e;
  e.kind = kind_from_code(mapped.code);
  e.message = mapped.message.empty() ? store.platform_name + " answered " + std::to_string(response.status) : mapped.message;
  for (const auto& d : mapped.details) e.details.push_back({d.field, d.reason});
  e.upstream_status = response.status;
  e.upstream_excerpt = mapped.upstream_excerpt;
  e.retryable = mapped.retryable;
  if (e.kind == error_kind::rate_limited) {
    const auto wait = response.retry_after.value_or(std::chrono::milliseconds(1000));
    e.retry_after_seconds = static_cast<int>((wait.count() + 999) / 1000);
  }
  return e;
}

domain::error invalid_fields(const mappers::map_report& report) {
  std::vector<domain::field_error> details;
  for (const auto& i : report.invalid) details.push_back({i.field, i.reason});
  return domain::validation_failed(std::move(details));
}

domain::error unreadable(const platform_store& store, const upstream::upstream_response& response, std::string_view what) {
  auto e = domain::make_error(error_kind::upstream_error, store.platform_name + " sent " + std::string(what));
  e.upstream_status = response.status;
  e.upstream_excerpt = response.body.substr(0, 256);
  return e;
}

domain::result<rapidjson::Document> parse_body(const platform_store& store, const upstream::upstream_response& response) {
  rapidjson::Document doc;
  // Never passed on: a strict client could not read a canonical body made from it. The
  // raw text must be UTF-8 (one fast scan: RapidJSON's own check was 17% of a list's
  // CPU); the rare escapes that decode to what a strict reader refuses (a lone low
  // surrogate, a NUL) send the body through the full check, which names the field.
  if (!valid_utf8(response.body)) return unreadable(store, response, "a body that is not valid UTF-8");
  doc.Parse(response.body.c_str(), response.body.size());
  if (doc.HasParseError()) return unreadable(store, response, "a body that is not JSON");
  if (has_suspect_escape(response.body))
    if (auto problem = find_json_problem(doc, false))
      return unreadable(store, response,
                        "a body whose " + (problem->field.empty() ? std::string("value") : problem->field) + " " +
                            problem->reason);
  return doc;
}

boost::asio::awaitable<domain::result<upstream::upstream_response>> call_raw(const platform_store& store,
                                                                          upstream::upstream_request request,
                                                                          const call_context& ctx) {
  if (request.request_id.empty()) request.request_id = ctx.request_id;
  auto outcome = co_await store.client->send(std::move(request), ctx.deadline);
  if (!outcome) co_return failure_to_error(store, outcome.error());
  co_return std::move(*outcome);
}

boost::asio::awaitable<domain::result<upstream::upstream_response>> call(const platform_store& store,
                                                                      upstream::upstream_request request,
                                                                      const call_context& ctx) {
  auto outcome = co_await call_raw(store, std::move(request), ctx);
  if (outcome && outcome->status >= 400) co_return response_to_error(store, *outcome);
  co_return outcome;
}

std::string canonical_customer_id(const platform_store& store, std::uint64_t platform_id) {
  return encode_platform_id(store.kind, id_kind::customer, store.store_id, platform_id);
}
std::string canonical_address_id(const platform_store& store, std::uint64_t platform_id) {
  return encode_platform_id(store.kind, id_kind::address, store.store_id, platform_id);
}
std::optional<std::uint64_t> platform_customer_id(const platform_store& store, std::string_view canonical_id) {
  return decode_platform_id(store.kind, id_kind::customer, store.store_id, canonical_id);
}
std::optional<std::uint64_t> platform_address_id(const platform_store& store, std::string_view canonical_id) {
  return decode_platform_id(store.kind, id_kind::address, store.store_id, canonical_id);
}

domain::result<domain::address> address_from_canonical(const platform_store& store, const Value& a) {
  if (!a.IsObject()) return domain::make_error(error_kind::upstream_error, store.platform_name + " sent an address that is not an object");
  domain::address out;
  auto id = a.HasMember("id") ? numeric_id(a["id"]) : std::nullopt;
  if (!id) return domain::make_error(error_kind::upstream_error, store.platform_name + " sent an address without a numeric id");
  out.id = canonical_address_id(store, *id);
  out.first_name = optional_string(a, "firstName");
  out.last_name = optional_string(a, "lastName");
  out.company = optional_string(a, "company");
  out.address1 = string_or_empty(a, "address1");
  out.address2 = optional_string(a, "address2");
  out.city = string_or_empty(a, "city");
  out.region = optional_string(a, "region");
  out.postal_code = string_or_empty(a, "postalCode");
  out.country = string_or_empty(a, "country");
  out.phone = optional_string(a, "phone");
  out.is_default = a.HasMember("isDefault") && a["isDefault"].IsBool() && a["isDefault"].GetBool();
  out.created_at = string_or_empty(a, "createdAt");
  out.updated_at = string_or_empty(a, "updatedAt");
  return out;
}

domain::result<domain::customer> customer_from_canonical(const platform_store& store, const Value& c) {
  if (!c.IsObject()) return domain::make_error(error_kind::upstream_error, store.platform_name + " sent a customer that is not an object");
  domain::customer out;
  auto id = c.HasMember("id") ? numeric_id(c["id"]) : std::nullopt;
  if (!id) return domain::make_error(error_kind::upstream_error, store.platform_name + " sent a customer without a numeric id");
  out.id = canonical_customer_id(store, *id);
  out.store_id = store.store_id;
  out.email = string_or_empty(c, "email");
  out.name = optional_string(c, "name");
  out.phone = optional_string(c, "phone");
  out.marketing_opt_in = c.HasMember("marketingOptIn") && c["marketingOptIn"].IsBool() && c["marketingOptIn"].GetBool();
  if (auto it = c.FindMember("metadata"); it != c.MemberEnd() && it->value.IsObject())
    for (const auto& m : it->value.GetObject())
      if (m.value.IsString()) out.metadata.emplace(m.name.GetString(), m.value.GetString());
  if (auto it = c.FindMember("addresses"); it != c.MemberEnd() && it->value.IsArray()) {
    for (const auto& a : it->value.GetArray()) {
      auto address = address_from_canonical(store, a);
      if (!address) return address.error();
      out.addresses.push_back(std::move(*address));
    }
  }
  if (auto it = c.FindMember("defaultAddressId"); it != c.MemberEnd()) {
    if (auto d = numeric_id(it->value)) out.default_address_id = canonical_address_id(store, *d);
  }
  if (!out.default_address_id) {
    for (const auto& a : out.addresses)
      if (a.is_default) out.default_address_id = a.id;
  }
  out.created_at = string_or_empty(c, "createdAt");
  out.updated_at = string_or_empty(c, "updatedAt");
  for (auto& a : out.addresses) {
    a.is_default = out.default_address_id == a.id;
    // BigCommerce addresses carry no timestamps: they take their customer's, so the
    // canonical object always has ISO 8601 values there.
    if (a.created_at.empty()) a.created_at = out.created_at;
    if (a.updated_at.empty()) a.updated_at = out.updated_at;
  }
  return out;
}

domain::address address_from_input(const domain::address_input& input) {
  domain::address a;
  domain::merge_address(input, a);
  a.is_default = input.is_default.value_or(false);
  return a;
}

void canonical_address(const domain::address& a, std::optional<std::uint64_t> address_platform_id, Value& out,
                       json_allocator& alloc) {
  out.SetObject();
  if (address_platform_id) {
    const auto id = std::to_string(*address_platform_id);
    out.AddMember("id", Value(id.c_str(), static_cast<rapidjson::SizeType>(id.size()), alloc), alloc);
  }
  set_string(out, "firstName", a.first_name, alloc);
  set_string(out, "lastName", a.last_name, alloc);
  set_string(out, "company", a.company, alloc);
  set_string(out, "address1", a.address1, alloc);
  set_string(out, "address2", a.address2, alloc);
  set_string(out, "city", a.city, alloc);
  set_string(out, "region", a.region, alloc);
  set_string(out, "postalCode", a.postal_code, alloc);
  set_string(out, "country", a.country, alloc);
  set_string(out, "phone", a.phone, alloc);
  out.AddMember("isDefault", a.is_default, alloc);
}

void canonical_for_create(const domain::customer_create& input, Value& out, json_allocator& alloc) {
  out.SetObject();
  set_string(out, "email", input.email, alloc);
  set_string(out, "name", input.name, alloc);
  set_string(out, "phone", input.phone, alloc);
  out.AddMember("marketingOptIn", input.marketing_opt_in, alloc);
  Value addresses(rapidjson::kArrayType);
  for (const auto& in : input.addresses) {
    Value a;
    canonical_address(address_from_input(in), std::nullopt, a, alloc);
    addresses.PushBack(a, alloc);
  }
  out.AddMember("addresses", addresses, alloc);
  if (!input.metadata.empty()) set_metadata(out, input.metadata, alloc);
}

void canonical_for_update(const domain::customer& next, const domain::customer_patch& patch, Value& out,
                          json_allocator& alloc) {
  out.SetObject();
  if (patch.email) set_string(out, "email", next.email, alloc);
  if (patch.name.present) set_string(out, "name", next.name, alloc);
  if (patch.phone.present) set_string(out, "phone", next.phone, alloc);
  if (patch.marketing_opt_in) out.AddMember("marketingOptIn", next.marketing_opt_in, alloc);
  if (patch.metadata) set_metadata(out, next.metadata, alloc);
}

}  // namespace custbridge::backends
