#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/domain/customer.hpp"

namespace custbridge::domain {

// The canonical update semantics, shared by every backend so that all of them
// behave alike: fields given change, null clears optional ones, `addresses`
// replaces the whole list (an entry with an id keeps that address and merges the
// fields given; an entry without one is new; the rest are deleted), and the default
// address follows defaultAddressId / isDefault (moved to the first remaining
// address when the default is deleted, set to the first when the customer gets its
// first addresses, and left cleared when the client cleared it).
struct patch_outcome {
  customer next;  // the customer as it should be after the update
  std::vector<std::string> created_address_ids;   // ids (from new_address_id) of new addresses, in order
  std::vector<std::string> modified_address_ids;  // kept addresses whose content changed
  std::vector<std::string> removed_address_ids;   // addresses of `current` not kept
};

// VALIDATION_ERROR for an address id that is not the customer's (or repeated), a
// defaultAddressId that names no address of the result, or one that contradicts an
// isDefault flag. Email uniqueness is the backend's to check. `now` stamps
// updatedAt of changed addresses and createdAt/updatedAt of new ones.
domain::result<patch_outcome> apply_patch(const customer& current, const customer_patch& patch, std::string_view now,
                                       const std::function<std::string()>& new_address_id);

// Copies the fields an address entry gives onto an address.
void merge_address(const address_input& in, address& a);

// True if the two addresses hold the same values (ids and timestamps aside).
bool same_content(const address& x, const address& y);

}  // namespace custbridge::domain
