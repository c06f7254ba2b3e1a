// Shared machinery: admin endpoints, seeded fault injection, request counters,
// deterministic seeding, and Nuvemshop's conformance with the seed file's examples.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>

#include "emulators/bigcommerce/emulator.hpp"
#include "emulators/common/dates.hpp"
#include "emulators/common/seed_data.hpp"
#include "emulators/nuvemshop/emulator.hpp"
#include "tests/emulators/emulator_test_support.hpp"

namespace custbridge::emulators::testing {
namespace {

http::header_list ns_auth() { return {{"authentication", "bearer ns-token-1000001"}, {"user-agent", "tests (dev@example.com)"}}; }
http::header_list bc_auth() { return {{"x-auth-token", "bc-token-emu00001"}}; }

std::shared_ptr<frontend> nuvemshop_frontend(std::size_t customers, fault_config faults = {}) {
  nuvemshop::options o;
  o.customers = customers;
  o.scale.factor = 0;
  return std::make_shared<frontend>(std::make_shared<nuvemshop::emulator>(o), faults);
}

std::shared_ptr<frontend> bigcommerce_frontend(std::size_t customers, fault_config faults = {}) {
  bigcommerce::options o;
  o.customers = customers;
  o.scale.factor = 0;
  return std::make_shared<frontend>(std::make_shared<bigcommerce::emulator>(o), faults);
}

std::vector<int> statuses(const std::shared_ptr<frontend>& fe, int n) {
  std::vector<int> out;
  for (int i = 0; i < n; ++i) out.push_back(call(fe, make_request("GET", "/v1/1000001/customers", ns_auth())).status);
  return out;
}

TEST(Faults, ErrorsUseThePlatformsOwnShape) {
  fault_config f;
  f.error_rate = 1;
  f.error_statuses = {503};
  auto ns = call(nuvemshop_frontend(2, f), make_request("GET", "/v1/1000001/customers", ns_auth()));
  EXPECT_EQ(ns.status, 503);
  auto nd = parse_body(ns.body);
  EXPECT_EQ(nd["code"].GetInt(), 503);
  EXPECT_TRUE(nd.HasMember("description"));
  auto bc = call(bigcommerce_frontend(2, f), make_request("GET", "/stores/emu00001/v3/customers", bc_auth()));
  EXPECT_EQ(bc.status, 503);
  EXPECT_EQ(parse_body(bc.body)["status"].GetInt(), 503);
  auto v2 = call(bigcommerce_frontend(2, f), make_request("GET", "/stores/emu00001/v2/customers", bc_auth()));
  EXPECT_TRUE(parse_body(v2.body).IsArray());
}

TEST(Faults, TargetedFailuresHitOnlyMatchingRequestsAndCountDown) {
  fault_config f;
  ASSERT_FALSE(merge_fault_json(R"({"fail_method":"DELETE","fail_path":"/v3/customers/addresses","fail_times":2,"error_statuses":[502]})", f));
  EXPECT_TRUE(merge_fault_json(R"({"fail_times":-1})", f)) << "a negative count is refused";
  auto fe = bigcommerce_frontend(0, f);
  EXPECT_EQ(call(fe, make_request("GET", "/stores/emu00001/v3/customers/addresses", bc_auth())).status, 200);
  EXPECT_EQ(call(fe, make_request("DELETE", "/stores/emu00001/v3/customers?id:in=1", bc_auth())).status, 204);
  EXPECT_EQ(call(fe, make_request("DELETE", "/stores/emu00001/v3/customers/addresses?id:in=1", bc_auth())).status, 502);
  EXPECT_EQ(call(fe, make_request("DELETE", "/stores/emu00001/v3/customers/addresses?id:in=2", bc_auth())).status, 502);
  EXPECT_EQ(call(fe, make_request("DELETE", "/stores/emu00001/v3/customers/addresses?id:in=3", bc_auth())).status, 204);
}

TEST(Faults, SameSeedSameFaultsDifferentSeedDifferentFaults) {
  fault_config f;
  f.error_rate = 0.3;
  f.seed = 42;
  const auto a = statuses(nuvemshop_frontend(1, f), 60);
  const auto b = statuses(nuvemshop_frontend(1, f), 60);
  EXPECT_EQ(a, b);
  const auto errors = std::count_if(a.begin(), a.end(), [](int s) { return s >= 500; });
  EXPECT_GT(errors, 5);
  EXPECT_LT(errors, 35);
  f.seed = 43;
  EXPECT_NE(statuses(nuvemshop_frontend(1, f), 60), a);
}

TEST(Faults, StormsAnswer429ForStormLengthRequests) {
  fault_config f;
  f.storm_rate = 0.05;
  f.storm_length = 4;
  f.seed = 7;
  const auto s = statuses(nuvemshop_frontend(1, f), 400);
  // Every run of 429s is a whole number of storms.
  int run = 0, storms = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && s[i] == 429) {
      ++run;
      continue;
    }
    if (run && i < s.size()) {  // a storm still running at the end is cut short
      EXPECT_EQ(run % 4, 0) << "at " << i;
      storms += run / 4;
    }
    run = 0;
  }
  EXPECT_GT(storms, 3);
}

