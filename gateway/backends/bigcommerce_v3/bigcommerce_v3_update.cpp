#include "gateway/backends/bigcommerce_v3/bigcommerce_v3_adapter.hpp"

#include <algorithm>

#include "common/text.hpp"
#include "common/timestamp.hpp"
#include "gateway/backends/bigcommerce/customer_lock.hpp"
#include "gateway/backends/bigcommerce/update_writes.hpp"
#include "gateway/backends/platform/json_values.hpp"
#include "gateway/backends/platform/store_errors.hpp"
#include "gateway/domain/customer_patch.hpp"
#include "mappers/mapper.hpp"

namespace custbridge::backends::bigcommerce_v3 {

using boost::asio::awaitable;
using domain::error_kind;
using rapidjson::Value;

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
    co_return co_await b_.attributes_.write_default(*attribute_, pid_, std::move(value), ctx_);
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

}  // namespace custbridge::backends::bigcommerce_v3
