// HTTPS: the project's server core in TLS mode with certificates from a test CA made
// at test time, and the client's certificate verification.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/support/test_pki.hpp"
#include "tests/upstream/upstream_fixture.hpp"

namespace custbridge::testing {
namespace {

using namespace std::chrono_literals;
using upstream::failure_kind;

class UpstreamTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new test_pki(); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }

  static http::server_options tls_server(const std::string& cert, const std::string& key) {
    http::server_options o;
    o.tls_cert_file = cert;
    o.tls_key_file = key;
    o.tls_handshake_timeout = 1s;
    return o;
  }

  static upstream::client_options client_for(const std::string& url, bool trust_test_ca) {
    upstream::client_options o;
    o.base_url = url;
    o.random_seed = 99;
    o.backoff = {10ms, 50ms, 2.0, 0.5};
    o.connect_timeout = 500ms;
    if (trust_test_ca) o.transport.tls.ca_file = pki_->ca_file();
    return o;
  }

  static test_pki* pki_;
};

test_pki* UpstreamTls::pki_ = nullptr;

scripted_reply echo_target(const http::request& req, int) { return {make_response(200, req.target), 0ms}; }

TEST_F(UpstreamTls, CertificateFromTheConfiguredCaIsAcceptedAndConnectionsAreReused) {
  scripted_upstream up(echo_target, tls_server(pki_->server_cert(), pki_->server_key()));
  client_runner runner;
  auto c = runner.make_client(client_for(up.url(true) + "/v3", true));
  for (int i = 0; i < 3; ++i) {
    auto r = runner.send(*c, get("/customers/" + std::to_string(i)));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "/v3/customers/" + std::to_string(i));
  }
  EXPECT_EQ(c->metrics().pool.opened, 1u);
  EXPECT_EQ(c->metrics().pool.reused, 2u);
}

