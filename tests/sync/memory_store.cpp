#include "tests/sync/memory_store.hpp"

#include <algorithm>

#include "gateway/domain/customer_patch.hpp"
#include "sync/sync_state.hpp"

namespace custbridge::sync::testing {

memory_store::memory_store(backends::store_capabilities caps) : caps_(std::move(caps)) {
  if (caps_.backend.empty()) caps_.backend = "memory";
  caps_.changes_report_deletes = true;
}

void memory_store::touch(const std::string& id) { seq_of_[id] = ++seq_; }

domain::result<domain::customer> memory_store::create_now(const domain::customer_create& input) {
  auto refused = refuse_email.find(fold_email(input.email));
  if (refused != refuse_email.end()) return refused->second;
  if (unique_emails)
    for (const auto& [id, c] : customers_)
      if (!deleted_[id] && fold_email(c.email) == fold_email(input.email))
        return domain::make_error(domain::error_kind::conflict, "Customer with this email already exists");
  domain::customer c;
  c.id = "m" + std::to_string(next_id_++);
  c.email = input.email;
  c.name = input.name;
  c.phone = input.phone;
  c.marketing_opt_in = input.marketing_opt_in;
  c.metadata = input.metadata;
  c.orders_count = input.orders_count;
  int n = 0;
  for (const auto& in : input.addresses) {
    domain::address a;
    a.id = c.id + "-a" + std::to_string(n++);
    domain::merge_address(in, a);
    if (in.is_default.value_or(false)) c.default_address_id = a.id;
    c.addresses.push_back(std::move(a));
  }
  if (!c.default_address_id && !c.addresses.empty()) c.default_address_id = c.addresses[0].id;
  for (auto& a : c.addresses) a.is_default = c.default_address_id && a.id == *c.default_address_id;
  customers_[c.id] = c;
  order_.push_back(c.id);
  touch(c.id);
  return c;
}

domain::customer memory_store::add(domain::customer_create input) {
  auto c = create_now(input);
  if (!c) throw std::runtime_error(c.error().message);
  return *c;
}

domain::customer memory_store::edit(const std::string& id, const domain::customer_patch& patch) {
  int n = 0;
  auto next = domain::apply_patch(customers_.at(id), patch, "2026-01-01T00:00:00.000Z",
                                  [&] { return id + "-b" + std::to_string(++n) + "-" + std::to_string(seq_); });
  if (!next) throw std::runtime_error(next.error().message);
  customers_[id] = next->next;
  touch(id);
  return next->next;
}

void memory_store::erase(const std::string& id) {
  deleted_[id] = true;
  touch(id);
}

std::vector<domain::customer> memory_store::all() const {
  std::vector<domain::customer> out;
  for (const auto& id : order_)
    if (!deleted_.count(id) || !deleted_.at(id)) out.push_back(customers_.at(id));
  return out;
}

boost::asio::awaitable<domain::result<domain::customer_page>> memory_store::list(backends::request_context,
                                                                                 domain::list_query q) {
  domain::customer_page page;
  std::int64_t index = 0;
  for (const auto& c : all()) {
    if (q.email && fold_email(*q.email) != fold_email(c.email)) continue;
    ++page.total;
    if (index++ < q.offset || static_cast<int>(page.items.size()) >= q.limit) continue;
    page.items.push_back(c);
  }
  co_return page;
}

boost::asio::awaitable<domain::result<domain::customer>> memory_store::get(backends::request_context, std::string id) {
  if (!fail_reads.empty()) {
    auto e = fail_reads.front();
    fail_reads.pop_front();
    co_return e;
  }
  auto it = customers_.find(id);
  if (it == customers_.end() || deleted_[id]) co_return domain::make_error(domain::error_kind::not_found, "Customer not found");
  co_return it->second;
}

boost::asio::awaitable<domain::result<domain::customer>> memory_store::create(backends::request_context,
                                                                              domain::customer_create input) {
  ++write_count;
  if (!fail_writes.empty()) {
    auto e = fail_writes.front();
    fail_writes.pop_front();
    co_return e;
  }
  co_return create_now(input);
}

boost::asio::awaitable<domain::result<domain::customer>> memory_store::update(backends::request_context, std::string id,
                                                                              domain::customer_patch patch) {
  ++write_count;
  if (!fail_writes.empty()) {
    auto e = fail_writes.front();
    fail_writes.pop_front();
    co_return e;
  }
  if (!customers_.count(id) || deleted_[id]) co_return domain::make_error(domain::error_kind::not_found, "Customer not found");
  int n = 0;
  auto next = domain::apply_patch(customers_.at(id), patch, "2026-01-01T00:00:00.000Z",
                                  [&] { return id + "-u" + std::to_string(++n) + "-" + std::to_string(seq_); });
  if (!next) co_return next.error();
  customers_[id] = next->next;
  touch(id);
  co_return next->next;
}

boost::asio::awaitable<domain::result<void>> memory_store::remove(backends::request_context, std::string id) {
  ++write_count;
  if (!fail_writes.empty()) {
    auto e = fail_writes.front();
    fail_writes.pop_front();
    co_return e;
  }
  if (!customers_.count(id) || deleted_[id]) co_return domain::make_error(domain::error_kind::not_found, "Customer not found");
  if (customers_.at(id).orders_count > 0)
    co_return domain::make_error(domain::error_kind::conflict, "Customer with orders cannot be deleted");
  erase(id);
  co_return domain::result<void>{};
}

boost::asio::awaitable<domain::result<backends::change_page>> memory_store::changes(backends::request_context,
                                                                                    std::string cursor, int limit) {
  const std::int64_t after = cursor.empty() ? 0 : std::stoll(cursor);
  std::vector<std::pair<std::int64_t, std::string>> pending;
  for (const auto& [id, seq] : seq_of_)
    if (seq > after) pending.push_back({seq, id});
  std::sort(pending.begin(), pending.end());
  backends::change_page page;
  page.next_cursor = cursor.empty() ? "0" : cursor;
  for (const auto& [seq, id] : pending) {
    if (static_cast<int>(page.changes.size()) >= limit) {
      page.has_more = true;
      break;
    }
    backends::customer_change c;
    c.id = id;
    c.deleted = deleted_[id];
    if (!c.deleted) c.customer = customers_.at(id);
    c.changed_at = "2026-01-01T00:00:00.000Z";
    page.changes.push_back(std::move(c));
    page.next_cursor = std::to_string(seq);
  }
  co_return page;
}

}  // namespace custbridge::sync::testing
