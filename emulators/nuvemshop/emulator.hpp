#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "emulators/common/platform.hpp"
#include "emulators/common/rate_limit.hpp"
#include "emulators/common/webhooks.hpp"
#include "emulators/nuvemshop/customer.hpp"

namespace custbridge::emulators::nuvemshop {

struct options {
  std::size_t stores = 1;
  std::int64_t first_store_id = 1000001;
  // Above 2^32 by default so an int32 (or uint32) id anywhere in a client shows up at once.
  std::int64_t first_customer_id = 5000000001;
  std::size_t customers = 0;  // seeded per store
  std::uint64_t seed = 1;
  std::string token_prefix = "ns-token-";  // store N's token is token_prefix + N
  std::string client_secret = "emulator-client-secret";  // signs webhooks
  std::string currency = "BRL";
  int bucket_size = 40;         // leaky bucket (x10 on Next/Evolution plans)
  double drain_per_second = 2;  // leak rate
  rate_scale scale{};
  int default_per_page = 30;
  bool per_page_over_max_is_error = false;  // UNDOCUMENTED: otherwise clamped to 200
  bool accept_authorization_header = false;  // `Authorization: Bearer` (HUB 2026) besides `Authentication: bearer`
  bool put_replaces_addresses = false;      // UNDOCUMENTED: issue #32 says addresses are never removed
  bool strict_webhook_urls = false;         // https only, no localhost (the real rule)
  std::string public_url;  // base for Link headers; default "http://" + the Host header
  std::vector<std::int64_t> suspended_stores;  // every call to these gets 402
  steady_now_fn now = [] { return std::chrono::steady_clock::now(); };
};

struct webhook {
  std::int64_t id = 0;
  std::string event, url;
  sys_seconds created_at{}, updated_at{};
};

// One store: its customers in id order, its webhooks, its rate-limit bucket.
struct store {
  std::int64_t id = 0;
  std::string token;
  std::mutex mutex;
  std::map<std::int64_t, customer> customers;
  std::map<std::int64_t, webhook> webhooks;
  std::int64_t next_customer_id = 0, next_address_id = 0, next_order_id = 0, next_webhook_id = 0;
  std::unique_ptr<leaky_bucket> bucket;
};

// The Nuvemshop customer API at /v1/{store_id}/customers and /v1/{store_id}/webhooks.
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
  struct context;
  http::response dispatch(const http::request& req, store& s, std::vector<webhook_delivery>& hooks);
  http::response list_customers(const http::request& req, store& s);
  http::response get_customer(const http::request& req, store& s, std::int64_t id);
  http::response create_customer(const http::request& req, store& s, std::vector<webhook_delivery>& hooks);
  http::response update_customer(const http::request& req, store& s, std::int64_t id, std::vector<webhook_delivery>& hooks);
  http::response delete_customer(store& s, std::int64_t id, std::vector<webhook_delivery>& hooks);
  http::response webhooks(const http::request& req, store& s, const std::vector<std::string_view>& seg);
  void notify(store& s, std::string_view event, std::int64_t customer_id, std::vector<webhook_delivery>& out);
  void seed_store(store& s, std::size_t index, std::size_t customers, std::uint64_t seed);
  store* find_store(std::string_view id) const;

  options options_;
  std::vector<std::unique_ptr<store>> stores_;
  std::shared_ptr<webhook_log> log_ = std::make_shared<webhook_log>();
};

}  // namespace custbridge::emulators::nuvemshop
