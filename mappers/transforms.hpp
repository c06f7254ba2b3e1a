#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// The value-level transforms the mapping engine applies, as pure functions on strings.
// All are thread-safe and allocation-light; none throws on bad input.
namespace custbridge::mappers {

// Leading and trailing ASCII whitespace removed.
std::string_view trim(std::string_view s);

struct name_parts {
  std::string first;
  std::string last;
};

// "Juan Carlos de la Cruz" -> {"Juan", "Carlos de la Cruz"}: the first word is the first
// name, the rest (inner spacing kept) the last name. This suits the Latin American
// compound surnames Nuvemshop stores hold. One word -> {word, ""}; blank -> {"", ""}.
name_parts split_full_name(std::string_view full);

// The inverse: "first last", trimmed; either part may be empty. Blank -> "".
std::string join_full_name(std::string_view first, std::string_view last);

struct street_parts {
  std::string street;
  std::string number;  // "" when the line holds no house number
};

// Splits a canonical street line into street name and house number:
//   "Rua Augusta, 1500" / "Rua Augusta 1500" -> {"Rua Augusta", "1500"}
//   "742 Evergreen Terrace" (number first)   -> {"Evergreen Terrace", "742"}
//   "Rua Sem Saída"                           -> {"Rua Sem Saída", ""}
// A house number starts with a digit ("12", "12B", "1500-A", "12/3") or is "S/N".
street_parts split_street_number(std::string_view line);

// "Rua Augusta" + "1500" -> "Rua Augusta, 1500"; an empty number gives the street alone.
std::string join_street_number(std::string_view street, std::string_view number);

// True if the token reads as a house number (see split_street_number).
bool looks_like_house_number(std::string_view token);

// Trimmed and lower-cased (ASCII letters only; other bytes are kept as they are).
std::string normalize_email(std::string_view email);

// A decimal string with exactly `scale` fraction digits, rounded half away from zero,
// computed on the digits (never through a float): "89" -> "89.00", "0.0000" -> "0.00",
// "-1.005" -> "-1.01". nullopt if the text is not [-+]digits[.digits].
std::optional<std::string> normalize_decimal(std::string_view text, int scale);

// Strict base-10 int64 ("-12" ok; "", "12a", " 1", overflow -> nullopt).
std::optional<std::int64_t> parse_int64(std::string_view s);

// Region (state/province) of a country: the full name for an ISO 3166-2 subdivision code
// ("US","NY" -> "New York"; "BR","SP" -> "São Paulo"), and back. Names compare
// case-insensitively and ignore Latin accents ("Sao Paulo" matches). Covers US, CA, AU,
// BR, AR and MX; nullopt for anything else.
std::optional<std::string_view> region_name(std::string_view country_alpha2, std::string_view code);
std::optional<std::string_view> region_code(std::string_view country_alpha2, std::string_view name);

}  // namespace custbridge::mappers
