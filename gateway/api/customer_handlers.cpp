#include "gateway/api/customer_handlers.hpp"

#include "gateway/api/customer_json.hpp"
#include "gateway/api/query.hpp"

namespace custbridge::api {
namespace {

http::response json_response(int status, std::string body) {
  http::response res;
  res.status = status;
  res.set("Content-Type", "application/json");
  res.body = std::move(body);
  return res;
}

}  // namespace

boost::asio::awaitable<result<http::response>> list_customers(backends::customer_backend& backend, backends::request_context rc,
                                                              std::string query) {
  auto q = parse_list_query(query);
  if (!q) co_return q.error();
  auto page = co_await backend.list(std::move(rc), *q);
  if (!page) co_return page.error();
  co_return json_response(200, customer_list_json(*page, q->limit, q->offset));
}

boost::asio::awaitable<result<http::response>> get_customer(backends::customer_backend& backend, backends::request_context rc,
                                                            std::string id) {
  auto c = co_await backend.get(std::move(rc), std::move(id));
  if (!c) co_return c.error();
  co_return json_response(200, customer_item_json(*c));
}

boost::asio::awaitable<result<http::response>> create_customer(backends::customer_backend& backend, backends::request_context rc,
                                                               std::string body, int max_json_depth) {
  auto input = parse_customer_create(body, max_json_depth);
  if (!input) co_return input.error();
  auto c = co_await backend.create(std::move(rc), std::move(*input));
  if (!c) co_return c.error();
  auto res = json_response(201, customer_item_json(*c));
  res.set("Location", "/stores/" + c->store_id + "/customers/" + c->id);
  co_return res;
}

boost::asio::awaitable<result<http::response>> update_customer(backends::customer_backend& backend, backends::request_context rc,
                                                               std::string id, std::string body, int max_json_depth) {
  auto patch = parse_customer_patch(body, max_json_depth);
  if (!patch) co_return patch.error();
  auto c = co_await backend.update(std::move(rc), std::move(id), std::move(*patch));
  if (!c) co_return c.error();
  co_return json_response(200, customer_item_json(*c));
}

boost::asio::awaitable<result<http::response>> delete_customer(backends::customer_backend& backend, backends::request_context rc,
                                                               std::string id) {
  auto done = co_await backend.remove(std::move(rc), std::move(id));
  if (!done) co_return done.error();
  http::response res;
  res.status = 204;
  co_return res;
}

}  // namespace custbridge::api
