#pragma once

#include <rapidjson/document.h>

#include <string>
#include <string_view>
#include <vector>

#include "mappers/plan.hpp"
#include "mappers/report.hpp"

namespace custbridge::mappers {

// The canonical error codes and the HTTP status each implies.
//   VALIDATION_ERROR 400, BAD_REQUEST 400, UNAUTHORIZED 401, FORBIDDEN 403, NOT_FOUND 404,
//   CONFLICT 409, RATE_LIMITED 429, UPSTREAM_ERROR 502, UPSTREAM_UNAVAILABLE 503,
//   UPSTREAM_TIMEOUT 504.
// Returns 0 for an unknown code.
int canonical_error_status(std::string_view code);
const std::vector<std::string>& canonical_error_codes();

// A platform error normalized for the canonical API.
struct canonical_error {
  int http_status = 502;
  std::string code = "UPSTREAM_ERROR";
  std::string message;
  std::vector<field_issue> details;  // fields in canonical paths ("addresses[0].postalCode")
  int upstream_status = 0;
  std::string upstream_excerpt;  // at most 256 bytes of the platform's body, cut on a UTF-8 boundary
  bool retryable = false;
  // The platform reports an empty list page as an error (Nuvemshop: 404 "Last page is 0"):
  // the caller should answer with an empty page instead.
  bool empty_page = false;
};

// Classifies a platform error response by the plan's error table. `body` is the raw
// response body (may be empty or not JSON). Never fails: an unmatched status falls to the
// table's catch-all rule, or to UPSTREAM_ERROR 502 if the table has none.
canonical_error map_platform_error(const mapping_plan& plan, int status, std::string_view body);

// Translates a platform field path ("0.addresses.0.postal_code", "addresses[1].zipcode",
// "first_name") to the canonical path ("addresses[0].postalCode", "name"). A path the
// plan does not map comes back unchanged.
std::string canonical_field_path(const mapping_plan& plan, std::string_view platform_path);

// {"error":{"code","message","details":[{"field","reason"}],"upstream":{"status","excerpt"},"retryable"}}
void write_error_json(const canonical_error& e, rapidjson::Value& out, rapidjson::MemoryPoolAllocator<>& alloc);

}  // namespace custbridge::mappers
