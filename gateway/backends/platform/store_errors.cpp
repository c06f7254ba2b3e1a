#include "gateway/backends/platform/store_errors.hpp"

#include <string>

namespace custbridge::backends {

domain::error customer_not_found(std::string_view canonical_id) {
  return domain::make_error(domain::error_kind::not_found, "Customer '" + std::string(canonical_id) + "' not found");
}

domain::error duplicate_email() {
  return domain::make_error(domain::error_kind::conflict, "Customer with this email already exists");
}

domain::error customer_has_orders() {
  return domain::make_error(domain::error_kind::conflict, "Cannot delete customer with existing orders");
}

}  // namespace custbridge::backends
