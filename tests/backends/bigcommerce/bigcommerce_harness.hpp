#pragma once

#include <rapidjson/document.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "gateway/backends/bigcommerce_v2/bigcommerce_v2_backend.hpp"
#include "gateway/backends/bigcommerce_v3/bigcommerce_v3_backend.hpp"
#include "mappers/loader.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/http_client.hpp"

namespace custbridge::backends::testing_bc {

namespace asio = boost::asio;

// One `cb-emulator bigcommerce` store read and written through both adapters, on an
// io_context run by several threads (as the gateway's server threads would).
struct harness {
  custbridge::testing::emulator_process emulator;
  asio::io_context io{4};
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  std::vector<std::thread> threads;
  std::shared_ptr<platform_store> v2_store, v3_store;
  std::shared_ptr<customer_backend> v2, v3;

  explicit harness(std::vector<std::string> flags) : emulator(CUSTBRIDGE_EMULATOR_PATH, "bigcommerce", with_fast(flags)) {
    v2_store = make_store("bigcommerce_v2", platform::bigcommerce_v2, "bc2-store");
    v3_store = make_store("bigcommerce_v3", platform::bigcommerce_v3, "bc3-store");
    v2 = make_bigcommerce_v2_backend(v2_store);
    v3 = make_bigcommerce_v3_backend(v3_store);
    for (int i = 0; i < 3; ++i) threads.emplace_back([this] { io.run(); });
  }
  ~harness() {
    v2.reset();
    v3.reset();
    v2_store.reset();
    v3_store.reset();
    work.reset();
    for (auto& t : threads) t.join();
  }

  static std::vector<std::string> with_fast(std::vector<std::string> flags) {
    flags.insert(flags.end(), {"--rate-scale", "0"});
    return flags;
  }

  std::shared_ptr<platform_store> make_store(const std::string& mapping, platform kind, const std::string& id) {
    auto plan = mappers::load_mapping_file(CUSTBRIDGE_SOURCE_DIR "/mappers/platforms/" + mapping + ".yaml");
    if (!plan) throw std::runtime_error("mapping does not load");
    config::platform_config cfg;
    cfg.base_url = emulator.base_url();
    cfg.access_token = emulator.stores()[0].access_token;
    cfg.timeout = std::chrono::seconds(10);
    auto client = upstream::client::create(io.get_executor(), bigcommerce_v3_client_options(cfg));
    if (!client) throw std::runtime_error(client.error());
    auto store = std::make_shared<platform_store>();
    store->store_id = id;
    store->kind = kind;
    store->platform_name = "BigCommerce";
    store->plan = *plan;
    store->client = *client;
    store->timeout = cfg.timeout;
    return store;
  }

  const platform_store& store_of(const std::string& version) const { return version == "v2" ? *v2_store : *v3_store; }
  customer_backend& backend(const std::string& version) { return version == "v2" ? *v2 : *v3; }
  request_context rc(const std::string& version) const { return {store_of(version).store_id, "test-request"}; }

  template <class T>
  T run(asio::awaitable<T> op) {
    return asio::co_spawn(io, std::move(op), asio::use_future).get();
  }

  custbridge::testing::http_reply admin(const std::string& method, const std::string& what, const std::string& body = "") {
    return custbridge::testing::http_request(emulator.port(), method, "/__emulator/" + what,
                                             {{"Content-Type", "application/json"}}, body);
  }
  custbridge::testing::http_reply platform(const std::string& method, const std::string& path, const std::string& body = "") {
    return custbridge::testing::http_request(
        emulator.port(), method, "/stores/" + emulator.stores()[0].id + path,
        {{"X-Auth-Token", emulator.stores()[0].access_token}, {"Accept", "application/json"}, {"Content-Type", "application/json"}},
        body);
  }
  rapidjson::Document dump() {
    rapidjson::Document d;
    d.Parse(admin("GET", "dump").body.c_str());
    return d;
  }
  // address1 -> city of the platform customer's addresses, from the dump.
  std::map<std::string, std::string> platform_addresses(std::uint64_t customer_pid) {
    auto d = dump();
    std::map<std::string, std::string> out;
    for (const auto& c : d["stores"][0]["customers"].GetArray())
      if (c["id"].GetUint64() == customer_pid)
        for (const auto& a : c["addresses"].GetArray()) out[a["address1"].GetString()] = a["city"].GetString();
    return out;
  }
};

inline domain::address_input address(std::string line, std::string city) {
  domain::address_input a;
  a.first_name.set("Ada");
  a.last_name.set("Lovelace");
  a.address1.set(std::move(line));
  a.city.set(std::move(city));
  a.region.set("California");
  a.postal_code.set("90001");
  a.country.set("US");
  a.phone.set("+1 555 0100");
  return a;
}

inline domain::address_input keep(const std::string& id) {
  domain::address_input a;
  a.id = id;
  return a;
}

inline domain::customer_create ada(std::string email) {
  domain::customer_create in;
  in.email = std::move(email);
  in.name = "Ada Lovelace";
  return in;
}

}  // namespace custbridge::backends::testing_bc
