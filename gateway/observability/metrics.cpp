#include "gateway/observability/metrics.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

namespace custbridge::observability {
namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

metrics::metrics(std::set<std::string> known_stores) : known_stores_(std::move(known_stores)) {}

void metrics::record_request(std::string_view store, std::string_view route, std::string_view method, int status,
                             double seconds) {
  std::string store_label = store.empty() ? "" : known_stores_.contains(std::string(store)) ? std::string(store) : "unknown";
  // Methods are a closed set too: an invented one must not make a new series.
  static constexpr std::array<std::string_view, 8> known_methods = {"GET",    "HEAD",    "POST",  "PUT",
                                                                    "PATCH",  "DELETE",  "OPTIONS", "TRACE"};
  const bool known_method = std::find(known_methods.begin(), known_methods.end(), method) != known_methods.end();
  const std::string method_label = known_method ? std::string(method) : "other";
  // Statuses a response can have; anything else would be a bug, counted apart.
  const int status_label = status >= 100 && status <= 599 ? status : 0;
  std::lock_guard lock(mutex_);
  ++requests_[{store_label, std::string(route), method_label, status_label}];
  auto& h = latency_[{store_label, std::string(route)}];
  for (std::size_t i = 0; i < latency_buckets.size(); ++i)
    if (seconds <= latency_buckets[i]) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

void metrics::add_collector(std::function<void(std::string&)> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string metrics::render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  out += "# HELP custbridge_requests_total Requests served, by store, route, method and status.\n";
  out += "# TYPE custbridge_requests_total counter\n";
  for (const auto& [labels, count] : requests_) {
    const auto& [store, route, method, status] = labels;
    out += "custbridge_requests_total{store=\"" + store + "\",route=\"" + route + "\",method=\"" + method + "\",status=\"" +
           std::to_string(status) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP custbridge_request_duration_seconds Time from parsed request to response, by store and route.\n";
  out += "# TYPE custbridge_request_duration_seconds histogram\n";
  for (const auto& [labels, h] : latency_) {
    const std::string base = "store=\"" + labels.first + "\",route=\"" + labels.second + "\"";
    for (std::size_t i = 0; i < latency_buckets.size(); ++i)
      out += "custbridge_request_duration_seconds_bucket{" + base + ",le=\"" + number(latency_buckets[i]) + "\"} " +
             std::to_string(h.buckets[i]) + "\n";
    out += "custbridge_request_duration_seconds_bucket{" + base + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    out += "custbridge_request_duration_seconds_sum{" + base + "} " + number(h.sum) + "\n";
    out += "custbridge_request_duration_seconds_count{" + base + "} " + std::to_string(h.count) + "\n";
  }
  for (const auto& c : collectors_) c(out);
  return out;
}

}  // namespace custbridge::observability
