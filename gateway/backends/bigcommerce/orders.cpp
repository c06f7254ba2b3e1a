#include "gateway/backends/bigcommerce/orders.hpp"

namespace custbridge::backends::bigcommerce {

boost::asio::awaitable<domain::result<bool>> has_orders(const platform_store& store, std::uint64_t customer_pid,
                                                        const call_context& ctx) {
  upstream::upstream_request req;
  req.method = "GET";
  req.target = "/v2/orders?customer_id=" + std::to_string(customer_pid) + "&limit=1";
  auto r = co_await call(store, std::move(req), ctx);
  if (!r) co_return r.error();
  if (r->status == 204 || r->body.empty()) co_return false;
  auto body = parse_body(store, *r);
  if (!body) co_return body.error();
  if (!body->IsArray()) co_return unreadable(store, *r, "an order list that is not an array");
  co_return !body->Empty();
}

}  // namespace custbridge::backends::bigcommerce
