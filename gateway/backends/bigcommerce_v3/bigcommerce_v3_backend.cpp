#include "gateway/backends/bigcommerce_v3/bigcommerce_v3_backend.hpp"
#include "common/text.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <map>
#include <set>

#include "common/timestamp.hpp"
#include "gateway/backends/bigcommerce/customer_lock.hpp"
#include "gateway/backends/bigcommerce/default_address.hpp"
#include "gateway/backends/bigcommerce/orders.hpp"
#include "gateway/backends/bigcommerce/update_writes.hpp"
#include "gateway/backends/platform/query_string.hpp"
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
using attribute_ids = bigcommerce::attribute_directory::ids;

constexpr std::string_view placeholder_prefix = "new:";
// BigCommerce's page size limit ([FILT]); email lookups fit one page.
constexpr int max_page = 250;

std::string serialize(const Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return {sb.GetString(), sb.GetSize()};
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

class v3_update_calls;

class bigcommerce_v3_backend final : public customer_backend {
 public:
  explicit bigcommerce_v3_backend(std::shared_ptr<const platform_store> store) : store_(store), attributes_(store) {}

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
  friend class v3_update_calls;
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
  awaitable<domain::result<page_result>> fetch_page(params ps, const call_context& ctx);
  awaitable<domain::result<time_order_page>> fetch_modified(call_context ctx, std::optional<std::int64_t> since, int page,
                                                          int per_page);
  awaitable<domain::result<std::optional<loaded_customer>>> fetch(std::uint64_t platform_id, const call_context& ctx);
  awaitable<domain::result<bool>> email_taken(std::string email, std::optional<std::uint64_t> except, const call_context& ctx);
  awaitable<domain::result<domain::customer>> update_locked(request_context rc, std::string id, std::uint64_t pid,
                                                         domain::customer_patch patch);

  domain::result<loaded_customer> read_customer(const Value& platform, const attribute_ids& ids) const;
  domain::result<domain::address> read_address(const Value& platform) const;
  // The platform body of one address: for a create (with customer_id, state_or_province
  // and postal_code always present) or an update in place (with its id). `index` names
  // the address in errors.
  domain::result<void> address_body(const domain::address& a, bool create, std::uint64_t customer_pid, std::size_t index,
                                    Value& out, json_allocator& alloc) const;
  domain::error address_call_error(const upstream::upstream_response& response,
                                    const std::vector<std::size_t>& batch_to_index) const;

  std::shared_ptr<const platform_store> store_;
  bigcommerce::attribute_directory attributes_;
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

// The customer just created is deleted again when a later step of its create fails, so
// a failed create leaves nothing behind.
awaitable<domain::result<domain::customer>> bigcommerce_v3_backend::create(request_context rc, domain::customer_create input) {
  const auto ctx = store_->begin(rc);
  std::vector<domain::field_error> problems;
  for (std::size_t i = 0; i < input.addresses.size(); ++i) check_required(address_from_input(input.addresses[i]), i, problems);
  if (!problems.empty()) co_return domain::validation_failed(std::move(problems));

  rapidjson::Document doc;
  auto& alloc = doc.GetAllocator();
  Value canonical;
  canonical_for_create(input, canonical, alloc);
  auto ids = co_await attributes_.get(ctx);
  if (!ids) co_return ids.error();
  Value body;
  auto report = mappers::request_body(*store_->plan, canonical, mappers::operation::create, body, alloc, &ids->binding);
  if (!report.ok()) co_return invalid_fields(report);
  if (auto refused = refuse_dropped(report)) co_return *refused;
  if (!body.IsArray() || body.Size() != 1 || !body[0].IsObject())
    co_return domain::make_error(error_kind::internal, "the bigcommerce_v3 mapping did not give an array of one customer");
  Value& item = body[0];

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

  // No value means the first address, so only "none" and a later address need writing.
  std::optional<std::int64_t> default_attribute;
  if (!input.addresses.empty() && (!default_index || *default_index > 0)) {
    auto attribute = co_await attributes_.ensure_default(ctx);
    if (!attribute) co_return attribute.error();
    default_attribute = *attribute;
  }
  if (!input.addresses.empty() && !default_index) {
    // "No default" goes in the same request, so the create stays one call.
    auto m = item.FindMember("attributes");
    if (m == item.MemberEnd()) {
      item.AddMember("attributes", Value(rapidjson::kArrayType), alloc);
      m = item.FindMember("attributes");
    }
    Value v(rapidjson::kObjectType);
    v.AddMember("attribute_id", *default_attribute, alloc);
    v.AddMember("attribute_value", Value(bigcommerce::no_default_value.data(),
                                         static_cast<rapidjson::SizeType>(bigcommerce::no_default_value.size()), alloc),
                alloc);
    m->value.PushBack(v, alloc);
  }

  auto created = co_await send_json("POST", "/v3/customers", serialize(body), ctx);
  if (!created) co_return created.error();
  const auto* data = data_array(*created);
  if (!data || data->Empty())
    co_return domain::make_error(error_kind::upstream_error, store_->platform_name + " answered a create without the customer");
  const Value& platform = (*data)[0];
  auto fresh_ids = co_await attributes_.get(ctx);
  if (!fresh_ids) co_return fresh_ids.error();
  auto c = read_customer(platform, *fresh_ids);
  if (!c) co_return c.error();
  if (!default_index) co_return std::move(c->customer);

  // The default address's platform id, found by content.
  std::optional<std::uint64_t> default_pid;
  if (auto a = platform.FindMember("addresses"); a != platform.MemberEnd() && a->value.IsArray()) {
    for (const auto& x : a->value.GetArray())
      if (address_key(x) == keys[*default_index]) default_pid = member_id(x);
    if (!default_pid && a->value.Size() == keys.size())
      default_pid = member_id(a->value[static_cast<rapidjson::SizeType>(*default_index)]);
  }
  const auto customer_pid = member_id(platform);
  if (customer_pid && default_pid &&
      bigcommerce::resolve_default(std::nullopt, [&] {
        std::vector<std::uint64_t> pids;
        for (const auto& a : c->customer.addresses)
          if (auto n = platform_address_id(*store_, a.id)) pids.push_back(*n);
        return pids;
      }()) == default_pid)
    co_return std::move(c->customer);  // the first address: nothing to record

  std::optional<domain::error> failure;
  if (!customer_pid || !default_pid) {
    failure = domain::make_error(error_kind::upstream_error, store_->platform_name + " did not return the new addresses");
  } else {
    if (!default_attribute) {
      auto attribute = co_await attributes_.ensure_default(ctx);
      if (attribute) default_attribute = *attribute;
      else failure = attribute.error();
    }
    if (default_attribute) {
      auto recorded = co_await bigcommerce::write_default_value(*store_, *default_attribute, *customer_pid,
                                                                bigcommerce::default_value(default_pid), ctx);
      if (!recorded) {
        attributes_.forget();
        failure = recorded.error();
      }
    }
  }
  if (!failure) {
    bigcommerce::apply_default(*store_, c->customer, bigcommerce::default_value(default_pid));
    co_return std::move(c->customer);
  }

  auto e = std::move(*failure);
  std::string undo = "Rolled back: the customer was deleted again.";
  if (customer_pid) {
    auto deleted = co_await send("DELETE", "/v3/customers?id:in=" + std::to_string(*customer_pid), "", ctx);
    if (!deleted) {
      undo = "Not rolled back: customer '" + c->customer.id + "' exists without its default address (deleting it failed: " +
             deleted.error().message + ").";
      e.kind = error_kind::upstream_error;
      e.retryable = false;
    }
  }
  e.message = store_->platform_name + " created customer '" + c->customer.id +
              "', but recording its default address failed: " + e.message + ". " + undo;
  co_return e;
}

// ---- update

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
    auto batch = dot == std::string_view::npos ? std::nullopt : decimal(key.substr(0, dot));
    if (!batch || *batch >= batch_to_index.size() || !m.value.IsString()) continue;
    const auto path = "addresses." + std::to_string(batch_to_index[*batch]) + "." + std::string(key.substr(dot + 1));
    details.push_back({mappers::canonical_field_path(*store_->plan, path), m.value.GetString()});
  }
  if (!details.empty()) e.details = std::move(details);
  return e;
}

