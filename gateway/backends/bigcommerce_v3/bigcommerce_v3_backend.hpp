#pragma once

#include <memory>

#include "config/gateway_config.hpp"
#include "gateway/backends/customer_backend.hpp"
#include "gateway/backends/platform/platform_store.hpp"
#include "gateway/upstream/client.hpp"

// The canonical Customers API on a BigCommerce store through its V3 customers API
// (plus V2 orders for the delete rule). Facts: ../shared/reference/bigcommerce-customers.md.
//
// What the gateway supplies on top of the platform:
//  - Ids: UUIDv8 minted from the platform's numeric ids (platform_store helpers). An id
//    of another store, platform or kind is 404 without any platform call.
//  - defaultAddressId: kept in the customer attribute `custbridge_default_address_id`,
//    with the one meaning both BigCommerce adapters share (bigcommerce/default_address.hpp):
//    the platform address id, "none" for explicitly none, and no value or a stale one
//    for the first address in platform id order.
//  - marketingOptIn: the V3 flag accepts_product_review_abandoned_cart_emails (readable and
//    writable on the customer itself; subscribers are not touched).
//  - Duplicate email: pre-checked with email:in plus an exact case-insensitive match on
//    create and on an update that changes the email: 409 "Customer with this email already
//    exists".
//  - Updates: domain::apply_patch computes the target; bigcommerce::write_update writes
//    it under the customer's write lock: PUT /v3/customers (always, so date_modified
//    moves like the local store's updatedAt), PUT modified addresses (batch), POST new
//    ones (batch), the default-address value, then DELETE
//    /v3/customers/addresses?id:in=removed. Every address written is checked for the
//    fields BigCommerce requires first (400 VALIDATION_ERROR, nothing written). A step
//    failing part-way undoes the earlier ones (see update_writes.hpp).
//  - Create: one POST with the addresses ("none" as default value in it when no
//    address is flagged); a default other than the first address is written after,
//    and if that fails the customer is deleted again.
//  - Delete: 404 if unknown; 409 "Cannot delete customer with existing orders" when
//    bigcommerce::has_orders finds one; then DELETE /v3/customers?id:in=.
//
// Limitations, each a clear error before any platform call:
//  - sortBy=name or sortBy=email: 400 BAD_REQUEST (V3 sorts only by date_created,
//    last_name and date_modified; last_name is not the canonical full-name order).
//  - marketingOptIn and hasOrders list filters: 400 BAD_REQUEST naming the parameter.
//  - Two addresses of one customer with identical content: 400 VALIDATION_ERROR on the
//    second (BigCommerce silently keeps only one of identical addresses).
//  - metadata on update, and metadata keys the mapping declares no custom field for:
//    400 VALIDATION_ERROR naming the field.
//  - search: BigCommerce V3 has no substring filter on email or phone. A term containing
//    '@' is looked up as an exact email (email:in); any other term as a substring of the
//    name (name:like). The local store also matches email and phone substrings.
//  - Addresses are returned in platform id order (creation order).
//  - changes: date_modified:min and sort=date_modified:asc, as time_order_feed.hpp
//    describes; no deletes (the list does not show them).
//
// Thread-safety: the backend may be used concurrently from every server thread; the
// attribute-id cache is guarded by a mutex, and writes to one customer are serialised.
// Keep the returned shared_ptr alive until all calls have completed.
namespace custbridge::backends {

// Options for the upstream client of one BigCommerce V3 store: base_url
// (https://api.bigcommerce.com/stores/{hash}), X-Auth-Token, JSON Accept/Content-Type,
// the BigCommerce rate-limit dialect, timeouts, attempts, pool size and CA file.
upstream::client_options bigcommerce_v3_client_options(const config::platform_config& cfg);

// The adapter for a store whose plan is the bigcommerce_v3 mapping.
std::shared_ptr<customer_backend> make_bigcommerce_v3_backend(std::shared_ptr<const platform_store> store);

// What a bigcommerce_v3 store can hold and answer (every such store alike).
const store_capabilities& bigcommerce_v3_capabilities();

}  // namespace custbridge::backends
