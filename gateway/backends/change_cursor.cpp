#include "gateway/backends/change_cursor.hpp"

#include <charconv>
#include <cstdio>

namespace custbridge::backends {
namespace {

constexpr std::string_view version = "v1";

struct fnv1a {
  std::uint32_t h = 2166136261u;
  void bytes(std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 16777619u;
    }
  }
  // Each value ends with a separator byte that text never holds, and an absent value
  // differs from an empty one.
  void field(std::string_view s) {
    bytes(s);
    bytes(std::string_view("\x1f", 1));
  }
  void optional_field(const std::optional<std::string>& s) {
    if (s)
      field(*s);
    else
      bytes(std::string_view("\x1e", 1));
  }
};

std::string hex8(std::uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

bool field_byte(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '_' || c == ':' || c == ',' || c == '-';
}

std::string hash8(std::string_view s) {
  fnv1a f;
  f.bytes(s);
  return hex8(f.h);
}

std::string store_tag(std::string_view store_id) { return hash8(store_id); }

}  // namespace

std::optional<domain::error> check_change_limit(int limit) {
  if (limit >= 1 && limit <= max_change_limit) return std::nullopt;
  return domain::make_error(domain::error_kind::bad_request,
                            "limit must be between 1 and " + std::to_string(max_change_limit));
}

domain::error bad_cursor(std::string_view why) {
  return domain::make_error(domain::error_kind::bad_request, "invalid cursor: " + std::string(why));
}

std::string make_cursor(std::string_view backend, std::string_view store_id, const std::vector<std::string>& fields) {
  std::string out(version);
  out += '.';
  out += backend;
  out += '.';
  out += store_tag(store_id);
  for (const auto& f : fields) {
    out += '.';
    out += f;
  }
  const auto check = hash8(out);
  out += '.';
  out += check;
  return out;
}

domain::result<std::vector<std::string_view>> open_cursor(std::string_view cursor, std::string_view backend,
                                                        std::string_view store_id, std::size_t field_count) {
  const auto dot = cursor.rfind('.');
  if (dot == std::string_view::npos || !is_fingerprint(cursor.substr(dot + 1)) ||
      hash8(cursor.substr(0, dot)) != cursor.substr(dot + 1))
    return bad_cursor("not a cursor this gateway issued, or truncated or altered");
  cursor = cursor.substr(0, dot);
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= cursor.size(); ++i) {
    if (i == cursor.size() || cursor[i] == '.') {
      parts.push_back(cursor.substr(start, i - start));
      start = i + 1;
    }
  }
  if (parts.size() < 3 || parts[0] != version) return bad_cursor("not a cursor of this gateway version");
  if (parts[1] != backend) return bad_cursor("issued by another kind of store, not " + std::string(backend));
  if (parts[2] != store_tag(store_id)) return bad_cursor("issued by another store");
  if (parts.size() != 3 + field_count) return bad_cursor("wrong number of fields");
  for (std::size_t i = 3; i < parts.size(); ++i)
    for (char c : parts[i])
      if (!field_byte(c)) return bad_cursor("unexpected character");
  return std::vector<std::string_view>(parts.begin() + 3, parts.end());
}

std::optional<std::uint64_t> cursor_number(std::string_view s) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::int64_t> cursor_second(std::string_view s) {
  constexpr std::uint64_t last_second = 253402300799;  // 9999-12-31T23:59:59Z
  auto n = cursor_number(s);
  if (!n || *n > last_second) return std::nullopt;
  return static_cast<std::int64_t>(*n);
}

std::string customer_fingerprint(const domain::customer& c) {
  fnv1a f;
  f.field(c.id);
  f.field(c.email);
  f.optional_field(c.name);
  f.optional_field(c.phone);
  f.field(c.marketing_opt_in ? "1" : "0");
  f.optional_field(c.default_address_id);
  f.field(std::to_string(c.orders_count));
  f.field(c.created_at);
  f.field(c.updated_at);
  for (const auto& [k, v] : c.metadata) {
    f.field(k);
    f.field(v);
  }
  f.field("addresses");
  for (const auto& a : c.addresses) {
    f.field(a.id);
    f.optional_field(a.first_name);
    f.optional_field(a.last_name);
    f.optional_field(a.company);
    f.field(a.address1);
    f.optional_field(a.address2);
    f.field(a.city);
    f.optional_field(a.region);
    f.field(a.postal_code);
    f.field(a.country);
    f.optional_field(a.phone);
    f.field(a.is_default ? "1" : "0");
  }
  return hex8(f.h);
}

bool is_fingerprint(std::string_view s) {
  if (s.size() != 8) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::vector<std::string_view> split_cursor_list(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  if (s.empty()) return out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

}  // namespace custbridge::backends
