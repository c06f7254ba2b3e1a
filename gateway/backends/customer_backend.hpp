#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "gateway/api/errors.hpp"
#include "gateway/domain/customer.hpp"

namespace custbridge::backends {

// What the canonical API needs from a store's backend. Expected failures
// (not found, conflict, validation, upstream trouble) are api_error values;
// implementations throw only on bugs. Implementations must be safe to call
// concurrently from every server thread.
class customer_backend {
 public:
  virtual ~customer_backend() = default;

  virtual boost::asio::awaitable<api::result<domain::customer_page>> list(std::string store_id,
                                                                          domain::list_query query) = 0;
  virtual boost::asio::awaitable<api::result<domain::customer>> get(std::string store_id, std::string id) = 0;
  virtual boost::asio::awaitable<api::result<domain::customer>> create(std::string store_id,
                                                                       domain::customer_create input) = 0;
  virtual boost::asio::awaitable<api::result<domain::customer>> update(std::string store_id, std::string id,
                                                                       domain::customer_patch patch) = 0;
  virtual boost::asio::awaitable<api::result<void>> remove(std::string store_id, std::string id) = 0;
  // True when the backend can serve requests (for /readyz).
  virtual bool ready() = 0;
};

}  // namespace custbridge::backends
