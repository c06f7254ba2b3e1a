#include "gateway/backends/platform/upstream_metrics.hpp"

#include <cstdio>

namespace custbridge::backends {
namespace {

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

std::string number(double value) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  return buf;
}

void sample(std::string& out, const std::string& name, const std::string& labels, double value) {
  out += name + "{" + labels + "} " + number(value) + "\n";
}

}  // namespace

void render_upstream_metrics(const std::vector<std::shared_ptr<const platform_store>>& stores, std::string& out) {
  if (stores.empty()) return;
  std::vector<std::pair<std::string, upstream::metrics_snapshot>> snaps;
  for (const auto& s : stores) snaps.emplace_back("store=\"" + s->store_id + "\"", s->client->metrics());

  family(out, "custbridge_upstream_requests_total", "counter", "Calls to platforms, retries not counted separately.");
  for (const auto& [l, m] : snaps) sample(out, "custbridge_upstream_requests_total", l, static_cast<double>(m.requests));
  family(out, "custbridge_upstream_retries_total", "counter", "Attempts repeated after a failure or a retryable status.");
  for (const auto& [l, m] : snaps) sample(out, "custbridge_upstream_retries_total", l, static_cast<double>(m.retries));
  family(out, "custbridge_upstream_rate_limited_total", "counter", "429 responses received from platforms.");
  for (const auto& [l, m] : snaps) sample(out, "custbridge_upstream_rate_limited_total", l, static_cast<double>(m.too_many_requests));
  family(out, "custbridge_upstream_responses_total", "counter", "Platform responses by status class.");
  for (const auto& [l, m] : snaps)
    for (std::size_t c = 1; c < m.responses_by_class.size(); ++c)
      sample(out, "custbridge_upstream_responses_total", l + ",class=\"" + std::to_string(c) + "xx\"",
             static_cast<double>(m.responses_by_class[c]));
  family(out, "custbridge_upstream_failures_total", "counter", "Calls that ended without a platform response, by kind.");
  for (const auto& [l, m] : snaps)
    for (std::size_t k = 0; k < m.failures.size(); ++k)
      sample(out, "custbridge_upstream_failures_total",
             l + ",kind=\"" + std::string(upstream::to_string(static_cast<upstream::failure_kind>(k))) + "\"",
             static_cast<double>(m.failures[k]));
  family(out, "custbridge_upstream_duration_seconds", "histogram", "Time per platform call, retries and waits included.");
  for (const auto& [l, m] : snaps) {
    for (std::size_t b = 0; b < upstream::latency_bucket_ms.size(); ++b)
      sample(out, "custbridge_upstream_duration_seconds_bucket",
             l + ",le=\"" + number(static_cast<double>(upstream::latency_bucket_ms[b]) / 1000.0) + "\"",
             static_cast<double>(m.latency_buckets[b]));
    sample(out, "custbridge_upstream_duration_seconds_bucket", l + ",le=\"+Inf\"", static_cast<double>(m.latency_buckets.back()));
    sample(out, "custbridge_upstream_duration_seconds_sum", l, m.latency_sum_seconds);
    sample(out, "custbridge_upstream_duration_seconds_count", l, static_cast<double>(m.requests));
  }
  family(out, "custbridge_upstream_breaker_state", "gauge", "Circuit breaker: 0 closed, 1 half-open, 2 open.");
  for (const auto& [l, m] : snaps)
    sample(out, "custbridge_upstream_breaker_state", l,
           m.breaker == upstream::breaker_state::closed ? 0 : m.breaker == upstream::breaker_state::half_open ? 1 : 2);
  family(out, "custbridge_upstream_pool_connections", "gauge", "Pooled connections to the platform host.");
  for (const auto& [l, m] : snaps) {
    sample(out, "custbridge_upstream_pool_connections", l + ",state=\"idle\"", static_cast<double>(m.pool.idle));
    sample(out, "custbridge_upstream_pool_connections", l + ",state=\"in_use\"", static_cast<double>(m.pool.in_use));
    sample(out, "custbridge_upstream_pool_connections", l + ",state=\"waiting\"", static_cast<double>(m.pool.waiting));
  }
}

}  // namespace custbridge::backends
