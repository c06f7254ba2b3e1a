#pragma once

#include <boost/system/result.hpp>
#include <optional>
#include <string>
#include <vector>

namespace custbridge::domain {

// What can go wrong when a store is read or written, independent of how the caller
// reports it. The API layer maps each kind to one HTTP status and code
// (gateway/api/errors.cpp); the sync engine maps them to retry or dead-letter.
enum class error_kind {
  bad_request,       // the request cannot be served as asked (unsupported filter, sort...)
  validation_error,  // field rules; details name the fields
  unauthorized,
  forbidden,
  not_found,
  conflict,          // duplicate email, customer with orders
  rate_limited,      // retry_after_seconds says when
  internal,          // a bug or a broken invariant
  upstream_error,    // the platform, or the way to it, failed or answered nonsense
  unavailable,       // the platform or the store is unavailable (breaker open, suspended)
  upstream_timeout,  // the request's deadline passed while waiting on the platform
};

struct field_error {
  std::string field;  // canonical path, e.g. "addresses[0].postalCode"
  std::string reason;
};

struct error {
  error_kind kind = error_kind::internal;
  std::string message;
  std::vector<field_error> details;
  std::optional<int> retry_after_seconds;  // rate_limited, unavailable
  // Errors that came from a platform keep its words for debugging; upstream_status is
  // 0 when the platform never answered.
  int upstream_status = 0;
  std::string upstream_excerpt;
  // Whether asking again may succeed. Set by errors from a platform or the way to it.
  std::optional<bool> retryable;
};

template <class T>
using result = boost::system::result<T, error>;

error make_error(error_kind kind, std::string message);
// VALIDATION_ERROR whose message is the one detail, or the number of invalid fields.
error validation_failed(std::vector<field_error> details);

}  // namespace custbridge::domain
