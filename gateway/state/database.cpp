#include "gateway/state/database.hpp"

namespace custbridge::state {
namespace {

const char* const gateway_migrations[] = {
    R"sql(
CREATE TABLE IF NOT EXISTS idempotency_keys (
  store_id TEXT NOT NULL,
  api_key TEXT NOT NULL,
  idempotency_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status INTEGER,
  headers TEXT,
  body TEXT,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (store_id, api_key, idempotency_key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_created ON idempotency_keys(created_at_ms);
)sql",
};

// Before schemas had their own versions, one list numbered by PRAGMA user_version held
// them all: 1 the customer tables, 2 idempotency keys, 3 the change sequence. A file of
// that era is given the per-schema versions it had reached.
struct single_version_era {
  int local_customers;
  int gateway_state;
};
single_version_era from_single_version(int user_version) {
  return {(user_version >= 1 ? 1 : 0) + (user_version >= 3 ? 1 : 0), user_version >= 2 ? 1 : 0};
}

}  // namespace

void exec(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown error";
    sqlite3_free(message);
    throw std::runtime_error("sqlite: " + text);
  }
}

database::database(const std::string& path) {
  if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr) !=
      SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open SQLite database '" + path + "': " + message);
  }
  path_ = path;
  try {
    sqlite3_busy_timeout(db_, 5000);
    exec(db_, "PRAGMA journal_mode = WAL");
    exec(db_, "PRAGMA synchronous = NORMAL");
    exec(db_, "PRAGMA foreign_keys = ON");
    adopt_single_version();
    migrate(gateway_schema());
  } catch (...) {
    // No destructor runs for a constructor that throws: close the connection here.
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

void database::adopt_single_version() {
  transaction tx(db_);
  statement exists(db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_versions'");
  if (exists.step()) return;
  exec(db_, "CREATE TABLE schema_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  statement uv(db_, "PRAGMA user_version");
  const int user_version = uv.step() ? static_cast<int>(uv.integer(0)) : 0;
  if (user_version > 3)
    throw std::runtime_error("database '" + path_ + "' has schema version " + std::to_string(user_version) +
                             ", newer than this binary supports");
  const auto era = from_single_version(user_version);
  statement put(db_, "INSERT INTO schema_versions (name, version) VALUES (?, ?)");
  put.bind(1, "local_customers").bind(2, static_cast<std::int64_t>(era.local_customers)).run();
  statement put2(db_, "INSERT INTO schema_versions (name, version) VALUES (?, ?)");
  put2.bind(1, "gateway_state").bind(2, static_cast<std::int64_t>(era.gateway_state)).run();
  tx.commit();
}

void database::migrate(const schema& s) {
  std::lock_guard lock(mutex_);
  const int target = static_cast<int>(s.migrations.size());
  for (;;) {
    transaction tx(db_);
    const int current = schema_version(s.name);
    if (current > target)
      throw std::runtime_error("database '" + path_ + "' has " + std::string(s.name) + " schema version " +
                               std::to_string(current) + ", newer than this binary supports (" + std::to_string(target) +
                               ")");
    if (current == target) return;
    exec(db_, s.migrations[static_cast<std::size_t>(current)]);
    statement put(db_, "INSERT INTO schema_versions (name, version) VALUES (?1, ?2) "
                       "ON CONFLICT(name) DO UPDATE SET version = ?2");
    put.bind(1, s.name).bind(2, static_cast<std::int64_t>(current + 1)).run();
    tx.commit();
  }
}

database::~database() { sqlite3_close(db_); }

int database::schema_version(std::string_view name) {
  statement s(db_, "SELECT version FROM schema_versions WHERE name = ?");
  s.bind(1, name);
  return s.step() ? static_cast<int>(s.integer(0)) : 0;
}

const schema& gateway_schema() {
  static const schema s{"gateway_state", gateway_migrations};
  return s;
}

}  // namespace custbridge::state
