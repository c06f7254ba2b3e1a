#pragma once

#include "gateway/state/database.hpp"

namespace custbridge::backends {

// The local customer store's tables (customers, addresses, the change sequence), in
// the gateway's state file but versioned on their own ("local_customers").
const state::schema& local_store_schema();

}  // namespace custbridge::backends
