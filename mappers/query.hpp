#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mappers/plan.hpp"
#include "mappers/report.hpp"

namespace custbridge::mappers {

// GET /customers query parameters of the canonical API, already validated by the caller
// (limit 1..200, offset >= 0).
struct canonical_list_query {
  int limit = 50;
  int offset = 0;
  std::optional<std::string> email;
  std::optional<std::string> search;
};

// What to send to the platform, and which slice of the page it returns to keep: the
// canonical window is items [skip, skip + take) of the platform's page. Page-based
// platforms cannot start a page at any offset, so the mapper picks a page size that puts
// the whole window on one page.
struct platform_list_query {
  std::vector<std::pair<std::string, std::string>> params;  // not URL-encoded
  int skip = 0;
  int take = 0;
  map_report report;  // invalid: the query cannot be expressed (400); dropped: filters ignored
};

platform_list_query map_list_query(const mapping_plan& plan, const canonical_list_query& query);

}  // namespace custbridge::mappers
