#include "gateway/upstream/client.hpp"

#include <strings.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <charconv>
#include <exception>
#include <random>

namespace custbridge::upstream {
namespace {

namespace asio = boost::asio;
using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool has_header(const http::header_list& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return same_name(h.first, name); });
}

bool idempotent_method(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "PUT" || method == "DELETE";
}

std::optional<milliseconds> retry_after_header(const http::header_list& headers) {
  for (const auto& [name, value] : headers) {
    if (name != "retry-after") continue;
    std::int64_t seconds = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec == std::errc() && ptr == value.data() + value.size() && seconds >= 0) return milliseconds(seconds * 1000);
  }
  return std::nullopt;
}

asio::awaitable<void> sleep_until(clock::time_point t) {
  if (t <= clock::now()) co_return;
  asio::steady_timer timer(co_await asio::this_coro::executor, t);
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
}

}  // namespace

struct client::impl {
  impl(asio::any_io_executor ex, client_options o, std::shared_ptr<upstream::transport> t)
      : executor(std::move(ex)),
        options(std::move(o)),
        transport(std::move(t)),
        retry_delay(options.backoff, options.random_seed ? *options.random_seed : std::random_device{}()),
        breaker(options.breaker),
        limiter(options.rate_limit) {}

  asio::any_io_executor executor;
  client_options options;
  std::shared_ptr<upstream::transport> transport;
  upstream::backoff retry_delay;
  circuit_breaker breaker;
  rate_limiter limiter;

  std::atomic<std::uint64_t> requests{0}, attempts{0}, retries{0}, too_many_requests{0};
  std::array<std::atomic<std::uint64_t>, 6> responses_by_class{};
  std::array<std::atomic<std::uint64_t>, failure_kind_count> failures{};
  std::array<std::atomic<std::uint64_t>, latency_bucket_ms.size() + 1> latency{};
  std::atomic<std::uint64_t> latency_sum_us{0};

  void finished(const outcome& o, clock::time_point started) {
    ++requests;
    if (!o) ++failures[static_cast<std::size_t>(o.error().kind)];
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - started).count();
    latency_sum_us += static_cast<std::uint64_t>(std::max<std::int64_t>(0, us));
    std::size_t bucket = 0;
    while (bucket < latency_bucket_ms.size() && us > latency_bucket_ms[bucket] * 1000) ++bucket;
    ++latency[bucket];
  }

  http::header_list headers_for(const upstream_request& req) const {
    http::header_list out;
    out.reserve(options.default_headers.size() + req.headers.size() + 1);
    for (const auto& h : options.default_headers)
      if (!has_header(req.headers, h.first)) out.push_back(h);
    out.insert(out.end(), req.headers.begin(), req.headers.end());
    if (!req.request_id.empty() && !has_header(out, options.request_id_header))
      out.emplace_back(options.request_id_header, req.request_id);
    return out;
  }
};

