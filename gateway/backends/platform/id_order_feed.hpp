#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/backends/customer_backend.hpp"
#include "gateway/domain/customer.hpp"
#include "gateway/domain/error.hpp"

// The change feed of a platform whose customer list comes in ascending id order with an
// "updated at or after" filter and a "after this id" position (Nuvemshop's updated_at_min
// and since_id, BigCommerce V2's min_date_modified and min_id), timestamps in whole
// seconds.
//
// The feed walks the list in passes. A pass reads, in id order, every customer updated at
// or after its lower bound W. A customer changed during the pass with an id the pass has
// already walked is not in it, so the next pass's W is the platform time at which this pass
// STARTED (the Date header of its first answer, less 1 s of margin), not the latest
// timestamp seen, which would skip it. Each pass re-reads what changed during the one
// before; the cursor remembers those customers as they were delivered (platform id,
// second, fingerprint), so one that did not change again is not delivered twice, and one
// that did (even within the same second) is.
//
// Guarantees: every change is delivered; a customer is delivered again only when it
// changed again, except past 1000 remembered customers (more than 1000 changed during one
// pass): the ones beyond are delivered again by the passes that re-read them, until the
// platform's clock is 2 s past their change, never skipped. Within one
// page changed_at never goes back (changes are sorted by changed_at, then id); across
// pages it does, as a new pass starts again at its W. Deletions are not seen.
//
// Cursor: "v1.<backend>.<store>.<W>.<position id>.<pass start>.<id:second-W:fingerprint,...>"
// (W and pass start empty before they are known).
namespace custbridge::backends {

// One customer as a feed read it: its platform id and the canonical customer.
struct feed_item {
  std::uint64_t platform_id = 0;
  domain::customer customer;
};

struct id_order_page {
  std::vector<feed_item> items;  // ascending platform id
  std::string date;                  // the answer's HTTP Date header, "" if none
};

// Reads at most `count` customers with platform id > after_id and updated at or after
// `since` (every customer when nullopt; unix seconds), in ascending id order. Fewer than
// `count` means the end of the list.
using id_order_fetch = std::function<boost::asio::awaitable<domain::result<id_order_page>>(
    std::optional<std::int64_t> since, std::uint64_t after_id, int count)>;

// changes() for `backend` (the cursor tag) on store `store_id`, reading pages of at most
// `max_page` through `fetch`. BAD_REQUEST for a bad limit or cursor; fetch's errors as
// they are; UPSTREAM_ERROR for a list out of id order or an unreadable updatedAt.
boost::asio::awaitable<domain::result<change_page>> id_order_changes(std::string backend, std::string store_id,
                                                                  std::string platform_name, std::string cursor,
                                                                  int limit, int max_page, id_order_fetch fetch);

}  // namespace custbridge::backends