TEST_F(UpstreamTls, HostNameIsVerifiedForDnsNamesToo) {
  scripted_upstream up(echo_target, tls_server(pki_->server_cert(), pki_->server_key()));
  client_runner runner;
  auto c = runner.make_client(client_for("https://localhost:" + std::to_string(up.port()), true));
  auto r = runner.send(*c, get("/ok"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->body, "/ok");
}

TEST_F(UpstreamTls, UntrustedIssuerIsRejectedAndNeverRetried) {
  // The server's certificate is signed by the test CA, but the client trusts only the
  // system store.
  scripted_upstream up(echo_target, tls_server(pki_->server_cert(), pki_->server_key()));
  client_runner runner;
  auto c = runner.make_client(client_for(up.url(true), false));
  auto r = runner.send(*c, get("/x"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, failure_kind::certificate_rejected);
  EXPECT_EQ(r.error().attempts, 1);
  EXPECT_NE(r.error().message.find("unable to get local issuer certificate"), std::string::npos) << r.error().message;
  EXPECT_EQ(up.hits(), 0);
}

TEST_F(UpstreamTls, SelfSignedCertificateIsRejected) {
  scripted_upstream up(echo_target, tls_server(pki_->self_signed_cert(), pki_->self_signed_key()));
  client_runner runner;
  auto c = runner.make_client(client_for(up.url(true), true));
  auto r = runner.send(*c, get("/x"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, failure_kind::certificate_rejected);
  EXPECT_NE(r.error().message.find("self-signed certificate"), std::string::npos) << r.error().message;
  EXPECT_EQ(up.hits(), 0);
}

TEST_F(UpstreamTls, CertificateForAnotherNameIsRejected) {
  scripted_upstream up(echo_target, tls_server(pki_->wrong_name_cert(), pki_->wrong_name_key()));
  client_runner runner;
  auto c = runner.make_client(client_for(up.url(true), true));
  auto r = runner.send(*c, post("/customers", "{}"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, failure_kind::certificate_rejected);
  EXPECT_EQ(r.error().attempts, 1);
  EXPECT_NE(r.error().message.find("TLS certificate of 127.0.0.1:" + std::to_string(up.port()) + " rejected: IP address mismatch"),
            std::string::npos)
      << r.error().message;
  EXPECT_EQ(up.hits(), 0);
  EXPECT_EQ(upstream::suggested_status(r.error().kind), 502);
}

TEST_F(UpstreamTls, CertificateForAnotherDnsNameIsRejected) {
  scripted_upstream up(echo_target, tls_server(pki_->wrong_name_cert(), pki_->wrong_name_key()));
  client_runner runner;
  auto c = runner.make_client(client_for("https://localhost:" + std::to_string(up.port()), true));
  auto r = runner.send(*c, get("/x"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, failure_kind::certificate_rejected);
  EXPECT_EQ(r.error().attempts, 1);
  EXPECT_NE(r.error().message.find("rejected: hostname mismatch"), std::string::npos) << r.error().message;
  EXPECT_EQ(up.hits(), 0);
}

TEST_F(UpstreamTls, HandshakeWithAPlainHttpServerFailsWithoutBlamingTheCertificate) {
  scripted_upstream up(echo_target);
  client_runner runner;
  auto o = client_for("https://127.0.0.1:" + std::to_string(up.port()), true);
  o.max_attempts = 2;
  auto c = runner.make_client(o);
  auto r = runner.send(*c, get("/x"), 2s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, failure_kind::tls);
  EXPECT_EQ(r.error().attempts, 2) << "unlike a rejected certificate, it may be retried";
  EXPECT_NE(r.error().message.find("TLS handshake with 127.0.0.1:" + std::to_string(up.port()) + " failed"), std::string::npos)
      << r.error().message;
}

TEST_F(UpstreamTls, StalledHandshakeEndsAtTheConnectTimeout) {
  raw_upstream up([](int) { return raw_action::silent; });  // accepts TCP, never speaks TLS
  client_runner runner;
  auto o = client_for("https://127.0.0.1:" + std::to_string(up.port()), true);
  o.connect_timeout = 100ms;
  o.max_attempts = 2;
  auto c = runner.make_client(o);
  upstream::client::outcome r;
  const auto ms = elapsed_ms([&] { r = runner.send(*c, get("/x"), 2s); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, failure_kind::connect);
  EXPECT_EQ(r.error().attempts, 2);
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos) << r.error().message;
  EXPECT_GE(ms, 200);
  EXPECT_LT(ms, 1000);
  EXPECT_EQ(up.connections(), 2);
}

TEST_F(UpstreamTls, DeadlineCancelsAReadOverTls) {
  scripted_upstream up([](const http::request&, int) { return scripted_reply{make_response(200, "late"), 1000ms}; },
                       tls_server(pki_->server_cert(), pki_->server_key()));
  client_runner runner;
  auto c = runner.make_client(client_for(up.url(true), true));
  upstream::client::outcome r;
  const auto ms = elapsed_ms([&] { r = runner.send(*c, get("/slow"), 200ms); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, failure_kind::timeout);
  EXPECT_GE(ms, 190);
  EXPECT_LT(ms, 700);
}

TEST_F(UpstreamTls, ServerRejectsPlainHttpOnItsTlsPortWithoutCrashing) {
  scripted_upstream up(echo_target, tls_server(pki_->server_cert(), pki_->server_key()));
  client_runner runner;
  auto o = client_for("http://127.0.0.1:" + std::to_string(up.port()), false);
  o.max_attempts = 1;
  auto c = runner.make_client(o);
  auto r = runner.send(*c, get("/x"), 1s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, failure_kind::network);
  EXPECT_EQ(up.hits(), 0);
  // ...and keeps serving TLS clients afterwards.
  auto good = runner.make_client(client_for(up.url(true), true));
  auto ok = runner.send(*good, get("/after"));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->body, "/after");
}

TEST_F(UpstreamTls, ServerDropsAClientThatNeverStartsTheHandshake) {
  auto o = tls_server(pki_->server_cert(), pki_->server_key());
  o.tls_handshake_timeout = 100ms;
  scripted_upstream up(echo_target, o);
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(up.port());
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  char byte;
  std::int64_t ms = elapsed_ms([&] {
    pollfd p{fd, POLLIN, 0};
    ASSERT_EQ(::poll(&p, 1, 2000), 1);
    EXPECT_LE(::recv(fd, &byte, 1, 0), 0);  // closed (or reset) without a byte
  });
  ::close(fd);
  EXPECT_GE(ms, 80);
  EXPECT_LT(ms, 1000);
}

TEST(HttpServerTls, MissingKeyFileFailsAtListen) {
  http::server_options o;
  o.port = 0;
  o.tls_cert_file = "/nonexistent/cert.pem";
  o.tls_key_file = "/nonexistent/key.pem";
  http::handler h;
  h.handle = nullptr;
  h.on_error = [](int status, std::string_view) { return make_response(status); };
  http::server s(o, h);
  EXPECT_THROW(s.listen(), std::system_error);
}

}  // namespace
}  // namespace custbridge::testing
