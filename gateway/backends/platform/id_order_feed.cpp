#include "gateway/backends/platform/id_order_feed.hpp"

#include <algorithm>
#include <chrono>
#include <map>

#include "common/timestamp.hpp"
#include "gateway/backends/change_cursor.hpp"

namespace custbridge::backends {
namespace {

using domain::error_kind;

constexpr std::size_t max_remembered = 1000;

struct remembered {
  std::int64_t second = 0;
  std::string fingerprint;
};

struct pass_position {
  std::optional<std::int64_t> since;       // W of the current pass
  std::uint64_t after = 0;                 // the last platform id the pass walked
  std::optional<std::int64_t> pass_start;  // the next pass's W, once the pass has started
  std::map<std::uint64_t, remembered> delivered;
};

domain::result<pass_position> open_position(const std::string& cursor, std::string_view backend, const std::string& store_id) {
  pass_position p;
  if (cursor.empty()) return p;
  auto fields = open_cursor(cursor, backend, store_id, 4);
  if (!fields) return fields.error();
  const auto& f = *fields;
  if (!f[0].empty()) {
    p.since = cursor_second(f[0]);
    if (!p.since) return bad_cursor("not a second");
  }
  auto after = cursor_number(f[1]);
  if (!after) return bad_cursor("not a position");
  p.after = *after;
  if (!f[2].empty()) {
    p.pass_start = cursor_second(f[2]);
    if (!p.pass_start) return bad_cursor("not a second");
  }
  const std::int64_t base = p.since.value_or(0);
  for (auto entry : split_cursor_list(f[3], ',')) {
    auto parts = split_cursor_list(entry, ':');
    if (parts.size() != 3) return bad_cursor("malformed delivered customer");
    auto id = cursor_number(parts[0]);
    auto offset = cursor_second(parts[1]);
    if (!id || !offset || !is_fingerprint(parts[2])) return bad_cursor("malformed delivered customer");
    const remembered r{base + *offset, std::string(parts[2])};
    if (!p.delivered.emplace(*id, r).second) return bad_cursor("repeated delivered customer");
  }
  if (p.delivered.size() > max_remembered) return bad_cursor("too many delivered customers");
  return p;
}

std::string position_cursor(const pass_position& p, std::string_view backend, const std::string& store_id) {
  const std::int64_t base = p.since.value_or(0);
  std::string entries;
  for (const auto& [id, r] : p.delivered) {
    if (!entries.empty()) entries += ',';
    entries += std::to_string(id) + ":" + std::to_string(r.second - base) + ":" + r.fingerprint;
  }
  return make_cursor(backend, store_id,
                     {p.since ? std::to_string(*p.since) : "", std::to_string(p.after),
                      p.pass_start ? std::to_string(*p.pass_start) : "", entries});
}

// The next pass's W from the first answer of this pass.
std::int64_t pass_start_from(const std::string& date) {
  if (auto t = parse_rfc2822(date)) return std::chrono::floor<std::chrono::seconds>(*t).time_since_epoch().count() - 1;
  // No Date header (RFC 9110 requires one of an origin server with a clock, and the
  // platforms send it): the gateway's own clock, 5 minutes back to cover the skew
  // between the two clocks. Only more overlap to re-read, never a skip within that skew.
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return now.time_since_epoch().count() - 300;
}

}  // namespace

boost::asio::awaitable<domain::result<change_page>> id_order_changes(std::string backend, std::string store_id,
                                                                  std::string platform_name, std::string cursor,
                                                                  int limit, int max_page, id_order_fetch fetch) {
  if (auto e = check_change_limit(limit)) co_return *e;
  auto opened = open_position(cursor, backend, store_id);
  if (!opened) co_return opened.error();
  auto p = std::move(*opened);
  const auto wanted = static_cast<std::size_t>(limit);

  change_page out;
  for (;;) {
    // Remembered customers ahead of the position may be skipped: read that many more.
    const auto skippable = static_cast<std::size_t>(std::distance(p.delivered.upper_bound(p.after), p.delivered.end()));
    const int count = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(max_page), wanted - out.changes.size() + skippable));
    auto page = co_await fetch(p.since, p.after, count);
    if (!page) co_return page.error();
    if (!p.pass_start) p.pass_start = pass_start_from(page->date);

    bool stopped = false;
    for (auto& item : page->items) {
      if (item.platform_id <= p.after)
        co_return domain::make_error(error_kind::upstream_error,
                                     platform_name + " listed customers out of id order; the change feed relies on that order");
      const auto stamp = parse_iso8601(item.customer.updated_at);
      if (!stamp)
        co_return domain::make_error(error_kind::upstream_error,
                                     platform_name + " sent a customer whose update time cannot be read");
      const auto second = std::chrono::floor<std::chrono::seconds>(*stamp).time_since_epoch().count();
      const auto fingerprint = customer_fingerprint(item.customer);
      auto known = p.delivered.find(item.platform_id);
      const bool already = known != p.delivered.end() && known->second.fingerprint == fingerprint;
      if (!already && out.changes.size() == wanted) {
        stopped = true;
        break;
      }
      p.after = item.platform_id;
      // Remember what the next pass will read again (updated at or after its W).
      if (second >= *p.pass_start) {
        if (known != p.delivered.end())
          known->second = {second, fingerprint};
        else if (p.delivered.size() < max_remembered)
          p.delivered.emplace(item.platform_id, remembered{second, fingerprint});
        // else: not remembered, so the next pass delivers it again (at least once).
      } else if (known != p.delivered.end()) {
        p.delivered.erase(known);
      }
      if (!already) {
        const auto changed_at = item.customer.updated_at;
        auto id = item.customer.id;
        out.changes.push_back({std::move(id), false, std::move(item.customer), changed_at});
      }
    }
    if (stopped) {
      out.has_more = true;
      break;
    }
    if (static_cast<int>(page->items.size()) < count) {
      // The end of the list: the next pass starts where this one started.
      p.since = p.pass_start;
      p.after = 0;
      p.pass_start.reset();
      std::erase_if(p.delivered, [&](const auto& e) { return e.second.second < *p.since; });
      break;
    }
    if (out.changes.size() == wanted) {
      out.has_more = true;
      break;
    }
  }
  std::stable_sort(out.changes.begin(), out.changes.end(),
                   [](const customer_change& a, const customer_change& b) { return a.changed_at < b.changed_at; });
  out.next_cursor = position_cursor(p, backend, store_id);
  co_return out;
}

}  // namespace custbridge::backends
