#pragma once

#include <boost/asio/async_result.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstddef>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

namespace custbridge::state {

// A few threads for blocking database work, so that a server (I/O) thread never waits
// on SQLite's file locks or fsync. run() moves the work to a worker and resumes the
// caller on its own executor when it is done; an exception thrown by the work is
// rethrown to the caller. Destroying the pool waits for work in hand.
class worker_pool {
 public:
  explicit worker_pool(std::size_t threads) : pool_(threads) {}
  ~worker_pool() { pool_.join(); }
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;

  // Not a coroutine itself: g++ 12 destroys a callable coroutine parameter twice.
  template <class F>
  boost::asio::awaitable<std::invoke_result_t<F&>> run(F work) {
    using result_type = std::invoke_result_t<F&>;
    return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>, void(std::exception_ptr, result_type)>(
        [this](auto handler, F w) {
          auto resume_on = boost::asio::get_associated_executor(handler);
          boost::asio::post(pool_, [handler = std::move(handler), w = std::move(w), resume_on]() mutable {
            std::exception_ptr failure;
            std::optional<result_type> out;
            try {
              out.emplace(w());
            } catch (...) {
              failure = std::current_exception();
            }
            boost::asio::post(resume_on, [handler = std::move(handler), failure, out = std::move(out)]() mutable {
              if (failure)
                std::move(handler)(failure, result_type{});
              else
                std::move(handler)(nullptr, std::move(*out));
            });
          });
        },
        boost::asio::use_awaitable, std::move(work));
  }

 private:
  boost::asio::thread_pool pool_;
};

}  // namespace custbridge::state
