#include "tests/backends/store_fixture.hpp"

#include <chrono>
#include <stdexcept>

#include "common/text.hpp"
#include "gateway/backends/platform/platform_factory.hpp"
#include "gateway/backends/platform/platform_registry.hpp"

namespace custbridge::backends::testing_stores {

std::string emulator_platform(std::string_view backend) {
  const auto* adapter = find_platform_adapter(backend);
  if (!adapter) throw std::invalid_argument("'" + std::string(backend) + "' is not a registered platform backend");
  return ascii_lower(adapter->display_name);
}

std::unique_ptr<custbridge::testing::emulator_process> start_emulator(std::string_view backend,
                                                                       const std::vector<std::string>& flags) {
  return std::make_unique<custbridge::testing::emulator_process>(CUSTBRIDGE_EMULATOR_PATH, emulator_platform(backend), flags);
}

config::store_config emulator_store_config(const custbridge::testing::emulator_process& emulator, std::string backend,
                                           std::string store_id, std::string token, std::size_t emulator_store) {
  config::store_config cfg;
  cfg.id = std::move(store_id);
  cfg.backend = std::move(backend);
  cfg.platform.base_url = emulator.base_url(emulator_store);
  cfg.platform.access_token = token.empty() ? emulator.stores().at(emulator_store).access_token : std::move(token);
  cfg.platform.user_agent = "custbridge-tests (dev@custbridge.invalid)";
  cfg.platform.timeout = std::chrono::seconds(10);
  return cfg;
}

store_fixture::store_fixture(int threads)
    : io_(threads > 1 ? threads + 1 : BOOST_ASIO_CONCURRENCY_HINT_DEFAULT), guard_(io_.get_executor()) {
  for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { io_.run(); });
}

// The delegated constructor has completed, so a refusal here still runs the destructor
// (which stops the threads).
store_fixture::store_fixture(config::store_config config, int threads) : store_fixture(threads) { add(std::move(config)); }

store_fixture::store_fixture(const custbridge::testing::emulator_process& emulator, std::string backend,
                             std::string store_id, std::string token, std::size_t emulator_store, int threads)
    : store_fixture(emulator_store_config(emulator, std::move(backend), std::move(store_id), std::move(token), emulator_store),
                    threads) {}

store_fixture::~store_fixture() { stop(); }

void store_fixture::stop() {
  stores_.clear();
  guard_.reset();
  io_.stop();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
}

std::size_t store_fixture::add(config::store_config config) {
  built_store built{std::move(config), nullptr, nullptr};
  auto made = make_platform_backend(built.config, io_.get_executor(), &built.store);
  if (!made) throw std::runtime_error(made.error());
  built.backend = std::move(*made);
  stores_.push_back(std::move(built));
  return stores_.size() - 1;
}

domain::result<domain::customer_page> store_fixture::list(domain::list_query q) {
  const auto ctx = rc();
  return run(backend().list(ctx, std::move(q)));
}

domain::result<domain::customer> store_fixture::get(const std::string& id) {
  const auto ctx = rc();
  return run(backend().get(ctx, id));
}

domain::result<domain::customer> store_fixture::create(domain::customer_create in) {
  const auto ctx = rc();
  return run(backend().create(ctx, std::move(in)));
}

domain::result<domain::customer> store_fixture::update(const std::string& id, domain::customer_patch patch) {
  const auto ctx = rc();
  return run(backend().update(ctx, id, std::move(patch)));
}

domain::result<void> store_fixture::remove(const std::string& id) {
  const auto ctx = rc();
  return run(backend().remove(ctx, id));
}

}  // namespace custbridge::backends::testing_stores
