// Nuvemshop emulator, in-process: each test builds requests and checks the
// responses against ../shared/reference/nuvemshop-customers.md.
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "common/crypto.hpp"
#include "emulators/nuvemshop/emulator.hpp"
#include "gateway/http/server.hpp"
#include "tests/emulators/emulator_test_support.hpp"

namespace custbridge::emulators::testing {
namespace {

using nuvemshop::emulator;
using nuvemshop::options;

constexpr const char* token = "bearer ns-token-1000001";
constexpr const char* base = "/v1/1000001";

http::header_list auth() { return {{"authentication", token}, {"user-agent", "CustBridge tests (dev@example.com)"}, {"host", "emu.test"}}; }
http::header_list auth_json() {
  auto h = auth();
  h.emplace_back("content-type", "application/json; charset=utf-8");
  return h;
}

options opts(std::size_t customers = 0) {
  options o;
  o.customers = customers;
  o.seed = 7;
  o.scale.factor = 0;  // rate limits off unless a test turns them on
  return o;
}

std::string str(const rapidjson::Value& v, const char* key) {
  return v.HasMember(key) && v[key].IsString() ? v[key].GetString() : std::string("<not a string>");
}

TEST(NuvemshopAuth, UserAgentIsRequired) {
  emulator e(opts(1));
  auto r = call(e, make_request("GET", std::string(base) + "/customers", {{"authentication", token}}));
  EXPECT_EQ(r.status, 400);
  auto d = parse_body(r.body);
  EXPECT_EQ(d["code"].GetInt(), 400);
}

TEST(NuvemshopAuth, AuthenticationHeaderWithLowerCaseBearerOnly) {
  emulator e(opts(1));
  const std::string path = std::string(base) + "/customers";
  auto missing = call(e, make_request("GET", path, {{"user-agent", "x (a@b.c)"}}));
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.body, R"({"code":401,"message":"Unauthorized","description":"Invalid access token"})");
  // The documented pitfalls: the usual Authorization header, and a capital B.
  EXPECT_EQ(call(e, make_request("GET", path, {{"user-agent", "x (a@b.c)"}, {"authorization", "Bearer ns-token-1000001"}})).status, 401);
  EXPECT_EQ(call(e, make_request("GET", path, {{"user-agent", "x (a@b.c)"}, {"authentication", "Bearer ns-token-1000001"}})).status, 401);
  EXPECT_EQ(call(e, make_request("GET", path, {{"user-agent", "x (a@b.c)"}, {"authentication", "bearer wrong"}})).status, 401);
  EXPECT_EQ(call(e, make_request("GET", path, auth())).status, 200);

