#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <vector>

#include "gateway/backends/nuvemshop/nuvemshop_calls.hpp"

namespace custbridge::backends::nuvemshop {

// Nuvemshop pages by page number only (page, per_page <= 200), in ascending id order.
// One platform page to fetch, and the slice [skip, skip + take) of it to keep.
struct page_slice {
  std::int64_t page = 1;  // 1-based
  int per_page = 1;
  std::int64_t skip = 0;
  std::int64_t take = 0;
};

// The pages covering the ascending index window [begin, end), end - begin <= max_per_page:
// one page when some page size in [n, max_per_page] holds the whole window, else two
// consecutive pages of size n. Empty for an empty window.
std::vector<page_slice> plan_pages(std::int64_t begin, std::int64_t end, int max_per_page);

// How many matching customers the adapter reads to filter or sort what Nuvemshop cannot
// (5 requests of 200).
inline constexpr std::int64_t scan_limit = 1000;

// GET /customers for the canonical list query: see make_nuvemshop_backend.
// `unfiltered_total` caches the store's customer count between calls, to guess which
// pages hold a descending window in one round trip (every answer carries the real
// total, and a wrong guess is corrected by asking again).
boost::asio::awaitable<domain::result<domain::customer_page>> list_customers(const platform_store& store,
                                                                          domain::list_query query,
                                                                          std::atomic<std::int64_t>& unfiltered_total,
                                                                          const call_context& ctx);

}  // namespace custbridge::backends::nuvemshop
