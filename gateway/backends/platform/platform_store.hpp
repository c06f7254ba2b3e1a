#pragma once

#include <rapidjson/document.h>

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "config/gateway_config.hpp"
#include "gateway/domain/error.hpp"
#include "gateway/backends/customer_backend.hpp"
#include "gateway/backends/platform_ids.hpp"
#include "gateway/domain/customer.hpp"
#include "gateway/upstream/client.hpp"
#include "mappers/plan.hpp"
#include "mappers/report.hpp"

namespace custbridge::backends {

using json_allocator = rapidjson::MemoryPoolAllocator<rapidjson::CrtAllocator>;

// An allocator for one customer's intermediate canonical JSON. Its first 8 KiB live in
// the object, so mapping one customer usually takes nothing from the heap (a Document
// would take a 64 KiB chunk per customer, and a 50-customer page 50 of them).
class scratch_allocator {
 public:
  scratch_allocator() : pool_(buffer_, sizeof buffer_, 16 * 1024) {}
  scratch_allocator(const scratch_allocator&) = delete;
  scratch_allocator& operator=(const scratch_allocator&) = delete;
  json_allocator& get() { return pool_; }

 private:
  alignas(8) char buffer_[8 * 1024];
  json_allocator pool_;
};

// What every platform call of one canonical request shares: the request's deadline
// and its id, sent upstream as X-Request-Id. Copied freely; it is small.
struct call_context {
  upstream::client::clock::time_point deadline;
  std::string request_id;
};

// One configured store on a platform: its compiled mapping, its upstream client and
// how long a canonical request may spend on it. Shared read-only by all requests.
struct platform_store {
  std::string store_id;  // the canonical store id
  platform kind = platform::nuvemshop;
  std::string platform_name;  // for messages: "Nuvemshop", "BigCommerce"
  std::shared_ptr<const mappers::mapping_plan> plan;
  std::shared_ptr<upstream::client> client;
  std::chrono::milliseconds timeout{15'000};

  upstream::client::clock::time_point deadline() const { return upstream::client::clock::now() + timeout; }
  // Ready to serve (for /readyz): its platform's circuit breaker is not open.
  bool ready() const { return client->breaker() != upstream::breaker_state::open; }
  // The context for the platform calls of a request that starts now.
  // The context for the platform calls of a request that starts now: the store's timeout,
  // or the caller's deadline when that is earlier.
  call_context begin(const request_context& rc) const {
    auto d = deadline();
    if (rc.deadline && *rc.deadline < d) d = *rc.deadline;
    return {d, rc.request_id};
  }
};

// The client settings every platform store takes from its config: base_url, timeouts,
// attempts, pool size and CA file. Each adapter adds its credentials, headers and
// rate-limit dialect.
upstream::client_options client_options_from(const config::platform_config& cfg);

// A request to send with call or call_raw.
upstream::upstream_request make_request(std::string method, std::string target, std::string body = {});

// Sends one request. Transport failures become 502/504/503/429 (with Retry-After);
// a platform status of 400 and above becomes the canonical error its mapping's
// error table names, with the platform's status and words under error.upstream.
boost::asio::awaitable<domain::result<upstream::upstream_response>> call(const platform_store& store,
                                                                      upstream::upstream_request request,
                                                                      const call_context& ctx);

// The same, but every platform status comes back as a response; only transport
// failures are errors. For calls whose 4xx the adapter interprets itself.
boost::asio::awaitable<domain::result<upstream::upstream_response>> call_raw(const platform_store& store,
                                                                          upstream::upstream_request request,
                                                                          const call_context& ctx);

domain::error failure_to_error(const platform_store& store, const upstream::upstream_failure& failure);
domain::error response_to_error(const platform_store& store, const upstream::upstream_response& response);
// A mapping report with invalid fields, as a VALIDATION_ERROR.
domain::error invalid_fields(const mappers::map_report& report);
// A platform answer the adapter cannot read (not JSON, wrong shape), as UPSTREAM_ERROR.
domain::error unreadable(const platform_store& store, const upstream::upstream_response& response, std::string_view what);

// Parses a response body as JSON; UPSTREAM_ERROR if it is not.
domain::result<rapidjson::Document> parse_body(const platform_store& store, const upstream::upstream_response& response);

// Canonical ids on platform stores are UUIDv8 (see platform_ids.hpp); the mapper
// speaks the platform's decimal ids. These convert between the two for this store.
std::string canonical_customer_id(const platform_store& store, std::uint64_t platform_id);
std::string canonical_address_id(const platform_store& store, std::uint64_t platform_id);
std::optional<std::uint64_t> platform_customer_id(const platform_store& store, std::string_view canonical_id);
std::optional<std::uint64_t> platform_address_id(const platform_store& store, std::string_view canonical_id);

// A canonical customer object as the mapper produced it (decimal ids) -> the domain
// customer with this store's UUID ids. UPSTREAM_ERROR if an id is missing or not numeric.
domain::result<domain::customer> customer_from_canonical(const platform_store& store, const rapidjson::Value& canonical);
domain::result<domain::address> address_from_canonical(const platform_store& store, const rapidjson::Value& canonical);

// Domain values -> canonical JSON for the mapper. `address_platform_id`, when set, is
// written as the address id (decimal), so the platform updates that address in place.
void canonical_for_create(const domain::customer_create& input, rapidjson::Value& out, json_allocator& alloc);
// The top-level fields the patch touches, with their values from `next` (addresses excluded).
void canonical_for_update(const domain::customer& next, const domain::customer_patch& patch, rapidjson::Value& out,
                          json_allocator& alloc);
void canonical_address(const domain::address& a, std::optional<std::uint64_t> address_platform_id, rapidjson::Value& out,
                       json_allocator& alloc);

// An address entry of a create body as a domain address (no id yet).
domain::address address_from_input(const domain::address_input& input);

}  // namespace custbridge::backends
