#include "gateway/backends/nuvemshop/nuvemshop_backend.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <atomic>

#include "common/timestamp.hpp"
#include "gateway/backends/nuvemshop/nuvemshop_calls.hpp"
#include "gateway/backends/nuvemshop/nuvemshop_list.hpp"
#include "gateway/backends/platform/id_order_feed.hpp"
#include "gateway/backends/platform/json_values.hpp"
#include "gateway/backends/platform/store_errors.hpp"
#include "gateway/domain/customer_patch.hpp"
#include "mappers/mapper.hpp"

namespace custbridge::backends {
namespace {

using domain::error_kind;
using namespace nuvemshop;
using store_ptr = std::shared_ptr<const platform_store>;

const std::string& marketing_read_only = nuvemshop_capabilities().marketing_opt_in_writable.reason;

// The mapper's `dropped` fields are values the client set that Nuvemshop has no place
// for (an address company...). Writing the rest would lose them silently: refuse.
domain::error dropped_fields(const mappers::map_report& report) {
  std::vector<domain::field_error> details;
  for (const auto& d : report.dropped) details.push_back({d.field, "cannot be stored on Nuvemshop stores: " + d.reason});
  return domain::validation_failed(std::move(details));
}

// Maps a canonical write body; 400 VALIDATION_ERROR for invalid or dropped fields.
domain::result<std::string> platform_body(const platform_store& store, const rapidjson::Value& canonical,
                                       mappers::operation op) {
  rapidjson::Document body;
  const auto report = mappers::request_body(*store.plan, canonical, op, body, body.GetAllocator());
  if (!report.invalid.empty()) return invalid_fields(report);
  if (!report.dropped.empty()) return dropped_fields(report);
  return serialize(body);
}

boost::asio::awaitable<domain::result<domain::customer>> get_customer(store_ptr store, call_context ctx, std::string id) {
  const auto pid = platform_customer_id(*store, id);
  // An id of another store or platform is not found here, without asking anyone.
  if (!pid) co_return customer_not_found(id);
  auto c = co_await fetch_customer(*store, *pid, id, ctx);
  if (!c) co_return c.error();
  co_return std::move(c->customer);
}

boost::asio::awaitable<domain::result<domain::customer>> create_customer(store_ptr store, call_context ctx, domain::customer_create input) {
  // accepts_marketing is read-only and new customers have it false (fact sheet §3).
  if (input.marketing_opt_in) co_return domain::validation_failed({{"marketingOptIn", marketing_read_only}});
  if (input.orders_count > 0)
    co_return domain::validation_failed({{"ordersCount", "cannot be set on Nuvemshop stores: orders are the platform's"}});
  // Nuvemshop makes the first address of a new customer its default.
  for (std::size_t i = 1; i < input.addresses.size(); ++i)
    if (input.addresses[i].is_default.value_or(false))
      co_return domain::validation_failed(
          {{"addresses[" + std::to_string(i) + "].isDefault",
            "Nuvemshop makes the first address the default and cannot move it later; list the default address first"}});

  rapidjson::Document canonical;
  canonical_for_create(input, canonical, canonical.GetAllocator());
  canonical.RemoveMember("marketingOptIn");
  if (auto it = canonical.FindMember("addresses"); it != canonical.MemberEnd() && !it->value.Empty())
    it->value[0]["isDefault"] = true;
  auto body = platform_body(*store, canonical, mappers::operation::create);
  if (!body) co_return body.error();
  // Nuvemshop's answer to a duplicate is undocumented (fact sheet §7): check first. The
  // error table still maps a 422 "has already been taken" to the same 409 for races.
  auto taken = co_await email_taken(*store, input.email, std::nullopt, ctx);
  if (!taken) co_return taken.error();
  if (*taken) co_return duplicate_email();

  auto created = co_await write_customer(*store, "POST", "/customers", std::move(*body), ctx);
  if (!created) co_return created.error();
  co_return std::move(created->customer);
}

// Where the platform will keep the default address after a PUT with `next.addresses`:
// it cannot move it (fact sheet §2), so it stays on the current default if that is
// kept, else the first address in the platform's order (kept ones, then new ones).
std::optional<std::string> platform_default_after(const domain::customer& current, const domain::customer& next) {
  auto is_current = [&](const std::string& id) {
    return std::any_of(current.addresses.begin(), current.addresses.end(), [&](const auto& a) { return a.id == id; });
  };
  if (current.default_address_id &&
      std::any_of(next.addresses.begin(), next.addresses.end(), [&](const auto& a) { return a.id == *current.default_address_id; }))
    return current.default_address_id;
  for (const auto& a : current.addresses)
    if (std::any_of(next.addresses.begin(), next.addresses.end(), [&](const auto& n) { return n.id == a.id; })) return a.id;
  for (const auto& a : next.addresses)
    if (!is_current(a.id)) return a.id;
  return std::nullopt;
}

boost::asio::awaitable<domain::result<domain::customer>> update_customer(store_ptr store, call_context ctx, std::string id,
                                                                      domain::customer_patch patch) {
  const auto pid = platform_customer_id(*store, id);
  if (!pid) co_return customer_not_found(id);
  auto current = co_await fetch_customer(*store, *pid, id, ctx);
  if (!current) co_return current.error();
  const auto& before = current->customer;

  if (patch.marketing_opt_in && *patch.marketing_opt_in != before.marketing_opt_in)
    co_return domain::validation_failed({{"marketingOptIn", marketing_read_only}});

  // New addresses get placeholder ids, never valid canonical ids, so they are sent without one.
  int fresh = 0;
  auto outcome = domain::apply_patch(before, patch, format_iso8601_ms(now_millis()),
                                     [&fresh] { return "new-address-" + std::to_string(fresh++); });
  if (!outcome) co_return outcome.error();
  const auto& next = outcome->next;

  // What Nuvemshop's PUT cannot do is refused before anything is sent, so an update is
  // applied whole or not at all.
  if (!outcome->removed_address_ids.empty()) {
    std::string ids;
    for (const auto& r : outcome->removed_address_ids) ids += (ids.empty() ? "" : ", ") + r;
    co_return domain::validation_failed(
        {{"addresses", nuvemshop_capabilities().delete_addresses.reason + ", missing: " + ids}});
  }
  if (next.default_address_id != platform_default_after(before, next))
    co_return domain::validation_failed(
        {{"defaultAddressId",
          "Nuvemshop cannot change or clear the default address through its API: it stays on the current default "
          "address (the first address for a customer who had none)"}});

  if (patch.email && ascii_lower(next.email) != ascii_lower(before.email)) {
    auto taken = co_await email_taken(*store, next.email, *pid, ctx);
    if (!taken) co_return taken.error();
    if (*taken) co_return duplicate_email();
  }

  rapidjson::Document canonical;
  auto& alloc = canonical.GetAllocator();
  canonical_for_update(next, patch, canonical, alloc);
  canonical.RemoveMember("marketingOptIn");  // unchanged (checked above); the platform would refuse it
  if (patch.addresses) {
    // Addresses are inline: kept ones by id (the platform updates them in place), new
    // ones without. All are sent, so a platform whose PUT replaces the list keeps them.
    // `default` must not be sent on PUT (fact sheet §2); the default was checked above.
    rapidjson::Value list(rapidjson::kArrayType);
    for (const auto& a : next.addresses) {
      rapidjson::Value v;
      canonical_address(a, platform_address_id(*store, a.id), v, alloc);
      v.RemoveMember("isDefault");
      list.PushBack(v, alloc);
    }
    canonical.AddMember("addresses", list, alloc);
  }
  if (canonical.ObjectEmpty()) co_return before;  // nothing the platform needs to change

  auto body = platform_body(*store, canonical, mappers::operation::update);
  if (!body) co_return body.error();
  auto updated =
      co_await write_customer(*store, "PUT", "/customers/" + std::to_string(*pid), std::move(*body), ctx);
  if (!updated) {
    auto e = updated.error();
    if (e.kind == error_kind::not_found) co_return customer_not_found(id);
    co_return e;
  }
  co_return std::move(updated->customer);
}

boost::asio::awaitable<domain::result<void>> remove_customer(store_ptr store, call_context ctx, std::string id) {
  const auto pid = platform_customer_id(*store, id);
  if (!pid) co_return customer_not_found(id);
  upstream::upstream_request req;
  req.method = "DELETE";
  req.target = "/customers/" + std::to_string(*pid);
  auto r = co_await call_raw(*store, std::move(req), ctx);
  if (!r) co_return r.error();
  if (r->status == 404) co_return customer_not_found(id);
  if (r->status >= 400) {
    auto e = response_to_error(*store, *r);
    // Nuvemshop refuses with 422 "Cannot delete a customer with orders": the canonical
    // answer is the local store's 409, whatever the error table says.
    if (r->status == 422 && ascii_lower(r->body).find("order") != std::string::npos) {
      const auto canonical = customer_has_orders();
      e.kind = canonical.kind;
      e.message = canonical.message;
      e.details.clear();
    }
    co_return e;
  }
  co_return domain::result<void>();
}

// "2025-01-31T00:00:00+00:00", the filter shape of the platform's docs (fact sheet §4).
std::string filter_second(std::int64_t unix_seconds) {
  auto text = format_iso8601_ms(sys_millis(std::chrono::seconds(unix_seconds)));
  text.erase(text.size() - 5);  // ".000Z"
  return text + "+00:00";
}

// One page of the change feed's walk: updated_at_min (inclusive) and since_id (exclusive),
// always page 1, so a customer edited while the walk goes on cannot shift it.
boost::asio::awaitable<domain::result<id_order_page>> fetch_updated(store_ptr store, call_context ctx,
                                                                 std::optional<std::int64_t> since, std::uint64_t after,
                                                                 int count) {
  query_params params;
  if (since) params.emplace_back("updated_at_min", filter_second(*since));
  if (after > 0) params.emplace_back("since_id", std::to_string(after));
  auto page = co_await fetch_page(*store, params, 1, count, ctx);
  if (!page) co_return page.error();
  id_order_page out;
  out.date = std::move(page->date);
  for (auto& c : page->items) out.items.push_back({c.platform_id, std::move(c.customer)});
  co_return out;
}

class nuvemshop_backend final : public customer_backend {
 public:
  explicit nuvemshop_backend(store_ptr store) : store_(std::move(store)) {}

