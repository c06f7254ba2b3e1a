#pragma once

#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/http/message.hpp"

namespace custbridge::api {

// The canonical error codes. Each has exactly one HTTP status (see status_of).
enum class error_kind {
  bad_request,             // 400 BAD_REQUEST: malformed JSON or query
  validation_error,        // 400 VALIDATION_ERROR: field rules
  unauthorized,            // 401 UNAUTHORIZED
  forbidden,               // 403 FORBIDDEN
  not_found,               // 404 NOT_FOUND
  method_not_allowed,      // 405 METHOD_NOT_ALLOWED (with Allow)
  conflict,                // 409 CONFLICT
  payload_too_large,       // 413 PAYLOAD_TOO_LARGE
  unsupported_media_type,  // 415 UNSUPPORTED_MEDIA_TYPE
  headers_too_large,       // 431 HEADERS_TOO_LARGE
  not_implemented,         // 501 NOT_IMPLEMENTED (a transfer coding the server does not know)
  rate_limited,            // 429 RATE_LIMITED (with Retry-After)
  internal,                // 500 INTERNAL
  upstream_error,          // 502 UPSTREAM_ERROR
  unavailable,             // 503 UNAVAILABLE
  upstream_timeout,        // 504 UPSTREAM_TIMEOUT
};

using field_error = domain::field_error;

// An error as the API reports it: a domain error plus what only HTTP has (Allow, the
// missing scope of a 403, the protocol-level kinds).
struct api_error {
  api_error() = default;
  // The one table from store and domain errors to the API's (see kind_of in errors.cpp).
  // Implicit, so handlers pass a store's error on as it is.
  api_error(const domain::error& e);  // NOLINT(google-explicit-constructor)

  error_kind kind = error_kind::internal;
  std::string message;
  std::vector<field_error> details;
  std::optional<int> retry_after_seconds;  // RATE_LIMITED, UNAVAILABLE
  std::string allow;                       // METHOD_NOT_ALLOWED: the Allow header value
  std::string required_scope;              // FORBIDDEN: emitted as details.required
  // Errors that came from a platform keep its words for debugging: emitted as
  // "upstream":{"status","excerpt"} when upstream_status is set.
  int upstream_status = 0;
  std::string upstream_excerpt;
  // Set by errors from a platform or the way to it (a refused connection, a rejected
  // certificate). Emitted when set, and as false with upstream_status.
  std::optional<bool> retryable;
};

template <class T>
using result = boost::system::result<T, api_error>;

int status_of(error_kind kind);
std::string_view code_of(error_kind kind);

api_error make_error(error_kind kind, std::string message);

// The single place an error becomes an HTTP response: the status, the
// {"error":{"code","message","details"?,"requestId"}} body, and the headers
// (Allow, Retry-After) the error calls for.
http::response to_response(const api_error& error, std::string_view request_id);

// From the server's own protocol rejections (400/413/431/500) to the envelope.
http::response protocol_error_response(int status, std::string_view message, std::string_view request_id);

}  // namespace custbridge::api
