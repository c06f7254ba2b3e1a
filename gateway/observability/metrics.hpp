#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace custbridge::observability {

// Request counters and latency histograms, rendered as Prometheus text.
// Thread-safe. Every label comes from a closed set, so a client cannot grow the series
// without bound: stores are the configured ones (else "unknown"), routes are templates,
// methods the standard ones (else "other").
class metrics {
 public:
  static constexpr std::array<double, 14> latency_buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                              0.1,    0.25,  0.5,    1,     2.5,  5,    10};

  explicit metrics(std::set<std::string> known_stores);

  void record_request(std::string_view store, std::string_view route, std::string_view method, int status, double seconds);

  // Adds a function that appends further metric families (e.g. upstream clients') to the text.
  void add_collector(std::function<void(std::string&)> collector);

  // The Prometheus text exposition format, version 0.0.4.
  std::string render() const;

 private:
  struct histogram {
    std::array<std::uint64_t, latency_buckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };

  std::set<std::string> known_stores_;
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::pair<std::string, std::string>, histogram> latency_;
  std::vector<std::function<void(std::string&)>> collectors_;
};

}  // namespace custbridge::observability
