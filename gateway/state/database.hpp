#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace custbridge::state {

// One part of the database with its own tables and its own migrations: the gateway's
// state (gateway_schema()), the local customer store (its own folder), and so on. Each
// is versioned on its own in the `schema_versions` table, so each can change without
// the others, even while they share one file.
struct schema {
  std::string_view name;
  // Entry i moves the schema from version i to i + 1. Never edit a shipped entry: append.
  std::span<const char* const> migrations;
};

// The gateway's own records: idempotency keys (id links, cursors and the outbox later).
const schema& gateway_schema();

// The gateway's SQLite state file. Opening it applies the gateway schema's pending
// migrations; a store kept in the same file applies its own with migrate(). One
// connection in WAL mode; callers hold mutex() around each use, so it is safe from every
// thread, and other processes may open the same file concurrently (busy timeout 5 s).
class database {
 public:
  // Throws std::runtime_error if the file cannot be opened or migrated (start-up only).
  explicit database(const std::string& path);
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  sqlite3* handle() { return db_; }
  std::mutex& mutex() { return mutex_; }

  // Applies the schema's pending migrations, each in its own transaction. Throws
  // std::runtime_error if the file holds a newer version than `s` knows.
  void migrate(const schema& s);
  // The schema's applied version (0 when none).
  int schema_version(std::string_view name);

 private:
  void adopt_single_version();

  std::string path_;
  std::mutex mutex_;
  sqlite3* db_ = nullptr;
};

// Runs SQL without results. Throws std::runtime_error on failure (a bug tier error).
void exec(sqlite3* db, const char* sql);

// A prepared statement that finalizes itself. Binding is 1-based, as in SQLite.
class statement {
 public:
  statement(sqlite3* db, std::string_view sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr) != SQLITE_OK)
      throw std::runtime_error(std::string("sqlite prepare: ") + sqlite3_errmsg(db));
  }
  ~statement() { sqlite3_finalize(stmt_); }
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  statement& bind(int i, std::string_view v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  statement& bind(int i, const std::optional<std::string>& v) {
    if (v)
      bind(i, std::string_view(*v));
    else
      sqlite3_bind_null(stmt_, i);
    return *this;
  }
  statement& bind(int i, std::int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }

  // True while there is a row; throws on errors other than constraint violations,
  // which it reports through `constraint_failed`.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    if (rc == SQLITE_CONSTRAINT) {
      constraint_failed = true;
      return false;
    }
    throw std::runtime_error(std::string("sqlite step: ") + sqlite3_errmsg(db_));
  }
  void run() {
    while (step()) {
    }
  }

  std::string text(int col) const {
    auto p = sqlite3_column_text(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }
  std::optional<std::string> optional_text(int col) const {
    if (sqlite3_column_type(stmt_, col) == SQLITE_NULL) return std::nullopt;
    return text(col);
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }

  bool constraint_failed = false;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Rolls back unless committed, so an early return or exception never leaves a transaction open.
class transaction {
 public:
  explicit transaction(sqlite3* db) : db_(db) { exec(db_, "BEGIN IMMEDIATE"); }
  ~transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    exec(db_, "COMMIT");
    done_ = true;
  }

 private:
  sqlite3* db_;
  bool done_ = false;
};

}  // namespace custbridge::state
