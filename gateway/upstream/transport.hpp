#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/system/result.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "gateway/http/message.hpp"
#include "gateway/upstream/base_url.hpp"
#include "gateway/upstream/metrics.hpp"

namespace custbridge::upstream {

struct pool_options {
  std::size_t max_connections = 32;             // per upstream host, idle and in use together
  std::chrono::milliseconds idle_timeout{15'000};  // a pooled connection unused this long is closed, not reused
};

struct tls_options {
  // PEM file of the CAs to trust for https:// upstreams. Empty: the system's default
  // CA store. Certificates are always verified, and their name must match the host.
  std::string ca_file;
};

struct transport_options {
  pool_options pool;
  tls_options tls;
  std::size_t response_body_limit = 8 * 1024 * 1024;
  std::size_t response_header_limit = 64 * 1024;
};

// One HTTP/1.1 request on the wire, target already including the base URL's prefix.
struct wire_request {
  std::string method;
  std::string target;
  http::header_list headers;  // Host is added by the transport
  std::string body;
};

// The result of one attempt. No policy here: the client decides about retries.
struct exchange_result {
  enum class error {
    none,
    connect,  // no connection: resolve/connect failed, or no pooled connection freed up in time
    tls,      // the TLS handshake failed (verify_failed says whether the certificate was rejected)
    network,  // the connection broke, or the response was not acceptable HTTP
  };
  error err = error::none;
  bool timed_out = false;      // the attempt ended because its deadline (or the connect timeout) passed
  bool verify_failed = false;  // with err == tls: the peer's certificate did not verify
  // Whether any byte of the request was written: if so the platform may have acted on it.
  bool sent = false;
  bool reused = false;  // the attempt ran on a pooled keep-alive connection
  std::string message;
  int status = 0;
  http::header_list headers;  // lower-case names
  std::string body;
};

// HTTP/1.1 over plain TCP or TLS with a keep-alive connection pool per upstream origin
// (scheme, host, port). Share one transport between the clients of stores on the same
// platform host so they share its pool. Thread-safe.
class transport {
 public:
  // Errors: the CA file cannot be loaded, or the TLS context cannot be set up.
  static boost::system::result<std::shared_ptr<transport>, std::string> create(boost::asio::any_io_executor executor,
                                                                                transport_options options);
  ~transport();
  transport(const transport&) = delete;
  transport& operator=(const transport&) = delete;

  // One attempt: checks out (or opens) a connection to `to`, sends, reads the response,
  // and returns the connection to the pool if it can be reused. Connecting (TCP and TLS
  // handshake) is bounded by connect_timeout and the deadline; the rest by the deadline.
  // Never throws for I/O. Must be awaited from a coroutine running on a strand.
  boost::asio::awaitable<exchange_result> exchange(const base_url& to, wire_request request,
                                                   std::chrono::steady_clock::time_point deadline,
                                                   std::chrono::milliseconds connect_timeout);

  // The pool of one origin (all zero if it has never been used).
  pool_snapshot pool(const base_url& to) const;

  struct impl;

 private:
  explicit transport(std::shared_ptr<impl> i);
  std::shared_ptr<impl> impl_;
};

}  // namespace custbridge::upstream
