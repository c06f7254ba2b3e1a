// The engine's semantics against in-memory stores, which can hold what no real store
// will (two customers with one email) and fail on cue.
#include "sync/engine.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "common/crypto.hpp"
#include "gateway/state/database.hpp"
#include "tests/sync/memory_store.hpp"
#include "tests/sync/store_under_test.hpp"

namespace custbridge::sync {
namespace {

using testing::memory_store;
using ::testing::HasSubstr;

domain::customer_create person(const std::string& email, const std::string& name) {
  domain::customer_create c;
  c.email = email;
  c.name = name;
  return c;
}

std::filesystem::path fresh_dir(const std::string& prefix) {
  auto dir = std::filesystem::temp_directory_path() / (prefix + random_alnum(8));
  std::filesystem::create_directories(dir);
  return dir;
}

domain::error error_of(domain::error_kind kind, std::string message = "injected") {
  return domain::make_error(kind, std::move(message));
}

class Engine : public ::testing::Test {
 protected:
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  run_summary sync(bool full_pass = true, delete_policy deletes = delete_policy::report, bool dry_run = false) {
    job_options o;
    o.source_store = "a";
    o.target_store = "b";
    o.full_pass = full_pass;
    o.deletes = deletes;
    o.dry_run = dry_run;
    o.page_size = 3;
    o.max_attempts = 3;
    o.first_backoff = std::chrono::milliseconds(1);
    engine e(state, source, target, o);
    return io.run(e.run());
  }
  std::vector<run_item> items(const run_summary& s, const std::string& kind) {
    std::vector<run_item> out;
    state->for_each_item(s.run_id, [&](const run_item& i) {
      if (i.kind == kind) out.push_back(i);
    });
    return out;
  }
  std::vector<domain::customer> with_email(const std::string& email) {
    std::vector<domain::customer> out;
    for (auto& c : target->all())
      if (fold_email(c.email) == fold_email(email)) out.push_back(c);
    return out;
  }

  const std::filesystem::path dir = fresh_dir("cb-sync-engine-");
  testing::io_thread io;
  std::shared_ptr<memory_store> source = std::make_shared<memory_store>();
  std::shared_ptr<memory_store> target = std::make_shared<memory_store>();
  std::shared_ptr<sync_state> state =
      std::make_shared<sync_state>(std::make_shared<state::database>((dir / "state.db").string()));
};

TEST_F(Engine, MigrateCreatesEveryCustomerAndLinksIt) {
  for (int i = 0; i < 7; ++i) source->add(person("p" + std::to_string(i) + "@example.com", "Person " + std::to_string(i)));
  auto s = sync();
  EXPECT_EQ(s.status, "ok");
  EXPECT_EQ(s.counts.created, 7);
  EXPECT_EQ(target->all().size(), 7u);
  for (const auto& c : source->all()) {
    auto link = state->find_link("a->b", c.id);
    ASSERT_TRUE(link);
    EXPECT_EQ(target->edit(link->target_id, {}).email, c.email);
  }
  EXPECT_TRUE(state->position("a->b")->pass_complete);
}

TEST_F(Engine, ARerunWritesNothingAndAnEditIsWrittenOnce) {
  for (int i = 0; i < 5; ++i) source->add(person("p" + std::to_string(i) + "@example.com", "Person"));
  sync();
  const int writes = target->write_count;
  auto again = sync();
  EXPECT_EQ(again.counts.unchanged, 5);
  EXPECT_EQ(target->write_count, writes);

  domain::customer_patch p;
  p.name.set("Renamed");
  source->edit(source->all()[2].id, p);
  auto incremental = sync(false);
  EXPECT_EQ(incremental.counts.changes, 1);
  EXPECT_EQ(incremental.counts.updated, 1);
  EXPECT_EQ(target->write_count, writes + 1);
  EXPECT_EQ(with_email("p2@example.com").at(0).name, "Renamed");
}

TEST_F(Engine, AnExistingTargetCustomerWithTheSameEmailInAnotherCaseIsLinkedAndUpdated) {
  target->add(person("ANA.Souza@Example.com", "Old Name"));
  source->add(person("ana.souza@example.com", "Ana Souza"));
  auto s = sync();
  EXPECT_EQ(s.counts.linked, 1);
  EXPECT_EQ(s.counts.created, 0);
  auto found = with_email("ana.souza@example.com");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].name, "Ana Souza");
  EXPECT_EQ(found[0].email, "ana.souza@example.com");
}

