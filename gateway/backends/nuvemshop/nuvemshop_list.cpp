#include "gateway/backends/nuvemshop/nuvemshop_list.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <tuple>

#include "mappers/query.hpp"

namespace custbridge::backends::nuvemshop {
namespace {

using domain::error_kind;

// The items of one ascending-id window, and the total every page reported.
struct window {
  std::vector<platform_customer> items;
  std::int64_t total = -1;  // -1: no page answered with a total
  bool consistent = true;   // every page saw the same total
  bool past_end = false;    // some page was past the end
};

boost::asio::awaitable<domain::result<window>> fetch_window(const platform_store& store, const query_params& filters,
                                                         std::int64_t begin, std::int64_t end, const call_context& ctx) {
  window out;
  for (const auto& slice : plan_pages(begin, end, store.plan->query.paging.max_size)) {
    auto page = co_await fetch_page(store, filters, slice.page, slice.per_page, ctx);
    if (!page) co_return page.error();
    if (page->past_end) {
      out.past_end = true;
      continue;
    }
    if (out.total >= 0 && out.total != page->total) out.consistent = false;
    out.total = page->total;
    const auto n = static_cast<std::int64_t>(page->items.size());
    for (auto i = slice.skip; i < std::min(n, slice.skip + slice.take); ++i)
      out.items.push_back(std::move(page->items[static_cast<std::size_t>(i)]));
  }
  co_return out;
}

// The number of customers matching `filters`, from the smallest page Nuvemshop serves.
boost::asio::awaitable<domain::result<std::int64_t>> count(const platform_store& store, const query_params& filters,
                                                        const call_context& ctx) {
  auto page = co_await fetch_page(store, filters, 1, 1, ctx);
  if (!page) co_return page.error();
  co_return page->past_end ? 0 : page->total;
}

domain::customer_page to_page(std::vector<platform_customer> items, std::int64_t total) {
  domain::customer_page out;
  out.total = total;
  out.items.reserve(items.size());
  for (auto& c : items) out.items.push_back(std::move(c.customer));
  return out;
}

domain::error changing_store(const platform_store& store) {
  auto e = domain::make_error(error_kind::upstream_error,
                           store.platform_name + "'s customer count kept changing while the page was read; try again");
  e.retryable = true;
  return e;
}

// [offset, offset + limit) of the customers matching `filters` in id order, ascending
// or descending. Nuvemshop only serves ascending ids, so a descending window is the
// mirrored ascending one: [total - offset - limit, total - offset). That needs the
// total first: `*hint` (a previous answer's total) is used as a guess, and every page
// answer carries the real total, so a wrong guess costs one more round trip.
boost::asio::awaitable<domain::result<domain::customer_page>> id_window(const platform_store& store,
                                                                     const query_params& filters, std::int64_t offset,
                                                                     std::int64_t limit, bool descending,
                                                                     std::atomic<std::int64_t>* hint,
                                                                     const call_context& ctx) {
  constexpr int attempts = 3;
  if (!descending) {
    for (int i = 0; i < attempts; ++i) {
      auto w = co_await fetch_window(store, filters, offset, offset + limit, ctx);
      if (!w) co_return w.error();
      if (!w->consistent) continue;
      if (w->total < 0) {
        // Every page was past the end: the window is empty; the total needs asking.
        auto total = co_await count(store, filters, ctx);
        if (!total) co_return total.error();
        w->total = *total;
      }
      co_return to_page(std::move(w->items), w->total);
    }
    co_return changing_store(store);
  }

  std::int64_t total = hint ? hint->load(std::memory_order_relaxed) : -1;
  bool verified = false;  // `total` was answered during this request
  for (int i = 0; i < attempts; ++i) {
    if (total < 0 || (!verified && total - offset <= 0)) {
      auto n = co_await count(store, filters, ctx);
      if (!n) co_return n.error();
      total = *n;
      verified = true;
    }
    const auto end = std::max<std::int64_t>(0, total - offset);
    const auto begin = std::max<std::int64_t>(0, end - limit);
    if (begin >= end) {
      if (hint) hint->store(total, std::memory_order_relaxed);
      co_return to_page({}, total);
    }
    auto w = co_await fetch_window(store, filters, begin, end, ctx);
    if (!w) co_return w.error();
    if (w->consistent && !w->past_end && w->total == total) {
      if (hint) hint->store(total, std::memory_order_relaxed);
      std::reverse(w->items.begin(), w->items.end());
      co_return to_page(std::move(w->items), total);
    }
    // The guess (or the store) changed: start again from what the platform said.
    total = w->consistent && w->total >= 0 ? w->total : -1;
    verified = total >= 0;
  }
  co_return changing_store(store);
}

// Every customer matching `filters`, or nullopt if more than scan_limit do.
boost::asio::awaitable<domain::result<std::optional<std::vector<platform_customer>>>> scan(const platform_store& store,
                                                                                       const query_params& filters,
                                                                                       const call_context& ctx) {
  const int per_page = store.plan->query.paging.max_size;
  std::vector<platform_customer> all;
  for (std::int64_t page = 1;; ++page) {
    auto p = co_await fetch_page(store, filters, page, per_page, ctx);
    if (!p) co_return p.error();
    if (p->past_end) break;
    if (p->total > scan_limit) co_return std::nullopt;
    for (auto& c : p->items) all.push_back(std::move(c));
    if (page * per_page >= p->total) break;
  }
  // A customer created between two pages shifts the later ones: never list one twice.
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.platform_id < b.platform_id; });
  all.erase(std::unique(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.platform_id == b.platform_id; }),
            all.end());
  co_return std::optional(std::move(all));
}

