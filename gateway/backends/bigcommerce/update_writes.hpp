#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gateway/backends/platform/platform_store.hpp"
#include "gateway/domain/customer_patch.hpp"

// The platform writes of one replace-all update, shared by the V2 and V3 adapters: in
// an order where a failure part-way leaves the previous data in place, and undone as far
// as the platform allows when a later step fails.
namespace custbridge::backends::bigcommerce {

// The address writes of an update. They run in this order: modify, create, record the
// default, remove, then modify_after_remove.
struct address_plan {
  std::vector<std::string> modify;               // kept addresses whose content changes
  std::vector<std::string> create;               // new addresses (placeholder ids in outcome.next)
  std::vector<std::string> remove;               // addresses of the current customer that go
  std::vector<std::string> modify_after_remove;  // kept addresses whose new content equals one that goes
};

// Whether two addresses are the same address to the platform (equal platform bodies).
using same_address_fn = std::function<bool(const domain::address&, const domain::address&)>;

// The plan for apply_patch's outcome. BigCommerce takes two addresses with the same
// content (`same`) for one (§3.1: a POST of the second is silently dropped), so a new address
// whose content equals an address that goes keeps that address: outcome.next takes the
// old address (its id, and the default if it was the new one), and it is neither created
// nor removed. A kept address changed to the content of one that goes is modified only
// once that one is gone, or the platform would skip the change.
address_plan plan_address_writes(const domain::customer& current, domain::patch_outcome& outcome,
                                  const same_address_fn& same);

// The result of an address batch: aligned with the request, the address as the platform
// now holds it (nullopt: not written, e.g. skipped as a duplicate), and the failure that
// stopped the batch, if any.
struct address_batch {
  std::vector<std::optional<domain::address>> done;
  std::optional<domain::error> failure;
};

// One API version's calls for the update of one customer. Bodies are mapped from the
// domain values inside; the adapter validates the forward writes before write_update.
class update_calls {
 public:
  virtual ~update_calls() = default;
  // The customer's own fields; with `restore`, the values read at the start. `applied`
  // is set when the platform took the write, even if its answer could not be read.
  virtual boost::asio::awaitable<domain::result<void>> put_fields(bool restore, bool& applied) = 0;
  // Writes each address's content over the platform address of its id.
  virtual boost::asio::awaitable<address_batch> modify(std::vector<domain::address> addresses) = 0;
  // Creates the addresses (ids ignored); done[i] carries the new id.
  virtual boost::asio::awaitable<address_batch> create(std::vector<domain::address> addresses) = 0;
  // Deletes the platform addresses of these ids; done[i] is set for each one gone.
  virtual boost::asio::awaitable<address_batch> remove(std::vector<domain::address> addresses) = 0;
  // Upserts the default-address attribute value.
  virtual boost::asio::awaitable<domain::result<void>> set_default(std::string value) = 0;
};

struct update_written {
  std::map<std::string, domain::address> addresses;  // by the id in `next` (placeholders too), as written
  std::optional<std::string> stored_default;         // the attribute value afterwards
};

// Runs the update: the customer's fields, then the plan, the default value written
// only when the stored one does not already mean it. A failure of the first call is
// returned as it is (nothing was applied). A later failure undoes the steps applied, in
// reverse: created addresses are deleted, modified ones get their content read at the
// start back, removed ones are created again (new ids), the default value and the
// customer's fields are restored. The error then keeps the failing call's kind if
// everything was undone, and is UPSTREAM_ERROR (not retryable) otherwise; its message
// says which step failed, what was applied and rolled back, and what could not be.
boost::asio::awaitable<domain::result<update_written>> write_update(update_calls& calls, const platform_store& store,
                                                                    const std::string& customer_id,
                                                                    const domain::customer& current,
                                                                    const domain::customer& next, const address_plan& plan,
                                                                    const std::optional<std::string>& stored_default);

// The customer after an update: `updated` (the platform's answer to the fields write)
// with next's addresses as written, in platform id order, and the default they read.
domain::customer updated_customer(const platform_store& store, domain::customer updated, const domain::customer& next,
                                  const update_written& written);

}  // namespace custbridge::backends::bigcommerce
