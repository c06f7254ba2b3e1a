#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "gateway/api/errors.hpp"
#include "gateway/backends/customer_backend.hpp"
#include "gateway/http/message.hpp"

namespace custbridge::api {

// The five canonical customer endpoints. Each validates its input, calls the
// store's backend and renders the success response; every failure comes back as
// an api_error for the caller to render with to_response().
boost::asio::awaitable<result<http::response>> list_customers(backends::customer_backend& backend, backends::request_context rc,
                                                              std::string query);
boost::asio::awaitable<result<http::response>> get_customer(backends::customer_backend& backend, backends::request_context rc,
                                                            std::string id);
boost::asio::awaitable<result<http::response>> create_customer(backends::customer_backend& backend, backends::request_context rc,
                                                               std::string body, int max_json_depth);
boost::asio::awaitable<result<http::response>> update_customer(backends::customer_backend& backend, backends::request_context rc,
                                                               std::string id, std::string body, int max_json_depth);
boost::asio::awaitable<result<http::response>> delete_customer(backends::customer_backend& backend, backends::request_context rc,
                                                               std::string id);

}  // namespace custbridge::api
