// time_order_changes against an in-memory list sorted by update time, whose ties come in
// an order of its own (descending id), with no real time spent.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <map>
#include <set>
#include <string>

#include "common/timestamp.hpp"
#include "gateway/backends/platform/time_order_feed.hpp"

namespace custbridge::backends {
namespace {

struct fake_list {
  std::map<std::uint64_t, std::pair<std::int64_t, std::string>> customers;  // id -> (second, name)
  std::int64_t now = 1'700'000'000;

  void edit(std::uint64_t id, std::string name) { customers[id] = {now, std::move(name)}; }
};

boost::asio::awaitable<domain::result<time_order_page>> read_list(fake_list* list, std::optional<std::int64_t> since,
                                                               int page, int per_page) {
  std::vector<std::pair<std::int64_t, std::uint64_t>> order;  // (second, id)
  for (const auto& [id, c] : list->customers)
    if (!since || c.first >= *since) order.emplace_back(c.first, id);
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second > b.second;
  });
  time_order_page out;
  out.total = static_cast<std::int64_t>(order.size());
  for (std::size_t i = static_cast<std::size_t>((page - 1) * per_page); i < order.size() && out.items.size() < static_cast<std::size_t>(per_page); ++i) {
    const auto [second, id] = order[i];
    domain::customer c;
    c.id = "c" + std::to_string(id);
    c.email = c.id + "@example.com";
    c.name = list->customers[id].second;
    c.created_at = c.updated_at = format_iso8601_ms(sys_millis(std::chrono::seconds(second)));
    out.items.push_back({id, std::move(c)});
  }
  co_return out;
}

struct feed {
  fake_list& list;
  std::string cursor;
  std::multimap<std::string, std::string> seen;  // id -> name
  std::string last_changed_at;

  domain::result<change_page> read(int limit) {
    boost::asio::io_context io;
    auto fetch = [l = &list](std::optional<std::int64_t> since, int page, int per_page) {
      return read_list(l, since, page, per_page);
    };
    auto f = boost::asio::co_spawn(io, time_order_changes("bigcommerce_v3", "store", "Fake", cursor, limit, 250, fetch),
                                   boost::asio::use_future);
    io.run();
    auto page = f.get();
    if (page) {
      cursor = page->next_cursor;
      for (const auto& c : page->changes) {
        EXPECT_GE(c.changed_at, last_changed_at) << "changed_at went back";
        last_changed_at = c.changed_at;
        seen.emplace(c.id, c.customer->name.value_or(""));
      }
    }
    return page;
  }
  std::size_t drain(int limit) {
    std::size_t n = 0;
    for (int i = 0; i < 10'000; ++i) {
      auto page = read(limit);
      if (!page) throw std::runtime_error(page.error().message);
      n += page->changes.size();
      if (!page->has_more) return n;
    }
    throw std::runtime_error("the feed never caught up");
  }
};

TEST(TimeOrderFeed, EditsWithinOneSecondInterleavedWithReadsAreEachDeliveredOnce) {
  fake_list list;
  for (std::uint64_t id = 1; id <= 5; ++id) list.edit(id, "v1");
  feed f{list, "", {}, ""};
  EXPECT_EQ(f.drain(2), 5u);
  f.seen.clear();
  list.now += 5;
  list.edit(2, "v2");
  list.edit(4, "v2");
  auto first = f.read(1);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->changes.size(), 1u);
  EXPECT_EQ(first->changes[0].id, "c4");  // ties come highest id first here
  list.edit(4, "v3");  // the same second, after its delivery
  list.edit(1, "v2");
  EXPECT_EQ(f.drain(1), 3u);
  EXPECT_EQ(f.seen.count("c4"), 2u);
  EXPECT_EQ(std::prev(f.seen.upper_bound("c4"))->second, "v3");
  EXPECT_EQ(f.seen.count("c2"), 1u);
  EXPECT_EQ(f.seen.count("c1"), 1u);
  EXPECT_EQ(f.seen.count("c3"), 0u);
  EXPECT_EQ(f.seen.count("c5"), 0u);
  EXPECT_EQ(f.drain(1), 0u);
}

TEST(TimeOrderFeed, MoreCustomersInOneSecondThanAPageHoldsAreReadOverPages) {
  fake_list list;
  for (std::uint64_t id = 1; id <= 300; ++id) list.edit(id, "v1");
  feed f{list, "", {}, ""};
  EXPECT_EQ(f.drain(10), 300u);
  std::set<std::string> ids;
  for (const auto& [id, name] : f.seen) ids.insert(id);
  EXPECT_EQ(ids.size(), 300u);
  EXPECT_EQ(f.drain(10), 0u);
}

TEST(TimeOrderFeed, PastAThousandCustomersInOneSecondItStopsWithAnErrorRatherThanSkip) {
  fake_list list;
  for (std::uint64_t id = 1; id <= 1005; ++id) list.edit(id, "v1");
  feed f{list, "", {}, ""};
  std::size_t delivered = 0;
  std::optional<domain::error> failure;
  for (int i = 0; i < 100 && !failure; ++i) {
    auto page = f.read(250);
    if (!page) {
      failure = page.error();
    } else {
      delivered += page->changes.size();
      if (!page->has_more) break;
    }
  }
  ASSERT_TRUE(failure) << "delivered " << delivered;
  EXPECT_EQ(failure->kind, domain::error_kind::upstream_error);
  EXPECT_THAT(failure->message, ::testing::HasSubstr("more than 1000"));
  EXPECT_EQ(delivered, 1000u);
  EXPECT_EQ(f.seen.size(), 1000u) << "none twice";
}

TEST(TimeOrderFeed, ACustomerEditedLaterComesBackAfterTheOthers) {
  fake_list list;
  for (std::uint64_t id = 1; id <= 3; ++id) list.edit(id, "v1");
  feed f{list, "", {}, ""};
  f.drain(10);
  list.now += 1;
  list.edit(1, "v2");
  list.now += 1;
  list.edit(3, "v2");
  f.seen.clear();
  EXPECT_EQ(f.drain(1), 2u);
  EXPECT_EQ(f.seen.count("c1"), 1u);
  EXPECT_EQ(f.seen.count("c3"), 1u);
}

}  // namespace
}  // namespace custbridge::backends
