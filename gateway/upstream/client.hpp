#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "gateway/http/message.hpp"
#include "gateway/upstream/backoff.hpp"
#include "gateway/upstream/base_url.hpp"
#include "gateway/upstream/circuit_breaker.hpp"
#include "gateway/upstream/message.hpp"
#include "gateway/upstream/metrics.hpp"
#include "gateway/upstream/rate_limiter.hpp"
#include "gateway/upstream/transport.hpp"

namespace custbridge::upstream {

struct client_options {
  // "http://host:port/prefix" or "https://host:port/prefix"; every request target is appended to it.
  std::string base_url;
  // Sent on every request unless the request carries a header of the same name:
  // credentials, User-Agent, Accept...
  http::header_list default_headers;
  std::string request_id_header = "X-Request-Id";

  std::chrono::milliseconds connect_timeout{2'000};  // TCP connect plus TLS handshake, per attempt
  // The longest a send() may take, retries and waits included, whatever deadline the
  // caller passes; also the deadline of send() without one.
  std::chrono::milliseconds request_timeout{15'000};
  // The longest one attempt may wait for its response, so that a stalled attempt of an
  // idempotent request leaves time for a retry. 0: an attempt may use all time left.
  std::chrono::milliseconds attempt_timeout{0};

  int max_attempts = 3;  // per send(), the first included; 1 disables retries
  backoff_options backoff;
  // A 429 means the platform refused the request before acting on it, so it is safe to
  // send a POST again once the rate limit resets. false: a POST's 429 is returned as is.
  bool retry_non_idempotent_on_429 = true;
  // Seeds the backoff jitter; unset: seeded from std::random_device.
  std::optional<std::uint64_t> random_seed;

  breaker_options breaker;
  rate_limit_options rate_limit;
  // Used only when create() is not given a shared transport.
  transport_options transport;
};

// An upstream HTTP client for one platform store: retries, rate-limit pacing and a
// circuit breaker around a pooled HTTP/1.1 transport.
//
// Usage from an adapter (one client per configured store, created at start-up):
//
//   client_options o;
//   o.base_url = "https://api.tiendanube.com/2025-03/123456";
//   o.default_headers = {{"Authentication", "bearer " + token}, {"User-Agent", "custbridge (ops@example.com)"}};
//   o.rate_limit.dialect = {rate_limit_dialect::model::leaky_bucket, "x-rate-limit-limit", ...};
//   auto c = client::create(io.get_executor(), o, shared_transport);  // result<shared_ptr<client>, string>
//
//   upstream_request req{.method = "GET", .target = "/customers/42", .request_id = request_id};
//   auto r = co_await (*c)->send(std::move(req), inbound_deadline);
//   if (!r) return map_failure(r.error());  // suggested_status(kind): 502/504/503/429 (+ retry_after)
//   if (r->status == 404) ...;               // platform statuses are responses, mapped by the adapter
//
// Thread-safety: send() may be called concurrently from any number of coroutines on
// any threads of the executor's io_context; each call runs on its own strand. The
// client must outlive its pending send() calls only through the shared_ptr it keeps
// (send() holds one), and must be destroyed before its io_context.
class client : public std::enable_shared_from_this<client> {
 public:
  using outcome = boost::system::result<upstream_response, upstream_failure>;
  using clock = std::chrono::steady_clock;

  // Validates the options. Errors: a bad base URL, an unreadable CA file. `shared`
  // lets several clients of the same platform host share one connection pool; when
  // null the client makes its own transport from options.transport.
  static boost::system::result<std::shared_ptr<client>, std::string> create(boost::asio::any_io_executor executor,
                                                                             client_options options,
                                                                             std::shared_ptr<transport> shared = nullptr);

  // Sends one request and returns the platform's response or a failure; never throws
  // for network or platform trouble. The deadline is the caller's (e.g. what is left of
  // the inbound request's time), capped at now + request_timeout.
  //
  // Policy, per attempt: fail fast while the breaker is open; wait for the rate
  // limiter's slot (rate_limited failure if that passes the deadline); send. Retries,
  // after a jittered exponential backoff that must end before the deadline, happen on:
  //  - connect failures and TLS handshake failures other than certificate rejection,
  //    for any method (nothing was sent);
  //  - a connection that broke after the request was sent, an attempt_timeout, and
  //    500/502/503/504, only for idempotent requests;
  //  - 429, after the platform's reset (and for a POST too unless
  //    retry_non_idempotent_on_429 is false); if that wait would pass the deadline the
  //    result is a rate_limited failure with retry_after.
  boost::asio::awaitable<outcome> send(upstream_request request, clock::time_point deadline);
  boost::asio::awaitable<outcome> send(upstream_request request);

  // Thread-safe snapshot of the counters and gauges.
  metrics_snapshot metrics() const;
  const base_url& target() const { return base_; }
  breaker_state breaker() const;

  struct impl;
  ~client();

 private:
  client(base_url base, std::shared_ptr<impl> i);
  base_url base_;
  std::shared_ptr<impl> impl_;
};

}  // namespace custbridge::upstream
