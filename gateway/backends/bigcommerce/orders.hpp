#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>

#include "gateway/backends/platform/platform_store.hpp"

namespace custbridge::backends::bigcommerce {

// Whether the customer has at least one order (GET /v2/orders?customer_id=&limit=1; an
// empty list may come as 204 without a body). BigCommerce deletes customers with orders,
// turning them into guest orders, so both adapters check this before a delete and refuse
// with 409. UPSTREAM_ERROR for an answer that is not an array; call errors as they are.
boost::asio::awaitable<domain::result<bool>> has_orders(const platform_store& store, std::uint64_t customer_pid,
                                                        const call_context& ctx);

}  // namespace custbridge::backends::bigcommerce
