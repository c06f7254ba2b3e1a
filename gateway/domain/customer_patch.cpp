#include "gateway/domain/customer_patch.hpp"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace custbridge::domain {
namespace {

template <class T>
void apply(const patch_field<T>& f, std::optional<T>& into) {
  if (f.present) into = f.value;
}
template <class T>
void apply(const patch_field<T>& f, T& into) {
  if (f.present && f.value) into = *f.value;
}

}  // namespace

void merge_address(const address_input& in, address& a) {
  apply(in.first_name, a.first_name);
  apply(in.last_name, a.last_name);
  apply(in.company, a.company);
  apply(in.address1, a.address1);
  apply(in.address2, a.address2);
  apply(in.city, a.city);
  apply(in.region, a.region);
  apply(in.postal_code, a.postal_code);
  apply(in.country, a.country);
  apply(in.phone, a.phone);
}

bool same_content(const address& x, const address& y) {
  return x.first_name == y.first_name && x.last_name == y.last_name && x.company == y.company &&
         x.address1 == y.address1 && x.address2 == y.address2 && x.city == y.city && x.region == y.region &&
         x.postal_code == y.postal_code && x.country == y.country && x.phone == y.phone;
}

domain::result<patch_outcome> apply_patch(const customer& current, const customer_patch& p, std::string_view now_view,
                                       const std::function<std::string()>& new_address_id) {
  const std::string now(now_view);
  customer c = current;
  patch_outcome out;
  if (p.email) c.email = *p.email;
  apply(p.name, c.name);
  apply(p.phone, c.phone);
  if (p.marketing_opt_in) c.marketing_opt_in = *p.marketing_opt_in;
  if (p.metadata) c.metadata = *p.metadata;

  std::vector<domain::field_error> problems;
  std::optional<std::string> flagged_default;  // an address marked isDefault: true in this request
  bool current_default_unflagged = false;      // the current default was sent with isDefault: false
  std::vector<std::string> removed_ids;
  const bool had_no_addresses = c.addresses.empty();
  if (p.addresses) {
    std::unordered_map<std::string, const address*> existing;
    for (const auto& a : c.addresses) existing.emplace(a.id, &a);
    std::unordered_set<std::string> seen;
    std::vector<address> next;
    for (std::size_t i = 0; i < p.addresses->size(); ++i) {
      const auto& in = (*p.addresses)[i];
      const std::string field = "addresses[" + std::to_string(i) + "]";
      address a;
      if (in.id) {
        auto it = existing.find(*in.id);
        if (it == existing.end()) {
          problems.push_back({field + ".id", "is not one of this customer's addresses"});
          continue;
        }
        if (!seen.insert(*in.id).second) {
          problems.push_back({field + ".id", "appears more than once"});
          continue;
        }
        a = *it->second;
        merge_address(in, a);
        if (!same_content(a, *it->second)) a.updated_at = now;
        if (in.is_default == false && c.default_address_id == a.id) current_default_unflagged = true;
      } else {
        a.id = new_address_id();
        merge_address(in, a);
        a.created_at = a.updated_at = now;
      }
      if (in.is_default.value_or(false)) flagged_default = a.id;
      next.push_back(std::move(a));
    }
    for (const auto& a : c.addresses)
      if (!seen.contains(a.id)) removed_ids.push_back(a.id);
    c.addresses = std::move(next);
  }

  // Resolve the default address; defaultAddressId and isDefault must agree.
  auto has_address = [&](const std::string& aid) {
    return std::any_of(c.addresses.begin(), c.addresses.end(), [&](const auto& a) { return a.id == aid; });
  };
  if (p.default_address_id.present) {
    const auto& wanted = p.default_address_id.value;
    if (wanted && !has_address(*wanted)) {
      problems.push_back({"defaultAddressId", "is not one of this customer's addresses"});
    } else if (flagged_default && wanted != flagged_default) {
      problems.push_back({"defaultAddressId", "conflicts with the address marked isDefault: true"});
    } else {
      c.default_address_id = wanted;
    }
  } else if (flagged_default) {
    c.default_address_id = flagged_default;
  } else if (p.addresses) {
    if (current_default_unflagged) {
      c.default_address_id.reset();
    } else if (c.default_address_id ? !has_address(*c.default_address_id) : had_no_addresses) {
      // The default was deleted, or these are the first addresses: the first one takes over,
      // as on create. A default the client cleared on purpose stays cleared.
      c.default_address_id = c.addresses.empty() ? std::nullopt : std::optional(c.addresses.front().id);
    }
  }
  if (!problems.empty()) return domain::validation_failed(std::move(problems));
  for (auto& a : c.addresses) a.is_default = c.default_address_id == a.id;

  for (const auto& a : c.addresses) {
    const auto before = std::find_if(current.addresses.begin(), current.addresses.end(), [&](const auto& x) { return x.id == a.id; });
    if (before == current.addresses.end())
      out.created_address_ids.push_back(a.id);
    else if (!same_content(a, *before))
      out.modified_address_ids.push_back(a.id);
  }
  out.removed_address_ids = std::move(removed_ids);
  out.next = std::move(c);
  return out;
}

}  // namespace custbridge::domain
