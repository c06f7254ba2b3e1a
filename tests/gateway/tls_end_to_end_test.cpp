// HTTPS end to end: a real `custbridge serve` talking to a real `cb-emulator` that
// serves TLS with certificates from a test CA made at test time. Only the store's
// `ca_file` makes the gateway trust that CA; the certificate's name is checked too.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "common/crypto.hpp"
#include "tests/gateway/gateway_fixture.hpp"
#include "tests/support/test_pki.hpp"

namespace custbridge::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class TlsEndToEnd : public ::testing::TestWithParam<std::string> {
 protected:
  static void SetUpTestSuite() { pki_ = new test_pki(); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  // store_a on an emulator serving `cert`; `ca_file` empty means the system trust store.
  static std::unique_ptr<gateway_process> start_gateway(const std::string& cert, const std::string& key,
                                                        const std::string& ca_file) {
    const std::string store_yaml = ca_file.empty() ? "" : "    ca_file: " + ca_file + "\n";
    return std::make_unique<gateway_process>("", GetParam(), std::vector<std::string>{"--tls-cert", cert, "--tls-key", key},
                                             store_yaml);
  }

  // A canonical 502, not retryable, that says the emulator's certificate was rejected
  // and carries no platform credential, neither in the answer nor in the gateway's log.
  static void expect_tls_rejection(gateway_process& gw, const http_reply& r, const std::string& reason = "") {
    EXPECT_EQ(r.status, 502) << r.body;
    auto doc = parse_json(r.body);
    ASSERT_TRUE(doc.HasMember("error")) << r.body;
    EXPECT_STREQ(doc["error"]["code"].GetString(), "UPSTREAM_ERROR");
    ASSERT_TRUE(doc["error"].HasMember("retryable")) << r.body;
    EXPECT_FALSE(doc["error"]["retryable"].GetBool()) << r.body;
    const std::string message = doc["error"]["message"].GetString();
    EXPECT_THAT(message, HasSubstr("TLS certificate of 127.0.0.1:" + std::to_string(gw.emulator()->port()) + " rejected"));
    if (!reason.empty()) {
      EXPECT_THAT(message, HasSubstr(reason));
    }
    const auto& token = gw.emulator()->stores().at(0).access_token;
    EXPECT_THAT(r.body, Not(HasSubstr(token)));
    EXPECT_TRUE(gw.process().wait_for_line(R"("status":502)", std::chrono::seconds(5))) << "the access log line";
    for (const auto& line : gw.process().lines()) EXPECT_THAT(line, Not(HasSubstr(token)));
  }

  static test_pki* pki_;
  const std::string path = customers_path(store_a);
};

test_pki* TlsEndToEnd::pki_ = nullptr;

TEST_P(TlsEndToEnd, CrudWorksWhenTheStoreTrustsTheTestCa) {
  auto gw = start_gateway(pki_->server_cert(), pki_->server_key(), pki_->ca_file());
  ASSERT_THAT(gw->emulator()->url(), StartsWith("https://127.0.0.1:"));
  const auto& key = gw->keys().admin;

  auto created = gw->call("POST", path, key, R"({"email":"tls.person@example.com","name":"Tls Person","phone":"111"})");
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id = parse_json(created.body)["item"]["id"].GetString();

  auto got = gw->call("GET", path + "/" + id, key);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_STREQ(parse_json(got.body)["item"]["email"].GetString(), "tls.person@example.com");

  auto listed = gw->call("GET", path + "?email=tls.person%40example.com", key);
  ASSERT_EQ(listed.status, 200) << listed.body;
  auto list = parse_json(listed.body);
  ASSERT_EQ(list["total"].GetInt(), 1) << listed.body;
  EXPECT_STREQ(list["items"][0]["id"].GetString(), id.c_str());

  auto updated = gw->call("PUT", path + "/" + id, key, R"({"name":"Renamed Person"})");
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_STREQ(parse_json(updated.body)["item"]["name"].GetString(), "Renamed Person");
  EXPECT_STREQ(parse_json(updated.body)["item"]["phone"].GetString(), "111");

  auto deleted = gw->call("DELETE", path + "/" + id, key);
  EXPECT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_EQ(gw->call("GET", path + "/" + id, key).status, 404);
}

TEST_P(TlsEndToEnd, SystemTrustStoreRejectsTheTestCa) {
  auto gw = start_gateway(pki_->server_cert(), pki_->server_key(), "");
  auto r = gw->call("POST", path, gw->keys().admin, R"({"email":"never@example.com","name":"Never Stored"})");
  expect_tls_rejection(*gw, r, "unable to get local issuer certificate");
}

TEST_P(TlsEndToEnd, CertificateForAnotherNameIsRejected) {
  // Trusted issuer, so only the name check can reject it. The emulator is reached as
  // 127.0.0.1, so the certificate's address is what does not match.
  auto gw = start_gateway(pki_->wrong_name_cert(), pki_->wrong_name_key(), pki_->ca_file());
  auto r = gw->call("GET", path, gw->keys().admin);
  expect_tls_rejection(*gw, r, "IP address mismatch");
}

INSTANTIATE_TEST_SUITE_P(PlatformBackends, TlsEndToEnd, ::testing::Values("nuvemshop", "bigcommerce_v3", "bigcommerce_v2"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

class TlsConfig : public ::testing::Test {
 protected:
  void SetUp() override { std::filesystem::create_directories(dir); }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  // `custbridge serve` on a config whose only store has this `ca_file`.
  command_result serve_with_ca_file(const std::string& ca_file) {
    std::ofstream(config) << "server: {port: 0}\n"
                             "state: {sqlite_path: data.db}\n"
                             "stores:\n"
                             "  s1:\n"
                             "    backend: nuvemshop\n"
                             "    base_url: https://127.0.0.1:9/v1/1\n"
                             "    access_token: secret-token\n"
                             "    ca_file: " << ca_file << "\n"
                             "api_keys: []\n";
    return run_command({CUSTBRIDGE_BINARY_PATH, "serve", "--config", config});
  }

  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("cb-tls-" + random_alnum(8));
  const std::string config = (dir / "gateway.yaml").string();
};

TEST_F(TlsConfig, ServeRefusesToStartWithAMissingCaFile) {
  auto r = serve_with_ca_file("missing-ca.pem");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr(config + ":8:14: stores.s1.ca_file: CA file '" + (dir / "missing-ca.pem").string() +
                               "' does not exist"));
  EXPECT_THAT(r.out, Not(HasSubstr("listening")));
}

TEST_F(TlsConfig, ServeRefusesToStartWithACaFileWithoutCertificates) {
  std::ofstream(dir / "empty-ca.pem") << "not a certificate\n";
  auto r = serve_with_ca_file("empty-ca.pem");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot load CA file '" + (dir / "empty-ca.pem").string() + "'"));
  EXPECT_THAT(r.out, Not(HasSubstr("listening")));
}

TEST(TlsEmulatorFlags, CertificateAndKeyGoTogether) {
  test_pki pki;
  for (const char* platform : {"nuvemshop", "bigcommerce"}) {
    auto cert_only = run_command({CUSTBRIDGE_EMULATOR_PATH, platform, "--port", "0", "--tls-cert", pki.server_cert()});
    EXPECT_EQ(cert_only.exit_code, 2) << platform;
    EXPECT_THAT(cert_only.err, HasSubstr("--tls-cert and --tls-key must be given together")) << platform;
    auto key_only = run_command({CUSTBRIDGE_EMULATOR_PATH, platform, "--port", "0", "--tls-key", pki.server_key()});
    EXPECT_EQ(key_only.exit_code, 2) << platform;
  }
}

TEST(TlsEmulatorFlags, UnreadableCertificateFailsAtStart) {
  auto r = run_command({CUSTBRIDGE_EMULATOR_PATH, "nuvemshop", "--port", "0", "--tls-cert", "/nonexistent/cert.pem",
                        "--tls-key", "/nonexistent/key.pem"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot load TLS certificate '/nonexistent/cert.pem'"));
}

}  // namespace
}  // namespace custbridge::testing