bool contains_folded(const std::optional<std::string>& hay, const std::string& folded_needle) {
  return hay && ascii_lower(*hay).find(folded_needle) != std::string::npos;
}

// The local store's semantics: email equal ignoring ASCII case; search a substring
// (ASCII case-insensitive, like SQLite's LIKE) of email, name or phone.
bool matches(const domain::customer& c, const domain::list_query& q) {
  if (q.email && ascii_lower(c.email) != ascii_lower(*q.email)) return false;
  if (q.search) {
    const auto needle = ascii_lower(*q.search);
    if (!contains_folded(c.email, needle) && !contains_folded(c.name, needle) && !contains_folded(c.phone, needle))
      return false;
  }
  if (q.marketing_opt_in && c.marketing_opt_in != *q.marketing_opt_in) return false;
  if (q.has_orders && (c.orders_count > 0) != *q.has_orders) return false;
  return true;
}

void sort_customers(std::vector<platform_customer>& v, domain::sort_field by, bool descending) {
  auto less = [by](const platform_customer& a, const platform_customer& b) {
    const auto& x = a.customer;
    const auto& y = b.customer;
    switch (by) {
      case domain::sort_field::created_at: break;  // id order: see make_nuvemshop_backend
      case domain::sort_field::updated_at:
        if (x.updated_at != y.updated_at) return x.updated_at < y.updated_at;
        break;
      case domain::sort_field::name: {
        // COLLATE NOCASE, with no name first, as the local store sorts.
        auto kx = std::make_tuple(x.name.has_value(), x.name ? ascii_lower(*x.name) : std::string());
        auto ky = std::make_tuple(y.name.has_value(), y.name ? ascii_lower(*y.name) : std::string());
        if (kx != ky) return kx < ky;
        break;
      }
      case domain::sort_field::email: {
        auto ex = ascii_lower(x.email), ey = ascii_lower(y.email);
        if (ex != ey) return ex < ey;
        break;
      }
    }
    return a.platform_id < b.platform_id;
  };
  std::sort(v.begin(), v.end(), less);
  if (descending) std::reverse(v.begin(), v.end());
}

