#include "gateway/backends/bigcommerce_v2/bigcommerce_v2_adapter.hpp"

#include <algorithm>

#include "common/timestamp.hpp"
#include "gateway/backends/bigcommerce/customer_lock.hpp"
#include "gateway/backends/bigcommerce/update_writes.hpp"
#include "gateway/backends/platform/json_values.hpp"
#include "gateway/backends/platform/store_errors.hpp"
#include "gateway/domain/customer_patch.hpp"
#include "mappers/mapper.hpp"

namespace custbridge::backends::bigcommerce_v2 {

namespace asio = boost::asio;
using domain::error_kind;
using rapidjson::Value;

namespace {

std::string now_iso() { return format_iso8601_ms(now_millis()); }

}  // namespace

// The V2 calls of one update: one request per address.
class v2_update_calls final : public bigcommerce::update_calls {
 public:
  v2_update_calls(bigcommerce_v2_backend& backend, std::uint64_t pid, const std::string& id, const call_context& ctx,
                  const domain::customer& next, std::string fields, std::string restore, std::optional<std::int64_t> attribute)
      : b_(backend),
        pid_(pid),
        id_(id),
        ctx_(ctx),
        next_(next),
        base_("/v2/customers/" + std::to_string(pid)),
        fields_(std::move(fields)),
        restore_(std::move(restore)),
        attribute_(attribute) {}

  domain::customer updated;  // the platform's answer to the fields write

  asio::awaitable<domain::result<void>> put_fields(bool restore, bool& applied) override {
    if (restore && restore_.empty())
      co_return domain::make_error(error_kind::internal, "the fields read at the start cannot be mapped back");
    const std::string& body = restore ? restore_ : fields_;
    auto put = co_await call(*b_.store_, make_request("PUT", base_, body), ctx_);
    if (!put) {
      if (put.error().kind == error_kind::not_found) co_return customer_not_found(id_);
      co_return canonical_conflict(put.error());
    }
    applied = true;
    if (restore) co_return domain::result<void>{};
    auto doc = parse_body(*b_.store_, *put);
    if (!doc) co_return doc.error();
    auto c = read_customer(*b_.store_, *doc);
    if (!c) co_return c.error();
    updated = std::move(*c);
    co_return domain::result<void>{};
  }

  asio::awaitable<bigcommerce::address_batch> modify(std::vector<domain::address> addresses) override {
    bigcommerce::address_batch out;
    out.done.resize(addresses.size());
    for (std::size_t i = 0; i < addresses.size(); ++i) {
      const auto apid = platform_address_id(*b_.store_, addresses[i].id);
      auto body = address_body(*b_.store_, addresses[i], mappers::operation::update, path(addresses[i].id, i));
      if (!apid || !body) {
        out.failure = body ? domain::make_error(error_kind::internal, "address without a platform id") : body.error();
        co_return out;
      }
      auto r = co_await call(*b_.store_, make_request("PUT", base_ + "/addresses/" + std::to_string(*apid), *body), ctx_);
      auto a = written_address(*b_.store_, r);
      if (!a) {
        // Taken but unreadable: counted as written, so a rollback restores it.
        if (r) out.done[i] = addresses[i];
        out.failure = a.error();
        co_return out;
      }
      out.done[i] = std::move(*a);
    }
    co_return out;
  }

  asio::awaitable<bigcommerce::address_batch> create(std::vector<domain::address> addresses) override {
    bigcommerce::address_batch out;
    out.done.resize(addresses.size());
    for (std::size_t i = 0; i < addresses.size(); ++i) {
      auto body = address_body(*b_.store_, addresses[i], mappers::operation::create, path(addresses[i].id, i));
      if (!body) {
        out.failure = body.error();
        co_return out;
      }
      auto r = co_await call(*b_.store_, make_request("POST", base_ + "/addresses", *body), ctx_);
      auto a = written_address(*b_.store_, r);
      if (!a) {
        out.failure = a.error();
        co_return out;
      }
      out.done[i] = std::move(*a);
    }
    co_return out;
  }

  asio::awaitable<bigcommerce::address_batch> remove(std::vector<domain::address> addresses) override {
    bigcommerce::address_batch out;
    out.done.resize(addresses.size());
    for (std::size_t i = 0; i < addresses.size(); ++i) {
      const auto apid = platform_address_id(*b_.store_, addresses[i].id);
      if (!apid) continue;
      auto r = co_await call(*b_.store_, make_request("DELETE", base_ + "/addresses/" + std::to_string(*apid)), ctx_);
      if (!r && r.error().kind != error_kind::not_found) {
        out.failure = r.error();
        co_return out;
      }
      out.done[i] = addresses[i];
    }
    co_return out;
  }

  asio::awaitable<domain::result<void>> set_default(std::string value) override {
    if (!attribute_) co_return domain::make_error(error_kind::internal, "the default-address attribute was not looked up");
    co_return co_await b_.attributes_.write_default(*attribute_, pid_, std::move(value), ctx_);
  }

 private:
  std::string path(const std::string& id, std::size_t fallback) const {
    for (std::size_t i = 0; i < next_.addresses.size(); ++i)
      if (next_.addresses[i].id == id) return "addresses[" + std::to_string(i) + "]";
    return "addresses[" + std::to_string(fallback) + "]";
  }

