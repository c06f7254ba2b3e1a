#include "sync/carried_customer.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <set>

#include "common/crypto.hpp"

namespace custbridge::sync {
namespace {

void put(std::string& out, const std::optional<std::string>& v) {
  if (!v) {
    out += "~;";
    return;
  }
  out += std::to_string(v->size());
  out += ':';
  out += *v;
  out += ';';
}
void put(std::string& out, const std::string& v) { put(out, std::optional<std::string>(v)); }

std::string render(const std::optional<std::string>& v) { return v ? "\"" + *v + "\"" : "null"; }

std::string render(const carried_address& a) {
  std::string out;
  auto part = [&out](const std::optional<std::string>& v) {
    if (!v || v->empty()) return;
    if (!out.empty()) out += ", ";
    out += *v;
  };
  part(a.first_name);
  part(a.last_name);
  part(a.company);
  part(a.address1);
  part(a.address2);
  part(a.city);
  part(a.region);
  part(a.postal_code);
  part(a.country);
  part(a.phone);
  return "{" + out + "}";
}

std::string render(const std::map<std::string, std::string>& m) {
  std::string out = "{";
  for (const auto& [k, v] : m) {
    if (out.size() > 1) out += ", ";
    out += k + ": " + v;
  }
  return out + "}";
}

template <class T>
void set_field(domain::patch_field<T>& f, const std::optional<T>& v) {
  if (v)
    f.set(*v);
  else
    f.set_null();
}

domain::address_input to_input(const carried_address& a) {
  domain::address_input in;
  set_field(in.first_name, a.first_name);
  set_field(in.last_name, a.last_name);
  set_field(in.company, a.company);
  in.address1.set(a.address1);
  set_field(in.address2, a.address2);
  in.city.set(a.city);
  set_field(in.region, a.region);
  in.postal_code.set(a.postal_code);
  in.country.set(a.country);
  set_field(in.phone, a.phone);
  return in;
}

void add_dropped(carried_customer& c, std::string field, std::string reason) {
  c.dropped.push_back({std::move(field), std::move(reason)});
}

}  // namespace

carried_address to_carried(const domain::address& a) {
  return {a.first_name, a.last_name, a.company, a.address1, a.address2, a.city, a.region, a.postal_code, a.country, a.phone};
}

int default_index(const domain::customer& c) {
  for (std::size_t i = 0; i < c.addresses.size(); ++i)
    if (c.addresses[i].is_default || (c.default_address_id && *c.default_address_id == c.addresses[i].id))
      return static_cast<int>(i);
  return -1;
}

carried_customer carry(const domain::customer& source, const backends::store_capabilities& target,
                       const domain::customer* existing) {
  carried_customer c;
  c.email = source.email;
  c.name = source.name;
  c.phone = source.phone;
  if (target.marketing_opt_in_writable)
    c.marketing_opt_in = source.marketing_opt_in;
  else if (source.marketing_opt_in != (existing ? existing->marketing_opt_in : false))
    add_dropped(c, "marketingOptIn", target.marketing_opt_in_writable.reason);
  const auto& metadata_cap = existing ? target.metadata_on_update : target.metadata_on_create;
  if (metadata_cap)
    c.metadata = source.metadata;
  else if (source.metadata != (existing ? existing->metadata : std::map<std::string, std::string>{}))
    add_dropped(c, "metadata", metadata_cap.reason);
  for (const auto& a : source.addresses) c.addresses.push_back(to_carried(a));
  c.default_address = default_index(source);
  if (target.max_addresses >= 0 && c.addresses.size() > static_cast<std::size_t>(target.max_addresses)) {
    for (std::size_t i = static_cast<std::size_t>(target.max_addresses); i < c.addresses.size(); ++i)
      add_dropped(c, "addresses[" + std::to_string(i) + "]",
                  "the target holds at most " + std::to_string(target.max_addresses) + " addresses");
    c.addresses.resize(static_cast<std::size_t>(target.max_addresses));
    if (c.default_address >= target.max_addresses) c.default_address = -1;
  }
  return c;
}

std::string content_hash(const domain::customer& source) {
  backends::store_capabilities everything;
  everything.max_addresses = std::numeric_limits<int>::max();
  const auto c = carry(source, everything, nullptr);
  std::string s = "v1;";
  put(s, c.email);
  if (c.name_carried) put(s, c.name); else s += "-;";
  if (c.phone_carried) put(s, c.phone); else s += "-;";
  s += c.marketing_opt_in ? (*c.marketing_opt_in ? "1;" : "0;") : "-;";
  if (c.addresses_carried) {
    s += "a" + std::to_string(c.addresses.size()) + ";";
    for (const auto& a : c.addresses) {
      put(s, a.first_name);
      put(s, a.last_name);
      put(s, a.company);
      put(s, a.address1);
      put(s, a.address2);
      put(s, a.city);
      put(s, a.region);
      put(s, a.postal_code);
      put(s, a.country);
      put(s, a.phone);
    }
    s += c.default_carried ? "d" + std::to_string(c.default_address) + ";" : "d-;";
  } else {
    s += "a-;";
  }
  if (c.metadata) {
    s += "m" + std::to_string(c.metadata->size()) + ";";
    for (const auto& [k, v] : *c.metadata) {
      put(s, k);
      put(s, v);
    }
  } else {
    s += "m-;";
  }
  return sha256_hex(s);
}

std::vector<field_change> diff(const domain::customer& target, const carried_customer& want) {
  std::vector<field_change> out;
  if (target.email != want.email) out.push_back({"email", render(target.email), render(want.email)});
  if (want.name_carried && target.name != want.name) out.push_back({"name", render(target.name), render(want.name)});
  if (want.phone_carried && target.phone != want.phone) out.push_back({"phone", render(target.phone), render(want.phone)});
  if (want.marketing_opt_in && target.marketing_opt_in != *want.marketing_opt_in)
    out.push_back({"marketingOptIn", target.marketing_opt_in ? "true" : "false", *want.marketing_opt_in ? "true" : "false"});
  if (want.metadata && target.metadata != *want.metadata)
    out.push_back({"metadata", render(target.metadata), render(*want.metadata)});
  if (want.addresses_carried) {
    const auto n = std::max(target.addresses.size(), want.addresses.size());
    for (std::size_t i = 0; i < n; ++i) {
      const auto field = "addresses[" + std::to_string(i) + "]";
      if (i >= target.addresses.size())
        out.push_back({field, "null", render(want.addresses[i])});
      else if (i >= want.addresses.size())
        out.push_back({field, render(to_carried(target.addresses[i])), "null"});
      else if (to_carried(target.addresses[i]) != want.addresses[i])
        out.push_back({field, render(to_carried(target.addresses[i])), render(want.addresses[i])});
    }
    const int target_default = default_index(target);
    if (want.default_carried && target_default != want.default_address) {
      auto at = [](int i) { return i < 0 ? std::string("null") : "addresses[" + std::to_string(i) + "]"; };
      out.push_back({"defaultAddressId", at(target_default), at(want.default_address)});
    }
  }
  return out;
}

domain::customer_create to_create(const carried_customer& want) {
  domain::customer_create in;
  in.email = want.email;
  if (want.name_carried) in.name = want.name;
  if (want.phone_carried) in.phone = want.phone;
  in.marketing_opt_in = want.marketing_opt_in.value_or(false);
  if (want.addresses_carried) {
    for (std::size_t i = 0; i < want.addresses.size(); ++i) {
      auto a = to_input(want.addresses[i]);
      if (want.default_carried && static_cast<int>(i) == want.default_address) a.is_default = true;
      in.addresses.push_back(std::move(a));
    }
  }
  if (want.metadata) in.metadata = *want.metadata;
  return in;
}

domain::customer_patch to_patch(const domain::customer& target, const carried_customer& want,
                                const std::vector<field_change>& changes, const backends::store_capabilities& caps,
                                std::vector<not_carried>& kept) {
  domain::customer_patch p;
  bool addresses = false;
  for (const auto& c : changes) {
    if (c.field == "email")
      p.email = want.email;
    else if (c.field == "name")
      set_field(p.name, want.name);
    else if (c.field == "phone")
      set_field(p.phone, want.phone);
    else if (c.field == "marketingOptIn")
      p.marketing_opt_in = want.marketing_opt_in;
    else if (c.field == "metadata")
      p.metadata = want.metadata;
    else if (c.field.starts_with("addresses") || c.field == "defaultAddressId")
      addresses = true;
  }
  if (addresses) {
    std::vector<domain::address_input> list;
    for (std::size_t i = 0; i < want.addresses.size(); ++i) {
      auto a = to_input(want.addresses[i]);
      if (i < target.addresses.size()) a.id = target.addresses[i].id;
      if (want.default_carried && static_cast<int>(i) == want.default_address) a.is_default = true;
      list.push_back(std::move(a));
    }
    if (!caps.delete_addresses) {
      for (std::size_t i = want.addresses.size(); i < target.addresses.size(); ++i) {
        domain::address_input keep;
        keep.id = target.addresses[i].id;
        list.push_back(std::move(keep));
        kept.push_back({"addresses[" + std::to_string(i) + "]",
                        "kept on the target, which cannot delete addresses: " + caps.delete_addresses.reason});
      }
    }
    p.addresses = std::move(list);
  }
  return p;
}

bool drop_fields(carried_customer& want, const std::vector<domain::field_error>& refused) {
  if (refused.empty()) return false;
  std::set<std::size_t, std::greater<>> addresses;  // refused whole, erased last (indices stay valid)
  std::set<std::string> seen;                        // fields already dropped by this call
  for (const auto& f : refused) {
    const auto& field = f.field;
    const auto top = field.substr(0, field.find_first_of(".["));
    bool dropped = seen.count(top) > 0;
    if (dropped) {
    } else if (top == "name" && want.name_carried) {
      want.name_carried = false;
      dropped = true;
    } else if (top == "phone" && want.phone_carried) {
      want.phone_carried = false;
      dropped = true;
    } else if (top == "marketingOptIn" && want.marketing_opt_in) {
      want.marketing_opt_in.reset();
      dropped = true;
    } else if (top == "metadata" && want.metadata) {
      want.metadata.reset();
      dropped = true;
    } else if (top == "defaultAddressId" && want.default_carried) {
      want.default_carried = false;
      dropped = true;
    } else if (top == "addresses" && want.addresses_carried) {
      std::size_t index = 0;
      char rest[64] = {0};
      const int parsed = field.size() > 10 && field[9] == '[' ? std::sscanf(field.c_str() + 10, "%zu].%63s", &index, rest) : 0;
      if (parsed >= 1 && index < want.addresses.size()) {
        auto& a = want.addresses[index];
        const std::string sub = parsed == 2 ? rest : "";
        std::optional<std::string>* optional_field = sub == "firstName" ? &a.first_name
                                                     : sub == "lastName" ? &a.last_name
                                                     : sub == "company"  ? &a.company
                                                     : sub == "address2" ? &a.address2
                                                     : sub == "region"   ? &a.region
                                                     : sub == "phone"    ? &a.phone
                                                                         : nullptr;
        if (sub == "isDefault") {
          if (!want.default_carried) return false;
          want.default_carried = false;  // the address itself is fine; where the default is, is not
        } else if (optional_field && *optional_field) {
          optional_field->reset();
        } else if (optional_field) {
          return false;  // already empty: dropping it cannot help
        } else {
          addresses.insert(index);
        }
      } else {
        want.addresses_carried = false;
        seen.insert(top);
      }
      dropped = true;
    }
    if (!dropped) return false;
    if (top != "addresses") seen.insert(top);
    add_dropped(want, field, f.reason);
  }
  for (auto i : addresses) {
    want.addresses.erase(want.addresses.begin() + static_cast<std::ptrdiff_t>(i));
    if (want.default_address == static_cast<int>(i))
      want.default_address = -1;
    else if (want.default_address > static_cast<int>(i))
      --want.default_address;
  }
  return true;
}

}  // namespace custbridge::sync
