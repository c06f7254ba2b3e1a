// A migration through injected faults on the target (5xx, connection resets, 429
// storms) converges: every customer once, none twice.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "common/crypto.hpp"
#include "gateway/state/database.hpp"
#include "sync/engine.hpp"
#include "tests/sync/store_under_test.hpp"

namespace custbridge::sync {
namespace {

class Faults : public ::testing::TestWithParam<std::string> {
 protected:
  static std::filesystem::path fresh_dir() {
    auto d = std::filesystem::temp_directory_path() / ("cb-sync-faults-" + random_alnum(8));
    std::filesystem::create_directories(d);
    return d;
  }
  ~Faults() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  testing::io_thread io;
  testing::store_under_test source{io, "local", "src"};
  testing::store_under_test target{io, GetParam(), "dst",
                                   {"--error-rate", "0.1", "--reset-rate", "0.05", "--storm-rate", "0.01",
                                    "--storm-length", "5", "--fault-seed", "3"}};
  const std::filesystem::path dir = fresh_dir();
  std::shared_ptr<sync_state> state =
      std::make_shared<sync_state>(std::make_shared<state::database>((dir / "state.db").string()));
};

TEST_P(Faults, AMigrationConvergesAndCreatesNoCustomerTwice) {
  constexpr int n = 24;
  source.seed(n);
  job_options o;
  o.source_store = "src";
  o.target_store = "dst";
  o.page_size = 20;
  o.first_backoff = std::chrono::milliseconds(20);
  o.max_backoff = std::chrono::milliseconds(500);
  run_summary last;
  int runs = 0;
  for (; runs < 6; ++runs) {
    engine e(state, source.backend(), target.backend(), o);
    last = io.run(e.run());
    std::cerr << "run " << runs << ": " << last.status << " " << counts_json(last.counts) << " " << last.error << "\n";
    if (last.status == "ok") break;
  }
  EXPECT_EQ(last.status, "ok") << "after " << runs + 1 << " runs: " << last.error;
  std::set<std::string> emails;
  const auto all = target.all();
  for (const auto& c : all) EXPECT_TRUE(emails.insert(fold_email(c.email)).second) << "created twice: " << c.email;
  EXPECT_EQ(all.size(), static_cast<std::size_t>(n));
  for (const auto& c : source.all()) EXPECT_TRUE(emails.count(fold_email(c.email))) << c.email << " missing";
}

INSTANTIATE_TEST_SUITE_P(Targets, Faults, ::testing::Values("nuvemshop", "bigcommerce_v3"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace custbridge::sync
