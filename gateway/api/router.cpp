#include "gateway/api/router.hpp"

#include <vector>

namespace custbridge::api {

route match_route(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/healthz") return {route_kind::healthz, {}, {}};
  if (path == "/readyz") return {route_kind::readyz, {}, {}};
  if (path == "/metrics") return {route_kind::metrics, {}, {}};
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    if (path.front() != '/') return {};
    path.remove_prefix(1);
    const auto next = path.find('/');
    segments.push_back(path.substr(0, next));
    path = next == std::string_view::npos ? std::string_view{} : path.substr(next);
  }
  for (auto s : segments)
    if (s.empty()) return {};
  if (segments.size() < 3 || segments[0] != "stores" || segments[2] != "customers") return {};
  if (segments.size() == 3) return {route_kind::customers, std::string(segments[1]), {}};
  if (segments.size() == 4) return {route_kind::customer, std::string(segments[1]), std::string(segments[3])};
  return {};
}

std::string_view allowed_methods(route_kind kind) {
  switch (kind) {
    case route_kind::healthz:
    case route_kind::readyz:
    case route_kind::metrics: return "GET, HEAD";
    case route_kind::customers: return "GET, POST";
    case route_kind::customer: return "GET, PUT, PATCH, DELETE";
    case route_kind::not_found: return "";
  }
  return "";
}

std::string_view route_label(route_kind kind) {
  switch (kind) {
    case route_kind::healthz: return "healthz";
    case route_kind::readyz: return "readyz";
    case route_kind::metrics: return "metrics";
    case route_kind::customers: return "customers";
    case route_kind::customer: return "customer";
    case route_kind::not_found: return "not_found";
  }
  return "not_found";
}

}  // namespace custbridge::api
