#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gateway/backends/platform/platform_store.hpp"

namespace custbridge::backends {

// Appends the upstream clients' counters and gauges (requests, retries, 429s,
// failures by kind, latency histogram, breaker state, pool sizes) for every platform
// store, in Prometheus text format. Thread-safe (reads snapshots).
void render_upstream_metrics(const std::vector<std::shared_ptr<const platform_store>>& stores, std::string& out);

}  // namespace custbridge::backends
