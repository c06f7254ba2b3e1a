#pragma once

#include <boost/asio/awaitable.hpp>
#include <string>

#include "gateway/domain/error.hpp"
#include "gateway/domain/customer.hpp"

namespace custbridge::backends {

// Which store a canonical request is for and the request's id, which platform
// backends pass on in their upstream calls so one id traces a request end to end.
struct request_context {
  std::string store_id;
  std::string request_id;
};

// What the canonical API needs from a store's backend. Expected failures
// (not found, conflict, validation, upstream trouble) are api_error values;
// implementations throw only on bugs. Implementations must be safe to call
// concurrently from every server thread.
class customer_backend {
 public:
  virtual ~customer_backend() = default;

  virtual boost::asio::awaitable<domain::result<domain::customer_page>> list(request_context rc,
                                                                          domain::list_query query) = 0;
  virtual boost::asio::awaitable<domain::result<domain::customer>> get(request_context rc, std::string id) = 0;
  virtual boost::asio::awaitable<domain::result<domain::customer>> create(request_context rc,
                                                                       domain::customer_create input) = 0;
  virtual boost::asio::awaitable<domain::result<domain::customer>> update(request_context rc, std::string id,
                                                                       domain::customer_patch patch) = 0;
  virtual boost::asio::awaitable<domain::result<void>> remove(request_context rc, std::string id) = 0;
  // True when the backend can serve requests (for /readyz).
  virtual bool ready() = 0;
};

}  // namespace custbridge::backends
