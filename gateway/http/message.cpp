#include "gateway/http/message.hpp"

#include <strings.h>

namespace custbridge::http {

std::string_view request::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return value;
  return {};
}

bool request::has_header(std::string_view lower_name) const {
  for (const auto& h : headers)
    if (h.first == lower_name) return true;
  return false;
}

std::string_view request::path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view request::query() const {
  std::string_view t = target;
  auto q = t.find('?');
  return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

response& response::set(std::string name, std::string value) {
  for (auto& h : headers) {
    if (h.first.size() == name.size() && strncasecmp(h.first.data(), name.data(), name.size()) == 0) {
      h.second = std::move(value);
      return *this;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

std::string_view response::header(std::string_view name) const {
  for (const auto& h : headers)
    if (h.first.size() == name.size() && strncasecmp(h.first.data(), name.data(), name.size()) == 0) return h.second;
  return {};
}

}  // namespace custbridge::http
