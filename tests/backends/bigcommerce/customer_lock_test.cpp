// The per-customer write lock on a multi-threaded io_context: holders of one key run one
// at a time and in arrival order, other keys are not held up, waiting blocks no thread,
// and a key's entry goes once nobody holds or awaits it.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>
#include <mutex>
#include <thread>
#include <vector>

#include "gateway/backends/bigcommerce/customer_lock.hpp"

namespace custbridge::backends::bigcommerce {
namespace {

namespace asio = boost::asio;

struct trace {
  std::mutex mutex;
  std::vector<int> order;
  std::atomic<int> inside{0};
  std::atomic<int> most_inside{0};
};

asio::awaitable<void> hold(std::string key, int n, std::shared_ptr<trace> t, std::chrono::milliseconds busy) {
  auto lock = co_await lock_customer(key);
  const int now = ++t->inside;
  for (int seen = t->most_inside; now > seen && !t->most_inside.compare_exchange_weak(seen, now);) {
  }
  {
    std::lock_guard g(t->mutex);
    t->order.push_back(n);
  }
  // Suspends while holding the lock, as an update does during its platform calls.
  asio::steady_timer timer(co_await asio::this_coro::executor, busy);
  co_await timer.async_wait(asio::use_awaitable);
  --t->inside;
}

TEST(customer_lock, one_holder_at_a_time_in_arrival_order_and_no_entry_left) {
  asio::io_context io{3};
  auto t = std::make_shared<trace>();
  // The first holder takes the lock before the others arrive; they then queue in order.
  auto first = asio::co_spawn(io, hold("store#customer:1", 0, t, std::chrono::milliseconds(30)), asio::use_future);
  io.run_one();
  std::vector<std::future<void>> rest;
  for (int i = 1; i < 8; ++i)
    rest.push_back(asio::co_spawn(io, hold("store#customer:1", i, t, std::chrono::milliseconds(2)), asio::use_future));
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back([&] { io.run(); });
  first.get();
  for (auto& f : rest) f.get();
  for (auto& th : threads) th.join();
  EXPECT_EQ(t->most_inside.load(), 1);
  ASSERT_EQ(t->order.size(), 8u);
  EXPECT_EQ(t->order.front(), 0);
  EXPECT_EQ(customer_locks_in_use(), 0u);
}

TEST(customer_lock, other_customers_are_not_held_up) {
  asio::io_context io{2};
  auto slow = std::make_shared<trace>();
  auto fast = std::make_shared<trace>();
  auto a = asio::co_spawn(io, hold("store#customer:7", 0, slow, std::chrono::milliseconds(300)), asio::use_future);
  auto b = asio::co_spawn(io, hold("store#customer:8", 0, fast, std::chrono::milliseconds(1)), asio::use_future);
  std::thread th([&] { io.run(); });
  const auto started = std::chrono::steady_clock::now();
  b.get();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(200));
  a.get();
  th.join();
  EXPECT_EQ(customer_locks_in_use(), 0u);
}

TEST(customer_lock, a_moved_lock_is_released_once) {
  asio::io_context io;
  auto f = asio::co_spawn(
      io,
      []() -> asio::awaitable<void> {
        auto a = co_await lock_customer("store#customer:9");
        customer_lock b = std::move(a);
        customer_lock c;
        c = std::move(b);
        EXPECT_EQ(customer_locks_in_use(), 1u);
      },
      asio::use_future);
  io.run();
  f.get();
  EXPECT_EQ(customer_locks_in_use(), 0u);
}

}  // namespace
}  // namespace custbridge::backends::bigcommerce
