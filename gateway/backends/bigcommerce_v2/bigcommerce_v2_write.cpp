#include "gateway/backends/bigcommerce_v2/bigcommerce_v2_adapter.hpp"

#include "gateway/backends/bigcommerce/customer_lock.hpp"
#include "gateway/backends/bigcommerce/orders.hpp"
#include "gateway/backends/platform/json_values.hpp"
#include "gateway/backends/platform/store_errors.hpp"
#include "mappers/mapper.hpp"

namespace custbridge::backends::bigcommerce_v2 {

namespace asio = boost::asio;
using domain::error_kind;
using rapidjson::Value;

asio::awaitable<domain::result<domain::customer>> bigcommerce_v2_backend::create(request_context rc, domain::customer_create in) {
  const auto ctx = store_->begin(rc);
  // Everything V2 cannot take is refused before the first call.
  std::vector<domain::field_error> problems;
  if (in.marketing_opt_in) problems.push_back({"marketingOptIn", "BigCommerce V2's accepts_marketing is read-only; only false can be written"});
  if (!in.metadata.empty()) problems.push_back({"metadata", "BigCommerce V2 has no place for customer metadata"});
  if (!in.name || !two_part_name(*in.name)) problems.push_back({"name", name_reason});

  rapidjson::Document canonical(rapidjson::kObjectType);
  auto& alloc = canonical.GetAllocator();
  canonical.AddMember("email", Value(in.email.c_str(), alloc), alloc);
  canonical.AddMember("name", in.name ? Value(in.name->c_str(), alloc) : Value(), alloc);
  canonical.AddMember("phone", in.phone ? Value(in.phone->c_str(), alloc) : Value(), alloc);
  rapidjson::Document body;
  auto report = mappers::request_body(*store_->plan, canonical, mappers::operation::create, body, body.GetAllocator());
  for (const auto& i : report.invalid) problems.push_back({i.field, i.reason});

  std::vector<domain::address> wanted;
  std::vector<std::string> address_bodies;
  std::optional<std::size_t> default_index;
  for (std::size_t i = 0; i < in.addresses.size(); ++i) {
    wanted.push_back(address_from_input(in.addresses[i]));
    auto b = address_body(*store_, wanted.back(), mappers::operation::create, "addresses[" + std::to_string(i) + "]");
    if (!b) {
      for (auto& d : b.error().details) problems.push_back(std::move(d));
      continue;
    }
    address_bodies.push_back(std::move(*b));
    if (in.addresses[i].is_default.value_or(false)) default_index = i;
  }
  if (!problems.empty()) co_return domain::validation_failed(std::move(problems));

  auto taken = co_await email_taken(in.email, std::nullopt, ctx);
  if (!taken) co_return taken.error();
  if (*taken) co_return duplicate_email();

  auto posted = co_await call(*store_, make_request("POST", "/v2/customers", serialize(body)), ctx);
  if (!posted) co_return canonical_conflict(posted.error());
  auto created_doc = parse_body(*store_, *posted);
  if (!created_doc) co_return created_doc.error();
  auto customer = read_customer(*store_, *created_doc);
  if (!customer) co_return customer.error();
  const auto customer_pid = *platform_customer_id(*store_, customer->id);


  // From here on the customer exists: a failure deletes it again, so nothing is left.
  std::vector<std::string> created_ids;
  std::vector<std::uint64_t> pids;
  std::optional<std::uint64_t> default_pid;
  for (std::size_t i = 0; i < address_bodies.size(); ++i) {
    auto r = co_await call(*store_, make_request("POST", "/v2/customers/" + std::to_string(customer_pid) + "/addresses", address_bodies[i]),
                           ctx);
    auto a = written_address(*store_, r);
    if (!a) co_return co_await undo_create(customer->id, customer_pid, created_ids, "creating addresses[" + std::to_string(i) + "]", a.error(), ctx);
    created_ids.push_back(a->id);
    pids.push_back(*platform_address_id(*store_, a->id));
    if (default_index == i) default_pid = pids.back();
    customer->addresses.push_back(std::move(*a));
  }
  // No value means the first address: only "none" or a later address is written.
  stored_default stored;
  if (!address_bodies.empty() && bigcommerce::resolve_default(std::nullopt, pids) != default_pid) {
    stored = bigcommerce::default_value(default_pid);
    auto attribute = co_await attributes_.ensure_default(ctx);
    if (!attribute) co_return co_await undo_create(customer->id, customer_pid, created_ids, "storing the default address", attribute.error(), ctx);
    auto w = co_await attributes_.write_default(*attribute, customer_pid, *stored, ctx);
    if (!w) co_return co_await undo_create(customer->id, customer_pid, created_ids, "storing the default address", w.error(), ctx);
  }
  finish(*customer, stored);
  co_return std::move(*customer);
}

asio::awaitable<domain::error> bigcommerce_v2_backend::undo_create(std::string customer_id, std::uint64_t pid,
                                                                 std::vector<std::string> created_ids, std::string step,
                                                                 domain::error cause, call_context ctx) {
  std::string applied = "customer " + customer_id + " was created";
  if (!created_ids.empty()) {
    applied += " with address(es)";
    for (const auto& a : created_ids) applied += " " + a;
  }
  auto deleted = co_await call_raw(*store_, make_request("DELETE", "/v2/customers/" + std::to_string(pid)), ctx);
  std::string undo;
  if (deleted && (deleted->status < 400 || deleted->status == 404)) {
    undo = "Rolled back: the customer was deleted again.";
  } else {
    std::string why;
    if (deleted) why = response_to_error(*store_, *deleted).message;
    else why = deleted.error().message;
    undo = "Not rolled back: deleting the customer failed (" + why + ").";
    cause.kind = error_kind::upstream_error;
    cause.retryable = false;
  }
  cause.message = "BigCommerce V2: " + step + " failed: " + cause.message + ". Applied: " + applied + ". " + undo;
  co_return cause;
}

asio::awaitable<domain::result<void>> bigcommerce_v2_backend::remove(request_context rc, std::string id) {
  auto pid = platform_customer_id(*store_, id);
  if (!pid) co_return customer_not_found(id);
  auto lock = co_await bigcommerce::lock_customer(bigcommerce::customer_lock_key(*store_, *pid));
  const auto ctx = store_->begin(rc);
  // BigCommerce lets a customer with orders be deleted; the canonical API does not.
  auto orders = co_await bigcommerce::has_orders(*store_, *pid, ctx);
  if (!orders) co_return orders.error();
  if (*orders) co_return customer_has_orders();
  auto r = co_await call_raw(*store_, make_request("DELETE", "/v2/customers/" + std::to_string(*pid)), ctx);
  if (!r) co_return r.error();
  if (r->status == 404) co_return customer_not_found(id);
  if (r->status >= 400) co_return response_to_error(*store_, *r);
  co_return domain::result<void>{};
}

}  // namespace custbridge::backends::bigcommerce_v2