TEST(Faults, TruncatedAndMalformedBodiesAreNotJson) {
  for (auto kind : {"truncate_rate", "malformed_rate"}) {
    fault_config f;
    ASSERT_FALSE(merge_fault_json(std::string("{\"") + kind + "\":1}", f)) << kind;
    auto fe = nuvemshop_frontend(3, f);
    auto r = call(fe, make_request("GET", "/v1/1000001/customers", ns_auth()));
    EXPECT_EQ(r.status, 200);
    rapidjson::Document d;
    d.Parse(r.body.c_str(), r.body.size());
    EXPECT_TRUE(d.HasParseError()) << kind << ": " << r.body.substr(0, 80);
  }
}

TEST(Faults, LatencyIsAdded) {
  fault_config f;
  f.latency = std::chrono::milliseconds(40);
  auto fe = nuvemshop_frontend(1, f);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(call(fe, make_request("GET", "/v1/1000001/customers", ns_auth())).status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(40));
}

http::request slow_put() {
  return make_request("PUT", "/stores/emu00001/v3/customers",
                      {{"x-auth-token", "bc-token-emu00001"}, {"content-type", "application/json"}}, R"([{"id":1,"notes":"slow"}])");
}

// A plain function, not a lambda: g++ 12 miscompiles string literals inside coroutine bodies.
boost::asio::awaitable<void> put_customer(std::shared_ptr<frontend> fe, std::vector<int>* statuses) {
  auto r = co_await serve(fe, slow_put());
  statuses->push_back(r.status);
}

TEST(Faults, SlowRequestsHoldTheirConcurrencySlot) {
  // Four PUT /v3/customers in flight at once, each slowed by 50 ms: the cap is 3.
  fault_config f;
  f.latency = std::chrono::milliseconds(50);
  auto fe = bigcommerce_frontend(2, f);
  boost::asio::io_context ioc;
  std::vector<int> got;
  for (int i = 0; i < 4; ++i) boost::asio::co_spawn(ioc, put_customer(fe, &got), boost::asio::detached);
  ioc.run();
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<int>{200, 200, 200, 429}));
  // Once they are done the slots are free again.
  EXPECT_EQ(call(fe, make_request("PUT", "/stores/emu00001/v3/customers",
                                  {{"x-auth-token", "bc-token-emu00001"}, {"content-type", "application/json"}},
                                  R"([{"id":1,"notes":"fast"}])")).status, 200);
}