// The V3 calls of one update: batches on /v3/customers/addresses.
class v3_update_calls final : public bigcommerce::update_calls {
 public:
  v3_update_calls(bigcommerce_v3_backend& backend, std::uint64_t pid, const call_context& ctx, const domain::customer& next,
                  std::string fields, std::string restore, std::optional<std::int64_t> attribute, attribute_ids ids)
      : b_(backend),
        pid_(pid),
        ctx_(ctx),
        next_(next),
        fields_(std::move(fields)),
        restore_(std::move(restore)),
        attribute_(attribute),
        ids_(std::move(ids)) {}

  domain::customer updated;  // the platform's answer to the fields write

  awaitable<domain::result<void>> put_fields(bool restore, bool& applied) override {
    if (restore && restore_.empty())
      co_return domain::make_error(error_kind::internal, "the fields read at the start cannot be mapped back");
    const std::string& body = restore ? restore_ : fields_;
    auto r = co_await b_.send("PUT", "/v3/customers", body, ctx_);
    if (!r) co_return r.error();
    applied = true;
    if (restore) co_return domain::result<void>{};
    auto answer = parse_body(*b_.store_, *r);
    if (!answer) co_return answer.error();
    const auto* data = data_array(*answer);
    if (!data || data->Empty())
      co_return domain::make_error(error_kind::upstream_error, b_.store_->platform_name + " answered an update without the customer");
    auto c = b_.read_customer((*data)[0], ids_);
    if (!c) co_return c.error();
    updated = std::move(c->customer);
    co_return domain::result<void>{};
  }

