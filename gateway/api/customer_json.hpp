#pragma once

#include <rapidjson/fwd.h>
#include <string>
#include <string_view>

#include "gateway/api/errors.hpp"
#include "gateway/domain/customer.hpp"

namespace custbridge::api {

// Parses and validates request bodies. Every field problem is collected into one
// VALIDATION_ERROR with canonical field paths; malformed JSON, a body nested
// deeper than max_depth, or a non-object body is BAD_REQUEST. Read-only fields a
// client echoes back from a GET (id, storeId, createdAt, updatedAt) are ignored;
// any other unknown field is a VALIDATION_ERROR, never silently dropped.
result<domain::customer_create> parse_customer_create(std::string_view body, int max_depth);
result<domain::customer_patch> parse_customer_patch(std::string_view body, int max_depth);

// Imports accept the create shape plus "ordersCount" (and keep "createdAt").
result<domain::customer_create> parse_customer_import(const rapidjson::Value& object, std::string_view path_prefix);

std::string customer_item_json(const domain::customer& c);
std::string customer_list_json(const domain::customer_page& page, int limit, std::int64_t offset);

// True if `email` looks like a deliverable address (one '@', non-empty local part,
// a dotted domain, no spaces or control characters).
bool is_valid_email(std::string_view email);

}  // namespace custbridge::api
