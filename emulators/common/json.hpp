#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/http/message.hpp"

namespace custbridge::emulators {

using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

inline void put_key(json_writer& w, std::string_view key) { w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size())); }
inline void put_string(json_writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
inline void put(json_writer& w, std::string_view key, std::string_view value) {
  put_key(w, key);
  put_string(w, value);
}
inline void put(json_writer& w, std::string_view key, const std::string& value) { put(w, key, std::string_view(value)); }
inline void put(json_writer& w, std::string_view key, const char* value) { put(w, key, std::string_view(value)); }
// A missing optional is written as null.
inline void put(json_writer& w, std::string_view key, const std::optional<std::string>& value) {
  put_key(w, key);
  if (value) put_string(w, *value);
  else w.Null();
}
inline void put_raw(json_writer& w, std::string_view key, std::string_view raw_json) {
  put_key(w, key);
  w.RawValue(raw_json.data(), raw_json.size(), rapidjson::kObjectType);
}

// Serialises a RapidJSON value to compact text.
std::string to_json(const rapidjson::Value& v);

// A string member as seen in a request body: absent, null, a string, or another type.
struct string_field {
  enum kind_t { absent, null, string, wrong_type } kind = absent;
  std::string value;
  bool present() const { return kind != absent; }
};
string_field read_string(const rapidjson::Value& obj, const char* key);

// Parses a request body. Returns nullopt when the text is not JSON.
std::optional<rapidjson::Document> parse_json(std::string_view body);

// True if the Content-Type header names JSON (any parameters).
bool is_json_content_type(std::string_view content_type);

http::response json_response(int status, std::string body);


}  // namespace custbridge::emulators