std::string unsupported_names(const domain::list_query& q) {
  std::vector<std::string> names;
  if (q.sort_by != domain::sort_field::created_at) names.emplace_back("sortBy");
  if (q.marketing_opt_in) names.emplace_back("marketingOptIn");
  if (q.has_orders) names.emplace_back("hasOrders");
  if (q.email) names.emplace_back("email");
  if (q.search) names.emplace_back("search");
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? (i + 1 == names.size() ? " and " : ", ") : "") + names[i];
  return out;
}

}  // namespace

std::vector<page_slice> plan_pages(std::int64_t begin, std::int64_t end, int max_per_page) {
  if (end <= begin || begin < 0) return {};
  const auto n = std::min<std::int64_t>(end - begin, max_per_page);
  end = begin + n;
  for (auto p = n; p <= max_per_page; ++p)
    if (begin / p == (end - 1) / p) return {{begin / p + 1, static_cast<int>(p), begin % p, n}};
  const auto k = begin / n;
  const auto skip = begin - k * n;
  return {{k + 1, static_cast<int>(n), skip, n - skip}, {k + 2, static_cast<int>(n), 0, skip}};
}

boost::asio::awaitable<domain::result<domain::customer_page>> list_customers(const platform_store& store,
                                                                          domain::list_query query,
                                                                          std::atomic<std::int64_t>& unfiltered_total,
                                                                          const call_context& ctx) {
  const auto limit = std::clamp<std::int64_t>(query.limit, 1, store.plan->query.paging.max_size);
  const auto offset = std::max<std::int64_t>(0, query.offset);

  const bool plain = !query.email && !query.search && !query.marketing_opt_in && !query.has_orders &&
                     query.sort_by == domain::sort_field::created_at;
  const query_params no_filters;  // named: g++ 12 mishandles braced temporaries in co_await calls
  if (plain) co_return co_await id_window(store, no_filters, offset, limit, query.descending, &unfiltered_total, ctx);

  // The platform's filters narrow what is read: `email` (2025 API) and `q` (every
  // version; name, email or identification). With an email and no search, `q` carries
  // the email too, so a version without `email` still narrows.
  const auto& paging = store.plan->query.paging;
  auto mapped = mappers::map_list_query(*store.plan, {1, 0, query.email, query.search ? query.search : query.email});
  if (!mapped.report.invalid.empty()) {
    const auto& first = mapped.report.invalid.front();
    co_return domain::make_error(error_kind::bad_request, first.field + ": " + first.reason);
  }
  auto filters = std::move(mapped.params);
  std::erase_if(filters, [&](const auto& p) { return p.first == paging.page_param || p.first == paging.size_param; });

  auto all = co_await scan(store, filters, ctx);
  if (!all) co_return all.error();
  if (!*all) {
    // More than scan_limit customers match. A plain search can still be served page by
    // page with the platform's own `q` semantics; anything Nuvemshop cannot do is a 400.
    if (query.search && !query.email && !query.marketing_opt_in && !query.has_orders &&
        query.sort_by == domain::sort_field::created_at)
      co_return co_await id_window(store, filters, offset, limit, query.descending, nullptr, ctx);
    co_return domain::make_error(
        error_kind::bad_request,
        unsupported_names(query) + " not supported on nuvemshop stores when more than " + std::to_string(scan_limit) +
            " customers match: Nuvemshop cannot sort or filter by them, and the gateway reads at most " +
            std::to_string(scan_limit) + " customers to do it; narrow the list with email or search");
  }
  auto& items = **all;
  std::erase_if(items, [&](const platform_customer& c) { return !matches(c.customer, query); });
  sort_customers(items, query.sort_by, query.descending);
  const auto total = static_cast<std::int64_t>(items.size());
  std::vector<platform_customer> window;
  for (auto i = offset; i < std::min(total, offset + limit); ++i) window.push_back(std::move(items[static_cast<std::size_t>(i)]));
  co_return to_page(std::move(window), total);
}

}  // namespace custbridge::backends::nuvemshop
