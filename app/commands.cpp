#include "app/commands.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <malloc.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include <charconv>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "common/crypto.hpp"
#include "common/log.hpp"
#include "config/gateway_config.hpp"
#include "gateway/api/customer_json.hpp"
#include "gateway/api/gateway_handler.hpp"
#include "gateway/auth/api_keys.hpp"
#include "gateway/backends/platform/platform_factory.hpp"
#include "gateway/backends/platform/platform_registry.hpp"
#include "gateway/backends/store_factory.hpp"
#include "gateway/backends/platform/upstream_metrics.hpp"
#include "gateway/http/server.hpp"
#include "gateway/state/database.hpp"
#include "gateway/state/idempotency_store.hpp"

namespace custbridge::app {
namespace {

// Each request allocates and frees a few buffers of 50-200 KB (platform bodies, parsed
// documents). With glibc's default 128 KiB trim threshold every free at the top of the
// heap gives memory back to the kernel and the next request takes it again: two brk
// calls per request, about 7% of the time on a list. Keep up to 64 MiB of freed heap.
void keep_freed_heap() {
  mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
}

bool wants_help(const std::vector<std::string>& args) {
  for (const auto& a : args)
    if (a == "--help" || a == "-h") return true;
  return false;
}

// Reads "--name value" pairs; positional arguments are returned in order.
struct parsed_args {
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::string> positional;
  std::string error;

  std::optional<std::string> get(const std::string& name) const {
    for (const auto& [k, v] : options)
      if (k == name) return v;
    return std::nullopt;
  }
};

parsed_args parse(const std::vector<std::string>& args, const std::vector<std::string>& known) {
  parsed_args out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a.rfind("--", 0) != 0) {
      out.positional.push_back(a);
      continue;
    }
    if (std::find(known.begin(), known.end(), a) == known.end()) {
      out.error = "unknown option '" + a + "'";
      return out;
    }
    if (i + 1 >= args.size()) {
      out.error = "option '" + a + "' needs a value";
      return out;
    }
    out.options.emplace_back(a, args[++i]);
  }
  return out;
}

// Loads the config and every platform store's mapping file, printing every problem found.
std::optional<config::gateway_config> load_or_report(const std::string& path) {
  auto cfg = config::load_gateway_config(path, backends::known_backends());
  config::diagnostics problems;
  if (!cfg) {
    problems = cfg.error();
  } else {
    for (const auto& [id, store] : cfg->stores) {
      if (store.backend == "local") continue;
      auto found = backends::check_platform_store(store);
      problems.insert(problems.end(), found.begin(), found.end());
    }
  }
  if (problems.empty()) return std::move(*cfg);
  for (const auto& d : problems) std::cerr << d.to_string() << "\n";
  std::cerr << path << ": " << problems.size() << " problem(s) found\n";
  return std::nullopt;
}

}  // namespace

std::optional<config::gateway_config> load_config_or_report(const std::string& path) { return load_or_report(path); }

