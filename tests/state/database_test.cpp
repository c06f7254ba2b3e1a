#include "gateway/state/database.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include "gateway/backends/local/local_schema.hpp"
#include "gateway/backends/local/sqlite_store.hpp"

namespace custbridge::state {
namespace {

std::string temp_db(const char* name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("cb-state-" + std::to_string(::getpid()) + "-" +
              std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

bool has_table(database& db, const char* name) {
  statement s(db.handle(), "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
  s.bind(1, name);
  return s.step();
}

TEST(StateDatabase, GatewayStateAndTheLocalStoreHaveTheirOwnSchemas) {
  const auto path = temp_db("fresh.db");
  {
    database db(path);
    EXPECT_EQ(db.schema_version("gateway_state"), 1);
    EXPECT_TRUE(has_table(db, "idempotency_keys"));
    EXPECT_FALSE(has_table(db, "customers")) << "the gateway's state does not create the store's tables";
  }
  auto db = std::make_shared<database>(path);
  backends::sqlite_store store(db);
  EXPECT_TRUE(has_table(*db, "customers"));
  EXPECT_EQ(db->schema_version("local_customers"), static_cast<int>(backends::local_store_schema().migrations.size()));
  EXPECT_EQ(db->schema_version("gateway_state"), 1);
}

TEST(StateDatabase, AFileFromTheSingleVersionEraKeepsItsDataAndIsNotMigratedTwice) {
  const auto path = temp_db("era.db");
  {
    auto db = std::make_shared<database>(path);
    backends::sqlite_store store(db);
    domain::customer_create in;
    in.email = "kept@example.com";
    ASSERT_TRUE(store.create_sync("s1", in));
    // Turn it back into what the single-version binary left: user_version 3, no table of versions.
    exec(db->handle(), "DROP TABLE schema_versions; PRAGMA user_version = 3;");
  }
  auto db = std::make_shared<database>(path);
  EXPECT_EQ(db->schema_version("local_customers"), 2);
  EXPECT_EQ(db->schema_version("gateway_state"), 1);
  backends::sqlite_store store(db);  // would fail on a second ALTER TABLE ... ADD COLUMN change_seq
  domain::list_query q;
  auto page = store.list_sync("s1", q);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->total, 1);
  EXPECT_EQ(page->items[0].email, "kept@example.com");
}

TEST(StateDatabase, ANewerSchemaThanTheBinaryKnowsIsRefusedByName) {
  const auto path = temp_db("newer.db");
  { database db(path); exec(db.handle(), "UPDATE schema_versions SET version = 9 WHERE name = 'gateway_state'"); }
  try {
    database db(path);
    FAIL() << "opened a database from a newer binary";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("gateway_state schema version 9, newer than this binary supports (1)"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace custbridge::state