  bigcommerce_v2_backend& b_;
  std::uint64_t pid_;
  const std::string& id_;
  const call_context& ctx_;
  const domain::customer& next_;
  std::string base_, fields_, restore_;
  std::optional<std::int64_t> attribute_;
};

// Writes to one customer are serialised in this process (see customer_lock.hpp), from the
// read of its current state through the last write.
asio::awaitable<domain::result<domain::customer>> bigcommerce_v2_backend::update(request_context rc, std::string id,
                                                                             domain::customer_patch patch) {
  auto pid = platform_customer_id(*store_, id);
  if (!pid) co_return customer_not_found(id);
  auto lock = co_await bigcommerce::lock_customer(bigcommerce::customer_lock_key(*store_, *pid));
  co_return co_await update_locked(std::move(rc), std::move(id), *pid, std::move(patch));
}

asio::awaitable<domain::result<domain::customer>> bigcommerce_v2_backend::update_locked(request_context rc, std::string id,
                                                                                    std::uint64_t pid,
                                                                                    domain::customer_patch patch) {
  const auto ctx = store_->begin(rc);
  stored_default stored;
  auto current = co_await load(pid, id, &stored, ctx);
  if (!current) co_return current.error();

  std::vector<domain::field_error> problems;
  if (patch.marketing_opt_in && *patch.marketing_opt_in != current->marketing_opt_in)
    problems.push_back({"marketingOptIn", "BigCommerce V2's accepts_marketing is read-only and cannot be changed"});
  if (patch.metadata && !patch.metadata->empty()) problems.push_back({"metadata", "BigCommerce V2 has no place for customer metadata"});
  if (patch.name.present && (!patch.name.value || !two_part_name(*patch.name.value))) problems.push_back({"name", name_reason});
  if (!problems.empty()) co_return domain::validation_failed(std::move(problems));

  int next_new = 0;
  auto outcome = domain::apply_patch(*current, patch, now_iso(), [&] { return "new:" + std::to_string(next_new++); });
  if (!outcome) co_return outcome.error();
  const auto plan = bigcommerce::plan_address_writes(*current, *outcome, [&](const domain::address& x, const domain::address& y) {
    auto bx = address_body(*store_, x, mappers::operation::create, "");
    auto by = address_body(*store_, y, mappers::operation::create, "");
    return bx && by && *bx == *by;
  });
  const auto& next = outcome->next;

  // Map every write before the first one; the fields as read are mapped too, to restore them.
  auto fields_body = [&](const domain::customer& from, std::string& out) -> std::optional<domain::error> {
    rapidjson::Document canonical;
    canonical_for_update(from, patch, canonical, canonical.GetAllocator());
    canonical.RemoveMember("marketingOptIn");  // checked above: unchanged
    canonical.RemoveMember("metadata");        // checked above: empty
    if (canonical.MemberCount() == 0) {
      // V2 moves date_modified on any PUT; sending the unchanged email keeps updatedAt
      // moving on every canonical update, as on the local store.
      canonical.AddMember("email", Value(from.email.c_str(), canonical.GetAllocator()), canonical.GetAllocator());
    }
    rapidjson::Document body;
    auto report = mappers::request_body(*store_->plan, canonical, mappers::operation::update, body, body.GetAllocator());
    if (!report.ok()) return invalid_fields(report);
    out = serialize(body);
    return std::nullopt;
  };
  std::string forward, restore;
  if (auto e = fields_body(next, forward)) co_return *e;
  if (fields_body(*current, restore)) restore.clear();

  auto listed = [](const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); };
  for (std::size_t i = 0; i < next.addresses.size(); ++i) {
    const auto& a = next.addresses[i];
    const bool is_new = listed(plan.create, a.id);
    if (!is_new && !listed(plan.modify, a.id) && !listed(plan.modify_after_remove, a.id)) continue;
    auto b = address_body(*store_, a, is_new ? mappers::operation::create : mappers::operation::update,
                          "addresses[" + std::to_string(i) + "]");
    if (!b)
      for (auto& d : b.error().details) problems.push_back(std::move(d));
  }
  if (!problems.empty()) co_return domain::validation_failed(std::move(problems));

  if (patch.email && fold(*patch.email) != fold(current->email)) {
    auto taken = co_await email_taken(*patch.email, pid, ctx);
    if (!taken) co_return taken.error();
    if (*taken) co_return duplicate_email();
  }

  // Only an update of the addresses or the default can change the default.
  std::optional<std::int64_t> attribute;
  if (!next.addresses.empty() && (patch.addresses || patch.default_address_id.present)) {
    auto a = co_await attributes_.ensure_default(ctx);
    if (!a) co_return a.error();
    attribute = *a;
  }

  v2_update_calls calls(*this, pid, id, ctx, next, std::move(forward), std::move(restore), attribute);
  auto written = co_await bigcommerce::write_update(calls, *store_, id, *current, next, plan, stored);
  if (!written) co_return written.error();
  auto result = bigcommerce::updated_customer(*store_, std::move(calls.updated), next, *written);
  finish(result, written->stored_default);
  co_return result;
}

}  // namespace custbridge::backends::bigcommerce_v2
