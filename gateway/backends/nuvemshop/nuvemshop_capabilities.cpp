#include "gateway/backends/nuvemshop/nuvemshop_backend.hpp"

namespace custbridge::backends {

const store_capabilities& nuvemshop_capabilities() {
  static const store_capabilities caps = [] {
    store_capabilities c;
    c.backend = "nuvemshop";
    c.marketing_opt_in_writable = capability::no(
        "is read-only on Nuvemshop stores: only the customer can opt in or out there, so it cannot be set to a value "
        "other than the platform's");
    // metadata is the customer's free-form `extra` object (nuvemshop.yaml).
    c.delete_addresses = capability::no(
        "Nuvemshop cannot delete addresses through its API; send every current address (by id) to keep them");
    c.max_batch_size = 1;
    // `q` matches name, email and identification (reference §2); the phone is not searched.
    c.searchable_fields = {"email", "name"};
    // createdAt is the platform's id order; the other sorts and both filters are served by
    // reading at most 1000 matching customers (a larger match is a 400 naming them).
    c.sortable_fields = {domain::sort_field::created_at, domain::sort_field::updated_at, domain::sort_field::name,
                         domain::sort_field::email};
    // Passes over updated_at_min in id order (id_order_feed.hpp); the list does not show
    // deleted customers.
    c.change_feed = capability::yes();
    c.changes_report_deletes = false;
    return c;
  }();
  return caps;
}

}  // namespace custbridge::backends
