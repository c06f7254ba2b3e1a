#include "gateway/backends/local/sqlite_store.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>
#include <unistd.h>

#include "gateway/state/database.hpp"

namespace custbridge::backends {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

std::string temp_db() {
  auto dir = std::filesystem::temp_directory_path() / ("cb-local-" + std::to_string(::getpid()) + "-" +
                                                       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::filesystem::create_directories(dir);
  return (dir / "state.db").string();
}

asio::awaitable<void> create_one(std::shared_ptr<sqlite_store> store, std::promise<domain::result<domain::customer>>* done) {
  domain::customer_create in;
  in.email = "waits@example.com";
  const request_context rc{"s1", "r1", std::nullopt};
  done->set_value(co_await store->create(rc, std::move(in)));
}

TEST(LocalStore, SqliteWorkWaitsOnAWorkerNotOnTheServerThread) {
  auto db = std::make_shared<state::database>(temp_db());
  auto store = std::make_shared<sqlite_store>(db);
  asio::io_context io;
  std::promise<domain::result<domain::customer>> created;
  auto result = created.get_future();

  // Hold the database as another writer would; the create must wait for it.
  std::unique_lock held(db->mutex());
  asio::co_spawn(io, create_one(store, &created), asio::detached);
  std::thread server([&io] {
    auto guard = asio::make_work_guard(io);
    io.run_for(5s);
  });
  // The server thread still runs other work while the create waits.
  std::promise<void> other;
  asio::post(io, [&other] { other.set_value(); });
  EXPECT_EQ(other.get_future().wait_for(2s), std::future_status::ready) << "the server thread is blocked on SQLite";
  EXPECT_EQ(result.wait_for(100ms), std::future_status::timeout) << "the create did not wait for the database";
  held.unlock();
  ASSERT_EQ(result.wait_for(5s), std::future_status::ready);
  auto c = result.get();
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->email, "waits@example.com");
  io.stop();
  server.join();
}

}  // namespace
}  // namespace custbridge::backends
