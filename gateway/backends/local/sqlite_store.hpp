#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "gateway/backends/customer_backend.hpp"

struct sqlite3;

namespace custbridge::backends {

// The embedded local backend: customers in an SQLite file, created and migrated
// (PRAGMA user_version) on open. One connection in WAL mode behind a mutex; each
// call is a short transaction, so it is safe from every server thread and from a
// second process (e.g. `custbridge import`) at the same time.
// Deleted customers stay as tombstones (deleted_at set) and are invisible to reads.
class sqlite_store final : public customer_backend {
 public:
  // Opens or creates the database and applies pending migrations.
  // Throws std::runtime_error if the file cannot be opened or migrated (start-up only).
  explicit sqlite_store(const std::string& path);
  ~sqlite_store() override;

  boost::asio::awaitable<api::result<domain::customer_page>> list(std::string store_id, domain::list_query query) override;
  boost::asio::awaitable<api::result<domain::customer>> get(std::string store_id, std::string id) override;
  boost::asio::awaitable<api::result<domain::customer>> create(std::string store_id, domain::customer_create input) override;
  boost::asio::awaitable<api::result<domain::customer>> update(std::string store_id, std::string id,
                                                               domain::customer_patch patch) override;
  boost::asio::awaitable<api::result<void>> remove(std::string store_id, std::string id) override;
  bool ready() override;

  // Synchronous forms, used by the coroutine wrappers above and by `custbridge import`.
  api::result<domain::customer_page> list_sync(const std::string& store_id, const domain::list_query& query);
  api::result<domain::customer> get_sync(const std::string& store_id, const std::string& id);
  api::result<domain::customer> create_sync(const std::string& store_id, const domain::customer_create& input);
  api::result<domain::customer> update_sync(const std::string& store_id, const std::string& id,
                                            const domain::customer_patch& patch);
  api::result<void> remove_sync(const std::string& store_id, const std::string& id);

  // The schema version after migrations.
  int schema_version();

 private:
  std::mutex mutex_;
  sqlite3* db_ = nullptr;
};

}  // namespace custbridge::backends
