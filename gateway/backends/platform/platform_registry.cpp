#include "gateway/backends/platform/platform_registry.hpp"

#include <array>

#include "gateway/backends/bigcommerce_v2/bigcommerce_v2_backend.hpp"
#include "gateway/backends/bigcommerce_v3/bigcommerce_v3_backend.hpp"
#include "gateway/backends/nuvemshop/nuvemshop_backend.hpp"

namespace custbridge::backends {
namespace {

// Adding a platform: its folder under backends/, and one line here.
const std::array adapters = {
    platform_adapter{"nuvemshop", platform::nuvemshop, "Nuvemshop", nuvemshop_client_options, make_nuvemshop_backend,
                     nuvemshop_capabilities},
    platform_adapter{"bigcommerce_v3", platform::bigcommerce_v3, "BigCommerce", bigcommerce_v3_client_options,
                     make_bigcommerce_v3_backend, bigcommerce_v3_capabilities},
    platform_adapter{"bigcommerce_v2", platform::bigcommerce_v2, "BigCommerce", bigcommerce_v2_client_options,
                     make_bigcommerce_v2_backend, bigcommerce_v2_capabilities},
};

}  // namespace

std::span<const platform_adapter> platform_adapters() { return adapters; }

const platform_adapter* find_platform_adapter(std::string_view backend) {
  for (const auto& a : adapters)
    if (a.backend == backend) return &a;
  return nullptr;
}

std::vector<std::string> known_backends() {
  std::vector<std::string> out{"local"};
  for (const auto& a : adapters) out.emplace_back(a.backend);
  return out;
}

}  // namespace custbridge::backends
