// id_order_changes against an in-memory list with its own clock: the pass rules, the
// Date fallback, the remembered-set cap and a list out of order, with no real time spent.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <map>
#include <string>

#include "common/timestamp.hpp"
#include "gateway/backends/platform/id_order_feed.hpp"

namespace custbridge::backends {
namespace {

// A platform list: customers by id with their update second, and the platform's clock.
struct fake_list {
  std::map<std::uint64_t, std::pair<std::int64_t, std::string>> customers;  // id -> (second, name)
  std::int64_t now = 1'700'000'000;
  bool send_date = true;
  bool reversed = false;
  int tick = 0;  // seconds the clock moves on after each read
  std::string date;  // sent instead of the clock's time when set
  int reads = 0;

  void edit(std::uint64_t id, std::string name) { customers[id] = {now, std::move(name)}; }
};

domain::customer customer_of(std::uint64_t id, std::int64_t second, const std::string& name) {
  domain::customer c;
  c.id = "c" + std::to_string(id);
  c.email = c.id + "@example.com";
  c.name = name;
  c.created_at = c.updated_at = format_iso8601_ms(sys_millis(std::chrono::seconds(second)));
  return c;
}

boost::asio::awaitable<domain::result<id_order_page>> read_list(fake_list* list, std::optional<std::int64_t> since,
                                                             std::uint64_t after, int count) {
  ++list->reads;
  id_order_page out;
  for (auto it = list->customers.upper_bound(after); it != list->customers.end() && static_cast<int>(out.items.size()) < count; ++it)
    if (!since || it->second.first >= *since) out.items.push_back({it->first, customer_of(it->first, it->second.first, it->second.second)});
  if (list->reversed) std::reverse(out.items.begin(), out.items.end());
  if (list->send_date) out.date = list->date.empty() ? format_rfc2822(sys_millis(std::chrono::seconds(list->now))) : list->date;
  list->now += list->tick;
  co_return out;
}

struct feed {
  fake_list& list;
  std::string cursor;
  std::multimap<std::string, std::string> seen;  // id -> name

  domain::result<change_page> read(int limit) {
    boost::asio::io_context io;
    auto fetch = [l = &list](std::optional<std::int64_t> since, std::uint64_t after, int count) {
      return read_list(l, since, after, count);
    };
    auto f = boost::asio::co_spawn(io, id_order_changes("nuvemshop", "store", "Fake", cursor, limit, 200, fetch),
                                   boost::asio::use_future);
    io.run();
    auto page = f.get();
    if (page) {
      cursor = page->next_cursor;
      for (const auto& c : page->changes) seen.emplace(c.id, c.customer->name.value_or(""));
    }
    return page;
  }
  std::size_t drain(int limit) {
    std::size_t n = 0;
    for (int i = 0; i < 10'000; ++i) {
      auto page = read(limit);
      if (!page) throw std::runtime_error(page.error().message);
      n += page->changes.size();
      if (page->changes.empty() && !page->has_more) return n;
    }
    throw std::runtime_error("the feed never caught up");
  }
  // The W the cursor holds (its fourth dot-separated part), for the clock tests.
  std::string since() const {
    std::vector<std::string> parts;
    std::string part;
    for (char c : cursor) {
      if (c == '.') {
        parts.push_back(part);
        part.clear();
      } else {
        part += c;
      }
    }
    return parts.size() > 3 ? parts[3] : "";
  }
};

TEST(IdOrderFeed, TheNextPassStartsWhereTheLastOneStartedNotAtTheLatestChange) {
  fake_list list;
  for (std::uint64_t id = 1; id <= 6; ++id) list.edit(id, "v1");
  feed f{list, "", {}};
  EXPECT_EQ(f.drain(10), 6u);

  list.now += 10;
  list.edit(4, "v2");
  list.edit(5, "v2");
  f.seen.clear();
  ASSERT_TRUE(f.read(1));  // the pass is past id 4
  list.now += 1;
  list.edit(1, "v2");  // behind the pass
  list.now += 1;
  list.edit(6, "v2");  // ahead of it, later than the edit of id 1
  EXPECT_EQ(f.drain(1), 3u);
  EXPECT_EQ(f.seen.count("c1"), 1u);
  EXPECT_EQ(f.seen.count("c4"), 1u);
  EXPECT_EQ(f.seen.count("c5"), 1u);
  EXPECT_EQ(f.seen.count("c6"), 1u);
}

TEST(IdOrderFeed, TheNextPassStartsOneSecondBeforeTheFirstAnswersDate) {
  fake_list list;
  list.edit(1, "v1");
  feed f{list, "", {}};
  f.drain(10);
  EXPECT_EQ(f.since(), std::to_string(list.now - 1));
}

TEST(IdOrderFeed, AnImfFixdateIsRead) {
  fake_list list;
  list.date = "Sun, 06 Nov 1994 08:49:37 GMT";
  list.now = 784111777;
  list.edit(1, "v1");
  feed f{list, "", {}};
  f.drain(10);
  EXPECT_EQ(f.since(), "784111776");
}

TEST(IdOrderFeed, WithoutADateHeaderTheGatewayClockLessFiveMinutesIsUsed) {
  fake_list list;
  list.send_date = false;
  list.now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()).time_since_epoch().count();
  list.edit(1, "v1");
  feed f{list, "", {}};
  f.drain(10);
  const auto w = std::stoll(f.since());
  EXPECT_GE(w, list.now - 300 - 2);
  EXPECT_LE(w, list.now - 300 + 2);
  EXPECT_EQ(f.drain(10), 0u) << "re-reading the overlap delivers nothing twice";
}

TEST(IdOrderFeed, PastAThousandChangesInAPassTheRestAreDeliveredAgainNeverSkipped) {
  fake_list list;
  for (std::uint64_t id = 1; id <= 1100; ++id) list.edit(id, "v1");
  list.tick = 1;
  feed f{list, "", {}};
  // All 1100 changed at or after the pass's start; 1000 are remembered, so the next pass
  // (which re-reads them) skips those and delivers the other 100 again.
  EXPECT_EQ(f.drain(250), 1100u + 100u);
  for (std::uint64_t id = 1; id <= 1100; ++id) EXPECT_GE(f.seen.count("c" + std::to_string(id)), 1u);
  EXPECT_LT(f.cursor.size(), 40'000u);
  EXPECT_EQ(f.drain(250), 0u);
}

TEST(IdOrderFeed, AListOutOfIdOrderIsAnUpstreamError) {
  fake_list list;
  for (std::uint64_t id = 1; id <= 3; ++id) list.edit(id, "v1");
  list.reversed = true;
  feed f{list, "", {}};
  auto page = f.read(10);
  ASSERT_FALSE(page);
  EXPECT_EQ(page.error().kind, domain::error_kind::upstream_error);
  EXPECT_THAT(page.error().message, ::testing::HasSubstr("id order"));
}

TEST(IdOrderFeed, AnEditWithinTheSecondOfItsDeliveryIsDeliveredAgain) {
  fake_list list;
  for (std::uint64_t id = 1; id <= 3; ++id) list.edit(id, "v1");
  feed f{list, "", {}};
  f.drain(2);
  list.edit(2, "v2");  // the same second as its first delivery
  f.seen.clear();
  EXPECT_EQ(f.drain(2), 1u);
  EXPECT_EQ(f.seen.count("c2"), 1u);
  EXPECT_EQ(f.seen.find("c2")->second, "v2");
}

}  // namespace
}  // namespace custbridge::backends
