#include "gateway/api/gateway_handler.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "common/crypto.hpp"
#include "common/ids.hpp"
#include "common/log.hpp"
#include "common/timestamp.hpp"
#include "gateway/api/customer_handlers.hpp"
#include "gateway/api/router.hpp"

namespace custbridge::api {
namespace {

using context_ptr = std::shared_ptr<const gateway_context>;

api_error from_denial(const auth::denial& d) {
  auto e = make_error(d.forbidden ? error_kind::forbidden : error_kind::unauthorized, d.message);
  e.required_scope = d.required_scope;
  return e;
}

// A client-supplied X-Request-Id is kept if it is short and plain; otherwise we make one.
std::string request_id_for(const http::request& req) {
  auto given = req.header("x-request-id");
  const bool usable = !given.empty() && given.size() <= 128 && std::all_of(given.begin(), given.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == ':';
  });
  return usable ? std::string(given) : new_request_id();
}

bool is_json_content_type(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  auto media = content_type.substr(0, semicolon);
  while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
  return ascii_lower(media) == "application/json";
}

http::response plain_json(int status, std::string body) {
  http::response res;
  res.status = status;
  res.set("Content-Type", "application/json");
  res.body = std::move(body);
  return res;
}

struct request_outcome {
  result<http::response> response;
  std::string store_id;
  std::string key_name;
};

// The permission a customer route's method needs; nullopt for a method it does not take.
std::optional<auth::permission> permission_for(route_kind kind, const std::string& method) {
  if (kind == route_kind::customers && method == "GET") return auth::permission::read;
  if (kind == route_kind::customers && method == "POST") return auth::permission::write;
  if (kind == route_kind::customer && method == "GET") return auth::permission::read;
  if (kind == route_kind::customer && (method == "PUT" || method == "PATCH")) return auth::permission::write;
  if (kind == route_kind::customer && method == "DELETE") return auth::permission::remove;
  return std::nullopt;
}

bool valid_idempotency_key(std::string_view key) {
  return !key.empty() && key.size() <= 255 &&
         std::all_of(key.begin(), key.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

// POST with an Idempotency-Key: the first result is stored and replayed for the same
// key and body; another body under the same key is a conflict.
boost::asio::awaitable<result<http::response>> create_idempotently(context_ptr ctx, const http::request& req,
                                                                    backends::customer_backend& backend,
                                                                    const std::string& store_id, const std::string& key_scope,
                                                                    const std::string& request_id) {
  const std::string key(req.header("idempotency-key"));
  const int depth = ctx->config.server.max_json_depth;
  // Named, not braced in the call: g++ 12 destroys a braced coroutine argument twice.
  const backends::request_context rc{store_id, request_id, std::nullopt};
  if (key.empty() || !ctx->idempotency) co_return co_await create_customer(backend, rc, req.body, depth);
  if (!valid_idempotency_key(key))
    co_return make_error(error_kind::bad_request, "Idempotency-Key must be 1-255 printable ASCII characters");
  const auto fingerprint = sha256_hex(req.method + " " + req.target + "\n" + req.body);
  auto claim = ctx->idempotency->begin(store_id, key_scope, key, fingerprint);
  switch (claim.result) {
    case state::idempotency_store::outcome::replay:
      claim.response.set("Idempotent-Replayed", "true");
      co_return claim.response;
    case state::idempotency_store::outcome::mismatch:
      co_return make_error(error_kind::conflict, "Idempotency-Key was already used with a different request");
    case state::idempotency_store::outcome::in_progress:
      co_return make_error(error_kind::conflict, "A request with this Idempotency-Key is still in progress");
    case state::idempotency_store::outcome::proceed: break;
  }
  result<http::response> outcome = make_error(error_kind::internal, "Internal error");
  try {
    outcome = co_await create_customer(backend, rc, req.body, depth);
  } catch (...) {
    ctx->idempotency->release(store_id, key_scope, key);
    throw;
  }
  // A replayed error carries the first request's id, as a replay is that response.
  ctx->idempotency->complete(store_id, key_scope, key, outcome ? *outcome : to_response(outcome.error(), request_id));
  co_return outcome;
}

boost::asio::awaitable<request_outcome> dispatch(context_ptr ctx, const http::request& req, const route& route,
                                                 const std::string& request_id) {
  const std::string& method = req.method;
  auto reject = [](error_kind kind, std::string message) { return request_outcome{make_error(kind, std::move(message)), {}, {}}; };

  if (route.kind == route_kind::not_found)
    co_return reject(error_kind::not_found, "No route for " + method + " " + std::string(req.path()));

  const bool is_get = method == "GET" || method == "HEAD";
  if (route.kind == route_kind::healthz || route.kind == route_kind::readyz || route.kind == route_kind::metrics) {
    if (!is_get) {
      auto e = make_error(error_kind::method_not_allowed, "Method " + method + " is not allowed here");
      e.allow = std::string(allowed_methods(route.kind));
      co_return request_outcome{e, {}, {}};
    }
    if (route.kind == route_kind::healthz) co_return request_outcome{plain_json(200, R"({"status":"ok"})"), {}, {}};
    if (route.kind == route_kind::metrics) {
      if (!ctx->metrics) co_return reject(error_kind::not_found, "Metrics are disabled");
      http::response res;
      res.set("Content-Type", "text/plain; version=0.0.4");
      res.body = ctx->metrics->render();
      co_return request_outcome{std::move(res), {}, {}};
    }
    for (const auto& [store, backend] : ctx->backends) {
      if (!backend->ready()) {
        auto e = make_error(error_kind::unavailable, "Store '" + store + "' is not ready");
        e.retry_after_seconds = 1;
        co_return request_outcome{e, {}, {}};
      }
    }
    co_return request_outcome{plain_json(200, R"({"status":"ready"})"), {}, {}};
  }

  const auto need = permission_for(route.kind, method);
  if (!need) {
    auto e = make_error(error_kind::method_not_allowed, "Method " + method + " is not allowed here");
    e.allow = std::string(allowed_methods(route.kind));
    co_return request_outcome{e, route.store_id, {}};
  }

  auto key = ctx->keys.authorize(req, route.store_id, *need);
  if (!key) co_return request_outcome{from_denial(key.error()), route.store_id, {}};
  request_outcome out{make_error(error_kind::internal, "unreachable"), route.store_id, (*key)->name};
  // Idempotency records belong to the key itself (its hash), never to a name two keys
  // could share.
  const std::string key_scope = (*key)->sha256;

  auto backend_it = ctx->backends.find(route.store_id);
  if (backend_it == ctx->backends.end()) {
    out.response = make_error(error_kind::not_found, "Store '" + route.store_id + "' not found");
    co_return out;
  }
  auto& backend = *backend_it->second;

  if (method == "POST" || method == "PUT" || method == "PATCH") {
    if (!is_json_content_type(req.header("content-type"))) {
      out.response = make_error(error_kind::unsupported_media_type, "Content-Type must be application/json");
      co_return out;
    }
  }
  const int depth = ctx->config.server.max_json_depth;
  const backends::request_context rc{route.store_id, request_id, std::nullopt};
  if (route.kind == route_kind::customers) {
    if (method == "GET")
      out.response = co_await list_customers(backend, rc, std::string(req.query()));
    else
      out.response = co_await create_idempotently(ctx, req, backend, route.store_id, key_scope, request_id);
    co_return out;
  }
  if (!is_uuid(route.customer_id)) {
    out.response = make_error(error_kind::not_found, "Customer '" + route.customer_id + "' not found");
    co_return out;
  }
  if (!req.query().empty()) {
    out.response = make_error(error_kind::bad_request, "This endpoint takes no query parameters");
    co_return out;
  }
  if (method == "GET")
    out.response = co_await get_customer(backend, rc, route.customer_id);
  else if (method == "DELETE")
    out.response = co_await delete_customer(backend, rc, route.customer_id);
  else
    out.response = co_await update_customer(backend, rc, route.customer_id, req.body, depth);
  co_return out;
}

void access_log(const http::request& req, const std::string& request_id, const request_outcome& outcome, int status,
                std::chrono::steady_clock::duration took) {
  const double ms = std::chrono::duration<double, std::milli>(took).count();
  std::string line = R"({"ts":")" + format_iso8601_ms(now_millis()) + R"(","level":"info","msg":"request","requestId":")" +
                     json_escape(request_id) + R"(","method":")" + json_escape(req.method) + R"(","path":")" +
                     json_escape(req.path()) + R"(","status":)" + std::to_string(status);
  if (!outcome.store_id.empty()) line += R"(,"store":")" + json_escape(outcome.store_id) + "\"";
  if (!outcome.key_name.empty()) line += R"(,"key":")" + json_escape(outcome.key_name) + "\"";
  char took_text[32];
  std::snprintf(took_text, sizeof took_text, "%.3f", ms);
  line += R"(,"durationMs":)" + std::string(took_text) + R"(,"remote":")" + json_escape(req.remote_address) + "\"}";
  log_line(line);
}

