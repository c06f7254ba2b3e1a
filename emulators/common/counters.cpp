#include "emulators/common/counters.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace custbridge::emulators {

void request_counters::add(const std::string& route, int status) {
  std::lock_guard lock(mutex_);
  ++counts_[{route, status}];
}

void request_counters::clear() {
  std::lock_guard lock(mutex_);
  counts_.clear();
}

std::uint64_t request_counters::count(const std::string& route, int status) const {
  std::lock_guard lock(mutex_);
  auto it = counts_.find({route, status});
  return it == counts_.end() ? 0 : it->second;
}

std::string request_counters::json() const {
  std::lock_guard lock(mutex_);
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  std::uint64_t total = 0;
  for (const auto& [key, n] : counts_) total += n;
  w.StartObject();
  w.Key("total");
  w.Uint64(total);
  w.Key("routes");
  w.StartArray();
  for (const auto& [key, n] : counts_) {
    w.StartObject();
    w.Key("route");
    w.String(key.first.c_str(), static_cast<rapidjson::SizeType>(key.first.size()));
    w.Key("status");
    w.Int(key.second);
    w.Key("count");
    w.Uint64(n);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return sb.GetString();
}

}  // namespace custbridge::emulators
