#include "gateway/backends/platform/platform_factory.hpp"

#include <cstdlib>

#include "gateway/backends/bigcommerce_v2/bigcommerce_v2_backend.hpp"
#include "gateway/backends/bigcommerce_v3/bigcommerce_v3_backend.hpp"
#include "gateway/backends/nuvemshop/nuvemshop_backend.hpp"
#include "mappers/loader.hpp"

namespace custbridge::backends {
namespace {

struct platform_kind {
  platform kind;
  const char* display_name;
  upstream::client_options (*options)(const config::platform_config&);
  std::shared_ptr<customer_backend> (*make)(std::shared_ptr<const platform_store>);
};

std::optional<platform_kind> kind_of(const std::string& backend) {
  if (backend == "nuvemshop") return platform_kind{platform::nuvemshop, "Nuvemshop", nuvemshop_client_options, make_nuvemshop_backend};
  if (backend == "bigcommerce_v3")
    return platform_kind{platform::bigcommerce_v3, "BigCommerce", bigcommerce_v3_client_options, make_bigcommerce_v3_backend};
  if (backend == "bigcommerce_v2")
    return platform_kind{platform::bigcommerce_v2, "BigCommerce", bigcommerce_v2_client_options, make_bigcommerce_v2_backend};
  return std::nullopt;
}

}  // namespace

std::string mapping_file_for(const config::store_config& store) {
  if (!store.platform.mapping_file.empty()) return store.platform.mapping_file;
  const char* dir = std::getenv("CUSTBRIDGE_MAPPINGS_DIR");
  return std::string(dir && *dir ? dir : CUSTBRIDGE_MAPPINGS_DIR) + "/" + store.backend + ".yaml";
}

config::diagnostics check_platform_store(const config::store_config& store) {
  auto plan = mappers::load_mapping_file(mapping_file_for(store));
  if (plan) return {};
  return plan.error();
}

boost::system::result<std::shared_ptr<customer_backend>, std::string> make_platform_backend(
    const config::store_config& store, boost::asio::any_io_executor executor, std::shared_ptr<const platform_store>* store_out) {
  const auto kind = kind_of(store.backend);
  if (!kind) return "store '" + store.id + "': '" + store.backend + "' is not a platform backend";
  const auto file = mapping_file_for(store);
  auto plan = mappers::load_mapping_file(file);
  if (!plan) {
    std::string message = "store '" + store.id + "': mapping " + file + " has " + std::to_string(plan.error().size()) + " problem(s):";
    for (const auto& d : plan.error()) message += "\n  " + d.to_string();
    return message;
  }
  auto client = upstream::client::create(executor, kind->options(store.platform));
  if (!client) return "store '" + store.id + "': " + client.error();
  auto ps = std::make_shared<platform_store>();
  ps->store_id = store.id;
  ps->kind = kind->kind;
  ps->platform_name = kind->display_name;
  ps->plan = std::move(*plan);
  ps->client = std::move(*client);
  ps->timeout = store.platform.timeout;
  if (store_out) *store_out = ps;
  return kind->make(std::move(ps));
}

}  // namespace custbridge::backends
