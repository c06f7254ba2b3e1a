#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "gateway/backends/customer_backend.hpp"

namespace custbridge::sync::testing {

// A store in memory for engine tests: it holds what no real store will (two customers
// with one email), takes scripted failures, and counts writes. Single-threaded: call it
// from one io thread.
class memory_store final : public backends::customer_backend {
 public:
  explicit memory_store(backends::store_capabilities caps = {});

  boost::asio::awaitable<domain::result<domain::customer_page>> list(backends::request_context rc,
                                                                     domain::list_query query) override;
  boost::asio::awaitable<domain::result<domain::customer>> get(backends::request_context rc, std::string id) override;
  boost::asio::awaitable<domain::result<domain::customer>> create(backends::request_context rc,
                                                                  domain::customer_create input) override;
  boost::asio::awaitable<domain::result<domain::customer>> update(backends::request_context rc, std::string id,
                                                                  domain::customer_patch patch) override;
  boost::asio::awaitable<domain::result<void>> remove(backends::request_context rc, std::string id) override;
  boost::asio::awaitable<domain::result<backends::change_page>> changes(backends::request_context rc, std::string cursor,
                                                                        int limit) override;
  const backends::store_capabilities& capabilities() const override { return caps_; }
  bool ready() override { return true; }

  // Synchronous forms for the test body.
  domain::customer add(domain::customer_create input);
  domain::customer edit(const std::string& id, const domain::customer_patch& patch);
  void erase(const std::string& id);
  std::vector<domain::customer> all() const;

  // The next writes (create, update or remove) fail with these, in order.
  std::deque<domain::error> fail_writes;
  // The next reads by id (get, and so get_many) fail with these, in order.
  std::deque<domain::error> fail_reads;
  // Creates with these emails (folded) are refused with this error, every time.
  std::map<std::string, domain::error> refuse_email;
  bool unique_emails = false;
  int write_count = 0;

 private:
  domain::result<domain::customer> create_now(const domain::customer_create& input);
  void touch(const std::string& id);

  backends::store_capabilities caps_;
  std::map<std::string, domain::customer> customers_;  // by id
  std::vector<std::string> order_;                     // ids in creation order
  std::map<std::string, std::int64_t> seq_of_;         // id -> last change sequence (deleted too)
  std::map<std::string, bool> deleted_;
  std::int64_t seq_ = 0;
  int next_id_ = 1;
};

}  // namespace custbridge::sync::testing
