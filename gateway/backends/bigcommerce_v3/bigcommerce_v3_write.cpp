#include "gateway/backends/bigcommerce_v3/bigcommerce_v3_adapter.hpp"

#include "gateway/backends/bigcommerce/customer_lock.hpp"
#include "gateway/backends/bigcommerce/orders.hpp"
#include "gateway/backends/platform/json_values.hpp"
#include "gateway/backends/platform/store_errors.hpp"
#include "mappers/mapper.hpp"

namespace custbridge::backends::bigcommerce_v3 {

using boost::asio::awaitable;
using domain::error_kind;
using rapidjson::Value;

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
      const auto value = bigcommerce::default_value(default_pid);
      auto recorded = co_await attributes_.write_default(*default_attribute, *customer_pid, value, ctx);
      if (!recorded) failure = recorded.error();
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
  if (*orders) co_return customer_has_orders();
  auto deleted = co_await send("DELETE", "/v3/customers?id:in=" + n, "", ctx);
  if (!deleted) co_return deleted.error();
  co_return domain::result<void>();
}

}  // namespace custbridge::backends::bigcommerce_v3
