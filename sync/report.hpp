#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sync/sync_state.hpp"

namespace custbridge::sync {

struct run_counts {
  std::int64_t changes = 0;  // changes read from the source
  std::int64_t pages = 0;
  std::int64_t created = 0;
  std::int64_t updated = 0;    // linked before, written again
  std::int64_t linked = 0;     // matched by email to an existing target customer (and written if it differed)
  std::int64_t unchanged = 0;  // nothing to write
  std::int64_t deleted = 0;
  std::int64_t deletes_reported = 0;
  std::int64_t deletes_ignored = 0;
  std::int64_t conflicts = 0;     // dead letters for an email another source customer holds (a subset of dead_letters)
  std::int64_t dead_letters = 0;  // customers not carried, each named in the report
  std::int64_t fields_not_carried = 0;
};

struct run_summary {
  std::int64_t run_id = 0;
  std::string job;
  std::string status;  // "ok", "dead_letters", "aborted"
  std::string error;   // for "aborted"
  run_counts counts;
};

std::string counts_json(const run_counts& c);
run_counts parse_counts(const std::string& json);

// The report of a finished (or running) run: the counts, and every line of the run
// (creates and updates with their field diffs in a dry run; dead letters, conflicts,
// deletes and fields not carried always), as one JSON object, or as a human summary.
// The lines are streamed from the state database.
void write_report_json(std::ostream& out, sync_state& state, const run_record& run);
void write_report_text(std::ostream& out, sync_state& state, const run_record& run, bool list_plan);

}  // namespace custbridge::sync
