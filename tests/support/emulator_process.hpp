#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"

namespace custbridge::testing {

// A real `cb-emulator <platform>` process on an ephemeral port, its listening line
// parsed. Stores are listed in order: Nuvemshop gives numeric store ids, BigCommerce
// store hashes; each with its access token.
class emulator_process {
 public:
  struct store {
    std::string id;  // Nuvemshop store_id (decimal) or BigCommerce store hash
    std::string access_token;
  };

  // `platform` is "nuvemshop" or "bigcommerce"; `flags` are passed through (e.g.
  // "--customers", "0", "--rate-scale", "100", or "--tls-cert", FILE, "--tls-key", FILE
  // to serve HTTPS). Throws std::runtime_error if it does not start.
  emulator_process(const std::string& binary, const std::string& platform, const std::vector<std::string>& flags = {});
  ~emulator_process();

  std::uint16_t port() const { return port_; }
  const std::string& url() const { return url_; }  // http://127.0.0.1:PORT, or https:// when serving TLS
  bool tls() const { return url_.starts_with("https://"); }
  const std::vector<store>& stores() const { return stores_; }
  // The base_url a custbridge store config needs for stores()[i].
  std::string base_url(std::size_t i = 0) const;
  child_process& process() { return *process_; }

 private:
  std::string platform_;
  std::unique_ptr<child_process> process_;
  std::uint16_t port_ = 0;
  std::string url_;
  std::vector<store> stores_;
};

}  // namespace custbridge::testing
