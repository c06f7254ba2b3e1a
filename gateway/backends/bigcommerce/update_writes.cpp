#include "gateway/backends/bigcommerce/update_writes.hpp"

#include <algorithm>
#include <set>

#include "gateway/backends/bigcommerce/default_address.hpp"

namespace custbridge::backends::bigcommerce {
namespace {

using boost::asio::awaitable;
using domain::error_kind;

bool contains(const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); }

const domain::address* find_address(const domain::customer& c, const std::string& id) {
  for (const auto& a : c.addresses)
    if (a.id == id) return &a;
  return nullptr;
}

std::string count(std::size_t n, std::string_view what) {
  return std::to_string(n) + " " + std::string(what) + (n == 1 ? "" : "es");
}

std::string join(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

// What has been applied so far, to report and to undo.
struct journal {
  bool fields = false;
  std::vector<domain::address> modified_before;  // the content read at the start of each address modified
  std::vector<domain::address> created;          // as the platform holds them
  bool default_written = false;
  std::vector<domain::address> removed;          // the content read at the start of each address removed
  std::vector<std::string> applied;
};

class update_run {
 public:
  update_run(update_calls& calls, const platform_store& store, const std::string& customer_id, const domain::customer& current,
             const domain::customer& next, const std::optional<std::string>& stored)
      : calls_(calls), store_(store), customer_id_(customer_id), current_(current), next_(next), stored_(stored) {}

  awaitable<domain::result<update_written>> run(const address_plan& plan);

 private:
  std::string paths(const std::vector<std::string>& ids) const {
    std::string out;
    for (const auto& id : ids)
      for (std::size_t i = 0; i < next_.addresses.size(); ++i)
        if (next_.addresses[i].id == id) out += (out.empty() ? "" : ", ") + ("addresses[" + std::to_string(i) + "]");
    return out;
  }
  std::vector<domain::address> from_next(const std::vector<std::string>& ids) const {
    std::vector<domain::address> out;
    for (const auto& id : ids)
      if (const auto* a = find_address(next_, id)) out.push_back(*a);
    return out;
  }
  awaitable<std::optional<domain::error>> modify(const std::vector<std::string>& ids);
  awaitable<domain::error> fail(std::string step, domain::error cause);

  update_calls& calls_;
  const platform_store& store_;
  const std::string& customer_id_;
  const domain::customer& current_;
  const domain::customer& next_;
  const std::optional<std::string>& stored_;
  journal j_;
  update_written out_;
};

// A change the platform skipped (it collided with another address's content at that
// moment) may go through once the rest of the batch is written: one more round.
awaitable<std::optional<domain::error>> update_run::modify(const std::vector<std::string>& ids) {
  std::vector<std::string> pending = ids;
  for (int round = 0; round < 2 && !pending.empty(); ++round) {
    auto batch = co_await calls_.modify(from_next(pending));
    std::vector<std::string> left;
    std::size_t done = 0;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (i < batch.done.size() && batch.done[i]) {
        out_.addresses[pending[i]] = *batch.done[i];
        if (const auto* before = find_address(current_, pending[i])) j_.modified_before.push_back(*before);
        ++done;
      } else {
        left.push_back(pending[i]);
      }
    }
    if (done > 0) j_.applied.push_back(count(done, "address") + " modified");
    if (batch.failure) co_return co_await fail("modifying " + paths(left), std::move(*batch.failure));
    if (done == 0) break;
    pending = std::move(left);
  }
  if (!pending.empty())
    co_return co_await fail("modifying " + paths(pending),
                            domain::make_error(error_kind::upstream_error,
                                               store_.platform_name + " left " + paths(pending) +
                                                   " unchanged: the new content equals another address"));
  co_return std::nullopt;
}

awaitable<domain::error> update_run::fail(std::string step, domain::error cause) {
  if (j_.applied.empty()) co_return cause;
  std::vector<std::string> rolled_back, not_rolled_back;
  auto undo_batch = [&](const address_batch& b, std::size_t wanted, std::string_view what_done, std::string_view what_failed) {
    std::size_t done = 0;
    for (const auto& d : b.done) done += d.has_value();
    if (done > 0) rolled_back.push_back(count(done, "address") + " " + std::string(what_done));
    if (done < wanted)
      not_rolled_back.push_back(count(wanted - done, "address") + " " + std::string(what_failed) +
                                (b.failure ? " (" + b.failure->message + ")" : ""));
  };

  // Undone in reverse order of application. Created addresses go first, so no content
  // restored below collides with one of them.
  if (!j_.created.empty()) {
    auto b = co_await calls_.remove(j_.created);
    undo_batch(b, j_.created.size(), "created, deleted again", "created and not deleted again");
  }
  if (!j_.modified_before.empty()) {
    auto b = co_await calls_.modify(j_.modified_before);
    undo_batch(b, j_.modified_before.size(), "modified, restored", "modified and not restored");
  }
  std::map<std::string, domain::address> recreated;  // removed id -> its new incarnation
  if (!j_.removed.empty()) {
    auto b = co_await calls_.create(j_.removed);
    for (std::size_t i = 0; i < b.done.size() && i < j_.removed.size(); ++i)
      if (b.done[i]) recreated.emplace(j_.removed[i].id, *b.done[i]);
    undo_batch(b, j_.removed.size(), "removed, created again with a new id", "removed and not created again");
  }
  // The default as read at the start, written explicitly: a re-created default has a new id.
  const bool default_recreated = current_.default_address_id && recreated.contains(*current_.default_address_id);
  if (j_.default_written || default_recreated) {
    std::optional<std::uint64_t> pid;
    if (current_.default_address_id) {
      auto it = recreated.find(*current_.default_address_id);
      pid = platform_address_id(store_, it != recreated.end() ? it->second.id : *current_.default_address_id);
    }
    auto r = co_await calls_.set_default(default_value(pid));
    if (r) rolled_back.push_back("the default address restored");
    else not_rolled_back.push_back("the default address (" + r.error().message + ")");
  }
  if (j_.fields) {
    bool restored = false;
    auto r = co_await calls_.put_fields(true, restored);
    if (r) rolled_back.push_back("the customer's fields restored");
    else not_rolled_back.push_back("the customer's fields (" + r.error().message + ")");
  }

  if (rolled_back.empty()) rolled_back.push_back("nothing");
  std::string why = cause.message;
  while (!why.empty() && why.back() == '.') why.pop_back();
  std::string message = store_.platform_name + " could not complete the update of customer '" + customer_id_ + "': " +
                        step + " failed: " + why + ". Applied before: " + join(j_.applied) +
                        ". Rolled back: " + join(rolled_back) + ".";
  if (!not_rolled_back.empty()) {
    message += " Not rolled back: " + join(not_rolled_back) + ".";
    cause.kind = error_kind::upstream_error;
    cause.retryable = false;
  }
  cause.message = std::move(message);
  co_return cause;
}

awaitable<domain::result<update_written>> update_run::run(const address_plan& plan) {
  bool applied = false;
  auto fields = co_await calls_.put_fields(false, applied);
  if (applied) {
    j_.fields = true;
    j_.applied.push_back("the customer's fields updated");
  }
  if (!fields) co_return co_await fail("reading the updated customer", fields.error());

  if (!plan.modify.empty())
    if (auto e = co_await modify(plan.modify)) co_return *e;

  if (!plan.create.empty()) {
    auto batch = co_await calls_.create(from_next(plan.create));
    std::vector<std::string> missing;
    for (std::size_t i = 0; i < plan.create.size(); ++i) {
      if (i < batch.done.size() && batch.done[i]) {
        out_.addresses[plan.create[i]] = *batch.done[i];
        j_.created.push_back(*batch.done[i]);
      } else {
        missing.push_back(plan.create[i]);
      }
    }
    if (!j_.created.empty()) j_.applied.push_back(count(j_.created.size(), "address") + " created");
    if (batch.failure) co_return co_await fail("creating " + paths(missing), std::move(*batch.failure));
    if (!missing.empty())
      co_return co_await fail("creating " + paths(missing),
                              domain::make_error(error_kind::upstream_error,
                                                 store_.platform_name + " did not return " + count(missing.size(), "new address")));
  }

  // The default, now that new addresses have ids, before the old default may go.
  std::vector<std::uint64_t> final_pids;
  std::optional<std::uint64_t> wanted;
  for (const auto& a : next_.addresses) {
    auto it = out_.addresses.find(a.id);
    auto pid = platform_address_id(store_, it != out_.addresses.end() ? it->second.id : a.id);
    if (!pid) continue;
    final_pids.push_back(*pid);
    if (next_.default_address_id == a.id) wanted = pid;
  }
  const auto value = default_value(wanted);
  out_.stored_default = stored_;
  if (default_needs_write(stored_, value, final_pids)) {
    auto r = co_await calls_.set_default(value);
    if (!r) co_return co_await fail("recording the default address", r.error());
    j_.default_written = true;
    j_.applied.push_back("the default address recorded");
    out_.stored_default = value;
  }

  if (!plan.remove.empty()) {
    std::vector<domain::address> gone;
    for (const auto& id : plan.remove)
      if (const auto* a = find_address(current_, id)) gone.push_back(*a);
    auto batch = co_await calls_.remove(gone);
    std::size_t done = 0;
    for (std::size_t i = 0; i < gone.size(); ++i)
      if (i < batch.done.size() && batch.done[i]) {
        j_.removed.push_back(gone[i]);
        ++done;
      }
    if (done > 0) j_.applied.push_back(count(done, "address") + " removed");
    if (batch.failure || done < gone.size()) {
      // (No ?: with temporaries around a co_await: g++ 12 destroys them twice.)
      domain::error cause = domain::make_error(error_kind::upstream_error, store_.platform_name + " did not remove every address");
      if (batch.failure) cause = std::move(*batch.failure);
      std::string step = "removing " + count(gone.size() - done, "address");
      co_return co_await fail(std::move(step), std::move(cause));
    }
  }

  if (!plan.modify_after_remove.empty())
    if (auto e = co_await modify(plan.modify_after_remove)) co_return *e;
  co_return std::move(out_);
}

}  // namespace

