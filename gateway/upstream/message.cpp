#include "gateway/upstream/message.hpp"

#include <strings.h>

#include "gateway/upstream/metrics.hpp"

namespace custbridge::upstream {

std::string_view upstream_response::header(std::string_view name) const {
  for (const auto& h : headers)
    if (h.first.size() == name.size() && strncasecmp(h.first.data(), name.data(), name.size()) == 0) return h.second;
  return {};
}

std::string_view to_string(failure_kind kind) {
  switch (kind) {
    case failure_kind::connect: return "connect";
    case failure_kind::network: return "network";
    case failure_kind::timeout: return "timeout";
    case failure_kind::tls: return "tls";
    case failure_kind::certificate_rejected: return "certificate_rejected";
    case failure_kind::circuit_open: return "circuit_open";
    case failure_kind::rate_limited: return "rate_limited";
  }
  return "unknown";
}

int suggested_status(failure_kind kind) {
  switch (kind) {
    case failure_kind::timeout: return 504;
    case failure_kind::circuit_open: return 503;
    case failure_kind::rate_limited: return 429;
    case failure_kind::connect:
    case failure_kind::network:
    case failure_kind::tls:
    case failure_kind::certificate_rejected: return 502;
  }
  return 502;
}

std::string_view to_string(breaker_state state) {
  switch (state) {
    case breaker_state::closed: return "closed";
    case breaker_state::open: return "open";
    case breaker_state::half_open: return "half_open";
  }
  return "unknown";
}

upstream_error::upstream_error(upstream_failure f)
    : std::runtime_error("upstream " + std::string(to_string(f.kind)) + ": " + f.message), failure_(std::move(f)) {}

void throw_exception_from_error(const upstream_failure& f) { throw upstream_error(f); }

}  // namespace custbridge::upstream
