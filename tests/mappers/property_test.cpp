// Property: a random canonical customer survives canonical -> platform -> canonical for
// every field the platform can hold. Seeds are fixed, so a failure replays exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "mappers/mapper.hpp"
#include "tests/mappers/support.hpp"

namespace custbridge::mappers {
namespace {

using rapidjson::Value;

struct platform_fields {
  std::string platform;
  std::vector<std::string> customer;
  std::vector<std::string> address;
  bool addresses_inline = true;   // false: addresses go through the address mapping alone
  bool street_with_number = false;  // Nuvemshop splits "street, number"
  bool single_word_first_names = false;  // Nuvemshop joins address names into one field
};

const std::vector<platform_fields> platforms = {
    {"nuvemshop",
     {"email", "name", "phone", "metadata", "addresses"},
     {"id", "firstName", "lastName", "address1", "address2", "city", "region", "postalCode", "country", "phone", "isDefault"},
     true, true, true},
    {"bigcommerce_v3",
     {"email", "name", "phone", "marketingOptIn", "addresses"},
     {"id", "firstName", "lastName", "company", "address1", "address2", "city", "region", "postalCode", "country", "phone"},
     true, false, false},
    {"bigcommerce_v2",
     {"email", "name", "phone"},
     {"id", "firstName", "lastName", "company", "address1", "address2", "city", "region", "postalCode", "country", "phone"},
     false, false, false},
};

class generator {
 public:
  explicit generator(unsigned seed) : rng_(seed) {}

  int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  bool coin() { return below(2) == 1; }
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(below(static_cast<int>(v.size())))]; }

  std::string digits(int min, int max) {
    std::string s;
    const int n = min + below(max - min + 1);
    for (int i = 0; i < n; ++i) s += static_cast<char>('0' + (i == 0 ? 1 + below(9) : below(10)));
    return s;
  }

  std::string word() {
    static const std::vector<std::string> words = {"Ana",   "José",  "Zoë",    "Müller", "Nguyễn", "Smith", "da",
                                                   "Silva", "O'Neil", "Łukasz", "van",    "Berg",   "Ñandú", "Chloé"};
    return pick(words);
  }

  std::string words(int min, int max) {
    std::string s;
    const int n = min + below(max - min + 1);
    for (int i = 0; i < n; ++i) s += (i ? " " : "") + word();
    return s;
  }

  std::string email() {
    static const std::vector<std::string> domains = {"example.com", "exemplo.com.br", "mail.co"};
    std::string local;
    for (int i = 0, n = 3 + below(8); i < n; ++i) local += static_cast<char>(coin() ? 'a' + below(26) : '0' + below(10));
    return local + (coin() ? "+tag" : "") + "@" + pick(domains);
  }

  std::string street(bool with_number) {
    static const std::vector<std::string> kinds = {"Rua", "Avenida", "Calle", "Main", "Praça"};
    std::string s = pick(kinds) + " " + words(1, 3);
    if (with_number && coin()) s += ", " + (below(5) == 0 ? std::string("S/N") : digits(1, 4) + (coin() ? "" : "B"));
    return s;
  }

  // A country and a region that the platforms store as a name and the canonical API as a code.
  std::pair<std::string, std::string> place() {
    static const std::vector<std::pair<std::string, std::vector<std::string>>> table = {
        {"US", {"NY", "CA", "TX", "OR", "WA"}}, {"BR", {"SP", "RJ", "MG", "BA"}}, {"AR", {"B", "C", "X", "R"}},
        {"MX", {"CMX", "JAL", "NLE"}},          {"CA", {"QC", "ON", "BC"}},       {"AU", {"NSW", "VIC", "WA"}},
        {"DE", {"Bayern", "Hessen"}},           {"FR", {"Île-de-France"}},        {"JP", {"Tōkyō-to"}}};
    const auto& [country, regions] = pick(table);
    return {country, pick(regions)};
  }

 private:
  std::mt19937 rng_;
};

Value str(const std::string& s, json_allocator& a) { return Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a); }

Value random_address(generator& g, const platform_fields& pf, json_allocator& a) {
  Value addr(rapidjson::kObjectType);
  addr.AddMember("id", str(g.digits(1, 9), a), a);
  addr.AddMember("firstName", str(pf.single_word_first_names ? g.word() : g.words(1, 2), a), a);
  addr.AddMember("lastName", str(g.words(1, 3), a), a);
  addr.AddMember("company", g.coin() ? str(g.words(1, 2) + " Ltda", a) : Value(), a);
  addr.AddMember("address1", str(g.street(pf.street_with_number), a), a);
  addr.AddMember("address2", g.coin() ? str("Apto " + g.digits(1, 3), a) : Value(), a);
  addr.AddMember("city", str(g.words(1, 2), a), a);
  auto [country, region] = g.place();
  addr.AddMember("region", str(region, a), a);
  addr.AddMember("postalCode", str(g.digits(4, 5) + (g.coin() ? "-" + g.digits(3, 3) : ""), a), a);
  addr.AddMember("country", str(country, a), a);
  addr.AddMember("phone", g.coin() ? str("+" + g.digits(8, 12), a) : Value(), a);
  addr.AddMember("isDefault", g.coin(), a);
  return addr;
}

