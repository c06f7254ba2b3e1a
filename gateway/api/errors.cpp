#include "gateway/api/errors.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/utf8.hpp"

namespace custbridge::api {
namespace {

error_kind kind_of(domain::error_kind kind) {
  using domain_kind = domain::error_kind;
  switch (kind) {
    case domain_kind::bad_request: return error_kind::bad_request;
    case domain_kind::validation_error: return error_kind::validation_error;
    case domain_kind::unauthorized: return error_kind::unauthorized;
    case domain_kind::forbidden: return error_kind::forbidden;
    case domain_kind::not_found: return error_kind::not_found;
    case domain_kind::conflict: return error_kind::conflict;
    case domain_kind::rate_limited: return error_kind::rate_limited;
    case domain_kind::internal: return error_kind::internal;
    case domain_kind::upstream_error: return error_kind::upstream_error;
    case domain_kind::unavailable: return error_kind::unavailable;
    case domain_kind::upstream_timeout: return error_kind::upstream_timeout;
  }
  return error_kind::internal;
}

// Messages quote paths, field names and platform words: never raw bytes in a body a
// strict JSON client must read. Invalid UTF-8 becomes U+FFFD.
template <class Writer>
void put_text(Writer& w, const std::string& s) {
  const std::string valid = to_valid_utf8(s);
  w.String(valid.c_str(), static_cast<rapidjson::SizeType>(valid.size()));
}

}  // namespace

api_error::api_error(const domain::error& e)
    : kind(kind_of(e.kind)),
      message(e.message),
      details(e.details),
      retry_after_seconds(e.retry_after_seconds),
      upstream_status(e.upstream_status),
      upstream_excerpt(e.upstream_excerpt),
      retryable(e.retryable) {}

int status_of(error_kind kind) {
  switch (kind) {
    case error_kind::bad_request:
    case error_kind::validation_error: return 400;
    case error_kind::unauthorized: return 401;
    case error_kind::forbidden: return 403;
    case error_kind::not_found: return 404;
    case error_kind::method_not_allowed: return 405;
    case error_kind::conflict: return 409;
    case error_kind::payload_too_large: return 413;
    case error_kind::unsupported_media_type: return 415;
    case error_kind::headers_too_large: return 431;
    case error_kind::not_implemented: return 501;
    case error_kind::rate_limited: return 429;
    case error_kind::internal: return 500;
    case error_kind::upstream_error: return 502;
    case error_kind::unavailable: return 503;
    case error_kind::upstream_timeout: return 504;
  }
  return 500;
}

std::string_view code_of(error_kind kind) {
  switch (kind) {
    case error_kind::bad_request: return "BAD_REQUEST";
    case error_kind::validation_error: return "VALIDATION_ERROR";
    case error_kind::unauthorized: return "UNAUTHORIZED";
    case error_kind::forbidden: return "FORBIDDEN";
    case error_kind::not_found: return "NOT_FOUND";
    case error_kind::method_not_allowed: return "METHOD_NOT_ALLOWED";
    case error_kind::conflict: return "CONFLICT";
    case error_kind::payload_too_large: return "PAYLOAD_TOO_LARGE";
    case error_kind::unsupported_media_type: return "UNSUPPORTED_MEDIA_TYPE";
    case error_kind::headers_too_large: return "HEADERS_TOO_LARGE";
    case error_kind::not_implemented: return "NOT_IMPLEMENTED";
    case error_kind::rate_limited: return "RATE_LIMITED";
    case error_kind::internal: return "INTERNAL";
    case error_kind::upstream_error: return "UPSTREAM_ERROR";
    case error_kind::unavailable: return "UNAVAILABLE";
    case error_kind::upstream_timeout: return "UPSTREAM_TIMEOUT";
  }
  return "INTERNAL";
}

api_error make_error(error_kind kind, std::string message) {
  api_error e;
  e.kind = kind;
  e.message = std::move(message);
  return e;
}


http::response to_response(const api_error& error, std::string_view request_id) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  const auto code = code_of(error.kind);
  w.Key("code");
  w.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  w.Key("message");
  put_text(w, error.message);
  if (!error.details.empty()) {
    w.Key("details");
    w.StartArray();
    for (const auto& d : error.details) {
      w.StartObject();
      w.Key("field");
      put_text(w, d.field);
      w.Key("reason");
      put_text(w, d.reason);
      w.EndObject();
    }
    w.EndArray();
  } else if (!error.required_scope.empty()) {
    w.Key("details");
    w.StartObject();
    w.Key("required");
    w.String(error.required_scope.c_str(), static_cast<rapidjson::SizeType>(error.required_scope.size()));
    w.EndObject();
  }
  if (error.upstream_status != 0) {
    w.Key("upstream");
    w.StartObject();
    w.Key("status");
    w.Int(error.upstream_status);
    w.Key("excerpt");
    put_text(w, error.upstream_excerpt);
    w.EndObject();
  }
  if (error.retryable || error.upstream_status != 0) {
    w.Key("retryable");
    w.Bool(error.retryable.value_or(false));
  }
  if (!request_id.empty()) {
    w.Key("requestId");
    w.String(request_id.data(), static_cast<rapidjson::SizeType>(request_id.size()));
  }
  w.EndObject();
  w.EndObject();

  http::response res;
  res.status = status_of(error.kind);
  res.set("Content-Type", "application/json");
  if (!error.allow.empty()) res.set("Allow", error.allow);
  if (error.retry_after_seconds) res.set("Retry-After", std::to_string(*error.retry_after_seconds));
  if (error.kind == error_kind::unauthorized) res.set("WWW-Authenticate", "Bearer");
  res.body.assign(buf.GetString(), buf.GetSize());
  return res;
}

http::response protocol_error_response(int status, std::string_view message, std::string_view request_id) {
  error_kind kind = error_kind::internal;
  switch (status) {
    case 400: kind = error_kind::bad_request; break;
    case 413: kind = error_kind::payload_too_large; break;
    case 431: kind = error_kind::headers_too_large; break;
    case 501: kind = error_kind::not_implemented; break;
    case 503: kind = error_kind::unavailable; break;
    default: break;
  }
  auto res = to_response(make_error(kind, std::string(message)), request_id);
  res.keep_alive = false;  // the server cannot trust the rest of a stream it rejected
  return res;
}

}  // namespace custbridge::api
