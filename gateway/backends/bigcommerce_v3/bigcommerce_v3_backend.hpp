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
//  - defaultAddressId: BigCommerce has no default flag. It is kept in the customer
//    attribute `custbridge_default_address_id` (type string), created on demand through
//    POST /v3/customers/attributes the first time a default must be written. Its value is
//    the platform address id in decimal, or "none" when the customer explicitly has no
//    default (a create with addresses but no isDefault, or a default cleared by the
//    client). A customer with no value (created outside the gateway), or whose value names
//    an address that no longer exists, reads with its first address as default.
//  - marketingOptIn: the V3 flag accepts_product_review_abandoned_cart_emails (readable and
//    writable on the customer itself; subscribers are not touched).
//  - Duplicate email: pre-checked with email:in plus an exact case-insensitive match on
//    create and on an update that changes the email: 409 "Customer with this email already
//    exists".
//  - Replace-all addresses: domain::apply_patch computes the target; the adapter then
//    sends PUT /v3/customers (always, so date_modified moves like the local store's
//    updatedAt), DELETE /v3/customers/addresses?id:in=removed, PUT modified (batch),
//    POST created (batch), and finally the default-address attribute value. Deleting first
//    keeps BigCommerce's silent duplicate-address rule from swallowing an address that is
//    re-sent with the content of one being removed. If a step fails after earlier steps
//    were applied, the result is 502 UPSTREAM_ERROR whose message lists what was applied.
//  - Delete: 404 if unknown; 409 "Cannot delete customer with existing orders" when
//    GET /v2/orders?customer_id=<id>&limit=1 finds one; then DELETE /v3/customers?id:in=.
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
// attribute-id cache is guarded by a mutex. Keep the returned shared_ptr alive until all
// calls have completed.
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
