#include "gateway/backends/local/sqlite_store.hpp"
#include "gateway/backends/local/local_schema.hpp"
#include "common/text.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

#include "common/ids.hpp"
#include "common/timestamp.hpp"
#include "gateway/backends/change_cursor.hpp"
#include "gateway/domain/customer_patch.hpp"
#include "gateway/state/database.hpp"

namespace custbridge::backends {
namespace {

using domain::error_kind;
using state::exec;
using state::statement;
using state::transaction;
using domain::make_error;

std::string metadata_to_json(const std::map<std::string, std::string>& metadata) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& [k, v] : metadata) {
    w.Key(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::map<std::string, std::string> metadata_from_json(const std::string& text) {
  std::map<std::string, std::string> out;
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) return out;
  for (const auto& m : doc.GetObject())
    if (m.value.IsString()) out.emplace(m.name.GetString(), m.value.GetString());
  return out;
}

constexpr std::string_view customer_columns =
    "id, store_id, email, name, phone, marketing_opt_in, default_address_id, metadata, orders_count, created_at, updated_at";

domain::customer read_customer(const statement& s) {
  domain::customer c;
  c.id = s.text(0);
  c.store_id = s.text(1);
  c.email = s.text(2);
  c.name = s.optional_text(3);
  c.phone = s.optional_text(4);
  c.marketing_opt_in = s.integer(5) != 0;
  c.default_address_id = s.optional_text(6);
  c.metadata = metadata_from_json(s.text(7));
  c.orders_count = s.integer(8);
  c.created_at = s.text(9);
  c.updated_at = s.text(10);
  return c;
}

constexpr std::string_view address_columns =
    "id, customer_id, first_name, last_name, company, address1, address2, city, region, postal_code, country, phone, "
    "created_at, updated_at";

domain::address read_address(const statement& s) {
  domain::address a;
  a.id = s.text(0);
  a.first_name = s.optional_text(2);
  a.last_name = s.optional_text(3);
  a.company = s.optional_text(4);
  a.address1 = s.text(5);
  a.address2 = s.optional_text(6);
  a.city = s.text(7);
  a.region = s.optional_text(8);
  a.postal_code = s.text(9);
  a.country = s.text(10);
  a.phone = s.optional_text(11);
  a.created_at = s.text(12);
  a.updated_at = s.text(13);
  return a;
}

// Loads the addresses of the given customers, in position order, and sets isDefault.
void attach_addresses(sqlite3* db, std::vector<domain::customer>& customers) {
  if (customers.empty()) return;
  std::string sql = "SELECT " + std::string(address_columns) + " FROM addresses WHERE customer_id IN (";
  for (std::size_t i = 0; i < customers.size(); ++i) sql += i ? ",?" : "?";
  sql += ") ORDER BY customer_id, position";
  statement s(db, sql);
  std::unordered_map<std::string, domain::customer*> by_id;
  for (std::size_t i = 0; i < customers.size(); ++i) {
    s.bind(static_cast<int>(i + 1), std::string_view(customers[i].id));
    by_id.emplace(customers[i].id, &customers[i]);
  }
  while (s.step()) {
    auto* owner = by_id.at(s.text(1));
    auto a = read_address(s);
    a.is_default = owner->default_address_id == a.id;
    owner->addresses.push_back(std::move(a));
  }
}

std::optional<domain::customer> load_live(sqlite3* db, const std::string& store_id, const std::string& id) {
  statement s(db, "SELECT " + std::string(customer_columns) +
                      " FROM customers WHERE store_id = ? AND id = ? AND deleted_at IS NULL");
  s.bind(1, store_id).bind(2, std::string_view(id));
  if (!s.step()) return std::nullopt;
  std::vector<domain::customer> one{read_customer(s)};
  attach_addresses(db, one);
  return std::move(one.front());
}

bool email_taken(sqlite3* db, const std::string& store_id, std::string_view email, const std::string& except_id) {
  statement s(db, "SELECT id FROM customers WHERE store_id = ? AND email_folded = ? AND deleted_at IS NULL AND id <> ?");
  s.bind(1, store_id).bind(2, ascii_lower(email)).bind(3, std::string_view(except_id));
  return s.step();
}

domain::error duplicate_email() { return make_error(error_kind::conflict, "Customer with this email already exists"); }
domain::error customer_not_found(const std::string& id) {
  return make_error(error_kind::not_found, "Customer '" + id + "' not found");
}

void insert_address(sqlite3* db, const std::string& customer_id, int position, const domain::address& a) {
  statement s(db,
              "INSERT INTO addresses (id, customer_id, position, first_name, last_name, company, address1, address2, "
              "city, region, postal_code, country, phone, created_at, updated_at) "
              "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.bind(1, std::string_view(a.id)).bind(2, std::string_view(customer_id)).bind(3, std::int64_t{position});
  s.bind(4, a.first_name).bind(5, a.last_name).bind(6, a.company).bind(7, std::string_view(a.address1));
  s.bind(8, a.address2).bind(9, std::string_view(a.city)).bind(10, a.region).bind(11, std::string_view(a.postal_code));
  s.bind(12, std::string_view(a.country)).bind(13, a.phone).bind(14, std::string_view(a.created_at));
  s.bind(15, std::string_view(a.updated_at));
  s.run();
}

// The database's next change sequence value; call inside the write's transaction.
std::int64_t next_change_seq(sqlite3* db) {
  statement s(db, "UPDATE change_counter SET last_seq = last_seq + 1 RETURNING last_seq");
  if (!s.step()) throw std::runtime_error("sqlite: change_counter has no row");
  const auto seq = s.integer(0);
  s.run();
  return seq;
}

constexpr std::string_view local_tag = "local";

}  // namespace

sqlite_store::sqlite_store(std::shared_ptr<state::database> db, std::size_t workers)
    : database_(std::move(db)), db_(database_->handle()), workers_(std::make_unique<state::worker_pool>(workers)) {
  database_->migrate(local_store_schema());
}

const store_capabilities& sqlite_store::capabilities() const { return local_capabilities(); }

const store_capabilities& local_capabilities() {
  static const store_capabilities caps = [] {
    store_capabilities c;
    c.backend = "local";
    c.max_batch_size = 100;
    c.searchable_fields = {"email", "name", "phone"};
    c.sortable_fields = {domain::sort_field::created_at, domain::sort_field::updated_at, domain::sort_field::name,
                         domain::sort_field::email};
    c.change_feed = capability::yes();
    c.changes_report_deletes = true;
    return c;
  }();
  return caps;
}

bool sqlite_store::ready() {
  std::lock_guard lock(database_->mutex());
  statement s(db_, "SELECT 1");
  return s.step();
}

domain::result<domain::customer_page> sqlite_store::list_sync(const std::string& store_id, const domain::list_query& q) {
  std::string where = " FROM customers WHERE store_id = ?1 AND deleted_at IS NULL";
  if (q.email) where += " AND email_folded = ?2";
  if (q.search) where += " AND (email_folded LIKE ?3 ESCAPE '\\' OR name LIKE ?3 ESCAPE '\\' OR phone LIKE ?3 ESCAPE '\\')";
  if (q.marketing_opt_in) where += *q.marketing_opt_in ? " AND marketing_opt_in = 1" : " AND marketing_opt_in = 0";
  if (q.has_orders) where += *q.has_orders ? " AND orders_count > 0" : " AND orders_count = 0";

  std::string pattern;
  if (q.search) {
    pattern = "%";
    for (char c : *q.search) {
      if (c == '%' || c == '_' || c == '\\') pattern += '\\';
      pattern += c;
    }
    pattern += "%";
  }
  auto bind_filters = [&](statement& s) {
    s.bind(1, store_id);
    if (q.email) s.bind(2, ascii_lower(*q.email));
    if (q.search) s.bind(3, std::string_view(pattern));
  };

  const char* column = "created_at";
  switch (q.sort_by) {
    case domain::sort_field::created_at: column = "created_at"; break;
    case domain::sort_field::updated_at: column = "updated_at"; break;
    case domain::sort_field::name: column = "name COLLATE NOCASE"; break;
    case domain::sort_field::email: column = "email_folded"; break;
  }
  const char* direction = q.descending ? " DESC" : " ASC";
  // The rowid tie-breaker makes the order total (pages never skip or repeat a customer)
  // and keeps insertion order among customers created in the same millisecond.
  const std::string order = std::string(" ORDER BY ") + column + direction + ", rowid" + direction;

  std::lock_guard lock(database_->mutex());
  domain::customer_page page;
  {
    statement count(db_, "SELECT COUNT(*)" + where);
    bind_filters(count);
    count.step();
    page.total = count.integer(0);
  }
  statement s(db_, "SELECT " + std::string(customer_columns) + where + order + " LIMIT ?4 OFFSET ?5");
  bind_filters(s);
  s.bind(4, std::int64_t{q.limit}).bind(5, q.offset);
  while (s.step()) page.items.push_back(read_customer(s));
  attach_addresses(db_, page.items);
  return page;
}

domain::result<domain::customer> sqlite_store::get_sync(const std::string& store_id, const std::string& id) {
  std::lock_guard lock(database_->mutex());
  if (auto c = load_live(db_, store_id, id)) return std::move(*c);
  return customer_not_found(id);
}

domain::result<domain::customer> sqlite_store::create_sync(const std::string& store_id, const domain::customer_create& in) {
  std::lock_guard lock(database_->mutex());
  transaction tx(db_);
  if (email_taken(db_, store_id, in.email, "")) return duplicate_email();
  const auto now = format_iso8601_ms(now_millis());
  domain::customer c;
  c.id = new_uuid_v4();
  c.store_id = store_id;
  c.email = in.email;
  c.name = in.name;
  c.phone = in.phone;
  c.marketing_opt_in = in.marketing_opt_in;
  c.metadata = in.metadata;
  c.orders_count = in.orders_count;
  c.created_at = c.updated_at = now;
  for (const auto& input : in.addresses) {
    domain::address a;
    a.id = new_uuid_v4();
    domain::merge_address(input, a);
    a.created_at = a.updated_at = now;
    if (input.is_default.value_or(false)) {
      a.is_default = true;
      c.default_address_id = a.id;
    }
    c.addresses.push_back(std::move(a));
  }
  statement s(db_, "INSERT INTO customers (id, store_id, email, email_folded, name, phone, marketing_opt_in, "
                   "default_address_id, metadata, orders_count, created_at, updated_at, change_seq) "
                   "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
  s.bind(1, std::string_view(c.id)).bind(2, store_id).bind(3, std::string_view(c.email)).bind(4, ascii_lower(c.email));
  s.bind(5, c.name).bind(6, c.phone).bind(7, std::int64_t{c.marketing_opt_in}).bind(8, c.default_address_id);
  s.bind(9, metadata_to_json(c.metadata)).bind(10, c.orders_count).bind(11, std::string_view(now)).bind(12, std::string_view(now));
  s.bind(13, next_change_seq(db_));
  s.run();
  if (s.constraint_failed) return duplicate_email();  // lost a race with another process
  for (std::size_t i = 0; i < c.addresses.size(); ++i) insert_address(db_, c.id, static_cast<int>(i), c.addresses[i]);
  tx.commit();
  return c;
}

domain::result<domain::customer> sqlite_store::update_sync(const std::string& store_id, const std::string& id,
                                                        const domain::customer_patch& p) {
  std::lock_guard lock(database_->mutex());
  transaction tx(db_);
  auto found = load_live(db_, store_id, id);
  if (!found) return customer_not_found(id);
  domain::customer c = std::move(*found);
  const auto now = format_iso8601_ms(now_millis());

  if (p.email && ascii_lower(*p.email) != ascii_lower(c.email)) {
    if (email_taken(db_, store_id, *p.email, c.id)) return duplicate_email();
  }
  auto applied = domain::apply_patch(c, p, now, [] { return new_uuid_v4(); });
  if (!applied) return applied.error();
  c = std::move(applied->next);
  c.updated_at = now;
  statement s(db_, "UPDATE customers SET email = ?, email_folded = ?, name = ?, phone = ?, marketing_opt_in = ?, "
                   "default_address_id = ?, metadata = ?, updated_at = ?, change_seq = ? WHERE id = ?");
  s.bind(1, std::string_view(c.email)).bind(2, ascii_lower(c.email)).bind(3, c.name).bind(4, c.phone);
  s.bind(5, std::int64_t{c.marketing_opt_in}).bind(6, c.default_address_id).bind(7, metadata_to_json(c.metadata));
  s.bind(8, std::string_view(now)).bind(9, next_change_seq(db_)).bind(10, std::string_view(c.id));
  s.run();
  if (s.constraint_failed) return duplicate_email();
  if (p.addresses) {
    statement del(db_, "DELETE FROM addresses WHERE customer_id = ?");
    del.bind(1, std::string_view(c.id)).run();
    for (std::size_t i = 0; i < c.addresses.size(); ++i) insert_address(db_, c.id, static_cast<int>(i), c.addresses[i]);
  }
  tx.commit();
  return c;
}

domain::result<void> sqlite_store::remove_sync(const std::string& store_id, const std::string& id) {
  std::lock_guard lock(database_->mutex());
  transaction tx(db_);
  statement s(db_, "SELECT orders_count FROM customers WHERE store_id = ? AND id = ? AND deleted_at IS NULL");
  s.bind(1, store_id).bind(2, std::string_view(id));
  if (!s.step()) return customer_not_found(id);
  if (s.integer(0) > 0) return make_error(error_kind::conflict, "Cannot delete customer with existing orders");
  const auto now = format_iso8601_ms(now_millis());
  statement del(db_, "UPDATE customers SET deleted_at = ?, updated_at = ?, change_seq = ? WHERE id = ?");
  del.bind(1, std::string_view(now)).bind(2, std::string_view(now)).bind(3, next_change_seq(db_));
  del.bind(4, std::string_view(id)).run();
  tx.commit();
  return {};
}

domain::result<change_page> sqlite_store::changes_sync(const std::string& store_id, const std::string& cursor, int limit) {
  if (auto e = check_change_limit(limit)) return *e;
  std::int64_t after = 0;
  if (!cursor.empty()) {
    auto fields = open_cursor(cursor, local_tag, store_id, 1);
    if (!fields) return fields.error();
    auto n = cursor_number((*fields)[0]);
    if (!n || *n > static_cast<std::uint64_t>(INT64_MAX)) return bad_cursor("not a change sequence number");
    after = static_cast<std::int64_t>(*n);
  }
  std::lock_guard lock(database_->mutex());
  {
    statement last(db_, "SELECT last_seq FROM change_counter");
    if (!last.step() || after > last.integer(0)) return bad_cursor("ahead of this database's changes");
  }
  statement s(db_, "SELECT " + std::string(customer_columns) +
                       ", deleted_at, change_seq FROM customers WHERE store_id = ? AND change_seq > ? "
                       "ORDER BY change_seq LIMIT ?");
  s.bind(1, store_id).bind(2, after).bind(3, std::int64_t{limit} + 1);
  struct row {
    domain::customer c;
    std::optional<std::string> deleted_at;
    std::int64_t seq;
  };
  std::vector<row> rows;
  while (s.step()) rows.push_back({read_customer(s), s.optional_text(11), s.integer(12)});
  change_page page;
  page.has_more = rows.size() > static_cast<std::size_t>(limit);
  if (page.has_more) rows.pop_back();
  std::vector<domain::customer> live;
  for (auto& r : rows)
    if (!r.deleted_at) live.push_back(r.c);
  attach_addresses(db_, live);
  std::size_t next_live = 0;
  for (auto& r : rows) {
    customer_change ch;
    ch.id = r.c.id;
    if (r.deleted_at) {
      ch.deleted = true;
      ch.changed_at = *r.deleted_at;
    } else {
      ch.changed_at = r.c.updated_at;
      ch.customer = std::move(live[next_live++]);
    }
    page.changes.push_back(std::move(ch));
  }
  const auto last = rows.empty() ? after : rows.back().seq;
  page.next_cursor = make_cursor(local_tag, store_id, {std::to_string(last)});
  return page;
}

// The coroutine forms run on the store's workers: SQLite waits on file locks (another
// process, such as `custbridge import`, may hold them for up to the busy timeout) and on
// fsync, and a server thread must not. Each names its work before the co_await: g++ 12
// destroys a temporary passed by value inside a co_await expression twice.
boost::asio::awaitable<domain::result<domain::customer_page>> sqlite_store::list(request_context rc, domain::list_query q) {
  auto work = [this, store = std::move(rc.store_id), q = std::move(q)] { return list_sync(store, q); };
  co_return co_await workers_->run(std::move(work));
}
boost::asio::awaitable<domain::result<domain::customer>> sqlite_store::get(request_context rc, std::string id) {
  auto work = [this, store = std::move(rc.store_id), id = std::move(id)] { return get_sync(store, id); };
  co_return co_await workers_->run(std::move(work));
}
boost::asio::awaitable<domain::result<domain::customer>> sqlite_store::create(request_context rc, domain::customer_create in) {
  auto work = [this, store = std::move(rc.store_id), in = std::move(in)] { return create_sync(store, in); };
  co_return co_await workers_->run(std::move(work));
}
boost::asio::awaitable<domain::result<domain::customer>> sqlite_store::update(request_context rc, std::string id,
                                                                           domain::customer_patch p) {
  auto work = [this, store = std::move(rc.store_id), id = std::move(id), p = std::move(p)] {
    return update_sync(store, id, p);
  };
  co_return co_await workers_->run(std::move(work));
}
boost::asio::awaitable<domain::result<void>> sqlite_store::remove(request_context rc, std::string id) {
  auto work = [this, store = std::move(rc.store_id), id = std::move(id)] { return remove_sync(store, id); };
  co_return co_await workers_->run(std::move(work));
}
boost::asio::awaitable<domain::result<change_page>> sqlite_store::changes(request_context rc, std::string cursor, int limit) {
  auto work = [this, store = std::move(rc.store_id), cursor = std::move(cursor), limit] {
    return changes_sync(store, cursor, limit);
  };
  co_return co_await workers_->run(std::move(work));
}

}  // namespace custbridge::backends