  auto o = opts(1);
  o.accept_authorization_header = true;
  emulator lenient(o);
  EXPECT_EQ(call(lenient, make_request("GET", path, {{"user-agent", "x (a@b.c)"}, {"authorization", "Bearer ns-token-1000001"}})).status, 200);
}

TEST(NuvemshopAuth, TokensAreScopedToTheirStore) {
  auto o = opts(1);
  o.stores = 2;
  emulator e(o);
  auto h = auth();
  h[0].second = "bearer ns-token-1000002";
  EXPECT_EQ(call(e, make_request("GET", "/v1/1000001/customers", h)).status, 401);
  EXPECT_EQ(call(e, make_request("GET", "/v1/1000002/customers", h)).status, 200);
}

TEST(NuvemshopAuth, SuspendedStoresAnswer402ToEveryCall) {
  auto o = opts(1);
  o.stores = 2;
  o.suspended_stores = {1000001};
  emulator e(o);
  auto r = call(e, make_request("GET", std::string(base) + "/customers", auth()));
  EXPECT_EQ(r.status, 402);
  EXPECT_EQ(parse_body(r.body)["code"].GetInt(), 402);
  EXPECT_EQ(call(e, make_request("POST", std::string(base) + "/customers", auth_json(), R"({"name":"A B","email":"a@b.com"})")).status, 402);
  auto h = auth();
  h[0].second = "bearer ns-token-1000002";
  EXPECT_EQ(call(e, make_request("GET", "/v1/1000002/customers", h)).status, 200);
}

TEST(NuvemshopWrites, JsonContentTypeIsRequired) {
  emulator e(opts(1));
  auto post = call(e, make_request("POST", std::string(base) + "/customers", auth(), R"({"name":"A B","email":"a@b.com"})"));
  EXPECT_EQ(post.status, 415);
  const auto id = e.stores()[0]->customers.begin()->first;
  auto put = call(e, make_request("PUT", std::string(base) + "/customers/" + std::to_string(id), auth(), R"({"note":"x"})"));
  EXPECT_EQ(put.status, 415);
}

TEST(NuvemshopWrites, CreateReturns201WithInt64IdDefaultAddressAndNoWriteOnlyFields) {
  emulator e(opts());
  auto r = call(e, make_request("POST", std::string(base) + "/customers", auth_json(), R"({
    "name":"Zé Ninguém","email":"ze@example.com","phone":"+55 11 9 1234-5678",
    "addresses":[{"address":"Rua A","number":"123","floor":null,"locality":"Morumbi","city":"São Paulo",
                  "province":"São Paulo","zipcode":"05653-071","country":"BR","phone":"+55 11 9 1234-5678"},
                 {"address":"Rua B","number":"9","city":"Campinas","province":"São Paulo","zipcode":"13010-000","country":"BR"}],
    "send_email_invite":true,"password":"mysupersecretpassword",
    "accepts_marketing":true,"total_spent":"999.00","id":1,
    "extra":{"gender":"female"},"customer_type":"cpf"})"));
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json; charset=UTF-8");
  auto d = parse_body(r.body);
  ASSERT_TRUE(d["id"].IsInt64());
  EXPECT_GT(d["id"].GetInt64(), 4294967296LL);  // ids need int64
  EXPECT_EQ(str(d, "name"), "Zé Ninguém");
  // Read-only fields in the body are ignored.
  EXPECT_FALSE(d["accepts_marketing"].GetBool());
  EXPECT_EQ(str(d, "total_spent"), "0.00");
  // Create-only inputs never come back; undocumented keys pass through.
  EXPECT_FALSE(d.HasMember("password"));
  EXPECT_FALSE(d.HasMember("send_email_invite"));
  EXPECT_EQ(str(d, "customer_type"), "cpf");
  EXPECT_EQ(str(d["extra"], "gender"), "female");
  // The first address becomes the default one.
  ASSERT_TRUE(d["default_address"].IsObject());
  EXPECT_TRUE(d["default_address"]["default"].GetBool());
  EXPECT_EQ(str(d["default_address"], "address"), "Rua A");
  EXPECT_EQ(str(d["default_address"], "locality"), "Morumbi");
  EXPECT_FALSE(d["addresses"][1]["default"].GetBool());
  EXPECT_TRUE(d["billing_address"].IsNull());
  // Dates carry an offset.
  EXPECT_TRUE(str(d, "created_at").ends_with("+0000")) << str(d, "created_at");
}

TEST(NuvemshopWrites, ValidationErrorsAreAFieldMap) {
  emulator e(opts(1));
  const std::string path = std::string(base) + "/customers";
  auto r = call(e, make_request("POST", path, auth_json(), R"({"name":"No Email"})"));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body, R"({"email":["can't be blank"]})");
  const auto taken = e.stores()[0]->customers.begin()->second.email;
  auto dup = call(e, make_request("POST", path, auth_json(), R"({"name":"Dup","email":")" + taken + "\"}"));
  EXPECT_EQ(dup.status, 422);
  EXPECT_EQ(dup.body, R"({"email":["has already been taken"]})");
  auto bad = call(e, make_request("POST", path, auth_json(), R"({"name":"x",)"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, R"({"error":"Problems parsing JSON"})");
}

TEST(NuvemshopWrites, UnknownIdIs404WithDescription) {
  emulator e(opts(1));
  auto r = call(e, make_request("GET", std::string(base) + "/customers/42", auth()));
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.body, R"({"code":404,"message":"Not Found","description":"Customer with such id does not exist"})");
}

