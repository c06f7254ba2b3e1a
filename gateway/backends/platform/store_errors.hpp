#pragma once

#include <string_view>

#include "gateway/domain/error.hpp"

// The canonical errors every platform adapter answers in the same words as the local store.
namespace custbridge::backends {

// 404 NOT_FOUND "Customer '<canonical_id>' not found".
domain::error customer_not_found(std::string_view canonical_id);

// 409 CONFLICT "Customer with this email already exists".
domain::error duplicate_email();

// 409 CONFLICT "Cannot delete customer with existing orders".
domain::error customer_has_orders();

}  // namespace custbridge::backends
