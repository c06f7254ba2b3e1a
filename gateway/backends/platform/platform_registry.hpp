#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "config/gateway_config.hpp"
#include "gateway/backends/customer_backend.hpp"
#include "gateway/backends/platform/platform_store.hpp"
#include "gateway/upstream/client.hpp"

namespace custbridge::backends {

// What the gateway needs to know of one platform adapter. Each adapter folder provides
// the functions; platform_registry.cpp lists every adapter, one line each.
struct platform_adapter {
  std::string_view backend;       // the config's `backend` value, e.g. "nuvemshop"
  platform tag;                   // minted into canonical ids (platform_ids.hpp); never reuse one
  std::string_view display_name;  // for messages: "Nuvemshop", "BigCommerce"
  // The upstream client settings: credentials, headers and the rate-limit dialect.
  upstream::client_options (*client_options)(const config::platform_config&);
  std::shared_ptr<customer_backend> (*make)(std::shared_ptr<const platform_store>);
  const store_capabilities& (*capabilities)();
};

std::span<const platform_adapter> platform_adapters();

// The adapter for a config `backend` value, or null.
const platform_adapter* find_platform_adapter(std::string_view backend);

// Every `backend` value a config may name: "local" and each platform adapter's.
std::vector<std::string> known_backends();

}  // namespace custbridge::backends
