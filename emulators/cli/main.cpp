// cb-emulator: serves an emulated platform API until SIGINT/SIGTERM.
//   cb-emulator nuvemshop   [flags]   Nuvemshop /v1/{store_id}/customers
//   cb-emulator bigcommerce [flags]   BigCommerce /stores/{hash}/v2 and /v3 on one server
// On start it prints one JSON line, {"event":"listening","url":"http://127.0.0.1:PORT",...}
// (https:// when serving TLS with --tls-cert and --tls-key).
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <csignal>
#include <cstdio>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "emulators/bigcommerce/emulator.hpp"
#include "common/log.hpp"
#include "emulators/cli/flags.hpp"
#include "emulators/common/frontend.hpp"
#include "emulators/common/json.hpp"
#include "emulators/common/query.hpp"
#include "emulators/nuvemshop/emulator.hpp"
#include "gateway/http/server.hpp"

namespace {

using namespace custbridge;
using namespace custbridge::emulators;

struct common_settings {
  http::server_options server;
  fault_config faults;
  std::size_t customers = 0;
  std::uint64_t seed = 1;
  std::size_t stores = 1;
  double rate_scale = 1.0;
  std::string client_secret = "emulator-client-secret";
  std::string public_url;
  bool strict_webhook_urls = false;
  bool help = false;

  bool tls() const { return !server.tls_cert_file.empty(); }
};

void add_common(cli::flags& f, common_settings& s) {
  s.server.port = 0;
  s.server.threads = 2;
  f.add_switch("help", "show this help", [&s] { s.help = true; });
  f.add("host", "ADDR", "address to bind (default 127.0.0.1)", cli::flags::text(s.server.address));
  f.add("port", "N", "port to bind; 0 (default) picks an ephemeral one", cli::flags::integer(s.server.port, 0, 65535));
  f.add("threads", "N", "server threads (default 2; 0 = one per core)", cli::flags::integer(s.server.threads, 0, 256));
  f.add("stores", "N", "number of stores (default 1)", cli::flags::integer(s.stores, 1, 1000));
  f.add("customers", "N", "customers seeded per store (default 0)", cli::flags::integer(s.customers, 0, 1'000'000));
  f.add("seed", "S", "seed for the generated customers (default 1)", cli::flags::integer(s.seed, 0, INT64_MAX));
  f.add("rate-scale", "F",
        "rate-limit time scale: 1 = documented limits, 100 = 100x faster, 0 = limits off (default 1)",
        cli::flags::number(s.rate_scale, 0, 1e6));
  f.add("client-secret", "S", "app client secret that signs webhooks", cli::flags::text(s.client_secret));
  f.add("public-url", "URL", "base URL for links (default http://<Host header>; with TLS, the listening URL)",
        cli::flags::text(s.public_url));
  f.add("tls-cert", "FILE", "serve HTTPS with this PEM certificate chain (needs --tls-key)", cli::flags::text(s.server.tls_cert_file));
  f.add("tls-key", "FILE", "PEM private key of --tls-cert", cli::flags::text(s.server.tls_key_file));
  f.add_switch("strict-webhook-urls", "refuse non-https and localhost webhook URLs, as the platforms do",
               [&s] { s.strict_webhook_urls = true; });
  f.add("latency-ms", "MS", "fault: fixed latency added to every platform request",
        [&s](std::string_view v) -> std::optional<std::string> {
          auto n = cli::parse_ll(v);
          if (!n || *n < 0) return "expected a non-negative integer";
          s.faults.latency = std::chrono::milliseconds(*n);
          return std::nullopt;
        });
  f.add("jitter-ms", "MS", "fault: plus a uniform random latency in [0, MS]",
        [&s](std::string_view v) -> std::optional<std::string> {
          auto n = cli::parse_ll(v);
          if (!n || *n < 0) return "expected a non-negative integer";
          s.faults.jitter = std::chrono::milliseconds(*n);
          return std::nullopt;
        });
  f.add("error-rate", "P", "fault: share of requests answered with an error status", cli::flags::number(s.faults.error_rate, 0, 1));
  f.add("error-statuses", "LIST", "fault: statuses to pick from (default 500,502,503)",
        [&s](std::string_view v) -> std::optional<std::string> {
          std::vector<int> out;
          for (auto& part : split_list(v)) {
            auto n = cli::parse_ll(part);
            if (!n || *n < 400 || *n > 599) return "expected HTTP error statuses such as 500,502,503";
            out.push_back(static_cast<int>(*n));
          }
          if (out.empty()) return "expected at least one status";
          s.faults.error_statuses = out;
          return std::nullopt;
        });
  f.add("storm-rate", "P", "fault: chance that a request starts a 429 storm", cli::flags::number(s.faults.storm_rate, 0, 1));
  f.add("storm-length", "N", "fault: requests answered 429 per storm (default 20)", cli::flags::integer(s.faults.storm_length, 1, 1'000'000));
  f.add("truncate-rate", "P", "fault: share of response bodies cut in half", cli::flags::number(s.faults.truncate_rate, 0, 1));
  f.add("reset-rate", "P", "fault: share of responses cut by a connection reset halfway through the body",
        cli::flags::number(s.faults.reset_rate, 0, 1));
  f.add("trickle-rate", "P", "fault: share of responses sent 16 bytes at a time", cli::flags::number(s.faults.trickle_rate, 0, 1));
  f.add("trickle-ms", "MS", "fault: pause between trickled pieces (default 50)",
        [&s](std::string_view v) -> std::optional<std::string> {
          auto n = cli::parse_ll(v);
          if (!n || *n < 0) return "expected a non-negative integer";
          s.faults.trickle_interval = std::chrono::milliseconds(*n);
          return std::nullopt;
        });
  f.add("malformed-rate", "P", "fault: share of response bodies made invalid JSON", cli::flags::number(s.faults.malformed_rate, 0, 1));
  f.add("fault-seed", "S", "seed for the fault sequence (default 1)", cli::flags::integer(s.faults.seed, 0, INT64_MAX));
}

// Both flags or neither; prints the problem and returns false otherwise.
bool check_tls_flags(const common_settings& s, const char* command) {
  if (s.server.tls_cert_file.empty() == s.server.tls_key_file.empty()) return true;
  std::cerr << command << ": --tls-cert and --tls-key must be given together\n";
  return false;
}

struct started_platform {
  std::shared_ptr<platform> target;
  std::string stores_json;
};

// The platform is made once the server listens, so that it can be given the
// listening URL (with TLS it is the default base of absolute links).
using platform_maker = std::function<started_platform(const std::string& listening_url)>;

int serve(const common_settings& s, const std::string& platform_name, const platform_maker& make_platform) {
  // The server needs its handler before it listens; the slot is filled before run().
  auto slot = std::make_shared<http::handler>();
  http::handler forward{[slot](http::request req) { return slot->handle(std::move(req)); },
                        [slot](int status, std::string_view message) { return slot->on_error(status, message); }};
  http::server server(s.server, forward);
  try {
    server.listen();
  } catch (const std::exception& e) {
    std::cerr << R"({"level":"error","msg":"cannot listen","what":")" << json_escape(e.what()) << "\"}\n";
    return 1;
  }
  const std::string url = (s.tls() ? "https://" : "http://") + s.server.address + ":" + std::to_string(server.port());
  auto started = make_platform(url);
  auto fe = std::make_shared<frontend>(std::move(started.target), s.faults);
  *slot = make_handler(fe);
  // Signals are handled here rather than by the server so pending webhook retries
  // are abandoned first; otherwise their timers would keep the server from draining.
  boost::asio::io_context signal_context;
  boost::asio::signal_set signals(signal_context, SIGINT, SIGTERM);
  signals.async_wait([&](boost::system::error_code ec, int) {
    if (ec) return;
    fe->target().stop_background();
    server.stop();
  });
  std::thread signal_thread([&] { signal_context.run(); });
  std::cout << R"({"event":"listening","url":")" << json_escape(url) << R"(","platform":")" << platform_name
            << R"(","admin":")" << admin_prefix << R"(","stores":)" << started.stores_json << "}" << std::endl;
  server.run(false);
  signal_context.stop();
  signal_thread.join();
  return 0;
}

