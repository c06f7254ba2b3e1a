#pragma once

#include <memory>

#include "config/gateway_config.hpp"
#include "gateway/backends/customer_backend.hpp"
#include "gateway/backends/platform/platform_store.hpp"
#include "gateway/upstream/client.hpp"

namespace custbridge::backends {

// The upstream client settings for a Nuvemshop store: base_url, the platform's unusual
// `Authentication: bearer <token>` header (plus `Authorization: Bearer`, which newer docs
// use), the required User-Agent, JSON Accept, the leaky-bucket rate-limit dialect,
// timeouts, attempts, pool size and CA file. The token only ever lives in these headers.
upstream::client_options nuvemshop_client_options(const config::platform_config& cfg);

// The canonical customer API over one Nuvemshop store. Thread-safe; keeps `store`
// (and so its plan and client) alive. Semantics and limitations: docs/backends.md and
// the comments in nuvemshop_backend.cpp. In short:
//  - list: exact limit/offset over page/per_page; createdAt order is the platform's id
//    order (ids grow with creation); email is an exact post-filter over `email`, search
//    goes through `q`; other sorts and the marketingOptIn/hasOrders filters are served
//    by scanning at most 1000 matching customers, else 400 BAD_REQUEST naming them.
//  - writes that Nuvemshop cannot realise (marketingOptIn, removing an address, moving
//    the default address, fields the platform has no place for) are 400
//    VALIDATION_ERROR before anything is sent.
//  - changes: passes over updated_at_min in since_id order, as id_order_feed.hpp describes;
//    no deletes.
std::shared_ptr<customer_backend> make_nuvemshop_backend(std::shared_ptr<const platform_store> store);

// What a nuvemshop store can hold and answer (every such store alike).
const store_capabilities& nuvemshop_capabilities();

}  // namespace custbridge::backends
