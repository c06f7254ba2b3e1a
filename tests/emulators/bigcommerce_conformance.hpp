#pragma once

#include <memory>
#include <string>

#include "emulators/bigcommerce/emulator.hpp"
#include "tests/emulators/emulator_test_support.hpp"
#include "tests/emulators/openapi_validator.hpp"

namespace custbridge::emulators::testing {

// The official BigCommerce specs, loaded once per test binary. A missing file fails
// the calling test with the path it looked for.
struct bigcommerce_specs {
  std::optional<openapi_spec> customers_v3, customers_v2, subscribers_v3, webhooks_v3;
  std::string error;
  static const bigcommerce_specs& get();
};

// Sends requests to an in-process BigCommerce emulator and validates every response
// against the official OpenAPI schema for its path, method and status (strictly: keys
// the schema does not declare fail too). Validation failures are test failures.
class bc_client {
 public:
  explicit bc_client(bigcommerce::emulator& e, std::string hash = "emu00001");

  http::response v3(const std::string& method, const std::string& target, const std::string& body = "");
  http::response v2(const std::string& method, const std::string& target, const std::string& body = "");
  // Sends with exactly these headers (for auth and content-type tests); still validated.
  http::response send(http::request req);

  std::string token;

 private:
  void validate(const http::request& req, const http::response& res);
  bigcommerce::emulator& e_;
  std::string hash_;
};

}  // namespace custbridge::emulators::testing