address_plan plan_address_writes(const domain::customer& current, domain::patch_outcome& outcome,
                                  const same_address_fn& same_on_platform) {
  address_plan plan;
  auto& next = outcome.next;
  std::vector<std::string> removed = outcome.removed_address_ids;
  std::set<std::string> reused;
  for (const auto& placeholder : outcome.created_address_ids) {
    auto slot = std::find_if(next.addresses.begin(), next.addresses.end(), [&](const auto& a) { return a.id == placeholder; });
    if (slot == next.addresses.end()) continue;
    const domain::address* same = nullptr;
    for (const auto& rid : removed)
      if (const auto* old = find_address(current, rid); old && !reused.contains(rid) && same_on_platform(*old, *slot))
        same = old;
    if (!same) {
      plan.create.push_back(placeholder);
      continue;
    }
    reused.insert(same->id);
    if (next.default_address_id == placeholder) next.default_address_id = same->id;
    const bool is_default = slot->is_default;
    *slot = *same;
    slot->is_default = is_default;
  }
  std::erase_if(removed, [&](const auto& id) { return reused.contains(id); });
  std::erase_if(outcome.created_address_ids, [&](const auto& id) { return !contains(plan.create, id); });
  outcome.removed_address_ids = removed;
  plan.remove = removed;

  for (const auto& id : outcome.modified_address_ids) {
    const auto* a = find_address(next, id);
    bool collides = false;
    for (const auto& rid : removed)
      if (const auto* old = find_address(current, rid); a && old && same_on_platform(*old, *a)) collides = true;
    (collides ? plan.modify_after_remove : plan.modify).push_back(id);
  }
  return plan;
}

