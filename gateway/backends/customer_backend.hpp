#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "gateway/backends/store_capabilities.hpp"
#include "gateway/domain/customer.hpp"
#include "gateway/domain/error.hpp"

namespace custbridge::backends {

// Which store a call is for, the id that traces it end to end (platform backends send
// it upstream as X-Request-Id) and, when set, the deadline the whole call must meet.
// Without one a store applies its own configured timeout; with one, the earlier wins.
struct request_context {
  using clock = std::chrono::steady_clock;
  std::string store_id;
  std::string request_id;
  std::optional<clock::time_point> deadline{};
};

// One change a store reports through changes(): the customer as it is now, or the id
// of one that was deleted (deleted is set, customer is empty).
struct customer_change {
  std::string id;                           // the canonical customer id
  bool deleted = false;
  std::optional<domain::customer> customer;  // set unless deleted
  std::string changed_at;                   // the store's timestamp of the change (ISO 8601)
};

struct change_page {
  std::vector<customer_change> changes;
  // Opaque. Pass it back to continue after the last change of this page. A cursor is
  // only valid for the store that issued it; "" starts from the beginning.
  std::string next_cursor;
  // True when more changes were ready when this page was read (read again at once);
  // false when the feed was caught up (poll later).
  bool has_more = false;
};

// What the canonical API, the sync engine and the webhooks need from a store: the
// local store and every platform adapter implement it.
//
// Expected failures (not found, conflict, validation, upstream trouble) are
// domain::error values; implementations throw only on bugs. Implementations must be
// safe to call concurrently from every server thread.
class customer_backend {
 public:
  virtual ~customer_backend() = default;

  virtual boost::asio::awaitable<domain::result<domain::customer_page>> list(request_context rc,
                                                                             domain::list_query query) = 0;
  virtual boost::asio::awaitable<domain::result<domain::customer>> get(request_context rc, std::string id) = 0;
  virtual boost::asio::awaitable<domain::result<domain::customer>> create(request_context rc,
                                                                          domain::customer_create input) = 0;
  virtual boost::asio::awaitable<domain::result<domain::customer>> update(request_context rc, std::string id,
                                                                          domain::customer_patch patch) = 0;
  virtual boost::asio::awaitable<domain::result<void>> remove(request_context rc, std::string id) = 0;

  // What this store can hold and answer, with the reason where it cannot. Constant for
  // the store's lifetime.
  virtual const store_capabilities& capabilities() const = 0;

  // Customers changed after `cursor`, oldest change first, at most `limit` (1..250) of
  // them. Resumable: a change is never skipped, and is reported again only if it
  // changed again. Deletions are included where capabilities().changes_report_deletes.
  // BAD_REQUEST for a cursor this store did not issue.
  // The default answers BAD_REQUEST with capabilities().change_feed.reason.
  virtual boost::asio::awaitable<domain::result<change_page>> changes(request_context rc, std::string cursor,
                                                                      int limit);

  // Batch read: one entry per id, in order; nullopt for an id the store does not hold.
  // The default reads one by one; stores with a batch read override it.
  virtual boost::asio::awaitable<domain::result<std::vector<std::optional<domain::customer>>>> get_many(
      request_context rc, std::vector<std::string> ids);

  // Batch create: one outcome per input, in order; a failed item does not stop the rest.
  // At most capabilities().max_batch_size inputs per call (a larger batch is one
  // BAD_REQUEST for the whole call). The default creates one by one.
  virtual boost::asio::awaitable<domain::result<std::vector<domain::result<domain::customer>>>> create_many(
      request_context rc, std::vector<domain::customer_create> inputs);

  // True when the backend can serve requests (for /readyz).
  virtual bool ready() = 0;
};

}  // namespace custbridge::backends
