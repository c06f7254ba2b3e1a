#include "gateway/backends/bigcommerce_v2/bigcommerce_v2_adapter.hpp"

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>

#include "common/text.hpp"
#include "gateway/backends/platform/json_values.hpp"
#include "gateway/backends/platform/query_string.hpp"
#include "gateway/backends/platform/store_errors.hpp"
#include "mappers/mapper.hpp"

namespace custbridge::backends::bigcommerce_v2 {

namespace asio = boost::asio;
using domain::error_kind;
using rapidjson::Value;

namespace {

// V2 has no optional strings in an address: what the gateway sends as "" for "none"
// reads back as null.
void blank_to_null(std::optional<std::string>& v) {
  if (v && v->find_first_not_of(' ') == std::string::npos) v.reset();
}

}  // namespace

std::string fold(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return ascii_lower(s);
}

domain::error canonical_conflict(domain::error e) {
  if (e.kind != error_kind::conflict) return e;
  auto out = duplicate_email();
  out.upstream_status = e.upstream_status;
  out.upstream_excerpt = std::move(e.upstream_excerpt);
  return out;
}

domain::result<rapidjson::Document> parse_list(const platform_store& store, const upstream::upstream_response& r) {
  rapidjson::Document doc;
  if (r.status == 204 || r.body.empty()) {
    doc.SetArray();
    return doc;
  }
  auto parsed = parse_body(store, r);
  if (!parsed) return parsed.error();
  if (!parsed->IsArray()) return unreadable(store, r, "a list that is not an array");
  return std::move(*parsed);
}

domain::result<domain::address> read_address(const platform_store& store, const Value& platform) {
  scratch_allocator scratch;
  Value canonical;
  auto report = mappers::address_to_canonical(*store.plan, platform, canonical, scratch.get());
  if (!report.ok())
    return domain::make_error(error_kind::upstream_error,
                           "BigCommerce V2 sent an address the gateway cannot read: " + report.invalid.front().field + " " +
                               report.invalid.front().reason);
  auto a = address_from_canonical(store, canonical);
  if (!a) return a.error();
  blank_to_null(a->first_name);
  blank_to_null(a->last_name);
  blank_to_null(a->company);
  blank_to_null(a->address2);
  blank_to_null(a->phone);
  blank_to_null(a->region);
  return a;
}

domain::result<domain::customer> read_customer(const platform_store& store, const Value& platform) {
  scratch_allocator scratch;
  Value canonical;
  auto report = mappers::customer_from_response(*store.plan, platform, canonical, scratch.get());
  if (!report.ok())
    return domain::make_error(error_kind::upstream_error,
                           "BigCommerce V2 sent a customer the gateway cannot read: " + report.invalid.front().field + " " +
                               report.invalid.front().reason);
  auto c = customer_from_canonical(store, canonical);
  if (c) {
    blank_to_null(c->name);
    blank_to_null(c->phone);
  }
  return c;
}

domain::result<domain::address> written_address(const platform_store& store, const domain::result<upstream::upstream_response>& r) {
  if (!r) return r.error();
  auto parsed = parse_body(store, *r);
  if (!parsed) return parsed.error();
  return read_address(store, *parsed);
}

domain::result<std::string> address_body(const platform_store& store, const domain::address& a, mappers::operation op,
                                      const std::string& field_prefix) {
  rapidjson::Document canonical;
  canonical_address(a, std::nullopt, canonical, canonical.GetAllocator());
  canonical.RemoveMember("isDefault");  // kept by the gateway, not the platform
  rapidjson::Document body;
  auto report = mappers::address_to_platform(*store.plan, canonical, op, body, body.GetAllocator());
  if (!report.ok()) {
    std::vector<domain::field_error> details;
    for (const auto& i : report.invalid) details.push_back({field_prefix + (i.field.empty() ? "" : "." + i.field), i.reason});
    return domain::validation_failed(std::move(details));
  }
  return serialize(body);
}

bool two_part_name(const std::string& name) {
  std::string_view s = name;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  const auto space = std::find_if(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
  if (space == s.begin()) return false;
  return std::any_of(space, s.end(), [](unsigned char c) { return !std::isspace(c); });
}

// Every address of one customer, over as many pages as it takes.
asio::awaitable<domain::result<std::vector<domain::address>>> bigcommerce_v2_backend::fetch_addresses(std::uint64_t customer_id,
                                                                                                  const call_context& ctx) {
  std::vector<domain::address> out;
  for (int page = 1;; ++page) {
    auto r = co_await call(*store_,
                           make_request("GET", "/v2/customers/" + std::to_string(customer_id) + "/addresses?page=" + std::to_string(page) +
                                              "&limit=" + std::to_string(address_page_size)),
                           ctx);
    if (!r) co_return r.error();
    auto doc = parse_list(*store_, *r);
    if (!doc) co_return doc.error();
    for (const auto& item : doc->GetArray()) {
      auto a = read_address(*store_, item);
      if (!a) co_return a.error();
      out.push_back(std::move(*a));
    }
    if (doc->Size() < static_cast<rapidjson::SizeType>(address_page_size)) break;
  }
  co_return out;
}

// The stored defaults of these customers, by platform customer id. The attribute
// values are filtered by the attribute's name, so reads need no attribute lookup.
asio::awaitable<domain::result<std::map<std::uint64_t, std::string>>> bigcommerce_v2_backend::fetch_defaults(
    const std::vector<std::uint64_t>& customer_ids, const call_context& ctx) {
  std::map<std::uint64_t, std::string> out;
  if (customer_ids.empty()) co_return out;
  std::string ids;
  for (auto id : customer_ids) ids += (ids.empty() ? "" : ",") + std::to_string(id);
  // Named first: g++ 12 mishandles braced temporaries inside co_await expressions.
  const query_params params{{"name", std::string(bigcommerce::default_attribute_name)}, {"customer_id:in", ids}, {"limit", "250"}};
  const auto target = with_query("/v3/customers/attribute-values", params);
  auto r = co_await call(*store_, make_request("GET", target), ctx);
  if (!r) co_return r.error();
  auto doc = parse_body(*store_, *r);
  if (!doc) co_return doc.error();
  if (!doc->IsObject() || !doc->HasMember("data") || !(*doc)["data"].IsArray())
    co_return unreadable(*store_, *r, "attribute values that are not {data:[...]}");
  // Two attributes of that name (two gateways racing to create it): the oldest wins, as in V3.
  std::map<std::uint64_t, std::uint64_t> attribute_of;
  for (const auto& v : (*doc)["data"].GetArray()) {
    if (!v.IsObject() || !v.HasMember("customer_id")) continue;
    auto customer = numeric_id(v["customer_id"]);
    auto attribute = v.HasMember("attribute_id") ? numeric_id(v["attribute_id"]) : std::nullopt;
    auto value = v.FindMember("attribute_value");
    if (!customer || value == v.MemberEnd() || !value->value.IsString()) continue;
    if (auto seen = attribute_of.find(*customer); seen != attribute_of.end() && attribute && seen->second < *attribute) continue;
    attribute_of[*customer] = attribute.value_or(0);
    out[*customer] = std::string(value->value.GetString(), value->value.GetStringLength());
  }
  co_return out;
}

// Sets isDefault, defaultAddressId and the address timestamps (V2 addresses have none).
void bigcommerce_v2_backend::finish(domain::customer& c, const stored_default& stored) const {
  std::sort(c.addresses.begin(), c.addresses.end(), [&](const auto& x, const auto& y) {
    return platform_address_id(*store_, x.id) < platform_address_id(*store_, y.id);
  });
  bigcommerce::apply_default(*store_, c, stored);
  for (auto& a : c.addresses) {
    a.created_at = c.created_at;
    a.updated_at = c.updated_at;
  }
}

asio::awaitable<domain::result<domain::customer>> bigcommerce_v2_backend::load(std::uint64_t platform_id,
                                                                           const std::string& canonical_id, stored_default* stored,
                                                                           const call_context& ctx) {
  auto r = co_await call_raw(*store_, make_request("GET", "/v2/customers/" + std::to_string(platform_id)), ctx);
  if (!r) co_return r.error();
  if (r->status == 404) co_return customer_not_found(canonical_id);
  if (r->status >= 400) co_return response_to_error(*store_, *r);
  auto doc = parse_body(*store_, *r);
  if (!doc) co_return doc.error();
  auto c = read_customer(*store_, *doc);
  if (!c) co_return c.error();
  auto addresses = co_await fetch_addresses(platform_id, ctx);
  if (!addresses) co_return addresses.error();
  c->addresses = std::move(*addresses);
  const std::vector<std::uint64_t> ids(1, platform_id);
  auto defaults = co_await fetch_defaults(ids, ctx);
  if (!defaults) co_return defaults.error();
  stored_default d;
  if (auto it = defaults->find(platform_id); it != defaults->end()) d = it->second;
  finish(*c, d);
  if (stored) *stored = d;
  co_return std::move(*c);
}


asio::awaitable<domain::result<bool>> bigcommerce_v2_backend::email_taken(std::string email, std::optional<std::uint64_t> except,
                                                                       const call_context& ctx) {
  const auto wanted = fold(email);
  const auto target = with_query("/v2/customers", query_params{{"email", wanted}, {"limit", "250"}});
  auto r = co_await call(*store_, make_request("GET", target), ctx);
  if (!r) co_return r.error();
  auto doc = parse_list(*store_, *r);
  if (!doc) co_return doc.error();
  for (const auto& c : doc->GetArray()) {
    if (!c.IsObject() || !c.HasMember("email") || !c["email"].IsString()) continue;
    auto id = c.HasMember("id") ? numeric_id(c["id"]) : std::nullopt;
    if (except && id == except) continue;
    if (fold(c["email"].GetString()) == wanted) co_return true;
  }
  co_return false;
}

asio::awaitable<void> bigcommerce_v2_backend::address_worker(std::shared_ptr<bigcommerce_v2_backend> self,
                                                             std::shared_ptr<address_fetch> job) {
  for (;;) {
    const auto i = job->next.fetch_add(1);
    if (i >= job->customer_ids.size()) co_return;
    job->results[i] = co_await self->fetch_addresses(job->customer_ids[i], job->ctx);
  }
}

asio::awaitable<domain::result<void>> bigcommerce_v2_backend::complete(std::vector<domain::customer>& items,
                                                                     const call_context& ctx) {
  if (items.empty()) co_return domain::result<void>{};
  auto job = std::make_shared<address_fetch>();
  job->ctx = ctx;
  for (const auto& c : items) job->customer_ids.push_back(*platform_customer_id(*store_, c.id));
  job->results.resize(items.size());
  auto self = shared_from_this();
  auto ex = co_await asio::this_coro::executor;
  using op_type = decltype(asio::co_spawn(ex, address_worker(self, job), asio::deferred));
  std::vector<op_type> workers;
  for (std::size_t i = 0; i < std::min(list_concurrency, items.size()); ++i)
    workers.push_back(asio::co_spawn(ex, address_worker(self, job), asio::deferred));
  auto [order, exceptions] =
      co_await asio::experimental::make_parallel_group(std::move(workers)).async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
  for (const auto& e : exceptions)
    if (e) std::rethrow_exception(e);
  auto defaults = co_await fetch_defaults(job->customer_ids, ctx);
  if (!defaults) co_return defaults.error();
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto& fetched = *job->results[i];
    if (!fetched) co_return fetched.error();
    items[i].addresses = std::move(*fetched);
    stored_default d;
    if (auto it = defaults->find(job->customer_ids[i]); it != defaults->end()) d = it->second;
    finish(items[i], d);
  }
  co_return domain::result<void>{};
}

}  // namespace custbridge::backends::bigcommerce_v2
