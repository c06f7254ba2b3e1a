#pragma once

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <memory>
#include <string>

#include "tests/support/child_process.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/http_client.hpp"

namespace custbridge::testing {

// Keys the test config grants, one per permission shape under test.
struct test_keys {
  std::string admin;        // "*" on every store
  std::string reader;       // customers:read on store_a
  std::string dot_writer;   // customer.read + customer.write on store_a (no delete)
  std::string colon_writer; // customers:read + customers:write on store_a (write includes delete)
  std::string other_store;  // "*" on store_b only
};

inline const std::string store_a = "0f0e0d0c-0b0a-4909-8807-060504030201";
inline const std::string store_b = "store-b";

// A real `custbridge serve` process on an ephemeral port with a fresh SQLite file.
// store_b is always local; store_a is local or lives on a platform emulator started
// for the test (backend "nuvemshop", "bigcommerce_v3" or "bigcommerce_v2").
class gateway_process {
 public:
  // `extra_server_yaml` is spliced into the server: section (indented two spaces);
  // `store_a_extra_yaml` into store_a's section when it is on an emulator (indented four
  // spaces), e.g. "    ca_file: /tmp/ca.pem\n".
  explicit gateway_process(const std::string& extra_server_yaml = "", const std::string& store_a_backend = "local",
                           const std::vector<std::string>& emulator_flags = {},
                           const std::string& store_a_extra_yaml = "");
  ~gateway_process();

  std::uint16_t port() const { return port_; }
  // The emulator behind store_a, or null when store_a is local.
  emulator_process* emulator() { return emulator_.get(); }
  // Stops the process gracefully and starts a new one on the same config and database.
  void restart();
  const test_keys& keys() const { return keys_; }
  child_process& process() { return *process_; }
  const std::filesystem::path& dir() const { return dir_; }
  std::string config_path() const { return (dir_ / "gateway.yaml").string(); }

  http_reply call(const std::string& method, const std::string& target, const std::string& key,
                  const std::string& body = "", std::vector<std::pair<std::string, std::string>> headers = {});

 private:
  void start();

  std::filesystem::path dir_;
  std::unique_ptr<emulator_process> emulator_;
  test_keys keys_;
  std::unique_ptr<child_process> process_;
  std::uint16_t port_ = 0;
};

rapidjson::Document parse_json(const std::string& text);
std::string customers_path(const std::string& store);

}  // namespace custbridge::testing
