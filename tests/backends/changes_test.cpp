// changes(cursor, limit) on each kind of store, built as the gateway builds them: the
// local SQLite store, and make_platform_backend against a real cb-emulator for
// Nuvemshop, BigCommerce V3 and V2 (tests/backends/store_fixture.hpp). Same scenarios,
// same expectations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/crypto.hpp"
#include "common/timestamp.hpp"
#include "gateway/backends/change_cursor.hpp"
#include "gateway/backends/local/sqlite_store.hpp"
#include "gateway/state/database.hpp"
#include "tests/backends/store_fixture.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/http_client.hpp"

namespace custbridge::backends {
namespace {

using ::testing::HasSubstr;

const std::string store_id = "store-feed";

// One store under test, its io thread, and the emulator behind it when it is a platform's.
class feed_store {
 public:
  explicit feed_store(std::string backend) : backend_name_(std::move(backend)) {
    if (backend_name_ == "local") {
      dir_ = std::filesystem::temp_directory_path() / ("cb-feed-" + random_alnum(10));
      std::filesystem::create_directories(dir_);
      open_local();
      return;
    }
    emulator_ = testing_stores::start_emulator(backend_name_, {"--customers", "0", "--rate-scale", "100"});
    fixture_.add(testing_stores::emulator_store_config(*emulator_, backend_name_, store_id));
  }
  ~feed_store() {
    local_.reset();
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  const std::string& name() const { return backend_name_; }
  customer_backend& backend() { return local_ ? *local_ : fixture_.backend(); }
  testing::emulator_process* emulator() { return emulator_.get(); }

  // A new sqlite_store (and database connection) on the same file.
  void reopen_local() {
    local_.reset();
    open_local();
  }

  template <class T>
  T run(boost::asio::awaitable<T> op) {
    return fixture_.run(std::move(op));
  }
  request_context rc() const { return {store_id, "feed-test"}; }

  // `n` customers: the emulator's seeded ones (spread over the past year), or creates.
  void seed(int n) {
    if (emulator_) {
      auto r = testing::http_request(emulator_->port(), "POST", "/__emulator/seed?customers=" + std::to_string(n) + "&seed=7");
      if (r.status != 200) throw std::runtime_error("seed answered " + std::to_string(r.status));
      return;
    }
    for (int i = 0; i < n; ++i) create("seeded" + std::to_string(i) + "@example.com", "Seeded Person");
  }
  std::string create(const std::string& email, const std::string& name) {
    domain::customer_create in;
    in.email = email;
    in.name = name;
    auto c = run(backend().create(rc(), in));
    if (!c) throw std::runtime_error("create failed: " + c.error().message);
    return c->id;
  }
  domain::customer rename(const std::string& id, const std::string& name) {
    domain::customer_patch p;
    p.name.set(name);
    auto c = run(backend().update(rc(), id, p));
    if (!c) throw std::runtime_error("update failed: " + c.error().message);
    return *c;
  }
  std::vector<std::string> all_ids() {
    std::vector<std::string> out;
    for (std::int64_t offset = 0;; offset += 50) {
      domain::list_query q;
      q.offset = offset;
      q.descending = false;
      auto page = run(backend().list(rc(), q));
      if (!page) throw std::runtime_error("list failed: " + page.error().message);
      for (auto& c : page->items) out.push_back(c.id);
      if (page->items.size() < 50) return out;
    }
  }
  domain::result<change_page> changes(const std::string& cursor, int limit) {
    return run(backend().changes(rc(), cursor, limit));
  }

 private:
  void open_local() {
    auto db = std::make_shared<state::database>((dir_ / "state.db").string());
    local_ = std::make_shared<sqlite_store>(db);
  }

  std::string backend_name_;
  std::filesystem::path dir_;
  std::unique_ptr<testing::emulator_process> emulator_;
  testing_stores::store_fixture fixture_;     // the platform store, and the io thread of every kind
  std::shared_ptr<customer_backend> local_;  // the local store, when that is the kind
};

// What a reader saw: every change in delivery order.
struct feed_reader {
  feed_store& store;
  std::string cursor;
  std::vector<customer_change> seen;

