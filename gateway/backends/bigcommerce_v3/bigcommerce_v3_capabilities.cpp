#include "gateway/backends/bigcommerce_v3/bigcommerce_v3_backend.hpp"

namespace custbridge::backends {

const store_capabilities& bigcommerce_v3_capabilities() {
  static const store_capabilities caps = [] {
    store_capabilities c;
    c.backend = "bigcommerce_v3";
    c.metadata_on_update = capability::no("BigCommerce V3 attributes are mapped on create only");
    // POST /v3/customers takes an array of at most 10 customers (reference §1).
    c.max_batch_size = 10;
    // A term with '@' is an exact email (email:in); any other a name substring (name:like).
    c.searchable_fields = {"email", "name"};
    c.sortable_fields = {domain::sort_field::created_at, domain::sort_field::updated_at};
    c.filter_marketing_opt_in = capability::no("BigCommerce V3 cannot filter customers by marketing consent");
    c.filter_has_orders = capability::no("BigCommerce V3 cannot filter customers by their orders");
    c.change_feed = capability::yes();
    // The customer list does not show deleted customers.
    c.changes_report_deletes = false;
    return c;
  }();
  return caps;
}

}  // namespace custbridge::backends
