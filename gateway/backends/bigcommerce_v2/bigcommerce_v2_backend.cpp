#include "gateway/backends/bigcommerce_v2/bigcommerce_v2_backend.hpp"
#include "gateway/backends/bigcommerce_v3/bigcommerce_v3_backend.hpp"
#include "common/text.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cctype>
#include <charconv>
#include <map>
#include <unordered_map>

#include "common/timestamp.hpp"
#include "gateway/backends/bigcommerce/customer_lock.hpp"
#include "gateway/backends/bigcommerce/default_address.hpp"
#include "gateway/backends/bigcommerce/orders.hpp"
#include "gateway/backends/bigcommerce/update_writes.hpp"
#include "gateway/backends/platform/id_order_feed.hpp"
#include "gateway/backends/platform/query_string.hpp"
#include "gateway/domain/customer_patch.hpp"
#include "mappers/mapper.hpp"
#include "mappers/query.hpp"

namespace custbridge::backends {
namespace {

namespace asio = boost::asio;
using domain::error_kind;
using rapidjson::Value;

constexpr int address_page_size = 250;  // V2's maximum page size
constexpr std::size_t list_concurrency = 8;

std::string fold(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return ascii_lower(s);
}

std::string to_json(const Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return {sb.GetString(), sb.GetSize()};
}

std::optional<std::uint64_t> uint_of(const Value& v) {
  if (v.IsUint64()) return v.GetUint64();
  if (v.IsString()) {
    std::uint64_t out = 0;
    const char* b = v.GetString();
    const char* e = b + v.GetStringLength();
    auto [p, ec] = std::from_chars(b, e, out);
    if (ec == std::errc{} && p == e && b != e) return out;
  }
  return std::nullopt;
}

domain::error not_found(const std::string& id) { return domain::make_error(error_kind::not_found, "Customer '" + id + "' not found"); }
domain::error duplicate_email() { return domain::make_error(error_kind::conflict, "Customer with this email already exists"); }

domain::error unsupported_query(const std::string& field, const std::string& reason) {
  auto e = domain::make_error(error_kind::bad_request, "BigCommerce V2 cannot serve this list query: " + field + " " + reason);
  e.details.push_back({field, reason});
  return e;
}

// A duplicate email the platform itself reports (a race past the pre-check) keeps the
// canonical message and the platform's words.
domain::error canonical_conflict(domain::error e) {
  if (e.kind != error_kind::conflict) return e;
  auto out = duplicate_email();
  out.upstream_status = e.upstream_status;
  out.upstream_excerpt = std::move(e.upstream_excerpt);
  return out;
}

upstream::upstream_request request(std::string method, std::string target, std::string body = {}) {
  upstream::upstream_request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.body = std::move(body);
  return r;
}

// Parses a V2 list: a top-level array, or 204 with no body for an empty list
// (UNDOCUMENTED, seen on the real platform), which reads as an empty array.
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

// V2 has no optional strings in an address: what the gateway sends as "" for "none"
// reads back as null.
void blank_to_null(std::optional<std::string>& v) {
  if (v && v->find_first_not_of(' ') == std::string::npos) v.reset();
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

// One address as a V2 body. Required V2 fields the canonical address leaves empty
// (names, phone) are sent as "" so that POST accepts the address.
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
  return to_json(body);
}

std::string now_iso() { return format_iso8601_ms(now_millis()); }

bool two_part_name(const std::string& name) {
  std::string_view s = name;
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  const auto space = std::find_if(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
  if (space == s.begin()) return false;
  return std::any_of(space, s.end(), [](unsigned char c) { return !std::isspace(c); });
}

const char* name_reason = "BigCommerce V2 requires a first and a last name: give at least two words";

// Customers in flight for a list, fetched by a few workers.
struct address_fetch {
  std::vector<std::uint64_t> customer_ids;
  std::vector<std::optional<domain::result<std::vector<domain::address>>>> results;
  std::atomic<std::size_t> next{0};
  call_context ctx;
};

}  // namespace

// V2 and V3 are one store on BigCommerce: same token, headers and rate-limit budget.
upstream::client_options bigcommerce_v2_client_options(const config::platform_config& cfg) {
  return bigcommerce_v3_client_options(cfg);
}

namespace {

class v2_update_calls;

class bigcommerce_v2_backend final : public customer_backend, public std::enable_shared_from_this<bigcommerce_v2_backend> {
 public:
  explicit bigcommerce_v2_backend(std::shared_ptr<const platform_store> store) : store_(store), attributes_(store) {}

