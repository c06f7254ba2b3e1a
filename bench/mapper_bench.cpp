// Mapping cost against the raw cost of the same bytes: for each case, BM_raw parses and
// serializes the input JSON; BM_map parses, maps and serializes. run_mapper_bench.sh
// prints map/raw. Inputs are built once, before timing, from the shipped mapping files.
#include <benchmark/benchmark.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <malloc.h>

#include <map>
#include <stdexcept>
#include <string>

#include "mappers/loader.hpp"
#include "mappers/mapper.hpp"

namespace {

using namespace custbridge::mappers;

std::shared_ptr<const mapping_plan> plan_for(const std::string& platform) {
  static std::map<std::string, std::shared_ptr<const mapping_plan>> cache;
  auto& p = cache[platform];
  if (!p) {
    auto r = load_mapping_file(std::string(CUSTBRIDGE_SOURCE_DIR) + "/mappers/platforms/" + platform + ".yaml");
    if (!r) throw std::runtime_error(r.error().front().to_string());
    p = *r;
  }
  return p;
}

std::string to_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return b.GetString();
}

// A canonical customer with three addresses, as a client would send it.
std::string canonical_customer_text(int n) {
  const std::string id = std::to_string(1000 + n);
  std::string s = R"({"email":"Customer)" + id + R"(@Example.com","name":"María José da Silva","phone":"+55 11 91234-5678",)"
                  R"("marketingOptIn":true,"metadata":{"gender":"female","source":"store"},"addresses":[)";
  const char* streets[] = {"Rua Augusta, 1500", "Avenida Paulista, 900", "Praça da Sé, S/N"};
  const char* regions[] = {"SP", "RJ", "MG"};
  for (int a = 0; a < 3; ++a) {
    if (a) s += ",";
    s += R"({"id":")" + std::to_string(5000 + n * 3 + a) + R"(","firstName":"María","lastName":"José da Silva",)"
         R"("address1":")" + streets[a] + R"(","address2":"Apto 12","city":"São Paulo","region":")" + regions[a] +
         R"(","postalCode":"01305-100","country":"BR","phone":"+55 11 3749-8000","isDefault":)" +
         (a == 0 ? "true" : "false") + "}";
  }
  return s + "]}";
}

// The platform's body for the same customer, with the read-only members a real response
// carries (ids, timestamps in the platform's own format).
std::string platform_customer_text(const std::string& platform, int n) {
  const auto& plan = *plan_for(platform);
  rapidjson::Document canonical;
  canonical.Parse(canonical_customer_text(n).c_str());
  rapidjson::Document out;
  auto& a = out.GetAllocator();
  customer_to_platform(plan, canonical, operation::create, out, a);
  const bool nv = platform == "nuvemshop";
  out.AddMember("id", 1000 + n, a);
  out.AddMember(rapidjson::StringRef(nv ? "created_at" : "date_created"),
                rapidjson::StringRef(nv ? "2013-01-03T09:11:51-03:00" : "2018-11-13T21:42:06Z"), a);
  out.AddMember(rapidjson::StringRef(nv ? "updated_at" : "date_modified"),
                rapidjson::StringRef(nv ? "2022-11-15T19:36:59+0000" : "2022-06-16T18:39:00+00:00"), a);
  if (out.HasMember("addresses"))
    for (auto& addr : out["addresses"].GetArray()) {
      if (nv) {
        addr.AddMember("created_at", "2013-01-03T09:11:51-03:00", a);
        addr.AddMember("updated_at", "2013-03-10T11:13:01-03:00", a);
        addr.AddMember("locality", "Morumbi", a);
      } else {
        addr.AddMember("customer_id", 1000 + n, a);
        addr.AddMember("country", "Brazil", a);
        addr.AddMember("address_type", "residential", a);
      }
    }
  return to_text(out);
}

std::string page_text(const std::string& platform, int count) {
  std::string items = "[";
  for (int i = 0; i < count; ++i) items += (i ? "," : "") + platform_customer_text(platform, i);
  items += "]";
  if (platform == "bigcommerce_v3")
    return R"({"data":)" + items + R"(,"meta":{"pagination":{"total":)" + std::to_string(count) + "}}}";
  return items;
}

void raw(benchmark::State& state, const std::string& text) {
  for (auto _ : state) {
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());
    rapidjson::StringBuffer b;
    rapidjson::Writer<rapidjson::StringBuffer> w(b);
    d.Accept(w);
    benchmark::DoNotOptimize(b.GetString());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

enum class direction { request, response, page };

void mapped(benchmark::State& state, const std::string& platform, direction dir, const std::string& text) {
  auto plan = plan_for(platform);
  for (auto _ : state) {
    rapidjson::Document d;
    d.Parse(text.c_str(), text.size());
    rapidjson::Document out;
    map_report r;
    switch (dir) {
      case direction::request: r = request_body(*plan, d, operation::create, out, out.GetAllocator()); break;
      case direction::response: r = customer_to_canonical(*plan, d, out, out.GetAllocator()); break;
      case direction::page: {
        // One customer at a time into a canonical array, as the adapters map a page.
        const rapidjson::Value& items = d.IsObject() && d.HasMember("data") ? d["data"] : d;
        out.SetArray();
        if (!items.IsArray()) break;
        for (const auto& item : items.GetArray()) {
          rapidjson::Value one;
          const auto ri = customer_to_canonical(*plan, item, one, out.GetAllocator());
          if (!ri.ok()) r = ri;
          out.PushBack(one, out.GetAllocator());
        }
        break;
      }
    }
    if (!r.ok()) state.SkipWithError("mapping reported invalid fields");
    rapidjson::StringBuffer b;
    rapidjson::Writer<rapidjson::StringBuffer> w(b);
    out.Accept(w);
    benchmark::DoNotOptimize(b.GetString());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void register_all() {
  for (const std::string platform : {"nuvemshop", "bigcommerce_v3", "bigcommerce_v2"}) {
    const auto request = canonical_customer_text(1);
    const auto response = platform_customer_text(platform, 1);
    const auto page = page_text(platform, 200);
    benchmark::RegisterBenchmark(("raw/request/" + platform).c_str(), raw, request);
    benchmark::RegisterBenchmark(("map/request/" + platform).c_str(), mapped, platform, direction::request, request);
    benchmark::RegisterBenchmark(("raw/response/" + platform).c_str(), raw, response);
    benchmark::RegisterBenchmark(("map/response/" + platform).c_str(), mapped, platform, direction::response, response);
    benchmark::RegisterBenchmark(("raw/page200/" + platform).c_str(), raw, page);
    benchmark::RegisterBenchmark(("map/page200/" + platform).c_str(), mapped, platform, direction::page, page);
  }
}

}  // namespace

int main(int argc, char** argv) {
  // A long-running server keeps its heap; without this glibc hands large freed blocks back
  // to the kernel after every iteration, and page faults dominate both raw and mapped runs.
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
