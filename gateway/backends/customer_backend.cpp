#include "gateway/backends/customer_backend.hpp"

#include <algorithm>

namespace custbridge::backends {

boost::asio::awaitable<domain::result<change_page>> customer_backend::changes(request_context, std::string, int) {
  co_return domain::make_error(domain::error_kind::bad_request, "this store has no change feed: " + capabilities().change_feed.reason);
}

boost::asio::awaitable<domain::result<std::vector<std::optional<domain::customer>>>> customer_backend::get_many(
    request_context rc, std::vector<std::string> ids) {
  std::vector<std::optional<domain::customer>> out;
  out.reserve(ids.size());
  for (auto& id : ids) {
    auto c = co_await get(rc, std::move(id));
    if (c) {
      out.emplace_back(std::move(*c));
    } else if (c.error().kind == domain::error_kind::not_found) {
      out.emplace_back(std::nullopt);
    } else {
      co_return c.error();
    }
  }
  co_return out;
}

boost::asio::awaitable<domain::result<std::vector<domain::result<domain::customer>>>> customer_backend::create_many(
    request_context rc, std::vector<domain::customer_create> inputs) {
  const auto max = capabilities().max_batch_size;
  if (static_cast<int>(inputs.size()) > std::max(max, 1))
    co_return domain::make_error(domain::error_kind::bad_request,
                                 "a batch holds at most " + std::to_string(std::max(max, 1)) + " customers on this store");
  std::vector<domain::result<domain::customer>> out;
  out.reserve(inputs.size());
  for (auto& in : inputs) out.push_back(co_await create(rc, std::move(in)));
  co_return out;
}

}  // namespace custbridge::backends
