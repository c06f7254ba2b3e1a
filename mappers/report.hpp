#pragma once

#include <string>
#include <vector>

namespace custbridge::mappers {

// One field the mapper could not carry across, with its canonical path
// ("addresses[1].company") and a human-readable reason.
struct field_issue {
  std::string field;
  std::string reason;

  friend bool operator==(const field_issue&, const field_issue&) = default;
};

// What applying a plan noticed. `dropped` lists fields present in the input that the
// other side cannot hold (never dropped silently); `invalid` lists values that could not
// be converted (an id that is not a number, an unknown country). A request with
// invalid fields should be answered with 400 VALIDATION_ERROR, details = invalid.
struct map_report {
  std::vector<field_issue> dropped;
  std::vector<field_issue> invalid;

  bool ok() const { return invalid.empty(); }
};

}  // namespace custbridge::mappers
