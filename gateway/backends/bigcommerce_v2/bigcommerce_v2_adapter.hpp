#pragma once

#include <rapidjson/document.h>

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gateway/backends/bigcommerce/default_address.hpp"
#include "gateway/backends/bigcommerce_v2/bigcommerce_v2_backend.hpp"
#include "gateway/backends/platform/id_order_feed.hpp"
#include "gateway/backends/platform/platform_store.hpp"
#include "mappers/plan.hpp"

// The BigCommerce V2 adapter's class and the readers and checks its files share; the
// behaviour is described in bigcommerce_v2_backend.hpp. Internal to the adapter
// (namespace `bigcommerce_v2`): bigcommerce_v2_calls.cpp holds the platform reads the
// operations share, bigcommerce_v2_read.cpp list, get and changes,
// bigcommerce_v2_write.cpp create and delete, bigcommerce_v2_update.cpp the update.
namespace custbridge::backends::bigcommerce_v2 {

inline constexpr int address_page_size = 250;  // V2's maximum page size
inline constexpr std::size_t list_concurrency = 8;

// An email as V2 compares it: surrounding spaces trimmed, ASCII lower case.
std::string fold(std::string_view s);

// A duplicate email the platform itself reports (a race past the pre-check) keeps the
// canonical message and the platform's words. Other errors pass unchanged.
domain::error canonical_conflict(domain::error e);

// Parses a V2 list: a top-level array, or 204 with no body for an empty list
// (UNDOCUMENTED, seen on the real platform), which reads as an empty array.
domain::result<rapidjson::Document> parse_list(const platform_store& store, const upstream::upstream_response& r);

// One platform address or customer as the domain value ("" read as null).
domain::result<domain::address> read_address(const platform_store& store, const rapidjson::Value& platform);
domain::result<domain::customer> read_customer(const platform_store& store, const rapidjson::Value& platform);
// One address from a write's response.
domain::result<domain::address> written_address(const platform_store& store,
                                                const domain::result<upstream::upstream_response>& r);

// One address as a V2 body. Required V2 fields the canonical address leaves empty
// (names, phone) are sent as "" so that POST accepts the address. Errors name the
// fields under `field_prefix`.
domain::result<std::string> address_body(const platform_store& store, const domain::address& a, mappers::operation op,
                                         const std::string& field_prefix);

// V2 keeps a first and a last name: a name needs two words.
bool two_part_name(const std::string& name);
inline constexpr const char* name_reason = "BigCommerce V2 requires a first and a last name: give at least two words";

// Customers in flight for a list, fetched by a few workers.
struct address_fetch {
  std::vector<std::uint64_t> customer_ids;
  std::vector<std::optional<domain::result<std::vector<domain::address>>>> results;
  std::atomic<std::size_t> next{0};
  call_context ctx;
};

class v2_update_calls;

class bigcommerce_v2_backend final : public customer_backend, public std::enable_shared_from_this<bigcommerce_v2_backend> {
 public:
  explicit bigcommerce_v2_backend(std::shared_ptr<const platform_store> store) : store_(store), attributes_(store) {}

  boost::asio::awaitable<domain::result<domain::customer_page>> list(request_context rc, domain::list_query query) override;
  boost::asio::awaitable<domain::result<domain::customer>> get(request_context rc, std::string id) override;
  boost::asio::awaitable<domain::result<domain::customer>> create(request_context rc, domain::customer_create input) override;
  boost::asio::awaitable<domain::result<domain::customer>> update(request_context rc, std::string id,
                                                                  domain::customer_patch patch) override;
  boost::asio::awaitable<domain::result<void>> remove(request_context rc, std::string id) override;
  boost::asio::awaitable<domain::result<change_page>> changes(request_context rc, std::string cursor, int limit) override;
  const store_capabilities& capabilities() const override { return bigcommerce_v2_capabilities(); }
  bool ready() override { return store_->ready(); }

 private:
  friend class v2_update_calls;
  // The raw default-address attribute value of a customer (nullopt: none stored).
  using stored_default = std::optional<std::string>;

  boost::asio::awaitable<domain::result<std::vector<domain::address>>> fetch_addresses(std::uint64_t customer_id,
                                                                                        const call_context& ctx);
  boost::asio::awaitable<domain::result<std::map<std::uint64_t, std::string>>> fetch_defaults(
      const std::vector<std::uint64_t>& customer_ids, const call_context& ctx);
  boost::asio::awaitable<domain::result<domain::customer>> load(std::uint64_t platform_id, const std::string& canonical_id,
                                                                stored_default* stored, const call_context& ctx);
  boost::asio::awaitable<domain::result<bool>> email_taken(std::string email, std::optional<std::uint64_t> except,
                                                           const call_context& ctx);
  boost::asio::awaitable<domain::result<domain::customer>> update_locked(request_context rc, std::string id,
                                                                         std::uint64_t pid, domain::customer_patch patch);
  void finish(domain::customer& c, const stored_default& stored) const;
  // Deletes a customer whose create failed after the customer POST; the error says so.
  boost::asio::awaitable<domain::error> undo_create(std::string customer_id, std::uint64_t pid,
                                                    std::vector<std::string> created_ids, std::string step,
                                                    domain::error cause, call_context ctx);
  // Reads the addresses (a few customers in flight) and stored defaults of `items`.
  boost::asio::awaitable<domain::result<void>> complete(std::vector<domain::customer>& items, const call_context& ctx);
  boost::asio::awaitable<domain::result<id_order_page>> fetch_updated(call_context ctx, std::optional<std::int64_t> since,
                                                                      std::uint64_t after, int count);

  static boost::asio::awaitable<void> address_worker(std::shared_ptr<bigcommerce_v2_backend> self,
                                                     std::shared_ptr<address_fetch> job);

  std::shared_ptr<const platform_store> store_;
  bigcommerce::attribute_directory attributes_;
};

}  // namespace custbridge::backends::bigcommerce_v2
