#include "gateway/backends/bigcommerce_v2/bigcommerce_v2_adapter.hpp"

#include <algorithm>

#include "common/timestamp.hpp"
#include "gateway/backends/platform/query_string.hpp"
#include "gateway/backends/platform/store_errors.hpp"
#include "mappers/query.hpp"

namespace custbridge::backends::bigcommerce_v2 {

namespace asio = boost::asio;
using domain::error_kind;
using rapidjson::Value;

namespace {

domain::error unsupported_query(const std::string& field, const std::string& reason) {
  auto e = domain::make_error(error_kind::bad_request, "BigCommerce V2 cannot serve this list query: " + field + " " + reason);
  e.details.push_back({field, reason});
  return e;
}

}  // namespace

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
  auto r = co_await call(*store_, make_request("GET", target), ctx);
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
    auto counted = co_await call(*store_, make_request("GET", "/v2/customers/count"), ctx);
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
    auto r = co_await call(*store_, make_request("GET", target), ctx);
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
  auto r = co_await call(*store_, make_request("GET", target), ctx);
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
  if (!pid) co_return customer_not_found(id);
  const auto ctx = store_->begin(rc);
  co_return co_await load(*pid, id, nullptr, ctx);
}

}  // namespace custbridge::backends::bigcommerce_v2