  awaitable<bigcommerce::address_batch> modify(std::vector<domain::address> addresses) override {
    co_return co_await write(std::move(addresses), false);
  }
  awaitable<bigcommerce::address_batch> create(std::vector<domain::address> addresses) override {
    co_return co_await write(std::move(addresses), true);
  }

  awaitable<bigcommerce::address_batch> remove(std::vector<domain::address> addresses) override {
    bigcommerce::address_batch out;
    out.done.resize(addresses.size());
    std::string list;
    for (const auto& a : addresses)
      if (auto n = platform_address_id(*b_.store_, a.id)) list += (list.empty() ? "" : ",") + std::to_string(*n);
    auto r = co_await b_.send("DELETE", "/v3/customers/addresses?id:in=" + list, "", ctx_);
    if (!r) {
      out.failure = r.error();
      co_return out;
    }
    for (std::size_t i = 0; i < addresses.size(); ++i) out.done[i] = addresses[i];
    co_return out;
  }

  awaitable<domain::result<void>> set_default(std::string value) override {
    if (!attribute_) co_return domain::make_error(error_kind::internal, "the default-address attribute was not looked up");
    auto r = co_await bigcommerce::write_default_value(*b_.store_, *attribute_, pid_, std::move(value), ctx_);
    if (!r) b_.attributes_.forget();
    co_return r;
  }

 private:
  std::size_t index_of(const std::string& id, std::size_t fallback) const {
    for (std::size_t i = 0; i < next_.addresses.size(); ++i)
      if (next_.addresses[i].id == id) return i;
    return fallback;
  }

