#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace custbridge::emulators {

// Requests served, by route label and status. Thread-safe.
class request_counters {
 public:
  void add(const std::string& route, int status);
  void clear();
  std::uint64_t count(const std::string& route, int status) const;
  // {"total":N,"routes":[{"route":"GET /v1/{store_id}/customers","status":200,"count":3},...]}
  std::string json() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> counts_;
};

}  // namespace custbridge::emulators
