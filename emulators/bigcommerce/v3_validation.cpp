#include "emulators/bigcommerce/v3_validation.hpp"

#include <cctype>

#include "common/country.hpp"

namespace custbridge::emulators::bigcommerce::detail {
namespace {

// Length in characters, not bytes: limits are on what the user typed.
std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

bool read_bool(const rapidjson::Value& obj, const char* key, bool& out, const std::string& prefix, error_map& errors) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) return false;
  if (!it->value.IsBool()) {
    errors.emplace_back(prefix + key, std::string(key) + " must be a boolean.");
    return false;
  }
  out = it->value.GetBool();
  return true;
}

void read_form_fields(const rapidjson::Value& obj, std::vector<form_field>& out, const std::string& prefix, error_map& errors) {
  auto it = obj.FindMember("form_fields");
  if (it == obj.MemberEnd()) return;
  if (!it->value.IsArray()) {
    errors.emplace_back(prefix + "form_fields", "form_fields must be an array.");
    return;
  }
  for (const auto& f : it->value.GetArray()) {
    if (!f.IsObject() || !f.HasMember("name") || !f["name"].IsString() || !f.HasMember("value")) {
      errors.emplace_back(prefix + "form_fields", "Each form field needs a name and a value.");
      continue;
    }
    const auto& v = f["value"];
    bool ok = v.IsString() || v.IsNumber();
    if (v.IsArray()) {
      ok = true;
      for (const auto& e : v.GetArray()) ok = ok && e.IsString();
    }
    if (!ok) {
      errors.emplace_back(prefix + "form_fields", "A form field value is a string, a number or an array of strings.");
      continue;
    }
    form_field ff{f["name"].GetString(), to_json(v)};
    bool replaced = false;
    for (auto& old : out)
      if (old.name == ff.name) {
        old = ff;
        replaced = true;
      }
    if (!replaced) out.push_back(std::move(ff));
  }
}

bool looks_like_state_code(std::string_view s) {
  return s.size() == 2 && std::isupper(static_cast<unsigned char>(s[0])) && std::isupper(static_cast<unsigned char>(s[1]));
}

}  // namespace

bool read_bounded(const rapidjson::Value& obj, const char* key, std::size_t min, std::size_t max, bool required,
                  std::string& out, const std::string& prefix, error_map& errors) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd()) {
    if (required) errors.emplace_back(prefix + key, std::string(key) + " is required.");
    return false;
  }
  if (!it->value.IsString()) {
    errors.emplace_back(prefix + key, std::string(key) + " must be a string.");
    return false;
  }
  const std::string_view v(it->value.GetString(), it->value.GetStringLength());
  const auto n = utf8_length(v);
  if (n < min || n > max) {
    errors.emplace_back(prefix + key, std::string(key) + " must be between " + std::to_string(min) + " and " +
                                          std::to_string(max) + " characters.");
    return false;
  }
  out = std::string(v);
  return true;
}

void read_address(const store& s, const rapidjson::Value& item, address& a, bool is_post, const std::string& prefix,
                  error_map& errors) {
  if (!item.IsObject()) {
    errors.emplace_back(prefix + "address", "Each address must be an object.");
    return;
  }
  if (is_post) {
    auto it = item.FindMember("customer_id");
    if (it == item.MemberEnd() || !it->value.IsInt())
      errors.emplace_back(prefix + "customer_id", "customer_id is required.");
    else if (!s.customers.contains(it->value.GetInt()))
      errors.emplace_back(prefix + "customer_id", "Customer " + std::to_string(it->value.GetInt()) + " does not exist.");
    else
      a.customer_id = it->value.GetInt();
  }
  read_bounded(item, "first_name", 1, 255, is_post, a.first_name, prefix, errors);
  read_bounded(item, "last_name", 1, 255, is_post, a.last_name, prefix, errors);
  read_bounded(item, "company", 0, 255, false, a.company, prefix, errors);
  read_bounded(item, "address1", 1, 255, is_post, a.address1, prefix, errors);
  read_bounded(item, "address2", 0, 255, false, a.address2, prefix, errors);
  read_bounded(item, "city", 1, 100, is_post, a.city, prefix, errors);
  if (read_bounded(item, "state_or_province", 0, 100, is_post, a.state_or_province, prefix, errors) &&
      looks_like_state_code(a.state_or_province))
    errors.emplace_back(prefix + "state_or_province", "state_or_province must be the full name, not a code.");
  read_bounded(item, "postal_code", 0, 30, is_post, a.postal_code, prefix, errors);
  std::string code;
  if (read_bounded(item, "country_code", 2, 2, is_post, code, prefix, errors)) {
    if (auto known = country_code(code); known && known->size() == 2)
      a.country_code = std::string(*known);
    else
      errors.emplace_back(prefix + "country_code", "country_code must be an ISO 3166-1 alpha-2 code.");
  }
  read_bounded(item, "phone", 0, 50, false, a.phone, prefix, errors);
  std::string type;
  if (read_bounded(item, "address_type", 0, 20, false, type, prefix, errors)) {
    if (type != "residential" && type != "commercial")
      errors.emplace_back(prefix + "address_type", "address_type must be residential or commercial.");
    else
      a.address_type = type;
  }
  read_form_fields(item, a.form_fields, prefix, errors);
}

