#include <unistd.h>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <algorithm>
#include <charconv>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <set>

#include "app/commands.hpp"
#include "gateway/backends/store_factory.hpp"
#include "gateway/state/database.hpp"
#include "sync/engine.hpp"
#include "sync/report.hpp"
#include "sync/sync_state.hpp"

namespace custbridge::app {
namespace {

constexpr const char* sync_usage = R"(Usage:
  custbridge sync migrate --config FILE --from A --to B [--dry-run] [--deletes ignore|report|propagate] [--json]
  custbridge sync run     --config FILE --from A --to B [--dry-run] [--deletes ignore|report|propagate] [--json]
  custbridge sync status  --config FILE [--json]
  custbridge sync report  RUN --config FILE [--json]

migrate  copies every customer of store A to store B (A and B are stores of FILE), source wins.
         Run again, it resumes an unfinished copy; after a finished one it makes a new pass that
         writes only what changed.
run      the same engine, incremental: the changes of A since the job's checkpoint.
         It first tries the job's dead letters again. --follow and --interval (keep polling)
         are not built yet.
--dry-run   print the plan (create, link, update with a field-level diff, unchanged) and write nothing
--deletes   what a customer deleted on A does to B: report (default) lists it, propagate deletes the
            linked customer on B, ignore does nothing
--json      the final report as one JSON object on stdout (else a human summary)
status   every job: its checkpoint, links, dead letters and last run
report   a past run's report (RUN is the number `migrate`/`run` printed)

Progress: one JSON line per page on stderr when stderr is not a terminal, a count line when it is.
Exit codes: 0 every customer was carried; 1 some were dead-lettered (the report names them) or
the run stopped on an error; 2 usage or configuration errors.
)";

struct sync_args {
  std::optional<std::string> config, from, to, deletes;
  bool dry_run = false, json = false;
  std::vector<std::string> positional;
  std::string error;
};

sync_args parse_sync(const std::vector<std::string>& args) {
  sync_args out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& a = args[i];
    if (a == "--dry-run") {
      out.dry_run = true;
      continue;
    }
    if (a == "--json") {
      out.json = true;
      continue;
    }
    if (a == "--follow" || a == "--interval" || a == "--both" || a == "--conflict") {
      out.error = "'" + a + "' is not built yet";
      return out;
    }
    if (!a.starts_with("--")) {
      out.positional.push_back(a);
      continue;
    }
    std::optional<std::string>* slot = a == "--config" ? &out.config : a == "--from" ? &out.from : a == "--to" ? &out.to
                                       : a == "--deletes" ? &out.deletes : nullptr;
    if (!slot) {
      out.error = "unknown option '" + a + "'";
      return out;
    }
    if (i + 1 >= args.size()) {
      out.error = "option '" + a + "' needs a value";
      return out;
    }
    *slot = args[++i];
  }
  return out;
}

int usage_error(const std::string& message) {
  std::cerr << "custbridge sync: " << message << "\n";
  return 2;
}

void print_progress(const std::string& job, const sync::run_counts& c) {
  if (isatty(STDERR_FILENO)) {
    std::cerr << "\r" << job << ": " << c.changes << " changes, " << c.created << " created, " << c.updated + c.linked
              << " updated or linked, " << c.dead_letters << " dead letters" << std::flush;
    return;
  }
  std::cerr << R"({"event":"sync_page","job":")" << job << R"(","pages":)" << c.pages << R"(,"changes":)" << c.changes
            << R"(,"created":)" << c.created << R"(,"updated":)" << c.updated << R"(,"linked":)" << c.linked
            << R"(,"unchanged":)" << c.unchanged << R"(,"deadLetters":)" << c.dead_letters << "}\n";
}

int run_job(const config::gateway_config& cfg, const sync_args& a, bool full_pass) {
  if (!a.from || !a.to) return usage_error("--from and --to are required");
  for (const auto* id : {&*a.from, &*a.to})
    if (!cfg.stores.contains(*id)) return usage_error("'" + *id + "' is not a store in " + *a.config);
  if (*a.from == *a.to) return usage_error("--from and --to name the same store");
  sync::job_options options;
  options.source_store = *a.from;
  options.target_store = *a.to;
  options.full_pass = full_pass;
  options.dry_run = a.dry_run;
  if (a.deletes) {
    if (*a.deletes == "ignore")
      options.deletes = sync::delete_policy::ignore;
    else if (*a.deletes == "report")
      options.deletes = sync::delete_policy::report;
    else if (*a.deletes == "propagate")
      options.deletes = sync::delete_policy::propagate;
    else
      return usage_error("--deletes must be ignore, report or propagate");
  }

  boost::asio::io_context io;  // declared first: platform clients must go before it
  std::optional<sync::run_summary> summary;
  std::exception_ptr failure;
  std::shared_ptr<sync::sync_state> state;
  try {
    auto database = std::make_shared<state::database>(cfg.state.sqlite_path);
    auto stores = backends::open_configured_stores(cfg, io.get_executor(), database, {*a.from, *a.to});
    if (!stores) return usage_error(stores.error());
    auto source = stores->by_id.at(*a.from);
    auto target = stores->by_id.at(*a.to);
    if (!source->capabilities().change_feed)
      return usage_error("'" + *a.from + "' has no change feed: " + source->capabilities().change_feed.reason);
    state = std::make_shared<sync::sync_state>(database);
    sync::run_observer observer;
    const auto job = sync::job_name(*a.from, *a.to);
    observer.on_page = [job](const sync::run_counts& c) { print_progress(job, c); };
    if (a.dry_run && !a.json) {
      observer.on_item = [](const sync::run_item& item) {
        std::cout << item.kind << " " << item.source_id;
        if (!item.target_id.empty()) std::cout << " -> " << item.target_id;
        if (!item.field.empty()) std::cout << " " << item.field;
        if (!item.detail.empty()) std::cout << ": " << item.detail;
        std::cout << "\n";
      };
    }
    auto engine = std::make_shared<sync::engine>(state, source, target, options, observer);
    boost::asio::co_spawn(io, engine->run(), [&summary, &failure](std::exception_ptr e, sync::run_summary s) {
      if (e)
        failure = e;
      else
        summary = std::move(s);
    });
    io.run();
    if (isatty(STDERR_FILENO)) std::cerr << "\n";
    if (failure) std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    std::cerr << "custbridge sync: " << e.what() << "\n";
    return 1;
  }
  auto run = state->run(summary->run_id);
  if (a.json)
    sync::write_report_json(std::cout, *state, *run);
  else
    sync::write_report_text(std::cout, *state, *run, false);
  if (!summary->error.empty()) std::cerr << "custbridge sync: " << summary->error << "\n";
  return summary->status == "ok" ? 0 : 1;
}

