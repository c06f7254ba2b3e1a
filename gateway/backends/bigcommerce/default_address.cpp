#include "gateway/backends/bigcommerce/default_address.hpp"

#include <algorithm>

#include "gateway/backends/platform/json_values.hpp"

namespace custbridge::backends::bigcommerce {
namespace {

using domain::error_kind;

constexpr auto absent_attribute_ttl = std::chrono::seconds(30);

}  // namespace

std::optional<std::uint64_t> resolve_default(const std::optional<std::string>& stored,
                                             const std::vector<std::uint64_t>& address_pids) {
  if (stored && *stored == no_default_value) return std::nullopt;
  if (stored)
    if (auto n = parse_decimal(*stored); n && std::find(address_pids.begin(), address_pids.end(), *n) != address_pids.end())
      return n;
  if (address_pids.empty()) return std::nullopt;
  return *std::min_element(address_pids.begin(), address_pids.end());
}

void apply_default(const platform_store& store, domain::customer& c, const std::optional<std::string>& stored) {
  std::vector<std::uint64_t> pids;
  for (const auto& a : c.addresses)
    if (auto n = platform_address_id(store, a.id)) pids.push_back(*n);
  c.default_address_id.reset();
  if (auto d = resolve_default(stored, pids)) c.default_address_id = canonical_address_id(store, *d);
  for (auto& a : c.addresses) a.is_default = c.default_address_id == a.id;
}

std::string default_value(std::optional<std::uint64_t> address_pid) {
  return address_pid ? std::to_string(*address_pid) : std::string(no_default_value);
}

bool default_needs_write(const std::optional<std::string>& stored, const std::string& wanted,
                         const std::vector<std::uint64_t>& address_pids) {
  if (stored == wanted) return false;
  return resolve_default(stored, address_pids) != resolve_default(wanted, address_pids);
}

boost::asio::awaitable<domain::result<attribute_directory::ids>> attribute_directory::get(const call_context& ctx,
                                                                                         bool refresh) {
  const auto now = upstream::client::clock::now();
  {
    std::lock_guard lock(mutex_);
    if (cached_ && !refresh && (cached_->default_attribute || now - read_at_ < absent_attribute_ttl)) co_return *cached_;
  }
  auto r = co_await call(*store_, make_request("GET", "/v3/customers/attributes?limit=250"), ctx);
  if (!r) co_return r.error();
  ids out;
  std::vector<std::pair<std::string, std::int64_t>> by_name;
  if (!r->body.empty()) {
    auto body = parse_body(*store_, *r);
    if (!body) co_return body.error();
    if (body->IsObject())
      if (auto data = body->FindMember("data"); data != body->MemberEnd() && data->value.IsArray())
        for (const auto& a : data->value.GetArray()) {
          if (!a.IsObject()) continue;
          auto id_it = a.FindMember("id");
          auto name_it = a.FindMember("name");
          if (id_it == a.MemberEnd() || name_it == a.MemberEnd() || !name_it->value.IsString()) continue;
          auto id = numeric_id(id_it->value);
          if (!id) continue;
          std::string name(name_it->value.GetString(), name_it->value.GetStringLength());
          const auto sid = static_cast<std::int64_t>(*id);
          if (name == default_attribute_name && (!out.default_attribute || sid < *out.default_attribute))
            out.default_attribute = sid;
          by_name.emplace_back(std::move(name), sid);
        }
  }
  out.binding = mappers::bind_custom_fields(*store_->plan, by_name);
  std::lock_guard lock(mutex_);
  cached_ = out;
  read_at_ = now;
  co_return out;
}

boost::asio::awaitable<domain::result<std::int64_t>> attribute_directory::ensure_default(const call_context& ctx) {
  auto found = co_await get(ctx, false);
  if (!found) co_return found.error();
  if (!found->default_attribute) found = co_await get(ctx, true);
  if (!found) co_return found.error();
  if (found->default_attribute) co_return *found->default_attribute;
  const std::string body = R"([{"name":")" + std::string(default_attribute_name) + R"(","type":"string"}])";
  auto created = co_await call(*store_, make_request("POST", "/v3/customers/attributes", body), ctx);
  found = co_await get(ctx, true);
  if (!found) co_return found.error();
  if (found->default_attribute) co_return *found->default_attribute;
  if (!created) co_return created.error();
  co_return domain::make_error(error_kind::upstream_error, store_->platform_name + " did not keep the customer attribute " +
                                                               std::string(default_attribute_name));
}

void attribute_directory::forget() {
  std::lock_guard lock(mutex_);
  cached_.reset();
}

boost::asio::awaitable<domain::result<void>> attribute_directory::write_default(std::int64_t attribute_id,
                                                                                std::uint64_t customer_pid, std::string value,
                                                                                const call_context& ctx) {
  auto written = co_await write_default_value(*store_, attribute_id, customer_pid, std::move(value), ctx);
  if (!written) forget();
  co_return written;
}

boost::asio::awaitable<domain::result<void>> write_default_value(const platform_store& store, std::int64_t attribute_id,
                                                                 std::uint64_t customer_pid, std::string value,
                                                                 const call_context& ctx) {
  const std::string body = "[{\"attribute_id\":" + std::to_string(attribute_id) +
                           ",\"customer_id\":" + std::to_string(customer_pid) + ",\"value\":\"" + value + "\"}]";
  auto r = co_await call(store, make_request("PUT", "/v3/customers/attribute-values", body), ctx);
  if (!r) co_return r.error();
  co_return domain::result<void>{};
}

}  // namespace custbridge::backends::bigcommerce