  asio::awaitable<domain::result<domain::customer_page>> list(request_context rc, domain::list_query query) override;
  asio::awaitable<domain::result<domain::customer>> get(request_context rc, std::string id) override;
  asio::awaitable<domain::result<domain::customer>> create(request_context rc, domain::customer_create input) override;
  asio::awaitable<domain::result<domain::customer>> update(request_context rc, std::string id,
                                                        domain::customer_patch patch) override;
  asio::awaitable<domain::result<void>> remove(request_context rc, std::string id) override;
  asio::awaitable<domain::result<change_page>> changes(request_context rc, std::string cursor, int limit) override;
  const store_capabilities& capabilities() const override { return bigcommerce_v2_capabilities(); }
  bool ready() override { return store_->client->breaker() != upstream::breaker_state::open; }

 private:
  friend class v2_update_calls;
  // The raw default-address attribute value of a customer (nullopt: none stored).
  using stored_default = std::optional<std::string>;

  asio::awaitable<domain::result<std::vector<domain::address>>> fetch_addresses(std::uint64_t customer_id, const call_context& ctx);
  asio::awaitable<domain::result<std::map<std::uint64_t, std::string>>> fetch_defaults(
      const std::vector<std::uint64_t>& customer_ids, const call_context& ctx);
  asio::awaitable<domain::result<domain::customer>> load(std::uint64_t platform_id, const std::string& canonical_id,
                                                      stored_default* stored, const call_context& ctx);
  asio::awaitable<domain::result<bool>> email_taken(std::string email, std::optional<std::uint64_t> except, const call_context& ctx);
  asio::awaitable<domain::result<domain::customer>> update_locked(request_context rc, std::string id, std::uint64_t pid,
                                                               domain::customer_patch patch);
  void finish(domain::customer& c, const stored_default& stored) const;
  // Deletes a customer whose create failed after the customer POST; the error says so.
  asio::awaitable<domain::error> undo_create(std::string customer_id, std::uint64_t pid, std::vector<std::string> created_ids,
                                            std::string step, domain::error cause, call_context ctx);
  // Reads the addresses (a few customers in flight) and stored defaults of `items`.
  asio::awaitable<domain::result<void>> complete(std::vector<domain::customer>& items, const call_context& ctx);
  asio::awaitable<domain::result<id_order_page>> fetch_updated(call_context ctx, std::optional<std::int64_t> since,
                                                            std::uint64_t after, int count);

  static asio::awaitable<void> address_worker(std::shared_ptr<bigcommerce_v2_backend> self, std::shared_ptr<address_fetch> job);

