#pragma once

#include <map>
#include <memory>
#include <string>

#include "config/gateway_config.hpp"
#include "gateway/auth/api_keys.hpp"
#include "gateway/backends/customer_backend.hpp"
#include "gateway/http/server.hpp"
#include "gateway/observability/metrics.hpp"
#include "gateway/state/idempotency_store.hpp"

namespace custbridge::api {

// Everything a request needs, built once at start-up and shared read-only by all threads.
struct gateway_context {
  config::gateway_config config;
  auth::key_ring keys;
  std::map<std::string, std::shared_ptr<backends::customer_backend>> backends;  // by store id
  std::shared_ptr<state::idempotency_store> idempotency;                        // null: Idempotency-Key unsupported
  std::shared_ptr<observability::metrics> metrics;                              // null: no /metrics
};

// The server's handler for the canonical API: request id, routing, method and
// content-type checks, authentication, Idempotency-Key replay, dispatch to the
// store's backend, the error envelope, metrics, and one JSON access-log line per request.
http::handler make_gateway_handler(std::shared_ptr<const gateway_context> context);

}  // namespace custbridge::api
