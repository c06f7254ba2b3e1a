#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "gateway/backends/platform/platform_store.hpp"

namespace custbridge::backends::bigcommerce {

// Holds the write lock of one platform customer until destroyed (or moved from).
class customer_lock {
 public:
  customer_lock() = default;
  explicit customer_lock(std::string key) : key_(std::move(key)), held_(true) {}
  customer_lock(customer_lock&& other) noexcept;
  customer_lock& operator=(customer_lock&& other) noexcept;
  customer_lock(const customer_lock&) = delete;
  customer_lock& operator=(const customer_lock&) = delete;
  ~customer_lock();

 private:
  void release();
  std::string key_;
  bool held_ = false;
};

// The lock key of a platform customer: the store's upstream base URL and the customer's
// platform id, so the V2 and V3 adapters of one BigCommerce store share it.
std::string customer_lock_key(const platform_store& store, std::uint64_t customer_pid);

// Waits, without blocking the thread, until no other holder in this process has `key`,
// then returns the lock. Waiters are served first come, first served; each resumes on
// its own coroutine's executor, so it works on a multi-threaded io_context. A key's
// entry exists only while the lock is held or awaited. Thread-safe.
//
// The wait is not bounded: each holder's platform calls are bounded by its own deadline,
// and a request whose deadline passed while it waited fails at its first platform call,
// before any write.
//
// This serialises writes within one gateway process only. Gateways on several hosts
// writing the same customer would need a lease in a shared store, which is out of scope.
boost::asio::awaitable<customer_lock> lock_customer(std::string key);

// Keys currently held or awaited (for tests: entries do not outlive their use).
std::size_t customer_locks_in_use();

}  // namespace custbridge::backends::bigcommerce
