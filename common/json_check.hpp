#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>

namespace custbridge {

// The first thing in a parsed JSON document that a strict reader refuses: a string or
// member name that is not valid UTF-8 (surrogates included), a NUL inside a string,
// or (when `unique_keys`) a member name repeated in one object. `field` is the path,
// e.g. "addresses[1].city" ("" for the root); `reason` never contains raw input bytes.
struct json_problem {
  std::string field;
  std::string reason;
};

std::optional<json_problem> find_json_problem(const rapidjson::Value& root, bool unique_keys);

}  // namespace custbridge
