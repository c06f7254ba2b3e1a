#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <optional>
#include <utility>
#include <variant>

namespace custbridge::upstream {

// The one deadline helper: runs `op` raced against a timer. Returns op's result, or
// nullopt if `deadline` came first, in which case op has been cancelled (terminal
// cancellation reaches whatever it was awaiting) and has finished unwinding before
// this returns. `op` must report errors as values, not exceptions, and must not be
// started yet. Call it from a coroutine running on a strand (or a one-thread
// io_context): the race's two halves run on the caller's executor.
template <class T>
boost::asio::awaitable<std::optional<T>> with_deadline(boost::asio::awaitable<T> op, std::chrono::steady_clock::time_point deadline) {
  using namespace boost::asio::experimental::awaitable_operators;
  if (std::chrono::steady_clock::now() >= deadline) co_return std::nullopt;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, deadline);
  auto raced = co_await (std::move(op) || timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable)));
  if (raced.index() == 0) co_return std::move(std::get<0>(raced));
  co_return std::nullopt;
}

}  // namespace custbridge::upstream
