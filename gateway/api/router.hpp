#pragma once

#include <string>
#include <string_view>

namespace custbridge::api {

enum class route_kind { not_found, healthz, readyz, metrics, customers, customer };

struct route {
  route_kind kind = route_kind::not_found;
  std::string store_id;
  std::string customer_id;
};

// Matches a request path (without the query) against the gateway's routes:
// /healthz, /readyz, /metrics, /stores/{storeId}/customers and /stores/{storeId}/customers/{id}.
// A single trailing slash is tolerated.
route match_route(std::string_view path);

// The methods a route accepts, as an Allow header value.
std::string_view allowed_methods(route_kind kind);

// A short, bounded label for metrics: "customers", "customer", "healthz"...
std::string_view route_label(route_kind kind);

}  // namespace custbridge::api
