#pragma once

#include <string>
#include <vector>

#include "emulators/bigcommerce/routes.hpp"

namespace custbridge::emulators::bigcommerce::detail {

// Reads one V3 customer item over `cu`, checking the spec's types and lengths.
// POST (is_post) also requires email, first_name and last_name, and reads nested
// addresses and attributes into the out-vectors. Errors are keyed prefix + field.
void read_customer(const store& s, const rapidjson::Value& item, customer& cu, std::vector<address>& addresses,
                   std::vector<attribute_value>& values, bool is_post, const std::string& prefix, error_map& errors);

// Reads one V3 address item over `a`. POST requires customer_id, first_name,
// last_name, address1, city, state_or_province, postal_code, country_code.
void read_address(const store& s, const rapidjson::Value& item, address& a, bool is_post, const std::string& prefix,
                  error_map& errors);

// A string member with length limits; absent leaves `out` alone.
bool read_bounded(const rapidjson::Value& obj, const char* key, std::size_t min, std::size_t max, bool required,
                  std::string& out, const std::string& prefix, error_map& errors);

}  // namespace custbridge::emulators::bigcommerce::detail
