#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace custbridge::backends {

using query_params = std::vector<std::pair<std::string, std::string>>;

// `path` followed by the parameters in order, as a request target. Values are
// percent-encoded to unreserved characters only (so '+', '@' and ',' never reach a
// platform that form-decodes them); names keep ':' too, for BigCommerce's `email:in`.
std::string with_query(std::string_view path, const query_params& params);

// The same without a path: "a=1&b=2".
std::string encode_query(const query_params& params);

}  // namespace custbridge::backends
