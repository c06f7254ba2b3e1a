#include "gateway/backends/bigcommerce_v3/bigcommerce_v3_adapter.hpp"

#include <algorithm>
#include <climits>

#include "common/text.hpp"
#include "common/timestamp.hpp"
#include "gateway/backends/platform/store_errors.hpp"
#include "mappers/query.hpp"

namespace custbridge::backends::bigcommerce_v3 {

using boost::asio::awaitable;
using domain::error_kind;
using rapidjson::Value;

awaitable<domain::result<domain::customer_page>> bigcommerce_v3_backend::list(request_context rc, domain::list_query q) {
  const auto ctx = store_->begin(rc);
  const auto& caps = bigcommerce_v3_capabilities();
  if (q.marketing_opt_in) co_return bad_parameter("marketingOptIn", caps.filter_marketing_opt_in.reason);
  if (q.has_orders) co_return bad_parameter("hasOrders", caps.filter_has_orders.reason);
  std::string sort;
  switch (q.sort_by) {
    case domain::sort_field::created_at: sort = "date_created"; break;
    case domain::sort_field::updated_at: sort = "date_modified"; break;
    case domain::sort_field::name:
      co_return bad_parameter("sortBy", "BigCommerce V3 sorts by last name only, not by the full name");
    case domain::sort_field::email: co_return bad_parameter("sortBy", "BigCommerce V3 cannot sort customers by email");
  }
  sort += q.descending ? ":desc" : ":asc";
  const int limit = std::max(1, q.limit);
  const int offset = static_cast<int>(std::min<std::int64_t>(std::max<std::int64_t>(q.offset, 0), INT_MAX - max_page));

  domain::customer_page out;
  if (q.email) {
    // email:in, then the exact case-insensitive match; all matches fit one page, so the
    // window and the total are computed here.
    auto mapped = mappers::map_list_query(*store_->plan, {max_page, 0, q.email, std::nullopt});
    if (!mapped.report.ok()) co_return invalid_fields(mapped.report);
    set_param(mapped.params, "sort", sort);
    auto page = co_await fetch_page(mapped.params, ctx);
    if (!page) co_return page.error();
    // With both filters the few exact matches are searched here, as the local store
    // does: a substring of the email, name or phone.
    auto searched = [&](const domain::customer& c) {
      if (!q.search) return true;
      const auto needle = ascii_lower(*q.search);
      return ascii_lower(c.email).find(needle) != std::string::npos ||
             (c.name && ascii_lower(*c.name).find(needle) != std::string::npos) ||
             (c.phone && ascii_lower(*c.phone).find(needle) != std::string::npos);
    };
    std::vector<domain::customer> matches;
    for (auto& c : page->items)
      if (ascii_lower(c.email) == ascii_lower(*q.email) && searched(c)) matches.push_back(std::move(c));
    out.total = static_cast<std::int64_t>(matches.size());
    for (std::size_t i = static_cast<std::size_t>(offset); i < matches.size() && out.items.size() < static_cast<std::size_t>(limit); ++i)
      out.items.push_back(std::move(matches[i]));
    co_return out;
  }

  auto mapped = mappers::map_list_query(*store_->plan, {limit, offset, std::nullopt, std::nullopt});
  bool two_pages = false;
  if (!mapped.report.ok()) {
    if (mapped.report.invalid.size() != 1 || mapped.report.invalid.front().field != "offset")
      co_return invalid_fields(mapped.report);
    // No page size up to 250 puts the whole window on one page: read the two pages of
    // size `limit` that cover it.
    mapped = mappers::map_list_query(*store_->plan, {limit, 0, std::nullopt, std::nullopt});
    if (!mapped.report.ok()) co_return invalid_fields(mapped.report);
    set_param(mapped.params, "limit", std::to_string(limit));
    set_param(mapped.params, "page", std::to_string(offset / limit + 1));
    mapped.skip = offset % limit;
    mapped.take = limit;
    two_pages = true;
  }
  set_param(mapped.params, "sort", sort);
  if (q.search) {
    // No substring filter on email or phone exists: a term with '@' is an exact email,
    // anything else a name substring (see the header).
    if (q.search->find('@') != std::string::npos)
      set_param(mapped.params, "email:in", ascii_lower(*q.search));
    else
      set_param(mapped.params, "name:like", *q.search);
  }
  auto first = co_await fetch_page(mapped.params, ctx);
  if (!first) co_return first.error();
  out.total = first->total;
  std::vector<domain::customer> rows = std::move(first->items);
  if (two_pages && static_cast<int>(rows.size()) == limit && mapped.skip > 0) {
    set_param(mapped.params, "page", std::to_string(offset / limit + 2));
    auto second = co_await fetch_page(mapped.params, ctx);
    if (!second) co_return second.error();
    for (auto& c : second->items) rows.push_back(std::move(c));
  }
  for (std::size_t i = static_cast<std::size_t>(mapped.skip); i < rows.size() && out.items.size() < static_cast<std::size_t>(mapped.take); ++i)
    out.items.push_back(std::move(rows[i]));
  co_return out;
}

awaitable<domain::result<domain::customer>> bigcommerce_v3_backend::get(request_context rc, std::string id) {
  const auto ctx = store_->begin(rc);
  auto pid = platform_customer_id(*store_, id);
  if (!pid) co_return customer_not_found(id);
  auto found = co_await fetch(*pid, ctx);
  if (!found) co_return found.error();
  if (!*found) co_return customer_not_found(id);
  co_return std::move((*found)->customer);
}

// One page for time_order_changes: the list's own page read (mapping constants included),
// sorted by date_modified, from W on ("2024-05-14T09:34:00Z", the shape of V3's own dates).
awaitable<domain::result<time_order_page>> bigcommerce_v3_backend::fetch_modified(call_context ctx,
                                                                               std::optional<std::int64_t> since,
                                                                               int page, int per_page) {
  auto mapped = mappers::map_list_query(*store_->plan, {per_page, (page - 1) * per_page, std::nullopt, std::nullopt});
  if (!mapped.report.ok()) co_return invalid_fields(mapped.report);
  set_param(mapped.params, "sort", "date_modified:asc");
  if (since) {
    auto text = format_iso8601_ms(sys_millis(std::chrono::seconds(*since)));
    text.erase(text.size() - 5, 4);  // ".000"
    set_param(mapped.params, "date_modified:min", std::move(text));
  }
  auto fetched = co_await fetch_page(mapped.params, ctx);
  if (!fetched) co_return fetched.error();
  time_order_page out;
  out.total = fetched->total;
  for (auto& c : fetched->items) {
    auto pid = platform_customer_id(*store_, c.id);
    if (!pid) co_return domain::make_error(error_kind::internal, "a customer read from this store has a foreign id");
    out.items.push_back({*pid, std::move(c)});
  }
  co_return out;
}

awaitable<domain::result<change_page>> bigcommerce_v3_backend::changes(request_context rc, std::string cursor, int limit) {
  auto fetch = [this, ctx = store_->begin(rc)](std::optional<std::int64_t> since, int page, int per_page) {
    return fetch_modified(ctx, since, page, per_page);
  };
  co_return co_await time_order_changes("bigcommerce_v3", store_->store_id, store_->platform_name, std::move(cursor), limit,
                                        max_page, std::move(fetch));
}

}  // namespace custbridge::backends::bigcommerce_v3
