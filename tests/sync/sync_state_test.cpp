#include "sync/sync_state.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/crypto.hpp"
#include "gateway/state/database.hpp"
#include "sync/sync_schema.hpp"

namespace custbridge::sync {
namespace {

class SyncState : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(dir); }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  std::shared_ptr<state::database> open() { return std::make_shared<state::database>((dir / "state.db").string()); }

  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("cb-sync-state-" + random_alnum(8));
};

TEST_F(SyncState, MigratesItsOwnSchema) {
  auto db = open();
  sync_state s(db);
  EXPECT_EQ(db->schema_version("sync_state"), 1);
  sync_state again(open());
  EXPECT_EQ(db->schema_version("sync_state"), 1);
}

TEST_F(SyncState, APageCommitsItsLinksWithTheCursor) {
  sync_state s(open());
  s.ensure_job("a->b", "a", "b");
  EXPECT_FALSE(s.position("a->b"));
  const auto run = s.begin_run("a->b", "migrate", false);
  page_commit page;
  page.links = {{"s1", "t1", "h1"}, {"s2", "t2", "h2"}};
  page.dead = {{"s3", "refused", "VALIDATION_ERROR: x", 1, run, ""}};
  page.items = {{"dead_letter", "s3", "", "refused", "VALIDATION_ERROR: x"}};
  page.position = checkpoint{"cursor-1", false};
  s.commit_page("a->b", run, page);

  ASSERT_TRUE(s.position("a->b"));
  EXPECT_EQ(s.position("a->b")->cursor, "cursor-1");
  EXPECT_EQ(s.find_link("a->b", "s1")->target_id, "t1");
  EXPECT_EQ(s.source_of("a->b", "t2"), "s2");
  ASSERT_EQ(s.dead_letters("a->b").size(), 1u);

  page_commit second;
  second.settled = {"s3"};
  second.links = {{"s3", "t3", "h3"}};
  second.unlinked = {"s1"};
  second.position = checkpoint{"cursor-2", true};
  s.commit_page("a->b", run, second);
  EXPECT_TRUE(s.dead_letters("a->b").empty());
  EXPECT_FALSE(s.find_link("a->b", "s1"));
  EXPECT_TRUE(s.position("a->b")->pass_complete);

  s.finish_run(run, "ok", "{}", "");
  std::vector<run_item> items;
  s.for_each_item(run, [&](const run_item& i) { items.push_back(i); });
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].source_id, "s3");
  EXPECT_EQ(s.run(run)->status, "ok");
  ASSERT_EQ(s.jobs().size(), 1u);
  EXPECT_EQ(s.jobs()[0].links, 2);
}

TEST_F(SyncState, AFailedPageCommitLeavesNothing) {
  sync_state s(open());
  s.ensure_job("a->b", "a", "b");
  const auto run = s.begin_run("a->b", "migrate", false);
  page_commit first;
  first.links = {{"s1", "t1", "h1"}};
  s.commit_page("a->b", run, first);
  page_commit twice;
  twice.links = {{"s2", "t9", "h"}, {"s3", "t9", "h"}};
  twice.position = checkpoint{"c", false};
  EXPECT_THROW(s.commit_page("a->b", run, twice), std::runtime_error);
  EXPECT_FALSE(s.find_link("a->b", "s2"));
  EXPECT_FALSE(s.position("a->b"));
}

TEST_F(SyncState, TheEmailIndexRemembersClaims) {
  sync_state s(open());
  s.reset_email_index();
  s.add_target_emails({{fold_email("Ana@Example.com"), "t1"}});
  auto m = s.match_email("ana@example.com");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].source_id, "");
  s.claim_email("ana@example.com", "t1", "s1");
  s.claim_email("bo@example.com", "t2", "s2");
  EXPECT_EQ(s.match_email("ana@example.com")[0].source_id, "s1");
  EXPECT_EQ(s.match_email("bo@example.com")[0].target_id, "t2");
  s.reset_email_index();
  EXPECT_TRUE(s.match_email("ana@example.com").empty());
}

}  // namespace
}  // namespace custbridge::sync
