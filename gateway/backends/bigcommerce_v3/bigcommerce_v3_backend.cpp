#include "gateway/backends/bigcommerce_v3/bigcommerce_v3_backend.hpp"

#include "gateway/backends/bigcommerce_v3/bigcommerce_v3_adapter.hpp"

namespace custbridge::backends {

upstream::client_options bigcommerce_v3_client_options(const config::platform_config& cfg) {
  auto o = client_options_from(cfg);
  o.default_headers = {{"X-Auth-Token", cfg.access_token},
                       {"Accept", "application/json"},
                       {"Content-Type", "application/json"},
                       {"User-Agent", cfg.user_agent}};
  // A fixed window per store, with X-Retry-After (seconds) on a 429.
  o.rate_limit.dialect = {upstream::rate_limit_dialect::model::fixed_window, "x-rate-limit-requests-quota",
                          "x-rate-limit-requests-left", "x-rate-limit-time-reset-ms", "x-retry-after"};
  return o;
}

std::shared_ptr<customer_backend> make_bigcommerce_v3_backend(std::shared_ptr<const platform_store> store) {
  return std::make_shared<bigcommerce_v3::bigcommerce_v3_backend>(std::move(store));
}

}  // namespace custbridge::backends