int run_nuvemshop(const std::vector<std::string_view>& args) {
  common_settings s;
  nuvemshop::options o;
  std::string over_max = "clamp";
  cli::flags f;
  add_common(f, s);
  f.add("token-prefix", "P", "store N's access token is P + N (default ns-token-)", cli::flags::text(o.token_prefix));
  f.add("first-store-id", "N", "id of the first store (default 1000001)", cli::flags::integer(o.first_store_id, 1, INT64_MAX / 2));
  f.add("first-customer-id", "N", "first customer id (default 5000000001, above 2^32)",
        cli::flags::integer(o.first_customer_id, 1, INT64_MAX / 2));
  f.add("bucket-size", "N", "leaky bucket size (default 40; 400 on Next/Evolution plans)", cli::flags::integer(o.bucket_size, 1, 1'000'000));
  f.add("drain-rate", "R", "requests drained per second (default 2; 20 on Next/Evolution)", cli::flags::number(o.drain_per_second, 0.001, 1e6));
  f.add("currency", "ISO", "total_spent_currency of seeded customers (default BRL)", cli::flags::text(o.currency));
  f.add("per-page-over-max", "clamp|error", "per_page above 200: clamp to 200 (default) or 422", cli::flags::text(over_max));
  f.add_switch("accept-authorization-header", "also accept `Authorization: Bearer <token>` (HUB docs since 2026)",
               [&o] { o.accept_authorization_header = true; });
  f.add("suspended-store", "ID", "answer 402 to every call for this store id (repeatable)",
        [&o](std::string_view v) -> std::optional<std::string> {
          auto n = cli::parse_ll(v);
          if (!n) return "expected a store id";
          o.suspended_stores.push_back(*n);
          return std::nullopt;
        });
  f.add_switch("put-replaces-addresses", "PUT addresses replace the list (default: merge, never remove; issue #32)",
               [&o] { o.put_replaces_addresses = true; });
  if (auto err = f.parse(args)) {
    std::cerr << "cb-emulator nuvemshop: " << *err << "\n";
    return 2;
  }
  if (s.help) {
    std::cout << "usage: cb-emulator nuvemshop [flags]\n\n" << f.usage();
    return 0;
  }
  if (over_max != "clamp" && over_max != "error") {
    std::cerr << "cb-emulator nuvemshop: --per-page-over-max: expected clamp or error\n";
    return 2;
  }
  if (!check_tls_flags(s, "cb-emulator nuvemshop")) return 2;
  o.per_page_over_max_is_error = over_max == "error";
  o.stores = s.stores;
  o.customers = s.customers;
  o.seed = s.seed;
  o.scale.factor = s.rate_scale;
  o.client_secret = s.client_secret;
  o.public_url = s.public_url;
  o.strict_webhook_urls = s.strict_webhook_urls;
  return serve(s, "nuvemshop", [&](const std::string& listening_url) {
    // Link headers default to http://<Host header>, which is wrong on a TLS port.
    if (s.tls() && o.public_url.empty()) o.public_url = listening_url;
    auto p = std::make_shared<nuvemshop::emulator>(o);
    std::string stores = "[";
    for (const auto& st : p->stores())
      stores += (stores.size() > 1 ? "," : "") + std::string(R"({"store_id":)") + std::to_string(st->id) +
                R"(,"access_token":")" + json_escape(st->token) + "\"}";
    stores += "]";
    return started_platform{p, stores};
  });
}

