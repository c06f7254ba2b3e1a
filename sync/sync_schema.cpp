#include "sync/sync_schema.hpp"

namespace custbridge::sync {
namespace {

// Each entry moves the schema from version i to i + 1. Never edit a shipped entry: append.
const char* const migrations[] = {
    R"sql(
CREATE TABLE sync_jobs (
  job TEXT PRIMARY KEY,
  source_store TEXT NOT NULL,
  target_store TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE sync_links (
  job TEXT NOT NULL REFERENCES sync_jobs(job),
  source_store TEXT NOT NULL,
  source_id TEXT NOT NULL,
  target_store TEXT NOT NULL,
  target_id TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (job, source_id)
);
CREATE UNIQUE INDEX sync_links_target ON sync_links(job, target_id);
CREATE TABLE sync_checkpoints (
  job TEXT PRIMARY KEY REFERENCES sync_jobs(job),
  cursor TEXT NOT NULL,
  pass_complete INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
);
CREATE TABLE sync_dead_letters (
  job TEXT NOT NULL REFERENCES sync_jobs(job),
  source_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  last_error TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  run_id INTEGER NOT NULL,
  first_at TEXT NOT NULL,
  last_at TEXT NOT NULL,
  PRIMARY KEY (job, source_id)
);
CREATE TABLE sync_runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job TEXT NOT NULL REFERENCES sync_jobs(job),
  mode TEXT NOT NULL,
  dry_run INTEGER NOT NULL,
  status TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  counts TEXT NOT NULL DEFAULT '{}',
  error TEXT
);
CREATE TABLE sync_run_items (
  run_id INTEGER NOT NULL REFERENCES sync_runs(id),
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  source_id TEXT NOT NULL,
  target_id TEXT NOT NULL,
  field TEXT NOT NULL,
  detail TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
)sql",
};

const state::schema the_schema{"sync_state", migrations};

}  // namespace

const state::schema& sync_schema() { return the_schema; }

}  // namespace custbridge::sync
