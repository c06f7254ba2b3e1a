// The custbridge subcommands as a user runs them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "common/crypto.hpp"
#include "tests/gateway/gateway_fixture.hpp"
#include "tests/support/child_process.hpp"

namespace custbridge::testing {
namespace {

using ::testing::HasSubstr;

const std::string bin = CUSTBRIDGE_BINARY_PATH;

std::string write_temp(const std::string& name, const std::string& text) {
  auto dir = std::filesystem::temp_directory_path() / ("cb-cli-" + random_alnum(8));
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::ofstream(path) << text;
  return path.string();
}

TEST(Cli, EverySubcommandHasHelp) {
  for (const char* cmd : {"serve", "check-config", "gen-key", "import"}) {
    auto r = run_command({bin, cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_THAT(r.out, HasSubstr("Usage: custbridge")) << cmd;
  }
  EXPECT_EQ(run_command({bin, "--help"}).exit_code, 0);
  EXPECT_EQ(run_command({bin, "frobnicate"}).exit_code, 2);
}

TEST(Cli, GenKeyPrintsAKeyAndItsSha256) {
  auto r = run_command({bin, "gen-key", "--name", "shop", "--store", "s1"});
  ASSERT_EQ(r.exit_code, 0);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.out, m, std::regex("key:    (sk_live_[A-Za-z0-9]{32})\n")));
  const std::string key = m[1];
  EXPECT_THAT(r.out, HasSubstr("sha256: " + sha256_hex(key)));
  EXPECT_THAT(r.out, HasSubstr("- name: shop"));
  EXPECT_THAT(r.out, HasSubstr("stores: [s1]"));
  auto second = run_command({bin, "gen-key"});
  EXPECT_THAT(second.out, ::testing::Not(HasSubstr(key))) << "keys are random";
}

TEST(Cli, CheckConfigReportsEveryProblemWithPositionsAndFailsNonZero) {
  const auto path = write_temp("bad.yaml",
                               "server:\n"
                               "  prot: 8080\n"
                               "  body_limit_bytes: lots\n"
                               "stores:\n"
                               "  s1:\n"
                               "    backend: locl\n"
                               "api_keys:\n"
                               "  - name: k\n"
                               "    sha256: nothex\n"
                               "    stores: [s2]\n"
                               "    scopes: [customers:reed]\n");
  auto r = run_command({bin, "check-config", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(path + ":2:3: server.prot: unknown key 'prot' (did you mean 'port'?)"));
  EXPECT_THAT(r.err, HasSubstr(path + ":3:21: server.body_limit_bytes: expected an integer, got 'lots'"));
  EXPECT_THAT(r.err, HasSubstr(path + ":6:14: stores.s1.backend: unknown backend 'locl' (did you mean 'local'?)"));
  EXPECT_THAT(r.err, HasSubstr(path + ":9:13: api_keys[0].sha256: must be 64 lower-case hex digits"));
  EXPECT_THAT(r.err, HasSubstr(path + ":10:14: api_keys[0].stores[0]: unknown store 's2'"));
  EXPECT_THAT(r.err, HasSubstr(path + ":11:14: api_keys[0].scopes[0]: unknown scope 'customers:reed' (did you mean 'customers:read'?)"));
  EXPECT_THAT(r.err, HasSubstr("6 problem(s) found"));
}

TEST(Cli, CheckConfigSubstitutesEnvironmentAndReportsUnsetVariables) {
  const auto path = write_temp("env.yaml",
                               "stores:\n"
                               "  s1: {backend: local}\n"
                               "api_keys:\n"
                               "  - name: k\n"
                               "    sha256: ${CB_TEST_KEY_HASH}\n"
                               "    stores: [s1]\n"
                               "    scopes: [\"*\"]\n");
  auto unset = run_command({bin, "check-config", path});
  EXPECT_EQ(unset.exit_code, 1);
  EXPECT_THAT(unset.err, HasSubstr(path + ":5:13: ${CB_TEST_KEY_HASH}: environment variable 'CB_TEST_KEY_HASH' is not set"));
  auto set = run_command({bin, "check-config", path}, {"CB_TEST_KEY_HASH=" + sha256_hex("x")});
  EXPECT_EQ(set.exit_code, 0) << set.err;
  EXPECT_THAT(set.out, HasSubstr("OK (1 store(s), 1 API key(s))"));
}

TEST(Cli, CheckConfigReportsACaFileThatDoesNotExist) {
  const auto path = write_temp("tls.yaml",
                               "stores:\n"
                               "  s1:\n"
                               "    backend: nuvemshop\n"
                               "    base_url: https://127.0.0.1:9/v1/1\n"
                               "    access_token: secret-token\n"
                               "    ca_file: missing-ca.pem\n"
                               "api_keys: []\n");
  const auto ca_file = (std::filesystem::path(path).parent_path() / "missing-ca.pem").string();
  auto r = run_command({bin, "check-config", path});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr(path + ":6:14: stores.s1.ca_file: CA file '" + ca_file + "' does not exist"));
  EXPECT_THAT(r.err, HasSubstr("1 problem(s) found"));
  EXPECT_THAT(r.out, ::testing::Not(HasSubstr("OK")));
}

TEST(Cli, ServeRefusesAnInvalidConfigWithoutStarting) {
  const auto path = write_temp("broken.yaml", "stores: [\n");
  auto r = run_command({bin, "serve", "--config", path});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(path + ":"));
}

TEST(Cli, ImportRejectsInvalidEntriesAndSaysWhich) {
  const auto cfg = write_temp("c.yaml",
                              "state: {sqlite_path: data.db}\n"
                              "stores: {s1: {backend: local}}\n"
                              "api_keys: []\n");
  const auto data = write_temp("customers.json", R"([{"email":"ok@example.com","ordersCount":2},{"email":"nope"},{"email":"ok@example.com"}])");
  auto r = run_command({bin, "import", "--config", cfg, "--store", "s1", data});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("imported 1, rejected 2"));
  EXPECT_THAT(r.err, HasSubstr("[1] rejected"));
  EXPECT_THAT(r.err, HasSubstr("[1].email: must be a valid email address"));
  EXPECT_THAT(r.err, HasSubstr("[2] rejected: Customer with this email already exists"));
}

TEST(Cli, ImportWritesToAPlatformStoreThroughItsAdapter) {
  gateway_process gw("", "nuvemshop");
  const auto data = write_temp("platform-customers.json",
                               R"([{"email":"imported@example.com","name":"Ina Port"},{"email":"bad"}])");
  auto r = run_command({bin, "import", "--config", gw.config_path(), "--store", store_a, data});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.out, HasSubstr("imported 1, rejected 1"));
  EXPECT_THAT(r.err, HasSubstr("[1].email: must be a valid email address"));
  auto found = gw.call("GET", customers_path(store_a) + "?email=imported%40example.com", gw.keys().admin);
  ASSERT_EQ(found.status, 200) << found.body;
  auto doc = parse_json(found.body);
  ASSERT_EQ(doc["total"].GetInt(), 1) << found.body;
  EXPECT_STREQ(doc["items"][0]["name"].GetString(), "Ina Port");
}

}  // namespace
}  // namespace custbridge::testing