  // One batch call. PUT answers with the addresses it changed and POST with those it
  // created; one skipped as a duplicate of another address is missing from `data`.
  awaitable<bigcommerce::address_batch> write(std::vector<domain::address> addresses, bool create) {
    bigcommerce::address_batch out;
    out.done.resize(addresses.size());
    rapidjson::Document doc;
    auto& alloc = doc.GetAllocator();
    Value batch(rapidjson::kArrayType);
    std::vector<std::size_t> index;
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < addresses.size(); ++i) {
      Value body;
      index.push_back(index_of(addresses[i].id, i));
      auto ok = b_.address_body(addresses[i], create, pid_, index.back(), body, alloc);
      if (!ok) {
        out.failure = ok.error();
        co_return out;
      }
      keys.push_back(address_key(body));
      batch.PushBack(body, alloc);
    }
    std::string method = create ? "POST" : "PUT";
    auto raw = co_await b_.send_raw(std::move(method), "/v3/customers/addresses", serialize(batch), ctx_);
    if (!raw) {
      out.failure = raw.error();
      co_return out;
    }
    if (raw->status >= 400) {
      out.failure = b_.address_call_error(*raw, index);
      co_return out;
    }
    rapidjson::Document answer;
    if (!raw->body.empty()) answer.Parse(raw->body.c_str(), raw->body.size());
    // {} (or no body) answers a batch whose addresses were all skipped as duplicates.
    const bool unreadable_answer = !raw->body.empty() && (answer.HasParseError() || !answer.IsObject());
    if (unreadable_answer) {
      // Taken, but what it holds now is unknown: a modification counts as written (so
      // a rollback restores it); a creation as not (its id is unknown: it may stay).
      out.failure = unreadable(*b_.store_, *raw, "an address answer that is not JSON");
      if (!create)
        for (std::size_t i = 0; i < addresses.size(); ++i) out.done[i] = addresses[i];
      co_return out;
    }
    if (raw->body.empty()) co_return out;
    const auto* data = data_array(answer);
    if (!data) co_return out;
    for (const auto& x : data->GetArray()) {
      auto xid = member_id(x);
      if (!xid) continue;
      for (std::size_t i = 0; i < addresses.size(); ++i) {
        if (out.done[i]) continue;
        const bool match = create ? address_key(x) == keys[i] : platform_address_id(*b_.store_, addresses[i].id) == *xid;
        if (!match) continue;
        if (auto a = b_.read_address(x)) out.done[i] = std::move(*a);
        break;
      }
    }
    co_return out;
  }

  bigcommerce_v3_backend& b_;
  std::uint64_t pid_;
  const call_context& ctx_;
  const domain::customer& next_;
  std::string fields_, restore_;
  std::optional<std::int64_t> attribute_;
  attribute_ids ids_;
};

// Writes to one customer are serialised in this process (see customer_lock.hpp), from the
// read of its current state through the last write.
awaitable<domain::result<domain::customer>> bigcommerce_v3_backend::update(request_context rc, std::string id,
                                                                       domain::customer_patch patch) {
  auto pid = platform_customer_id(*store_, id);
  if (!pid) co_return customer_not_found(id);
  auto lock = co_await bigcommerce::lock_customer(bigcommerce::customer_lock_key(*store_, *pid));
  co_return co_await update_locked(std::move(rc), std::move(id), *pid, std::move(patch));
}

