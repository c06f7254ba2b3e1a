#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace custbridge::domain {

// The canonical customer as the API returns it. Backends produce these; the API
// layer serializes them. Optional fields serialize as null when absent.
struct address {
  std::string id;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<std::string> company;
  std::string address1;
  std::optional<std::string> address2;
  std::string city;
  std::optional<std::string> region;
  std::string postal_code;
  std::string country;  // ISO 3166-1 alpha-2
  std::optional<std::string> phone;
  bool is_default = false;
  std::string created_at;
  std::string updated_at;
};

struct customer {
  std::string id;
  std::string store_id;
  std::string email;
  std::optional<std::string> name;
  std::optional<std::string> phone;
  bool marketing_opt_in = false;
  std::optional<std::string> default_address_id;
  std::vector<address> addresses;
  std::map<std::string, std::string> metadata;
  std::int64_t orders_count = 0;  // not part of the API body; drives delete and hasOrders
  std::string created_at;
  std::string updated_at;
};

// A field that is absent, explicitly null, or set.
template <class T>
struct patch_field {
  bool present = false;
  std::optional<T> value;  // nullopt with present == true means "set to null"

  void set(T v) {
    present = true;
    value = std::move(v);
  }
  void set_null() {
    present = true;
    value.reset();
  }
};

// An address in a create or update body. On update, an entry with `id` modifies
// that address: fields not given keep their current values.
struct address_input {
  std::optional<std::string> id;
  patch_field<std::string> first_name, last_name, company, address1, address2, city, region, postal_code,
      country, phone;
  std::optional<bool> is_default;
};

struct customer_create {
  std::string email;
  std::optional<std::string> name;
  std::optional<std::string> phone;
  bool marketing_opt_in = false;
  std::vector<address_input> addresses;
  std::map<std::string, std::string> metadata;
  std::int64_t orders_count = 0;  // only settable by imports and fixtures
};

struct customer_patch {
  std::optional<std::string> email;
  patch_field<std::string> name, phone, default_address_id;
  std::optional<bool> marketing_opt_in;
  std::optional<std::vector<address_input>> addresses;  // replace-all when present
  std::optional<std::map<std::string, std::string>> metadata;
};

enum class sort_field { created_at, updated_at, name, email };

// The largest list offset a client may ask for. Far past any store served page by page,
// and small enough that offset + limit, and a platform's page arithmetic in int, never
// overflow.
inline constexpr std::int64_t max_list_offset = 100'000'000;

struct list_query {
  int limit = 50;
  std::int64_t offset = 0;
  std::optional<std::string> email;   // exact, case-insensitive
  std::optional<std::string> search;  // substring of email, name or phone
  sort_field sort_by = sort_field::created_at;
  bool descending = true;
  std::optional<bool> marketing_opt_in;
  std::optional<bool> has_orders;
};

struct customer_page {
  std::vector<customer> items;
  std::int64_t total = 0;
};

}  // namespace custbridge::domain
