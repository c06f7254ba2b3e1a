#include "gateway/backends/bigcommerce_v3/bigcommerce_v3_backend.hpp"
#include "common/text.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <map>
#include <mutex>
#include <set>

#include "common/timestamp.hpp"
#include "gateway/backends/platform/time_order_feed.hpp"
#include "gateway/domain/customer_patch.hpp"
#include "mappers/errors.hpp"
#include "mappers/mapper.hpp"
#include "mappers/query.hpp"

namespace custbridge::backends {
namespace {

using domain::error_kind;
using boost::asio::awaitable;
using rapidjson::Value;
using params = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view default_attribute_name = "custbridge_default_address_id";
constexpr std::string_view no_default = "none";
constexpr std::string_view placeholder_prefix = "new:";
// Re-read the attribute list this long after finding no default-address attribute, so a
// store where another gateway instance created it is noticed.
constexpr auto absent_attribute_ttl = std::chrono::seconds(30);
// BigCommerce's page size limit ([FILT]); email lookups fit one page.
constexpr int max_page = 250;

std::string serialize(const Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return {sb.GetString(), sb.GetSize()};
}

std::string url_encode(std::string_view s) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

// Parameter names (email:in, id:in) are sent as they are; values are percent-encoded.
std::string with_query(std::string path, const params& ps) {
  char sep = '?';
  for (const auto& [k, v] : ps) {
    path += sep;
    path += k;
    path += '=';
    path += url_encode(v);
    sep = '&';
  }
  return path;
}

void set_param(params& ps, const std::string& name, std::string value) {
  std::erase_if(ps, [&](const auto& p) { return p.first == name; });
  ps.emplace_back(name, std::move(value));
}

std::optional<std::uint64_t> decimal(std::string_view s) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> numeric(const Value& v) {
  if (v.IsUint64()) return v.GetUint64();
  if (v.IsString()) return decimal({v.GetString(), v.GetStringLength()});
  return std::nullopt;
}

std::optional<std::uint64_t> member_id(const Value& obj, const char* key = "id") {
  if (!obj.IsObject()) return std::nullopt;
  auto it = obj.FindMember(key);
  return it == obj.MemberEnd() ? std::nullopt : numeric(it->value);
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

// The mapper writes an absent optional canonical field as null, but BigCommerce's string
// fields (company, address2, phone...) reject null. On a create "absent" means "not
// given", so the member goes; on an update it means "clear", which BigCommerce spells "".
void replace_nulls(Value& obj, bool clear, json_allocator& alloc) {
  if (!obj.IsObject()) return;
  for (auto m = obj.MemberBegin(); m != obj.MemberEnd();) {
    if (m->value.IsNull()) {
      if (!clear) {
        m = obj.EraseMember(m);
        continue;
      }
      m->value.SetString("", alloc);
    } else if (m->value.IsArray()) {
      for (auto& item : m->value.GetArray()) replace_nulls(item, clear, alloc);
    }
    ++m;
  }
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string plural(std::size_t n, std::string_view what) {
  return std::to_string(n) + " " + std::string(what) + (n == 1 ? "" : "es");
}

domain::error customer_not_found(const std::string& id) {
  return domain::make_error(error_kind::not_found, "Customer '" + id + "' not found");
}
domain::error duplicate_email() {
  return domain::make_error(error_kind::conflict, "Customer with this email already exists");
}
domain::error bad_parameter(std::string field, std::string reason) {
  auto e = domain::make_error(error_kind::bad_request, field + ": " + reason);
  e.details.push_back({std::move(field), std::move(reason)});
  return e;
}

// Fields the adapter realises itself (default address) and so are not "dropped".
bool handled_elsewhere(std::string_view field) {
  return field == "defaultAddressId" || field == "addresses" || field.ends_with("isDefault") ||
         field.ends_with("createdAt") || field.ends_with("updatedAt");
}

// A write that would lose fields the platform cannot hold is refused, never trimmed.
std::optional<domain::error> refuse_dropped(const mappers::map_report& report, std::string_view prefix = "") {
  std::vector<domain::field_error> details;
  for (const auto& d : report.dropped)
    if (!handled_elsewhere(d.field)) details.push_back({std::string(prefix) + d.field, d.reason});
  if (details.empty()) return std::nullopt;
  return domain::validation_failed(std::move(details));
}

// An issue path of a single-address mapping ("postalCode") as a path of the customer.
std::string address_path(std::size_t index, std::string_view field) {
  const std::string prefix = "addresses[" + std::to_string(index) + "]";
  if (field.starts_with("addresses")) return std::string(field);
  return field.empty() ? prefix : prefix + "." + std::string(field);
}

// The customer as read, plus the raw value of its default-address attribute.
struct loaded_customer {
  domain::customer customer;
  std::optional<std::string> stored_default;
};

struct attribute_ids {
  std::optional<std::int64_t> default_attribute;
  mappers::custom_field_binding binding;
};

class bigcommerce_v3_backend final : public customer_backend {
 public:
  explicit bigcommerce_v3_backend(std::shared_ptr<const platform_store> store) : store_(std::move(store)) {}

  awaitable<domain::result<domain::customer_page>> list(request_context rc, domain::list_query query) override;
  awaitable<domain::result<domain::customer>> get(request_context rc, std::string id) override;
  awaitable<domain::result<domain::customer>> create(request_context rc, domain::customer_create input) override;
  awaitable<domain::result<domain::customer>> update(request_context rc, std::string id,
                                                  domain::customer_patch patch) override;
  awaitable<domain::result<void>> remove(request_context rc, std::string id) override;
  awaitable<domain::result<change_page>> changes(request_context rc, std::string cursor, int limit) override;
  const store_capabilities& capabilities() const override { return bigcommerce_v3_capabilities(); }
  bool ready() override { return store_->client->breaker() != upstream::breaker_state::open; }

 private:
  struct page_result {
    std::vector<domain::customer> items;
    std::int64_t total = 0;
  };

  awaitable<domain::result<upstream::upstream_response>> send(std::string method, std::string target, std::string body,
                                                           const call_context& ctx);
  // The same, every platform status as a response (the adapter maps address-call errors itself).
  awaitable<domain::result<upstream::upstream_response>> send_raw(std::string method, std::string target, std::string body,
                                                               const call_context& ctx);
  awaitable<domain::result<rapidjson::Document>> send_json(std::string method, std::string target, std::string body,
                                                        const call_context& ctx);
  awaitable<domain::result<attribute_ids>> attributes(const call_context& ctx, bool refresh);
  awaitable<domain::result<std::int64_t>> ensure_default_attribute(const call_context& ctx);
  awaitable<domain::result<page_result>> fetch_page(params ps, const call_context& ctx);
  awaitable<domain::result<time_order_page>> fetch_modified(call_context ctx, std::optional<std::int64_t> since, int page,
                                                          int per_page);
  awaitable<domain::result<std::optional<loaded_customer>>> fetch(std::uint64_t platform_id, const call_context& ctx);
  awaitable<domain::result<bool>> email_taken(std::string email, std::optional<std::uint64_t> except, const call_context& ctx);

  // After a failed attribute write (the attribute may have been deleted on the platform).
  void forget_attributes() {
    std::lock_guard lock(mutex_);
    attributes_.reset();
  }
  domain::result<loaded_customer> read_customer(const Value& platform, const attribute_ids& ids) const;
  domain::result<domain::address> read_address(const Value& platform) const;
  void resolve_default(domain::customer& c, const std::optional<std::string>& stored) const;
  domain::error address_call_error(const upstream::upstream_response& response,
                                    const std::vector<std::size_t>& batch_to_index) const;

  std::shared_ptr<const platform_store> store_;

  std::mutex mutex_;
  std::optional<attribute_ids> attributes_;
  upstream::client::clock::time_point attributes_read_at_{};
};

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

// The store's attribute ids by name: the default-address attribute and the custom fields
// the mapping declares. Cached; a missing default attribute is looked up again after a while.
awaitable<domain::result<attribute_ids>> bigcommerce_v3_backend::attributes(const call_context& ctx, bool refresh) {
  const auto now = upstream::client::clock::now();
  {
    std::lock_guard lock(mutex_);
    if (attributes_ && !refresh &&
        (attributes_->default_attribute || now - attributes_read_at_ < absent_attribute_ttl))
      co_return *attributes_;
  }
  auto body = co_await send_json("GET", "/v3/customers/attributes?limit=250", "", ctx);
  if (!body) co_return body.error();
  attribute_ids ids;
  std::vector<std::pair<std::string, std::int64_t>> by_name;
  if (const auto* data = data_array(*body)) {
    for (const auto& a : data->GetArray()) {
      auto id = member_id(a);
      auto name = a.IsObject() ? a.FindMember("name") : Value::ConstMemberIterator();
      if (!id || name == a.MemberEnd() || !name->value.IsString()) continue;
      std::string n(name->value.GetString(), name->value.GetStringLength());
      const auto sid = static_cast<std::int64_t>(*id);
      // Two gateways racing to create it could leave two; the oldest wins everywhere.
      if (n == default_attribute_name && (!ids.default_attribute || sid < *ids.default_attribute))
        ids.default_attribute = sid;
      by_name.emplace_back(std::move(n), sid);
    }
  }
  ids.binding = mappers::bind_custom_fields(*store_->plan, by_name);
  std::lock_guard lock(mutex_);
  attributes_ = ids;
  attributes_read_at_ = now;
  co_return ids;
}

awaitable<domain::result<std::int64_t>> bigcommerce_v3_backend::ensure_default_attribute(const call_context& ctx) {
  auto ids = co_await attributes(ctx, false);
  if (!ids) co_return ids.error();
  if (!ids->default_attribute) ids = co_await attributes(ctx, true);
  if (!ids) co_return ids.error();
  if (ids->default_attribute) co_return *ids->default_attribute;
  const std::string body = R"([{"name":")" + std::string(default_attribute_name) + R"(","type":"string"}])";
  auto created = co_await send("POST", "/v3/customers/attributes", body, ctx);
  // On failure (another gateway created it meanwhile: 422 already exists) read the list again.
  ids = co_await attributes(ctx, true);
  if (!ids) co_return ids.error();
  if (ids->default_attribute) co_return *ids->default_attribute;
  if (!created) co_return created.error();
  co_return domain::make_error(error_kind::upstream_error, store_->platform_name + " did not keep the customer attribute " +
                                                            std::string(default_attribute_name));
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
  resolve_default(out.customer, out.stored_default);
  return out;
}

void bigcommerce_v3_backend::resolve_default(domain::customer& c, const std::optional<std::string>& stored) const {
  c.default_address_id.reset();
  if (stored && *stored == no_default) {
    // Explicitly none.
  } else {
    if (stored)
      if (auto n = decimal(*stored)) {
        const auto id = canonical_address_id(*store_, *n);
        for (const auto& a : c.addresses)
          if (a.id == id) c.default_address_id = id;
      }
    // Nothing recorded (or the recorded address is gone): the first address, as the
    // local store moves the default to the first remaining address.
    if (!c.default_address_id && !c.addresses.empty()) c.default_address_id = c.addresses.front().id;
  }
  for (auto& a : c.addresses) a.is_default = c.default_address_id == a.id;
}

awaitable<domain::result<bigcommerce_v3_backend::page_result>> bigcommerce_v3_backend::fetch_page(params ps,
                                                                                               const call_context& ctx) {
  auto ids = co_await attributes(ctx, false);
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
  auto ids = co_await attributes(ctx, false);
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

// ---- list

awaitable<domain::result<domain::customer_page>> bigcommerce_v3_backend::list(request_context rc, domain::list_query q) {
  const auto ctx = store_->begin(rc);
  const auto& caps = bigcommerce_v3_capabilities();
  if (q.marketing_opt_in) co_return bad_parameter("marketingOptIn", caps.filter_marketing_opt_in.reason);
  if (q.has_orders) co_return bad_parameter("hasOrders", caps.filter_has_orders.reason);
  std::string sort;
  switch (q.sort_by) {
    case domain::sort_field::created_at: sort = "date_created"; break;
    case domain::sort_field::updated_at: sort = "date_modified"; break;
    case domain::sort_field::name:
      co_return bad_parameter("sortBy", "BigCommerce V3 sorts by last name only, not by the full name");
    case domain::sort_field::email: co_return bad_parameter("sortBy", "BigCommerce V3 cannot sort customers by email");
  }
  sort += q.descending ? ":desc" : ":asc";
  const int limit = std::max(1, q.limit);
  const int offset = static_cast<int>(std::min<std::int64_t>(std::max<std::int64_t>(q.offset, 0), INT_MAX - max_page));

  domain::customer_page out;
  if (q.email) {
    // email:in, then the exact case-insensitive match; all matches fit one page, so the
    // window and the total are computed here.
    auto mapped = mappers::map_list_query(*store_->plan, {max_page, 0, q.email, std::nullopt});
    if (!mapped.report.ok()) co_return invalid_fields(mapped.report);
    set_param(mapped.params, "sort", sort);
    auto page = co_await fetch_page(mapped.params, ctx);
    if (!page) co_return page.error();
    // With both filters the few exact matches are searched here, as the local store
    // does: a substring of the email, name or phone.
    auto searched = [&](const domain::customer& c) {
      if (!q.search) return true;
      const auto needle = ascii_lower(*q.search);
      return ascii_lower(c.email).find(needle) != std::string::npos ||
             (c.name && ascii_lower(*c.name).find(needle) != std::string::npos) ||
             (c.phone && ascii_lower(*c.phone).find(needle) != std::string::npos);
    };
    std::vector<domain::customer> matches;
    for (auto& c : page->items)
      if (ascii_lower(c.email) == ascii_lower(*q.email) && searched(c)) matches.push_back(std::move(c));
    out.total = static_cast<std::int64_t>(matches.size());
    for (std::size_t i = static_cast<std::size_t>(offset); i < matches.size() && out.items.size() < static_cast<std::size_t>(limit); ++i)
      out.items.push_back(std::move(matches[i]));
    co_return out;
  }

  auto mapped = mappers::map_list_query(*store_->plan, {limit, offset, std::nullopt, std::nullopt});
  bool two_pages = false;
  if (!mapped.report.ok()) {
    if (mapped.report.invalid.size() != 1 || mapped.report.invalid.front().field != "offset")
      co_return invalid_fields(mapped.report);
    // No page size up to 250 puts the whole window on one page: read the two pages of
    // size `limit` that cover it.
    mapped = mappers::map_list_query(*store_->plan, {limit, 0, std::nullopt, std::nullopt});
    if (!mapped.report.ok()) co_return invalid_fields(mapped.report);
    set_param(mapped.params, "limit", std::to_string(limit));
    set_param(mapped.params, "page", std::to_string(offset / limit + 1));
    mapped.skip = offset % limit;
    mapped.take = limit;
    two_pages = true;
  }
  set_param(mapped.params, "sort", sort);
  if (q.search) {
    // No substring filter on email or phone exists: a term with '@' is an exact email,
    // anything else a name substring (see the header).
    if (q.search->find('@') != std::string::npos)
      set_param(mapped.params, "email:in", ascii_lower(*q.search));
    else
      set_param(mapped.params, "name:like", *q.search);
  }
  auto first = co_await fetch_page(mapped.params, ctx);
  if (!first) co_return first.error();
  out.total = first->total;
  std::vector<domain::customer> rows = std::move(first->items);
  if (two_pages && static_cast<int>(rows.size()) == limit && mapped.skip > 0) {
    set_param(mapped.params, "page", std::to_string(offset / limit + 2));
    auto second = co_await fetch_page(mapped.params, ctx);
    if (!second) co_return second.error();
    for (auto& c : second->items) rows.push_back(std::move(c));
  }
  for (std::size_t i = static_cast<std::size_t>(mapped.skip); i < rows.size() && out.items.size() < static_cast<std::size_t>(mapped.take); ++i)
    out.items.push_back(std::move(rows[i]));
  co_return out;
}

// ---- get

awaitable<domain::result<domain::customer>> bigcommerce_v3_backend::get(request_context rc, std::string id) {
  const auto ctx = store_->begin(rc);
  auto pid = platform_customer_id(*store_, id);
  if (!pid) co_return customer_not_found(id);
  auto found = co_await fetch(*pid, ctx);
  if (!found) co_return found.error();
  if (!*found) co_return customer_not_found(id);
  co_return std::move((*found)->customer);
}

// ---- create

// Platform bodies of a list of addresses, refusing two with the same BigCommerce identity.
struct address_bodies {
  rapidjson::Document doc;
  std::vector<Value> items;  // allocated from doc
  std::vector<std::string> keys;
};

domain::result<void> check_distinct(const std::vector<std::string>& keys) {
  for (std::size_t i = 0; i < keys.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (keys[i] == keys[j])
        return domain::validation_failed({{address_path(i, ""), "duplicates addresses[" + std::to_string(j) +
                                                                 "]; BigCommerce keeps only one of identical addresses"}});
  return {};
}

awaitable<domain::result<domain::customer>> bigcommerce_v3_backend::create(request_context rc, domain::customer_create input) {
  const auto ctx = store_->begin(rc);
  rapidjson::Document doc;
  auto& alloc = doc.GetAllocator();
  Value canonical;
  canonical_for_create(input, canonical, alloc);
  auto ids = co_await attributes(ctx, false);
  if (!ids) co_return ids.error();
  Value body;
  auto report = mappers::request_body(*store_->plan, canonical, mappers::operation::create, body, alloc, &ids->binding);
  if (!report.ok()) co_return invalid_fields(report);
  if (auto refused = refuse_dropped(report)) co_return *refused;
  if (!body.IsArray() || body.Size() != 1 || !body[0].IsObject())
    co_return domain::make_error(error_kind::internal, "the bigcommerce_v3 mapping did not give an array of one customer");
  Value& item = body[0];
  replace_nulls(item, false, alloc);

  std::vector<std::string> keys;
  if (auto a = item.FindMember("addresses"); a != item.MemberEnd() && a->value.IsArray())
    for (const auto& x : a->value.GetArray()) keys.push_back(address_key(x));
  if (auto distinct = check_distinct(keys); !distinct) co_return distinct.error();

  // The last address flagged isDefault wins, as in the local store.
  std::optional<std::size_t> default_index;
  for (std::size_t i = 0; i < input.addresses.size(); ++i)
    if (input.addresses[i].is_default.value_or(false)) default_index = i;

  auto taken = co_await email_taken(input.email, std::nullopt, ctx);
  if (!taken) co_return taken.error();
  if (*taken) co_return duplicate_email();

  std::optional<std::int64_t> default_attribute;
  if (!input.addresses.empty()) {
    auto attribute = co_await ensure_default_attribute(ctx);
    if (!attribute) co_return attribute.error();
    default_attribute = *attribute;
    if (!default_index) {
      // "No default" is recorded in the same request, so the create stays one call.
      auto m = item.FindMember("attributes");
      if (m == item.MemberEnd()) {
        item.AddMember("attributes", Value(rapidjson::kArrayType), alloc);
        m = item.FindMember("attributes");
      }
      Value v(rapidjson::kObjectType);
      v.AddMember("attribute_id", *default_attribute, alloc);
      v.AddMember("attribute_value", Value(no_default.data(), static_cast<rapidjson::SizeType>(no_default.size()), alloc),
                  alloc);
      m->value.PushBack(v, alloc);
    }
  }

  auto created = co_await send_json("POST", "/v3/customers", serialize(body), ctx);
  if (!created) co_return created.error();
  const auto* data = data_array(*created);
  if (!data || data->Empty())
    co_return domain::make_error(error_kind::upstream_error, store_->platform_name + " answered a create without the customer");
  const Value& platform = (*data)[0];
  auto fresh_ids = co_await attributes(ctx, false);
  if (!fresh_ids) co_return fresh_ids.error();
  auto c = read_customer(platform, *fresh_ids);
  if (!c) co_return c.error();
  if (!default_index) co_return std::move(c->customer);

  // Find the platform id of the default address by content, then record it.
  std::optional<std::uint64_t> default_pid;
  if (auto a = platform.FindMember("addresses"); a != platform.MemberEnd() && a->value.IsArray()) {
    for (const auto& x : a->value.GetArray())
      if (address_key(x) == keys[*default_index]) default_pid = member_id(x);
    if (!default_pid && a->value.Size() == keys.size()) default_pid = member_id(a->value[static_cast<rapidjson::SizeType>(*default_index)]);
  }
  const auto customer_pid = member_id(platform);
  if (!default_pid || !customer_pid)
    co_return domain::make_error(error_kind::upstream_error, "BigCommerce created customer '" + c->customer.id +
                                                              "' but did not return its addresses, so its default address "
                                                              "was not recorded");
  const std::string value_body = "[{\"attribute_id\":" + std::to_string(*default_attribute) +
                                 ",\"customer_id\":" + std::to_string(*customer_pid) + ",\"value\":\"" +
                                 std::to_string(*default_pid) + "\"}]";
  auto recorded = co_await send("PUT", "/v3/customers/attribute-values", value_body, ctx);
  if (!recorded) {
    forget_attributes();
    auto e = recorded.error();
    e.kind = error_kind::upstream_error;
    e.message = "BigCommerce created customer '" + c->customer.id +
                "', but recording its default address failed: " + e.message;
    co_return e;
  }
  resolve_default(c->customer, std::to_string(*default_pid));
  co_return std::move(c->customer);
}

// ---- update

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
    auto batch = dot == std::string_view::npos ? std::nullopt : decimal(key.substr(0, dot));
    if (!batch || *batch >= batch_to_index.size() || !m.value.IsString()) continue;
    const auto path = "addresses." + std::to_string(batch_to_index[*batch]) + "." + std::string(key.substr(dot + 1));
    details.push_back({mappers::canonical_field_path(*store_->plan, path), m.value.GetString()});
  }
  if (!details.empty()) e.details = std::move(details);
  return e;
}

domain::error partly_applied(const std::string& id, const std::vector<std::string>& applied, std::string_view step,
                              domain::error cause) {
  if (applied.empty()) return cause;
  cause.message = "BigCommerce applied only part of the update of customer '" + id + "': " + join(applied, "; ") +
                  ". Then " + std::string(step) + " failed: " + cause.message;
  cause.kind = error_kind::upstream_error;
  cause.retryable = false;
  return cause;
}

awaitable<domain::result<domain::customer>> bigcommerce_v3_backend::update(request_context rc, std::string id,
                                                                       domain::customer_patch patch) {
  const auto ctx = store_->begin(rc);
  auto pid = platform_customer_id(*store_, id);
  if (!pid) co_return customer_not_found(id);
  auto found = co_await fetch(*pid, ctx);
  if (!found) co_return found.error();
  if (!*found) co_return customer_not_found(id);
  const domain::customer current = std::move((*found)->customer);
  const auto stored_default = (*found)->stored_default;

  int next_placeholder = 0;
  auto applied_patch = domain::apply_patch(current, patch, format_iso8601_ms(now_millis()), [&next_placeholder] {
    return std::string(placeholder_prefix) + std::to_string(next_placeholder++);
  });
  if (!applied_patch) co_return applied_patch.error();
  domain::customer next = std::move(applied_patch->next);

  rapidjson::Document doc;
  auto& alloc = doc.GetAllocator();
  auto ids = co_await attributes(ctx, false);
  if (!ids) co_return ids.error();

  // Everything is mapped and checked before the first write.
  Value canonical;
  canonical_for_update(next, patch, canonical, alloc);
  Value customer_body;
  auto report =
      mappers::request_body(*store_->plan, canonical, mappers::operation::update, customer_body, alloc, &ids->binding);
  if (!report.ok()) co_return invalid_fields(report);
  if (auto refused = refuse_dropped(report)) co_return *refused;
  if (!customer_body.IsArray() || customer_body.Size() != 1 || !customer_body[0].IsObject())
    co_return domain::make_error(error_kind::internal, "the bigcommerce_v3 mapping did not give an array of one customer");
  replace_nulls(customer_body[0], true, alloc);
  customer_body[0].RemoveMember("id");
  customer_body[0].AddMember("id", *pid, alloc);

  const std::set<std::string> modified(applied_patch->modified_address_ids.begin(),
                                       applied_patch->modified_address_ids.end());
  Value put_addresses(rapidjson::kArrayType), post_addresses(rapidjson::kArrayType);
  std::vector<std::size_t> put_index, post_index;  // batch position -> index in next.addresses
  std::vector<std::string> keys;
  if (patch.addresses) {
    for (std::size_t i = 0; i < next.addresses.size(); ++i) {
      const auto& a = next.addresses[i];
      const bool is_new = a.id.starts_with(placeholder_prefix);
      std::optional<std::uint64_t> address_pid;
      if (!is_new) address_pid = platform_address_id(*store_, a.id);
      Value ca, pa;
      canonical_address(a, address_pid, ca, alloc);
      auto r = mappers::address_to_platform(*store_->plan, ca, is_new ? mappers::operation::create : mappers::operation::update,
                                            pa, alloc);
      if (!r.ok()) {
        std::vector<domain::field_error> details;
        for (const auto& issue : r.invalid) details.push_back({address_path(i, issue.field), issue.reason});
        co_return domain::validation_failed(std::move(details));
      }
      if (auto refused = refuse_dropped(r, address_path(i, "") + ".")) co_return *refused;
      replace_nulls(pa, !is_new, alloc);
      keys.push_back(address_key(pa));
      if (is_new) {
        pa.RemoveMember("id");
        pa.AddMember("customer_id", *pid, alloc);
        post_addresses.PushBack(pa, alloc);
        post_index.push_back(i);
      } else if (modified.contains(a.id) && address_pid) {
        pa.RemoveMember("id");
        pa.AddMember("id", *address_pid, alloc);
        put_addresses.PushBack(pa, alloc);
        put_index.push_back(i);
      }
    }
    if (auto distinct = check_distinct(keys); !distinct) co_return distinct.error();
  }

  if (patch.email && ascii_lower(*patch.email) != ascii_lower(current.email)) {
    auto taken = co_await email_taken(*patch.email, *pid, ctx);
    if (!taken) co_return taken.error();
    if (*taken) co_return duplicate_email();
  }

  // The value the default-address attribute should hold afterwards (set once new ids are known).
  const bool default_matters = !next.addresses.empty() || (stored_default && *stored_default != no_default);
  std::optional<std::int64_t> default_attribute;
  if (default_matters) {
    auto attribute = co_await ensure_default_attribute(ctx);
    if (!attribute) co_return attribute.error();
    default_attribute = *attribute;
  }

  std::vector<std::string> applied;

  // 1. The customer's own fields (always sent: it moves date_modified like any update).
  auto put_customer = co_await send_json("PUT", "/v3/customers", serialize(customer_body), ctx);
  if (!put_customer) co_return put_customer.error();
  const auto* put_data = data_array(*put_customer);
  if (!put_data || put_data->Empty())
    co_return domain::make_error(error_kind::upstream_error, store_->platform_name + " answered an update without the customer");
  auto updated = read_customer((*put_data)[0], *ids);
  if (!updated) co_return updated.error();
  applied.push_back("the customer's fields were updated");

  std::map<std::string, domain::address> written;  // next.addresses id (or placeholder) -> as the platform holds it
  // 2. Removals first, so an address re-sent with the content of a removed one is not
  // taken for a duplicate of it.
  if (!applied_patch->removed_address_ids.empty()) {
    std::string list;
    for (const auto& rid : applied_patch->removed_address_ids)
      if (auto n = platform_address_id(*store_, rid)) list += (list.empty() ? "" : ",") + std::to_string(*n);
    auto r = co_await send("DELETE", "/v3/customers/addresses?id:in=" + list, "", ctx);
    if (!r) co_return partly_applied(id, applied, "removing " + plural(applied_patch->removed_address_ids.size(), "address"), r.error());
    applied.push_back(plural(applied_patch->removed_address_ids.size(), "address") + " removed");
  }

  // 3. Modified addresses. A change that collides with another address's current content
  // is skipped by the platform; once the rest is applied it may go through on a retry.
  if (!put_index.empty()) {
    std::vector<std::size_t> pending = put_index;
    Value batch;
    batch.CopyFrom(put_addresses, alloc);
    for (int round = 0; round < 2 && !pending.empty(); ++round) {
      auto raw = co_await send_raw("PUT", "/v3/customers/addresses", serialize(batch), ctx);
      if (raw && raw->status >= 400) raw = address_call_error(*raw, pending);
      if (!raw) co_return partly_applied(id, applied, "updating " + plural(pending.size(), "address"), raw.error());
      rapidjson::Document answer;
      if (!raw->body.empty()) answer.Parse(raw->body.c_str(), raw->body.size());
      std::set<std::uint64_t> done;
      if (!raw->body.empty() && !answer.HasParseError())
        if (const auto* d = data_array(answer))
          for (const auto& x : d->GetArray()) {
            auto xid = member_id(x);
            if (!xid) continue;
            done.insert(*xid);
            if (auto a = read_address(x)) written[a->id] = std::move(*a);
          }
      std::vector<std::size_t> left;
      Value retry(rapidjson::kArrayType);
      for (rapidjson::SizeType b = 0; b < batch.Size(); ++b) {
        if (done.contains(*member_id(batch[b]))) continue;
        left.push_back(pending[b]);
        Value copy;
        copy.CopyFrom(batch[b], alloc);
        retry.PushBack(copy, alloc);
      }
      if (left.size() < pending.size())
        applied.push_back(plural(pending.size() - left.size(), "address") + " modified");
      pending = std::move(left);
      batch = std::move(retry);
    }
    if (!pending.empty()) {
      std::string which;
      for (auto i : pending) which += (which.empty() ? "" : ", ") + address_path(i, "");
      co_return partly_applied(
          id, applied, "updating " + which,
          domain::make_error(error_kind::upstream_error,
                          store_->platform_name + " left " + which + " unchanged: the new content equals another address"));
    }
  }

  // 4. New addresses, matched back to their request entries by content.
  if (!post_index.empty()) {
    auto raw = co_await send_raw("POST", "/v3/customers/addresses", serialize(post_addresses), ctx);
    if (raw && raw->status >= 400) raw = address_call_error(*raw, post_index);
    if (!raw) co_return partly_applied(id, applied, "creating " + plural(post_index.size(), "address"), raw.error());
    rapidjson::Document answer;
    if (!raw->body.empty()) answer.Parse(raw->body.c_str(), raw->body.size());
    std::vector<const Value*> candidates;
    if (!raw->body.empty() && !answer.HasParseError())
      if (const auto* d = data_array(answer))
        for (const auto& x : d->GetArray()) candidates.push_back(&x);
    // A duplicate is left out of `data` (§3.1): look the customer's addresses up.
    rapidjson::Document listed;
    if (candidates.size() < post_index.size()) {
      auto l = co_await send_json("GET", "/v3/customers/addresses?limit=250&customer_id:in=" + std::to_string(*pid), "", ctx);
      if (l) {
        listed = std::move(*l);
        if (const auto* d = data_array(listed))
          for (const auto& x : d->GetArray()) candidates.push_back(&x);
      }
    }
    std::set<std::uint64_t> used;
    for (const auto& a : next.addresses)
      if (!a.id.starts_with(placeholder_prefix))
        if (auto n = platform_address_id(*store_, a.id)) used.insert(*n);
    std::size_t matched = 0;
    for (std::size_t b = 0; b < post_index.size(); ++b) {
      const auto& key = keys[post_index[b]];
      for (const auto* x : candidates) {
        auto xid = member_id(*x);
        if (!xid || used.contains(*xid) || address_key(*x) != key) continue;
        auto a = read_address(*x);
        if (!a) continue;
        used.insert(*xid);
        written[next.addresses[post_index[b]].id] = std::move(*a);
        ++matched;
        break;
      }
    }
    if (matched > 0) applied.push_back(plural(matched, "address") + " created");
    if (matched < post_index.size())
      co_return partly_applied(id, applied, "creating addresses",
                               domain::make_error(error_kind::upstream_error,
                                               store_->platform_name + " did not return " +
                                                   plural(post_index.size() - matched, "new address")));
  }

  // The result: the customer as the platform now holds it, addresses in platform id order.
  domain::customer result = std::move(updated->customer);
  result.addresses.clear();
  std::optional<std::string> default_id;
  std::vector<std::pair<std::uint64_t, domain::address>> ordered;
  for (const auto& a : next.addresses) {
    domain::address out = a;
    if (auto w = written.find(a.id); w != written.end()) out = w->second;
    if (next.default_address_id == a.id) default_id = out.id;
    ordered.emplace_back(platform_address_id(*store_, out.id).value_or(0), std::move(out));
  }
  std::sort(ordered.begin(), ordered.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  for (auto& [n, a] : ordered) result.addresses.push_back(std::move(a));

  // 5. The default address, when it changed.
  if (default_attribute) {
    std::string value(no_default);
    if (default_id)
      if (auto n = platform_address_id(*store_, *default_id)) value = std::to_string(*n);
    if (value != stored_default) {
      const std::string body = "[{\"attribute_id\":" + std::to_string(*default_attribute) +
                               ",\"customer_id\":" + std::to_string(*pid) + ",\"value\":\"" + value + "\"}]";
      auto r = co_await send("PUT", "/v3/customers/attribute-values", body, ctx);
      if (!r) {
        forget_attributes();
        co_return partly_applied(id, applied, "recording the default address", r.error());
      }
    }
    resolve_default(result, value);
  } else {
    resolve_default(result, stored_default);
  }
  co_return result;
}

// ---- change feed

// One page for time_order_changes: the list's own page read (mapping constants included),
// sorted by date_modified, from W on ("2024-05-14T09:34:00Z", the shape of V3's own dates).
awaitable<domain::result<time_order_page>> bigcommerce_v3_backend::fetch_modified(call_context ctx,
                                                                               std::optional<std::int64_t> since,
                                                                               int page, int per_page) {
  auto mapped = mappers::map_list_query(*store_->plan, {per_page, (page - 1) * per_page, std::nullopt, std::nullopt});
  if (!mapped.report.ok()) co_return invalid_fields(mapped.report);
  set_param(mapped.params, "sort", "date_modified:asc");
  if (since) {
    auto text = format_iso8601_ms(sys_millis(std::chrono::seconds(*since)));
    text.erase(text.size() - 5, 4);  // ".000"
    set_param(mapped.params, "date_modified:min", std::move(text));
  }
  auto fetched = co_await fetch_page(mapped.params, ctx);
  if (!fetched) co_return fetched.error();
  time_order_page out;
  out.total = fetched->total;
  for (auto& c : fetched->items) {
    auto pid = platform_customer_id(*store_, c.id);
    if (!pid) co_return domain::make_error(error_kind::internal, "a customer read from this store has a foreign id");
    out.items.push_back({*pid, std::move(c)});
  }
  co_return out;
}

awaitable<domain::result<change_page>> bigcommerce_v3_backend::changes(request_context rc, std::string cursor, int limit) {
  auto fetch = [this, ctx = store_->begin(rc)](std::optional<std::int64_t> since, int page, int per_page) {
    return fetch_modified(ctx, since, page, per_page);
  };
  co_return co_await time_order_changes("bigcommerce_v3", store_->store_id, store_->platform_name, std::move(cursor), limit,
                                        max_page, std::move(fetch));
}

// ---- delete

awaitable<domain::result<void>> bigcommerce_v3_backend::remove(request_context rc, std::string id) {
  const auto ctx = store_->begin(rc);
  auto pid = platform_customer_id(*store_, id);
  if (!pid) co_return customer_not_found(id);
  const auto n = std::to_string(*pid);
  auto exists = co_await send_json("GET", "/v3/customers?id:in=" + n, "", ctx);
  if (!exists) co_return exists.error();
  bool found = false;
  if (const auto* data = data_array(*exists))
    for (const auto& c : data->GetArray()) found = found || member_id(c) == *pid;
  if (!found) co_return customer_not_found(id);

  // BigCommerce deletes customers with orders (they become guest orders), so the
  // canonical rule is checked first through the V2 orders API on the same host.
  auto orders = co_await send("GET", "/v2/orders?customer_id=" + n + "&limit=1", "", ctx);
  if (!orders) co_return orders.error();
  if (orders->status == 200 && !orders->body.empty()) {
    auto body = parse_body(*store_, *orders);
    if (!body) co_return body.error();
    if (!body->IsArray()) co_return unreadable(*store_, *orders, "an order list that is not an array");
    if (!body->Empty()) co_return domain::make_error(error_kind::conflict, "Cannot delete customer with existing orders");
  }
  auto deleted = co_await send("DELETE", "/v3/customers?id:in=" + n, "", ctx);
  if (!deleted) co_return deleted.error();
  co_return domain::result<void>();
}

}  // namespace

upstream::client_options bigcommerce_v3_client_options(const config::platform_config& cfg) {
  auto o = client_options_from(cfg);
  o.default_headers = {{"X-Auth-Token", cfg.access_token},
                       {"Accept", "application/json"},
                       {"Content-Type", "application/json"},
                       {"User-Agent", cfg.user_agent}};
  // A fixed window per store, with X-Retry-After (seconds) on a 429.
  o.rate_limit.dialect = {upstream::rate_limit_dialect::model::fixed_window, "x-rate-limit-requests-quota",
                          "x-rate-limit-requests-left", "x-rate-limit-time-reset-ms", "x-retry-after"};
  return o;
}

std::shared_ptr<customer_backend> make_bigcommerce_v3_backend(std::shared_ptr<const platform_store> store) {
  return std::make_shared<bigcommerce_v3_backend>(std::move(store));
}

}  // namespace custbridge::backends
