#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/system/result.hpp>
#include <memory>
#include <string>

#include "config/diagnostic.hpp"
#include "config/gateway_config.hpp"
#include "gateway/backends/customer_backend.hpp"
#include "gateway/backends/platform/platform_store.hpp"

namespace custbridge::backends {

// The mapping file a platform store uses: its `mapping` setting, or the one shipped
// for its backend (from $CUSTBRIDGE_MAPPINGS_DIR, else the build's mappers/platforms).
std::string mapping_file_for(const config::store_config& store);

// Loads and checks the store's mapping file; every problem is a diagnostic.
config::diagnostics check_platform_store(const config::store_config& store);

// Builds the backend of a platform store: compiles its mapping and creates its
// upstream client on `executor`. Start-up only; the error is a message for the operator
// (mapping diagnostics, a bad CA file) naming the store.
boost::system::result<std::shared_ptr<customer_backend>, std::string> make_platform_backend(
    const config::store_config& store, boost::asio::any_io_executor executor,
    std::shared_ptr<const platform_store>* store_out = nullptr);

}  // namespace custbridge::backends
