#pragma once

#include <rapidjson/document.h>

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>

#include "mappers/plan.hpp"
#include "mappers/report.hpp"

namespace custbridge::mappers {
// Readable failure messages for report entries.
inline void PrintTo(const field_issue& i, std::ostream* os) { *os << "{" << i.field << ": " << i.reason << "}"; }
}  // namespace custbridge::mappers

namespace custbridge::mappers::test {

// The repository root and the shipped mapping files, which the tests load as they ship.
std::filesystem::path source_dir();
std::filesystem::path platform_file(const std::string& platform);

// The shared fact sheets and specs beside the checkout (../shared). Tests that need them
// call GTEST_SKIP with a clear message if they are missing.
std::filesystem::path shared_dir();

// Loads a shipped mapping file; fails the current test (and returns null) with every
// diagnostic if it does not load.
std::shared_ptr<const mapping_plan> load_platform(const std::string& platform);

std::string read_text(const std::filesystem::path& p);

// Parses JSON text; an ADD_FAILURE names the offset on a parse error.
rapidjson::Document parse(const std::string& text);

// Compact JSON text of a value.
std::string dump(const rapidjson::Value& v);
// Indented JSON text, for failure messages.
std::string pretty(const rapidjson::Value& v);

}  // namespace custbridge::mappers::test