  // One read; fails the test on an error.
  change_page read(int limit) {
    auto page = store.changes(cursor, limit);
    EXPECT_TRUE(page) << (page ? "" : page.error().message);
    if (!page) throw std::runtime_error("changes failed");
    EXPECT_LE(page->changes.size(), static_cast<std::size_t>(limit));
    for (std::size_t i = 1; i < page->changes.size(); ++i)
      EXPECT_LE(page->changes[i - 1].changed_at, page->changes[i].changed_at) << "changed_at goes back within a page";
    for (auto& c : page->changes) seen.push_back(c);
    cursor = page->next_cursor;
    return *page;
  }
  // Reads until a read finds nothing (a store walking passes may end one with has_more
  // false and find more in the next); returns how many changes it read.
  std::size_t drain(int limit) {
    const auto before = seen.size();
    for (int i = 0; i < 1000; ++i) {
      auto page = read(limit);
      if (page.changes.empty() && !page.has_more) return seen.size() - before;
    }
    ADD_FAILURE() << "the feed never caught up";
    return seen.size() - before;
  }
  std::vector<std::string> names_of(const std::string& id) const {
    std::vector<std::string> out;
    for (const auto& c : seen)
      if (c.id == id && c.customer) out.push_back(c.customer->name.value_or(""));
    return out;
  }
};

// Sleeps to just past the next whole second of the system clock, which stamps the
// emulators' timestamps: what follows then runs at the start of a fresh second.
void start_of_next_second() {
  const auto now = std::chrono::system_clock::now();
  const auto next = std::chrono::ceil<std::chrono::seconds>(now + std::chrono::milliseconds(1));
  std::this_thread::sleep_until(next + std::chrono::milliseconds(20));
}

std::chrono::sys_seconds second_of(const std::string& iso) {
  auto t = parse_iso8601(iso);
  if (!t) throw std::runtime_error("not a timestamp: " + iso);
  return std::chrono::floor<std::chrono::seconds>(*t);
}

class Changes : public ::testing::TestWithParam<std::string> {
 protected:
  feed_store store{GetParam()};
};

TEST_P(Changes, TheStoreDeclaresItsFeed) {
  const auto& caps = store.backend().capabilities();
  EXPECT_TRUE(caps.change_feed) << caps.change_feed.reason;
  EXPECT_EQ(caps.changes_report_deletes, GetParam() == "local");
}

TEST_P(Changes, DrainFromTheStartDeliversEveryCustomerOnce) {
  store.seed(23);
  feed_reader reader{store, "", {}};
  const auto n = reader.drain(5);
  std::multiset<std::string> delivered;
  for (const auto& c : reader.seen) {
    EXPECT_FALSE(c.deleted);
    ASSERT_TRUE(c.customer);
    EXPECT_EQ(c.customer->id, c.id);
    EXPECT_FALSE(c.changed_at.empty());
    delivered.insert(c.id);
  }
  const auto ids = store.all_ids();
  EXPECT_EQ(n, ids.size());
  EXPECT_EQ(delivered, std::multiset<std::string>(ids.begin(), ids.end()));
  EXPECT_EQ(reader.drain(5), 0u) << "a caught-up feed stays quiet";
}

TEST_P(Changes, EditsWithinOneSecondAreEachDeliveredOnce) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(store.create("same" + std::to_string(i) + "@example.com", "Person Number" + std::to_string(i)));
  feed_reader reader{store, "", {}};
  reader.drain(2);
  ASSERT_EQ(reader.seen.size(), 5u);
  reader.seen.clear();

  start_of_next_second();
  store.rename(ids[1], "One Alpha");
  store.rename(ids[3], "Three Alpha");
  reader.read(2);
  store.rename(ids[1], "One Beta");
  store.rename(ids[0], "Zero Alpha");
  reader.read(2);
  store.rename(ids[4], "Four Alpha");
  reader.read(2);
  reader.drain(2);

  const std::map<std::string, std::string> final_names{
      {ids[0], "Zero Alpha"}, {ids[1], "One Beta"}, {ids[3], "Three Alpha"}, {ids[4], "Four Alpha"}};
  for (const auto& [id, final_name] : final_names) {
    const auto names = reader.names_of(id);
    ASSERT_FALSE(names.empty()) << final_name << " was never delivered";
    EXPECT_EQ(names.back(), final_name) << "the last delivery is the customer as it is now";
    for (std::size_t i = 1; i < names.size(); ++i) EXPECT_NE(names[i - 1], names[i]) << final_name << " repeated";
  }
  EXPECT_LE(reader.names_of(ids[1]).size(), 2u);
  EXPECT_TRUE(reader.names_of(ids[2]).empty()) << "an unchanged customer is not delivered again";

  // Edited again after it was delivered, within the same second where the platform
  // manages it: delivered once more, and only that.
  store.rename(ids[3], "Three Beta");
  reader.seen.clear();
  EXPECT_EQ(reader.drain(2), 1u);
  ASSERT_EQ(reader.seen.size(), 1u);
  EXPECT_EQ(reader.seen[0].id, ids[3]);
  EXPECT_EQ(reader.names_of(ids[3]), std::vector<std::string>{"Three Beta"});
}

TEST_P(Changes, ASmallIdEditedWhileAPassWalksLargerIdsIsNotMissed) {
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) ids.push_back(store.create("pass" + std::to_string(i) + "@example.com", "Pass Person" + std::to_string(i)));
  feed_reader reader{store, "", {}};
  reader.drain(10);
  reader.seen.clear();

