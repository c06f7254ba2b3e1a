#include "mappers/errors.hpp"

#include <algorithm>

#include "mappers/transforms.hpp"

namespace custbridge::mappers {

namespace {

struct code_row {
  std::string_view code;
  int status;
};

constexpr code_row codes[] = {{"VALIDATION_ERROR", 400},     {"BAD_REQUEST", 400},     {"UNAUTHORIZED", 401},
                              {"FORBIDDEN", 403},            {"NOT_FOUND", 404},       {"CONFLICT", 409},
                              {"RATE_LIMITED", 429},         {"UPSTREAM_ERROR", 502},  {"UPSTREAM_UNAVAILABLE", 503},
                              {"UPSTREAM_TIMEOUT", 504}};

std::string_view default_message(std::string_view code) {
  if (code == "VALIDATION_ERROR") return "The platform rejected the customer data";
  if (code == "BAD_REQUEST") return "The platform rejected the request";
  if (code == "UNAUTHORIZED") return "The platform rejected the credentials";
  if (code == "FORBIDDEN") return "The platform does not allow this operation";
  if (code == "NOT_FOUND") return "Not found";
  if (code == "CONFLICT") return "The request conflicts with the platform's current state";
  if (code == "RATE_LIMITED") return "The platform's rate limit was reached";
  if (code == "UPSTREAM_UNAVAILABLE") return "The platform is unavailable";
  if (code == "UPSTREAM_TIMEOUT") return "The platform did not answer in time";
  return "The platform failed to handle the request";
}

bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  auto lower = [](char ch) { return (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch; };
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(),
                        [&](char a, char b) { return lower(a) == lower(b); });
  return it != hay.end();
}

// At most `max` bytes, not cutting a UTF-8 sequence in two.
std::string excerpt(std::string_view body, std::size_t max) {
  if (body.size() <= max) return std::string(body);
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(body[n]) & 0xC0) == 0x80) --n;
  return std::string(body.substr(0, n));
}

std::string_view sv(const rapidjson::Value& v) { return {v.GetString(), v.GetStringLength()}; }

std::string join_messages(const rapidjson::Value& v) {
  if (v.IsString()) return std::string(sv(v));
  std::string out;
  if (v.IsArray())
    for (const auto& m : v.GetArray())
      if (m.IsString()) out += (out.empty() ? "" : "; ") + std::string(sv(m));
  return out;
}

// "The field 'id' cannot be written to" -> "id"; "Required fields missing [key]" -> "key".
std::string field_in_message(std::string_view msg) {
  if (auto q = msg.find('\''); q != std::string_view::npos) {
    auto end = msg.find('\'', q + 1);
    if (end != std::string_view::npos && end > q + 1) return std::string(msg.substr(q + 1, end - q - 1));
  }
  if (auto b = msg.find('['); b != std::string_view::npos) {
    auto end = msg.find(']', b + 1);
    if (end != std::string_view::npos && end > b + 1) return std::string(msg.substr(b + 1, end - b - 1));
  }
  return {};
}

const std::string* lookup(const std::vector<std::pair<std::string, std::string>>& names, std::string_view key) {
  for (const auto& [platform, canonical] : names)
    if (platform == key) return &canonical;
  return nullptr;
}

}  // namespace

int canonical_error_status(std::string_view code) {
  for (const auto& c : codes)
    if (c.code == code) return c.status;
  return 0;
}

const std::vector<std::string>& canonical_error_codes() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v;
    for (const auto& c : codes) v.emplace_back(c.code);
    return v;
  }();
  return all;
}

std::string canonical_field_path(const mapping_plan& plan, std::string_view platform_path) {
  // Normalize "a[0].b" to "a.0.b" and split.
  std::string norm;
  for (char ch : platform_path) {
    if (ch == '[') norm += '.';
    else if (ch != ']') norm += ch;
  }
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= norm.size()) {
    auto dot = norm.find('.', start);
    if (dot == std::string::npos) dot = norm.size();
    if (dot > start) parts.push_back(norm.substr(start, dot - start));
    start = dot + 1;
  }
  auto is_index = [](const std::string& s) { return !s.empty() && parse_int64(s).has_value(); };
  std::size_t i = 0;
  if (plan.errors.strip_batch_index && i < parts.size() && is_index(parts[i])) ++i;
  std::string out;
  bool in_address = false;
  for (; i < parts.size(); ++i) {
    const auto& part = parts[i];
    const std::string* canonical = nullptr;
    if (!in_address) {
      canonical = lookup(plan.customer_field_names, part);
      if (!canonical && out.empty() && (canonical = lookup(plan.address_field_names, part))) in_address = true;
    } else {
      canonical = lookup(plan.address_field_names, part);
    }
    if (!canonical) {
      // Not a mapped field: keep the rest of the platform's path as it is.
      for (std::size_t k = i; k < parts.size(); ++k) {
        if (is_index(parts[k])) out += "[" + parts[k] + "]";
        else out += (out.empty() ? "" : ".") + parts[k];
      }
      return out;
    }
    out += (out.empty() ? "" : ".") + *canonical;
    if (!in_address && part == plan.addresses_member && !plan.addresses_member.empty()) {
      in_address = true;
      if (i + 1 < parts.size() && is_index(parts[i + 1])) out += "[" + parts[++i] + "]";
    }
  }
  return out;
}

