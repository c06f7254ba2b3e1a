#include "gateway/domain/error.hpp"

namespace custbridge::domain {

error make_error(error_kind kind, std::string message) {
  error e;
  e.kind = kind;
  e.message = std::move(message);
  return e;
}

error validation_failed(std::vector<field_error> details) {
  error e;
  e.kind = error_kind::validation_error;
  e.message = details.size() == 1 ? details.front().field + ": " + details.front().reason
                                  : std::to_string(details.size()) + " fields are invalid";
  e.details = std::move(details);
  return e;
}

}  // namespace custbridge::domain
