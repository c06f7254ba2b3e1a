#include "common/country.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <unordered_map>

namespace custbridge {
namespace {

struct country_row {
  std::string_view code;
  std::string_view name;
  std::string_view other_names;  // '|'-separated
};

constexpr country_row countries[] = {
#include "common/country_table.inc"
};

struct country_index {
  std::unordered_map<std::string, std::string_view> by_folded_name;
  std::unordered_map<std::string, std::string_view> name_by_code;

  country_index() {
    for (const auto& row : countries) {
      name_by_code.emplace(std::string(row.code), row.name);
      by_folded_name.emplace(ascii_lower(row.code), row.code);
      by_folded_name.emplace(ascii_lower(row.name), row.code);
      std::string_view rest = row.other_names;
      while (!rest.empty()) {
        auto bar = rest.find('|');
        by_folded_name.emplace(ascii_lower(rest.substr(0, bar)), row.code);
        rest = bar == std::string_view::npos ? std::string_view{} : rest.substr(bar + 1);
      }
    }
  }
};

const country_index& index() {
  static const country_index instance;
  return instance;
}

}  // namespace

std::optional<std::string_view> country_code(std::string_view code_or_name) {
  auto trimmed = code_or_name;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) trimmed.remove_prefix(1);
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.remove_suffix(1);
  const auto& idx = index();
  if (auto it = idx.by_folded_name.find(ascii_lower(trimmed)); it != idx.by_folded_name.end()) return it->second;
  return std::nullopt;
}

std::optional<std::string_view> country_name(std::string_view alpha2) {
  std::string upper(alpha2);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  const auto& idx = index();
  if (auto it = idx.name_by_code.find(upper); it != idx.name_by_code.end()) return it->second;
  return std::nullopt;
}

}  // namespace custbridge
