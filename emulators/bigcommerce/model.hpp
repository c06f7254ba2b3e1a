#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "emulators/common/dates.hpp"
#include "emulators/common/rate_limit.hpp"

namespace custbridge::emulators::bigcommerce {

// A form field value: `value` is raw JSON (a string, a number or a string array).
struct form_field {
  std::string name;
  std::string value_json;
};

struct address {
  int id = 0;
  int customer_id = 0;
  std::string first_name, last_name, company, address1, address2, city, state_or_province, postal_code, country_code,
      phone;
  std::string address_type = "residential";
  std::vector<form_field> form_fields;
};

struct customer {
  int id = 0;
  std::string email, first_name, last_name, company, phone, notes, tax_exempt_category, registration_ip_address;
  int customer_group_id = 0;
  sys_seconds date_created{}, date_modified{};
  bool force_password_reset = false;
  std::string password;  // write-only
  bool accepts_product_review_abandoned_cart_emails = false;
  bool accepts_marketing = false;  // V2, read-only
  int origin_channel_id = 1;
  std::optional<std::vector<int>> channel_ids;  // nullopt = global login
  std::int64_t store_credit = 0;               // in 1/10000 of the currency unit ("0.0000" in V2)
  std::vector<form_field> form_fields;
  std::vector<std::string> consent_allow, consent_deny;
};

struct attribute {
  int id = 0;
  std::string name, type;  // type: string | number | date
  sys_seconds date_created{}, date_modified{};
};

struct attribute_value {
  int id = 0;
  int attribute_id = 0, customer_id = 0;
  std::string value;  // always a string
  sys_seconds date_created{}, date_modified{};
};

struct subscriber {
  int id = 0;
  std::string email, first_name, last_name, source = "custom";
  std::optional<int> order_id;
  int channel_id = 1;
  std::vector<std::string> consents;
  sys_seconds date_created{}, date_modified{};
};

struct customer_group {
  int id = 0;
  std::string name;
  bool is_default = false, is_group_for_guests = false;
  std::string category_access_json = R"({"type":"all"})";
  std::string discount_rules_json = "[]";
  sys_seconds date_created{}, date_modified{};
};

struct order {
  int id = 0;
  int customer_id = 0;  // 0 = guest (also what deleting the customer leaves behind)
  sys_seconds date_created{};
  std::string status = "Completed";
  int status_id = 10;
  std::int64_t total_cents = 0;
  std::string billing_email;
};

struct hook {
  int id = 0;
  std::string scope, destination;
  bool is_active = true;
  std::vector<std::pair<std::string, std::string>> headers;
  std::int64_t created_at = 0, updated_at = 0;  // epoch seconds
};

// The documented per-endpoint concurrency caps.
struct concurrency_caps {
  concurrency_gate customers_put{3};
  concurrency_gate addresses_post{10};
  concurrency_gate addresses_put{3};
  concurrency_gate attributes_write{3};
  concurrency_gate attribute_values_put{3};
  concurrency_gate form_fields_put{10};
  concurrency_gate customer_groups{40};
};

struct store {
  std::string hash;
  std::int64_t numeric_id = 0;  // the "store_id" string in webhook payloads
  std::string token;
  mutable std::mutex mutex;
  std::map<int, customer> customers;
  std::map<int, address> addresses;
  std::map<int, attribute> attributes;
  std::map<int, attribute_value> attribute_values;
  std::map<int, subscriber> subscribers;
  std::map<int, customer_group> groups;
  std::map<int, order> orders;
  std::map<int, hook> hooks;
  int next_customer = 1, next_address = 1, next_attribute = 1, next_attribute_value = 1, next_subscriber = 1,
      next_group = 1, next_order = 100, next_hook = 1;
  std::unique_ptr<window_quota> quota;
  concurrency_caps caps;

  // Addresses and attribute values by customer, so reading one customer does not scan
  // the whole store. A row's customer_id never changes after creation. Mutate the two
  // maps above only through these functions.
  std::map<int, std::set<int>> addresses_by_customer, values_by_customer;
  void put_address(const address& a) {
    addresses[a.id] = a;
    addresses_by_customer[a.customer_id].insert(a.id);
  }
  void erase_address(int id) {
    auto it = addresses.find(id);
    if (it == addresses.end()) return;
    addresses_by_customer[it->second.customer_id].erase(id);
    addresses.erase(it);
  }
  void put_value(const attribute_value& v) {
    attribute_values[v.id] = v;
    values_by_customer[v.customer_id].insert(v.id);
  }
  void erase_value(int id) {
    auto it = attribute_values.find(id);
    if (it == attribute_values.end()) return;
    values_by_customer[it->second.customer_id].erase(id);
    attribute_values.erase(it);
  }
  const std::set<int>& address_ids(int customer_id) const {
    static const std::set<int> none;
    auto it = addresses_by_customer.find(customer_id);
    return it == addresses_by_customer.end() ? none : it->second;
  }
  const std::set<int>& value_ids(int customer_id) const {
    static const std::set<int> none;
    auto it = values_by_customer.find(customer_id);
    return it == values_by_customer.end() ? none : it->second;
  }
};

}  // namespace custbridge::emulators::bigcommerce
