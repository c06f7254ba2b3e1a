#include "gateway/backends/bigcommerce_v2/bigcommerce_v2_backend.hpp"

#include "gateway/backends/bigcommerce_v2/bigcommerce_v2_adapter.hpp"
#include "gateway/backends/bigcommerce_v3/bigcommerce_v3_backend.hpp"

namespace custbridge::backends {

// V2 and V3 are one store on BigCommerce: same token, headers and rate-limit budget.
upstream::client_options bigcommerce_v2_client_options(const config::platform_config& cfg) {
  return bigcommerce_v3_client_options(cfg);
}

std::shared_ptr<customer_backend> make_bigcommerce_v2_backend(std::shared_ptr<const platform_store> store) {
  return std::make_shared<bigcommerce_v2::bigcommerce_v2_backend>(std::move(store));
}

}  // namespace custbridge::backends
