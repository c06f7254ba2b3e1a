#include "gateway/backends/nuvemshop/nuvemshop_calls.hpp"
#include "common/text.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cctype>

#include "mappers/errors.hpp"
#include "mappers/mapper.hpp"
#include "mappers/query.hpp"

namespace custbridge::backends::nuvemshop {
namespace {

using domain::error_kind;

upstream::upstream_request request(std::string method, std::string target, std::string body = {}) {
  upstream::upstream_request r;
  r.method = std::move(method);
  r.target = std::move(target);
  if (!body.empty() || r.method == "POST" || r.method == "PUT") {
    // Nuvemshop answers 415 to a write without this exact media type (fact sheet §1).
    r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
    r.body = std::move(body);
  }
  return r;
}

std::optional<std::uint64_t> raw_id(const rapidjson::Value& raw) {
  auto it = raw.FindMember("id");
  if (it == raw.MemberEnd()) return std::nullopt;
  if (it->value.IsUint64()) return it->value.GetUint64();
  return std::nullopt;
}

std::int64_t parse_total(std::string_view s) {
  std::int64_t v = 0;
  bool any = false;
  for (char c : s) {
    if (c == ' ') continue;
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
    any = true;
  }
  return any ? v : -1;
}

}  // namespace

domain::result<platform_customer> read_customer(const platform_store& store, const rapidjson::Value& raw,
                                             json_allocator& scratch) {
  if (!raw.IsObject())
    return domain::make_error(error_kind::upstream_error, store.platform_name + " sent a customer that is not an object");
  const auto id = raw_id(raw);
  if (!id) return domain::make_error(error_kind::upstream_error, store.platform_name + " sent a customer without a numeric id");
  rapidjson::Value canonical;
  // Read-direction reports list platform fields the canonical model has no place for
  // (identification, billing_*...): expected, not an error. A value the mapper could
  // not read is left out of the canonical customer rather than failing the request.
  mappers::customer_to_canonical(*store.plan, raw, canonical, scratch);
  auto c = customer_from_canonical(store, canonical);
  if (!c) return c.error();
  platform_customer out{std::move(*c), *id};
  // Nuvemshop has no order count on the customer; last_order_id says whether there is one.
  auto last = raw.FindMember("last_order_id");
  out.customer.orders_count = last != raw.MemberEnd() && !last->value.IsNull() ? 1 : 0;
  return out;
}

boost::asio::awaitable<domain::result<customer_list_page>> fetch_page(const platform_store& store, query_params params,
                                                                   std::int64_t page, int per_page,
                                                                   const call_context& ctx) {
  const auto& paging = store.plan->query.paging;
  params.emplace_back(paging.page_param, std::to_string(page - 1 + paging.first_page));
  params.emplace_back(paging.size_param, std::to_string(per_page));
  auto r = co_await call_raw(store, request("GET", "/customers?" + encode_query(params)), ctx);
  if (!r) co_return r.error();
  customer_list_page out;
  out.date = std::string(r->header("date"));
  if (r->status >= 400) {
    const auto mapped = mappers::map_platform_error(*store.plan, r->status, r->body);
    if (mapped.empty_page) {
      // "Last page is N": the page is past the end; N pages of per_page do not give the
      // exact total, so the caller asks again when it needs it.
      out.past_end = true;
      co_return out;
    }
    co_return response_to_error(store, *r);
  }
  auto body = parse_body(store, *r);
  if (!body) co_return body.error();
  if (!body->IsArray()) co_return unreadable(store, *r, "a customer list that is not an array");
  for (const auto& raw : body->GetArray()) {
    auto c = read_customer(store, raw, body->GetAllocator());
    if (!c) co_return c.error();
    out.items.push_back(std::move(*c));
  }
  const auto& header = mappers::total_header(*store.plan);
  out.total = header.empty() ? -1 : parse_total(r->header(header));
  if (out.total < 0) co_return unreadable(store, *r, "a customer list without a readable " + header + " header");
  co_return out;
}

boost::asio::awaitable<domain::result<platform_customer>> fetch_customer(const platform_store& store,
                                                                      std::uint64_t platform_id,
                                                                      std::string canonical_id, const call_context& ctx) {
  auto r = co_await call_raw(store, request("GET", "/customers/" + std::to_string(platform_id)), ctx);
  if (!r) co_return r.error();
  if (r->status == 404) co_return customer_not_found(canonical_id);
  if (r->status >= 400) co_return response_to_error(store, *r);
  auto body = parse_body(store, *r);
  if (!body) co_return body.error();
  co_return read_customer(store, *body, body->GetAllocator());
}

boost::asio::awaitable<domain::result<platform_customer>> write_customer(const platform_store& store, std::string method,
                                                                      std::string target, std::string body,
                                                                      const call_context& ctx) {
  auto r = co_await call(store, request(std::move(method), std::move(target), std::move(body)), ctx);
  if (!r) co_return r.error();
  auto doc = parse_body(store, *r);
  if (!doc) co_return doc.error();
  co_return read_customer(store, *doc, doc->GetAllocator());
}

boost::asio::awaitable<domain::result<bool>> email_taken(const platform_store& store, std::string email,
                                                      std::optional<std::uint64_t> except, const call_context& ctx) {
  const auto wanted = ascii_lower(email);
  // `email` is a filter of the 2025 API; `q` (name, email, identification) exists in
  // every version. Together they narrow to the address on any version, and the exact,
  // case-insensitive comparison below decides.
  auto filters = mappers::map_list_query(*store.plan, {1, 0, email, email}).params;
  const auto& paging = store.plan->query.paging;
  std::erase_if(filters, [&](const auto& p) { return p.first == paging.page_param || p.first == paging.size_param; });
  const int per_page = paging.max_size;
  for (std::int64_t page = 1;; ++page) {
    auto p = co_await fetch_page(store, filters, page, per_page, ctx);
    if (!p) co_return p.error();
    for (const auto& c : p->items)
      if (ascii_lower(c.customer.email) == wanted && c.platform_id != except) co_return true;
    if (p->past_end || page * per_page >= p->total) co_return false;
  }
}

}  // namespace custbridge::backends::nuvemshop
