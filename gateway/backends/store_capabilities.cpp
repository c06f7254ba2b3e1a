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

}  // namespace custbridge::backends