Value random_customer(generator& g, const platform_fields& pf, json_allocator& a) {
  Value c(rapidjson::kObjectType);
  c.AddMember("email", str(g.email(), a), a);
  c.AddMember("name", str(g.words(1, 4), a), a);
  c.AddMember("phone", g.coin() ? str(g.digits(8, 11), a) : Value(), a);
  c.AddMember("marketingOptIn", g.coin(), a);
  Value meta(rapidjson::kObjectType);
  for (int i = 0, n = g.below(4); i < n; ++i) {
    const std::string key = "k" + std::to_string(i);
    meta.AddMember(str(key, a), str(g.words(1, 2), a), a);
  }
  c.AddMember("metadata", meta, a);
  Value addrs(rapidjson::kArrayType);
  for (int i = 0, n = g.below(4); i < n; ++i) addrs.PushBack(random_address(g, pf, a), a);
  c.AddMember("addresses", addrs, a);
  return c;
}

// The members of `v` listed in `keys` (and, in addresses, in `address_keys`).
Value project(const Value& v, const std::vector<std::string>& keys, const std::vector<std::string>& address_keys,
              json_allocator& a) {
  Value out(rapidjson::kObjectType);
  for (const auto& k : keys) {
    auto m = v.FindMember(k.c_str());
    // A write may leave a null out or send it as "" (the plan's null policy); the gateway
    // reads absent, null and "" in an optional string alike.
    if (m == v.MemberEnd() || m->value.IsNull() || (m->value.IsString() && m->value.GetStringLength() == 0)) continue;
    if (k == "addresses" && m->value.IsArray()) {
      Value arr(rapidjson::kArrayType);
      for (const auto& item : m->value.GetArray()) arr.PushBack(project(item, address_keys, {}, a), a);
      out.AddMember(str(k, a), arr, a);
    } else {
      out.AddMember(str(k, a), Value(m->value, a), a);
    }
  }
  return out;
}

class round_trip : public ::testing::TestWithParam<platform_fields> {};

TEST_P(round_trip, random_customers_survive_canonical_to_platform_and_back) {
  const auto& pf = GetParam();
  auto plan = test::load_platform(pf.platform);
  ASSERT_TRUE(plan);
  for (unsigned seed = 1; seed <= 400; ++seed) {
    generator g(seed);
    rapidjson::Document doc;
    auto& a = doc.GetAllocator();
    Value original = random_customer(g, pf, a);
    Value platform, back;
    auto w = customer_to_platform(*plan, original, operation::create, platform, a);
    ASSERT_TRUE(w.ok()) << "seed " << seed << ": " << w.invalid[0].field << " " << w.invalid[0].reason;
    auto r = customer_to_canonical(*plan, platform, back, a);
    ASSERT_TRUE(r.ok()) << "seed " << seed << ": " << r.invalid[0].field << " " << r.invalid[0].reason;
    Value expected = project(original, pf.customer, pf.address, a);
    Value actual = project(back, pf.customer, pf.address, a);
    ASSERT_TRUE(expected == actual) << "seed " << seed << "\nsent " << test::dump(original) << "\nplatform "
                                    << test::dump(platform) << "\nback " << test::dump(back);
    // Fields the platform cannot hold are reported, never dropped in silence.
    for (const auto& key : {"name", "phone", "marketingOptIn", "metadata", "addresses"}) {
      const bool held = std::find(pf.customer.begin(), pf.customer.end(), key) != pf.customer.end();
      const bool reported = std::any_of(w.dropped.begin(), w.dropped.end(), [&](const auto& d) {
        return d.field == key || d.field.starts_with(std::string(key) + ".") || d.field.starts_with(std::string(key) + "[");
      });
      const auto& v = original[key];
      const bool empty = v.IsNull() || (v.IsObject() && v.MemberCount() == 0) || (v.IsArray() && v.Empty());
      if (!held && !empty) {
        ASSERT_TRUE(reported) << pf.platform << " seed " << seed << ": " << key << " not reported";
      }
    }
    if (!pf.addresses_inline) {
      for (const auto& addr : original["addresses"].GetArray()) {
        Value p, b;
        auto wa = address_to_platform(*plan, addr, operation::create, p, a);
        ASSERT_TRUE(wa.ok()) << "seed " << seed;
        auto ra = address_to_canonical(*plan, p, b, a);
        ASSERT_TRUE(ra.ok()) << "seed " << seed;
        Value e = project(addr, pf.address, {}, a), got = project(b, pf.address, {}, a);
        ASSERT_TRUE(e == got) << "seed " << seed << "\nsent " << test::dump(addr) << "\nplatform " << test::dump(p)
                              << "\nback " << test::dump(b);
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(platforms, round_trip, ::testing::ValuesIn(platforms),
                         [](const auto& p) { return p.param.platform; });

}  // namespace
}  // namespace custbridge::mappers