TEST(NuvemshopWrites, PutIsPartialAndCannotSetDefaultOrRemoveAddresses) {
  emulator e(opts());
  auto created = parse_body(call(e, make_request("POST", std::string(base) + "/customers", auth_json(),
                                                R"({"name":"A B","email":"a@b.com","addresses":[{"address":"X","number":"1","country":"AR"}]})"))
                                .body);
  const auto id = std::to_string(created["id"].GetInt64());
  const auto path = std::string(base) + "/customers/" + id;
  auto r = call(e, make_request("PUT", path, auth_json(), R"({"note":"VIP","addresses":[]})"));
  ASSERT_EQ(r.status, 200) << r.body;
  auto d = parse_body(r.body);
  EXPECT_EQ(str(d, "note"), "VIP");
  EXPECT_EQ(str(d, "email"), "a@b.com");
  EXPECT_EQ(d["addresses"].Size(), 1u);  // issue #32: [] removes nothing
  auto with_default = call(e, make_request("PUT", path, auth_json(), R"({"addresses":[{"address":"Y","default":true}]})"));
  EXPECT_EQ(with_default.status, 422);
  EXPECT_TRUE(parse_body(with_default.body).HasMember("addresses"));
  // Empty PUT bodies are accepted with Content-Length: 0.
  EXPECT_EQ(call(e, make_request("PUT", path, auth_json(), "")).status, 200);
}

TEST(NuvemshopWrites, PutCanReplaceAddressesBehindAFlag) {
  auto o = opts();
  o.put_replaces_addresses = true;
  emulator e(o);
  auto created = parse_body(call(e, make_request("POST", std::string(base) + "/customers", auth_json(),
                                                R"({"name":"A B","email":"a@b.com","addresses":[{"address":"X"},{"address":"Y"}]})"))
                                .body);
  const auto keep = created["addresses"][1]["id"].GetInt64();
  auto r = call(e, make_request("PUT", std::string(base) + "/customers/" + std::to_string(created["id"].GetInt64()), auth_json(),
                                R"({"addresses":[{"id":)" + std::to_string(keep) + "}]}"));
  auto d = parse_body(r.body);
  ASSERT_EQ(d["addresses"].Size(), 1u);
  EXPECT_EQ(d["addresses"][0]["id"].GetInt64(), keep);
  EXPECT_TRUE(d["addresses"][0]["default"].GetBool());
}

TEST(NuvemshopWrites, DeleteIs422WithOrdersAnd200WithoutThem) {
  emulator e(opts(40));
  std::int64_t with_orders = 0, without = 0;
  for (const auto& [id, c] : e.stores()[0]->customers) (c.order_count > 0 ? with_orders : without) = id;
  ASSERT_NE(with_orders, 0);
  ASSERT_NE(without, 0);
  auto r = call(e, make_request("DELETE", std::string(base) + "/customers/" + std::to_string(with_orders), auth()));
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(r.body, R"({"code":422,"message":"Unprocessable Entity","description":"Cannot delete a customer with orders"})");
  auto ok = call(e, make_request("DELETE", std::string(base) + "/customers/" + std::to_string(without), auth()));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "{}");
  EXPECT_EQ(call(e, make_request("GET", std::string(base) + "/customers/" + std::to_string(without), auth())).status, 404);
}

