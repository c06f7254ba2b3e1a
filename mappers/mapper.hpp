#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mappers/plan.hpp"
#include "mappers/report.hpp"

// Applying a compiled mapping_plan to RapidJSON values. Every function is thread-safe
// for a shared plan. Output is allocated from the caller's allocator and string values
// are copied, so the output does not borrow from the input document. Output member
// NAMES are not copied: they point into the plan, so keep the plan (its shared_ptr)
// alive until the output has been serialized or discarded.
namespace custbridge::mappers {

using json_allocator = rapidjson::MemoryPoolAllocator<rapidjson::CrtAllocator>;

// Per store: the platform's ids for the custom fields the plan declares by name
// (BigCommerce customer attribute ids, looked up once with GET /customers/attributes).
// Index i holds the id of plan.custom_fields.fields[i], or -1 if the store lacks it.
struct custom_field_binding {
  std::vector<std::int64_t> ids;
};

// Builds the binding from the store's attribute list (name -> id). Names match exactly.
custom_field_binding bind_custom_fields(const mapping_plan& plan,
                                        const std::vector<std::pair<std::string, std::int64_t>>& ids_by_name);

// Request direction: a canonical customer object -> the platform's customer object
// (without any envelope). Absent canonical members stay absent, so partial updates stay
// partial. `out` is overwritten. If `canonical` is not an object, out is null and the
// report holds one invalid issue with field "".
map_report customer_to_platform(const mapping_plan& plan, const rapidjson::Value& canonical, operation op,
                                rapidjson::Value& out, json_allocator& alloc,
                                const custom_field_binding* binding = nullptr);

// Response direction: a platform customer object -> a canonical customer object.
map_report customer_to_canonical(const mapping_plan& plan, const rapidjson::Value& platform, rapidjson::Value& out,
                                 json_allocator& alloc, const custom_field_binding* binding = nullptr);

// The same for one address (platforms whose addresses live in a sub-resource: BigCommerce
// V2 /customers/{id}/addresses, V3 /customers/addresses).
map_report address_to_platform(const mapping_plan& plan, const rapidjson::Value& canonical, operation op,
                               rapidjson::Value& out, json_allocator& alloc);
map_report address_to_canonical(const mapping_plan& plan, const rapidjson::Value& platform, rapidjson::Value& out,
                                json_allocator& alloc);

// Envelopes. request_body() maps and wraps as the platform wants a write body (an array
// of one object for BigCommerce V3). customer_from_response() finds the customer in a
// single-item response ({data:[c]} on V3, the root elsewhere). A body of the wrong shape
// gives an invalid issue, field "".
map_report request_body(const mapping_plan& plan, const rapidjson::Value& canonical, operation op,
                        rapidjson::Value& out, json_allocator& alloc, const custom_field_binding* binding = nullptr);
map_report customer_from_response(const mapping_plan& plan, const rapidjson::Value& body, rapidjson::Value& out,
                                  json_allocator& alloc, const custom_field_binding* binding = nullptr);

// The response header carrying the list total (Nuvemshop "x-total-count"), or "" if the
// total is in the body or unavailable.
const std::string& total_header(const mapping_plan& plan);


}  // namespace custbridge::mappers
