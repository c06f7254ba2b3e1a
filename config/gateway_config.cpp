#include "config/gateway_config.hpp"
#include "config/yaml_keys.hpp"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

namespace custbridge::config {
namespace {

const std::vector<std::string> known_scopes = {"customer.read", "customer.write", "customer.delete",
                                               "customers:read", "customers:write", "*"};

// Reads typed values out of YAML nodes, recording a diagnostic for each problem
// instead of throwing, so one pass reports everything.
class reader {
 public:
  reader(std::string file, diagnostics& out) : file_(std::move(file)), out_(out) {}

  void error(const YAML::Node& at, const std::string& path, const std::string& message) {
    const auto mark = at.Mark();
    out_.push_back({file_, mark.line + 1, mark.column + 1, path, message});
  }

  bool expect_map(const YAML::Node& node, const std::string& path) {
    if (node.IsMap()) return true;
    error(node, path, "expected a mapping");
    return false;
  }

  // Reports every key of `node` not in `allowed`, with a did-you-mean.
  void check_keys(const YAML::Node& node, const std::string& path, const std::vector<std::string>& allowed) {
    for (const auto& kv : node) {
      const auto key = kv.first.as<std::string>("");
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string message = "unknown key '" + key + "'";
      if (auto guess = did_you_mean(key, allowed); !guess.empty()) message += " (did you mean '" + guess + "'?)";
      error(kv.first, join(path, key), message);
    }
  }

  std::optional<std::string> string(const YAML::Node& node, const std::string& path) {
    if (!node.IsScalar()) {
      error(node, path, "expected a string");
      return std::nullopt;
    }
    return node.Scalar();
  }

  std::optional<long long> integer(const YAML::Node& node, const std::string& path, long long min, long long max) {
    if (!node.IsScalar()) {
      error(node, path, "expected an integer");
      return std::nullopt;
    }
    const auto& text = node.Scalar();
    char* end = nullptr;
    errno = 0;
    long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE) {
      error(node, path, "expected an integer, got '" + text + "'");
      return std::nullopt;
    }
    if (v < min || v > max) {
      error(node, path, "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + text);
      return std::nullopt;
    }
    return v;
  }

  std::vector<std::string> string_list(const YAML::Node& node, const std::string& path) {
    std::vector<std::string> out;
    if (!node.IsSequence()) {
      error(node, path, "expected a list of strings");
      return out;
    }
    for (std::size_t i = 0; i < node.size(); ++i)
      if (auto s = string(node[i], path + "[" + std::to_string(i) + "]")) out.push_back(*s);
    return out;
  }

