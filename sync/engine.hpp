#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "gateway/backends/customer_backend.hpp"
#include "sync/report.hpp"
#include "sync/sync_state.hpp"

namespace custbridge::sync {

enum class delete_policy { ignore, report, propagate };

struct job_options {
  std::string source_store;
  std::string target_store;
  // migrate: a full pass; resumes an unfinished one, and starts a new one (which writes
  // only what changed since the links' last writes) once the last one finished.
  // run: incremental from the checkpoint, after trying the job's dead letters again.
  bool full_pass = true;
  bool dry_run = false;
  delete_policy deletes = delete_policy::report;
  int page_size = 100;
  int max_attempts = 5;  // per call, for retryable errors
  std::chrono::milliseconds first_backoff{200};
  std::chrono::milliseconds max_backoff{10000};
};

// What the engine tells its caller while it runs; both may be empty.
struct run_observer {
  // After each page is settled (and committed, unless a dry run).
  std::function<void(const run_counts&)> on_page;
  // Each report line as it is decided (a dry run's plan, in order).
  std::function<void(const run_item&)> on_item;
};

std::string job_name(const std::string& source_store, const std::string& target_store);

// One directed job, source -> target, source wins. Reads the source's change feed from
// the job's checkpoint, page by page; for each change writes the target (create, link
// by email and update, update, or delete) and records the link; each page's links, dead
// letters and cursor are committed in one transaction, and the cursor never passes a
// change that was neither written nor dead-lettered. Memory is bounded by one page; the
// target's emails are indexed in a temporary table, read once per run.
//
// Errors: a customer the target refuses, or that still fails after max_attempts
// retryable errors, is dead-lettered and the run goes on. A failure that no customer can
// get past (the source's feed, the target's list, an unauthorized or forbidden answer)
// ends the run as "aborted" with that error, keeping what the settled pages committed.
class engine {
 public:
  engine(std::shared_ptr<sync_state> state, std::shared_ptr<backends::customer_backend> source,
         std::shared_ptr<backends::customer_backend> target, job_options options, run_observer observer = {});

  // Runs the job once, to the end of the source's feed. Not reentrant: one run at a time.
  boost::asio::awaitable<run_summary> run();

 private:
  struct page_state;
  struct change_work;

  boost::asio::awaitable<bool> build_email_index();
  // `run` first tries its dead letters again (not refused deletes): read from the source
  // a page at a time and settled like changes, without moving the cursor.
  boost::asio::awaitable<void> retry_dead_letters();
  boost::asio::awaitable<void> settle(change_work& work, page_state& page);
  boost::asio::awaitable<void> settle_delete(const backends::customer_change& change, page_state& page);
  boost::asio::awaitable<void> prefetch(std::vector<change_work>& works, page_state& page);
  boost::asio::awaitable<void> pause(int attempt, const domain::error& e);

  void emit(page_state& page, run_item item);
  void dead_letter(page_state& page, const std::string& source_id, const std::string& target_id,
                   const std::string& reason, const domain::error& e, std::int64_t attempts);
  backends::request_context next_context(const std::string& store);

  std::shared_ptr<sync_state> state_;
  std::shared_ptr<backends::customer_backend> source_;
  std::shared_ptr<backends::customer_backend> target_;
  job_options options_;
  run_observer observer_;
  std::string job_;
  std::int64_t run_id_ = 0;
  std::int64_t request_seq_ = 0;
  run_counts counts_;
  std::string fatal_;
};

// Whether asking again may succeed: rate limits, unavailability, timeouts, and upstream
// errors marked retryable.
bool is_retryable(const domain::error& e);
std::string describe(const domain::error& e);

}  // namespace custbridge::sync
