#pragma once

#include <boost/system/result.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/diagnostic.hpp"

namespace custbridge::config {

struct server_config {
  std::string address = "127.0.0.1";
  std::uint16_t port = 8080;
  unsigned threads = 0;  // 0 = one per core
  std::size_t body_limit_bytes = 1024 * 1024;
  std::size_t header_limit_bytes = 16 * 1024;
  std::chrono::milliseconds read_timeout{10'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::chrono::milliseconds write_timeout{10'000};
  std::chrono::milliseconds drain_timeout{10'000};
  int max_json_depth = 32;
  std::size_t max_connections = 10'000;  // open connections; past it, 503 and close
};

struct state_config {
  std::string sqlite_path = "custbridge.db";  // relative paths resolve against the config file's folder
};

// How to reach a store that lives on a platform (backend nuvemshop,
// bigcommerce_v2 or bigcommerce_v3).
struct platform_config {
  std::string base_url;      // Nuvemshop: https://api.tiendanube.com/v1/{store_id}; BigCommerce: https://api.bigcommerce.com/stores/{hash}
  std::string access_token;  // a secret: give it as ${ENV}
  std::string user_agent = "custbridge/0.1 (ops@custbridge.invalid)";
  std::string mapping_file;  // "" = the shipped mapping for the backend
  std::string ca_file;       // "" = the system's CA store; else a readable file
  std::chrono::milliseconds timeout{15'000};  // per canonical request, retries included
  std::chrono::milliseconds connect_timeout{2'000};
  int max_attempts = 3;
  int max_connections = 16;
};

struct store_config {
  std::string id;
  std::string backend;  // local, nuvemshop, bigcommerce_v2 or bigcommerce_v3
  platform_config platform;  // for the platform backends
};

struct api_key_config {
  std::string name;
  std::string sha256;               // lower-case hex SHA-256 of the whole key
  std::vector<std::string> stores;  // store ids, or "*"
  std::vector<std::string> scopes;  // customer.read|write|delete, customers:read|write, *
};

struct gateway_config {
  std::string source_file;
  server_config server;
  state_config state;
  std::map<std::string, store_config> stores;
  std::vector<api_key_config> api_keys;
};

// Reads, substitutes ${NAME} from the environment, and validates a gateway config
// file. `known_backends` are the store backends the binary has (the stores layer's
// registry); any other is a diagnostic with a did-you-mean. On failure returns every
// problem found, each with a position; never throws for bad input.
boost::system::result<gateway_config, diagnostics> load_gateway_config(const std::string& path,
                                                                       const std::vector<std::string>& known_backends);

// Same, from text already in memory; `file_name` is used in diagnostics and to
// resolve relative paths.
boost::system::result<gateway_config, diagnostics> parse_gateway_config(const std::string& text,
                                                                        const std::string& file_name,
                                                                        const std::vector<std::string>& known_backends);

// Replaces ${NAME} with the environment variable NAME. "$${" escapes a literal "${".
// A reference to an unset variable is a diagnostic (the text is returned unchanged there).
std::string substitute_env(const std::string& text, const std::string& file_name, diagnostics& out);

}  // namespace custbridge::config