TEST(Admin, FaultsCanBeSetAndClearedAtRunTime) {
  auto fe = nuvemshop_frontend(2);
  auto bad = call(fe, make_request("PUT", "/__emulator/faults", {}, R"({"error_rate":2})"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(call(fe, make_request("PUT", "/__emulator/faults", {}, R"({"lag":1})")).status, 400);
  auto set = call(fe, make_request("PUT", "/__emulator/faults", {}, R"({"error_rate":1,"error_statuses":[502],"seed":9})"));
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(call(fe, make_request("GET", "/v1/1000001/customers", ns_auth())).status, 502);
  auto get = parse_body(call(fe, make_request("GET", "/__emulator/faults")).body);
  EXPECT_EQ(get["error_statuses"][0].GetInt(), 502);
  EXPECT_EQ(get["seed"].GetUint64(), 9u);
  EXPECT_EQ(call(fe, make_request("DELETE", "/__emulator/faults")).status, 200);
  EXPECT_EQ(call(fe, make_request("GET", "/v1/1000001/customers", ns_auth())).status, 200);
}

TEST(Admin, ResetSeedDumpAndStats) {
  auto fe = bigcommerce_frontend(4);
  // Admin routes need no token and are not counted.
  auto dump = parse_body(call(fe, make_request("GET", "/__emulator/dump")).body);
  EXPECT_EQ(std::string(dump["platform"].GetString()), "bigcommerce");
  EXPECT_EQ(dump["stores"][0]["customers"].Size(), 4u);

  call(fe, make_request("GET", "/stores/emu00001/v3/customers", bc_auth()));
  call(fe, make_request("GET", "/stores/emu00001/v3/customers/addresses", bc_auth()));
  call(fe, make_request("GET", "/stores/emu00001/v2/customers/3", bc_auth()));
  call(fe, make_request("GET", "/stores/emu00001/v2/customers/4", bc_auth()));
  call(fe, make_request("GET", "/stores/emu00001/v2/customers/9", bc_auth()));
  call(fe, make_request("GET", "/stores/emu00001/v3/customers", {}));
  EXPECT_EQ(fe->counters().count("GET /stores/{hash}/v3/customers", 200), 1u);
  EXPECT_EQ(fe->counters().count("GET /stores/{hash}/v3/customers", 401), 1u);
  EXPECT_EQ(fe->counters().count("GET /stores/{hash}/v2/customers/{id}", 200), 2u);
  EXPECT_EQ(fe->counters().count("GET /stores/{hash}/v2/customers/{id}", 404), 1u);
  auto stats = parse_body(call(fe, make_request("GET", "/__emulator/stats")).body);
  EXPECT_EQ(stats["total"].GetUint64(), 6u);

  EXPECT_EQ(call(fe, make_request("POST", "/__emulator/seed?customers=9&seed=3")).status, 200);
  auto reseeded = parse_body(call(fe, make_request("GET", "/__emulator/dump")).body);
  EXPECT_EQ(reseeded["stores"][0]["customers"].Size(), 9u);
  EXPECT_EQ(parse_body(call(fe, make_request("GET", "/__emulator/stats")).body)["total"].GetUint64(), 0u);
  EXPECT_EQ(call(fe, make_request("POST", "/__emulator/reset")).status, 200);
  auto empty = parse_body(call(fe, make_request("GET", "/__emulator/dump")).body);
  EXPECT_EQ(empty["stores"][0]["customers"].Size(), 0u);
  EXPECT_EQ(call(fe, make_request("GET", "/__emulator/nope")).status, 404);
}

TEST(DateHeader, EveryResponseCarriesAnImfFixdateFromTheCustomerClock) {
  const std::regex imf_fixdate(R"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT)");
  fault_config failing;
  failing.error_rate = 1;
  failing.error_statuses = {503};
  const std::vector<std::pair<std::shared_ptr<frontend>, http::request>> cases{
      {nuvemshop_frontend(1), make_request("GET", "/v1/1000001/customers", ns_auth())},
      {nuvemshop_frontend(1), make_request("GET", "/v1/1000001/customers", {})},
      {nuvemshop_frontend(1), make_request("GET", "/__emulator/health")},
      {nuvemshop_frontend(1, failing), make_request("GET", "/v1/1000001/customers", ns_auth())},
      {bigcommerce_frontend(1), make_request("GET", "/stores/emu00001/v3/customers", bc_auth())},
      {bigcommerce_frontend(1), make_request("GET", "/stores/emu00001/v2/customers/999", bc_auth())},
  };
  for (const auto& [fe, req] : cases) {
    const auto before = now_seconds();
    auto r = call(fe, req);
    const auto after = now_seconds();
    const std::string date(r.header("date"));
    EXPECT_TRUE(std::regex_match(date, imf_fixdate)) << req.target << ": '" << date << "'";
    auto t = parse_rfc2822(date);
    ASSERT_TRUE(t) << date;
    EXPECT_GE(*t, before);
    EXPECT_LE(*t, after);
  }
  EXPECT_EQ(format_http_date(sys_seconds{std::chrono::seconds{784111777}}), "Sun, 06 Nov 1994 08:49:37 GMT");

  // The Date of a create is no earlier than the timestamp it stamps on the customer.
  auto fe = nuvemshop_frontend(0);
  auto headers = ns_auth();
  headers.emplace_back("content-type", "application/json; charset=utf-8");
  auto created = call(fe, make_request("POST", "/v1/1000001/customers", headers, R"({"name":"Ana Souza","email":"ana@example.com"})"));
  ASSERT_EQ(created.status, 201) << created.body;
  auto stamped = parse_iso8601(parse_body(created.body)["updated_at"].GetString());
  auto date = parse_rfc2822(std::string(created.header("date")));
  ASSERT_TRUE(stamped && date);
  EXPECT_GE(*date, *stamped);
  EXPECT_LE(*date - *stamped, std::chrono::seconds(1));
}

TEST(Seeding, DeterministicRealisticAndVaried) {
  nuvemshop::options o;
  o.customers = 300;
  o.seed = 21;
  nuvemshop::emulator a(o), b(o);
  EXPECT_EQ(a.dump_json(), b.dump_json());
  o.seed = 22;
  nuvemshop::emulator c(o);
  EXPECT_NE(a.dump_json(), c.dump_json());

  std::size_t non_ascii = 0, with_orders = 0, br_with_number_and_locality = 0, us = 0;
  std::set<std::size_t> address_counts;
  std::set<std::string> emails;
  for (const auto& [id, cu] : a.stores()[0]->customers) {
    non_ascii += std::any_of(cu.name.begin(), cu.name.end(), [](char ch) { return static_cast<unsigned char>(ch) >= 0x80; });
    with_orders += cu.order_count > 0;
    address_counts.insert(cu.addresses.size());
    emails.insert(cu.email);
    for (const auto& ad : cu.addresses) {
      if (ad.country == "BR" && ad.number && !ad.number->empty() && ad.locality) ++br_with_number_and_locality;
      us += ad.country == "US";
    }
  }
  EXPECT_EQ(emails.size(), 300u);  // unique
  EXPECT_GT(non_ascii, 30u);
  EXPECT_GT(with_orders, 60u);
  EXPECT_LT(with_orders, 180u);
  EXPECT_EQ(address_counts, (std::set<std::size_t>{0, 1, 2, 3}));
  EXPECT_GT(br_with_number_and_locality, 50u);
  EXPECT_GT(us, 30u);
}

TEST(Seeding, CreationDatesFollowTheOrderOfIds) {
  // The platforms' ids grow with creation, and the gateway relies on it (createdAt
  // order is id order on Nuvemshop): seeded people must be created in index order.
  for (std::uint64_t seed : {1u, 3u, 99u}) {
    auto previous = generate_person(seed, 0).created_at;
    for (std::size_t i = 1; i < 3000; ++i) {
      const auto p = generate_person(seed, i);
      ASSERT_GE(p.created_at, previous) << "seed " << seed << " person " << i;
      ASSERT_GE(p.updated_at, p.created_at);
      previous = p.created_at;
    }
    const auto year_of = [](auto t) { return static_cast<int>(std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(t)}.year()); };
    EXPECT_EQ(year_of(generate_person(seed, 0).created_at), 2019);
    EXPECT_LE(year_of(generate_person(seed, 1'000'000).created_at), 2024) << "a million people still fit in six years";
  }
}

TEST(Seeding, AsciiFoldKeepsEmailsPlain) {
  EXPECT_EQ(ascii_fold("José Conceição"), "jose.conceicao");
  EXPECT_EQ(ascii_fold("Müller"), "muller");
  EXPECT_EQ(ascii_fold("山田"), "");
}

// Every JSON object in the seed file that looks like a customer.
std::vector<rapidjson::Document> seed_customers(const std::string& text) {
  std::vector<rapidjson::Document> out;
  for (std::size_t pos = 0; pos < text.size(); ++pos) {
    if ((text[pos] != '{' && text[pos] != '[') || (pos > 0 && text[pos - 1] != '\n')) continue;
    rapidjson::Document d;
    d.Parse<rapidjson::kParseStopWhenDoneFlag>(text.c_str() + pos, text.size() - pos);
    if (d.HasParseError()) continue;
    auto take = [&](const rapidjson::Value& v) {
      // Responses only: the POST request example has no id.
      if (v.IsObject() && v.HasMember("id") && v.HasMember("email") && v.HasMember("addresses")) {
        rapidjson::Document copy;
        copy.CopyFrom(v, copy.GetAllocator());
        out.push_back(std::move(copy));
      }
    };
    if (d.IsArray())
      for (const auto& v : d.GetArray()) take(v);
    else
      take(d);
  }
  return out;
}

std::string kind(const rapidjson::Value& v) {
  if (v.IsNull()) return "null";
  if (v.IsString()) return "string";
  if (v.IsBool()) return "bool";
  if (v.IsNumber()) return "number";
  if (v.IsArray()) return "array";
  return "object";
}

// Checks that `ours` has every key of `example`, each of a compatible kind (a string
// field may be null, as the fact sheet says empty values come back as "" or null).
void expect_same_fields(const rapidjson::Value& example, const rapidjson::Value& ours, const std::string& where) {
  for (const auto& m : example.GetObject()) {
    const std::string key = m.name.GetString();
    auto it = ours.FindMember(key.c_str());
    if (it == ours.MemberEnd()) {
      ADD_FAILURE() << where << ": missing field '" << key << "'";
      continue;
    }
    const auto want = kind(m.value), got = kind(it->value);
    const bool nullable_string = (want == "string" || want == "null") && (got == "string" || got == "null");
    const bool nullable_object = key == "default_address" && (got == "object" || got == "null");
    const bool nullable_number = key == "last_order_id" && (got == "number" || got == "null");
    EXPECT_TRUE(want == got || nullable_string || nullable_object || nullable_number) << where << "." << key << ": " << got << " where the example has " << want;
  }
}

TEST(NuvemshopConformance, FieldsMatchTheSeedExamples) {
  const auto path = std::string(CUSTBRIDGE_SOURCE_DIR) + "/../shared/seeds/001_4619af131165625d.txt";
  const auto text = read_file(path);
  ASSERT_FALSE(text.empty()) << "seed file missing: " << path;
  const auto examples = seed_customers(text);
  ASSERT_GE(examples.size(), 4u) << "could not find the customer examples in " << path;

  nuvemshop::options o;
  o.customers = 60;
  o.scale.factor = 0;
  nuvemshop::emulator e(o);
  auto r = call(e, make_request("GET", "/v1/1000001/customers?per_page=200", ns_auth()));
  auto ours = parse_body(r.body);
  ASSERT_TRUE(ours.IsArray());
  for (const auto& example : examples) {
    for (const auto& c : ours.GetArray()) {
      expect_same_fields(example, c, "customer " + std::to_string(c["id"].GetInt64()));
      if (!example["addresses"].Empty())
        for (const auto& a : c["addresses"].GetArray()) expect_same_fields(example["addresses"][0], a, "address");
    }
  }
  // And the value formats the examples show.
  for (const auto& c : ours.GetArray()) {
    const std::string spent = c["total_spent"].GetString();
    EXPECT_EQ(spent.size() - spent.find('.'), 3u) << spent;
    EXPECT_EQ(std::string(c["total_spent_currency"].GetString()).size(), 3u);
    EXPECT_TRUE(c["extra"].IsObject());
  }
}

}  // namespace
}  // namespace custbridge::emulators::testing
