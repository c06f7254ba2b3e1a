#pragma once

// Internal to the BigCommerce emulator: the route handlers and the JSON shapes they share.

#include <string>
#include <string_view>
#include <vector>

#include "emulators/bigcommerce/emulator.hpp"
#include "emulators/common/json.hpp"
#include "emulators/common/query.hpp"

namespace custbridge::emulators::bigcommerce::detail {

// A webhook event to sign and send once the store lock is released.
struct event {
  std::string scope;
  std::string data_json;
};

// Everything a route handler needs. The store mutex is held while it runs.
struct context {
  const http::request& req;
  store& s;
  const options& opt;
  query_params q;
  std::vector<std::string_view> rest;  // path segments after "v2"/"v3"
  std::vector<event>& events;
};

inline constexpr std::string_view status_type = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes";

// V3 errors: {status, title, type, errors:{key: message}}.
using error_map = std::vector<std::pair<std::string, std::string>>;
http::response v3_error(int status, std::string_view title, const error_map& errors = {});
// V2 errors: [{status, message, details?}].
http::response v2_error(int status, std::string_view message, std::string_view details_json = {});
http::response v3_not_found();

http::response v3_route(context& c);
http::response v2_route(context& c);

// V3 list paging: page and limit from the query (default 50, at most 250).
struct paging {
  long long page = 1, limit = 50;
};
std::optional<paging> read_paging(const query_params& q);
// {"pagination":{...}} meta for an offset page.
void write_pagination(json_writer& w, long long total, long long count, const paging& p);

// Filter helpers.
bool in_list(const query_params& q, std::string_view key, std::string_view value, bool case_insensitive = false);
bool in_int_list(const query_params& q, std::string_view key, long long value);
bool date_ok(const query_params& q, std::string_view name, sys_seconds t);
bool like(std::string_view hay, std::string_view needle);

// Shapes.
void write_v3_customer(json_writer& w, const store& s, const customer& c, const std::vector<std::string>& include);
void write_v3_address(json_writer& w, const address& a, bool form_fields);
void write_v2_customer(json_writer& w, const store& s, const customer& c, const options& o);
void write_v2_address(json_writer& w, const address& a);
std::string money4(std::int64_t ten_thousandths);

// The customer delete semantics shared by V2 and V3: addresses and attribute values go,
// orders stay with customer_id 0 (UNDOCUMENTED).
void erase_customer(context& c, int id);
void customer_event(context& c, std::string_view what, int id);
void address_event(context& c, std::string_view what, const address& a);

// Duplicate rule for V3 addresses: every listed field equal.
bool same_address(const address& a, const address& b);

}  // namespace custbridge::emulators::bigcommerce::detail
