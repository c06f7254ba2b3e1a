#include "mappers/query.hpp"

#include <algorithm>

#include "mappers/transforms.hpp"

namespace custbridge::mappers {

platform_list_query map_list_query(const mapping_plan& plan, const canonical_list_query& query) {
  platform_list_query out;
  const auto& q = plan.query;
  const int limit = std::max(1, query.limit);
  const int offset = std::max(0, query.offset);
  const int max = q.paging.max_size;
  if (q.paging.kind == detail::paging_spec::style::offset) {
    out.take = std::min(limit, max);
    out.params.emplace_back(q.paging.size_param, std::to_string(out.take));
    out.params.emplace_back(q.paging.offset_param, std::to_string(offset));
  } else {
    // The smallest page size p >= limit whose page holds the whole window
    // [offset, offset + limit): then one platform request answers the canonical one.
    int size = -1;
    for (int p = std::min(limit, max); p <= max; ++p)
      if (offset / p == (offset + std::min(limit, max) - 1) / p) {
        size = p;
        break;
      }
    if (size < 0) {
      out.report.invalid.push_back(
          {"offset", "this platform pages by page number; offset " + std::to_string(offset) +
                         " with limit " + std::to_string(limit) + " does not fit one page of at most " +
                         std::to_string(max) + " (use an offset that is a multiple of limit)"});
      return out;
    }
    const int page_index = offset / size;
    out.skip = offset - page_index * size;
    out.take = std::min(limit, max);
    out.params.emplace_back(q.paging.page_param, std::to_string(page_index + q.paging.first_page));
    out.params.emplace_back(q.paging.size_param, std::to_string(size));
  }
  auto filter = [&](const std::optional<std::string>& value, const detail::query_param_spec& spec, const char* name) {
    if (!value) return;
    if (spec.param.empty()) {
      // Ignoring a filter would return the wrong customers, so it is a client error.
      out.report.invalid.push_back({name, spec.unsupported_reason});
      return;
    }
    out.params.emplace_back(spec.param, spec.lower_case ? normalize_email(*value) : std::string(trim(*value)));
  };
  filter(query.email, q.email, "email");
  filter(query.search, q.search, "search");
  for (const auto& c : q.constants) out.params.push_back(c);
  return out;
}

}  // namespace custbridge::mappers