int run_serve(const std::vector<std::string>& args) {
  if (wants_help(args)) {
    std::cout << "Usage: custbridge serve --config FILE [--port N] [--address ADDR]\n\n"
                 "Serves the canonical customer API. --port and --address override the config; --port 0 picks a\n"
                 "free port. Prints one JSON line with the URL once listening. SIGINT/SIGTERM drain and exit 0.\n";
    return 0;
  }
  auto a = parse(args, {"--config", "--port", "--address"});
  if (!a.error.empty() || !a.get("--config")) {
    std::cerr << "custbridge serve: " << (a.error.empty() ? "--config FILE is required" : a.error) << "\n";
    return 2;
  }
  auto cfg = load_or_report(*a.get("--config"));
  if (!cfg) return 2;
  keep_freed_heap();
  if (auto port = a.get("--port")) {
    unsigned p = 0;
    const auto [end, ec] = std::from_chars(port->data(), port->data() + port->size(), p);
    if (ec != std::errc{} || end != port->data() + port->size() || port->empty() || p > 65535) {
      std::cerr << "custbridge serve: --port must be a number from 0 to 65535\n";
      return 2;
    }
    cfg->server.port = static_cast<std::uint16_t>(p);
  }
  if (auto address = a.get("--address")) cfg->server.address = *address;

  auto context = std::make_shared<api::gateway_context>(api::gateway_context{*cfg, auth::key_ring(cfg->api_keys), {}, {}, {}});
  std::shared_ptr<state::database> database_handle;
  try {
    auto database = std::make_shared<state::database>(cfg->state.sqlite_path);
    context->idempotency = std::make_shared<state::idempotency_store>(database);
    std::set<std::string> store_ids;
    for (const auto& [id, store] : cfg->stores) store_ids.insert(id);
    context->metrics = std::make_shared<observability::metrics>(std::move(store_ids));
    database_handle = std::move(database);
  } catch (const std::exception& e) {
    std::cerr << "custbridge serve: " << e.what() << "\n";
    return 1;
  }

  http::server_options options;
  options.address = cfg->server.address;
  options.port = cfg->server.port;
  options.threads = cfg->server.threads;
  options.body_limit = cfg->server.body_limit_bytes;
  options.header_limit = cfg->server.header_limit_bytes;
  options.read_timeout = cfg->server.read_timeout;
  options.idle_timeout = cfg->server.idle_timeout;
  options.write_timeout = cfg->server.write_timeout;
  options.drain_timeout = cfg->server.drain_timeout;
  options.max_connections = cfg->server.max_connections;
  http::server server(options, api::make_gateway_handler(context));
  // Platform clients keep pooled sockets and timers on the server's io_context, so they
  // must be destroyed before the server is, however this function returns.
  struct backends_released_first {
    api::gateway_context& context;
    ~backends_released_first() {
      context.backends.clear();
      context.metrics.reset();
    }
  } release_order{*context};
  auto stores = backends::open_configured_stores(*cfg, server.executor(), database_handle);
  if (!stores) {
    std::cerr << "custbridge serve: " << stores.error() << "\n";
    return 1;
  }
  context->backends = std::move(stores->by_id);
  context->metrics->add_collector([platform_stores = std::move(stores->platform)](std::string& out) {
    backends::render_upstream_metrics(platform_stores, out);
  });
  try {
    server.listen();
  } catch (const std::exception& e) {
    std::cerr << "custbridge serve: cannot listen on " << options.address << ":" << options.port << ": " << e.what() << "\n";
    return 1;
  }
  const std::string host = options.address.find(':') != std::string::npos ? "[" + options.address + "]" : options.address;
  log_line(R"({"event":"listening","url":"http://)" + json_escape(host) + ":" + std::to_string(server.port()) +
           R"(","stores":)" + std::to_string(cfg->stores.size()) + "}");
  server.run();
  log_line(R"({"event":"stopped"})");
  return 0;
}

int run_check_config(const std::vector<std::string>& args) {
  if (wants_help(args) || args.size() != 1) {
    (args.size() == 1 ? std::cout : std::cerr) << "Usage: custbridge check-config FILE\n\n"
                                                  "Validates FILE and prints every problem as file:line:col: path: message.\n"
                                                  "Exits 0 if the file is valid, 1 if it has problems, 2 on a usage error.\n";
    return wants_help(args) ? 0 : 2;
  }
  auto cfg = load_or_report(args[0]);
  if (!cfg) return 1;
  std::cout << args[0] << ": OK (" << cfg->stores.size() << " store(s), " << cfg->api_keys.size() << " API key(s))\n";
  return 0;
}

int run_gen_key(const std::vector<std::string>& args) {
  if (wants_help(args)) {
    std::cout << "Usage: custbridge gen-key [--name NAME] [--store STORE]\n\n"
                 "Prints a new API key (shown once; it is not stored anywhere) and the api_keys entry, holding only\n"
                 "its SHA-256, to paste into the config.\n";
    return 0;
  }
  auto a = parse(args, {"--name", "--store"});
  if (!a.error.empty() || !a.positional.empty()) {
    std::cerr << "custbridge gen-key: " << (a.error.empty() ? "unexpected argument '" + a.positional[0] + "'" : a.error) << "\n";
    return 2;
  }
  const auto key = auth::generate_key();
  std::cout << "key:    " << key << "\n"
            << "sha256: " << sha256_hex(key) << "\n\n"
            << "api_keys:\n"
            << "  - name: " << a.get("--name").value_or("my-key") << "\n"
            << "    sha256: " << sha256_hex(key) << "\n"
            << "    stores: [" << a.get("--store").value_or("\"*\"") << "]\n"
            << "    scopes: [\"customers:read\", \"customers:write\"]\n";
  return 0;
}

