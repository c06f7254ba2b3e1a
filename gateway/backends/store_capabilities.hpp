#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/domain/customer.hpp"

namespace custbridge::backends {

// Something a store can or cannot do; `reason` says why not, in words fit for a 400's
// message and for the docs.
struct capability {
  bool supported = true;
  std::string reason;

  static capability yes() { return {}; }
  static capability no(std::string why) { return {false, std::move(why)}; }
  explicit operator bool() const { return supported; }
};

// One store's description of itself: what it can hold and answer. The API's refusals
// and the sync engine's planning both read it, so they cannot disagree.
struct store_capabilities {
  std::string backend;  // "local", "nuvemshop", "bigcommerce_v3", "bigcommerce_v2"

  // Writes.
  capability marketing_opt_in_writable;
  capability metadata_on_create;
  capability metadata_on_update;
  capability delete_addresses;  // replace-all may drop addresses
  int max_addresses = 50;
  int max_batch_size = 1;  // customers per create_many call on the platform

  // Reads.
  std::vector<std::string> searchable_fields;  // canonical fields `search` matches: "email", "name", "phone"
  std::vector<domain::sort_field> sortable_fields;
  capability filter_marketing_opt_in;
  capability filter_has_orders;

  // Change feed.
  capability change_feed;
  bool changes_report_deletes = false;

  bool can_sort_by(domain::sort_field f) const;
};

// The canonical name of a sort field ("createdAt", ...).
const char* sort_field_name(domain::sort_field f);

// A Markdown table of what each store can do, one column per store, with the reason
// wherever one cannot: the list docs/backends.md shows (a test keeps the two equal).
std::string capabilities_table(const std::vector<const store_capabilities*>& stores);

}  // namespace custbridge::backends
