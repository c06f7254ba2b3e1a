// docs/backends.md shows what each backend can do; that list is rendered from the same
// store_capabilities the API's refusals quote, so the docs cannot drift from the code.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "gateway/backends/local/sqlite_store.hpp"
#include "gateway/backends/platform/platform_registry.hpp"

namespace custbridge::backends {
namespace {

std::string docs_block() {
  std::ifstream in(std::string(CUSTBRIDGE_SOURCE_DIR) + "/docs/backends.md");
  std::stringstream text;
  text << in.rdbuf();
  const auto s = text.str();
  const std::string begin = "<!-- capabilities:begin -->\n", end = "<!-- capabilities:end -->";
  const auto b = s.find(begin), e = s.find(end);
  if (b == std::string::npos || e == std::string::npos || e < b) return "(no capabilities block in docs/backends.md)";
  return s.substr(b + begin.size(), e - b - begin.size());
}

TEST(CapabilitiesDoc, BackendsMdShowsWhatEachStoreDeclares) {
  std::vector<const store_capabilities*> stores{&local_capabilities()};
  for (const auto& a : platform_adapters()) stores.push_back(&a.capabilities());
  const auto table = capabilities_table(stores);
  EXPECT_EQ(docs_block(), table) << "put this between the capabilities markers of docs/backends.md:\n" << table;
}

TEST(CapabilitiesDoc, EveryRefusalHasAReason) {
  std::vector<const store_capabilities*> stores{&local_capabilities()};
  for (const auto& a : platform_adapters()) stores.push_back(&a.capabilities());
  for (const auto* s : stores)
    for (const auto* c : {&s->marketing_opt_in_writable, &s->metadata_on_create, &s->metadata_on_update,
                          &s->delete_addresses, &s->filter_marketing_opt_in, &s->filter_has_orders, &s->change_feed})
      if (!c->supported) {
        EXPECT_FALSE(c->reason.empty()) << s->backend;
      }
}

}  // namespace
}  // namespace custbridge::backends