  static std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
  diagnostics& out_;
};

// Relative paths in the config are relative to the config file's folder, not the working directory.
std::string relative_to_config(const std::string& config_file, const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(config_file).parent_path() / path).string();
}

// Why `file` cannot be read ("does not exist", "cannot be read"), or nullopt if it can.
std::optional<std::string> unreadable_file(const std::string& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return "does not exist";
  if (std::filesystem::is_directory(file, ec) || !std::ifstream(file)) return "cannot be read";
  return std::nullopt;
}

void read_duration(reader& r, const YAML::Node& parent, const char* key, const std::string& path,
                   std::chrono::milliseconds& into) {
  if (auto n = parent[key]) {
    if (auto v = r.integer(n, reader::join(path, key), 1, 3'600'000)) into = std::chrono::milliseconds(*v);
  }
}

void read_server(reader& r, const YAML::Node& node, server_config& s) {
  const std::string path = "server";
  if (!r.expect_map(node, path)) return;
  r.check_keys(node, path,
               {"address", "port", "threads", "body_limit_bytes", "header_limit_bytes", "read_timeout_ms",
                "idle_timeout_ms", "write_timeout_ms", "drain_timeout_ms", "max_json_depth", "max_connections"});
  if (auto n = node["address"]) {
    if (auto v = r.string(n, "server.address")) s.address = *v;
  }
  if (auto n = node["port"]) {
    if (auto v = r.integer(n, "server.port", 0, 65535)) s.port = static_cast<std::uint16_t>(*v);
  }
  if (auto n = node["threads"]) {
    if (auto v = r.integer(n, "server.threads", 0, 256)) s.threads = static_cast<unsigned>(*v);
  }
  if (auto n = node["body_limit_bytes"]) {
    if (auto v = r.integer(n, "server.body_limit_bytes", 1024, 64LL * 1024 * 1024)) s.body_limit_bytes = static_cast<std::size_t>(*v);
  }
  if (auto n = node["header_limit_bytes"]) {
    if (auto v = r.integer(n, "server.header_limit_bytes", 1024, 1024 * 1024)) s.header_limit_bytes = static_cast<std::size_t>(*v);
  }
  read_duration(r, node, "read_timeout_ms", path, s.read_timeout);
  read_duration(r, node, "idle_timeout_ms", path, s.idle_timeout);
  read_duration(r, node, "write_timeout_ms", path, s.write_timeout);
  read_duration(r, node, "drain_timeout_ms", path, s.drain_timeout);
  if (auto n = node["max_json_depth"]) {
    if (auto v = r.integer(n, "server.max_json_depth", 2, 512)) s.max_json_depth = static_cast<int>(*v);
  }
  if (auto n = node["max_connections"]) {
    if (auto v = r.integer(n, "server.max_connections", 1, 1'000'000)) s.max_connections = static_cast<std::size_t>(*v);
  }
}

void read_state(reader& r, const YAML::Node& node, state_config& s) {
  if (!r.expect_map(node, "state")) return;
  r.check_keys(node, "state", {"sqlite_path"});
  if (auto n = node["sqlite_path"]) {
    if (auto v = r.string(n, "state.sqlite_path")) s.sqlite_path = *v;
  }
}

bool valid_store_id(const std::string& id) {
  static const std::regex pattern("[A-Za-z0-9_-]{1,64}");
  return std::regex_match(id, pattern);
}

void read_platform(reader& r, const YAML::Node& body, const std::string& path, platform_config& p) {
  r.check_keys(body, path,
               {"backend", "base_url", "access_token", "user_agent", "mapping", "ca_file", "timeout_ms",
                "connect_timeout_ms", "max_attempts", "max_connections"});
  static const std::regex url("https?://[^/\\s]+(/[^\\s]*)?");
  if (auto n = body["base_url"]) {
    if (auto v = r.string(n, path + ".base_url")) {
      if (!std::regex_match(*v, url))
        r.error(n, path + ".base_url", "must be an http:// or https:// URL, got '" + *v + "'");
      else
        p.base_url = v->back() == '/' ? v->substr(0, v->size() - 1) : *v;
    }
  } else {
    r.error(body, path + ".base_url", "missing required key 'base_url'");
  }
  if (auto n = body["access_token"]) {
    if (auto v = r.string(n, path + ".access_token")) {
      if (v->empty()) r.error(n, path + ".access_token", "must not be empty");
      p.access_token = *v;
    }
  } else {
    r.error(body, path + ".access_token", "missing required key 'access_token' (give it as ${ENV_VAR})");
  }
  if (auto n = body["user_agent"]) {
    if (auto v = r.string(n, path + ".user_agent")) p.user_agent = *v;
  }
  if (auto n = body["mapping"]) {
    if (auto v = r.string(n, path + ".mapping")) p.mapping_file = *v;
  }
  if (auto n = body["ca_file"]) {
    if (auto v = r.string(n, path + ".ca_file"); v && !v->empty()) {
      p.ca_file = relative_to_config(r.file(), *v);
      if (auto problem = unreadable_file(p.ca_file)) r.error(n, path + ".ca_file", "CA file '" + p.ca_file + "' " + *problem);
    }
  }
  read_duration(r, body, "timeout_ms", path, p.timeout);
  read_duration(r, body, "connect_timeout_ms", path, p.connect_timeout);
  if (auto n = body["max_attempts"]) {
    if (auto v = r.integer(n, path + ".max_attempts", 1, 10)) p.max_attempts = static_cast<int>(*v);
  }
  if (auto n = body["max_connections"]) {
    if (auto v = r.integer(n, path + ".max_connections", 1, 1024)) p.max_connections = static_cast<int>(*v);
  }
}

void read_stores(reader& r, const YAML::Node& node, const std::vector<std::string>& known_backends,
                 std::map<std::string, store_config>& stores) {
  if (!r.expect_map(node, "stores")) return;
  for (const auto& kv : node) {
    const auto id = kv.first.as<std::string>("");
    const std::string path = "stores." + id;
    if (!valid_store_id(id)) {
      r.error(kv.first, path, "store id must be 1-64 characters of [A-Za-z0-9_-]");
      continue;
    }
    const auto& body = kv.second;
    if (!r.expect_map(body, path)) continue;
    store_config store{id, "", {}};
    if (auto b = body["backend"]) {
      if (auto v = r.string(b, path + ".backend")) {
        if (std::find(known_backends.begin(), known_backends.end(), *v) == known_backends.end()) {
          std::string message = "unknown backend '" + *v + "'";
          if (auto guess = did_you_mean(*v, known_backends); !guess.empty()) message += " (did you mean '" + guess + "'?)";
          r.error(b, path + ".backend", message);
        } else {
          store.backend = *v;
        }
      }
    } else {
      r.error(body, path + ".backend", "missing required key 'backend'");
    }
    if (store.backend == "local") {
      r.check_keys(body, path, {"backend"});
    } else if (!store.backend.empty()) {
      read_platform(r, body, path, store.platform);
    }
    stores.emplace(id, store);
  }
}

void read_api_keys(reader& r, const YAML::Node& node, const std::map<std::string, store_config>& stores,
                   std::vector<api_key_config>& keys) {
  if (!node.IsSequence()) {
    r.error(node, "api_keys", "expected a list of keys");
    return;
  }
  static const std::regex hex64("[0-9a-f]{64}");
  std::set<std::string> seen_hashes, seen_names;
  for (std::size_t i = 0; i < node.size(); ++i) {
    const auto& k = node[i];
    const std::string path = "api_keys[" + std::to_string(i) + "]";
    if (!r.expect_map(k, path)) continue;
    r.check_keys(k, path, {"name", "sha256", "stores", "scopes"});
    api_key_config key;
    if (auto n = k["name"]) {
      if (auto v = r.string(n, path + ".name")) {
        // Names go to the access log; they must say which key it was.
        if (!seen_names.insert(*v).second)
          r.error(n, path + ".name", "the name '" + *v + "' is used by another key");
        key.name = *v;
      }
    } else {
      r.error(k, path + ".name", "missing required key 'name'");
    }
    if (auto n = k["sha256"]) {
      if (auto v = r.string(n, path + ".sha256")) {
        if (!std::regex_match(*v, hex64))
          r.error(n, path + ".sha256", "must be 64 lower-case hex digits (run 'custbridge gen-key')");
        else if (!seen_hashes.insert(*v).second)
          r.error(n, path + ".sha256", "the same key is configured twice");
        else
          key.sha256 = *v;
      }
    } else {
      r.error(k, path + ".sha256", "missing required key 'sha256'");
    }
    if (auto n = k["stores"]) {
      key.stores = r.string_list(n, path + ".stores");
      for (std::size_t j = 0; j < key.stores.size(); ++j) {
        const auto& s = key.stores[j];
        if (s != "*" && !stores.contains(s)) r.error(n[j], path + ".stores[" + std::to_string(j) + "]", "unknown store '" + s + "'");
      }
    } else {
      r.error(k, path + ".stores", "missing required key 'stores'");
    }
    if (auto n = k["scopes"]) {
      key.scopes = r.string_list(n, path + ".scopes");
      for (std::size_t j = 0; j < key.scopes.size(); ++j) {
        const auto& s = key.scopes[j];
        if (std::find(known_scopes.begin(), known_scopes.end(), s) != known_scopes.end()) continue;
        std::string message = "unknown scope '" + s + "'";
        if (auto guess = did_you_mean(s, known_scopes); !guess.empty()) message += " (did you mean '" + guess + "'?)";
        r.error(n[j], path + ".scopes[" + std::to_string(j) + "]", message);
      }
    } else {
      r.error(k, path + ".scopes", "missing required key 'scopes'");
    }
    keys.push_back(std::move(key));
  }
}

std::pair<int, int> position_of(const std::string& text, std::size_t offset) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace

std::string substitute_env(const std::string& text, const std::string& file_name, diagnostics& out) {
  std::string result;
  result.reserve(text.size());
  char quote = 0;           // the quote character of the scalar we are in, if any
  bool in_comment = false;  // ${...} in a YAML comment is left alone
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\n') {
      quote = 0;
      in_comment = false;
    } else if (!in_comment && quote == 0 && (c == '"' || c == '\'') && (i == 0 || text[i - 1] != '\\')) {
      quote = c;
    } else if (quote != 0 && c == quote && text[i - 1] != '\\') {
      quote = 0;
    } else if (quote == 0 && c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
      in_comment = true;
    }
    if (in_comment) {
      result += text[i++];
      continue;
    }
    if (text.compare(i, 3, "$${") == 0) {
      result += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      result += text[i++];
      continue;
    }
    const auto close = text.find('}', i + 2);
    const auto [line, column] = position_of(text, i);
    if (close == std::string::npos) {
      out.push_back({file_name, line, column, "${", "unterminated ${...} reference"});
      result += text.substr(i);
      break;
    }
    const std::string name = text.substr(i + 2, close - i - 2);
    static const std::regex valid_name("[A-Za-z_][A-Za-z0-9_]*");
    if (!std::regex_match(name, valid_name)) {
      out.push_back({file_name, line, column, "${" + name + "}", "invalid environment variable name"});
    } else if (const char* value = std::getenv(name.c_str())) {
      result += value;
    } else {
      out.push_back({file_name, line, column, "${" + name + "}", "environment variable '" + name + "' is not set"});
      result += text.substr(i, close + 1 - i);
    }
    i = close + 1;
  }
  return result;
}

