#include "tests/mappers/support.hpp"

#include <gtest/gtest.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fstream>
#include <sstream>

#include "mappers/loader.hpp"

namespace custbridge::mappers::test {

std::filesystem::path source_dir() { return CUSTBRIDGE_SOURCE_DIR; }

std::filesystem::path platform_file(const std::string& platform) {
  return source_dir() / "mappers" / "platforms" / (platform + ".yaml");
}

std::filesystem::path shared_dir() { return source_dir() / ".." / "shared"; }

std::shared_ptr<const mapping_plan> load_platform(const std::string& platform) {
  auto r = load_mapping_file(platform_file(platform).string());
  if (!r) {
    std::string all;
    for (const auto& d : r.error()) all += d.to_string() + "\n";
    ADD_FAILURE() << platform << " does not load:\n" << all;
    return nullptr;
  }
  return *r;
}

std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << p;
    return {};
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  if (d.HasParseError())
    ADD_FAILURE() << "JSON parse error at " << d.GetErrorOffset() << ": " << rapidjson::GetParseError_En(d.GetParseError());
  return d;
}

std::string dump(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return b.GetString();
}

std::string pretty(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return b.GetString();
}

}  // namespace custbridge::mappers::test
