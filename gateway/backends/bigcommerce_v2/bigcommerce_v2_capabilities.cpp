#include "gateway/backends/bigcommerce_v2/bigcommerce_v2_backend.hpp"

namespace custbridge::backends {

const store_capabilities& bigcommerce_v2_capabilities() {
  static const store_capabilities caps = [] {
    store_capabilities c;
    c.backend = "bigcommerce_v2";
    c.marketing_opt_in_writable = capability::no("BigCommerce V2 does not let clients write accepts_marketing");
    c.metadata_on_create = capability::no("BigCommerce V2 has no place for metadata");
    c.metadata_on_update = c.metadata_on_create;
    c.max_batch_size = 1;
    c.searchable_fields = {};
    c.sortable_fields = {domain::sort_field::created_at};
    c.filter_marketing_opt_in =
        capability::no("is not supported: BigCommerce V2 cannot filter customers by accepts_marketing");
    c.filter_has_orders = capability::no("is not supported: BigCommerce V2 cannot filter customers by orders");
    // Passes over min_date_modified in min_id order (id_order_feed.hpp); the list does not
    // show deleted customers.
    c.change_feed = capability::yes();
    c.changes_report_deletes = false;
    return c;
  }();
  return caps;
}

}  // namespace custbridge::backends
