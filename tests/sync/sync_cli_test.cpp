// `custbridge sync` as a user runs it: a local store carried to a Nuvemshop emulator.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <rapidjson/document.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <set>
#include <thread>

#include "common/crypto.hpp"
#include "gateway/backends/local/sqlite_store.hpp"
#include "gateway/state/database.hpp"
#include "sync/sync_state.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/sync/store_under_test.hpp"

namespace custbridge::sync {
namespace {

using custbridge::testing::run_command;
using ::testing::HasSubstr;

const std::string bin = CUSTBRIDGE_BINARY_PATH;

// Starts `argv` (a migration), waits until the target holds more than `before`
// customers (the run is writing), lets it run a random 0-`spread_ms` more, then kills it
// with SIGKILL. Returns how many customers the target holds after the kill.
std::size_t kill_mid_run(const std::vector<std::string>& argv, const std::function<std::size_t()>& carried,
                         std::size_t before, std::mt19937& random, int spread_ms) {
  custbridge::testing::child_process child(argv);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (carried() <= before && std::chrono::steady_clock::now() < give_up) {
    if (child.wait(std::chrono::milliseconds(0))) return carried();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::uniform_int_distribution<int> extra(0, spread_ms);
  const int delay = extra(random);
  std::this_thread::sleep_for(std::chrono::milliseconds(delay));
  child.signal(SIGKILL);
  child.wait(std::chrono::seconds(10));
  const auto after = carried();
  std::cerr << "killed " << delay << " ms after the first new write: " << after << " carried\n";
  return after;
}

class SyncCli : public ::testing::Test {
 protected:
  SyncCli() {
    std::filesystem::create_directories(dir);
    std::ofstream(config) << "state: {sqlite_path: state.db}\n"
                             "stores:\n"
                             "  src: {backend: local}\n"
                             "  dst:\n"
                             "    backend: nuvemshop\n"
                             "    base_url: "
                          << emulator.base_url()
                          << "\n"
                             "    access_token: "
                          << emulator.stores().at(0).access_token
                          << "\n"
                             "    user_agent: \"custbridge-tests (dev@custbridge.invalid)\"\n"
                             "api_keys: []\n";
  }
  ~SyncCli() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  // Customers in the local store `src` of the config's state file.
  void seed_source(std::vector<domain::customer_create> customers) {
    auto db = std::make_shared<state::database>((dir / "state.db").string());
    backends::sqlite_store store(db);
    for (const auto& c : customers) {
      auto made = store.create_sync("src", c);
      if (!made) throw std::runtime_error(made.error().message);
    }
  }
  custbridge::testing::command_result sync(std::vector<std::string> args) {
    args.insert(args.begin(), {bin, "sync"});
    return run_command(args);
  }
  std::vector<std::string> target_emails() {
    auto r = custbridge::testing::http_request(emulator.port(), "GET", "/__emulator/dump");
    rapidjson::Document doc;
    doc.Parse(r.body.c_str(), r.body.size());
    std::vector<std::string> out;
    for (const auto& c : doc["stores"][0]["customers"].GetArray()) out.push_back(c["email"].GetString());
    return out;
  }
  std::int64_t target_writes() {
    auto r = custbridge::testing::http_request(emulator.port(), "GET", "/__emulator/stats");
    rapidjson::Document doc;
    doc.Parse(r.body.c_str(), r.body.size());
    std::int64_t n = 0;
    for (const auto& route : doc["routes"].GetArray()) {
      const std::string name = route["route"].GetString();
      if (!name.starts_with("GET ")) n += route["count"].GetInt64();
    }
    return n;
  }

  custbridge::testing::emulator_process emulator{CUSTBRIDGE_EMULATOR_PATH, "nuvemshop",
                                                 {"--customers", "0", "--rate-scale", "0"}};
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("cb-sync-cli-" + random_alnum(8));
  const std::string config = (dir / "gateway.yaml").string();
};

TEST_F(SyncCli, UsageAndConfigErrorsExit2) {
  EXPECT_EQ(sync({}).exit_code, 2);
  EXPECT_EQ(sync({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(sync({"migrate", "--from", "src", "--to", "dst"}).exit_code, 2) << "no --config";
  EXPECT_EQ(sync({"migrate", "--config", config, "--to", "dst"}).exit_code, 2) << "no --from";
  auto unknown = sync({"migrate", "--config", config, "--from", "nope", "--to", "dst"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("'nope' is not a store"));
  EXPECT_EQ(sync({"migrate", "--config", config, "--from", "src", "--to", "src"}).exit_code, 2);
  EXPECT_EQ(sync({"migrate", "--config", config, "--from", "src", "--to", "dst", "--deletes", "maybe"}).exit_code, 2);
  auto follow = sync({"run", "--config", config, "--from", "src", "--to", "dst", "--follow"});
  EXPECT_EQ(follow.exit_code, 2);
  EXPECT_THAT(follow.err, HasSubstr("not built yet"));
  EXPECT_EQ(sync({"status", "--config", (dir / "missing.yaml").string()}).exit_code, 2);
  EXPECT_EQ(sync({"report", "42", "--config", config}).exit_code, 2) << "no such run";
  auto help = sync({"migrate", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--follow and --interval (keep polling)\n         are not built yet"));
}

TEST_F(SyncCli, MigrateThenStatusAndReport) {
  seed_source(testing::sample_customers(12, "cli"));
  auto r = sync({"migrate", "--config", config, "--from", "src", "--to", "dst", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  rapidjson::Document doc;
  doc.Parse(r.out.c_str(), r.out.size());
  ASSERT_FALSE(doc.HasParseError()) << r.out;
  EXPECT_EQ(doc["counts"]["created"].GetInt(), 12);
  EXPECT_EQ(std::string(doc["status"].GetString()), "ok");
  EXPECT_GT(doc["counts"]["fieldsNotCarried"].GetInt(), 0) << "Nuvemshop cannot write marketingOptIn";
  EXPECT_THAT(r.err, HasSubstr(R"({"event":"sync_page","job":"src->dst")"));
  const auto run = std::to_string(doc["run"].GetInt64());
  EXPECT_EQ(target_emails().size(), 12u);

  auto text = sync({"report", run, "--config", config});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_THAT(text.out, HasSubstr("created 12"));
  EXPECT_THAT(text.out, HasSubstr("not_carried"));
  EXPECT_THAT(text.out, HasSubstr("marketingOptIn"));

  auto status = sync({"status", "--config", config, "--json"});
  EXPECT_EQ(status.exit_code, 0);
  rapidjson::Document s;
  s.Parse(status.out.c_str(), status.out.size());
  ASSERT_FALSE(s.HasParseError()) << status.out;
  EXPECT_EQ(std::string(s["jobs"][0]["job"].GetString()), "src->dst");
  EXPECT_EQ(s["jobs"][0]["links"].GetInt(), 12);
  EXPECT_TRUE(s["jobs"][0]["passComplete"].GetBool());

  const auto writes = target_writes();
  auto again = sync({"run", "--config", config, "--from", "src", "--to", "dst"});
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_THAT(again.out, HasSubstr("changes read 0"));
  EXPECT_EQ(target_writes(), writes);
}

TEST_F(SyncCli, ADryRunPrintsThePlanAndWritesNothing) {
  seed_source(testing::sample_customers(4, "dry"));
  auto r = sync({"migrate", "--config", config, "--from", "src", "--to", "dst", "--dry-run"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("create "));
  EXPECT_THAT(r.out, HasSubstr("dry run"));
  EXPECT_EQ(target_writes(), 0);
  EXPECT_TRUE(target_emails().empty());
  auto status = sync({"status", "--config", config});
  EXPECT_THAT(status.out, HasSubstr("0 link(s)"));
  EXPECT_THAT(status.out, HasSubstr("not started"));
}

TEST_F(SyncCli, ACustomerTheTargetRefusesExits1AndIsNamed) {
  auto customers = testing::sample_customers(3, "dl");
  customers[1].name.reset();  // Nuvemshop requires a name
  seed_source(customers);
  auto r = sync({"migrate", "--config", config, "--from", "src", "--to", "dst"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("dead letters 1"));
  EXPECT_THAT(r.out, HasSubstr("dead_letter"));
  EXPECT_EQ(target_emails().size(), 2u);
  auto status = sync({"status", "--config", config});
  EXPECT_THAT(status.out, HasSubstr("dead letter"));
  EXPECT_THAT(status.out, HasSubstr("name"));
}

TEST_F(SyncCli, KilledAtRandomPointsAndResumedItLeavesNoDuplicateAndNoneMissing) {
  constexpr int n = 300;
  seed_source(testing::sample_customers(n, "crash"));
  std::random_device rd;
  std::mt19937 random(rd());
  const std::vector<std::string> migrate{bin, "sync", "migrate", "--config", config, "--from", "src", "--to", "dst"};
  int interrupted = 0;  // rounds killed with part of the customers carried
  std::size_t carried = 0;
  for (int round = 0; round < 5 && carried < static_cast<std::size_t>(n); ++round) {
    carried = kill_mid_run(migrate, [this] { return target_emails().size(); }, carried, random, 150);
    if (carried > 0 && carried < static_cast<std::size_t>(n)) ++interrupted;
  }
  EXPECT_GT(interrupted, 0) << "no kill landed in the middle of a migration";
  auto done = sync({"migrate", "--config", config, "--from", "src", "--to", "dst"});
  ASSERT_EQ(done.exit_code, 0) << done.out << done.err;
  const auto emails = target_emails();
  std::set<std::string> unique;
  for (const auto& e : emails) EXPECT_TRUE(unique.insert(fold_email(e)).second) << "duplicate " << e;
  EXPECT_EQ(emails.size(), static_cast<std::size_t>(n)) << "missing or extra customers";
  for (const auto& c : testing::sample_customers(n, "crash"))
    EXPECT_TRUE(unique.count(fold_email(c.email))) << c.email << " missing";
  auto status = sync({"status", "--config", config, "--json"});
  EXPECT_THAT(status.out, HasSubstr(R"("links":300)"));
  EXPECT_THAT(status.out, HasSubstr(R"("deadLetters":[])"));
}

std::vector<std::string> dump_emails(custbridge::testing::emulator_process& emulator) {
  auto r = custbridge::testing::http_request(emulator.port(), "GET", "/__emulator/dump");
  rapidjson::Document doc;
  doc.Parse(r.body.c_str(), r.body.size());
  std::vector<std::string> out;
  for (const auto& c : doc["stores"][0]["customers"].GetArray()) out.push_back(c["email"].GetString());
  return out;
}

// Platform to platform, with both emulators' rate limits on (scaled 100x).
TEST(SyncCliPlatforms, NuvemshopToBigCommerceV3KilledAndResumedLeavesNoDuplicateAndNoneMissing) {
  constexpr int n = 300;
  custbridge::testing::emulator_process source{CUSTBRIDGE_EMULATOR_PATH, "nuvemshop", {"--customers", "0", "--rate-scale", "100"}};
  custbridge::testing::emulator_process target{CUSTBRIDGE_EMULATOR_PATH, "bigcommerce", {"--customers", "0", "--rate-scale", "100"}};
  auto seeded = custbridge::testing::http_request(source.port(), "POST", "/__emulator/seed?customers=300&seed=5");
  ASSERT_EQ(seeded.status, 200);
  const auto dir = std::filesystem::temp_directory_path() / ("cb-sync-cli-" + random_alnum(8));
  std::filesystem::create_directories(dir);
  const auto config = (dir / "gateway.yaml").string();
  std::ofstream(config) << "state: {sqlite_path: state.db}\n"
                           "stores:\n"
                           "  ns:\n"
                           "    backend: nuvemshop\n"
                           "    base_url: " << source.base_url() << "\n"
                           "    access_token: " << source.stores().at(0).access_token << "\n"
                           "    user_agent: \"custbridge-tests (dev@custbridge.invalid)\"\n"
                           "  bc:\n"
                           "    backend: bigcommerce_v3\n"
                           "    base_url: " << target.base_url() << "\n"
                           "    access_token: " << target.stores().at(0).access_token << "\n"
                           "api_keys: []\n";
  const std::vector<std::string> migrate{bin, "sync", "migrate", "--config", config, "--from", "ns", "--to", "bc"};
  std::random_device rd;
  std::mt19937 random(rd());
  int interrupted = 0;
  std::size_t carried = 0;
  for (int round = 0; round < 4 && carried < static_cast<std::size_t>(n); ++round) {
    carried = kill_mid_run(migrate, [&target] { return dump_emails(target).size(); }, carried, random, 400);
    if (carried > 0 && carried < static_cast<std::size_t>(n)) ++interrupted;
  }
  EXPECT_GT(interrupted, 0) << "no kill landed in the middle of a migration";
  auto done = run_command(migrate);
  ASSERT_EQ(done.exit_code, 0) << done.out << done.err;
  std::set<std::string> on_target;
  for (const auto& e : dump_emails(target)) EXPECT_TRUE(on_target.insert(fold_email(e)).second) << "duplicate " << e;
  std::set<std::string> on_source;
  for (const auto& e : dump_emails(source)) on_source.insert(fold_email(e));
  EXPECT_EQ(on_source.size(), static_cast<std::size_t>(n));
  EXPECT_EQ(on_target, on_source) << "missing or extra customers";
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

}  // namespace
}  // namespace custbridge::sync