canonical_error map_platform_error(const mapping_plan& plan, int status, std::string_view body) {
  canonical_error e;
  e.upstream_status = status;
  e.upstream_excerpt = excerpt(body, 256);

  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  const bool json = !doc.HasParseError();
  const rapidjson::Value* root = json ? &doc : nullptr;
  // V2-style bodies are an array of error objects; the first one speaks for the response.
  const rapidjson::Value* first = root && root->IsArray() && !root->Empty() && (*root)[0].IsObject() ? &(*root)[0] : root;

  std::string platform_message;
  if (first && first->IsObject())
    for (const auto& key : plan.errors.message_keys) {
      auto m = first->FindMember(rapidjson::StringRef(key.c_str()));
      if (m != first->MemberEnd() && m->value.IsString() && m->value.GetStringLength() > 0) {
        platform_message = std::string(sv(m->value));
        break;
      }
    }

  const detail::error_rule* match = nullptr;
  for (const auto& r : plan.errors.rules) {
    if (!r.statuses.empty() && std::find(r.statuses.begin(), r.statuses.end(), status) == r.statuses.end()) continue;
    bool contains = r.body_contains.empty();
    for (const auto& needle : r.body_contains) contains = contains || icontains(body, needle);
    if (!contains) continue;
    match = &r;
    break;
  }
  if (match) {
    e.code = match->code;
    e.http_status = match->http_status;
    e.retryable = match->retryable;
    e.empty_page = match->empty_page;
  }
  e.message = match && !match->message.empty() ? match->message
              : !platform_message.empty()       ? platform_message
                                                : std::string(default_message(e.code));

  using S = detail::error_spec::field_style;
  switch (plan.errors.fields) {
    case S::field_map:
      // {"email": ["has already been taken"], ...}: only array members are field errors;
      // scalar members such as "description" belong to the other error family.
      if (root && root->IsObject())
        for (auto m = root->MemberBegin(); m != root->MemberEnd(); ++m)
          if (m->value.IsArray()) e.details.push_back({canonical_field_path(plan, sv(m->name)), join_messages(m->value)});
      break;
    case S::errors_object:
      if (root && root->IsObject())
        if (auto errs = root->FindMember("errors"); errs != root->MemberEnd() && errs->value.IsObject())
          for (auto m = errs->value.MemberBegin(); m != errs->value.MemberEnd(); ++m)
            e.details.push_back({canonical_field_path(plan, sv(m->name)), join_messages(m->value)});
      break;
    case S::v2_array:
      if (root && root->IsArray())
        for (const auto& item : root->GetArray()) {
          if (!item.IsObject()) continue;
          auto m = item.FindMember("message");
          if (m == item.MemberEnd() || !m->value.IsString()) continue;
          auto field = field_in_message(sv(m->value));
          e.details.push_back({field.empty() ? std::string() : canonical_field_path(plan, field), std::string(sv(m->value))});
        }
      break;
    case S::none: break;
  }
  return e;
}

void write_error_json(const canonical_error& e, rapidjson::Value& out, rapidjson::MemoryPoolAllocator<>& alloc) {
  using rapidjson::Value;
  auto str = [&](std::string_view s) { return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc); };
  Value err(rapidjson::kObjectType);
  err.AddMember("code", str(e.code), alloc);
  err.AddMember("message", str(e.message), alloc);
  if (!e.details.empty()) {
    Value details(rapidjson::kArrayType);
    for (const auto& d : e.details) {
      Value one(rapidjson::kObjectType);
      one.AddMember("field", str(d.field), alloc);
      one.AddMember("reason", str(d.reason), alloc);
      details.PushBack(one, alloc);
    }
    err.AddMember("details", details, alloc);
  }
  if (e.upstream_status != 0) {
    Value up(rapidjson::kObjectType);
    up.AddMember("status", e.upstream_status, alloc);
    up.AddMember("excerpt", str(e.upstream_excerpt), alloc);
    err.AddMember("upstream", up, alloc);
  }
  err.AddMember("retryable", e.retryable, alloc);
  out.SetObject();
  out.AddMember("error", err, alloc);
}

}  // namespace custbridge::mappers
