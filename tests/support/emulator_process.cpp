#include "tests/support/emulator_process.hpp"

#include <rapidjson/document.h>

#include <csignal>
#include <stdexcept>

namespace custbridge::testing {

emulator_process::emulator_process(const std::string& binary, const std::string& platform,
                                   const std::vector<std::string>& flags)
    : platform_(platform) {
  std::vector<std::string> argv{binary, platform, "--port", "0"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  process_ = std::make_unique<child_process>(argv);
  auto line = process_->wait_for_line("\"listening\"", std::chrono::seconds(20));
  if (!line) throw std::runtime_error("cb-emulator " + platform + " did not report listening");
  rapidjson::Document doc;
  doc.Parse(line->c_str());
  if (doc.HasParseError() || !doc.HasMember("url") || !doc.HasMember("stores"))
    throw std::runtime_error("unexpected listening line: " + *line);
  url_ = doc["url"].GetString();
  if (!url_.starts_with("http://") && !url_.starts_with("https://"))
    throw std::runtime_error("listening line without an http(s) URL: " + *line);
  port_ = static_cast<std::uint16_t>(std::stoi(url_.substr(url_.rfind(':') + 1)));
  for (const auto& s : doc["stores"].GetArray()) {
    store st;
    if (s.HasMember("store_id"))
      st.id = std::to_string(s["store_id"].GetInt64());
    else
      st.id = s["store_hash"].GetString();
    st.access_token = s["access_token"].GetString();
    stores_.push_back(std::move(st));
  }
}

emulator_process::~emulator_process() {
  process_->signal(SIGTERM);
  process_->wait(std::chrono::seconds(5));
}

std::string emulator_process::base_url(std::size_t i) const {
  if (platform_ == "nuvemshop") return url_ + "/v1/" + stores_.at(i).id;
  return url_ + "/stores/" + stores_.at(i).id;
}

}  // namespace custbridge::testing
