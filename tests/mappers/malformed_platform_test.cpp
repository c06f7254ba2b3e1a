// A platform can send anything: seeded mutations of the golden platform bodies (values
// replaced by other types, members dropped, strings made huge or invalid UTF-8) are
// mapped without a crash or an exception, and every problem the mapper reports has a
// reason. The ASan build runs the same cases for memory errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "mappers/mapper.hpp"
#include "tests/mappers/support.hpp"

namespace custbridge::mappers {
namespace {

namespace fs = std::filesystem;
using rapidjson::Value;

void replace_with_junk(Value& v, std::mt19937_64& rng, json_allocator& alloc) {
  switch (rng() % 9) {
    case 0: v.SetNull(); break;
    case 1: v.SetBool(rng() % 2 == 0); break;
    case 2: v.SetInt64(static_cast<std::int64_t>(rng())); break;
    case 3: v.SetDouble(-1e308); break;
    case 4: v.SetString("", alloc); break;
    case 5: v.SetString(std::string(5000, 'x').c_str(), alloc); break;
    case 6: v.SetString("\xff\xfe not utf-8 \xc3\x28", alloc); break;
    case 7: v.SetObject(); break;
    default: v.SetArray(); v.PushBack(Value().SetString("nested", alloc), alloc); break;
  }
}

// Visits a random node (depth-first, each node with equal chance) and damages it.
void damage(Value& root, std::mt19937_64& rng, json_allocator& alloc) {
  std::vector<Value*> nodes;
  std::vector<Value*> stack{&root};
  while (!stack.empty()) {
    Value* v = stack.back();
    stack.pop_back();
    nodes.push_back(v);
    if (v->IsObject())
      for (auto& m : v->GetObject()) stack.push_back(&m.value);
    else if (v->IsArray())
      for (auto& e : v->GetArray()) stack.push_back(&e);
  }
  Value* target = nodes[rng() % nodes.size()];
  if (target->IsObject() && target->MemberCount() > 0 && rng() % 3 == 0) {
    auto it = target->MemberBegin() + static_cast<rapidjson::SizeType>(rng() % target->MemberCount());
    target->RemoveMember(it);  // a member the platform left out
    return;
  }
  if (target != &root || rng() % 4 == 0) replace_with_junk(*target, rng, alloc);
}

// Every issue has a reason; its field is the platform member's path, or "" when the body
// as a whole has the wrong shape (mapper.hpp). A clean report comes with a mapped value.
void expect_well_formed(const map_report& report, const Value& out, const std::string& where) {
  for (const auto* list : {&report.invalid, &report.dropped})
    for (const auto& issue : *list) EXPECT_FALSE(issue.reason.empty()) << issue.field << " in " << where;
  if (report.ok()) {
    EXPECT_TRUE(out.IsObject() || out.IsArray()) << where;
  }
}

TEST(MalformedPlatformBodies, MapWithoutCrashingAndGiveAReasonForEveryProblem) {
  const fs::path root = test::source_dir() / "tests" / "mappers" / "golden";
  int cases = 0;
  for (const auto& platform_dir : fs::directory_iterator(root)) {
    if (!platform_dir.is_directory()) continue;
    const std::string platform = platform_dir.path().filename().string();
    auto plan = test::load_platform(platform);
    ASSERT_TRUE(plan) << platform;
    for (const auto& case_dir : fs::directory_iterator(platform_dir.path())) {
      const auto body_file = case_dir.path() / "backend.json";
      if (!fs::exists(body_file)) continue;
      const std::string name = case_dir.path().filename().string();
      const bool address_case = name.rfind("address", 0) == 0;
      const auto original = test::read_text(body_file);
      std::mt19937_64 rng(std::hash<std::string>{}(platform + "/" + name) % 100000);
      for (int i = 0; i < 500; ++i) {
        rapidjson::Document doc;
        doc.Parse(original.c_str(), original.size());
        ASSERT_FALSE(doc.HasParseError()) << body_file;
        const int edits = 1 + static_cast<int>(rng() % 3);
        for (int e = 0; e < edits; ++e) damage(doc, rng, doc.GetAllocator());
        const std::string where = platform + "/" + name + " mutation " + std::to_string(i) + ": " + test::dump(doc).substr(0, 300);
        rapidjson::Document out;
        EXPECT_NO_THROW({
          if (address_case) {
            expect_well_formed(address_to_canonical(*plan, doc, out, out.GetAllocator()), out, where);
          } else if (doc.IsArray() || (doc.IsObject() && doc.HasMember("data") && doc["data"].IsArray())) {
            // A list page is mapped one customer at a time, as the adapters do.
            const auto& items = doc.IsArray() ? doc : doc["data"];
            for (const auto& item : items.GetArray()) {
              rapidjson::Document one;
              expect_well_formed(customer_to_canonical(*plan, item, one, one.GetAllocator()), one, where);
            }
          } else {
            expect_well_formed(customer_from_response(*plan, doc, out, out.GetAllocator()), out, where);
          }
        }) << where;
        ++cases;
      }
    }
  }
  EXPECT_GT(cases, 2000) << "every golden body should have been mutated";
}

}  // namespace
}  // namespace custbridge::mappers
