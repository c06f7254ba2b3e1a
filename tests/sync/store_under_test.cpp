#include "tests/sync/store_under_test.hpp"

#include <rapidjson/document.h>

#include <stdexcept>

#include "common/crypto.hpp"
#include "gateway/backends/local/sqlite_store.hpp"
#include "gateway/backends/platform/platform_factory.hpp"
#include "tests/support/http_client.hpp"

namespace custbridge::sync::testing {

store_under_test::store_under_test(io_thread& io, std::string backend, std::string store_id,
                                   std::vector<std::string> emulator_flags)
    : backend_name_(std::move(backend)), store_id_(std::move(store_id)), io_(io) {
  if (backend_name_ == "local") {
    dir_ = std::filesystem::temp_directory_path() / ("cb-sync-store-" + random_alnum(10));
    std::filesystem::create_directories(dir_);
    backend_ = std::make_shared<backends::sqlite_store>(std::make_shared<state::database>((dir_ / "store.db").string()));
    return;
  }
  std::vector<std::string> flags{"--customers", "0", "--rate-scale", "100"};
  flags.insert(flags.end(), emulator_flags.begin(), emulator_flags.end());
  emulator_ = std::make_unique<custbridge::testing::emulator_process>(
      CUSTBRIDGE_EMULATOR_PATH, backend_name_ == "nuvemshop" ? "nuvemshop" : "bigcommerce", flags);
  config::store_config cfg;
  cfg.id = store_id_;
  cfg.backend = backend_name_;
  cfg.platform.base_url = emulator_->base_url();
  cfg.platform.access_token = emulator_->stores().at(0).access_token;
  cfg.platform.user_agent = "custbridge-tests (dev@custbridge.invalid)";
  cfg.platform.timeout = std::chrono::seconds(10);
  auto made = backends::make_platform_backend(cfg, io_.io().get_executor());
  if (!made) throw std::runtime_error(made.error());
  backend_ = std::move(*made);
}

store_under_test::~store_under_test() {
  backend_.reset();
  std::error_code ignored;
  if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
}

void store_under_test::seed(int n) {
  if (emulator_) {
    auto r = custbridge::testing::http_request(emulator_->port(), "POST",
                                               "/__emulator/seed?customers=" + std::to_string(n) + "&seed=11");
    if (r.status != 200) throw std::runtime_error("seed answered " + std::to_string(r.status));
    return;
  }
  for (auto& c : sample_customers(n, store_id_)) create(std::move(c));
}

domain::customer store_under_test::create(domain::customer_create in) {
  const backends::request_context rc{store_id_, "test-create"};
  auto c = run(backend_->create(rc, std::move(in)));
  if (!c) throw std::runtime_error("create failed: " + c.error().message);
  return *c;
}

domain::customer store_under_test::update(const std::string& id, domain::customer_patch patch) {
  const backends::request_context rc{store_id_, "test-update"};
  auto c = run(backend_->update(rc, id, std::move(patch)));
  if (!c) throw std::runtime_error("update failed: " + c.error().message);
  return *c;
}

void store_under_test::remove(const std::string& id) {
  const backends::request_context rc{store_id_, "test-remove"};
  auto done = run(backend_->remove(rc, id));
  if (!done) throw std::runtime_error("remove failed: " + done.error().message);
}

std::vector<domain::customer> store_under_test::all() {
  std::vector<domain::customer> out;
  for (std::int64_t offset = 0;; offset += 100) {
    domain::list_query q;
    q.limit = 100;
    q.offset = offset;
    q.descending = false;
    const backends::request_context rc{store_id_, "test-list"};
    auto page = run(backend_->list(rc, q));
    if (!page) throw std::runtime_error("list failed: " + page.error().message);
    for (auto& c : page->items) out.push_back(std::move(c));
    if (page->items.size() < 100) return out;
  }
}

void store_under_test::mark_writes() {
  if (emulator_) return;
  for (;;) {
    const backends::request_context rc{store_id_, "test-changes"};
    auto page = run(backend_->changes(rc, local_cursor_, 250));
    if (!page) throw std::runtime_error("changes failed: " + page.error().message);
    local_cursor_ = page->next_cursor;
    if (page->changes.empty()) return;
  }
}

std::int64_t store_under_test::writes() {
  if (!emulator_) {
    std::int64_t n = 0;
    auto cursor = local_cursor_;
    for (;;) {
      const backends::request_context rc{store_id_, "test-changes"};
      auto page = run(backend_->changes(rc, cursor, 250));
      if (!page) throw std::runtime_error("changes failed: " + page.error().message);
      n += static_cast<std::int64_t>(page->changes.size());
      cursor = page->next_cursor;
      if (page->changes.empty()) return n;
    }
  }
  auto r = custbridge::testing::http_request(emulator_->port(), "GET", "/__emulator/stats");
  rapidjson::Document doc;
  doc.Parse(r.body.c_str(), r.body.size());
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("routes")) throw std::runtime_error("bad stats: " + r.body);
  std::int64_t n = 0;
  for (const auto& route : doc["routes"].GetArray()) {
    const std::string name = route["route"].GetString();
    if (name.starts_with("POST ") || name.starts_with("PUT ") || name.starts_with("DELETE ")) n += route["count"].GetInt64();
  }
  return n;
}

std::vector<domain::customer_create> sample_customers(int n, const std::string& tag) {
  static const char* first_names[] = {"Ana", "Bruno", "Jürgen", "Carla", "Diego", "Emi", "Farah", "Gus"};
  static const char* last_names[] = {"Souza", "Müller", "Smith", "García", "Tanaka", "Okafor"};
  std::vector<domain::customer_create> out;
  for (int i = 0; i < n; ++i) {
    domain::customer_create c;
    const std::string first = first_names[i % 8];
    const std::string last = last_names[i % 6];
    c.email = first.substr(0, 1) + "." + std::to_string(i) + "." + tag + "@example.com";
    c.name = first + " " + last;
    if (i % 4 != 3) c.phone = "+1 555 01" + std::to_string(10 + i % 90);
    c.marketing_opt_in = i % 3 == 0;
    if (i % 5 == 1) c.metadata = {{"tier", i % 2 ? "gold" : "silver"}, {"source", "sample"}};
    const int addresses = i % 4;
    for (int a = 0; a < addresses; ++a) {
      domain::address_input in;
      in.first_name.set(first);
      in.last_name.set(last);
      if (a == 1) in.company.set("Acme " + std::to_string(i));
      in.address1.set(std::to_string(100 + a) + " Main Street");
      if (a == 2) in.address2.set("Apt " + std::to_string(i));
      in.city.set(a == 1 ? "Portland" : "Springfield");
      in.region.set(a == 1 ? "OR" : "IL");
      in.postal_code.set(a == 1 ? "97201" : "62701");
      in.country.set("US");
      if (a == 0) in.phone.set("+1 555 0200");
      if (i % 7 == 2 && a == 1) in.is_default = true;
      c.addresses.push_back(std::move(in));
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace custbridge::sync::testing