  store.rename(ids[3], "Three Edited");
  store.rename(ids[4], "Four Edited");
  reader.read(1);  // a pass is now under way, past the small ids
  const auto small = store.rename(ids[0], "Zero Edited");
  start_of_next_second();
  const auto later = store.rename(ids[5], "Five Edited");
  ASSERT_LT(second_of(small.updated_at), second_of(later.updated_at));
  reader.drain(1);

  for (int i : {0, 3, 4, 5}) {
    const auto names = reader.names_of(ids[static_cast<std::size_t>(i)]);
    EXPECT_EQ(names.size(), 1u) << "customer " << i;
  }
  EXPECT_EQ(reader.names_of(ids[0]), std::vector<std::string>{"Zero Edited"});
  EXPECT_TRUE(reader.names_of(ids[1]).empty());
}

TEST_P(Changes, ForeignGarbledAndTruncatedCursorsAndBadLimitsAreBadRequest) {
  store.create("cursor@example.com", "Cursor Person");
  auto first = store.changes("", 1);
  ASSERT_TRUE(first) << first.error().message;
  const auto good = first->next_cursor;
  ASSERT_THAT(good, ::testing::StartsWith("v1."));

  const std::string other_backend = GetParam() == "local" ? "nuvemshop" : "local";
  std::vector<std::string> bad{"garbage",
                               "v1",
                               good.substr(0, good.size() - 1),
                               good.substr(0, good.size() / 2),
                               good + "0",
                               good + ".",
                               make_cursor(other_backend, store_id, {"5"}),
                               make_cursor(GetParam(), "another-store", {"5"}),
                               make_cursor(GetParam(), store_id, {"5", "6", "7", "8", "9", "10"}),
                               "v2" + good.substr(2)};
  std::string flipped = good;
  flipped[good.size() / 2] = flipped[good.size() / 2] == 'a' ? 'b' : 'a';
  bad.push_back(flipped);
  std::string with_nul = good;
  with_nul.insert(with_nul.begin() + 4, '\0');
  bad.push_back(with_nul);
  for (const auto& cursor : bad) {
    auto r = store.changes(cursor, 10);
    ASSERT_FALSE(r) << "accepted cursor '" << cursor << "'";
    EXPECT_EQ(r.error().kind, domain::error_kind::bad_request) << cursor;
    EXPECT_THAT(r.error().message, HasSubstr("cursor")) << cursor;
  }
  for (int limit : {0, -1, 251}) {
    auto r = store.changes("", limit);
    ASSERT_FALSE(r) << "limit " << limit;
    EXPECT_EQ(r.error().kind, domain::error_kind::bad_request);
    EXPECT_THAT(r.error().message, HasSubstr("limit"));
  }
  EXPECT_TRUE(store.changes(good, 250)) << "the good cursor still works";
  EXPECT_TRUE(store.changes("", 1));
}

TEST_P(Changes, AnAddressOnlyEditIsAChange) {
  const auto id = store.create("addr@example.com", "Addr Person");
  feed_reader reader{store, "", {}};
  reader.drain(10);
  reader.seen.clear();
  domain::customer_patch p;
  domain::address_input a;
  a.first_name.set("Addr");
  a.last_name.set("Person");
  a.address1.set("1 First St");
  a.city.set("Springfield");
  a.region.set("IL");
  a.postal_code.set("62701");
  a.country.set("US");
  p.addresses = std::vector<domain::address_input>{a};
  auto updated = store.run(store.backend().update(store.rc(), id, p));
  ASSERT_TRUE(updated) << updated.error().message;
  EXPECT_EQ(reader.drain(10), 1u);
  ASSERT_EQ(reader.seen.size(), 1u);
  ASSERT_TRUE(reader.seen[0].customer);
  ASSERT_EQ(reader.seen[0].customer->addresses.size(), 1u);
  EXPECT_EQ(reader.seen[0].customer->addresses[0].city, "Springfield");
}

INSTANTIATE_TEST_SUITE_P(AllStores, Changes, ::testing::Values("local", "nuvemshop", "bigcommerce_v3", "bigcommerce_v2"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(LocalChanges, DeletesAreDeliveredAndTheCursorSurvivesReopening) {
  feed_store store("local");
  const auto keep = store.create("keep@example.com", "Keep Person");
  const auto gone = store.create("gone@example.com", "Gone Person");
  feed_reader reader{store, "", {}};
  EXPECT_EQ(reader.drain(10), 2u);

  ASSERT_TRUE(store.run(store.backend().remove(store.rc(), gone)));
  store.rename(keep, "Keep Renamed");
  store.reopen_local();
  reader.seen.clear();
  EXPECT_EQ(reader.drain(1), 2u);
  ASSERT_EQ(reader.seen.size(), 2u);
  EXPECT_EQ(reader.seen[0].id, gone);
  EXPECT_TRUE(reader.seen[0].deleted);
  EXPECT_FALSE(reader.seen[0].customer);
  EXPECT_FALSE(reader.seen[0].changed_at.empty());
  EXPECT_EQ(reader.seen[1].id, keep);
  EXPECT_FALSE(reader.seen[1].deleted);
  EXPECT_EQ(reader.seen[1].customer->name, "Keep Renamed");

  // A cursor from a longer history (another database) is ahead of this one: refused.
  store.reopen_local();
  auto ahead = store.changes(make_cursor("local", store_id, {"999"}), 10);
  ASSERT_FALSE(ahead);
  EXPECT_EQ(ahead.error().kind, domain::error_kind::bad_request);
}

TEST(LocalChanges, UpgradingADatabaseNumbersItsCustomersOldestChangeFirst) {
  const auto dir = std::filesystem::temp_directory_path() / ("cb-feed-" + random_alnum(10));
  std::filesystem::create_directories(dir);
  const auto path = (dir / "v2.db").string();
  {
    // The customers table as schema version 2 shipped it, with two customers and a tombstone.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    state::exec(db, R"sql(
CREATE TABLE customers (id TEXT PRIMARY KEY, store_id TEXT NOT NULL, email TEXT NOT NULL, email_folded TEXT NOT NULL,
  name TEXT, phone TEXT, marketing_opt_in INTEGER NOT NULL DEFAULT 0, default_address_id TEXT,
  metadata TEXT NOT NULL DEFAULT '{}', orders_count INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL, deleted_at TEXT);
CREATE TABLE addresses (id TEXT PRIMARY KEY, customer_id TEXT NOT NULL REFERENCES customers(id), position INTEGER NOT NULL,
  first_name TEXT, last_name TEXT, company TEXT, address1 TEXT NOT NULL, address2 TEXT, city TEXT NOT NULL, region TEXT,
  postal_code TEXT NOT NULL, country TEXT NOT NULL, phone TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE idempotency_keys (store_id TEXT NOT NULL, api_key TEXT NOT NULL, idempotency_key TEXT NOT NULL,
  fingerprint TEXT NOT NULL, status INTEGER, headers TEXT, body TEXT, created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (store_id, api_key, idempotency_key));
INSERT INTO customers (id, store_id, email, email_folded, created_at, updated_at, deleted_at) VALUES
  ('c-late', 'store-feed', 'late@example.com', 'late@example.com', '2024-01-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z', NULL),
  ('c-gone', 'store-feed', 'gone@example.com', 'gone@example.com', '2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z',
   '2024-02-01T00:00:00.000Z'),
  ('c-early', 'store-feed', 'early@example.com', 'early@example.com', '2024-01-01T00:00:00.000Z', '2024-01-15T00:00:00.000Z', NULL);
PRAGMA user_version = 2;
)sql");
    sqlite3_close(db);
  }
  auto db = std::make_shared<state::database>(path);
  EXPECT_EQ(db->schema_version("gateway_state"), 1);
  EXPECT_EQ(db->schema_version("local_customers"), 1) << "a version-2 file had the first customer tables";
  sqlite_store store(db);
  EXPECT_EQ(db->schema_version("local_customers"), 2) << "the store applies its own migrations";
  auto page = store.changes_sync(store_id, "", 10);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->changes.size(), 3u);
  EXPECT_EQ(page->changes[0].id, "c-early");
  EXPECT_EQ(page->changes[1].id, "c-gone");
  EXPECT_TRUE(page->changes[1].deleted);
  EXPECT_EQ(page->changes[2].id, "c-late");
  EXPECT_FALSE(page->has_more);
  // New writes continue after the numbered history.
  ASSERT_TRUE(store.update_sync(store_id, "c-early", [] {
    domain::customer_patch p;
    p.name.set("Early Renamed");
    return p;
  }()));
  auto next = store.changes_sync(store_id, page->next_cursor, 10);
  ASSERT_TRUE(next);
  ASSERT_EQ(next->changes.size(), 1u);
  EXPECT_EQ(next->changes[0].customer->name, "Early Renamed");
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

}  // namespace
}  // namespace custbridge::backends