TEST(NuvemshopList, PagesCarryLinkAndTotalCountAndEndWith404) {
  emulator e(opts(7));
  const std::string path = std::string(base) + "/customers";
  auto p1 = call(e, make_request("GET", path + "?per_page=3&q=", auth()));
  ASSERT_EQ(p1.status, 200);
  EXPECT_EQ(p1.header("x-total-count"), "7");
  EXPECT_EQ(parse_body(p1.body).Size(), 3u);
  EXPECT_EQ(p1.header("link"),
            "<http://emu.test/v1/1000001/customers?q=&page=2&per_page=3>; rel=\"next\", "
            "<http://emu.test/v1/1000001/customers?q=&page=3&per_page=3>; rel=\"last\"");
  auto p2 = call(e, make_request("GET", path + "?per_page=3&page=2", auth()));
  const auto link2 = std::string(p2.header("link"));
  for (const char* rel : {"rel=\"first\"", "rel=\"prev\"", "rel=\"next\"", "rel=\"last\""}) EXPECT_NE(link2.find(rel), std::string::npos) << rel;
  auto p3 = call(e, make_request("GET", path + "?per_page=3&page=3", auth()));
  EXPECT_EQ(parse_body(p3.body).Size(), 1u);
  EXPECT_EQ(std::string(p3.header("link")).find("rel=\"next\""), std::string::npos);
  auto past = call(e, make_request("GET", path + "?per_page=3&page=4", auth()));
  EXPECT_EQ(past.status, 404);
  EXPECT_EQ(past.body, R"({"code":404,"message":"Not Found","description":"Last page is 3"})");

  emulator empty(opts(0));
  auto none = call(empty, make_request("GET", path, auth()));
  EXPECT_EQ(none.status, 404);
  EXPECT_EQ(none.body, R"({"code":404,"message":"Not Found","description":"Last page is 0"})");
}

TEST(NuvemshopList, DefaultPageIs30AndPerPageStopsAt200) {
  emulator e(opts(205));
  const std::string path = std::string(base) + "/customers";
  EXPECT_EQ(parse_body(call(e, make_request("GET", path, auth())).body).Size(), 30u);
  EXPECT_EQ(parse_body(call(e, make_request("GET", path + "?per_page=500", auth())).body).Size(), 200u);
  auto o = opts(1);
  o.per_page_over_max_is_error = true;
  emulator strict(o);
  auto r = call(strict, make_request("GET", path + "?per_page=201", auth()));
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(parse_body(r.body).HasMember("per_page"));
}

TEST(NuvemshopList, FiltersAndFields) {
  emulator e(opts(30));
  const std::string path = std::string(base) + "/customers";
  const auto& customers = e.stores()[0]->customers;
  auto ids = [&](const std::string& query) {
    std::vector<std::int64_t> out;
    auto r = call(e, make_request("GET", path + query, auth()));
    if (r.status != 200) return out;
    auto d = parse_body(r.body);
    for (const auto& c : d.GetArray()) out.push_back(c["id"].GetInt64());
    return out;
  };
  const auto third = std::next(customers.begin(), 2)->first;
  auto after = ids("?per_page=200&since_id=" + std::to_string(third));
  EXPECT_EQ(after.size(), customers.size() - 3);
  EXPECT_TRUE(std::is_sorted(after.begin(), after.end()));
  EXPECT_GT(after.front(), third);

  // created_at_min with a -03:00 offset: the same instant as +0000 three hours later.
  const auto& pivot = std::next(customers.begin(), 5)->second;
  const auto local = pivot.created_at - std::chrono::hours(3);
  auto stamp = format_iso_z(local);
  stamp = stamp.substr(0, stamp.size() - 1) + "-03:00";
  auto newer = ids("?per_page=200&created_at_min=" + stamp);
  std::size_t expected = 0;
  for (const auto& [id, c] : customers) expected += c.created_at >= pivot.created_at;
  EXPECT_EQ(newer.size(), expected);
  EXPECT_EQ(call(e, make_request("GET", path + "?created_at_min=yesterday", auth())).status, 422);

  // q searches name, email and identification, case-insensitively.
  const auto& target = customers.begin()->second;
  std::string upper = target.email.substr(0, target.email.find('@'));
  for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  auto found = ids("?q=" + upper);
  EXPECT_NE(std::find(found.begin(), found.end(), target.id), found.end());

  auto r = call(e, make_request("GET", path + "?fields=id,name,email", auth()));
  auto d = parse_body(r.body);
  for (const auto& c : d.GetArray()) {
    std::set<std::string> keys;
    for (const auto& m : c.GetObject()) keys.insert(m.name.GetString());
    EXPECT_EQ(keys, (std::set<std::string>{"id", "name", "email"}));
  }
  auto one = parse_body(call(e, make_request("GET", path + "/" + std::to_string(target.id) + "?fields=note", auth())).body);
  EXPECT_EQ(one.MemberCount(), 1u);
}

