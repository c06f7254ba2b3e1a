#pragma once

#include <rapidjson/document.h>

#include <boost/asio/io_context.hpp>
#include <map>
#include <string>
#include <vector>

#include "tests/backends/store_fixture.hpp"
#include "tests/support/emulator_process.hpp"
#include "tests/support/http_client.hpp"

namespace custbridge::backends::testing_bc {

namespace asio = boost::asio;

// One `cb-emulator bigcommerce` store read and written through both adapters, built as
// the gateway builds them, on one io_context run by three threads (as the gateway's
// server threads would).
struct harness {
  custbridge::testing::emulator_process emulator;
  testing_stores::store_fixture fixture{3};
  asio::io_context& io = fixture.io();
  const platform_store* v2_store = nullptr;
  const platform_store* v3_store = nullptr;
  customer_backend* v2 = nullptr;
  customer_backend* v3 = nullptr;

  explicit harness(std::vector<std::string> flags)
      : emulator(CUSTBRIDGE_EMULATOR_PATH, testing_stores::emulator_platform("bigcommerce_v3"), with_fast(flags)) {
    const auto i2 = fixture.add(testing_stores::emulator_store_config(emulator, "bigcommerce_v2", "bc2-store"));
    const auto i3 = fixture.add(testing_stores::emulator_store_config(emulator, "bigcommerce_v3", "bc3-store"));
    v2_store = &fixture.store(i2);
    v3_store = &fixture.store(i3);
    v2 = &fixture.backend(i2);
    v3 = &fixture.backend(i3);
  }

  static std::vector<std::string> with_fast(std::vector<std::string> flags) {
    flags.insert(flags.end(), {"--rate-scale", "0"});
    return flags;
  }

  const platform_store& store_of(const std::string& version) const { return version == "v2" ? *v2_store : *v3_store; }
  customer_backend& backend(const std::string& version) { return version == "v2" ? *v2 : *v3; }
  request_context rc(const std::string& version) const { return {store_of(version).store_id, "test-request"}; }

  template <class T>
  T run(asio::awaitable<T> op) {
    return fixture.run(std::move(op));
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
