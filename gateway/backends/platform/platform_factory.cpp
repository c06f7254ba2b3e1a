#include "gateway/backends/platform/platform_factory.hpp"

#include <cstdlib>

#include "gateway/backends/platform/platform_registry.hpp"
#include "mappers/loader.hpp"

namespace custbridge::backends {

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
  const auto* kind = find_platform_adapter(store.backend);
  if (!kind) return "store '" + store.id + "': '" + store.backend + "' is not a platform backend";
  const auto file = mapping_file_for(store);
  auto plan = mappers::load_mapping_file(file);
  if (!plan) {
    std::string message = "store '" + store.id + "': mapping " + file + " has " + std::to_string(plan.error().size()) + " problem(s):";
    for (const auto& d : plan.error()) message += "\n  " + d.to_string();
    return message;
  }
  auto client = upstream::client::create(executor, kind->client_options(store.platform));
  if (!client) return "store '" + store.id + "': " + client.error();
  auto ps = std::make_shared<platform_store>();
  ps->store_id = store.id;
  ps->kind = kind->tag;
  ps->platform_name = std::string(kind->display_name);
  ps->plan = std::move(*plan);
  ps->client = std::move(*client);
  ps->timeout = store.platform.timeout;
  if (store_out) *store_out = ps;
  return kind->make(std::move(ps));
}

}  // namespace custbridge::backends
