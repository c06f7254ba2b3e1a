#include "gateway/api/query.hpp"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse_query.hpp>

#include <charconv>
#include <set>

namespace custbridge::api {
namespace {

api_error bad_parameter(std::string name, std::string reason) {
  if (name.empty()) name = "\"\"";  // "a=1&=2": name the empty name visibly
  auto e = make_error(error_kind::bad_request, "Invalid query parameter '" + name + "': " + reason);
  e.details.push_back({std::move(name), std::move(reason)});
  return e;
}

std::optional<long long> to_integer(std::string_view s) {
  long long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<bool> to_bool(std::string_view s) {
  if (s == "true" || s == "1") return true;
  if (s == "false" || s == "0") return false;
  return std::nullopt;
}

}  // namespace

result<domain::list_query> parse_list_query(std::string_view query) {
  domain::list_query q;
  if (query.empty()) return q;
  auto parsed = boost::urls::parse_query(query);
  if (!parsed) return make_error(error_kind::bad_request, "Malformed query string");
  std::set<std::string, std::less<>> seen;
  for (auto param : *parsed) {
    // '+' means space, as in HTML forms and every mainstream query parser; clients send '%2B' for a plus.
    boost::urls::encoding_opts opts;
    opts.space_as_plus = true;
    const std::string key = param.key.decode(opts);
    const std::string value = param.has_value ? param.value.decode(opts) : std::string();
    if (!seen.insert(key).second) return bad_parameter(key, "given more than once");
    if (key == "limit") {
      auto v = to_integer(value);
      if (!v || *v < 1 || *v > 200) return bad_parameter(key, "must be an integer from 1 to 200");
      q.limit = static_cast<int>(*v);
    } else if (key == "offset") {
      auto v = to_integer(value);
      if (!v || *v < 0 || *v > domain::max_list_offset)
        return bad_parameter(key, "must be an integer from 0 to " + std::to_string(domain::max_list_offset));
      q.offset = *v;
    } else if (key == "email") {
      if (value.empty() || value.size() > 255) return bad_parameter(key, "must be 1-255 characters");
      q.email = value;
    } else if (key == "search") {
      if (value.size() > 255) return bad_parameter(key, "must be at most 255 characters");
      if (!value.empty()) q.search = value;
    } else if (key == "sortBy") {
      if (value == "createdAt") q.sort_by = domain::sort_field::created_at;
      else if (value == "updatedAt") q.sort_by = domain::sort_field::updated_at;
      else if (value == "name") q.sort_by = domain::sort_field::name;
      else if (value == "email") q.sort_by = domain::sort_field::email;
      else return bad_parameter(key, "must be one of name, email, createdAt, updatedAt");
    } else if (key == "sortOrder") {
      if (value == "asc") q.descending = false;
      else if (value == "desc") q.descending = true;
      else return bad_parameter(key, "must be asc or desc");
    } else if (key == "marketingOptIn" || key == "hasOrders") {
      auto b = to_bool(value);
      if (!b) return bad_parameter(key, "must be true or false");
      (key == "hasOrders" ? q.has_orders : q.marketing_opt_in) = *b;
    } else {
      return bad_parameter(key, "unknown parameter; expected limit, offset, email, search, sortBy, sortOrder, marketingOptIn or hasOrders");
    }
  }
  return q;
}

}  // namespace custbridge::api