TEST(NuvemshopRateLimit, LeakyBucketOf40Draining2PerSecond) {
  fake_clock clock;
  auto o = opts(1);
  o.scale.factor = 1;
  o.now = clock.fn();
  emulator e(o);
  const std::string path = std::string(base) + "/customers";
  for (int i = 0; i < 40; ++i) {
    auto r = call(e, make_request("GET", path, auth()));
    ASSERT_EQ(r.status, 200) << i;
    EXPECT_EQ(r.header("x-rate-limit-limit"), "40");
    EXPECT_EQ(r.header("x-rate-limit-remaining"), std::to_string(39 - i));
  }
  auto limited = call(e, make_request("GET", path, auth()));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("x-rate-limit-remaining"), "0");
  EXPECT_EQ(limited.header("x-rate-limit-reset"), "20000");  // ms until 40 requests drain at 2/s
  clock.advance(std::chrono::milliseconds(500));             // one request drains
  EXPECT_EQ(call(e, make_request("GET", path, auth())).status, 200);
  EXPECT_EQ(call(e, make_request("GET", path, auth())).status, 429);
}

TEST(NuvemshopRateLimit, TimeScaleRunsTheLimit100TimesFaster) {
  fake_clock clock;
  auto o = opts(1);
  o.scale.factor = 100;
  o.now = clock.fn();
  emulator e(o);
  const std::string path = std::string(base) + "/customers";
  for (int i = 0; i < 40; ++i) ASSERT_EQ(call(e, make_request("GET", path, auth())).status, 200);
  auto limited = call(e, make_request("GET", path, auth()));
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.header("x-rate-limit-reset"), "200");
  clock.advance(std::chrono::milliseconds(5));  // 500 ms / 100
  EXPECT_EQ(call(e, make_request("GET", path, auth())).status, 200);
}

TEST(NuvemshopMisc, HeadHasNoBody) {
  emulator e(opts(2));
  auto r = call(e, make_request("HEAD", std::string(base) + "/customers", auth()));
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.header("x-total-count"), "2");
}

TEST(NuvemshopMisc, DateVersionedPathsWork) {
  emulator e(opts(2));
  EXPECT_EQ(call(e, make_request("GET", "/2025-03/1000001/customers", auth())).status, 200);
}

// A local receiver for webhook deliveries, on the project's own HTTP server.
class receiver {
 public:
  // The first `fail_first` deliveries are answered 500.
  explicit receiver(int fail_first = 0) : fail_first_(fail_first) {
    http::server_options o;
    o.port = 0;
    o.threads = 1;
    http::handler h;
    h.handle = [this](http::request req) { return record(this, std::move(req)); };
    h.on_error = [](int status, std::string_view) {
      http::response r;
      r.status = status;
      return r;
    };
    server_ = std::make_unique<http::server>(o, h);
    server_->listen();
    thread_ = std::thread([this] { server_->run(false); });
  }
  ~receiver() {
    server_->stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()) + "/hooks"; }
  std::vector<http::request> received() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  static boost::asio::awaitable<http::response> record(receiver* self, http::request req) {
    http::response r;
    {
      std::lock_guard lock(self->mutex_);
      self->requests_.push_back(std::move(req));
      r.status = static_cast<int>(self->requests_.size()) <= self->fail_first_ ? 500 : 200;
    }
    co_return r;
  }
  std::unique_ptr<http::server> server_;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<http::request> requests_;
  int fail_first_ = 0;
};