  boost::asio::awaitable<domain::result<domain::customer_page>> list(request_context rc, domain::list_query query) override {
    // The store outlives the call through this backend, which the caller keeps alive.
    const auto ctx = store_->begin(rc);
    co_return co_await list_customers(*store_, std::move(query), unfiltered_total_, ctx);
  }
  boost::asio::awaitable<domain::result<domain::customer>> get(request_context rc, std::string id) override {
    return get_customer(store_, store_->begin(rc), std::move(id));
  }
  boost::asio::awaitable<domain::result<domain::customer>> create(request_context rc, domain::customer_create input) override {
    return create_customer(store_, store_->begin(rc), std::move(input));
  }
  boost::asio::awaitable<domain::result<domain::customer>> update(request_context rc, std::string id,
                                                               domain::customer_patch patch) override {
    return update_customer(store_, store_->begin(rc), std::move(id), std::move(patch));
  }
  boost::asio::awaitable<domain::result<void>> remove(request_context rc, std::string id) override {
    return remove_customer(store_, store_->begin(rc), std::move(id));
  }
  boost::asio::awaitable<domain::result<change_page>> changes(request_context rc, std::string cursor, int limit) override {
    auto fetch = [store = store_, ctx = store_->begin(rc)](std::optional<std::int64_t> since, std::uint64_t after, int count) {
      return fetch_updated(store, ctx, since, after, count);
    };
    return id_order_changes("nuvemshop", store_->store_id, store_->platform_name, std::move(cursor), limit,
                            store_->plan->query.paging.max_size, std::move(fetch));
  }
  const store_capabilities& capabilities() const override { return nuvemshop_capabilities(); }
  bool ready() override { return store_->ready(); }

 private:
  store_ptr store_;
  // The store's customer count as last seen, to guess the pages of a descending list.
  std::atomic<std::int64_t> unfiltered_total_{-1};
};

}  // namespace

upstream::client_options nuvemshop_client_options(const config::platform_config& cfg) {
  auto o = client_options_from(cfg);
  // `Authentication: bearer` is the documented header in every era (fact sheet §1);
  // the 2026 developer hub uses `Authorization: Bearer`, which older docs say is ignored.
  o.default_headers = {{"Authentication", "bearer " + cfg.access_token},
                       {"Authorization", "Bearer " + cfg.access_token},
                       {"User-Agent", cfg.user_agent},
                       {"Accept", "application/json"}};
  // A leaky bucket (reference §6): x-rate-limit-reset is ms until the bucket is empty.
  o.rate_limit.dialect = {upstream::rate_limit_dialect::model::leaky_bucket, "x-rate-limit-limit",
                          "x-rate-limit-remaining", "x-rate-limit-reset", ""};
  return o;
}

std::shared_ptr<customer_backend> make_nuvemshop_backend(std::shared_ptr<const platform_store> store) {
  return std::make_shared<nuvemshop_backend>(std::move(store));
}

}  // namespace custbridge::backends
