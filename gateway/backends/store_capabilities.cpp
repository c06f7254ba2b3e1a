#include "gateway/backends/store_capabilities.hpp"

#include <algorithm>

namespace custbridge::backends {

bool store_capabilities::can_sort_by(domain::sort_field f) const {
  return std::find(sortable_fields.begin(), sortable_fields.end(), f) != sortable_fields.end();
}

const char* sort_field_name(domain::sort_field f) {
  switch (f) {
    case domain::sort_field::created_at: return "createdAt";
    case domain::sort_field::updated_at: return "updatedAt";
    case domain::sort_field::name: return "name";
    case domain::sort_field::email: return "email";
  }
  return "createdAt";
}

std::string capabilities_table(const std::vector<const store_capabilities*>& stores) {
  std::string out = "| |";
  for (const auto* s : stores) out += " " + s->backend + " |";
  out += "\n|---|";
  for (std::size_t i = 0; i < stores.size(); ++i) out += "---|";
  out += "\n";
  auto row = [&](const char* name, auto cell) {
    out += std::string("| ") + name + " |";
    for (const auto* s : stores) out += " " + cell(*s) + " |";
    out += "\n";
  };
  auto said = [](const capability& c) { return c.supported ? std::string("yes") : "no: " + c.reason; };
  row("write marketingOptIn", [&](const store_capabilities& s) { return said(s.marketing_opt_in_writable); });
  row("metadata on create", [&](const store_capabilities& s) { return said(s.metadata_on_create); });
  row("metadata on update", [&](const store_capabilities& s) { return said(s.metadata_on_update); });
  row("remove addresses", [&](const store_capabilities& s) { return said(s.delete_addresses); });
  row("customers per create_many call", [](const store_capabilities& s) { return std::to_string(s.max_batch_size); });
  row("search matches", [](const store_capabilities& s) {
    std::string fields;
    for (const auto& f : s.searchable_fields) fields += (fields.empty() ? "" : ", ") + f;
    return fields.empty() ? std::string("no search") : fields;
  });
  row("sortBy", [](const store_capabilities& s) {
    std::string fields;
    for (auto f : s.sortable_fields) fields += std::string(fields.empty() ? "" : ", ") + sort_field_name(f);
    return fields;
  });
  row("marketingOptIn filter", [&](const store_capabilities& s) { return said(s.filter_marketing_opt_in); });
  row("hasOrders filter", [&](const store_capabilities& s) { return said(s.filter_has_orders); });
  row("change feed", [&](const store_capabilities& s) {
    if (!s.change_feed) return said(s.change_feed);
    return std::string(s.changes_report_deletes ? "yes, with deletes" : "yes, without deletes");
  });
  return out;
}

}  // namespace custbridge::backends
