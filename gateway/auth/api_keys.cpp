#include "gateway/auth/api_keys.hpp"

#include <algorithm>
#include <cctype>
#include <strings.h>

#include "common/crypto.hpp"

namespace custbridge::auth {
namespace {

constexpr std::string_view key_prefix = "sk_live_";
constexpr std::size_t key_random_length = 32;

std::string_view presented_key(const http::request& req) {
  if (auto v = req.header("x-api-key"); !v.empty()) return v;
  auto auth = req.header("authorization");
  if (auth.size() > 7 && strncasecmp(auth.data(), "Bearer ", 7) == 0) {
    auth.remove_prefix(7);
    while (!auth.empty() && auth.front() == ' ') auth.remove_prefix(1);
    return auth;
  }
  return {};
}

}  // namespace

std::string_view scope_name(permission p) {
  switch (p) {
    case permission::read: return "customers:read";
    case permission::write: return "customers:write";
    case permission::remove: return "customer.delete";
  }
  return "*";
}

bool well_formed_key(std::string_view key) {
  if (key.size() != key_prefix.size() + key_random_length || key.substr(0, key_prefix.size()) != key_prefix) return false;
  return std::all_of(key.begin() + static_cast<std::ptrdiff_t>(key_prefix.size()), key.end(),
                     [](unsigned char c) { return std::isalnum(c); });
}

std::string generate_key() { return std::string(key_prefix) + random_alnum(key_random_length); }

key_ring::key_ring(const std::vector<config::api_key_config>& keys) {
  for (const auto& k : keys) {
    api_key key{k.name, k.sha256, k.stores};
    for (const auto& scope : k.scopes) {
      if (scope == "*") key.can_read = key.can_write = key.can_remove = true;
      if (scope == "customer.read" || scope == "customers:read") key.can_read = true;
      if (scope == "customer.write") key.can_write = true;
      if (scope == "customers:write") key.can_write = key.can_remove = true;  // the colon form's write includes delete
      if (scope == "customer.delete") key.can_remove = true;
    }
    keys_.push_back(std::move(key));
  }
}

result<const api_key*> key_ring::authorize(const http::request& req, const std::string& store_id, permission need) const {
  const auto presented = presented_key(req);
  if (presented.empty())
    return denial{false, "Missing API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'", {}};
  if (!well_formed_key(presented)) return denial{false, "Invalid or expired API key", {}};
  const auto digest = sha256_hex(presented);
  // Compare against every key so the time taken does not depend on which one matched.
  const api_key* match = nullptr;
  for (const auto& k : keys_)
    if (constant_time_equal(digest, k.sha256)) match = &k;
  if (!match) return denial{false, "Invalid or expired API key", {}};

  const bool store_ok = std::any_of(match->stores.begin(), match->stores.end(),
                                    [&](const std::string& s) { return s == "*" || s == store_id; });
  if (!store_ok) {
    return denial{true, "This API key is not granted access to store '" + store_id + "'", "store:" + store_id};
  }
  const bool scope_ok = need == permission::read ? match->can_read : need == permission::write ? match->can_write : match->can_remove;
  if (!scope_ok) {
    std::string message = "Missing permission: " + std::string(scope_name(need));
    if (need == permission::remove) message += " (or customers:write)";
    return denial{true, std::move(message), std::string(scope_name(need))};
  }
  return result<const api_key*>(boost::system::in_place_value, match);
}

}  // namespace custbridge::auth
