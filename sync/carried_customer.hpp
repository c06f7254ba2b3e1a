#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/backends/store_capabilities.hpp"
#include "gateway/domain/customer.hpp"
#include "gateway/domain/error.hpp"

namespace custbridge::sync {

// A field of one customer that the target did not get, and why.
struct not_carried {
  std::string field;  // canonical path: "marketingOptIn", "metadata", "addresses[3]", "addresses[0].company"
  std::string reason;
};

// One field-level difference between what the target holds and what it will hold.
struct field_change {
  std::string field;
  std::string from;  // rendered values, "null" for none
  std::string to;
};

struct carried_address {
  std::optional<std::string> first_name, last_name, company;
  std::string address1;
  std::optional<std::string> address2;
  std::string city;
  std::optional<std::string> region;
  std::string postal_code;
  std::string country;
  std::optional<std::string> phone;

  bool operator==(const carried_address&) const = default;
};

// What the target should hold for one source customer: the source's content less what
// the target cannot hold (listed in `dropped`). A field that is nullopt is not carried.
struct carried_customer {
  std::string email;
  std::optional<std::string> name;
  std::optional<std::string> phone;
  bool name_carried = true;
  bool phone_carried = true;
  std::optional<bool> marketing_opt_in;
  std::vector<carried_address> addresses;
  bool addresses_carried = true;
  int default_address = -1;  // index into addresses, -1 for none
  bool default_carried = true;
  std::optional<std::map<std::string, std::string>> metadata;
  std::vector<not_carried> dropped;
};

// The source customer as the target can hold it: for a create when `existing` is null,
// else for an update of `existing` (the capabilities differ: V3 takes metadata on create
// only). A field the target cannot write is listed in `dropped` when the source's value
// differs from what the target has (or, on create, from the target's default).
carried_customer carry(const domain::customer& source, const backends::store_capabilities& target,
                       const domain::customer* existing);

// A digest of the source customer's content (every field a sync carries, ids and
// timestamps aside): an equal digest since the last write means nothing to write.
std::string content_hash(const domain::customer& source);

carried_address to_carried(const domain::address& a);
int default_index(const domain::customer& c);

// Differences between the target customer as it is and `want`, over the carried fields
// only (emails compare exactly: a change of case is written).
std::vector<field_change> diff(const domain::customer& target, const carried_customer& want);

domain::customer_create to_create(const carried_customer& want);
// A patch that makes `target` hold `want`: only the fields in `changes` are sent;
// addresses are replaced all at once, reusing the target's address ids by position and
// keeping the target's extra addresses when the target cannot delete addresses (each
// then listed in `kept`).
domain::customer_patch to_patch(const domain::customer& target, const carried_customer& want,
                                const std::vector<field_change>& changes, const backends::store_capabilities& caps,
                                std::vector<not_carried>& kept);

// Drops the fields a target refused (a VALIDATION_ERROR's details: "name",
// "addresses[2].postalCode", ...) and adds them to `dropped`. False when one of them
// cannot be dropped (the email, an unknown field, or one dropped already).
bool drop_fields(carried_customer& want, const std::vector<domain::field_error>& refused);

}  // namespace custbridge::sync
