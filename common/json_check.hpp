#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>

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

// For large bodies parsed with rapidjson::kParseValidateEncodingFlag (which refuses raw
// invalid UTF-8 in the same pass): whether the JSON text has an escape that parse lets
// through and find_json_problem would refuse, a "\u0000" or a low surrogate escape not
// right after a high one. A scan for backslashes, so a body without such an escape is
// checked at memchr speed; only then is the full walk worth running.
bool has_suspect_escape(std::string_view json_text);

}  // namespace custbridge
