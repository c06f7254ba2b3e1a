// The real cb-emulator binary over real sockets: startup line, flags, serving, shutdown.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <csignal>
#include <thread>

#include "tests/support/child_process.hpp"
#include "tests/emulators/bigcommerce_conformance.hpp"
#include "tests/support/http_client.hpp"

namespace custbridge::emulators::testing {
namespace {

using custbridge::testing::child_process;
using custbridge::testing::http_request;
using custbridge::testing::run_command;

struct started {
  std::unique_ptr<child_process> proc;
  std::uint16_t port = 0;
  rapidjson::Document line;
};

started start(std::vector<std::string> args) {
  args.insert(args.begin(), CB_EMULATOR_PATH);
  started s;
  s.proc = std::make_unique<child_process>(args);
  auto first = s.proc->read_line(std::chrono::seconds(10));
  if (!first) {
    ADD_FAILURE() << "no listening line";
    return s;
  }
  s.line.Parse(first->c_str());
  if (s.line.HasParseError() || !s.line.IsObject() || !s.line.HasMember("url")) {
    ADD_FAILURE() << "first line is not the listening event: " << *first;
    return s;
  }
  EXPECT_EQ(std::string(s.line["event"].GetString()), "listening");
  const std::string url = s.line["url"].GetString();
  const std::string prefix = "http://127.0.0.1:";
  EXPECT_TRUE(url.starts_with(prefix)) << url;
  s.port = static_cast<std::uint16_t>(std::stoi(url.substr(prefix.size())));
  return s;
}

TEST(EmulatorBinary, HelpAndBadFlags) {
  auto top = run_command({CB_EMULATOR_PATH, "--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("nuvemshop"), std::string::npos);
  for (const char* platform : {"nuvemshop", "bigcommerce"}) {
    auto help = run_command({CB_EMULATOR_PATH, platform, "--help"});
    EXPECT_EQ(help.exit_code, 0);
    for (const char* flag : {"--port", "--customers", "--seed", "--stores", "--rate-scale", "--error-rate", "--latency-ms"})
      EXPECT_NE(help.out.find(flag), std::string::npos) << platform << " " << flag;
  }
  auto bad = run_command({CB_EMULATOR_PATH, "nuvemshop", "--no-such-flag"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--no-such-flag"), std::string::npos);
  EXPECT_EQ(run_command({CB_EMULATOR_PATH, "bigcommerce", "--port", "seventy"}).exit_code, 2);
  EXPECT_EQ(run_command({CB_EMULATOR_PATH, "shopify"}).exit_code, 2);
}

TEST(EmulatorBinary, NuvemshopServesOverARealSocketAndStopsOnSigterm) {
  auto s = start({"nuvemshop", "--port", "0", "--customers", "3", "--seed", "1", "--stores", "2"});
  ASSERT_NE(s.port, 0);
  ASSERT_EQ(s.line["stores"].Size(), 2u);
  const auto store = std::to_string(s.line["stores"][1]["store_id"].GetInt64());
  const std::string token = s.line["stores"][1]["access_token"].GetString();
  auto r = http_request(s.port, "GET", "/v1/" + store + "/customers",
                        {{"Authentication", "bearer " + token}, {"User-Agent", "binary test (dev@example.com)"}});
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("x-total-count"), "3");
  EXPECT_EQ(r.header("x-rate-limit-limit"), "40");
  EXPECT_EQ(http_request(s.port, "GET", "/v1/" + store + "/customers", {{"Authentication", "bearer " + token}}).status, 400);
  auto stats = http_request(s.port, "GET", "/__emulator/stats");
  EXPECT_NE(stats.body.find("\"total\":2"), std::string::npos) << stats.body;
  s.proc->signal(SIGTERM);
  EXPECT_EQ(s.proc->wait(std::chrono::seconds(10)), 0);
}

TEST(EmulatorBinary, BigCommerceServesV2AndV3WithScaledRateLimits) {
  auto s = start({"bigcommerce", "--customers", "2", "--quota", "5", "--rate-scale", "100"});
  ASSERT_NE(s.port, 0);
  const std::string hash = s.line["stores"][0]["store_hash"].GetString();
  const std::string token = s.line["stores"][0]["access_token"].GetString();
  const std::vector<std::pair<std::string, std::string>> h{{"X-Auth-Token", token}, {"Accept", "application/json"}};
  auto v3 = http_request(s.port, "GET", "/stores/" + hash + "/v3/customers?include=addresses", h);
  EXPECT_EQ(v3.status, 200) << v3.body;
  // What went over the wire conforms to the official schema too.
  const auto& specs = bigcommerce_specs::get();
  ASSERT_TRUE(specs.error.empty()) << specs.error;
  rapidjson::Document doc;
  doc.Parse(v3.body.c_str());
  ASSERT_FALSE(doc.HasParseError());
  for (const auto& problem : specs.customers_v3->validate(doc, specs.customers_v3->response_schema("/customers", "get", 200), true))
    ADD_FAILURE() << problem;
  EXPECT_EQ(v3.header("x-rate-limit-time-window-ms"), "300");
  EXPECT_EQ(http_request(s.port, "GET", "/stores/" + hash + "/v2/customers", h).status, 200);
  int limited = 0;
  for (int i = 0; i < 6; ++i) limited += http_request(s.port, "GET", "/stores/" + hash + "/v2/customers/count", h).status == 429;
  EXPECT_GE(limited, 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(350));  // the 300 ms window rolls over
  EXPECT_EQ(http_request(s.port, "GET", "/stores/" + hash + "/v3/customers", h).status, 200);
  s.proc->signal(SIGINT);
  EXPECT_EQ(s.proc->wait(std::chrono::seconds(10)), 0);
}

TEST(EmulatorBinary, ShutdownAbandonsPendingWebhookRetries) {
  // Documented schedule (first retry after 60 s) and a destination that refuses.
  auto s = start({"bigcommerce"});
  ASSERT_NE(s.port, 0);
  const std::vector<std::pair<std::string, std::string>> h{{"X-Auth-Token", "bc-token-emu00001"}, {"Content-Type", "application/json"}};
  ASSERT_EQ(http_request(s.port, "POST", "/stores/emu00001/v3/hooks", h,
                         R"({"scope":"store/customer/created","destination":"http://127.0.0.1:9/x","is_active":true})").status, 200);
  ASSERT_EQ(http_request(s.port, "POST", "/stores/emu00001/v3/customers", h,
                         R"([{"email":"r@example.com","first_name":"R","last_name":"T"}])").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the first attempt fails
  auto log = http_request(s.port, "GET", "/__emulator/webhooks");
  EXPECT_NE(log.body.find("\"attempts\":1"), std::string::npos) << log.body;
  const auto stop_at = std::chrono::steady_clock::now();
  s.proc->signal(SIGTERM);
  EXPECT_EQ(s.proc->wait(std::chrono::seconds(5)), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - stop_at, std::chrono::seconds(2));
}

TEST(EmulatorBinary, FaultFlagsApplyFromStart) {
  auto s = start({"nuvemshop", "--customers", "1", "--error-rate", "1", "--error-statuses", "502", "--fault-seed", "3"});
  ASSERT_NE(s.port, 0);
  auto r = http_request(s.port, "GET", "/v1/1000001/customers",
                        {{"Authentication", "bearer ns-token-1000001"}, {"User-Agent", "binary test (dev@example.com)"}});
  EXPECT_EQ(r.status, 502);
  auto faults = http_request(s.port, "DELETE", "/__emulator/faults");
  EXPECT_EQ(faults.status, 200);
  r = http_request(s.port, "GET", "/v1/1000001/customers",
                   {{"Authentication", "bearer ns-token-1000001"}, {"User-Agent", "binary test (dev@example.com)"}});
  EXPECT_EQ(r.status, 200);
}

}  // namespace
}  // namespace custbridge::emulators::testing
