#pragma once

#include <boost/system/result.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "config/diagnostic.hpp"
#include "mappers/plan.hpp"

namespace custbridge::config {
// Lets boost::system::result<T, diagnostics>::value() throw when it holds diagnostics.
[[noreturn]] void throw_exception_from_error(const diagnostics& d, const boost::source_location& loc);
}  // namespace custbridge::config

namespace custbridge::mappers {

using load_result = boost::system::result<std::shared_ptr<const mapping_plan>, config::diagnostics>;

// Reads and compiles a mapping file (see docs/mapping.md). Every problem found is
// reported, not only the first: unknown keys (with a did-you-mean), unknown transforms,
// type mismatches, a field mapped twice, paths the canonical or platform object does not
// have, canonical fields neither mapped nor listed as unsupported, unknown error codes.
// Each diagnostic carries the file, a 1-based line and column, a dotted path and a message.
load_result load_mapping_file(const std::string& path);

// The same from text; `file_name` is used in diagnostics only.
load_result load_mapping_string(std::string_view yaml, const std::string& file_name);

}  // namespace custbridge::mappers