namespace {

upstream_failure failure_of(const exchange_result& r, const base_url& base, int attempts, bool deadline_passed) {
  upstream_failure f;
  f.attempts = attempts;
  f.message = r.message;
  switch (r.err) {
    case exchange_result::error::connect:
      f.kind = r.timed_out && deadline_passed ? failure_kind::timeout : failure_kind::connect;
      break;
    case exchange_result::error::tls:
      if (r.timed_out && deadline_passed)
        f.kind = failure_kind::timeout;
      else
        f.kind = r.verify_failed ? failure_kind::certificate_rejected : failure_kind::tls;
      break;
    case exchange_result::error::network:
    case exchange_result::error::none:
      f.kind = r.timed_out ? failure_kind::timeout : failure_kind::network;
      break;
  }
  if (f.message.empty()) f.message = "request to " + base.origin() + " failed";
  return f;
}

asio::awaitable<client::outcome> run_request(std::shared_ptr<client::impl> self, base_url base, upstream_request req,
                                             clock::time_point deadline) {
  auto& o = self->options;
  const auto started = clock::now();
  deadline = std::min(deadline, started + o.request_timeout);
  const bool idempotent = req.idempotent.value_or(idempotent_method(req.method));
  std::string target = base.prefix;
  if (req.target.empty() || (req.target.front() != '/' && req.target.front() != '?')) target += '/';
  target += req.target;
  const wire_request wire{req.method, std::move(target), self->headers_for(req), std::move(req.body)};
  const int max_attempts = std::max(1, o.max_attempts);

  std::optional<client::outcome> last;  // the latest retryable result, returned if we must stop
  int attempt = 0;
  for (;;) {
    auto now = clock::now();
    const auto admission = self->breaker.admit(now);
    if (!admission.allowed) {
      if (last) co_return std::move(*last);
      co_return upstream_failure{failure_kind::circuit_open, "circuit breaker for " + base.origin() + " is open after repeated failures",
                                 admission.retry_after, attempt};
    }
    const auto slot = self->limiter.acquire(now, deadline);
    if (slot > deadline) {
      co_return upstream_failure{failure_kind::rate_limited, "the platform's rate limit leaves no room before the deadline",
                                 std::chrono::ceil<milliseconds>(slot - now), attempt};
    }
    co_await sleep_until(slot);

    ++attempt;
    ++self->attempts;
    const auto attempt_deadline = o.attempt_timeout > milliseconds::zero() ? std::min(deadline, clock::now() + o.attempt_timeout) : deadline;
    auto r = co_await self->transport->exchange(base, wire, attempt_deadline, o.connect_timeout);
    now = clock::now();

    if (r.err == exchange_result::error::none) {
      const int cls = r.status / 100;
      ++self->responses_by_class[cls >= 1 && cls <= 5 ? static_cast<std::size_t>(cls) : 0];
      upstream_response res{r.status, std::move(r.headers), std::move(r.body), attempt, std::nullopt};
      if (r.status >= 500)
        self->breaker.record_failure(now);
      else
        self->breaker.record_success();  // the platform is up, a 429 included

      if (r.status == 429) {
        ++self->too_many_requests;
        const auto reset = self->limiter.on_too_many_requests(res.headers, now);
        // Without rate-limit headers a 429 means platform overload: back off instead.
        const auto wait = reset ? *reset : self->retry_delay.delay(attempt);
        res.retry_after = wait;
        if (!(idempotent || o.retry_non_idempotent_on_429) || attempt >= max_attempts) co_return res;
        if (now + wait > deadline)
          co_return upstream_failure{failure_kind::rate_limited,
                                     "rate limited by the platform; its reset in " + std::to_string(wait.count()) + " ms is past the deadline",
                                     wait, attempt};
        ++self->retries;
        last = std::move(res);
        co_await sleep_until(now + wait);
        continue;
      }
      self->limiter.observe(res.headers, now);
      // A 500 is retried too: platforms answer transient faults with it, and only idempotent calls are repeated.
      const bool retryable_status = r.status == 500 || r.status == 502 || r.status == 503 || r.status == 504;
      if (retryable_status) res.retry_after = retry_after_header(res.headers);
      if (retryable_status && idempotent && attempt < max_attempts) {
        const auto wait = std::max(self->retry_delay.delay(attempt), res.retry_after.value_or(milliseconds::zero()));
        if (now + wait < deadline) {
          ++self->retries;
          last = std::move(res);
          co_await sleep_until(now + wait);
          continue;
        }
      }
      co_return res;
    }

    self->breaker.record_failure(now);
    const bool deadline_passed = now >= deadline;
    auto failure = failure_of(r, base, attempt, deadline_passed);
    // Nothing was sent: safe for any method. Sent: only if repeating it is harmless.
    // A rejected certificate will be rejected again.
    const bool retryable = attempt < max_attempts && !deadline_passed && !r.verify_failed && (!r.sent || idempotent);
    if (retryable) {
      const auto wait = self->retry_delay.delay(attempt);
      if (now + wait < deadline) {
        ++self->retries;
        last = failure;
        co_await sleep_until(now + wait);
        continue;
      }
    }
    co_return failure;
  }
}

// Catches what should never escape (e.g. std::bad_alloc) so send() keeps its contract.
asio::awaitable<client::outcome> run_guarded(std::shared_ptr<client::impl> self, base_url base, upstream_request req,
                                             clock::time_point deadline) {
  const auto started = clock::now();
  std::optional<client::outcome> out;
  try {
    out.emplace(co_await run_request(self, base, std::move(req), deadline));
  } catch (const std::exception& e) {
    out.emplace(upstream_failure{failure_kind::network, std::string("internal error in the upstream client: ") + e.what(), std::nullopt, 0});
  }
  self->finished(*out, started);
  co_return std::move(*out);
}

}  // namespace

boost::system::result<std::shared_ptr<client>, std::string> client::create(asio::any_io_executor executor, client_options options,
                                                                            std::shared_ptr<upstream::transport> shared) {
  auto base = parse_base_url(options.base_url);
  if (!base) return base.error();
  if (options.request_timeout <= milliseconds::zero()) return std::string("request_timeout must be positive");
  if (options.connect_timeout <= milliseconds::zero()) return std::string("connect_timeout must be positive");
  if (!shared) {
    auto t = transport::create(executor, options.transport);
    if (!t) return t.error();
    shared = *t;
  }
  auto i = std::make_shared<impl>(std::move(executor), std::move(options), std::move(shared));
  return std::shared_ptr<client>(new client(std::move(*base), std::move(i)));
}

client::client(base_url base, std::shared_ptr<impl> i) : base_(std::move(base)), impl_(std::move(i)) {}
client::~client() = default;

asio::awaitable<client::outcome> client::send(upstream_request request, clock::time_point deadline) {
  // Each call gets its own strand: the deadline races inside the transport need one.
  auto strand = asio::make_strand(impl_->executor);
  co_return co_await asio::co_spawn(strand, run_guarded(impl_, base_, std::move(request), deadline), asio::use_awaitable);
}

asio::awaitable<client::outcome> client::send(upstream_request request) {
  co_return co_await send(std::move(request), clock::now() + impl_->options.request_timeout);
}

breaker_state client::breaker() const { return impl_->breaker.state(clock::now()); }

metrics_snapshot client::metrics() const {
  const auto& i = *impl_;
  metrics_snapshot s;
  s.requests = i.requests;
  s.attempts = i.attempts;
  s.retries = i.retries;
  s.too_many_requests = i.too_many_requests;
  for (std::size_t k = 0; k < s.responses_by_class.size(); ++k) s.responses_by_class[k] = i.responses_by_class[k];
  for (std::size_t k = 0; k < s.failures.size(); ++k) s.failures[k] = i.failures[k];
  std::uint64_t cumulative = 0;
  for (std::size_t k = 0; k < s.latency_buckets.size(); ++k) s.latency_buckets[k] = cumulative += i.latency[k];
  s.latency_sum_seconds = static_cast<double>(i.latency_sum_us.load()) / 1e6;
  s.breaker = i.breaker.state(clock::now());
  s.breaker_opened = i.breaker.times_opened();
  const auto rl = i.limiter.current();
  s.rate_limit_remaining = rl.remaining.value_or(-1);
  s.pacing_interval_ms = rl.pacing_interval.count();
  s.pool = i.transport->pool(base_);
  return s;
}

}  // namespace custbridge::upstream
