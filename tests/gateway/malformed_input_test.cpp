// Bad input never crashes the request parsers: seeded mutations of valid bodies and
// queries each come back as a value or as a 400 with a message (and, for field errors,
// a field and a reason). Seeds are fixed, so a failure replays exactly; the ASan build
// runs the same cases for memory errors.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "gateway/api/customer_json.hpp"
#include "gateway/api/query.hpp"

namespace custbridge::api {
namespace {

const std::string valid_create = R"({"email":"ana.souza@example.com.br","name":"Ana Souza","phone":"+55 11 91234-5678",
  "marketingOptIn":true,"metadata":{"tier":"gold","source":"pos"},
  "addresses":[{"firstName":"Ana","lastName":"Souza","company":"Souza & Filhos","address1":"Rua Augusta 1200",
                "address2":"apto 12","city":"São Paulo","region":"SP","postalCode":"01304-001","country":"Brazil",
                "phone":"+55 11 91234-5678","isDefault":true},
               {"address1":"Av. Paulista 1000","city":"São Paulo","postalCode":"01310-100","country":"BR"}]})";

const std::string valid_patch = R"({"name":"Ana S.","phone":null,"marketingOptIn":false,
  "defaultAddressId":"00000000-0000-4000-8000-000000000001",
  "addresses":[{"id":"00000000-0000-4000-8000-000000000001","city":"Rio de Janeiro"},
               {"address1":"Rua Nova 1","city":"Recife","postalCode":"50000-000","country":"BR","isDefault":false}]})";

// Pieces that tend to break parsers: structure, escapes, numbers at the edges, UTF-8 and
// invalid UTF-8, control bytes.
const std::vector<std::string> fragments = {
    "{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\\u0000", "null", "true", "1e999", "-0",
    "18446744073709551616", "0.1e-400", "\xc3\x28", "\xf0\x90\x28\xbc", "\xff", std::string(1, '\0'), "\x01", "\t",
    "\"addresses\":", "\"isDefault\":", "\"id\":", "\"email\":", "\"metadata\":{", std::string(300, 'a'), "[[[[[[[[",
};

std::string mutate(std::string s, std::mt19937_64& rng) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    const std::size_t at = rng() % (s.size() + 1);
    switch (rng() % 5) {
      case 0: s.erase(at, 1 + rng() % 8); break;                                  // drop bytes
      case 1: s.insert(at, fragments[rng() % fragments.size()]); break;           // insert a fragment
      case 2: if (at < s.size()) s[at] = static_cast<char>(rng() % 256); break;   // flip a byte
      case 3: s.resize(at); break;                                                // truncate
      default: s.insert(at, s.substr(rng() % s.size(), rng() % 40)); break;       // duplicate a slice
    }
  }
  return s;
}

void expect_clear_rejection(const api_error& e, const std::string& input) {
  EXPECT_TRUE(e.kind == error_kind::bad_request || e.kind == error_kind::validation_error)
      << "kind " << static_cast<int>(e.kind) << " for: " << input;
  EXPECT_FALSE(e.message.empty()) << input;
  for (const auto& d : e.details) {
    EXPECT_FALSE(d.field.empty()) << input;
    EXPECT_FALSE(d.reason.empty()) << input;
  }
}

TEST(MalformedInput, MutatedCreateBodiesAreParsedOrRejectedClearly) {
  std::mt19937_64 rng(20261122);
  int accepted = 0;
  for (int i = 0; i < 4000; ++i) {
    const auto body = mutate(valid_create, rng);
    auto r = parse_customer_create(body, 32);
    if (r) {
      ++accepted;
      EXPECT_TRUE(is_valid_email(r->email)) << body;
    } else {
      expect_clear_rejection(r.error(), body);
    }
  }
  EXPECT_GT(accepted, 0) << "some mutations (inside string values) should still be valid";
  EXPECT_LT(accepted, 4000);
}

TEST(MalformedInput, MutatedPatchBodiesAreParsedOrRejectedClearly) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 4000; ++i) {
    const auto body = mutate(valid_patch, rng);
    auto r = parse_customer_patch(body, 32);
    if (!r) expect_clear_rejection(r.error(), body);
  }
}

TEST(MalformedInput, DeepNestingIsRejectedNotRecursedInto) {
  for (const auto& body : {std::string(100000, '['), "{\"metadata\":" + std::string(50000, '{'),
                           "{\"addresses\":[" + std::string(20000, '[') + std::string(20000, ']') + "]}"}) {
    auto create = parse_customer_create(body, 32);
    ASSERT_FALSE(create);
    expect_clear_rejection(create.error(), body.substr(0, 40));
    auto patch = parse_customer_patch(body, 32);
    ASSERT_FALSE(patch);
    expect_clear_rejection(patch.error(), body.substr(0, 40));
  }
}

TEST(MalformedInput, EmptyMemberAndParameterNamesAreNamedVisibly) {
  auto create = parse_customer_create(R"({"email":"a@b.co","":1})", 32);
  ASSERT_FALSE(create);
  ASSERT_EQ(create.error().details.size(), 1u);
  EXPECT_EQ(create.error().details[0].field, "\"\"");
  auto query = parse_list_query("limit=5&=x");
  ASSERT_FALSE(query);
  EXPECT_EQ(query.error().details[0].field, "\"\"");
  EXPECT_EQ(query.error().message.find("''"), std::string::npos) << query.error().message;
}

TEST(MalformedInput, MutatedListQueriesAreParsedOrRejectedClearly) {
  const std::vector<std::string> parts = {"limit=", "offset=", "email=", "search=", "sortBy=", "sortOrder=", "marketingOptIn=",
                                          "hasOrders=", "createdAt", "name", "asc", "desc", "true", "0", "-1", "200", "201",
                                          "99999999999999999999", "%", "%zz", "%00", "%C3%A9", "&", "=", "+", "a%40b.co"};
  std::mt19937_64 rng(42);
  for (int i = 0; i < 4000; ++i) {
    std::string q;
    const int n = static_cast<int>(rng() % 8);
    for (int k = 0; k < n; ++k) q += parts[rng() % parts.size()];
    auto r = parse_list_query(q);
    if (r) {
      EXPECT_GE(r->limit, 1) << q;
      EXPECT_LE(r->limit, 200) << q;
      EXPECT_GE(r->offset, 0) << q;
    } else {
      expect_clear_rejection(r.error(), q);
    }
  }
}

}  // namespace
}  // namespace custbridge::api
