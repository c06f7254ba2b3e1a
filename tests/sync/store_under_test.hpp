#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gateway/backends/customer_backend.hpp"
#include "gateway/state/database.hpp"
#include "tests/support/emulator_process.hpp"

namespace custbridge::sync::testing {

// One io_context on its own thread: the stores of a test and the engine all run on it,
// as they do in `custbridge sync`. Destroy the stores first.
class io_thread {
 public:
  io_thread() : guard_(io_.get_executor()), thread_([this] { io_.run(); }) {}
  ~io_thread() {
    guard_.reset();
    io_.stop();
    thread_.join();
  }
  boost::asio::io_context& io() { return io_; }
  template <class T>
  T run(boost::asio::awaitable<T> op);

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::thread thread_;
};

// One store of a sync test, built as the gateway builds it: the local SQLite store on
// its own file, or make_platform_backend against its own cb-emulator process.
class store_under_test {
 public:
  store_under_test(io_thread& io, std::string backend, std::string store_id, std::vector<std::string> emulator_flags = {});
  ~store_under_test();

  const std::string& backend_name() const { return backend_name_; }
  const std::string& id() const { return store_id_; }
  std::shared_ptr<backends::customer_backend> backend() { return backend_; }
  custbridge::testing::emulator_process* emulator() { return emulator_.get(); }
  template <class T>
  T run(boost::asio::awaitable<T> op) {
    return io_.run(std::move(op));
  }

  // Fills the store: the emulator's own seeded customers (addresses, opt-ins, orders) on
  // a platform, created customers with addresses, opt-ins and metadata on a local store.
  void seed(int n);
  domain::customer create(domain::customer_create in);
  domain::customer update(const std::string& id, domain::customer_patch patch);
  void remove(const std::string& id);
  std::vector<domain::customer> all();
  // Write requests the emulator has answered (POST, PUT, DELETE on platform paths); for
  // a local store, the changes its feed holds after `local_cursor`.
  std::int64_t writes();
  void mark_writes();  // for a local store: remembers the feed's end

 private:
  std::string backend_name_;
  std::string store_id_;
  io_thread& io_;
  std::filesystem::path dir_;
  std::unique_ptr<custbridge::testing::emulator_process> emulator_;
  std::shared_ptr<backends::customer_backend> backend_;
  std::string local_cursor_;
};

// Customers for a local store: 0-3 US/BR/DE addresses, the default sometimes not the
// first, every third opted in, metadata on some, a phone on most.
std::vector<domain::customer_create> sample_customers(int n, const std::string& tag);

}  // namespace custbridge::sync::testing

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

namespace custbridge::sync::testing {

template <class T>
T io_thread::run(boost::asio::awaitable<T> op) {
  return boost::asio::co_spawn(io_, std::move(op), boost::asio::use_future).get();
}

}  // namespace custbridge::sync::testing
