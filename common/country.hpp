#pragma once

#include <optional>
#include <string_view>

namespace custbridge {

// Resolves an ISO 3166-1 alpha-2 code (any case) or an English country name
// (ISO short name, official name, common name or an everyday alias such as
// "USA"; compared case-insensitively) to the upper-case alpha-2 code.
// Returns nullopt for anything unknown. Thread-safe: the table is immutable.
std::optional<std::string_view> country_code(std::string_view code_or_name);

// The English display name for an alpha-2 code, or nullopt if the code is unknown.
std::optional<std::string_view> country_name(std::string_view alpha2);

}  // namespace custbridge
