// Every directed pair of the four backends: migrate a seeded source (addresses, opt-ins,
// metadata, orders) into a target that already holds one of its customers under an
// email in another case, then check the target against the source in canonical form.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "common/crypto.hpp"
#include "gateway/state/database.hpp"
#include "sync/engine.hpp"
#include "tests/sync/store_under_test.hpp"

namespace custbridge::sync {
namespace {

struct pair_param {
  std::string from;
  std::string to;
};

void PrintTo(const pair_param& p, std::ostream* os) { *os << p.from << " -> " << p.to; }

std::string show(const std::optional<std::string>& v) { return v ? "\"" + *v + "\"" : "null"; }

// The canonical form a test compares, written independently of the engine's own diff:
// field -> rendered value. Ids, timestamps and order counts aside.
std::map<std::string, std::string> canonical(const domain::customer& c) {
  std::map<std::string, std::string> out;
  out["email"] = fold_email(c.email);  // platforms lower-case emails; they match case-insensitively
  out["name"] = show(c.name);
  out["phone"] = show(c.phone);
  out["marketingOptIn"] = c.marketing_opt_in ? "true" : "false";
  std::string metadata;
  for (const auto& [k, v] : c.metadata) metadata += k + "=" + v + ";";
  out["metadata"] = metadata;
  out["defaultAddressId"] = "none";
  for (std::size_t i = 0; i < c.addresses.size(); ++i) {
    const auto& a = c.addresses[i];
    out["addresses[" + std::to_string(i) + "]"] = show(a.first_name) + show(a.last_name) + show(a.company) + a.address1 +
                                                  "|" + show(a.address2) + a.city + "|" + show(a.region) + a.postal_code +
                                                  "|" + a.country + show(a.phone);
    if (a.is_default || (c.default_address_id && *c.default_address_id == a.id))
      out["defaultAddressId"] = std::to_string(i);
  }
  return out;
}

// Whether the report's not-carried fields of one customer account for a difference in `field`.
bool reported(const std::vector<std::string>& not_carried, const std::string& field) {
  for (const auto& f : not_carried) {
    if (f == field || f.starts_with(field + ".") || f.starts_with(field + "[")) return true;
    if (field.starts_with("addresses[") && f == "addresses") return true;
    if (field == "defaultAddressId" && f.ends_with(".isDefault")) return true;
  }
  return false;
}

class Pairs : public ::testing::TestWithParam<pair_param> {
 protected:
  Pairs() : source(io, GetParam().from, "src"), target(io, GetParam().to, "dst") {}
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }

  run_summary migrate() {
    job_options o;
    o.source_store = "src";
    o.target_store = "dst";
    o.page_size = 7;
    o.first_backoff = std::chrono::milliseconds(50);
    engine e(state, source.backend(), target.backend(), o);
    return io.run(e.run());
  }

  static std::filesystem::path fresh_dir() {
    auto d = std::filesystem::temp_directory_path() / ("cb-sync-pairs-" + random_alnum(8));
    std::filesystem::create_directories(d);
    return d;
  }

  testing::io_thread io;
  testing::store_under_test source;
  testing::store_under_test target;
  const std::filesystem::path dir = fresh_dir();
  std::shared_ptr<sync_state> state =
      std::make_shared<sync_state>(std::make_shared<state::database>((dir / "state.db").string()));
};

TEST_P(Pairs, MigrateCarriesEverythingTheTargetCanHoldAndARerunWritesNothing) {
  constexpr int n = 18;
  source.seed(n);
  const auto source_customers = source.all();
  ASSERT_EQ(source_customers.size(), static_cast<std::size_t>(n));

  // Already on the target, under the same email in upper case and another name.
  const auto& known = source_customers[4];
  std::string shouted = known.email;
  for (auto& ch : shouted) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  domain::customer_create existing;
  existing.email = shouted;
  existing.name = "Someone Else";
  target.create(existing);

  auto first = migrate();
  std::map<std::string, std::vector<std::string>> not_carried;
  std::vector<std::string> dead;
  state->for_each_item(first.run_id, [&](const run_item& i) {
    if (i.kind == "not_carried") not_carried[i.source_id].push_back(i.field);
    if (i.kind == "dead_letter") dead.push_back(i.source_id + ": " + i.detail);
  });
  EXPECT_EQ(first.status, "ok") << first.error << ::testing::PrintToString(dead);
  EXPECT_EQ(first.counts.linked, 1);
  EXPECT_EQ(first.counts.created, n - 1);

  // The target equals the source in canonical form, apart from what the report lists.
  const auto target_customers = target.all();
  EXPECT_EQ(target_customers.size(), static_cast<std::size_t>(n)) << "no duplicates, none missing";
  std::map<std::string, const domain::customer*> by_id;
  std::set<std::string> emails;
  for (const auto& c : target_customers) {
    by_id[c.id] = &c;
    EXPECT_TRUE(emails.insert(fold_email(c.email)).second) << "duplicate " << c.email;
  }
  for (const auto& s : source_customers) {
    auto link = state->find_link("src->dst", s.id);
    ASSERT_TRUE(link) << s.email << " not linked";
    ASSERT_TRUE(by_id.count(link->target_id)) << s.email << " linked to a missing target customer";
    const auto want = canonical(s);
    const auto got = canonical(*by_id[link->target_id]);
    std::set<std::string> fields;
    for (const auto& [f, v] : want) fields.insert(f);
    for (const auto& [f, v] : got) fields.insert(f);
    for (const auto& f : fields) {
      const auto w = want.count(f) ? want.at(f) : "absent";
      const auto g = got.count(f) ? got.at(f) : "absent";
      if (w == g) continue;
      EXPECT_TRUE(reported(not_carried[s.id], f))
          << s.email << " " << f << ": source " << w << ", target " << g << ", not in the report";
    }
  }

  // Run again: a new full pass over the same source writes nothing.
  target.mark_writes();
  const auto writes = target.writes();
  auto second = migrate();
  EXPECT_EQ(second.status, "ok") << second.error;
  EXPECT_EQ(second.counts.created + second.counts.updated + second.counts.linked, 0);
  EXPECT_EQ(second.counts.unchanged, n);
  EXPECT_EQ(target.writes(), writes) << "a rerun wrote to the target";
  EXPECT_EQ(target.all().size(), static_cast<std::size_t>(n));
}

std::vector<pair_param> all_pairs() {
  const std::vector<std::string> backends{"local", "nuvemshop", "bigcommerce_v3", "bigcommerce_v2"};
  std::vector<pair_param> out;
  for (const auto& from : backends)
    for (const auto& to : backends)
      if (from != to || from == "local") out.push_back({from, to});
  return out;
}

INSTANTIATE_TEST_SUITE_P(AllPairs, Pairs, ::testing::ValuesIn(all_pairs()),
                         [](const ::testing::TestParamInfo<pair_param>& p) { return p.param.from + "_to_" + p.param.to; });

}  // namespace
}  // namespace custbridge::sync