boost::system::result<gateway_config, diagnostics> parse_gateway_config(const std::string& raw_text,
                                                                        const std::string& file_name,
                                                                        const std::vector<std::string>& known_backends) {
  diagnostics problems;
  const std::string text = substitute_env(raw_text, file_name, problems);
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    problems.push_back({file_name, e.mark.line + 1, e.mark.column + 1, "(document)", e.msg});
    return problems;
  }
  gateway_config cfg;
  cfg.source_file = file_name;
  reader r(file_name, problems);
  if (!root.IsMap()) {
    r.error(root, "(document)", "expected a mapping with 'server', 'state', 'stores' and 'api_keys'");
    return problems;
  }
  for (auto& d : duplicate_keys(root, file_name)) problems.push_back(std::move(d));
  r.check_keys(root, "", {"server", "state", "stores", "api_keys"});
  if (auto n = root["server"]) read_server(r, n, cfg.server);
  if (auto n = root["state"]) read_state(r, n, cfg.state);
  if (auto n = root["stores"]) {
    read_stores(r, n, known_backends, cfg.stores);
  } else {
    r.error(root, "stores", "missing required key 'stores'");
  }
  if (auto n = root["api_keys"]) {
    read_api_keys(r, n, cfg.stores, cfg.api_keys);
  } else {
    r.error(root, "api_keys", "missing required key 'api_keys'");
  }
  if (!problems.empty()) return problems;

  for (auto& [id, store] : cfg.stores) store.platform.mapping_file = relative_to_config(file_name, store.platform.mapping_file);
  if (cfg.state.sqlite_path != ":memory:") cfg.state.sqlite_path = relative_to_config(file_name, cfg.state.sqlite_path);
  return cfg;
}

boost::system::result<gateway_config, diagnostics> load_gateway_config(const std::string& path,
                                                                       const std::vector<std::string>& known_backends) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return diagnostics{{path, 0, 0, "(file)", "cannot open the file"}};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_gateway_config(text.str(), path, known_backends);
}

}  // namespace custbridge::config
