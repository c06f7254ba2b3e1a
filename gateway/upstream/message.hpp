#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "gateway/http/message.hpp"

namespace custbridge::upstream {

// One call to a platform, relative to the client's base URL.
struct upstream_request {
  std::string method = "GET";  // upper-case token
  std::string target;          // path and query after the base URL's prefix, e.g. "/customers?page=2"; a missing leading '/' is added
  // Sent as given, overriding the client's default headers of the same name, except
  // Host, Content-Length, Transfer-Encoding and Connection, which the transport sets.
  http::header_list headers;
  std::string body;
  // Whether the call may be sent more than once. Unset: GET, HEAD, OPTIONS, PUT and
  // DELETE are idempotent, everything else is not. Set it to true for a POST that the
  // platform deduplicates (e.g. one that carries an idempotency key).
  std::optional<bool> idempotent;
  // Sent upstream as the client's request-id header (X-Request-Id) when not empty.
  std::string request_id;
};

// What the platform answered. Every HTTP status, 4xx and 5xx included, is a response,
// not a failure, so adapters can map the platform's own error bodies. A retryable
// status (429, 500, 502, 503, 504) is returned once retries are exhausted or not allowed.
struct upstream_response {
  int status = 0;
  http::header_list headers;  // names lower-cased
  std::string body;
  int attempts = 1;  // how many times the request was sent, this response's attempt included
  // For a 429 (or 503 with Retry-After) given back to the caller: how long the
  // platform asked us to wait, as the rate limiter understood it.
  std::optional<std::chrono::milliseconds> retry_after;

  // Value of the first header with this name (case-insensitive), or "".
  std::string_view header(std::string_view name) const;
};

enum class failure_kind {
  // No connection could be made: DNS failure, refused, unreachable, or connect_timeout
  // elapsed on every attempt. Nothing was sent. Gateway: 502.
  connect,
  // The connection broke or the platform sent something that is not HTTP (reset,
  // early close, malformed or oversized response) and the request could not be retried.
  // Gateway: 502.
  network,
  // The request's deadline (or the client's request_timeout) passed before a response
  // arrived. A non-idempotent request may or may not have been applied. Gateway: 504.
  timeout,
  // The TLS handshake failed for a reason other than the certificate (no common
  // protocol version, connection closed mid-handshake). Retried like connect. Gateway: 502.
  tls,
  // The platform's certificate did not verify (untrusted issuer, wrong host name,
  // expired): a configuration problem, so it is never retried. Gateway: 502.
  certificate_rejected,
  // The circuit breaker for this client is open after repeated failures; nothing was
  // sent. retry_after is the remaining cool-down. Gateway: 503.
  circuit_open,
  // The platform's rate limit (or our pacing of it) would make the request wait past
  // its deadline; nothing more was sent. retry_after says when to try again.
  // Gateway: 429 with Retry-After.
  rate_limited,
};

std::string_view to_string(failure_kind kind);
// The canonical status the gateway answers for a failure kind (502, 504, 503 or 429).
int suggested_status(failure_kind kind);

struct upstream_failure {
  failure_kind kind = failure_kind::network;
  std::string message;  // short, human, no secrets: e.g. "connect to 127.0.0.1:9 failed: Connection refused"
  std::optional<std::chrono::milliseconds> retry_after;  // set for circuit_open and rate_limited
  int attempts = 0;  // how many times the request was (at least partly) sent
};

// Lets boost::system::result<upstream_response, upstream_failure>::value() throw.
[[noreturn]] void throw_exception_from_error(const upstream_failure& f);

class upstream_error : public std::runtime_error {
 public:
  explicit upstream_error(upstream_failure f);
  const upstream_failure& failure() const { return failure_; }

 private:
  upstream_failure failure_;
};

}  // namespace custbridge::upstream
