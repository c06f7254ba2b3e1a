#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "config/gateway_config.hpp"
#include "gateway/backends/customer_backend.hpp"
#include "gateway/backends/platform/platform_store.hpp"
#include "tests/support/emulator_process.hpp"

// Platform adapters under test, built the way the gateway builds them: a
// config::store_config pointing at a cb-emulator, through the registry
// (platform_adapters()) and the factory (make_platform_backend), with the shipped
// mapping and the real upstream client.
namespace custbridge::backends::testing_stores {

// The cb-emulator platform ("nuvemshop", "bigcommerce") that serves a registered
// platform backend: its display name in lower case. Throws std::invalid_argument for a
// name the registry does not know.
std::string emulator_platform(std::string_view backend);

// Starts `cb-emulator` for `backend` with `flags`. Throws std::runtime_error if it does not start.
std::unique_ptr<custbridge::testing::emulator_process> start_emulator(std::string_view backend,
                                                                       const std::vector<std::string>& flags = {});

// The config of store `store_id` on `backend` for the emulator's store `emulator_store`:
// its base URL and access token (or `token` when given), a 10 s timeout.
config::store_config emulator_store_config(const custbridge::testing::emulator_process& emulator, std::string backend,
                                           std::string store_id, std::string token = {},
                                           std::size_t emulator_store = 0);

// Platform stores and their backends on one io_context run by `threads` threads (as
// the gateway's server threads would). The first store is the one the accessors and the
// canonical calls without an index use; add() builds more (another version of the same
// platform store, another store id). The backends and their clients are released before
// the io_context stops. Not copyable; the emulator must outlive it.
class store_fixture {
 public:
  explicit store_fixture(int threads = 1);
  // Throws std::runtime_error with the factory's message when it refuses the config.
  explicit store_fixture(config::store_config config, int threads = 1);
  store_fixture(const custbridge::testing::emulator_process& emulator, std::string backend, std::string store_id,
                std::string token = {}, std::size_t emulator_store = 0, int threads = 1);
  ~store_fixture();
  store_fixture(const store_fixture&) = delete;
  store_fixture& operator=(const store_fixture&) = delete;

  // Builds one more store on this io_context; returns its index. Throws like the constructor.
  std::size_t add(config::store_config config);

  customer_backend& backend(std::size_t i = 0) { return *stores_.at(i).backend; }
  const platform_store& store(std::size_t i = 0) const { return *stores_.at(i).store; }
  const config::store_config& config(std::size_t i = 0) const { return stores_.at(i).config; }
  boost::asio::io_context& io() { return io_; }
  // The context of one canonical request on store `i`, with the request id "test-request".
  request_context rc(std::size_t i = 0) const { return {store(i).store_id, "test-request"}; }

  // Runs `op` on the io_context and waits for its result.
  template <class T>
  T run(boost::asio::awaitable<T> op) {
    return boost::asio::co_spawn(io_, std::move(op), boost::asio::use_future).get();
  }

  // The canonical calls on the first store.
  domain::result<domain::customer_page> list(domain::list_query q);
  domain::result<domain::customer> get(const std::string& id);
  domain::result<domain::customer> create(domain::customer_create in);
  domain::result<domain::customer> update(const std::string& id, domain::customer_patch patch);
  domain::result<void> remove(const std::string& id);

 private:
  struct built_store {
    config::store_config config;
    std::shared_ptr<const platform_store> store;
    std::shared_ptr<customer_backend> backend;
  };
  void stop();

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  std::vector<std::thread> threads_;
  std::vector<built_store> stores_;
};

}  // namespace custbridge::backends::testing_stores
