#pragma once

#include <rapidjson/document.h>

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/backends/bigcommerce/default_address.hpp"
#include "gateway/backends/bigcommerce_v3/bigcommerce_v3_backend.hpp"
#include "gateway/backends/platform/platform_store.hpp"
#include "gateway/backends/platform/time_order_feed.hpp"
#include "mappers/report.hpp"

// The BigCommerce V3 adapter's class and the readers and checks its files share; the
// behaviour is described in bigcommerce_v3_backend.hpp. Internal to the adapter
// (namespace `bigcommerce_v3`): bigcommerce_v3_calls.cpp holds the platform calls and
// readers, bigcommerce_v3_read.cpp list, get and changes, bigcommerce_v3_write.cpp
// create and delete, bigcommerce_v3_update.cpp the update.
namespace custbridge::backends::bigcommerce_v3 {

using params = std::vector<std::pair<std::string, std::string>>;
using attribute_ids = bigcommerce::attribute_directory::ids;

// The id prefix apply_patch gives addresses that do not exist yet.
inline constexpr std::string_view placeholder_prefix = "new:";
// BigCommerce's page size limit ([FILT]); email lookups fit one page.
inline constexpr int max_page = 250;

// Replaces every parameter `name` with one of `value`.
void set_param(params& ps, const std::string& name, std::string value);
// The numeric member `key` of an object (number or decimal string), else nullopt.
std::optional<std::uint64_t> member_id(const rapidjson::Value& obj, const char* key = "id");
// The `data` array of a V3 answer, or null.
const rapidjson::Value* data_array(const rapidjson::Value& body);

// BigCommerce's identity of an address (§3.1): the content of its platform body.
std::string address_key(const rapidjson::Value& platform_address);

// 400 BAD_REQUEST "<field>: <reason>", with the field in details.
domain::error bad_parameter(std::string field, std::string reason);
// A write that would lose fields the platform cannot hold is refused, never trimmed:
// the dropped fields (each under `prefix`) as a VALIDATION_ERROR, or nullopt.
std::optional<domain::error> refuse_dropped(const mappers::map_report& report, std::string_view prefix = "");
// An issue path of a single-address mapping ("postalCode") as a path of the customer.
std::string address_path(std::size_t index, std::string_view field);
// Adds a problem for each field BigCommerce V3 requires of addresses[index] and `a` lacks.
void check_required(const domain::address& a, std::size_t index, std::vector<domain::field_error>& problems);
// VALIDATION_ERROR on the first address whose key repeats an earlier one.
domain::result<void> check_distinct(const std::vector<std::string>& keys);

// The customer as read, plus the raw value of its default-address attribute.
struct loaded_customer {
  domain::customer customer;
  std::optional<std::string> stored_default;
};

class v3_update_calls;

class bigcommerce_v3_backend final : public customer_backend {
 public:
  explicit bigcommerce_v3_backend(std::shared_ptr<const platform_store> store) : store_(store), attributes_(store) {}

  boost::asio::awaitable<domain::result<domain::customer_page>> list(request_context rc, domain::list_query query) override;
  boost::asio::awaitable<domain::result<domain::customer>> get(request_context rc, std::string id) override;
  boost::asio::awaitable<domain::result<domain::customer>> create(request_context rc, domain::customer_create input) override;
  boost::asio::awaitable<domain::result<domain::customer>> update(request_context rc, std::string id,
                                                                  domain::customer_patch patch) override;
  boost::asio::awaitable<domain::result<void>> remove(request_context rc, std::string id) override;
  boost::asio::awaitable<domain::result<change_page>> changes(request_context rc, std::string cursor, int limit) override;
  const store_capabilities& capabilities() const override { return bigcommerce_v3_capabilities(); }
  bool ready() override { return store_->ready(); }

 private:
  friend class v3_update_calls;
  struct page_result {
    std::vector<domain::customer> items;
    std::int64_t total = 0;
  };

  boost::asio::awaitable<domain::result<upstream::upstream_response>> send(std::string method, std::string target,
                                                                           std::string body, const call_context& ctx);
  // The same, every platform status as a response (the adapter maps address-call errors itself).
  boost::asio::awaitable<domain::result<upstream::upstream_response>> send_raw(std::string method, std::string target,
                                                                               std::string body, const call_context& ctx);
  boost::asio::awaitable<domain::result<rapidjson::Document>> send_json(std::string method, std::string target,
                                                                        std::string body, const call_context& ctx);
  boost::asio::awaitable<domain::result<page_result>> fetch_page(params ps, const call_context& ctx);
  boost::asio::awaitable<domain::result<time_order_page>> fetch_modified(call_context ctx, std::optional<std::int64_t> since,
                                                                          int page, int per_page);
  boost::asio::awaitable<domain::result<std::optional<loaded_customer>>> fetch(std::uint64_t platform_id,
                                                                                const call_context& ctx);
  boost::asio::awaitable<domain::result<bool>> email_taken(std::string email, std::optional<std::uint64_t> except,
                                                           const call_context& ctx);
  boost::asio::awaitable<domain::result<domain::customer>> update_locked(request_context rc, std::string id,
                                                                         std::uint64_t pid, domain::customer_patch patch);

  domain::result<loaded_customer> read_customer(const rapidjson::Value& platform, const attribute_ids& ids) const;
  domain::result<domain::address> read_address(const rapidjson::Value& platform) const;
  // The platform body of one address: for a create (with customer_id, state_or_province
  // and postal_code always present) or an update in place (with its id). `index` names
  // the address in errors.
  domain::result<void> address_body(const domain::address& a, bool create, std::uint64_t customer_pid, std::size_t index,
                                    rapidjson::Value& out, json_allocator& alloc) const;
  domain::error address_call_error(const upstream::upstream_response& response,
                                   const std::vector<std::size_t>& batch_to_index) const;

  std::shared_ptr<const platform_store> store_;
  bigcommerce::attribute_directory attributes_;
};

}  // namespace custbridge::backends::bigcommerce_v3
