#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/gateway_config.hpp"
#include <boost/system/result.hpp>
#include "gateway/http/message.hpp"

namespace custbridge::auth {

enum class permission { read, write, remove };

// The canonical scope name reported in a 403's details.required.
std::string_view scope_name(permission p);

struct api_key {
  std::string name;
  std::string sha256;
  std::vector<std::string> stores;  // or {"*"}
  bool can_read = false;
  bool can_write = false;
  bool can_remove = false;
};

// Why a request may not go on: no usable key (unauthenticated), or a key without the
// store or scope it needs (forbidden, with that grant's name).
struct denial {
  bool forbidden = false;
  std::string message;
  std::string required_scope;  // forbidden only: "store:<id>" or the scope name
};

template <class T>
using result = boost::system::result<T, denial>;

// The configured keys, by hash. Immutable after construction; thread-safe.
class key_ring {
 public:
  explicit key_ring(const std::vector<config::api_key_config>& keys);

  // Authenticates the request's key (Authorization: Bearer or X-API-Key) and checks
  // it may use `permission` on `store_id`. 401 UNAUTHORIZED for a missing, malformed
  // or unknown key; 403 FORBIDDEN for a store or scope the key lacks. The key is
  // compared by SHA-256 in constant time and is never copied into errors or logs.
  result<const api_key*> authorize(const http::request& req, const std::string& store_id, permission need) const;

 private:
  std::vector<api_key> keys_;
};

// Keys look like "sk_live_" + 32 characters of [A-Za-z0-9].
bool well_formed_key(std::string_view key);
std::string generate_key();

}  // namespace custbridge::auth