  std::shared_ptr<const platform_store> store_;
  bigcommerce::attribute_directory attributes_;
};

// One address from a write's response.
domain::result<domain::address> written_address(const platform_store& store, const domain::result<upstream::upstream_response>& r) {
  if (!r) return r.error();
  auto parsed = parse_body(store, *r);
  if (!parsed) return parsed.error();
  return read_address(store, *parsed);
}

// Every address of one customer, over as many pages as it takes.
asio::awaitable<domain::result<std::vector<domain::address>>> bigcommerce_v2_backend::fetch_addresses(std::uint64_t customer_id,
                                                                                                  const call_context& ctx) {
  std::vector<domain::address> out;
  for (int page = 1;; ++page) {
    auto r = co_await call(*store_,
                           request("GET", "/v2/customers/" + std::to_string(customer_id) + "/addresses?page=" + std::to_string(page) +
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
  auto r = co_await call(*store_, request("GET", target), ctx);
  if (!r) co_return r.error();
  auto doc = parse_body(*store_, *r);
  if (!doc) co_return doc.error();
  if (!doc->IsObject() || !doc->HasMember("data") || !(*doc)["data"].IsArray())
    co_return unreadable(*store_, *r, "attribute values that are not {data:[...]}");
  // Two attributes of that name (two gateways racing to create it): the oldest wins, as in V3.
  std::map<std::uint64_t, std::uint64_t> attribute_of;
  for (const auto& v : (*doc)["data"].GetArray()) {
    if (!v.IsObject() || !v.HasMember("customer_id")) continue;
    auto customer = uint_of(v["customer_id"]);
    auto attribute = v.HasMember("attribute_id") ? uint_of(v["attribute_id"]) : std::nullopt;
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
  auto r = co_await call_raw(*store_, request("GET", "/v2/customers/" + std::to_string(platform_id)), ctx);
  if (!r) co_return r.error();
  if (r->status == 404) co_return not_found(canonical_id);
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
  auto r = co_await call(*store_, request("GET", target), ctx);
  if (!r) co_return r.error();
  auto doc = parse_list(*store_, *r);
  if (!doc) co_return doc.error();
  for (const auto& c : doc->GetArray()) {
    if (!c.IsObject() || !c.HasMember("email") || !c["email"].IsString()) continue;
    auto id = c.HasMember("id") ? uint_of(c["id"]) : std::nullopt;
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

asio::awaitable<domain::result<domain::customer_page>> bigcommerce_v2_backend::list(request_context rc, domain::list_query q) {
  if (q.search) co_return unsupported_query("search", "is not supported: BigCommerce V2 has no free-text customer search");
  if (q.marketing_opt_in)
    co_return unsupported_query("marketingOptIn", bigcommerce_v2_capabilities().filter_marketing_opt_in.reason);
  if (q.has_orders) co_return unsupported_query("hasOrders", bigcommerce_v2_capabilities().filter_has_orders.reason);
  if (q.sort_by != domain::sort_field::created_at)
    co_return unsupported_query("sortBy", "must be createdAt: BigCommerce V2 lists customers only in creation (id) order");
  const auto ctx = store_->begin(rc);
  domain::customer_page page;
  std::vector<const Value*> rows;  // the window's platform customers, in canonical order
  rapidjson::Document doc;

  if (q.email) {
    // Emails are unique, so the filtered list is one page; the exact match is ours.
    const auto wanted = fold(*q.email);
    const auto target = with_query("/v2/customers", query_params{{"email", wanted}, {"limit", "250"}});
  auto r = co_await call(*store_, request("GET", target), ctx);
    if (!r) co_return r.error();
    auto parsed = parse_list(*store_, *r);
    if (!parsed) co_return parsed.error();
    doc = std::move(*parsed);
    std::vector<const Value*> matches;
    for (const auto& c : doc.GetArray())
      if (c.IsObject() && c.HasMember("email") && c["email"].IsString() && fold(c["email"].GetString()) == wanted) matches.push_back(&c);
    if (q.descending) std::reverse(matches.begin(), matches.end());
    page.total = static_cast<std::int64_t>(matches.size());
    for (std::int64_t i = q.offset; i < page.total && i < q.offset + q.limit; ++i) rows.push_back(matches[static_cast<std::size_t>(i)]);
  } else {
    auto counted = co_await call(*store_, request("GET", "/v2/customers/count"), ctx);
    if (!counted) co_return counted.error();
    auto count = parse_body(*store_, *counted);
    if (!count) co_return count.error();
    if (!count->IsObject() || !count->HasMember("count") || !(*count)["count"].IsInt64())
      co_return unreadable(*store_, *counted, "a count that is not {\"count\":N}");
    page.total = (*count)["count"].GetInt64();
    if (q.offset >= page.total || q.limit <= 0) co_return page;
    // The canonical window in ascending id order: reversed from the end when descending.
    const std::int64_t end = q.descending ? page.total - q.offset : std::min(page.total, q.offset + q.limit);
    const std::int64_t begin = q.descending ? std::max<std::int64_t>(0, end - q.limit) : q.offset;
    mappers::canonical_list_query cq;
    cq.limit = static_cast<int>(end - begin);
    cq.offset = static_cast<int>(begin);
    auto pq = mappers::map_list_query(*store_->plan, cq);
    if (!pq.report.ok()) co_return invalid_fields(pq.report);
    const auto target = with_query("/v2/customers", pq.params);
    auto r = co_await call(*store_, request("GET", target), ctx);
    if (!r) co_return r.error();
    auto parsed = parse_list(*store_, *r);
    if (!parsed) co_return parsed.error();
    doc = std::move(*parsed);
    for (auto i = static_cast<rapidjson::SizeType>(pq.skip); i < doc.Size() && i < static_cast<rapidjson::SizeType>(pq.skip + pq.take); ++i)
      rows.push_back(&doc[i]);
    if (q.descending) std::reverse(rows.begin(), rows.end());
  }

  for (const auto* row : rows) {
    auto c = read_customer(*store_, *row);
    if (!c) co_return c.error();
    page.items.push_back(std::move(*c));
  }
  auto completed = co_await complete(page.items, ctx);
  if (!completed) co_return completed.error();
  co_return page;
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

// One page of the change feed's walk: min_date_modified and min_id are both inclusive, and
// every read is page 1, so a customer edited while the walk goes on cannot shift it. The
// customers come complete (addresses, default) so that their fingerprints cover the
// addresses: the adapter's address writes also PUT the customer, which moves date_modified
// within the same second as an earlier delivery, and only the addresses tell the two
// apart. That reads the addresses of the few remembered customers the walk then skips too.
asio::awaitable<domain::result<id_order_page>> bigcommerce_v2_backend::fetch_updated(call_context ctx,
                                                                                  std::optional<std::int64_t> since,
                                                                                  std::uint64_t after, int count) {
  query_params params;
  if (since) params.emplace_back("min_date_modified", format_rfc2822(sys_millis(std::chrono::seconds(*since))));
  params.emplace_back("min_id", std::to_string(after + 1));
  params.emplace_back("limit", std::to_string(count));
  params.emplace_back("page", "1");
  const auto target = with_query("/v2/customers", params);
  auto r = co_await call(*store_, request("GET", target), ctx);
  if (!r) co_return r.error();
  auto doc = parse_list(*store_, *r);
  if (!doc) co_return doc.error();
  std::vector<domain::customer> customers;
  for (const auto& row : doc->GetArray()) {
    auto c = read_customer(*store_, row);
    if (!c) co_return c.error();
    customers.push_back(std::move(*c));
  }
  auto completed = co_await complete(customers, ctx);
  if (!completed) co_return completed.error();
  id_order_page out;
  out.date = std::string(r->header("date"));
  for (auto& c : customers) {
    const auto pid = *platform_customer_id(*store_, c.id);
    out.items.push_back({pid, std::move(c)});
  }
  co_return out;
}

asio::awaitable<domain::result<change_page>> bigcommerce_v2_backend::changes(request_context rc, std::string cursor,
                                                                          int limit) {
  auto fetch = [self = shared_from_this(), ctx = store_->begin(rc)](std::optional<std::int64_t> since, std::uint64_t after,
                                                                   int count) {
    return self->fetch_updated(ctx, since, after, count);
  };
  co_return co_await id_order_changes("bigcommerce_v2", store_->store_id, store_->platform_name, std::move(cursor), limit,
                                      address_page_size, std::move(fetch));
}

asio::awaitable<domain::result<domain::customer>> bigcommerce_v2_backend::get(request_context rc, std::string id) {
  auto pid = platform_customer_id(*store_, id);
  if (!pid) co_return not_found(id);
  const auto ctx = store_->begin(rc);
  co_return co_await load(*pid, id, nullptr, ctx);
}

asio::awaitable<domain::result<domain::customer>> bigcommerce_v2_backend::create(request_context rc, domain::customer_create in) {
  const auto ctx = store_->begin(rc);
  // Everything V2 cannot take is refused before the first call.
  std::vector<domain::field_error> problems;
  if (in.marketing_opt_in) problems.push_back({"marketingOptIn", "BigCommerce V2's accepts_marketing is read-only; only false can be written"});
  if (!in.metadata.empty()) problems.push_back({"metadata", "BigCommerce V2 has no place for customer metadata"});
  if (!in.name || !two_part_name(*in.name)) problems.push_back({"name", name_reason});

  rapidjson::Document canonical(rapidjson::kObjectType);
  auto& alloc = canonical.GetAllocator();
  canonical.AddMember("email", Value(in.email.c_str(), alloc), alloc);
  canonical.AddMember("name", in.name ? Value(in.name->c_str(), alloc) : Value(), alloc);
  canonical.AddMember("phone", in.phone ? Value(in.phone->c_str(), alloc) : Value(), alloc);
  rapidjson::Document body;
  auto report = mappers::request_body(*store_->plan, canonical, mappers::operation::create, body, body.GetAllocator());
  for (const auto& i : report.invalid) problems.push_back({i.field, i.reason});

  std::vector<domain::address> wanted;
  std::vector<std::string> address_bodies;
  std::optional<std::size_t> default_index;
  for (std::size_t i = 0; i < in.addresses.size(); ++i) {
    wanted.push_back(address_from_input(in.addresses[i]));
    auto b = address_body(*store_, wanted.back(), mappers::operation::create, "addresses[" + std::to_string(i) + "]");
    if (!b) {
      for (auto& d : b.error().details) problems.push_back(std::move(d));
      continue;
    }
    address_bodies.push_back(std::move(*b));
    if (in.addresses[i].is_default.value_or(false)) default_index = i;
  }
  if (!problems.empty()) co_return domain::validation_failed(std::move(problems));

  auto taken = co_await email_taken(in.email, std::nullopt, ctx);
  if (!taken) co_return taken.error();
  if (*taken) co_return duplicate_email();

  auto posted = co_await call(*store_, request("POST", "/v2/customers", to_json(body)), ctx);
  if (!posted) co_return canonical_conflict(posted.error());
  auto created_doc = parse_body(*store_, *posted);
  if (!created_doc) co_return created_doc.error();
  auto customer = read_customer(*store_, *created_doc);
  if (!customer) co_return customer.error();
  const auto customer_pid = *platform_customer_id(*store_, customer->id);


  // From here on the customer exists: a failure deletes it again, so nothing is left.
  std::vector<std::string> created_ids;
  std::vector<std::uint64_t> pids;
  std::optional<std::uint64_t> default_pid;
  for (std::size_t i = 0; i < address_bodies.size(); ++i) {
    auto r = co_await call(*store_, request("POST", "/v2/customers/" + std::to_string(customer_pid) + "/addresses", address_bodies[i]),
                           ctx);
    auto a = written_address(*store_, r);
    if (!a) co_return co_await undo_create(customer->id, customer_pid, created_ids, "creating addresses[" + std::to_string(i) + "]", a.error(), ctx);
    created_ids.push_back(a->id);
    pids.push_back(*platform_address_id(*store_, a->id));
    if (default_index == i) default_pid = pids.back();
    customer->addresses.push_back(std::move(*a));
  }
  // No value means the first address: only "none" or a later address is written.
  stored_default stored;
  if (!address_bodies.empty() && bigcommerce::resolve_default(std::nullopt, pids) != default_pid) {
    stored = bigcommerce::default_value(default_pid);
    auto attribute = co_await attributes_.ensure_default(ctx);
    if (!attribute) co_return co_await undo_create(customer->id, customer_pid, created_ids, "storing the default address", attribute.error(), ctx);
    auto w = co_await bigcommerce::write_default_value(*store_, *attribute, customer_pid, *stored, ctx);
    if (!w) {
      attributes_.forget();
      co_return co_await undo_create(customer->id, customer_pid, created_ids, "storing the default address", w.error(), ctx);
    }
  }
  finish(*customer, stored);
  co_return std::move(*customer);
}

asio::awaitable<domain::error> bigcommerce_v2_backend::undo_create(std::string customer_id, std::uint64_t pid,
                                                                 std::vector<std::string> created_ids, std::string step,
                                                                 domain::error cause, call_context ctx) {
  std::string applied = "customer " + customer_id + " was created";
  if (!created_ids.empty()) {
    applied += " with address(es)";
    for (const auto& a : created_ids) applied += " " + a;
  }
  auto deleted = co_await call_raw(*store_, request("DELETE", "/v2/customers/" + std::to_string(pid)), ctx);
  std::string undo;
  if (deleted && (deleted->status < 400 || deleted->status == 404)) {
    undo = "Rolled back: the customer was deleted again.";
  } else {
    std::string why;
    if (deleted) why = response_to_error(*store_, *deleted).message;
    else why = deleted.error().message;
    undo = "Not rolled back: deleting the customer failed (" + why + ").";
    cause.kind = error_kind::upstream_error;
    cause.retryable = false;
  }
  cause.message = "BigCommerce V2: " + step + " failed: " + cause.message + ". Applied: " + applied + ". " + undo;
  co_return cause;
}

// The V2 calls of one update: one request per address.
class v2_update_calls final : public bigcommerce::update_calls {
 public:
  v2_update_calls(bigcommerce_v2_backend& backend, std::uint64_t pid, const std::string& id, const call_context& ctx,
                  const domain::customer& next, std::string fields, std::string restore, std::optional<std::int64_t> attribute)
      : b_(backend),
        pid_(pid),
        id_(id),
        ctx_(ctx),
        next_(next),
        base_("/v2/customers/" + std::to_string(pid)),
        fields_(std::move(fields)),
        restore_(std::move(restore)),
        attribute_(attribute) {}

  domain::customer updated;  // the platform's answer to the fields write

  asio::awaitable<domain::result<void>> put_fields(bool restore, bool& applied) override {
    if (restore && restore_.empty())
      co_return domain::make_error(error_kind::internal, "the fields read at the start cannot be mapped back");
    const std::string& body = restore ? restore_ : fields_;
    auto put = co_await call(*b_.store_, request("PUT", base_, body), ctx_);
    if (!put) {
      if (put.error().kind == error_kind::not_found) co_return not_found(id_);
      co_return canonical_conflict(put.error());
    }
    applied = true;
    if (restore) co_return domain::result<void>{};
    auto doc = parse_body(*b_.store_, *put);
    if (!doc) co_return doc.error();
    auto c = read_customer(*b_.store_, *doc);
    if (!c) co_return c.error();
    updated = std::move(*c);
    co_return domain::result<void>{};
  }

  asio::awaitable<bigcommerce::address_batch> modify(std::vector<domain::address> addresses) override {
    bigcommerce::address_batch out;
    out.done.resize(addresses.size());
    for (std::size_t i = 0; i < addresses.size(); ++i) {
      const auto apid = platform_address_id(*b_.store_, addresses[i].id);
      auto body = address_body(*b_.store_, addresses[i], mappers::operation::update, path(addresses[i].id, i));
      if (!apid || !body) {
        out.failure = body ? domain::make_error(error_kind::internal, "address without a platform id") : body.error();
        co_return out;
      }
      auto r = co_await call(*b_.store_, request("PUT", base_ + "/addresses/" + std::to_string(*apid), *body), ctx_);
      auto a = written_address(*b_.store_, r);
      if (!a) {
        // Taken but unreadable: counted as written, so a rollback restores it.
        if (r) out.done[i] = addresses[i];
        out.failure = a.error();
        co_return out;
      }
      out.done[i] = std::move(*a);
    }
    co_return out;
  }

  asio::awaitable<bigcommerce::address_batch> create(std::vector<domain::address> addresses) override {
    bigcommerce::address_batch out;
    out.done.resize(addresses.size());
    for (std::size_t i = 0; i < addresses.size(); ++i) {
      auto body = address_body(*b_.store_, addresses[i], mappers::operation::create, path(addresses[i].id, i));
      if (!body) {
        out.failure = body.error();
        co_return out;
      }
      auto r = co_await call(*b_.store_, request("POST", base_ + "/addresses", *body), ctx_);
      auto a = written_address(*b_.store_, r);
      if (!a) {
        out.failure = a.error();
        co_return out;
      }
      out.done[i] = std::move(*a);
    }
    co_return out;
  }

  asio::awaitable<bigcommerce::address_batch> remove(std::vector<domain::address> addresses) override {
    bigcommerce::address_batch out;
    out.done.resize(addresses.size());
    for (std::size_t i = 0; i < addresses.size(); ++i) {
      const auto apid = platform_address_id(*b_.store_, addresses[i].id);
      if (!apid) continue;
      auto r = co_await call(*b_.store_, request("DELETE", base_ + "/addresses/" + std::to_string(*apid)), ctx_);
      if (!r && r.error().kind != error_kind::not_found) {
        out.failure = r.error();
        co_return out;
      }
      out.done[i] = addresses[i];
    }
    co_return out;
  }

  asio::awaitable<domain::result<void>> set_default(std::string value) override {
    if (!attribute_) co_return domain::make_error(error_kind::internal, "the default-address attribute was not looked up");
    auto r = co_await bigcommerce::write_default_value(*b_.store_, *attribute_, pid_, std::move(value), ctx_);
    if (!r) b_.attributes_.forget();
    co_return r;
  }

 private:
  std::string path(const std::string& id, std::size_t fallback) const {
    for (std::size_t i = 0; i < next_.addresses.size(); ++i)
      if (next_.addresses[i].id == id) return "addresses[" + std::to_string(i) + "]";
    return "addresses[" + std::to_string(fallback) + "]";
  }

  bigcommerce_v2_backend& b_;
  std::uint64_t pid_;
  const std::string& id_;
  const call_context& ctx_;
  const domain::customer& next_;
  std::string base_, fields_, restore_;
  std::optional<std::int64_t> attribute_;
};

// Writes to one customer are serialised in this process (see customer_lock.hpp), from the
// read of its current state through the last write.
asio::awaitable<domain::result<domain::customer>> bigcommerce_v2_backend::update(request_context rc, std::string id,
                                                                             domain::customer_patch patch) {
  auto pid = platform_customer_id(*store_, id);
  if (!pid) co_return not_found(id);
  auto lock = co_await bigcommerce::lock_customer(bigcommerce::customer_lock_key(*store_, *pid));
  co_return co_await update_locked(std::move(rc), std::move(id), *pid, std::move(patch));
}

asio::awaitable<domain::result<domain::customer>> bigcommerce_v2_backend::update_locked(request_context rc, std::string id,
                                                                                    std::uint64_t pid,
                                                                                    domain::customer_patch patch) {
  const auto ctx = store_->begin(rc);
  stored_default stored;
  auto current = co_await load(pid, id, &stored, ctx);
  if (!current) co_return current.error();

  std::vector<domain::field_error> problems;
  if (patch.marketing_opt_in && *patch.marketing_opt_in != current->marketing_opt_in)
    problems.push_back({"marketingOptIn", "BigCommerce V2's accepts_marketing is read-only and cannot be changed"});
  if (patch.metadata && !patch.metadata->empty()) problems.push_back({"metadata", "BigCommerce V2 has no place for customer metadata"});
  if (patch.name.present && (!patch.name.value || !two_part_name(*patch.name.value))) problems.push_back({"name", name_reason});
  if (!problems.empty()) co_return domain::validation_failed(std::move(problems));

  int next_new = 0;
  auto outcome = domain::apply_patch(*current, patch, now_iso(), [&] { return "new:" + std::to_string(next_new++); });
  if (!outcome) co_return outcome.error();
  const auto plan = bigcommerce::plan_address_writes(*current, *outcome, [&](const domain::address& x, const domain::address& y) {
    auto bx = address_body(*store_, x, mappers::operation::create, "");
    auto by = address_body(*store_, y, mappers::operation::create, "");
    return bx && by && *bx == *by;
  });
  const auto& next = outcome->next;

  // Map every write before the first one; the fields as read are mapped too, to restore them.
  auto fields_body = [&](const domain::customer& from, std::string& out) -> std::optional<domain::error> {
    rapidjson::Document canonical;
    canonical_for_update(from, patch, canonical, canonical.GetAllocator());
    canonical.RemoveMember("marketingOptIn");  // checked above: unchanged
    canonical.RemoveMember("metadata");        // checked above: empty
    if (canonical.MemberCount() == 0) {
      // V2 moves date_modified on any PUT; sending the unchanged email keeps updatedAt
      // moving on every canonical update, as on the local store.
      canonical.AddMember("email", Value(from.email.c_str(), canonical.GetAllocator()), canonical.GetAllocator());
    }
    rapidjson::Document body;
    auto report = mappers::request_body(*store_->plan, canonical, mappers::operation::update, body, body.GetAllocator());
    if (!report.ok()) return invalid_fields(report);
    out = to_json(body);
    return std::nullopt;
  };
  std::string forward, restore;
  if (auto e = fields_body(next, forward)) co_return *e;
  if (fields_body(*current, restore)) restore.clear();

  auto listed = [](const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); };
  for (std::size_t i = 0; i < next.addresses.size(); ++i) {
    const auto& a = next.addresses[i];
    const bool is_new = listed(plan.create, a.id);
    if (!is_new && !listed(plan.modify, a.id) && !listed(plan.modify_after_remove, a.id)) continue;
    auto b = address_body(*store_, a, is_new ? mappers::operation::create : mappers::operation::update,
                          "addresses[" + std::to_string(i) + "]");
    if (!b)
      for (auto& d : b.error().details) problems.push_back(std::move(d));
  }
  if (!problems.empty()) co_return domain::validation_failed(std::move(problems));

  if (patch.email && fold(*patch.email) != fold(current->email)) {
    auto taken = co_await email_taken(*patch.email, pid, ctx);
    if (!taken) co_return taken.error();
    if (*taken) co_return duplicate_email();
  }

  // Only an update of the addresses or the default can change the default.
  std::optional<std::int64_t> attribute;
  if (!next.addresses.empty() && (patch.addresses || patch.default_address_id.present)) {
    auto a = co_await attributes_.ensure_default(ctx);
    if (!a) co_return a.error();
    attribute = *a;
  }

  v2_update_calls calls(*this, pid, id, ctx, next, std::move(forward), std::move(restore), attribute);
  auto written = co_await bigcommerce::write_update(calls, *store_, id, *current, next, plan, stored);
  if (!written) co_return written.error();
  auto result = bigcommerce::updated_customer(*store_, std::move(calls.updated), next, *written);
  finish(result, written->stored_default);
  co_return result;
}

asio::awaitable<domain::result<void>> bigcommerce_v2_backend::remove(request_context rc, std::string id) {
  auto pid = platform_customer_id(*store_, id);
  if (!pid) co_return not_found(id);
  auto lock = co_await bigcommerce::lock_customer(bigcommerce::customer_lock_key(*store_, *pid));
  const auto ctx = store_->begin(rc);
  // BigCommerce lets a customer with orders be deleted; the canonical API does not.
  auto orders = co_await bigcommerce::has_orders(*store_, *pid, ctx);
  if (!orders) co_return orders.error();
  if (*orders) co_return domain::make_error(error_kind::conflict, "Cannot delete customer with existing orders");
  auto r = co_await call_raw(*store_, request("DELETE", "/v2/customers/" + std::to_string(*pid)), ctx);
  if (!r) co_return r.error();
  if (r->status == 404) co_return not_found(id);
  if (r->status >= 400) co_return response_to_error(*store_, *r);
  co_return domain::result<void>{};
}

}  // namespace

std::shared_ptr<customer_backend> make_bigcommerce_v2_backend(std::shared_ptr<const platform_store> store) {
  return std::make_shared<bigcommerce_v2_backend>(std::move(store));
}

}  // namespace custbridge::backends
