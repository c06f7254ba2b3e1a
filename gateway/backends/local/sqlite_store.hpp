#pragma once

#include <memory>
#include <string>

#include "gateway/backends/customer_backend.hpp"
#include "gateway/state/worker_pool.hpp"

struct sqlite3;

namespace custbridge::state {
class database;
}

namespace custbridge::backends {

// The embedded local backend: customers in the gateway's SQLite state database.
// Each call is one short transaction under the database's mutex, so it is safe
// from every server thread and from a second process (e.g. `custbridge import`). The
// coroutine forms run that work on the store's own worker threads, never on the
// caller's (server) thread.
// Deleted customers stay as tombstones (deleted_at set) and are invisible to reads.
//
// Change feed: every write takes the database's next change_seq in its transaction, so
// changes() returns customers (and tombstones, as deleted changes) with change_seq above
// the cursor's, in change_seq order, each with the customer as it is now (several writes
// between two reads are one change): nothing is skipped, and a customer comes again only
// after it changed again. The cursor ("v1.local.<store>.<seq>") is the last change_seq
// delivered; it survives restarts, and a cursor ahead of the database is BAD_REQUEST.
// changed_at is the write's updatedAt (a delete's deletedAt).
class sqlite_store final : public customer_backend {
 public:
  // `workers`: threads for the SQLite work of the coroutine forms (they queue on the
  // database's mutex, so more than a few buys nothing).
  explicit sqlite_store(std::shared_ptr<state::database> db, std::size_t workers = 2);

  boost::asio::awaitable<domain::result<domain::customer_page>> list(request_context rc, domain::list_query query) override;
  boost::asio::awaitable<domain::result<domain::customer>> get(request_context rc, std::string id) override;
  boost::asio::awaitable<domain::result<domain::customer>> create(request_context rc, domain::customer_create input) override;
  boost::asio::awaitable<domain::result<domain::customer>> update(request_context rc, std::string id,
                                                               domain::customer_patch patch) override;
  boost::asio::awaitable<domain::result<void>> remove(request_context rc, std::string id) override;
  boost::asio::awaitable<domain::result<change_page>> changes(request_context rc, std::string cursor, int limit) override;
  const store_capabilities& capabilities() const override;
  bool ready() override;

  // Synchronous forms, used by the coroutine wrappers above and by `custbridge import`.
  domain::result<domain::customer_page> list_sync(const std::string& store_id, const domain::list_query& query);
  domain::result<domain::customer> get_sync(const std::string& store_id, const std::string& id);
  domain::result<domain::customer> create_sync(const std::string& store_id, const domain::customer_create& input);
  domain::result<domain::customer> update_sync(const std::string& store_id, const std::string& id,
                                            const domain::customer_patch& patch);
  domain::result<void> remove_sync(const std::string& store_id, const std::string& id);
  domain::result<change_page> changes_sync(const std::string& store_id, const std::string& cursor, int limit);


 private:
  std::shared_ptr<state::database> database_;
  sqlite3* db_;
  // Last member: destroyed (joined) first, while the database is still open.
  std::unique_ptr<state::worker_pool> workers_;
};

// What every local store can hold and answer.
const store_capabilities& local_capabilities();

}  // namespace custbridge::backends