int show_status(const config::gateway_config& cfg, const sync_args& a) {
  auto database = std::make_shared<state::database>(cfg.state.sqlite_path);
  sync::sync_state state(database);
  const auto jobs = state.jobs();
  if (a.json) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("jobs");
    w.StartArray();
    for (const auto& j : jobs) {
      w.StartObject();
      w.Key("job");
      w.String(j.job);
      w.Key("from");
      w.String(j.source_store);
      w.Key("to");
      w.String(j.target_store);
      w.Key("cursor");
      if (j.position)
        w.String(j.position->cursor);
      else
        w.Null();
      w.Key("passComplete");
      w.Bool(j.position && j.position->pass_complete);
      w.Key("links");
      w.Int64(j.links);
      w.Key("lastRun");
      if (j.last_run) {
        w.StartObject();
        w.Key("run");
        w.Int64(j.last_run->id);
        w.Key("mode");
        w.String(j.last_run->mode);
        w.Key("status");
        w.String(j.last_run->status);
        w.Key("finishedAt");
        w.String(j.last_run->finished_at);
        w.EndObject();
      } else {
        w.Null();
      }
      w.Key("deadLetters");
      w.StartArray();
      for (const auto& d : state.dead_letters(j.job)) {
        w.StartObject();
        w.Key("sourceId");
        w.String(d.source_id);
        w.Key("reason");
        w.String(d.reason);
        w.Key("lastError");
        w.String(d.last_error);
        w.Key("attempts");
        w.Int64(d.attempts);
        w.Key("run");
        w.Int64(d.run_id);
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    std::cout << buf.GetString() << "\n";
    return 0;
  }
  if (jobs.empty()) std::cout << "no sync jobs\n";
  for (const auto& j : jobs) {
    std::cout << j.job << ": " << j.links << " link(s), " << j.dead_letters << " dead letter(s), "
              << (j.position ? (j.position->pass_complete ? "full pass complete" : "full pass in progress") : "not started")
              << "\n";
    if (j.position) std::cout << "  cursor " << j.position->cursor << "\n";
    if (j.last_run)
      std::cout << "  last run " << j.last_run->id << " (" << j.last_run->mode << (j.last_run->dry_run ? ", dry run" : "")
                << "): " << j.last_run->status << " "
                << (j.last_run->finished_at.empty() ? "since " + j.last_run->started_at : "at " + j.last_run->finished_at)
                << "\n";
    for (const auto& d : state.dead_letters(j.job))
      std::cout << "  dead letter " << d.source_id << ": " << d.reason << ": " << d.last_error << " (" << d.attempts
                << " attempt(s), run " << d.run_id << ")\n";
  }
  return 0;
}

int show_report(const config::gateway_config& cfg, const sync_args& a) {
  if (a.positional.size() != 1) return usage_error("report needs one RUN number");
  std::int64_t id = 0;
  const auto& text = a.positional[0];
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size()) return usage_error("RUN must be a run number");
  auto database = std::make_shared<state::database>(cfg.state.sqlite_path);
  sync::sync_state state(database);
  auto run = state.run(id);
  if (!run) return usage_error("no run " + text);
  if (a.json)
    sync::write_report_json(std::cout, state, *run);
  else
    sync::write_report_text(std::cout, state, *run, run->dry_run);
  return 0;
}

}  // namespace

int run_sync(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << sync_usage;
    return 2;
  }
  const auto& sub = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (sub == "--help" || sub == "-h" || sub == "help" ||
      std::find_if(rest.begin(), rest.end(), [](const std::string& s) { return s == "--help" || s == "-h"; }) != rest.end()) {
    std::cout << sync_usage;
    return 0;
  }
  if (sub != "migrate" && sub != "run" && sub != "status" && sub != "report")
    return usage_error("unknown sync command '" + sub + "'\n\n" + sync_usage);
  auto a = parse_sync(rest);
  if (!a.error.empty()) return usage_error(a.error);
  if (!a.config) return usage_error("--config FILE is required");
  if (sub != "report" && !a.positional.empty()) return usage_error("unexpected argument '" + a.positional[0] + "'");
  auto cfg = load_config_or_report(*a.config);
  if (!cfg) return 2;
  try {
    if (sub == "migrate") return run_job(*cfg, a, true);
    if (sub == "run") return run_job(*cfg, a, false);
    if (sub == "status") return show_status(*cfg, a);
    return show_report(*cfg, a);
  } catch (const std::exception& e) {
    std::cerr << "custbridge sync: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace custbridge::app
