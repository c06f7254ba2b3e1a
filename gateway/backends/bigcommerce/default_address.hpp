#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/backends/platform/platform_store.hpp"
#include "gateway/domain/customer.hpp"
#include "mappers/mapper.hpp"

// The canonical default address on BigCommerce, which has no default flag (V2 and V3
// alike). It lives in the customer attribute `custbridge_default_address_id` (type
// string), and its value has one meaning for both adapters:
//  - the platform address id in decimal: that address;
//  - "none": explicitly no default (a create with addresses but none flagged isDefault,
//    or a default the client cleared);
//  - no value (a customer created outside the gateway), or a value naming an address
//    that no longer exists: the customer's first address in platform id order, as the
//    local store moves the default to the first remaining address.
// Clearing writes "none"; the value is never deleted.
namespace custbridge::backends::bigcommerce {

inline constexpr std::string_view default_attribute_name = "custbridge_default_address_id";
inline constexpr std::string_view no_default_value = "none";

// The platform id of the default address among `address_pids` (platform id order) that
// `stored` means; nullopt for none.
std::optional<std::uint64_t> resolve_default(const std::optional<std::string>& stored,
                                             const std::vector<std::uint64_t>& address_pids);

// Sets c.default_address_id and every address's is_default from `stored`. The
// addresses must be in platform id order.
void apply_default(const platform_store& store, domain::customer& c, const std::optional<std::string>& stored);

// The value recording `address_pid`, or "none".
std::string default_value(std::optional<std::uint64_t> address_pid);

// Whether `stored` must be rewritten for a customer with these addresses (platform id
// order) to read `wanted` as default. A missing or stale value that already means the
// wanted address is left alone.
bool default_needs_write(const std::optional<std::string>& stored, const std::string& wanted,
                         const std::vector<std::uint64_t>& address_pids);

// The store's customer attributes by name: the default-address attribute and the custom
// fields the mapping declares. Listed once and cached; while the default attribute is
// missing the list is read again after 30 s, so one created by another gateway instance
// is noticed. Thread-safe.
class attribute_directory {
 public:
  struct ids {
    std::optional<std::int64_t> default_attribute;
    mappers::custom_field_binding binding;
  };

  explicit attribute_directory(std::shared_ptr<const platform_store> store) : store_(std::move(store)) {}

  // Errors are the listing call's.
  boost::asio::awaitable<domain::result<ids>> get(const call_context& ctx, bool refresh = false);
  // The default attribute's id, created (POST /v3/customers/attributes) when missing.
  // Two gateways creating it at once: the loser's POST fails and the list read after
  // it finds the winner's; with two attributes of that name the oldest wins everywhere.
  boost::asio::awaitable<domain::result<std::int64_t>> ensure_default(const call_context& ctx);
  // After a failed value write (the attribute may have been deleted on the platform).
  void forget();
  // write_default_value, forgetting the cached ids when it fails.
  boost::asio::awaitable<domain::result<void>> write_default(std::int64_t attribute_id, std::uint64_t customer_pid,
                                                             std::string value, const call_context& ctx);

 private:
  std::shared_ptr<const platform_store> store_;
  std::mutex mutex_;
  std::optional<ids> cached_;
  upstream::client::clock::time_point read_at_{};
};

// Upserts one customer's value (PUT /v3/customers/attribute-values, matched by attribute
// and customer).
boost::asio::awaitable<domain::result<void>> write_default_value(const platform_store& store, std::int64_t attribute_id,
                                                                 std::uint64_t customer_pid, std::string value,
                                                                 const call_context& ctx);

}  // namespace custbridge::backends::bigcommerce