TEST(NuvemshopWebhooks, RegisteredCustomerEventsAreDeliveredSigned) {
  receiver rx;
  auto o = opts();
  o.client_secret = "s3cret";
  emulator e(o);
  const std::string hooks = std::string(base) + "/webhooks";
  auto bad = call(e, make_request("POST", hooks, auth_json(), R"({"event":"customer/exploded","url":"ftp://x"})"));
  EXPECT_EQ(bad.status, 422);
  auto bd = parse_body(bad.body);
  EXPECT_TRUE(bd.HasMember("event") && bd.HasMember("url"));
  for (const char* ev : {"customer/created", "customer/updated", "customer/deleted"}) {
    auto r = call(e, make_request("POST", hooks, auth_json(), std::string(R"({"event":")") + ev + R"(","url":")" + rx.url() + "\"}"));
    ASSERT_EQ(r.status, 201) << r.body;
    auto d = parse_body(r.body);
    for (const char* k : {"id", "event", "url", "created_at", "updated_at"}) EXPECT_TRUE(d.HasMember(k)) << k;
  }
  auto created = parse_body(call(e, make_request("POST", std::string(base) + "/customers", auth_json(), R"({"name":"W H","email":"w@h.com"})")).body);
  const auto id = created["id"].GetInt64();
  call(e, make_request("PUT", std::string(base) + "/customers/" + std::to_string(id), auth_json(), R"({"note":"n"})"));
  call(e, make_request("DELETE", std::string(base) + "/customers/" + std::to_string(id), auth()));

  auto got = rx.received();
  ASSERT_EQ(got.size(), 3u);
  std::vector<std::string> events;
  for (const auto& req : got) {
    auto d = parse_body(req.body);
    events.push_back(str(d, "event"));
    EXPECT_EQ(d["store_id"].GetInt64(), 1000001);
    EXPECT_EQ(d["id"].GetInt64(), id);
    EXPECT_TRUE(d.HasMember("event_launch_ts"));
    // Lower-case hex HMAC-SHA256 of the raw body with the client secret.
    EXPECT_EQ(req.header("x-linkedstore-hmac-sha256"), hmac_sha256_hex("s3cret", req.body));
  }
  std::sort(events.begin(), events.end());
  EXPECT_EQ(events, (std::vector<std::string>{"customer/created", "customer/deleted", "customer/updated"}));
}

TEST(NuvemshopWebhooks, FailedDeliveriesAreRetriedOnTheScaledSchedule) {
  receiver rx(2);
  auto o = opts();
  o.scale.factor = 100000;  // at once, then 5 min / 1e5 = 3 ms, ...
  emulator e(o);
  ASSERT_EQ(call(e, make_request("POST", std::string(base) + "/webhooks", auth_json(),
                                 R"({"event":"customer/created","url":")" + rx.url() + "\"}")).status, 201);
  ASSERT_EQ(call(e, make_request("POST", std::string(base) + "/customers", auth_json(), R"({"name":"R T","email":"r@t.com"})")).status, 201);
  auto got = rx.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].body, got[2].body);  // the same notification each time
  auto log = e.deliveries()->snapshot();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].attempts, 3);
  EXPECT_EQ(log[0].status, 200);
  EXPECT_EQ(nuvemshop_retry_delays(1).size(), 17u);  // 18 attempts in all
  EXPECT_EQ(nuvemshop_retry_delays(1)[1], std::chrono::minutes(5));
}

TEST(NuvemshopWebhooks, StrictUrlsRefuseLocalhostAndPlainHttp) {
  auto o = opts();
  o.strict_webhook_urls = true;
  emulator e(o);
  const std::string hooks = std::string(base) + "/webhooks";
  EXPECT_EQ(call(e, make_request("POST", hooks, auth_json(), R"({"event":"customer/created","url":"https://localhost/x"})")).status, 422);
  EXPECT_EQ(call(e, make_request("POST", hooks, auth_json(), R"({"event":"customer/created","url":"http://example.com/x"})")).status, 422);
  EXPECT_EQ(call(e, make_request("POST", hooks, auth_json(), R"({"event":"customer/created","url":"https://example.com/x"})")).status, 201);
}

}  // namespace
}  // namespace custbridge::emulators::testing
