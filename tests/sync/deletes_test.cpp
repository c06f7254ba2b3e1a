// Deletes from the local store's tombstones, carried to a Nuvemshop emulator whose
// seeded customers with orders refuse to be deleted.
#include <gtest/gtest.h>

#include <filesystem>

#include "common/crypto.hpp"
#include "gateway/state/database.hpp"
#include "sync/engine.hpp"
#include "tests/sync/store_under_test.hpp"

namespace custbridge::sync {
namespace {

class Deletes : public ::testing::Test {
 protected:
  static std::filesystem::path fresh_dir() {
    auto d = std::filesystem::temp_directory_path() / ("cb-sync-deletes-" + random_alnum(8));
    std::filesystem::create_directories(d);
    return d;
  }
  ~Deletes() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  run_summary sync(bool full_pass, delete_policy deletes) {
    job_options o;
    o.source_store = "src";
    o.target_store = "dst";
    o.full_pass = full_pass;
    o.deletes = deletes;
    engine e(state, source.backend(), target.backend(), o);
    return io.run(e.run());
  }

  testing::io_thread io;
  testing::store_under_test source{io, "local", "src"};
  testing::store_under_test target{io, "nuvemshop", "dst"};
  const std::filesystem::path dir = fresh_dir();
  std::shared_ptr<sync_state> state =
      std::make_shared<sync_state>(std::make_shared<state::database>((dir / "state.db").string()));
};

TEST_F(Deletes, ReportedThenPropagatedAndARefusalIsReportedOnce) {
  target.seed(20);
  int with_orders = 0;
  for (const auto& c : target.all()) {
    if (c.orders_count > 0) ++with_orders;
    domain::customer_create same;
    same.email = c.email;
    same.name = c.name;
    source.create(same);
  }
  ASSERT_GT(with_orders, 0) << "the seed has customers with orders";
  auto linked = sync(true, delete_policy::report);
  EXPECT_EQ(linked.counts.linked, 20);
  EXPECT_EQ(linked.counts.created, 0);

  for (const auto& c : source.all()) source.remove(c.id);
  auto reported = sync(false, delete_policy::report);
  EXPECT_EQ(reported.status, "ok");
  EXPECT_EQ(reported.counts.deletes_reported, 20);
  EXPECT_EQ(target.all().size(), 20u);

  // A new full pass reads the tombstones again, and this time applies them.
  auto propagated = sync(true, delete_policy::propagate);
  EXPECT_EQ(propagated.status, "dead_letters");
  EXPECT_EQ(propagated.counts.deleted, 20 - with_orders);
  EXPECT_EQ(propagated.counts.dead_letters, with_orders);
  EXPECT_EQ(target.all().size(), static_cast<std::size_t>(with_orders));
  for (const auto& d : state->dead_letters("src->dst")) EXPECT_EQ(d.reason, "delete_refused") << d.last_error;

  target.mark_writes();
  const auto writes = target.writes();
  auto later = sync(false, delete_policy::propagate);
  EXPECT_EQ(later.counts.changes, 0);
  EXPECT_EQ(target.writes(), writes) << "a refused delete is not retried forever";
}

}  // namespace
}  // namespace custbridge::sync