int run_bigcommerce(const std::vector<std::string_view>& args) {
  common_settings s;
  bigcommerce::options o;
  std::string v2_empty = "204";
  std::string duplicate = "422";
  cli::flags f;
  add_common(f, s);
  f.add("token-prefix", "P", "store HASH's X-Auth-Token is P + HASH (default bc-token-)", cli::flags::text(o.token_prefix));
  f.add("quota", "N", "requests per window (default 150: Standard/Plus; 450 Pro)", cli::flags::integer(o.quota, 1, 100'000'000));
  f.add("window-ms", "MS", "rate-limit window (default 30000)",
        [&o](std::string_view v) -> std::optional<std::string> {
          auto n = cli::parse_ll(v);
          if (!n || *n < 1) return "expected a positive integer";
          o.window = std::chrono::milliseconds(*n);
          return std::nullopt;
        });
  f.add("v2-empty-list", "204|array", "an empty V2 list: 204 without body (default) or 200 []", cli::flags::text(v2_empty));
  f.add("v3-duplicate-email-status", "422|409", "status for a V3 customer POST with a taken email (default 422)",
        cli::flags::text(duplicate));
  if (auto err = f.parse(args)) {
    std::cerr << "cb-emulator bigcommerce: " << *err << "\n";
    return 2;
  }
  if (s.help) {
    std::cout << "usage: cb-emulator bigcommerce [flags]\n\n" << f.usage();
    return 0;
  }
  if ((v2_empty != "204" && v2_empty != "array") || (duplicate != "422" && duplicate != "409")) {
    std::cerr << "cb-emulator bigcommerce: --v2-empty-list takes 204|array, --v3-duplicate-email-status 422|409\n";
    return 2;
  }
  if (!check_tls_flags(s, "cb-emulator bigcommerce")) return 2;
  o.v2_empty_list_is_204 = v2_empty == "204";
  o.duplicate_email_status = duplicate == "409" ? 409 : 422;
  o.stores = s.stores;
  o.customers = s.customers;
  o.seed = s.seed;
  o.scale.factor = s.rate_scale;
  o.client_secret = s.client_secret;
  o.public_url = s.public_url;
  o.strict_webhook_urls = s.strict_webhook_urls;
  // V2 address links default to https://api.bigcommerce.com, whatever the scheme served.
  return serve(s, "bigcommerce", [&](const std::string&) {
    auto p = std::make_shared<bigcommerce::emulator>(o);
    std::string stores = "[";
    for (const auto& st : p->stores())
      stores += (stores.size() > 1 ? "," : "") + std::string(R"({"store_hash":")") + json_escape(st->hash) +
                R"(","access_token":")" + json_escape(st->token) + "\"}";
    stores += "]";
    return started_platform{p, stores};
  });
}

constexpr const char* usage =
    "usage: cb-emulator <nuvemshop|bigcommerce> [flags]   (cb-emulator <platform> --help for flags)\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    std::cout << usage;
    return args.empty() ? 2 : 0;
  }
  const auto cmd = args[0];
  args.erase(args.begin());
  if (cmd == "nuvemshop") return run_nuvemshop(args);
  if (cmd == "bigcommerce") return run_bigcommerce(args);
  std::cerr << "cb-emulator: unknown platform '" << cmd << "'\n" << usage;
  return 2;
}
