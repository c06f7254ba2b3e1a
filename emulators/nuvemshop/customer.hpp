#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emulators/common/dates.hpp"

namespace custbridge::emulators::nuvemshop {

using opt_string = std::optional<std::string>;

// An address as Nuvemshop stores it: the street split into name, number, floor
// (complement) and locality (neighbourhood); province is a full name.
struct address {
  std::int64_t id = 0;
  opt_string address, number, floor, locality, city, province, zipcode, country, phone, name;
  bool is_default = false;
  sys_seconds created_at{};
  sys_seconds updated_at{};
};

struct customer {
  std::int64_t id = 0;
  std::string name;
  std::string email;
  opt_string phone, identification, note;
  std::vector<address> addresses;  // the default one carries is_default
  // Billing is flat on the customer, not an address object.
  opt_string billing_name, billing_phone, billing_address, billing_number, billing_floor, billing_locality,
      billing_zipcode, billing_city, billing_province, billing_country;
  std::string extra_json = "{}";  // a JSON object, kept verbatim
  // Undocumented keys a client sent (B2B/fiscal fields...), echoed back verbatim.
  std::vector<std::pair<std::string, std::string>> passthrough;
  std::int64_t total_spent_cents = 0;
  std::string total_spent_currency = "BRL";
  std::optional<std::int64_t> last_order_id;
  int order_count = 0;
  bool active = false;
  bool accepts_marketing = false;
  std::optional<sys_seconds> accepts_marketing_updated_at;
  sys_seconds first_interaction{};
  sys_seconds created_at{};
  sys_seconds updated_at{};
  std::string password;  // write-only
};

}  // namespace custbridge::emulators::nuvemshop
