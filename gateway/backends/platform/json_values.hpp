#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Reading and writing the JSON values platforms exchange.
namespace custbridge::backends {

// A whole string of decimal digits as an unsigned number; nullopt for anything else
// (empty, a sign, spaces, overflow).
std::optional<std::uint64_t> parse_decimal(std::string_view s);

// A platform id sent as a JSON number or as a decimal string.
std::optional<std::uint64_t> numeric_id(const rapidjson::Value& v);

// The value as compact JSON text.
std::string serialize(const rapidjson::Value& v);

}  // namespace custbridge::backends
