// Golden fixtures from the sources' own examples, checked in both directions.
// See golden/README.md for the layout and the provenance of every file.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "mappers/loader.hpp"
#include "mappers/mapper.hpp"
#include "tests/mappers/support.hpp"

namespace custbridge::mappers {
namespace {

namespace fs = std::filesystem;
using rapidjson::Value;

std::string issues(const map_report& r) {
  std::string s;
  for (const auto& i : r.invalid) s += "  invalid " + i.field + ": " + i.reason + "\n";
  return s;
}

// Every member of `mapped` appears in `backend` with an equal value; arrays element-wise.
void expect_agrees(const Value& mapped, const Value& backend, const std::string& where) {
  if (mapped.IsObject() && backend.IsObject()) {
    for (auto m = mapped.MemberBegin(); m != mapped.MemberEnd(); ++m) {
      const std::string path = where + "." + m->name.GetString();
      auto b = backend.FindMember(m->name);
      if (b == backend.MemberEnd()) {
        ADD_FAILURE() << path << " is written but not in backend.json: " << test::dump(m->value);
        continue;
      }
      expect_agrees(m->value, b->value, path);
    }
    return;
  }
  if (mapped.IsArray() && backend.IsArray()) {
    ASSERT_EQ(mapped.Size(), backend.Size()) << where;
    for (rapidjson::SizeType i = 0; i < mapped.Size(); ++i)
      expect_agrees(mapped[i], backend[i], where + "[" + std::to_string(i) + "]");
    return;
  }
  EXPECT_TRUE(mapped == backend) << where << ": wrote " << test::dump(mapped) << ", backend.json has "
                                 << test::dump(backend);
}

struct golden_case {
  std::string platform;
  std::string name;
  fs::path dir;
};

std::vector<golden_case> all_cases() {
  std::vector<golden_case> out;
  const auto root = test::source_dir() / "tests/mappers/golden";
  for (const auto& platform : fs::directory_iterator(root)) {
    if (!platform.is_directory()) continue;
    for (const auto& c : fs::directory_iterator(platform.path()))
      if (c.is_directory())
        out.push_back({platform.path().filename().string(), c.path().filename().string(), c.path()});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.dir < b.dir; });
  return out;
}

class golden : public ::testing::TestWithParam<golden_case> {};

TEST_P(golden, backend_to_canonical_and_back) {
  const auto& gc = GetParam();
  auto plan = test::load_platform(gc.platform);
  ASSERT_TRUE(plan);
  const bool address_case = gc.name.starts_with("address");
  auto canonical = test::parse(test::read_text(gc.dir / "canonical.json"));
  auto backend_doc = test::parse(test::read_text(gc.dir / "backend.json"));
  auto write_only = test::parse(test::read_text(gc.dir.parent_path() / "write_only.json"));

  const Value* backend = &backend_doc;
  if (backend->IsObject() && backend->HasMember("data")) backend = &(*backend)["data"];
  std::vector<const Value*> backend_items, canonical_items;
  if (canonical.IsArray()) {
    ASSERT_TRUE(backend->IsArray());
    ASSERT_EQ(backend->Size(), canonical.Size());
    for (rapidjson::SizeType i = 0; i < canonical.Size(); ++i) {
      backend_items.push_back(&(*backend)[i]);
      canonical_items.push_back(&canonical[i]);
    }
  } else {
    backend_items.push_back(backend->IsArray() ? &(*backend)[0] : backend);
    canonical_items.push_back(&canonical);
  }

  rapidjson::Document out;
  for (std::size_t i = 0; i < backend_items.size(); ++i) {
    SCOPED_TRACE(gc.platform + "/" + gc.name + " item " + std::to_string(i));
    // Read: exactly the canonical fixture.
    Value mapped;
    auto r = address_case ? address_to_canonical(*plan, *backend_items[i], mapped, out.GetAllocator())
                          : customer_to_canonical(*plan, *backend_items[i], mapped, out.GetAllocator());
    EXPECT_TRUE(r.ok()) << issues(r);
    EXPECT_TRUE(mapped == *canonical_items[i]) << "read gave\n" << test::pretty(mapped) << "\nexpected\n"
                                               << test::pretty(*canonical_items[i]);
    // Write: agrees with the platform's body, write-only constants aside.
    Value written;
    auto w = address_case
                 ? address_to_platform(*plan, *canonical_items[i], operation::create, written, out.GetAllocator())
                 : customer_to_platform(*plan, *canonical_items[i], operation::create, written, out.GetAllocator());
    EXPECT_TRUE(w.ok()) << issues(w);
    ASSERT_TRUE(written.IsObject());
    const char* scope = address_case ? "address" : "customer";
    const Value empty(rapidjson::kObjectType);
    const Value& constants = write_only.HasMember(scope) ? write_only[scope] : empty;
    for (auto c = constants.MemberBegin(); c != constants.MemberEnd(); ++c) {
      ASSERT_TRUE(written.HasMember(c->name)) << "write-only member missing: " << c->name.GetString();
      EXPECT_TRUE(written[c->name] == c->value) << c->name.GetString() << " = " << test::dump(written[c->name]);
      written.RemoveMember(c->name);
    }
    expect_agrees(written, *backend_items[i], "");
  }
}

INSTANTIATE_TEST_SUITE_P(fixtures, golden, ::testing::ValuesIn(all_cases()),
                         [](const auto& p) { return p.param.platform + "_" + p.param.name; });

TEST(golden_fixtures, every_platform_has_cases) {
  std::set<std::string> platforms;
  for (const auto& c : all_cases()) platforms.insert(c.platform);
  EXPECT_EQ(platforms, (std::set<std::string>{"bigcommerce_v2", "bigcommerce_v3", "nuvemshop"}));
}

}  // namespace
}  // namespace custbridge::mappers
