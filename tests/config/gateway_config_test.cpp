#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "config/gateway_config.hpp"

namespace custbridge::config {
namespace {

using ::testing::ElementsAre;

// The backends the config is checked against (the binary passes the stores' registry).
const std::vector<std::string> backends = {"local", "nuvemshop", "bigcommerce_v2", "bigcommerce_v3"};

std::vector<std::string> messages(const std::string& yaml) {
  auto r = parse_gateway_config(yaml, "gw.yaml", backends);
  std::vector<std::string> out;
  if (r) return out;
  for (const auto& d : r.error()) out.push_back(d.to_string());
  return out;
}

const std::string key_hash(64, 'a');

TEST(GatewayConfig, MinimalConfigLoadsWithDefaults) {
  auto r = parse_gateway_config("stores: {s1: {backend: local}}\napi_keys: []\n", "/etc/cb/gw.yaml", backends);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->server.port, 8080);
  EXPECT_EQ(r->server.body_limit_bytes, 1024u * 1024u);
  EXPECT_EQ(r->server.max_json_depth, 32);
  EXPECT_EQ(r->state.sqlite_path, "/etc/cb/custbridge.db") << "relative paths resolve against the config's folder";
  EXPECT_EQ(r->stores.at("s1").backend, "local");
}

TEST(GatewayConfig, UnknownKeyWithDidYouMean) {
  EXPECT_THAT(messages("server:\n  body_limit: 10\nstores: {}\napi_keys: []\n"),
              ElementsAre("gw.yaml:2:3: server.body_limit: unknown key 'body_limit' (did you mean 'body_limit_bytes'?)"));
  EXPECT_THAT(messages("stors: {}\nstores: {}\napi_keys: []\n"),
              ElementsAre("gw.yaml:1:1: stors: unknown key 'stors' (did you mean 'stores'?)"));
}

TEST(GatewayConfig, MissingKeysAreReportedAtTheParent) {
  EXPECT_THAT(messages("server: {port: 1}\n"),
              ElementsAre("gw.yaml:1:1: stores: missing required key 'stores'",
                          "gw.yaml:1:1: api_keys: missing required key 'api_keys'"));
  EXPECT_THAT(messages("stores:\n  s1: {}\napi_keys: []\n"),
              ElementsAre("gw.yaml:2:7: stores.s1.backend: missing required key 'backend'"));
}

TEST(GatewayConfig, TypeAndRangeErrors) {
  EXPECT_THAT(messages("server:\n  port: 70000\n  threads: many\nstores: {}\napi_keys: []\n"),
              ElementsAre("gw.yaml:2:9: server.port: must be between 0 and 65535, got 70000",
                          "gw.yaml:3:12: server.threads: expected an integer, got 'many'"));
  EXPECT_THAT(messages("stores: []\napi_keys: {}\n"),
              ElementsAre("gw.yaml:1:9: stores: expected a mapping", "gw.yaml:2:11: api_keys: expected a list of keys"));
}

TEST(GatewayConfig, StoreIdsAndKeys) {
  EXPECT_THAT(messages("stores:\n  bad/id: {backend: local}\napi_keys: []\n"),
              ElementsAre("gw.yaml:2:3: stores.bad/id: store id must be 1-64 characters of [A-Za-z0-9_-]"));
  const std::string twice = "stores: {s: {backend: local}}\napi_keys:\n  - {name: a, sha256: " + key_hash +
                            ", stores: [s], scopes: [\"*\"]}\n  - {name: b, sha256: " + key_hash + ", stores: [s], scopes: [\"*\"]}\n";
  EXPECT_THAT(messages(twice), ElementsAre("gw.yaml:4:23: api_keys[1].sha256: the same key is configured twice"));
  // Two keys under one name shared idempotency records and were one line in the log.
  const std::string named_twice = "stores: {s: {backend: local}}\napi_keys:\n  - {name: a, sha256: " + key_hash +
                                  ", stores: [s], scopes: [\"*\"]}\n  - {name: a, sha256: " + std::string(64, 'b') +
                                  ", stores: [s], scopes: [\"*\"]}\n";
  EXPECT_THAT(messages(named_twice), ElementsAre("gw.yaml:4:12: api_keys[1].name: the name 'a' is used by another key"));
}

TEST(GatewayConfig, DuplicateKeysAtAnyDepthAreErrorsWithBothPositions) {
  EXPECT_THAT(messages("server:\n  port: 1\n  port: 2\nstores: {s1: {backend: local}, s1: {backend: local}}\napi_keys: []\n"),
              ElementsAre("gw.yaml:3:3: server.port: duplicate key 'port' (first at 2:3)",
                          "gw.yaml:4:32: stores.s1: duplicate key 's1' (first at 4:10)"));
}

TEST(GatewayConfig, PlatformStores) {
  auto ok = parse_gateway_config(
      "stores:\n"
      "  ns:\n"
      "    backend: nuvemshop\n"
      "    base_url: https://api.tiendanube.com/v1/123456/\n"
      "    access_token: tok\n"
      "    mapping: maps/ns.yaml\n"
      "    timeout_ms: 5000\n"
      "api_keys: []\n",
      "/etc/cb/gw.yaml", backends);
  ASSERT_TRUE(ok);
  const auto& p = ok->stores.at("ns").platform;
  EXPECT_EQ(p.base_url, "https://api.tiendanube.com/v1/123456") << "a trailing slash is dropped";
  EXPECT_EQ(p.access_token, "tok");
  EXPECT_EQ(p.mapping_file, "/etc/cb/maps/ns.yaml");
  EXPECT_EQ(p.timeout.count(), 5000);
  EXPECT_EQ(p.max_attempts, 3);

  EXPECT_THAT(messages("stores:\n  bc:\n    backend: bigcommerce_v3\n    base_url: ftp://x\n    acces_token: t\napi_keys: []\n"),
              ElementsAre("gw.yaml:5:5: stores.bc.acces_token: unknown key 'acces_token' (did you mean 'access_token'?)",
                          "gw.yaml:4:15: stores.bc.base_url: must be an http:// or https:// URL, got 'ftp://x'",
                          "gw.yaml:3:5: stores.bc.access_token: missing required key 'access_token' (give it as ${ENV_VAR})"));
  EXPECT_THAT(messages("stores:\n  l:\n    backend: local\n    base_url: http://x\napi_keys: []\n"),
              ElementsAre("gw.yaml:4:5: stores.l.base_url: unknown key 'base_url'"));
}

TEST(GatewayConfig, CaFileMustBeAReadableFileRelativeToTheConfig) {
  const auto dir = std::filesystem::temp_directory_path() / ("cb-config-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "certs");
  std::ofstream(dir / "ca.pem") << "-----BEGIN CERTIFICATE-----\n";
  const auto config = (dir / "gw.yaml").string();
  auto with_ca_file = [&](const std::string& ca_file) {
    return parse_gateway_config("stores:\n"
                                "  ns:\n"
                                "    backend: nuvemshop\n"
                                "    base_url: https://127.0.0.1:9/v1/1\n"
                                "    access_token: tok\n"
                                "    ca_file: " + ca_file + "\n"
                                "api_keys: []\n",
                                config, backends);
  };
  auto relative = with_ca_file("ca.pem");
  ASSERT_TRUE(relative) << relative.error().front().to_string();
  EXPECT_EQ(relative->stores.at("ns").platform.ca_file, (dir / "ca.pem").string());
  auto absolute = with_ca_file((dir / "ca.pem").string());
  ASSERT_TRUE(absolute) << absolute.error().front().to_string();
  EXPECT_EQ(absolute->stores.at("ns").platform.ca_file, (dir / "ca.pem").string());

  auto missing = with_ca_file("missing.pem");
  ASSERT_FALSE(missing);
  ASSERT_EQ(missing.error().size(), 1u);
  EXPECT_EQ(missing.error()[0].to_string(),
            config + ":6:14: stores.ns.ca_file: CA file '" + (dir / "missing.pem").string() + "' does not exist");
  auto folder = with_ca_file("certs");
  ASSERT_FALSE(folder);
  ASSERT_EQ(folder.error().size(), 1u);
  EXPECT_EQ(folder.error()[0].to_string(),
            config + ":6:14: stores.ns.ca_file: CA file '" + (dir / "certs").string() + "' cannot be read");
  std::filesystem::remove_all(dir);
}

TEST(GatewayConfig, YamlSyntaxErrorHasAPosition) {
  auto m = messages("stores: {s1: [\n");
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].rfind("gw.yaml:", 0), 0u);
  EXPECT_NE(m[0].find("(document)"), std::string::npos);
}

