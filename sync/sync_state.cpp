#include "sync/sync_state.hpp"

#include <mutex>

#include "common/timestamp.hpp"
#include "gateway/state/database.hpp"
#include "sync/sync_schema.hpp"

namespace custbridge::sync {
namespace {

std::string now_text() { return format_iso8601_ms(now_millis()); }

run_record read_run(state::statement& s) {
  run_record r;
  r.id = s.integer(0);
  r.job = s.text(1);
  r.mode = s.text(2);
  r.dry_run = s.integer(3) != 0;
  r.status = s.text(4);
  r.started_at = s.text(5);
  r.finished_at = s.text(6);
  r.counts_json = s.text(7);
  r.error = s.text(8);
  return r;
}

constexpr const char* run_columns = "id, job, mode, dry_run, status, started_at, finished_at, counts, error";

}  // namespace

std::string fold_email(const std::string& email) {
  std::string out = email;
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

sync_state::sync_state(std::shared_ptr<state::database> db) : db_(std::move(db)) {
  db_->migrate(sync_schema());
}

void sync_state::ensure_job(const std::string& job, const std::string& source_store, const std::string& target_store) {
  std::lock_guard lock(db_->mutex());
  state::statement s(db_->handle(),
                     "INSERT INTO sync_jobs (job, source_store, target_store, created_at) VALUES (?, ?, ?, ?) "
                     "ON CONFLICT(job) DO NOTHING");
  s.bind(1, job).bind(2, source_store).bind(3, target_store).bind(4, now_text());
  s.run();
}

std::optional<checkpoint> sync_state::position(const std::string& job) {
  std::lock_guard lock(db_->mutex());
  state::statement s(db_->handle(), "SELECT cursor, pass_complete FROM sync_checkpoints WHERE job = ?");
  s.bind(1, job);
  if (!s.step()) return std::nullopt;
  return checkpoint{s.text(0), s.integer(1) != 0};
}

std::optional<id_link> sync_state::find_link(const std::string& job, const std::string& source_id) {
  std::lock_guard lock(db_->mutex());
  state::statement s(db_->handle(), "SELECT target_id, content_hash FROM sync_links WHERE job = ? AND source_id = ?");
  s.bind(1, job).bind(2, source_id);
  if (!s.step()) return std::nullopt;
  return id_link{source_id, s.text(0), s.text(1)};
}

std::optional<std::string> sync_state::source_of(const std::string& job, const std::string& target_id) {
  std::lock_guard lock(db_->mutex());
  state::statement s(db_->handle(), "SELECT source_id FROM sync_links WHERE job = ? AND target_id = ?");
  s.bind(1, job).bind(2, target_id);
  if (!s.step()) return std::nullopt;
  return s.text(0);
}

std::int64_t sync_state::begin_run(const std::string& job, const std::string& mode, bool dry_run) {
  std::lock_guard lock(db_->mutex());
  state::statement s(db_->handle(),
                     "INSERT INTO sync_runs (job, mode, dry_run, status, started_at) VALUES (?, ?, ?, 'running', ?)");
  s.bind(1, job).bind(2, mode).bind(3, std::int64_t{dry_run}).bind(4, now_text());
  s.run();
  return sqlite3_last_insert_rowid(db_->handle());
}

void sync_state::finish_run(std::int64_t run_id, const std::string& status, const std::string& counts_json,
                            const std::string& error) {
  std::lock_guard lock(db_->mutex());
  state::statement s(db_->handle(), "UPDATE sync_runs SET status = ?, counts = ?, error = ?, finished_at = ? WHERE id = ?");
  s.bind(1, status).bind(2, counts_json).bind(3, error).bind(4, now_text()).bind(5, run_id);
  s.run();
}

void sync_state::insert_items(std::int64_t run_id, const std::vector<run_item>& items) {
  if (items.empty()) return;
  std::int64_t seq = 0;
  {
    state::statement s(db_->handle(), "SELECT COALESCE(MAX(seq) + 1, 0) FROM sync_run_items WHERE run_id = ?");
    s.bind(1, run_id);
    if (s.step()) seq = s.integer(0);
  }
  for (const auto& item : items) {
    state::statement one(db_->handle(),
                         "INSERT INTO sync_run_items (run_id, seq, kind, source_id, target_id, field, detail) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)");
    one.bind(1, run_id).bind(2, seq++).bind(3, item.kind).bind(4, item.source_id).bind(5, item.target_id);
    one.bind(6, item.field).bind(7, item.detail);
    one.run();
  }
}

void sync_state::add_items(std::int64_t run_id, const std::vector<run_item>& items) {
  std::lock_guard lock(db_->mutex());
  state::transaction tx(db_->handle());
  insert_items(run_id, items);
  tx.commit();
}

void sync_state::commit_page(const std::string& job, std::int64_t run_id, const page_commit& page) {
  std::lock_guard lock(db_->mutex());
  auto* db = db_->handle();
  state::transaction tx(db);
  const auto now = now_text();
  std::string source_store, target_store;
  {
    state::statement s(db, "SELECT source_store, target_store FROM sync_jobs WHERE job = ?");
    s.bind(1, job);
    if (!s.step()) throw std::runtime_error("sync job '" + job + "' is not recorded");
    source_store = s.text(0);
    target_store = s.text(1);
  }
  for (const auto& id : page.unlinked) {
    state::statement s(db, "DELETE FROM sync_links WHERE job = ? AND source_id = ?");
    s.bind(1, job).bind(2, id);
    s.run();
  }
  for (const auto& l : page.links) {
    state::statement s(db,
                       "INSERT INTO sync_links (job, source_store, source_id, target_store, target_id, content_hash, "
                       "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(job, source_id) DO UPDATE SET "
                       "target_id = excluded.target_id, content_hash = excluded.content_hash, updated_at = excluded.updated_at");
    s.bind(1, job).bind(2, source_store).bind(3, l.source_id).bind(4, target_store).bind(5, l.target_id);
    s.bind(6, l.content_hash).bind(7, now);
    s.run();
    if (s.constraint_failed) throw std::runtime_error("sync link: target " + l.target_id + " is linked twice");
  }
  for (const auto& id : page.settled) {
    state::statement s(db, "DELETE FROM sync_dead_letters WHERE job = ? AND source_id = ?");
    s.bind(1, job).bind(2, id);
    s.run();
  }
  for (const auto& d : page.dead) {
    state::statement s(db,
                       "INSERT INTO sync_dead_letters (job, source_id, reason, last_error, attempts, run_id, first_at, "
                       "last_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(job, source_id) DO UPDATE SET "
                       "reason = excluded.reason, last_error = excluded.last_error, attempts = attempts + "
                       "excluded.attempts, run_id = excluded.run_id, last_at = excluded.last_at");
    s.bind(1, job).bind(2, d.source_id).bind(3, d.reason).bind(4, d.last_error).bind(5, d.attempts);
    s.bind(6, run_id).bind(7, now).bind(8, now);
    s.run();
  }
  insert_items(run_id, page.items);
  if (page.position) {
    state::statement s(db,
                       "INSERT INTO sync_checkpoints (job, cursor, pass_complete, updated_at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT(job) DO UPDATE SET cursor = excluded.cursor, pass_complete = excluded.pass_complete, "
                       "updated_at = excluded.updated_at");
    s.bind(1, job).bind(2, page.position->cursor).bind(3, std::int64_t{page.position->pass_complete}).bind(4, now);
    s.run();
  }
  tx.commit();
}

void sync_state::reset_email_index() {
  std::lock_guard lock(db_->mutex());
  state::exec(db_->handle(),
              "CREATE TEMP TABLE IF NOT EXISTS sync_target_emails (email_folded TEXT NOT NULL, target_id TEXT NOT NULL, "
              "source_id TEXT NOT NULL DEFAULT '');"
              "CREATE INDEX IF NOT EXISTS temp.sync_target_emails_email ON sync_target_emails(email_folded);"
              "DELETE FROM temp.sync_target_emails;");
}

void sync_state::add_target_emails(const std::vector<std::pair<std::string, std::string>>& emails) {
  std::lock_guard lock(db_->mutex());
  state::transaction tx(db_->handle());
  for (const auto& [email_folded, target_id] : emails) {
    state::statement s(db_->handle(), "INSERT INTO temp.sync_target_emails (email_folded, target_id) VALUES (?, ?)");
    s.bind(1, email_folded).bind(2, target_id);
    s.run();
  }
  tx.commit();
}

std::vector<email_match> sync_state::match_email(const std::string& email_folded) {
  std::lock_guard lock(db_->mutex());
  state::statement s(db_->handle(),
                     "SELECT target_id, source_id FROM temp.sync_target_emails WHERE email_folded = ? ORDER BY rowid");
  s.bind(1, email_folded);
  std::vector<email_match> out;
  while (s.step()) out.push_back({s.text(0), s.text(1)});
  return out;
}

void sync_state::claim_email(const std::string& email_folded, const std::string& target_id, const std::string& source_id) {
  std::lock_guard lock(db_->mutex());
  state::statement up(db_->handle(),
                      "UPDATE temp.sync_target_emails SET source_id = ?, email_folded = ? WHERE target_id = ?");
  up.bind(1, source_id).bind(2, email_folded).bind(3, target_id);
  up.run();
  if (sqlite3_changes(db_->handle()) > 0) return;
  state::statement in(db_->handle(),
                      "INSERT INTO temp.sync_target_emails (email_folded, target_id, source_id) VALUES (?, ?, ?)");
  in.bind(1, email_folded).bind(2, target_id).bind(3, source_id);
  in.run();
}

std::vector<job_record> sync_state::jobs() {
  std::vector<job_record> out;
  {
    std::lock_guard lock(db_->mutex());
    state::statement s(db_->handle(),
                       "SELECT j.job, j.source_store, j.target_store, "
                       "(SELECT COUNT(*) FROM sync_links l WHERE l.job = j.job), "
                       "(SELECT COUNT(*) FROM sync_dead_letters d WHERE d.job = j.job) FROM sync_jobs j ORDER BY j.job");
    while (s.step()) {
      job_record j;
      j.job = s.text(0);
      j.source_store = s.text(1);
      j.target_store = s.text(2);
      j.links = s.integer(3);
      j.dead_letters = s.integer(4);
      out.push_back(std::move(j));
    }
  }
  for (auto& j : out) {
    j.position = position(j.job);
    std::lock_guard lock(db_->mutex());
    state::statement s(db_->handle(), std::string("SELECT ") + run_columns +
                                          " FROM sync_runs WHERE job = ? ORDER BY id DESC LIMIT 1");
    s.bind(1, j.job);
    if (s.step()) j.last_run = read_run(s);
  }
  return out;
}

std::vector<dead_letter> sync_state::dead_letters(const std::string& job) {
  std::lock_guard lock(db_->mutex());
  state::statement s(db_->handle(),
                     "SELECT source_id, reason, last_error, attempts, run_id, last_at FROM sync_dead_letters "
                     "WHERE job = ? ORDER BY source_id");
  s.bind(1, job);
  std::vector<dead_letter> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.integer(3), s.integer(4), s.text(5)});
  return out;
}

std::optional<run_record> sync_state::run(std::int64_t run_id) {
  std::lock_guard lock(db_->mutex());
  state::statement s(db_->handle(), std::string("SELECT ") + run_columns + " FROM sync_runs WHERE id = ?");
  s.bind(1, run_id);
  if (!s.step()) return std::nullopt;
  return read_run(s);
}

std::vector<std::pair<std::int64_t, run_item>> sync_state::items_after(std::int64_t run_id, std::int64_t after, int limit) {
  std::lock_guard lock(db_->mutex());
  state::statement s(db_->handle(),
                     "SELECT seq, kind, source_id, target_id, field, detail FROM sync_run_items WHERE run_id = ? AND "
                     "seq > ? ORDER BY seq LIMIT ?");
  s.bind(1, run_id).bind(2, after).bind(3, std::int64_t{limit});
  std::vector<std::pair<std::int64_t, run_item>> out;
  while (s.step()) out.push_back({s.integer(0), run_item{s.text(1), s.text(2), s.text(3), s.text(4), s.text(5)}});
  return out;
}

}  // namespace custbridge::sync
