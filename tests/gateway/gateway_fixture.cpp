#include "tests/gateway/gateway_fixture.hpp"

#include <fstream>
#include <csignal>
#include <stdexcept>

#include "common/crypto.hpp"

namespace custbridge::testing {
namespace {

std::string new_key() { return "sk_live_" + random_alnum(32); }

}  // namespace

gateway_process::gateway_process(const std::string& extra_server_yaml, const std::string& store_a_backend,
                                 const std::vector<std::string>& emulator_flags, const std::string& store_a_extra_yaml) {
  dir_ = std::filesystem::temp_directory_path() / ("cb-gw-" + random_alnum(10));
  std::filesystem::create_directories(dir_);
  std::string store_a_yaml = "    backend: local\n";
  if (store_a_backend != "local") {
    std::vector<std::string> flags{"--customers", "0", "--rate-scale", "100"};
    flags.insert(flags.end(), emulator_flags.begin(), emulator_flags.end());
    const std::string platform = store_a_backend == "nuvemshop" ? "nuvemshop" : "bigcommerce";
    emulator_ = std::make_unique<emulator_process>(CUSTBRIDGE_EMULATOR_PATH, platform, flags);
    store_a_yaml = "    backend: " + store_a_backend + "\n    base_url: " + emulator_->base_url() +
                   "\n    access_token: " + emulator_->stores().at(0).access_token + "\n    timeout_ms: 10000\n" +
                   store_a_extra_yaml;
  }
  keys_ = {new_key(), new_key(), new_key(), new_key(), new_key()};
  std::ofstream cfg(dir_ / "gateway.yaml");
  cfg << "server:\n"
         "  address: 127.0.0.1\n"
         "  port: 0\n"
         "  threads: 2\n"
      << extra_server_yaml
      << "state:\n"
         "  sqlite_path: data.db\n"
         "stores:\n"
         "  " << store_a << ":\n" << store_a_yaml <<
         "  " << store_b << ":\n"
         "    backend: local\n"
         "api_keys:\n"
         "  - {name: admin, sha256: " << sha256_hex(keys_.admin) << ", stores: [\"*\"], scopes: [\"*\"]}\n"
         "  - {name: reader, sha256: " << sha256_hex(keys_.reader) << ", stores: [" << store_a << "], scopes: [customers:read]}\n"
         "  - {name: dot-writer, sha256: " << sha256_hex(keys_.dot_writer) << ", stores: [" << store_a
      << "], scopes: [customer.read, customer.write]}\n"
         "  - {name: colon-writer, sha256: " << sha256_hex(keys_.colon_writer) << ", stores: [" << store_a
      << "], scopes: [customers:read, customers:write]}\n"
         "  - {name: other-store, sha256: " << sha256_hex(keys_.other_store) << ", stores: [" << store_b << "], scopes: [\"*\"]}\n";
  cfg.close();
  start();
}

void gateway_process::restart() {
  process_->signal(SIGTERM);
  if (process_->wait(std::chrono::seconds(10)) != 0) throw std::runtime_error("custbridge did not stop cleanly");
  start();
}

void gateway_process::start() {
  process_ = std::make_unique<child_process>(std::vector<std::string>{CUSTBRIDGE_BINARY_PATH, "serve", "--config", config_path()});
  auto line = process_->wait_for_line("\"listening\"", std::chrono::seconds(20));
  if (!line) throw std::runtime_error("custbridge serve did not report listening");
  const auto colon = line->rfind(':', line->find("\",\"stores\""));
  port_ = static_cast<std::uint16_t>(std::stoi(line->substr(colon + 1)));
}

gateway_process::~gateway_process() {
  process_->signal(SIGTERM);
  process_->wait(std::chrono::seconds(10));
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

http_reply gateway_process::call(const std::string& method, const std::string& target, const std::string& key,
                                 const std::string& body, std::vector<std::pair<std::string, std::string>> headers) {
  if (!key.empty()) headers.emplace_back("Authorization", "Bearer " + key);
  if (!body.empty()) {
    bool has_type = false;
    for (const auto& h : headers) has_type |= h.first == "Content-Type";
    if (!has_type) headers.emplace_back("Content-Type", "application/json");
  }
  return http_request(port_, method, target, headers, body);
}

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError()) throw std::runtime_error("response is not JSON: " + text);
  return doc;
}

std::string customers_path(const std::string& store) { return "/stores/" + store + "/customers"; }

}  // namespace custbridge::testing
