#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/result.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/gateway_config.hpp"
#include "gateway/backends/customer_backend.hpp"
#include "gateway/backends/platform/platform_store.hpp"

namespace custbridge::state {
class database;
}

namespace custbridge::backends {

// The configured stores, opened: what `serve`, `import` and the sync engine drive.
struct open_stores {
  std::map<std::string, std::shared_ptr<customer_backend>> by_id;
  // The platform stores among them, for their upstream metrics.
  std::vector<std::shared_ptr<const platform_store>> platform;
};

// Opens every store of `cfg` (or only `only`, when not empty): local stores on
// `database`, platform stores with their compiled mapping and an upstream client on
// `executor`. Start-up only; the error is a message for the operator naming the store.
// Platform stores must be released before `executor`'s io_context is destroyed.
boost::system::result<open_stores, std::string> open_configured_stores(const config::gateway_config& cfg,
                                                                       boost::asio::any_io_executor executor,
                                                                       std::shared_ptr<state::database> database,
                                                                       const std::vector<std::string>& only = {});

}  // namespace custbridge::backends
