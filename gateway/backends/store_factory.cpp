#include "gateway/backends/store_factory.hpp"

#include <algorithm>

#include "gateway/backends/local/sqlite_store.hpp"
#include "gateway/backends/platform/platform_factory.hpp"

namespace custbridge::backends {

boost::system::result<open_stores, std::string> open_configured_stores(const config::gateway_config& cfg,
                                                                       boost::asio::any_io_executor executor,
                                                                       std::shared_ptr<state::database> database,
                                                                       const std::vector<std::string>& only) {
  open_stores out;
  std::shared_ptr<sqlite_store> local;
  for (const auto& [id, store] : cfg.stores) {
    if (!only.empty() && std::find(only.begin(), only.end(), id) == only.end()) continue;
    if (store.backend == "local") {
      if (!local) local = std::make_shared<sqlite_store>(database);
      out.by_id.emplace(id, local);
      continue;
    }
    std::shared_ptr<const platform_store> made;
    auto backend = make_platform_backend(store, executor, &made);
    if (!backend) return backend.error();
    out.by_id.emplace(id, std::move(*backend));
    out.platform.push_back(std::move(made));
  }
  return out;
}

}  // namespace custbridge::backends
