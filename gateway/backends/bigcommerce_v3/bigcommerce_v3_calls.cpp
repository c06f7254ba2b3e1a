#include "gateway/backends/bigcommerce_v3/bigcommerce_v3_adapter.hpp"

#include <algorithm>

#include "common/text.hpp"
#include "gateway/backends/platform/json_values.hpp"
#include "gateway/backends/platform/query_string.hpp"
#include "mappers/errors.hpp"
#include "mappers/mapper.hpp"

namespace custbridge::backends::bigcommerce_v3 {

using boost::asio::awaitable;
using domain::error_kind;
using rapidjson::Value;

namespace {

// Fields the adapter realises itself (default address) and so are not "dropped".
bool handled_elsewhere(std::string_view field) {
  return field == "defaultAddressId" || field == "addresses" || field.ends_with("isDefault") ||
         field.ends_with("createdAt") || field.ends_with("updatedAt");
}

}  // namespace

void set_param(params& ps, const std::string& name, std::string value) {
  std::erase_if(ps, [&](const auto& p) { return p.first == name; });
  ps.emplace_back(name, std::move(value));
}

std::optional<std::uint64_t> member_id(const Value& obj, const char* key) {
  if (!obj.IsObject()) return std::nullopt;
  auto it = obj.FindMember(key);
  return it == obj.MemberEnd() ? std::nullopt : numeric_id(it->value);
}

const Value* data_array(const Value& body) {
  if (!body.IsObject()) return nullptr;
  auto it = body.FindMember("data");
  return it != body.MemberEnd() && it->value.IsArray() ? &it->value : nullptr;
}

// BigCommerce treats two addresses of a customer as the same when these fields match
// (§3.1; address_type aside, which the gateway never sets). Null and "" are alike.
std::string address_key(const Value& platform_address) {
  static constexpr const char* fields[] = {"first_name", "last_name", "company",           "phone",       "address1",
                                           "address2",   "city",      "state_or_province", "postal_code", "country_code"};
  std::string key;
  for (const char* f : fields) {
    if (platform_address.IsObject())
      if (auto it = platform_address.FindMember(f); it != platform_address.MemberEnd() && it->value.IsString())
        key.append(it->value.GetString(), it->value.GetStringLength());
    key.push_back('\x1f');
  }
  return key;
}

domain::error bad_parameter(std::string field, std::string reason) {
  auto e = domain::make_error(error_kind::bad_request, field + ": " + reason);
  e.details.push_back({std::move(field), std::move(reason)});
  return e;
}

std::optional<domain::error> refuse_dropped(const mappers::map_report& report, std::string_view prefix) {
  std::vector<domain::field_error> details;
  for (const auto& d : report.dropped)
    if (!handled_elsewhere(d.field)) details.push_back({std::string(prefix) + d.field, d.reason});
  if (details.empty()) return std::nullopt;
  return domain::validation_failed(std::move(details));
}

std::string address_path(std::size_t index, std::string_view field) {
  const std::string prefix = "addresses[" + std::to_string(index) + "]";
  if (field.starts_with("addresses")) return std::string(field);
  return field.empty() ? prefix : prefix + "." + std::string(field);
}

// The fields BigCommerce V3 requires of an address it is sent (address_Post; a PUT that
// sends them must not send them empty either), checked before the first write so a
// request the platform would refuse changes nothing. state_or_province and postal_code
// are required keys too, but may be empty (minLength 0): they are always sent.
void check_required(const domain::address& a, std::size_t index, std::vector<domain::field_error>& problems) {
  auto need = [&](bool ok, std::string_view field, std::string_view platform_field) {
    if (!ok)
      problems.push_back({address_path(index, field), "is required: BigCommerce V3 needs " + std::string(platform_field) +
                                                          " on every address"});
  };
  need(a.first_name && !a.first_name->empty(), "firstName", "first_name");
  need(a.last_name && !a.last_name->empty(), "lastName", "last_name");
  need(!a.address1.empty(), "address1", "address1");
  need(!a.city.empty(), "city", "city");
  need(a.country.size() == 2, "country", "country_code");
}

domain::result<void> check_distinct(const std::vector<std::string>& keys) {
  for (std::size_t i = 0; i < keys.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (keys[i] == keys[j])
        return domain::validation_failed({{address_path(i, ""), "duplicates addresses[" + std::to_string(j) +
                                                                 "]; BigCommerce keeps only one of identical addresses"}});
  return {};
}

awaitable<domain::result<upstream::upstream_response>> bigcommerce_v3_backend::send(std::string method, std::string target,
                                                                                 std::string body, const call_context& ctx) {
  upstream::upstream_request req;
  req.method = std::move(method);
  req.target = std::move(target);
  req.body = std::move(body);
  co_return co_await call(*store_, std::move(req), ctx);
}

awaitable<domain::result<upstream::upstream_response>> bigcommerce_v3_backend::send_raw(std::string method,
                                                                                     std::string target,
                                                                                     std::string body,
                                                                                     const call_context& ctx) {
  upstream::upstream_request req;
  req.method = std::move(method);
  req.target = std::move(target);
  req.body = std::move(body);
  co_return co_await call_raw(*store_, std::move(req), ctx);
}

awaitable<domain::result<rapidjson::Document>> bigcommerce_v3_backend::send_json(std::string method, std::string target,
                                                                             std::string body, const call_context& ctx) {
  auto r = co_await send(std::move(method), std::move(target), std::move(body), ctx);
  if (!r) co_return r.error();
  // Address writes that only hit duplicates answer 200 with {} or even nothing.
  if (r->body.empty()) co_return rapidjson::Document(rapidjson::kObjectType);
  co_return parse_body(*store_, *r);
}

domain::result<domain::address> bigcommerce_v3_backend::read_address(const Value& platform) const {
  scratch_allocator scratch;
  Value canonical;
  auto report = mappers::address_to_canonical(*store_->plan, platform, canonical, scratch.get());
  if (!report.ok()) {
    return domain::make_error(error_kind::upstream_error, store_->platform_name + " sent an address the mapping cannot read: " +
                                                           report.invalid.front().field + ": " +
                                                           report.invalid.front().reason);
  }
  return address_from_canonical(*store_, canonical);
}

domain::result<loaded_customer> bigcommerce_v3_backend::read_customer(const Value& platform, const attribute_ids& ids) const {
  scratch_allocator scratch;
  Value canonical;
  auto report = mappers::customer_to_canonical(*store_->plan, platform, canonical, scratch.get(), &ids.binding);
  if (!report.ok()) {
    return domain::make_error(error_kind::upstream_error, store_->platform_name + " sent a customer the mapping cannot read: " +
                                                           report.invalid.front().field + ": " +
                                                           report.invalid.front().reason);
  }
  auto c = customer_from_canonical(*store_, canonical);
  if (!c) return c.error();
  loaded_customer out{std::move(*c), std::nullopt};
  if (ids.default_attribute) {
    if (auto it = platform.FindMember("attributes"); it != platform.MemberEnd() && it->value.IsArray()) {
      for (const auto& v : it->value.GetArray()) {
        auto attribute = member_id(v, "attribute_id");
        auto value = v.IsObject() ? v.FindMember("attribute_value") : Value::ConstMemberIterator();
        if (attribute && static_cast<std::int64_t>(*attribute) == *ids.default_attribute && value != v.MemberEnd() &&
            value->value.IsString())
          out.stored_default = std::string(value->value.GetString(), value->value.GetStringLength());
      }
    }
  }
  bigcommerce::apply_default(*store_, out.customer, out.stored_default);
  return out;
}

awaitable<domain::result<bigcommerce_v3_backend::page_result>> bigcommerce_v3_backend::fetch_page(params ps,
                                                                                               const call_context& ctx) {
  auto ids = co_await attributes_.get(ctx);
  if (!ids) co_return ids.error();
  auto body = co_await send_json("GET", with_query("/v3/customers", ps), "", ctx);
  if (!body) co_return body.error();
  const auto* data = data_array(*body);
  if (!data) co_return domain::make_error(error_kind::upstream_error, store_->platform_name + " sent a list without data");
  page_result out;
  for (const auto& item : data->GetArray()) {
    auto c = read_customer(item, *ids);
    if (!c) co_return c.error();
    out.items.push_back(std::move(c->customer));
  }
  out.total = static_cast<std::int64_t>(out.items.size());
  if (auto meta = body->FindMember("meta"); meta != body->MemberEnd() && meta->value.IsObject())
    if (auto p = meta->value.FindMember("pagination"); p != meta->value.MemberEnd() && p->value.IsObject())
      if (auto t = p->value.FindMember("total"); t != p->value.MemberEnd() && t->value.IsInt64())
        out.total = t->value.GetInt64();
  co_return out;
}

awaitable<domain::result<std::optional<loaded_customer>>> bigcommerce_v3_backend::fetch(std::uint64_t platform_id,
                                                                                    const call_context& ctx) {
  auto ids = co_await attributes_.get(ctx);
  if (!ids) co_return ids.error();
  // V3 has no GET /customers/{id}: filter the list by id.
  auto body = co_await send_json(
      "GET", "/v3/customers?id:in=" + std::to_string(platform_id) + "&include=addresses,attributes", "", ctx);
  if (!body) co_return body.error();
  const auto* data = data_array(*body);
  if (!data) co_return domain::make_error(error_kind::upstream_error, store_->platform_name + " sent a list without data");
  for (const auto& item : data->GetArray()) {
    if (member_id(item) != platform_id) continue;
    auto c = read_customer(item, *ids);
    if (!c) co_return c.error();
    co_return std::optional<loaded_customer>(std::move(*c));
  }
  co_return std::optional<loaded_customer>();
}

awaitable<domain::result<bool>> bigcommerce_v3_backend::email_taken(std::string email, std::optional<std::uint64_t> except,
                                                                const call_context& ctx) {
  const auto folded = ascii_lower(email);
  params ps;
  ps.emplace_back("email:in", folded);
  ps.emplace_back("limit", std::to_string(max_page));
  auto body = co_await send_json("GET", with_query("/v3/customers", ps), "", ctx);
  if (!body) co_return body.error();
  if (const auto* data = data_array(*body))
    for (const auto& c : data->GetArray()) {
      auto e = c.IsObject() ? c.FindMember("email") : Value::ConstMemberIterator();
      if (e == c.MemberEnd() || !e->value.IsString()) continue;
      if (ascii_lower({e->value.GetString(), e->value.GetStringLength()}) == folded && member_id(c) != except) co_return true;
    }
  co_return false;
}

domain::result<void> bigcommerce_v3_backend::address_body(const domain::address& a, bool create, std::uint64_t customer_pid,
                                                          std::size_t index, Value& out, json_allocator& alloc) const {
  std::optional<std::uint64_t> pid;
  if (!create) {
    pid = platform_address_id(*store_, a.id);
    if (!pid) return domain::make_error(error_kind::internal, "address '" + a.id + "' has no platform id");
  }
  Value canonical;
  canonical_address(a, pid, canonical, alloc);
  auto r = mappers::address_to_platform(*store_->plan, canonical, create ? mappers::operation::create : mappers::operation::update,
                                        out, alloc);
  if (!r.ok()) {
    std::vector<domain::field_error> details;
    for (const auto& issue : r.invalid) details.push_back({address_path(index, issue.field), issue.reason});
    return domain::validation_failed(std::move(details));
  }
  if (auto refused = refuse_dropped(r, address_path(index, "") + ".")) return *refused;
  out.RemoveMember("id");
  if (create) {
    out.AddMember("customer_id", customer_pid, alloc);
    for (const char* key : {"state_or_province", "postal_code"})
      if (!out.HasMember(key)) out.AddMember(Value(key, alloc), Value("", alloc), alloc);
  } else {
    // A name the platform holds cannot be emptied (minLength 1): leave it as it is.
    for (const char* key : {"first_name", "last_name"})
      if (auto m = out.FindMember(key); m != out.MemberEnd() && m->value.IsString() && m->value.GetStringLength() == 0)
        out.RemoveMember(key);
    out.AddMember("id", *pid, alloc);
  }
  return {};
}

domain::error bigcommerce_v3_backend::address_call_error(const upstream::upstream_response& response,
                                                          const std::vector<std::size_t>& batch_to_index) const {
  auto e = response_to_error(*store_, response);
  // Error keys are "<index in our batch>.<field>": give them the customer's address index.
  rapidjson::Document doc;
  doc.Parse(response.body.c_str(), response.body.size());
  if (doc.HasParseError() || !doc.IsObject()) return e;
  auto errors = doc.FindMember("errors");
  if (errors == doc.MemberEnd() || !errors->value.IsObject()) return e;
  std::vector<domain::field_error> details;
  for (const auto& m : errors->value.GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    const auto dot = key.find('.');
    auto batch = dot == std::string_view::npos ? std::nullopt : parse_decimal(key.substr(0, dot));
    if (!batch || *batch >= batch_to_index.size() || !m.value.IsString()) continue;
    const auto path = "addresses." + std::to_string(batch_to_index[*batch]) + "." + std::string(key.substr(dot + 1));
    details.push_back({mappers::canonical_field_path(*store_->plan, path), m.value.GetString()});
  }
  if (!details.empty()) e.details = std::move(details);
  return e;
}

}  // namespace custbridge::backends::bigcommerce_v3