// The answer, logged and counted like any other, and its store.
http::response finish(const context_ptr& ctx, const http::request& req, const std::string& request_id,
                      route_kind route, request_outcome& outcome, std::chrono::steady_clock::time_point started) {
  http::response res = outcome.response ? std::move(*outcome.response) : to_response(outcome.response.error(), request_id);
  res.set("X-Request-Id", request_id);
  if (req.method == "HEAD") res.body.clear();
  const auto took = std::chrono::steady_clock::now() - started;
  if (ctx->metrics)
    ctx->metrics->record_request(outcome.store_id, route_label(route), req.method, res.status,
                                 std::chrono::duration<double>(took).count());
  access_log(req, request_id, outcome, res.status, took);
  return res;
}

// A request with a body whose key cannot do what it asks is answered from its headers,
// before its body is read.
std::optional<http::response> refuse_before_body(const context_ptr& ctx, const http::request& head) {
  const auto started = std::chrono::steady_clock::now();
  const auto matched = match_route(head.path());
  const auto need = permission_for(matched.kind, head.method);
  if (!need) return std::nullopt;  // routing and method errors need no body either way; dispatch answers them
  auto key = ctx->keys.authorize(head, matched.store_id, *need);
  if (key) return std::nullopt;
  const std::string request_id = request_id_for(head);
  request_outcome outcome{from_denial(key.error()), matched.store_id, {}};
  return finish(ctx, head, request_id, matched.kind, outcome, started);
}

