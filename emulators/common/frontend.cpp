#include "emulators/common/frontend.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "emulators/common/dates.hpp"
#include "emulators/common/query.hpp"

namespace custbridge::emulators {
namespace {

http::response admin_json(int status, std::string body) {
  http::response r;
  r.status = status;
  r.set("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

http::response admin_error(int status, std::string_view message) {
  std::string body = R"({"error":")";
  for (char c : message) {
    if (c == '"' || c == '\\') body.push_back('\\');
    body.push_back(c);
  }
  body += "\"}";
  return admin_json(status, std::move(body));
}

// Origin servers with a clock send Date on every response (RFC 9110 §6.6.1). It is taken
// once the content exists, from the clock that stamps customers, as the platforms'
// clients (the gateway's change feeds) read it as "the platform's time now".
http::response dated(http::response r) {
  r.set("Date", format_http_date(now_seconds()));
  return r;
}

}  // namespace

boost::asio::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  if (d.count() <= 0) co_return;
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor);
  timer.expires_after(d);
  co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

frontend::frontend(std::shared_ptr<platform> p, fault_config faults) : platform_(std::move(p)), faults_(std::move(faults)) {}

http::response frontend::admin(const http::request& req) {
  const auto what = req.path().substr(admin_prefix.size());
  const auto q = query_params::parse(req.query());
  if (what == "health" && req.method == "GET") return admin_json(200, R"({"status":"ok"})");
  if (what == "reset" && req.method == "POST") {
    platform_->reset();
    counters_.clear();
    journal_.clear();
    return admin_json(200, R"({"reset":true})");
  }
  if (what == "seed" && req.method == "POST") {
    auto n = parse_int(q.get("customers").value_or("100"));
    auto s = parse_int(q.get("seed").value_or("1"));
    if (!n || *n < 0 || *n > 1'000'000 || !s || *s < 0) return admin_error(400, "customers must be 0..1000000 and seed >= 0");
    platform_->seed(static_cast<std::size_t>(*n), static_cast<std::uint64_t>(*s));
    counters_.clear();
    return admin_json(200, R"({"seeded":)" + std::to_string(*n) + "}");
  }
  if (what == "dump" && req.method == "GET") return admin_json(200, platform_->dump_json());
  if (what == "stats" && req.method == "GET") return admin_json(200, counters_.json());
  if (what == "requests" && req.method == "GET") return admin_json(200, journal_.json());
  if (what == "webhooks" && req.method == "GET") return admin_json(200, platform_->webhook_log_json());
  if (what == "faults") {
    if (req.method == "GET") return admin_json(200, fault_json(faults_.config()));
    if (req.method == "PUT" || req.method == "POST") {
      auto c = faults_.config();
      if (auto err = merge_fault_json(req.body, c)) return admin_error(400, *err);
      faults_.configure(c);
      return admin_json(200, fault_json(c));
    }
    if (req.method == "DELETE") {
      faults_.configure({});
      return admin_json(200, fault_json({}));
    }
  }
  return admin_error(404, "unknown admin endpoint");
}

boost::asio::awaitable<http::response> serve(std::shared_ptr<frontend> fe, http::request req) {
  if (req.path().starts_with(admin_prefix)) co_return dated(fe->admin(req));

  auto& p = *fe->platform_;
  const auto route = p.route_label(req);
  std::string method = req.method, target = req.target, request_id(req.header("x-request-id"));
  auto plan = fe->faults_.next();
  if (auto status = fe->faults_.targeted(method, target)) {
    plan.rate_limited = false;
    plan.error_status = status;
  }
  http::response res;
  if (plan.rate_limited || plan.error_status) {
    co_await sleep_for(plan.delay);
    res = p.injected_error(plan.rate_limited ? 429 : *plan.error_status, req);
  } else {
    res = co_await p.handle(std::move(req), plan.delay);
  }
  if (plan.body == body_fault::reset) {
    res.reset_after_body_bytes = res.body.size() / 2;
  } else if (plan.body == body_fault::trickle) {
    res.trickle_chunk = 16;
    res.trickle_interval = fe->faults_.config().trickle_interval;
  } else if (plan.body != body_fault::none) {
    res.body = damage_body(std::move(res.body), plan.body);
  }
  fe->counters_.add(route, res.status);
  fe->journal_.add(std::move(method), std::move(target), res.status, std::move(request_id));
  co_return dated(std::move(res));
}

http::handler make_handler(std::shared_ptr<frontend> fe) {
  http::handler h;
  // Plain (non-coroutine) lambdas that call the coroutine function: g++ 12 mishandles
  // coroutine lambdas with captures.
  h.handle = [fe](http::request req) { return serve(fe, std::move(req)); };
  h.on_error = [fe](int status, std::string_view msg) { return dated(fe->target().server_rejection(status, msg)); };
  return h;
}

}  // namespace custbridge::emulators
