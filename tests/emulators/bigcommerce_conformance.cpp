#include "tests/emulators/bigcommerce_conformance.hpp"

#include <gtest/gtest.h>

#include "emulators/common/query.hpp"

namespace custbridge::emulators::testing {
namespace {

// Finds the spec path template for concrete segments, e.g. {"customers","5","consent"}
// -> "/customers/{customerId}/consent". Literal segments win over parameters.
std::optional<std::string> match_path(const YAML::Node& paths, const std::vector<std::string_view>& seg) {
  std::optional<std::string> best;
  int best_literals = -1;
  for (const auto& p : paths) {
    const auto tmpl = p.first.as<std::string>();
    auto parts = path_segments(tmpl);
    if (parts.size() != seg.size()) continue;
    int literals = 0;
    bool ok = true;
    for (std::size_t i = 0; i < parts.size() && ok; ++i) {
      if (parts[i].starts_with("{")) ok = parse_int(seg[i]).has_value();
      else if (parts[i] == seg[i]) ++literals;
      else ok = false;
    }
    if (ok && literals > best_literals) {
      best = tmpl;
      best_literals = literals;
    }
  }
  return best;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

const bigcommerce_specs& bigcommerce_specs::get() {
  static const bigcommerce_specs specs = [] {
    bigcommerce_specs s;
    const auto dir = bigcommerce_spec_dir();
    std::string err;
    s.customers_v3 = openapi_spec::load(dir + "/customers.v3.yml", err);
    if (!err.empty()) s.error += err + "\n";
    err.clear();
    s.customers_v2 = openapi_spec::load(dir + "/customers.v2.yml", err);
    if (!err.empty()) s.error += err + "\n";
    err.clear();
    s.subscribers_v3 = openapi_spec::load(dir + "/subscribers.v3.yml", err);
    if (!err.empty()) s.error += err + "\n";
    err.clear();
    s.webhooks_v3 = openapi_spec::load(dir + "/webhooks.v3.yml", err);
    if (!err.empty()) s.error += err + "\n";
    return s;
  }();
  return specs;
}

bc_client::bc_client(bigcommerce::emulator& e, std::string hash) : token("bc-token-" + hash), e_(e), hash_(std::move(hash)) {}

http::response bc_client::v3(const std::string& method, const std::string& target, const std::string& body) {
  http::header_list h{{"x-auth-token", token}, {"accept", "application/json"}};
  if (!body.empty()) h.emplace_back("content-type", "application/json");
  return send(make_request(method, "/stores/" + hash_ + "/v3" + target, h, body));
}

http::response bc_client::v2(const std::string& method, const std::string& target, const std::string& body) {
  http::header_list h{{"x-auth-token", token}, {"accept", "application/json"}};
  if (!body.empty()) h.emplace_back("content-type", "application/json");
  return send(make_request(method, "/stores/" + hash_ + "/v2" + target, h, body));
}

http::response bc_client::send(http::request req) {
  auto res = call(e_, req);
  validate(req, res);
  return res;
}

void bc_client::validate(const http::request& req, const http::response& res) {
  const auto& specs = bigcommerce_specs::get();
  if (!specs.error.empty()) {
    ADD_FAILURE() << "conformance specs missing:\n" << specs.error;
    return;
  }
  const auto where = req.method + " " + req.target + " -> " + std::to_string(res.status);
  if (res.status == 204) {
    EXPECT_TRUE(res.body.empty()) << where << ": 204 with a body";
    return;
  }
  rapidjson::Document doc;
  doc.Parse(res.body.c_str(), res.body.size());
  if (doc.HasParseError()) {
    ADD_FAILURE() << where << ": body is not JSON: " << res.body.substr(0, 200);
    return;
  }
  auto seg = path_segments(req.path());
  const bool v2 = seg.size() > 2 && seg[2] == "v2";
  std::vector<std::string_view> rest(seg.begin() + std::min<std::size_t>(3, seg.size()), seg.end());

  const openapi_spec* spec = nullptr;
  if (v2) spec = &*specs.customers_v2;
  else if (!rest.empty() && rest[0] == "hooks") spec = &*specs.webhooks_v3;
  else if (rest.size() >= 2 && rest[1] == "subscribers") spec = &*specs.subscribers_v3;
  else spec = &*specs.customers_v3;

  if (v2 && !rest.empty() && rest[0] == "orders") {
    // The Orders V2 spec is not among the shared files: shape checked by the tests themselves.
    return;
  }
  YAML::Node schema;
  std::string tmpl;
  if (auto t = match_path(spec->paths(), rest)) {
    tmpl = *t;
    schema = spec->response_schema(tmpl, lower(req.method), res.status);
  }
  if (!schema && res.status >= 400) {
    if (v2) {
      // V2 errors: an array of {status, message, details?}.
      ASSERT_TRUE(doc.IsArray() && doc.Size() >= 1) << where << ": V2 error is not an array: " << res.body;
      for (const auto& e : doc.GetArray()) {
        EXPECT_TRUE(e.IsObject() && e.HasMember("status") && e["status"].IsInt() && e.HasMember("message") && e["message"].IsString())
            << where << ": " << res.body;
        if (e.IsObject() && e.HasMember("status") && e["status"].IsInt()) {
          EXPECT_EQ(e["status"].GetInt(), res.status) << where;
        }
      }
      return;
    }
    schema = specs.customers_v3->component_schema("ErrorResponse");
  }
  if (!schema) {
    ADD_FAILURE() << where << ": the spec documents no JSON body for this response (path " << (tmpl.empty() ? "unmatched" : tmpl) << ")";
    return;
  }
  // Two known defects of customers.v2.yml, documented in docs/emulators.md:
  // PUT /customers/{id} answers with customer_Base, which drops the id and dates every
  // other customer response carries; and customerAddress_Full lost `form_fields`, which
  // the 2022 spec (historic/customers.v2.at-57e3f20e.yml) still returns.
  if (v2 && tmpl == "/customers/{customer_id}" && req.method == "PUT" && res.status == 200)
    schema = spec->component_schema("customer_Full");
  const bool v2_address = v2 && tmpl.starts_with("/customers/{customer_id}/addresses") && res.status == 200;
  const bool strict = res.status < 400;
  for (const auto& problem : spec->validate(doc, schema, strict)) {
    if (v2_address && problem.ends_with(".form_fields: property not in the schema")) continue;
    ADD_FAILURE() << where << ": " << problem;
  }
  if (res.status >= 400 && !v2) {
    EXPECT_TRUE(doc.IsObject() && doc.HasMember("status") && doc["status"].IsInt() && doc["status"].GetInt() == res.status)
        << where << ": " << res.body;
  }
}

}  // namespace custbridge::emulators::testing