void read_customer(const store& s, const rapidjson::Value& item, customer& cu, std::vector<address>& addresses,
                   std::vector<attribute_value>& values, bool is_post, const std::string& prefix, error_map& errors) {
  if (!item.IsObject()) {
    errors.emplace_back(prefix + "customer", "Each customer must be an object.");
    return;
  }
  // The POST schema caps email at 250, the others at 255: 250 is enforced everywhere.
  if (read_bounded(item, "email", 3, 250, is_post, cu.email, prefix, errors) && cu.email.find('@') == std::string::npos)
    errors.emplace_back(prefix + "email", "email must be a valid email address.");
  read_bounded(item, "first_name", 1, 100, is_post, cu.first_name, prefix, errors);
  read_bounded(item, "last_name", 1, 100, is_post, cu.last_name, prefix, errors);
  read_bounded(item, "company", 0, 255, false, cu.company, prefix, errors);
  read_bounded(item, "phone", 0, 50, false, cu.phone, prefix, errors);
  read_bounded(item, "notes", 0, 65535, false, cu.notes, prefix, errors);
  read_bounded(item, "tax_exempt_category", 0, 255, false, cu.tax_exempt_category, prefix, errors);
  read_bounded(item, "registration_ip_address", 0, 30, false, cu.registration_ip_address, prefix, errors);
  if (auto it = item.FindMember("customer_group_id"); it != item.MemberEnd()) {
    if (!it->value.IsInt() || (it->value.GetInt() != 0 && !s.groups.contains(it->value.GetInt())))
      errors.emplace_back(prefix + "customer_group_id", "customer_group_id must be 0 or an existing group.");
    else
      cu.customer_group_id = it->value.GetInt();
  }
  read_bool(item, "accepts_product_review_abandoned_cart_emails", cu.accepts_product_review_abandoned_cart_emails, prefix, errors);
  if (auto it = item.FindMember("authentication"); it != item.MemberEnd()) {
    if (!it->value.IsObject()) {
      errors.emplace_back(prefix + "authentication", "authentication must be an object.");
    } else {
      read_bool(it->value, "force_password_reset", cu.force_password_reset, prefix + "authentication.", errors);
      read_bounded(it->value, "new_password", 1, 255, false, cu.password, prefix + "authentication.", errors);
    }
  }
  // origin_channel_id is set on create and immutable afterwards.
  if (auto it = item.FindMember("origin_channel_id"); it != item.MemberEnd() && is_post) {
    if (!it->value.IsInt() || it->value.GetInt() < 1) errors.emplace_back(prefix + "origin_channel_id", "origin_channel_id must be a channel id.");
    else cu.origin_channel_id = it->value.GetInt();
  }
  if (auto it = item.FindMember("channel_ids"); it != item.MemberEnd()) {
    if (it->value.IsNull()) {
      cu.channel_ids.reset();
    } else if (!it->value.IsArray() || it->value.Empty()) {
      errors.emplace_back(prefix + "channel_ids", "channel_ids must be null or a non-empty array of channel ids.");
    } else {
      std::vector<int> ids;
      for (const auto& v : it->value.GetArray())
        if (v.IsInt()) ids.push_back(v.GetInt());
      if (ids.size() != it->value.Size()) errors.emplace_back(prefix + "channel_ids", "channel_ids must be integers.");
      else cu.channel_ids = ids;
    }
  }
  if (auto it = item.FindMember("store_credit_amounts"); it != item.MemberEnd()) {
    if (!it->value.IsArray() || it->value.Size() > 1 || (it->value.Size() == 1 && (!it->value[0].IsObject() || !it->value[0].HasMember("amount") || !it->value[0]["amount"].IsNumber())))
      errors.emplace_back(prefix + "store_credit_amounts", "store_credit_amounts must be [{\"amount\": number}].");
    else if (it->value.Size() == 1)
      cu.store_credit = static_cast<std::int64_t>(it->value[0]["amount"].GetDouble() * 10000.0 + 0.5);
  }
  read_form_fields(item, cu.form_fields, prefix, errors);
  if (!is_post) return;
  if (auto it = item.FindMember("addresses"); it != item.MemberEnd()) {
    if (!it->value.IsArray() || it->value.Size() > 10) {
      errors.emplace_back(prefix + "addresses", "addresses must be an array of at most 10.");
    } else {
      for (rapidjson::SizeType i = 0; i < it->value.Size(); ++i) {
        address a;
        // Nested addresses have no customer_id yet; state and postcode may be blank.
        const auto p = prefix + "addresses." + std::to_string(i) + ".";
        const auto& in = it->value[i];
        read_address(s, in, a, false, p, errors);
        for (const char* required : {"first_name", "last_name", "address1", "city", "country_code"})
          if (!in.IsObject() || !in.HasMember(required)) errors.emplace_back(p + required, std::string(required) + " is required.");
        addresses.push_back(std::move(a));
      }
    }
  }
  if (auto it = item.FindMember("attributes"); it != item.MemberEnd()) {
    if (!it->value.IsArray() || it->value.Size() > 10) {
      errors.emplace_back(prefix + "attributes", "attributes must be an array of at most 10.");
    } else {
      for (const auto& at : it->value.GetArray()) {
        if (!at.IsObject() || !at.HasMember("attribute_id") || !at["attribute_id"].IsInt() ||
            !at.HasMember("attribute_value") || !at["attribute_value"].IsString()) {
          errors.emplace_back(prefix + "attributes", "Each attribute needs attribute_id and a string attribute_value.");
          continue;
        }
        // The attribute must exist first: customers carry no attribute names.
        if (!s.attributes.contains(at["attribute_id"].GetInt())) {
          errors.emplace_back(prefix + "attributes", "Attribute " + std::to_string(at["attribute_id"].GetInt()) + " does not exist.");
          continue;
        }
        attribute_value v;
        v.attribute_id = at["attribute_id"].GetInt();
        v.value = at["attribute_value"].GetString();
        values.push_back(std::move(v));
      }
    }
  }
}

}  // namespace custbridge::emulators::bigcommerce::detail
