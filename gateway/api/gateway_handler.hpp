#pragma once

#include <map>
#include <memory>
#include <string>

#include "config/gateway_config.hpp"
#include "gateway/auth/api_keys.hpp"
#include "gateway/backends/customer_backend.hpp"
#include "gateway/http/server.hpp"

namespace custbridge::api {

// Everything a request needs, built once at start-up and shared read-only by all threads.
struct gateway_context {
  config::gateway_config config;
  auth::key_ring keys;
  std::map<std::string, std::shared_ptr<backends::customer_backend>> backends;  // by store id
};

// The server's handler for the canonical API: request id, routing, method and
// content-type checks, authentication, dispatch to the store's backend, the error
// envelope, and one JSON access-log line per request.
http::handler make_gateway_handler(std::shared_ptr<const gateway_context> context);

}  // namespace custbridge::api