TEST_F(Engine, TwoSourceCustomersWithOneEmailAreAReportedConflict) {
  source->add(person("twin@example.com", "First Twin"));
  auto second = source->add(person("Twin@Example.com", "Second Twin"));
  source->add(person("other@example.com", "Other"));
  auto s = sync();
  EXPECT_EQ(s.status, "dead_letters");
  EXPECT_EQ(s.counts.created, 2);
  EXPECT_EQ(s.counts.conflicts, 1);
  EXPECT_EQ(with_email("twin@example.com").size(), 1u);
  auto dead = state->dead_letters("a->b");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].source_id, second.id);
  EXPECT_EQ(dead[0].reason, "duplicate_email");
  auto reported = items(s, "dead_letter");
  ASSERT_EQ(reported.size(), 1u);
  EXPECT_THAT(reported[0].detail, HasSubstr("same email"));

  auto again = sync();
  EXPECT_EQ(again.counts.conflicts, 1) << "still reported, never silently skipped";
  EXPECT_EQ(with_email("twin@example.com").size(), 1u) << "never duplicated";
}

TEST_F(Engine, RetryableErrorsAreRetriedThenDeadLettered) {
  source->add(person("retry@example.com", "Retry"));
  target->fail_writes = {error_of(domain::error_kind::unavailable), error_of(domain::error_kind::rate_limited)};
  auto s = sync();
  EXPECT_EQ(s.status, "ok");
  EXPECT_EQ(with_email("retry@example.com").size(), 1u);

  source->add(person("never@example.com", "Never"));
  for (int i = 0; i < 3; ++i) target->fail_writes.push_back(error_of(domain::error_kind::upstream_timeout));
  auto failed = sync(false);
  EXPECT_EQ(failed.status, "dead_letters");
  ASSERT_EQ(state->dead_letters("a->b").size(), 1u);
  EXPECT_EQ(state->dead_letters("a->b")[0].reason, "retries_exhausted");
  EXPECT_EQ(state->dead_letters("a->b")[0].attempts, 3);
  EXPECT_TRUE(with_email("never@example.com").empty());

  auto incremental = sync(false);
  EXPECT_EQ(incremental.status, "ok") << "a run tries its dead letters again";
  EXPECT_EQ(incremental.counts.created, 1);
  EXPECT_TRUE(state->dead_letters("a->b").empty());
  EXPECT_EQ(with_email("never@example.com").size(), 1u);
}

TEST_F(Engine, ReadsOfLinkedCustomersAreRetriedToo) {
  auto c = source->add(person("read@example.com", "Read"));
  sync();
  domain::customer_patch p;
  p.name.set("Read Again");
  source->edit(c.id, p);
  // Two failures for the page's read-ahead, two for the customer's own read.
  for (int i = 0; i < 4; ++i) target->fail_reads.push_back(error_of(domain::error_kind::unavailable));
  auto s = sync(false);
  EXPECT_EQ(s.status, "ok");
  EXPECT_EQ(s.counts.updated, 1);
  EXPECT_EQ(with_email("read@example.com").at(0).name, "Read Again");
}

TEST_F(Engine, ACustomerTheTargetRefusesIsADeadLetterAndTheOthersAreCarried) {
  source->add(person("a@example.com", "A"));
  source->add(person("refused@example.com", "B"));
  source->add(person("c@example.com", "C"));
  target->refuse_email["refused@example.com"] =
      domain::validation_failed({{"email", "is not allowed on this store"}});
  auto s = sync();
  EXPECT_EQ(s.status, "dead_letters");
  EXPECT_EQ(s.counts.created, 2);
  auto dead = state->dead_letters("a->b");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].reason, "refused");
  EXPECT_THAT(dead[0].last_error, HasSubstr("email: is not allowed"));
  EXPECT_TRUE(state->position("a->b")->pass_complete) << "a dead letter settles its change";
}

TEST_F(Engine, AFieldTheTargetRefusesIsDroppedAndReported) {
  auto c = person("phone@example.com", "Phone Person");
  c.phone = "not a phone";
  source->add(c);
  target->fail_writes = {domain::validation_failed({{"phone", "is not a phone number"}})};
  auto s = sync();
  EXPECT_EQ(s.status, "ok");
  EXPECT_EQ(s.counts.fields_not_carried, 1);
  auto dropped = items(s, "not_carried");
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].field, "phone");
  EXPECT_EQ(with_email("phone@example.com").at(0).phone, std::nullopt);
}

TEST_F(Engine, FieldsTheTargetCannotHoldAreReportedFromItsCapabilities) {
  backends::store_capabilities caps;
  caps.marketing_opt_in_writable = backends::capability::no("read-only here");
  caps.metadata_on_create = backends::capability::no("no metadata here");
  target = std::make_shared<memory_store>(caps);
  auto c = person("opt@example.com", "Opt In");
  c.marketing_opt_in = true;
  c.metadata = {{"k", "v"}};
  source->add(c);
  source->add(person("plain@example.com", "Plain"));
  auto s = sync();
  EXPECT_EQ(s.status, "ok");
  auto dropped = items(s, "not_carried");
  ASSERT_EQ(dropped.size(), 2u);
  EXPECT_EQ(dropped[0].field, "marketingOptIn");
  EXPECT_EQ(dropped[0].detail, "read-only here");
  EXPECT_EQ(dropped[1].field, "metadata");
}