TEST(EnvSubstitution, ReplacesEscapesAndReports) {
  setenv("CB_CFG_TEST", "value", 1);
  unsetenv("CB_CFG_MISSING");
  diagnostics d;
  EXPECT_EQ(substitute_env("a: ${CB_CFG_TEST}\nb: $${literal}\n", "f.yaml", d), "a: value\nb: ${literal}\n");
  EXPECT_TRUE(d.empty());
  substitute_env("x: 1\ny: ${CB_CFG_MISSING}\nz: ${bad-name}\nw: ${open", "f.yaml", d);
  std::vector<std::string> got;
  for (const auto& x : d) got.push_back(x.to_string());
  EXPECT_THAT(got, ElementsAre("f.yaml:2:4: ${CB_CFG_MISSING}: environment variable 'CB_CFG_MISSING' is not set",
                               "f.yaml:3:4: ${bad-name}: invalid environment variable name",
                               "f.yaml:4:4: ${: unterminated ${...} reference"));
}

TEST(EnvSubstitution, LeavesCommentsAlone) {
  unsetenv("CB_CFG_MISSING");
  setenv("CB_CFG_TEST", "value", 1);
  diagnostics d;
  EXPECT_EQ(substitute_env("# set ${CB_CFG_MISSING} first\na: ${CB_CFG_TEST} # not ${CB_CFG_MISSING}\nb: \"#${CB_CFG_TEST}\"\n", "f.yaml", d),
            "# set ${CB_CFG_MISSING} first\na: value # not ${CB_CFG_MISSING}\nb: \"#value\"\n");
  EXPECT_TRUE(d.empty());
}

TEST(DidYouMean, OnlySuggestsCloseMatches) {
  EXPECT_EQ(did_you_mean("prot", {"port", "threads"}), "port");
  EXPECT_EQ(did_you_mean("zzzzzz", {"port", "threads"}), "");
}

}  // namespace
}  // namespace custbridge::config
