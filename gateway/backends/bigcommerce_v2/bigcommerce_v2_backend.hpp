#pragma once

#include <memory>

#include "config/gateway_config.hpp"
#include "gateway/backends/customer_backend.hpp"
#include "gateway/backends/platform/platform_store.hpp"
#include "gateway/upstream/client.hpp"

// The BigCommerce V2 adapter: the canonical customer API over /v2/customers and
// /v2/customers/{id}/addresses, driven by the store's mapping plan (bigcommerce_v2.yaml).
//
// Semantics the adapter supplies, and its limits (each limit is an explicit error, never
// a silently ignored input):
//  - Addresses live in /v2/customers/{id}/addresses and are read per customer (a list
//    fetches them with at most 8 customers in flight). Their order is the platform's (by
//    address id, i.e. creation order); V2 addresses carry no timestamps, so an address's
//    createdAt/updatedAt are its customer's. Empty optional address strings read as null.
//  - Replace-all updates go through domain::apply_patch and bigcommerce::write_update,
//    under the customer's write lock: PUT the customer, one PUT per modified, one POST
//    per new address, the default value, then one DELETE per removed address. A step
//    failing part-way undoes the earlier ones; the error says what was applied and
//    rolled back (see bigcommerce/update_writes.hpp). A create failing after the
//    customer POST deletes the customer again.
//  - defaultAddressId: V2 has no default flag. The default is kept in the BigCommerce
//    customer attribute "custbridge_default_address_id" through the V3 attribute
//    endpoints of the same store and token (the store_v2_customers scope covers them),
//    with the one meaning both BigCommerce adapters share (bigcommerce/default_address.hpp):
//    the platform address id, "none" for explicitly none, and no value or a stale one
//    for the first address in platform id order. As on the local store, a create sets a
//    default only for an address flagged isDefault.
//  - marketingOptIn: read from V2's accepts_marketing, which V2 does not let clients
//    write. A create with marketingOptIn true, or an update that changes it, is a
//    400 VALIDATION_ERROR on field "marketingOptIn"; writing the current value is a no-op.
//  - metadata: V2 has no place for it; a non-empty metadata write is 400 VALIDATION_ERROR.
//  - name: V2 requires first_name and last_name, so a create without a two-part name,
//    or an update that sets one, is 400 VALIDATION_ERROR on "name".
//  - Duplicate email: pre-checked with the V2 `email` filter and an exact
//    case-insensitive comparison: 409 "Customer with this email already exists".
//  - Delete: bigcommerce::has_orders first; any order gives 409 "Cannot delete
//    customer with existing orders".
//  - List: V2 has no sort and returns customers by id ascending, which is creation order
//    because V2's date_created is read-only and set at creation. sortBy=createdAt (the
//    default) is served as id order, descending windows computed from /v2/customers/count.
//    limit/offset are exact for any offset (one platform page covers the window). `email`
//    uses the V2 filter plus an exact case-insensitive match. Not expressible on V2, each
//    a 400 BAD_REQUEST naming the parameter: search, sortBy other than createdAt,
//    marketingOptIn, hasOrders.
//  - Ids are UUIDv8 from platform_store; a foreign id is 404 without a platform call.
//  - changes: passes over min_date_modified in min_id order, as id_order_feed.hpp
//    describes; no deletes. Each customer the walk reads costs its address reads too (as
//    in a list). An address edit made outside the gateway is seen only if BigCommerce
//    moves the customer's date_modified for it (UNDOCUMENTED); the gateway's own address
//    writes always PUT the customer.
// Thread-safe: one instance serves every server thread.
namespace custbridge::backends {

// Options for the store's upstream client: base_url (…/stores/{hash}), X-Auth-Token,
// Accept and Content-Type application/json, the BigCommerce rate-limit dialect, timeouts,
// max_attempts, pool size and CA file from the store's platform config.
upstream::client_options bigcommerce_v2_client_options(const config::platform_config& cfg);

std::shared_ptr<customer_backend> make_bigcommerce_v2_backend(std::shared_ptr<const platform_store> store);

// What a bigcommerce_v2 store can hold and answer (every such store alike).
const store_capabilities& bigcommerce_v2_capabilities();

}  // namespace custbridge::backends
