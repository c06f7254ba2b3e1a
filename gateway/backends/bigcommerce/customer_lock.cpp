#include "gateway/backends/bigcommerce/customer_lock.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace custbridge::backends::bigcommerce {
namespace {

namespace asio = boost::asio;

// A key is in `held` while someone holds it; its deque holds the wake-ups of waiters.
struct lock_table {
  std::mutex mutex;
  std::unordered_map<std::string, std::deque<std::function<void()>>> held;
};

// Never destroyed: waiters of io_contexts still alive at exit must not see it go.
lock_table& table() {
  static auto* t = new lock_table;
  return *t;
}

template <class Token>
auto async_acquire(std::string key, Token&& token) {
  return asio::async_initiate<Token, void()>(
      [](auto handler, std::string k) {
        auto ex = asio::get_associated_executor(handler);
        auto& t = table();
        std::unique_lock lock(t.mutex);
        auto [it, fresh] = t.held.try_emplace(std::move(k));
        if (fresh) {
          lock.unlock();
          asio::post(ex, std::move(handler));
          return;
        }
        auto h = std::make_shared<decltype(handler)>(std::move(handler));
        it->second.push_back([ex, h] { asio::post(ex, [h]() mutable { std::move (*h)(); }); });
      },
      token, std::move(key));
}

}  // namespace

customer_lock::customer_lock(customer_lock&& other) noexcept : key_(std::move(other.key_)), held_(other.held_) {
  other.held_ = false;
}

customer_lock& customer_lock::operator=(customer_lock&& other) noexcept {
  if (this != &other) {
    release();
    key_ = std::move(other.key_);
    held_ = other.held_;
    other.held_ = false;
  }
  return *this;
}

customer_lock::~customer_lock() { release(); }

void customer_lock::release() {
  if (!held_) return;
  held_ = false;
  std::function<void()> wake;
  {
    auto& t = table();
    std::lock_guard lock(t.mutex);
    auto it = t.held.find(key_);
    if (it == t.held.end()) return;
    if (it->second.empty()) {
      t.held.erase(it);
    } else {
      // The lock passes straight to the first waiter: the key stays held.
      wake = std::move(it->second.front());
      it->second.pop_front();
    }
  }
  if (wake) wake();
}

std::string customer_lock_key(const platform_store& store, std::uint64_t customer_pid) {
  const auto& base = store.client->target();
  return base.origin() + base.prefix + "#customer:" + std::to_string(customer_pid);
}

boost::asio::awaitable<customer_lock> lock_customer(std::string key) {
  co_await async_acquire(key, asio::use_awaitable);
  co_return customer_lock(std::move(key));
}

std::size_t customer_locks_in_use() {
  auto& t = table();
  std::lock_guard lock(t.mutex);
  return t.held.size();
}

}  // namespace custbridge::backends::bigcommerce
