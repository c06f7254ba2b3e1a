#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "emulators/bigcommerce/model.hpp"
#include "emulators/common/platform.hpp"
#include "emulators/common/webhooks.hpp"

namespace custbridge::emulators::bigcommerce {

struct options {
  std::size_t stores = 1;
  std::size_t customers = 0;  // seeded per store
  std::uint64_t seed = 1;
  std::string token_prefix = "bc-token-";  // X-Auth-Token of store HASH is token_prefix + HASH
  std::string client_secret = "emulator-client-secret";  // signs webhooks (Standard Webhooks)
  std::int64_t quota = 150;  // requests per window, shared by V2 and V3 (Standard/Plus plans)
  std::chrono::milliseconds window{30'000};
  rate_scale scale{};
  bool v2_empty_list_is_204 = true;  // UNDOCUMENTED: third-party reports say 204, not []
  int duplicate_email_status = 422;  // UNDOCUMENTED for V3 customers
  bool strict_webhook_urls = false;  // https on port 443 only, as the platform requires
  std::string public_url;            // base for V2 address links; default "https://api.bigcommerce.com"
  steady_now_fn now = [] { return std::chrono::steady_clock::now(); };
};

// BigCommerce V2 and V3 customer APIs on one server, under /stores/{hash}/v2 and /v3.
class emulator : public platform {
 public:
  explicit emulator(options o);

  boost::asio::awaitable<http::response> handle(http::request req, std::chrono::milliseconds latency) override;
  http::response injected_error(int status, const http::request& req) override;
  http::response server_rejection(int status, std::string_view message) override;
  std::string route_label(const http::request& req) const override;
  void reset() override;
  void seed(std::size_t customers, std::uint64_t seed) override;
  std::string dump_json() const override;
  std::string webhook_log_json() const override;
  void stop_background() override { log_->stop(); }

  const options& config() const { return options_; }
  const std::vector<std::unique_ptr<store>>& stores() const { return stores_; }
  std::shared_ptr<webhook_log> deliveries() const { return log_; }

 private:
  void seed_store(store& s, std::size_t index, std::size_t customers, std::uint64_t seed);
  store* find_store(std::string_view hash) const;

  options options_;
  std::vector<std::unique_ptr<store>> stores_;
  std::shared_ptr<webhook_log> log_ = std::make_shared<webhook_log>();
};

}  // namespace custbridge::emulators::bigcommerce