TEST_F(Engine, AddressesAndTheDefaultAreCarried) {
  auto c = person("addr@example.com", "Addr");
  for (int i = 0; i < 3; ++i) {
    domain::address_input a;
    a.address1.set(std::to_string(i) + " Road");
    a.city.set("Town");
    a.postal_code.set("1000" + std::to_string(i));
    a.country.set("DE");
    if (i == 1) a.is_default = true;
    c.addresses.push_back(a);
  }
  auto src = source->add(c);
  sync();
  auto got = with_email("addr@example.com").at(0);
  ASSERT_EQ(got.addresses.size(), 3u);
  EXPECT_EQ(got.addresses[1].address1, "1 Road");
  EXPECT_EQ(got.default_address_id, got.addresses[1].id);

  domain::customer_patch p;
  std::vector<domain::address_input> one;
  domain::address_input keep;
  keep.id = src.addresses[2].id;
  keep.is_default = true;
  one.push_back(keep);
  p.addresses = one;
  source->edit(src.id, p);
  auto s = sync(false);
  EXPECT_EQ(s.counts.updated, 1);
  got = with_email("addr@example.com").at(0);
  ASSERT_EQ(got.addresses.size(), 1u);
  EXPECT_EQ(got.addresses[0].address1, "2 Road");
  EXPECT_EQ(got.default_address_id, got.addresses[0].id);
}

TEST_F(Engine, UnauthorizedStopsTheRunAndKeepsTheCheckpoint) {
  source->add(person("a@example.com", "A"));
  target->fail_writes = {error_of(domain::error_kind::unauthorized, "bad token")};
  auto s = sync();
  EXPECT_EQ(s.status, "aborted");
  EXPECT_THAT(s.error, HasSubstr("bad token"));
  EXPECT_FALSE(state->position("a->b"));
  EXPECT_EQ(sync().status, "ok");
  EXPECT_EQ(target->all().size(), 1u);
}

TEST_F(Engine, DeletesAreReportedPropagatedOrIgnored) {
  auto keep = source->add(person("keep@example.com", "Keep"));
  auto gone = source->add(person("gone@example.com", "Gone"));
  auto orders = source->add(person("orders@example.com", "Orders"));
  sync();
  source->erase(gone.id);
  auto reported = sync(false);
  EXPECT_EQ(reported.counts.deletes_reported, 1);
  EXPECT_EQ(items(reported, "delete_reported").at(0).source_id, gone.id);
  EXPECT_EQ(with_email("gone@example.com").size(), 1u);

  // The same delete again, now propagated (a new full pass sees the tombstone again).
  auto propagated = sync(true, delete_policy::propagate);
  EXPECT_EQ(propagated.counts.deleted, 1);
  EXPECT_TRUE(with_email("gone@example.com").empty());
  EXPECT_FALSE(state->find_link("a->b", gone.id));

  // A target that refuses (a customer with orders) is reported once, not retried forever.
  auto target_orders = with_email("orders@example.com").at(0);
  target->erase(target_orders.id);
  auto with_orders = person("orders@example.com", "Orders");
  with_orders.orders_count = 3;
  auto replacement = target->add(with_orders);
  page_commit relink;
  relink.links = {{orders.id, replacement.id, "stale"}};
  state->commit_page("a->b", propagated.run_id, relink);
  source->erase(orders.id);
  auto refused = sync(false, delete_policy::propagate);
  EXPECT_EQ(refused.status, "dead_letters");
  EXPECT_EQ(state->dead_letters("a->b").at(0).reason, "delete_refused");
  const int writes = target->write_count;
  auto later = sync(false, delete_policy::propagate);
  EXPECT_EQ(later.counts.changes, 0);
  EXPECT_EQ(target->write_count, writes);

  source->erase(keep.id);
  EXPECT_EQ(sync(false, delete_policy::ignore).counts.deletes_ignored, 1);
  EXPECT_EQ(with_email("keep@example.com").size(), 1u);
}

TEST_F(Engine, ADryRunPlansAndWritesNothing) {
  target->add(person("LINK@example.com", "Old"));
  source->add(person("link@example.com", "New"));
  source->add(person("new@example.com", "New Person"));
  auto s = sync(true, delete_policy::report, true);
  EXPECT_EQ(s.counts.created, 1);
  EXPECT_EQ(s.counts.linked, 1);
  EXPECT_EQ(target->write_count, 0);
  EXPECT_FALSE(state->position("a->b"));
  EXPECT_TRUE(state->jobs().at(0).links == 0);
  auto diffs = items(s, "link");
  ASSERT_EQ(diffs.size(), 2u);
  EXPECT_EQ(diffs[0].field, "email");
  EXPECT_EQ(diffs[1].field, "name");
  EXPECT_EQ(diffs[1].detail, "\"Old\" -> \"New\"");
  EXPECT_EQ(items(s, "create").size(), 1u);
}

}  // namespace
}  // namespace custbridge::sync
