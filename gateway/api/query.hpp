#pragma once

#include <string_view>

#include "gateway/api/errors.hpp"
#include "gateway/domain/customer.hpp"

namespace custbridge::api {

// Parses the list query string (limit, offset, email, search, sortBy, sortOrder,
// marketingOptIn, hasOrders). Any out-of-range value, bad percent-encoding,
// repeated or unknown parameter is BAD_REQUEST naming the parameter.
result<domain::list_query> parse_list_query(std::string_view query);

}  // namespace custbridge::api
