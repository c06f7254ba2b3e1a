#pragma once

#include <rapidjson/document.h>

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gateway/domain/error.hpp"
#include "gateway/backends/platform/platform_store.hpp"
#include "gateway/backends/platform/query_string.hpp"
#include "gateway/backends/platform/store_errors.hpp"
#include "gateway/domain/customer.hpp"

// The Nuvemshop requests the adapter makes, with the platform's replies read into
// domain values. Internal to the adapter (namespace `nuvemshop`).
namespace custbridge::backends::nuvemshop {


// One customer read from the platform, with the platform facts the canonical body
// does not carry but the adapter needs (for sorting by id and the hasOrders filter).
struct platform_customer {
  domain::customer customer;  // customer.orders_count is 1 if the platform names a last order, else 0
  std::uint64_t platform_id = 0;
};

// One page of GET /customers. `total` is x-total-count (0 for the platform's
// 404 "Last page is N" answer, which means the page is past the end: `past_end`).
struct customer_list_page {
  std::vector<platform_customer> items;
  std::int64_t total = 0;
  bool past_end = false;
  std::string date;  // the answer's HTTP Date header, "" if none
};


// One platform customer object -> the domain customer with this store's UUIDs. The
// intermediate canonical JSON lives in `scratch` (the allocator of the document that
// holds `raw`, so a page of customers shares one pool).
domain::result<platform_customer> read_customer(const platform_store& store, const rapidjson::Value& raw,
                                             json_allocator& scratch);

// GET /customers?<params>&page=P&per_page=N. A 404 "Last page is N" is an empty page
// (past_end); other platform errors go through the mapping's error table.
boost::asio::awaitable<domain::result<customer_list_page>> fetch_page(const platform_store& store, query_params params,
                                                                   std::int64_t page, int per_page,
                                                                   const call_context& ctx);

// GET /customers/{id}. A platform 404 is the canonical "Customer '<canonical_id>' not found".
boost::asio::awaitable<domain::result<platform_customer>> fetch_customer(const platform_store& store,
                                                                      std::uint64_t platform_id,
                                                                      std::string canonical_id, const call_context& ctx);

// POST /customers or PUT /customers/{id} with a JSON body; the customer the platform answers.
boost::asio::awaitable<domain::result<platform_customer>> write_customer(const platform_store& store, std::string method,
                                                                      std::string target, std::string body,
                                                                      const call_context& ctx);

// Every customer whose email equals `email` (ASCII case-insensitive), through the
// platform's `email` filter plus an exact post-filter. `except` is left out.
boost::asio::awaitable<domain::result<bool>> email_taken(const platform_store& store, std::string email,
                                                      std::optional<std::uint64_t> except, const call_context& ctx);


}  // namespace custbridge::backends::nuvemshop
