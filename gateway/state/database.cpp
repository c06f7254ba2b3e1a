#include "gateway/state/database.hpp"

namespace custbridge::state {
namespace {

// Each entry moves the schema from version i to i + 1. Never edit a shipped entry: append.
const char* const migrations[] = {
    R"sql(
CREATE TABLE customers (
  id TEXT PRIMARY KEY,
  store_id TEXT NOT NULL,
  email TEXT NOT NULL,
  email_folded TEXT NOT NULL,
  name TEXT,
  phone TEXT,
  marketing_opt_in INTEGER NOT NULL DEFAULT 0,
  default_address_id TEXT,
  metadata TEXT NOT NULL DEFAULT '{}',
  orders_count INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  deleted_at TEXT
);
CREATE UNIQUE INDEX customers_live_email ON customers(store_id, email_folded) WHERE deleted_at IS NULL;
CREATE INDEX customers_store_created ON customers(store_id, created_at, id);
CREATE TABLE addresses (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  position INTEGER NOT NULL,
  first_name TEXT,
  last_name TEXT,
  company TEXT,
  address1 TEXT NOT NULL,
  address2 TEXT,
  city TEXT NOT NULL,
  region TEXT,
  postal_code TEXT NOT NULL,
  country TEXT NOT NULL,
  phone TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX addresses_customer ON addresses(customer_id, position);
)sql",
    R"sql(
CREATE TABLE idempotency_keys (
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
CREATE INDEX idempotency_keys_created ON idempotency_keys(created_at_ms);
)sql",
    // The local change feed: every create, update and delete (tombstone) of a customer
    // takes the next change_seq of the database, in its own write transaction. Existing
    // rows are numbered oldest change first.
    R"sql(
ALTER TABLE customers ADD COLUMN change_seq INTEGER;
UPDATE customers SET change_seq = (
  SELECT n FROM (SELECT rowid AS r, ROW_NUMBER() OVER (ORDER BY updated_at, rowid) AS n FROM customers)
  WHERE r = customers.rowid);
CREATE TABLE change_counter (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  last_seq INTEGER NOT NULL
);
INSERT INTO change_counter (id, last_seq) SELECT 1, COALESCE(MAX(change_seq), 0) FROM customers;
CREATE INDEX customers_store_change ON customers(store_id, change_seq);
)sql",
};

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
  sqlite3_busy_timeout(db_, 5000);
  exec(db_, "PRAGMA journal_mode = WAL");
  exec(db_, "PRAGMA synchronous = NORMAL");
  exec(db_, "PRAGMA foreign_keys = ON");
  const int current = schema_version();
  const int target = static_cast<int>(std::size(migrations));
  if (current > target)
    throw std::runtime_error("database '" + path + "' has schema version " + std::to_string(current) +
                             ", newer than this binary supports (" + std::to_string(target) + ")");
  for (int v = current; v < target; ++v) {
    transaction tx(db_);
    exec(db_, migrations[v]);
    exec(db_, ("PRAGMA user_version = " + std::to_string(v + 1)).c_str());
    tx.commit();
  }
}

database::~database() { sqlite3_close(db_); }

int database::schema_version() {
  statement s(db_, "PRAGMA user_version");
  return s.step() ? static_cast<int>(s.integer(0)) : 0;
}

}  // namespace custbridge::state
