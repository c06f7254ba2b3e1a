#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace custbridge::state {
class database;
}

namespace custbridge::sync {

// A source customer and the target customer it was carried to, with the content hash
// of the last write (so an unchanged customer is not written again).
struct id_link {
  std::string source_id;
  std::string target_id;
  std::string content_hash;
};

struct checkpoint {
  std::string cursor;          // the source's change cursor; "" is the start
  bool pass_complete = false;  // a full pass reached the end of the feed
};

struct dead_letter {
  std::string source_id;
  std::string reason;  // "refused", "conflict", "retries_exhausted", "delete_refused"
  std::string last_error;
  std::int64_t attempts = 0;
  std::int64_t run_id = 0;
  std::string last_at;
};

// One line of a run's report: what happened to one customer (kind "create", "link",
// "update", "unchanged", "delete", "delete_reported", "dead_letter", "not_carried").
// For "not_carried" and field-level diffs `field` names the canonical field.
struct run_item {
  std::string kind;
  std::string source_id;
  std::string target_id;
  std::string field;
  std::string detail;
};

struct run_record {
  std::int64_t id = 0;
  std::string job;
  std::string mode;
  bool dry_run = false;
  std::string status;  // "running", "ok", "dead_letters", "aborted"
  std::string started_at;
  std::string finished_at;
  std::string counts_json;
  std::string error;
};

struct job_record {
  std::string job;
  std::string source_store;
  std::string target_store;
  std::optional<checkpoint> position;
  std::int64_t links = 0;
  std::int64_t dead_letters = 0;
  std::optional<run_record> last_run;
};

// What one page of changes settled, committed in one transaction: the links of the
// writes it made, the dead letters, the report lines and, when every change of the page
// is settled, the cursor after it.
struct page_commit {
  std::vector<id_link> links;
  std::vector<std::string> unlinked;  // source ids whose target was deleted
  std::vector<dead_letter> dead;
  std::vector<std::string> settled;  // source ids carried: their dead letters are cleared
  std::vector<run_item> items;
  std::optional<checkpoint> position;
};

// An email of the target, as the run's index holds it: the target customer and, once a
// source customer was matched to it in this run, that source customer.
struct email_match {
  std::string target_id;
  std::string source_id;  // "" when no source customer claimed it in this run
};

// The sync bridge's records in the state database (schema "sync_state", migrated on
// construction). Every call is one short transaction under the database's mutex; safe
// from any thread, and from other processes on the same file. SQLite failures throw
// std::runtime_error (bug tier). Job names are "SOURCE->TARGET".
class sync_state {
 public:
  explicit sync_state(std::shared_ptr<state::database> db);

  void ensure_job(const std::string& job, const std::string& source_store, const std::string& target_store);
  std::optional<checkpoint> position(const std::string& job);
  std::optional<id_link> find_link(const std::string& job, const std::string& source_id);
  // The source customer linked to `target_id`, if any.
  std::optional<std::string> source_of(const std::string& job, const std::string& target_id);

  std::int64_t begin_run(const std::string& job, const std::string& mode, bool dry_run);
  void finish_run(std::int64_t run_id, const std::string& status, const std::string& counts_json,
                  const std::string& error);
  // Adds report lines only (a dry run, or an aborted page).
  void add_items(std::int64_t run_id, const std::vector<run_item>& items);
  void commit_page(const std::string& job, std::int64_t run_id, const page_commit& page);

  // The run's index of target emails (folded), a temporary table of this connection.
  void reset_email_index();
  // One page of the target: (folded email, target id) pairs, in one transaction.
  void add_target_emails(const std::vector<std::pair<std::string, std::string>>& emails);
  std::vector<email_match> match_email(const std::string& email_folded);
  // Records that `source_id` took `target_id` (adding the email when new).
  void claim_email(const std::string& email_folded, const std::string& target_id, const std::string& source_id);

  std::vector<job_record> jobs();
  std::vector<dead_letter> dead_letters(const std::string& job);
  std::optional<run_record> run(std::int64_t run_id);
  // Calls `each` for every item of the run, in order (streamed, not held).
  template <class F>
  void for_each_item(std::int64_t run_id, F each) {
    std::int64_t after = -1;
    for (;;) {
      auto batch = items_after(run_id, after, 500);
      for (auto& [seq, item] : batch) {
        each(item);
        after = seq;
      }
      if (batch.size() < 500) return;
    }
  }

 private:
  std::vector<std::pair<std::int64_t, run_item>> items_after(std::int64_t run_id, std::int64_t after, int limit);
  void insert_items(std::int64_t run_id, const std::vector<run_item>& items);

  std::shared_ptr<state::database> db_;
};

// The form emails are matched in: ASCII letters lower-cased, as the stores compare them.
std::string fold_email(const std::string& email);

}  // namespace custbridge::sync