namespace {

struct import_tally {
  int created = 0;
  int rejected = 0;
};

void report_rejected(const std::string& where, const api::api_error& e, import_tally& tally) {
  ++tally.rejected;
  std::cerr << where << " rejected: " << e.message << "\n";
  for (const auto& d : e.details) std::cerr << "  " << d.field << ": " << d.reason << "\n";
}

// One entry at a time, in file order, through the store interface like any API write.
boost::asio::awaitable<void> import_all(std::shared_ptr<backends::customer_backend> store, std::string store_id,
                                        std::vector<api::result<domain::customer_create>> inputs, import_tally* tally) {
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::string where = "[" + std::to_string(i) + "]";
    if (!inputs[i]) {
      report_rejected(where, inputs[i].error(), *tally);
      continue;
    }
    const backends::request_context rc{store_id, "import-" + std::to_string(i), std::nullopt};
    auto outcome = co_await store->create(rc, std::move(*inputs[i]));
    if (!outcome) {
      report_rejected(where, outcome.error(), *tally);
      continue;
    }
    ++tally->created;
    std::cout << where << " created " << outcome->id << " " << outcome->email << "\n";
  }
}

}  // namespace

int run_import(const std::vector<std::string>& args) {
  if (wants_help(args)) {
    std::cout << "Usage: custbridge import --config FILE --store STORE CUSTOMERS.json\n\n"
                 "Adds customers to a store of FILE, local or on a platform. CUSTOMERS.json is an array of canonical\n"
                 "customer objects, each optionally with \"ordersCount\" (kept by local stores only). Every entry is\n"
                 "validated as a POST body is and created as a POST would create it; customers whose email already\n"
                 "exists are reported and skipped. Exits 1 if any entry was rejected.\n";
    return 0;
  }
  auto a = parse(args, {"--config", "--store"});
  if (!a.error.empty() || !a.get("--config") || !a.get("--store") || a.positional.size() != 1) {
    std::cerr << "custbridge import: " << (a.error.empty() ? "needs --config, --store and one JSON file" : a.error) << "\n";
    return 2;
  }
  auto cfg = load_or_report(*a.get("--config"));
  if (!cfg) return 2;
  const auto store = *a.get("--store");
  if (!cfg->stores.contains(store)) {
    std::cerr << "custbridge import: '" << store << "' is not a store in " << *a.get("--config") << "\n";
    return 2;
  }
  std::ifstream in(a.positional[0], std::ios::binary);
  if (!in) {
    std::cerr << "custbridge import: cannot open " << a.positional[0] << "\n";
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document doc;
  doc.Parse(text.str().c_str(), text.str().size());
  if (doc.HasParseError() || !doc.IsArray()) {
    std::cerr << "custbridge import: " << a.positional[0] << ": expected a JSON array"
              << (doc.HasParseError() ? std::string(" (") + rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                                            std::to_string(doc.GetErrorOffset()) + ")"
                                      : "")
              << "\n";
    return 2;
  }
  std::vector<api::result<domain::customer_create>> inputs;
  for (rapidjson::SizeType i = 0; i < doc.Size(); ++i)
    inputs.push_back(api::parse_customer_import(doc[i], "[" + std::to_string(i) + "]"));

  boost::asio::io_context io;  // declared first: platform clients must go before it
  import_tally tally;
  try {
    auto database = std::make_shared<state::database>(cfg->state.sqlite_path);
    auto stores = backends::open_configured_stores(*cfg, io.get_executor(), database, {store});
    if (!stores) {
      std::cerr << "custbridge import: " << stores.error() << "\n";
      return 2;
    }
    boost::asio::co_spawn(io, import_all(stores->by_id.at(store), store, std::move(inputs), &tally),
                          boost::asio::detached);
    io.run();
  } catch (const std::exception& e) {
    std::cerr << "custbridge import: " << e.what() << "\n";
    return 1;
  }
  std::cout << "imported " << tally.created << ", rejected " << tally.rejected << "\n";
  return tally.rejected ? 1 : 0;
}

}  // namespace custbridge::app
