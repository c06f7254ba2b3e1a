#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "emulators/common/json.hpp"
#include "emulators/nuvemshop/customer.hpp"

namespace custbridge::emulators::nuvemshop {

// Top-level fields to keep (the `fields` query parameter); empty = all.
using field_filter = std::set<std::string, std::less<>>;

void write_customer(json_writer& w, const customer& c, const field_filter& fields = {});
std::string customer_json(const customer& c, const field_filter& fields = {});

// Validation errors in Nuvemshop's 422 shape: field -> messages.
using field_errors = std::map<std::string, std::vector<std::string>>;
std::string field_errors_json(const field_errors& e);

enum class write_mode { create, update };

// Applies a POST or PUT body to `c`. Read-only fields are ignored, unknown keys are
// kept in passthrough, addresses get ids from next_address_id. On PUT, addresses
// with an id update that address, others are added; addresses not sent are kept
// unless replace_addresses. Returns the validation errors (c may be partly changed
// then; callers work on a copy).
field_errors apply_body(const rapidjson::Value& body, customer& c, write_mode mode, std::int64_t& next_address_id,
                        sys_seconds now, bool replace_addresses);

}  // namespace custbridge::emulators::nuvemshop
