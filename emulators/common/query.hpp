#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace custbridge::emulators {

// A decoded query string. Keys keep their operators ("id:in", "date_created:min").
// Repeated keys are kept in order; get() returns the first.
class query_params {
 public:
  // Percent-decodes and splits `raw` (the part after '?'). Malformed escapes are kept verbatim.
  static query_params parse(std::string_view raw);

  std::optional<std::string_view> get(std::string_view key) const;
  bool has(std::string_view key) const { return get(key).has_value(); }
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

// Splits "a,b,,c" into {"a","b","c"} (empty parts dropped).
std::vector<std::string> split_list(std::string_view s, char sep = ',');

// Parses a base-10 integer that fills the whole string; nullopt otherwise.
std::optional<long long> parse_int(std::string_view s);

// Splits a path into its non-empty segments: "/v1/12/customers" -> {"v1","12","customers"}.
std::vector<std::string_view> path_segments(std::string_view path);

// Percent-encodes a query value (RFC 3986 unreserved characters are kept).
std::string url_encode(std::string_view s);

}  // namespace custbridge::emulators