boost::asio::awaitable<http::response> handle_request(context_ptr ctx, http::request req) {
  const auto started = std::chrono::steady_clock::now();
  const std::string request_id = request_id_for(req);
  const auto matched = match_route(req.path());
  request_outcome outcome{make_error(error_kind::internal, "Internal error"), {}, {}};
  try {
    outcome = co_await dispatch(ctx, req, matched, request_id);
  } catch (const std::exception& e) {
    // Bugs end here: logged with detail, answered without it.
    log_line(R"({"level":"error","msg":"unhandled exception","requestId":")" + json_escape(request_id) + R"(","what":")" +
             json_escape(e.what()) + "\"}");
    outcome.response = make_error(error_kind::internal, "Internal error");
  }
  co_return finish(ctx, req, request_id, matched.kind, outcome, started);
}

}  // namespace

http::handler make_gateway_handler(std::shared_ptr<const gateway_context> context) {
  http::handler h;
  h.handle = [context](http::request req) { return handle_request(context, std::move(req)); };
  h.before_body = [context](const http::request& head) { return refuse_before_body(context, head); };
  h.on_error = [](int status, std::string_view message) {
    // The request could not be parsed, so there is no client X-Request-Id to honour.
    const auto request_id = new_request_id();
    auto res = protocol_error_response(status, message, request_id);
    res.set("X-Request-Id", request_id);
    log_line(R"({"ts":")" + format_iso8601_ms(now_millis()) + R"(","level":"info","msg":"rejected","requestId":")" +
             request_id + R"(","status":)" + std::to_string(status) + R"(,"reason":")" + json_escape(message) + "\"}");
    return res;
  };
  return h;
}

}  // namespace custbridge::api
