#include "emulators/common/query.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <cctype>
#include <charconv>

namespace custbridge::emulators {

query_params query_params::parse(std::string_view raw) {
  query_params out;
  const std::string text = "?" + std::string(raw);
  auto parsed = boost::urls::parse_relative_ref(text);
  if (!parsed) {
    // Boost.URL rejects some sloppy queries real clients send; fall back to a plain split.
    for (auto& part : split_list(raw, '&')) {
      auto eq = part.find('=');
      if (eq == std::string::npos)
        out.items_.emplace_back(part, "");
      else
        out.items_.emplace_back(part.substr(0, eq), part.substr(eq + 1));
    }
    return out;
  }
  // params() decodes percent-escapes and '+' as a space, as HTML forms do.
  for (auto p : parsed->params()) out.items_.emplace_back(p.key, p.value);
  return out;
}

std::optional<std::string_view> query_params::get(std::string_view key) const {
  for (const auto& [k, v] : items_)
    if (k == key) return std::string_view(v);
  return std::nullopt;
}

std::vector<std::string> split_list(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto end = s.find(sep, start);
    if (end == std::string_view::npos) end = s.size();
    if (end > start) out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::optional<long long> parse_int(std::string_view s) {
  long long v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::vector<std::string_view> path_segments(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start < path.size()) {
    auto end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string url_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

}  // namespace custbridge::emulators
