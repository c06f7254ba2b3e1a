#include "emulators/common/request_journal.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace custbridge::emulators {

void request_journal::add(std::string method, std::string target, int status, std::string request_id) {
  std::lock_guard lock(mutex_);
  if (entries_.size() == capacity_) entries_.pop_front();
  entries_.push_back({std::move(method), std::move(target), status, std::move(request_id)});
}

void request_journal::clear() {
  std::lock_guard lock(mutex_);
  entries_.clear();
}

std::string request_journal::json() const {
  std::lock_guard lock(mutex_);
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  auto string = [&w](const std::string& s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); };
  w.StartObject();
  w.Key("requests");
  w.StartArray();
  for (const auto& e : entries_) {
    w.StartObject();
    w.Key("method");
    string(e.method);
    w.Key("target");
    string(e.target);
    w.Key("status");
    w.Int(e.status);
    w.Key("requestId");
    if (e.request_id.empty()) w.Null();
    else string(e.request_id);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
}

}  // namespace custbridge::emulators
