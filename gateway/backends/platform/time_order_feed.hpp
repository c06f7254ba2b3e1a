#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gateway/backends/customer_backend.hpp"
#include "gateway/backends/platform/id_order_feed.hpp"
#include "gateway/domain/error.hpp"

// The change feed of a platform whose customer list can be sorted by update time, oldest
// first, with an "updated at or after W" filter and numbered pages (BigCommerce V3's
// date_modified:min and sort=date_modified:asc), timestamps in whole seconds.
//
// W is the second of the last change delivered. As the filter is >=, every read starts
// again at W and skips the customers already delivered in W, known by their fingerprint:
// one edited again within W reads differently and is delivered again, and one edited later
// has a later time. Deletions are not seen.
//
// Pages are numbered, so a customer edited between two page reads of one call moves to
// the end and shifts the next page by one. A call reads one page of limit + (already
// delivered in W) customers, and only needs a second page when that passes max_page,
// i.e. when more than max_page - limit customers share one second.
//
// The cursor remembers at most 1000 customers of one second. When more than that share
// W, the feed delivers what it can and then answers UPSTREAM_ERROR: it cannot tell the
// rest apart from what it delivered without skipping some (a platform that orders the
// customers of one second in no documented way); read the store with list() then.
//
// changed_at never goes back, within a page or across pages (while the platform's clock
// does not). Cursor: "v1.<backend>.<store>.<W>.<id:fingerprint,...>" (W empty at first).
namespace custbridge::backends {

struct time_order_page {
  std::vector<feed_item> items;  // by update time, oldest first
  std::int64_t total = 0;        // customers matching the filter, over all pages
};

// Reads page `page` (1-based) of `per_page` customers updated at or after `since` (every
// customer when nullopt; unix seconds), oldest update first.
using time_order_fetch = std::function<boost::asio::awaitable<domain::result<time_order_page>>(
    std::optional<std::int64_t> since, int page, int per_page)>;

// changes() for `backend` (the cursor tag) on store `store_id`. BAD_REQUEST for a bad
// limit or cursor; fetch's errors as they are; UPSTREAM_ERROR for an unreadable update
// time or more than 1000 customers in one second (see above).
boost::asio::awaitable<domain::result<change_page>> time_order_changes(std::string backend, std::string store_id,
                                                                    std::string platform_name, std::string cursor,
                                                                    int limit, int max_page, time_order_fetch fetch);

}  // namespace custbridge::backends