awaitable<domain::result<update_written>> write_update(update_calls& calls, const platform_store& store,
                                                       const std::string& customer_id, const domain::customer& current,
                                                       const domain::customer& next, const address_plan& plan,
                                                       const std::optional<std::string>& stored_default) {
  update_run run(calls, store, customer_id, current, next, stored_default);
  co_return co_await run.run(plan);
}

domain::customer updated_customer(const platform_store& store, domain::customer updated, const domain::customer& next,
                                  const update_written& written) {
  std::vector<std::pair<std::uint64_t, domain::address>> ordered;
  for (const auto& a : next.addresses) {
    auto it = written.addresses.find(a.id);
    domain::address out = it != written.addresses.end() ? it->second : a;
    // BigCommerce addresses carry no timestamps: they take their customer's, as on reads.
    if (out.created_at.empty()) out.created_at = updated.created_at;
    if (out.updated_at.empty()) out.updated_at = updated.updated_at;
    ordered.emplace_back(platform_address_id(store, out.id).value_or(0), std::move(out));
  }
  std::sort(ordered.begin(), ordered.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  updated.addresses.clear();
  for (auto& [pid, a] : ordered) updated.addresses.push_back(std::move(a));
  apply_default(store, updated, written.stored_default);
  return updated;
}

}  // namespace custbridge::backends::bigcommerce
