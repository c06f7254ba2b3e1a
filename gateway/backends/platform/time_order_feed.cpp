#include "gateway/backends/platform/time_order_feed.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "common/timestamp.hpp"
#include "gateway/backends/change_cursor.hpp"

namespace custbridge::backends {
namespace {

using domain::error_kind;

constexpr std::size_t max_same_second = 1000;

// Every change before second `since` was delivered, and of those in `since` the
// customers (platform id -> fingerprint) as they were delivered.
struct feed_position {
  std::optional<std::int64_t> since;
  std::map<std::uint64_t, std::string> delivered;
};

domain::result<feed_position> open_position(const std::string& cursor, std::string_view backend, const std::string& store_id) {
  feed_position out;
  if (cursor.empty()) return out;
  auto fields = open_cursor(cursor, backend, store_id, 2);
  if (!fields) return fields.error();
  const auto since = (*fields)[0], ids = (*fields)[1];
  if (since.empty()) {
    if (!ids.empty()) return bad_cursor("delivered ids without a second");
    return out;
  }
  out.since = cursor_second(since);
  if (!out.since) return bad_cursor("not a second");
  for (auto entry : split_cursor_list(ids, ',')) {
    const auto colon = entry.find(':');
    if (colon == std::string_view::npos) return bad_cursor("malformed delivered id");
    auto id = cursor_number(entry.substr(0, colon));
    const auto fingerprint = entry.substr(colon + 1);
    if (!id || !is_fingerprint(fingerprint)) return bad_cursor("malformed delivered id");
    if (!out.delivered.emplace(*id, std::string(fingerprint)).second) return bad_cursor("repeated delivered id");
  }
  if (out.delivered.size() > max_same_second) return bad_cursor("too many delivered ids");
  return out;
}

std::string position_cursor(const feed_position& p, std::string_view backend, const std::string& store_id) {
  std::string ids;
  for (const auto& [id, fingerprint] : p.delivered) ids += (ids.empty() ? "" : ",") + std::to_string(id) + ":" + fingerprint;
  return make_cursor(backend, store_id, {p.since ? std::to_string(*p.since) : "", ids});
}

std::string iso_second(std::int64_t unix_seconds) {
  auto text = format_iso8601_ms(sys_millis(std::chrono::seconds(unix_seconds)));
  text.erase(text.size() - 5, 4);  // ".000"
  return text;
}

}  // namespace

boost::asio::awaitable<domain::result<change_page>> time_order_changes(std::string backend, std::string store_id,
                                                                    std::string platform_name, std::string cursor,
                                                                    int limit, int max_page, time_order_fetch fetch) {
  if (auto e = check_change_limit(limit)) co_return *e;
  auto position = open_position(cursor, backend, store_id);
  if (!position) co_return position.error();
  auto at = std::move(*position);
  const auto start = at.since;
  const auto wanted = static_cast<std::size_t>(limit);
  const auto skippable = start ? at.delivered.size() : 0;
  const int per_page = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(max_page), wanted + skippable));

  change_page out;
  for (int page = 1;; ++page) {
    auto fetched = co_await fetch(start, page, per_page);
    if (!fetched) co_return fetched.error();
    auto& items = fetched->items;
    bool full = false;
    for (auto& item : items) {
      const auto stamp = parse_iso8601(item.customer.updated_at);
      if (!stamp)
        co_return domain::make_error(error_kind::upstream_error,
                                     platform_name + " sent a customer whose update time cannot be read");
      const auto second = std::chrono::floor<std::chrono::seconds>(*stamp).time_since_epoch().count();
      const auto fingerprint = customer_fingerprint(item.customer);
      if (start && second <= *start) {
        auto d = at.delivered.find(item.platform_id);
        if (d != at.delivered.end() && d->second == fingerprint) continue;
      }
      if (out.changes.size() == wanted) {
        full = true;
        break;
      }
      if (at.since && second < *at.since) {
        // Older than the feed's second (a platform clock step): delivered, nothing to remember.
      } else if (at.since && second == *at.since) {
        if (!at.delivered.contains(item.platform_id) && at.delivered.size() >= max_same_second) {
          if (!out.changes.empty()) {
            full = true;
            break;
          }
          co_return domain::make_error(
              error_kind::upstream_error,
              "more than " + std::to_string(max_same_second) + " customers of this " + platform_name +
                  " store share the update time " + iso_second(second) +
                  "; the change feed cannot page past them without skipping some; read the store with list()");
        }
        at.delivered[item.platform_id] = fingerprint;
      } else {
        at.since = second;
        at.delivered = {{item.platform_id, fingerprint}};
      }
      auto id = item.customer.id;
      const auto changed_at = item.customer.updated_at;
      out.changes.push_back({std::move(id), false, std::move(item.customer), changed_at});
    }
    if (full) {
      out.has_more = true;
      break;
    }
    if (static_cast<int>(items.size()) < per_page) break;
    if (out.changes.size() == wanted) {
      out.has_more = fetched->total > static_cast<std::int64_t>(page) * per_page;
      break;
    }
  }
  std::stable_sort(out.changes.begin(), out.changes.end(),
                   [](const customer_change& a, const customer_change& b) { return a.changed_at < b.changed_at; });
  out.next_cursor = position_cursor(at, backend, store_id);
  co_return out;
}

}  // namespace custbridge::backends