awaitable<domain::result<domain::customer>> bigcommerce_v3_backend::update_locked(request_context rc, std::string id,
                                                                              std::uint64_t pid,
                                                                              domain::customer_patch patch) {
  const auto ctx = store_->begin(rc);
  auto found = co_await fetch(pid, ctx);
  if (!found) co_return found.error();
  if (!*found) co_return customer_not_found(id);
  const domain::customer current = std::move((*found)->customer);
  const auto stored_default = (*found)->stored_default;

  int next_placeholder = 0;
  auto outcome = domain::apply_patch(current, patch, format_iso8601_ms(now_millis()), [&next_placeholder] {
    return std::string(placeholder_prefix) + std::to_string(next_placeholder++);
  });
  if (!outcome) co_return outcome.error();
  // BigCommerce's identity of an address (§3.1): its platform body's content.
  auto key_of = [&](const domain::address& a) {
    rapidjson::Document scratch;
    Value body;
    return address_body(a, true, pid, 0, body, scratch.GetAllocator()) ? address_key(body) : a.id;
  };
  const auto plan = bigcommerce::plan_address_writes(
      current, *outcome, [&](const domain::address& x, const domain::address& y) { return key_of(x) == key_of(y); });
  const domain::customer& next = outcome->next;

  auto ids = co_await attributes_.get(ctx);
  if (!ids) co_return ids.error();

  // Everything is mapped and checked before the first write.
  auto fields_body = [&](const domain::customer& from, std::string& out) -> std::optional<domain::error> {
    rapidjson::Document doc;
    auto& alloc = doc.GetAllocator();
    Value canonical;
    canonical_for_update(from, patch, canonical, alloc);
    Value body;
    auto report = mappers::request_body(*store_->plan, canonical, mappers::operation::update, body, alloc, &ids->binding);
    if (!report.ok()) return invalid_fields(report);
    if (auto refused = refuse_dropped(report)) return *refused;
    if (!body.IsArray() || body.Size() != 1 || !body[0].IsObject())
      return domain::make_error(error_kind::internal, "the bigcommerce_v3 mapping did not give an array of one customer");
    body[0].RemoveMember("id");
    body[0].AddMember("id", pid, alloc);
    out = serialize(body);
    return std::nullopt;
  };
  std::string forward, restore;
  if (auto e = fields_body(next, forward)) co_return *e;
  if (fields_body(current, restore)) restore.clear();

  if (patch.addresses) {
    auto listed = [](const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); };
    std::vector<domain::field_error> problems;
    rapidjson::Document doc;
    for (std::size_t i = 0; i < next.addresses.size(); ++i) {
      const auto& a = next.addresses[i];
      const bool is_new = listed(plan.create, a.id);
      if (!is_new && !listed(plan.modify, a.id) && !listed(plan.modify_after_remove, a.id)) continue;
      check_required(a, i, problems);
      Value body;
      if (auto ok = address_body(a, is_new, pid, i, body, doc.GetAllocator()); !ok)
        for (auto& d : ok.error().details) problems.push_back(std::move(d));
    }
    if (!problems.empty()) co_return domain::validation_failed(std::move(problems));
    std::vector<std::string> keys;
    for (const auto& a : next.addresses) keys.push_back(key_of(a));
    if (auto distinct = check_distinct(keys); !distinct) co_return distinct.error();
  }

  if (patch.email && ascii_lower(*patch.email) != ascii_lower(current.email)) {
    auto taken = co_await email_taken(*patch.email, pid, ctx);
    if (!taken) co_return taken.error();
    if (*taken) co_return duplicate_email();
  }

  // Only an update of the addresses or the default can change the default.
  std::optional<std::int64_t> default_attribute = ids->default_attribute;
  if (!next.addresses.empty() && (patch.addresses || patch.default_address_id.present)) {
    auto attribute = co_await attributes_.ensure_default(ctx);
    if (!attribute) co_return attribute.error();
    default_attribute = *attribute;
  }

  v3_update_calls calls(*this, pid, ctx, next, std::move(forward), std::move(restore), default_attribute, *ids);
  auto written = co_await bigcommerce::write_update(calls, *store_, id, current, next, plan, stored_default);
  if (!written) co_return written.error();
  co_return bigcommerce::updated_customer(*store_, std::move(calls.updated), next, *written);
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
  auto pid = platform_customer_id(*store_, id);
  if (!pid) co_return customer_not_found(id);
  auto lock = co_await bigcommerce::lock_customer(bigcommerce::customer_lock_key(*store_, *pid));
  const auto ctx = store_->begin(rc);
  const auto n = std::to_string(*pid);
  auto exists = co_await send_json("GET", "/v3/customers?id:in=" + n, "", ctx);
  if (!exists) co_return exists.error();
  bool found = false;
  if (const auto* data = data_array(*exists))
    for (const auto& c : data->GetArray()) found = found || member_id(c) == *pid;
  if (!found) co_return customer_not_found(id);

  auto orders = co_await bigcommerce::has_orders(*store_, *pid, ctx);
  if (!orders) co_return orders.error();
  if (*orders) co_return domain::make_error(error_kind::conflict, "Cannot delete customer with existing orders");
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
