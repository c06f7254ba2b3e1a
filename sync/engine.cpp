#include "sync/engine.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <algorithm>
#include <map>

#include "sync/carried_customer.hpp"

namespace custbridge::sync {

namespace {

const char* kind_name(domain::error_kind k) {
  switch (k) {
    case domain::error_kind::bad_request: return "BAD_REQUEST";
    case domain::error_kind::validation_error: return "VALIDATION_ERROR";
    case domain::error_kind::unauthorized: return "UNAUTHORIZED";
    case domain::error_kind::forbidden: return "FORBIDDEN";
    case domain::error_kind::not_found: return "NOT_FOUND";
    case domain::error_kind::conflict: return "CONFLICT";
    case domain::error_kind::rate_limited: return "RATE_LIMITED";
    case domain::error_kind::internal: return "INTERNAL";
    case domain::error_kind::upstream_error: return "UPSTREAM_ERROR";
    case domain::error_kind::unavailable: return "UNAVAILABLE";
    case domain::error_kind::upstream_timeout: return "UPSTREAM_TIMEOUT";
  }
  return "INTERNAL";
}

bool stops_the_run(const domain::error& e) {
  return e.kind == domain::error_kind::unauthorized || e.kind == domain::error_kind::forbidden;
}

bool has_field(const std::vector<not_carried>& list, const std::string& field) {
  return std::any_of(list.begin(), list.end(), [&](const not_carried& n) { return n.field == field; });
}

}  // namespace

bool is_retryable(const domain::error& e) {
  switch (e.kind) {
    case domain::error_kind::rate_limited:
    case domain::error_kind::unavailable:
    case domain::error_kind::upstream_timeout:
      return true;
    case domain::error_kind::upstream_error:
      return e.retryable.value_or(false);
    default:
      return false;
  }
}

std::string describe(const domain::error& e) {
  std::string out = std::string(kind_name(e.kind)) + ": " + e.message;
  for (const auto& d : e.details) out += "; " + d.field + ": " + d.reason;
  if (e.upstream_status) out += " (upstream " + std::to_string(e.upstream_status) + ")";
  return out;
}

std::string job_name(const std::string& source_store, const std::string& target_store) {
  return source_store + "->" + target_store;
}

struct engine::change_work {
  backends::customer_change change;
  std::string hash;
  std::optional<id_link> link;
};

struct engine::page_state {
  page_commit commit;
  // Target customers read ahead for this page (nullopt: the target does not hold it).
  std::map<std::string, std::optional<domain::customer>> fetched;
  // Links made in this page, not yet committed: target id -> source id.
  std::map<std::string, std::string> linked_here;
  bool aborted = false;
};

engine::engine(std::shared_ptr<sync_state> state, std::shared_ptr<backends::customer_backend> source,
               std::shared_ptr<backends::customer_backend> target, job_options options, run_observer observer)
    : state_(std::move(state)),
      source_(std::move(source)),
      target_(std::move(target)),
      options_(std::move(options)),
      observer_(std::move(observer)),
      job_(job_name(options_.source_store, options_.target_store)) {}

backends::request_context engine::next_context(const std::string& store) {
  return {store, "sync-" + std::to_string(run_id_) + "-" + std::to_string(++request_seq_), std::nullopt};
}

boost::asio::awaitable<void> engine::pause(int attempt, const domain::error& e) {
  auto delay = options_.first_backoff * (1 << std::min(attempt - 1, 16));
  if (e.retry_after_seconds) delay = std::max<std::chrono::milliseconds>(delay, std::chrono::seconds(*e.retry_after_seconds));
  delay = std::min<std::chrono::milliseconds>(delay, options_.max_backoff);
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, delay);
  co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
}

void engine::emit(page_state& page, run_item item) {
  if (observer_.on_item) observer_.on_item(item);
  page.commit.items.push_back(std::move(item));
}

void engine::dead_letter(page_state& page, const std::string& source_id, const std::string& target_id,
                         const std::string& reason, const domain::error& e, std::int64_t attempts) {
  ++counts_.dead_letters;
  if (reason == "duplicate_email") ++counts_.conflicts;
  if (!options_.dry_run) page.commit.dead.push_back({source_id, reason, describe(e), attempts, run_id_, ""});
  emit(page, {"dead_letter", source_id, target_id, reason, describe(e)});
}

boost::asio::awaitable<run_summary> engine::run() {
  state_->ensure_job(job_, options_.source_store, options_.target_store);
  run_id_ = state_->begin_run(job_, options_.full_pass ? "migrate" : "run", options_.dry_run);
  counts_ = {};
  fatal_.clear();
  run_summary summary;
  summary.run_id = run_id_;
  summary.job = job_;

  auto position = state_->position(job_).value_or(checkpoint{});
  if (options_.full_pass && position.pass_complete) position = checkpoint{};

  bool indexed = co_await build_email_index();
  if (indexed && !options_.full_pass && !options_.dry_run) co_await retry_dead_letters();
  while (indexed && fatal_.empty()) {
    domain::result<backends::change_page> page = domain::make_error(domain::error_kind::internal, "not read");
    for (int attempt = 1;; ++attempt) {
      auto rc = next_context(options_.source_store);
      page = co_await source_->changes(rc, position.cursor, options_.page_size);
      if (page || !is_retryable(page.error()) || attempt >= options_.max_attempts) break;
      co_await pause(attempt, page.error());
    }
    if (!page) {
      fatal_ = "reading the changes of '" + options_.source_store + "': " + describe(page.error());
      break;
    }
    ++counts_.pages;
    counts_.changes += static_cast<std::int64_t>(page->changes.size());

    page_state ps;
    std::vector<change_work> works;
    works.reserve(page->changes.size());
    for (auto& c : page->changes) {
      change_work w{std::move(c), "", std::nullopt};
      if (w.change.customer) w.hash = content_hash(*w.change.customer);
      w.link = state_->find_link(job_, w.change.id);
      works.push_back(std::move(w));
    }
    co_await prefetch(works, ps);
    for (auto& w : works) {
      if (ps.aborted || !fatal_.empty()) break;
      if (w.change.deleted || !w.change.customer)
        co_await settle_delete(w.change, ps);
      else
        co_await settle(w, ps);
    }
    const bool caught_up = page->changes.empty() && !page->has_more;
    checkpoint next{page->next_cursor, position.pass_complete || (options_.full_pass && caught_up)};
    if (options_.full_pass && !caught_up) next.pass_complete = false;
    const bool settled = !ps.aborted && fatal_.empty();
    if (options_.dry_run) {
      state_->add_items(run_id_, ps.commit.items);
    } else {
      // An unsettled page keeps the links of the writes it made, never the cursor.
      if (settled) ps.commit.position = next;
      state_->commit_page(job_, run_id_, ps.commit);
    }
    if (!settled) break;
    position = next;
    if (observer_.on_page) observer_.on_page(counts_);
    if (caught_up) break;
  }

  summary.counts = counts_;
  summary.error = fatal_;
  summary.status = !fatal_.empty() ? "aborted" : counts_.dead_letters ? "dead_letters" : "ok";
  state_->finish_run(run_id_, summary.status, counts_json(counts_), fatal_);
  co_return summary;
}

boost::asio::awaitable<void> engine::retry_dead_letters() {
  std::vector<std::string> ids;
  for (const auto& d : state_->dead_letters(job_))
    if (d.reason != "delete_refused") ids.push_back(d.source_id);
  for (std::size_t start = 0; start < ids.size() && fatal_.empty(); start += static_cast<std::size_t>(options_.page_size)) {
    const auto end = std::min(ids.size(), start + static_cast<std::size_t>(options_.page_size));
    std::vector<std::string> chunk(ids.begin() + static_cast<std::ptrdiff_t>(start), ids.begin() + static_cast<std::ptrdiff_t>(end));
    domain::result<std::vector<std::optional<domain::customer>>> got =
        domain::make_error(domain::error_kind::internal, "not read");
    for (int attempt = 1;; ++attempt) {
      auto rc = next_context(options_.source_store);
      auto request = chunk;
      got = co_await source_->get_many(rc, std::move(request));
      if (got || !is_retryable(got.error()) || attempt >= options_.max_attempts) break;
      co_await pause(attempt, got.error());
    }
    // Unreadable now: they stay dead letters, and the feed goes on.
    if (!got || got->size() != chunk.size()) co_return;
    page_state ps;
    std::vector<change_work> works;
    for (auto& c : *got) {
      // A customer deleted since comes through the feed as a deletion.
      if (!c) continue;
      change_work w;
      w.change.id = c->id;
      w.hash = content_hash(*c);
      w.change.customer = std::move(c);
      w.link = state_->find_link(job_, w.change.id);
      works.push_back(std::move(w));
    }
    co_await prefetch(works, ps);
    for (auto& w : works) {
      if (ps.aborted || !fatal_.empty()) break;
      co_await settle(w, ps);
    }
    state_->commit_page(job_, run_id_, ps.commit);
  }
}

boost::asio::awaitable<bool> engine::build_email_index() {
  state_->reset_email_index();
  constexpr int limit = 100;
  for (std::int64_t offset = 0;;) {
    domain::list_query q;
    q.limit = limit;
    q.offset = offset;
    q.sort_by = domain::sort_field::created_at;
    q.descending = false;
    domain::result<domain::customer_page> page = domain::make_error(domain::error_kind::internal, "not read");
    for (int attempt = 1;; ++attempt) {
      auto rc = next_context(options_.target_store);
      page = co_await target_->list(rc, q);
      if (page || !is_retryable(page.error()) || attempt >= options_.max_attempts) break;
      co_await pause(attempt, page.error());
    }
    if (!page) {
      fatal_ = "listing the customers of '" + options_.target_store + "': " + describe(page.error());
      co_return false;
    }
    std::vector<std::pair<std::string, std::string>> emails;
    emails.reserve(page->items.size());
    for (const auto& c : page->items) emails.emplace_back(fold_email(c.email), c.id);
    state_->add_target_emails(emails);
    if (page->items.size() < static_cast<std::size_t>(limit)) co_return true;
    offset += limit;
  }
}

boost::asio::awaitable<void> engine::prefetch(std::vector<change_work>& works, page_state& page) {
  std::vector<std::string> ids;
  for (const auto& w : works) {
    if (!w.change.customer) continue;
    if (w.link) {
      if (w.link->content_hash != w.hash) ids.push_back(w.link->target_id);
      continue;
    }
    auto matches = state_->match_email(fold_email(w.change.customer->email));
    if (matches.size() == 1) ids.push_back(matches[0].target_id);
  }
  if (ids.empty()) co_return;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (int attempt = 1;; ++attempt) {
    auto rc = next_context(options_.target_store);
    auto request = ids;
    auto got = co_await target_->get_many(rc, std::move(request));
    if (got && got->size() == ids.size()) {
      for (std::size_t i = 0; i < ids.size(); ++i) page.fetched[ids[i]] = std::move((*got)[i]);
      co_return;
    }
    // Without the read-ahead each customer is read on its own when it is settled.
    if (got || !is_retryable(got.error()) || attempt >= options_.max_attempts) co_return;
    co_await pause(attempt, got.error());
  }
}

boost::asio::awaitable<void> engine::settle_delete(const backends::customer_change& change, page_state& page) {
  const auto& source_id = change.id;
  auto link = state_->find_link(job_, source_id);
  const std::string target_id = link ? link->target_id : "";
  switch (options_.deletes) {
    case delete_policy::ignore:
      ++counts_.deletes_ignored;
      co_return;
    case delete_policy::report:
      ++counts_.deletes_reported;
      emit(page, {"delete_reported", source_id, target_id, "", link ? "deleted on the source; the target keeps it" : "deleted on the source; never carried"});
      co_return;
    case delete_policy::propagate:
      break;
  }
  if (!link) co_return;
  if (options_.dry_run) {
    ++counts_.deleted;
    emit(page, {"delete", source_id, target_id, "", ""});
    co_return;
  }
  for (int attempt = 1;; ++attempt) {
    auto rc = next_context(options_.target_store);
    auto done = co_await target_->remove(rc, target_id);
    if (done || done.error().kind == domain::error_kind::not_found) {
      ++counts_.deleted;
      page.commit.unlinked.push_back(source_id);
      page.commit.settled.push_back(source_id);
      emit(page, {"delete", source_id, target_id, "", ""});
      co_return;
    }
    const auto& e = done.error();
    if (stops_the_run(e)) {
      fatal_ = "deleting on '" + options_.target_store + "': " + describe(e);
      page.aborted = true;
      co_return;
    }
    if (is_retryable(e) && attempt < options_.max_attempts) {
      co_await pause(attempt, e);
      continue;
    }
    dead_letter(page, source_id, target_id, is_retryable(e) ? "retries_exhausted" : "delete_refused", e, attempt);
    co_return;
  }
}

boost::asio::awaitable<void> engine::settle(change_work& work, page_state& page) {
  const domain::customer& source = *work.change.customer;
  const std::string& source_id = source.id;
  const auto& caps = target_->capabilities();
  const std::string email = fold_email(source.email);

  if (work.link && work.link->content_hash == work.hash) {
    ++counts_.unchanged;
    if (options_.dry_run) emit(page, {"unchanged", source_id, work.link->target_id, "", ""});
    co_return;
  }

  // Reads one target customer: nullopt inside when the target does not hold it.
  std::optional<domain::customer> existing;
  std::string target_id;
  std::string action;
  auto read_target = [&](const std::string& id) -> std::optional<std::optional<domain::customer>> {
    auto it = page.fetched.find(id);
    if (it != page.fetched.end()) return it->second;
    return std::nullopt;
  };

  if (work.link) {
    target_id = work.link->target_id;
    auto cached = read_target(target_id);
    if (!cached) {
      domain::result<domain::customer> got = domain::make_error(domain::error_kind::internal, "not read");
      for (int attempt = 1;; ++attempt) {
        auto rc = next_context(options_.target_store);
        got = co_await target_->get(rc, target_id);
        if (got || !is_retryable(got.error()) || attempt >= options_.max_attempts) break;
        co_await pause(attempt, got.error());
      }
      if (got)
        cached.emplace(std::move(*got));
      else if (got.error().kind == domain::error_kind::not_found)
        cached.emplace(std::nullopt);
      else {
        if (stops_the_run(got.error())) {
          fatal_ = "reading '" + options_.target_store + "': " + describe(got.error());
          page.aborted = true;
        } else {
          dead_letter(page, source_id, target_id, is_retryable(got.error()) ? "retries_exhausted" : "refused",
                      got.error(), options_.max_attempts);
        }
        co_return;
      }
    }
    if (*cached) {
      existing = std::move(**cached);
      action = "update";
    } else {
      // Deleted on the target since it was linked: carried again as a new customer.
      page.commit.unlinked.push_back(source_id);
      target_id.clear();
    }
  }

  if (!existing) {
    auto matches = state_->match_email(email);
    if (matches.size() > 1) {
      dead_letter(page, source_id, "", "duplicate_email",
                  domain::make_error(domain::error_kind::conflict, "the target holds " + std::to_string(matches.size()) +
                                                                       " customers with the email " + source.email),
                  1);
      co_return;
    }
    if (matches.size() == 1) {
      const auto& m = matches[0];
      std::string other = m.source_id;
      if (other.empty()) {
        auto here = page.linked_here.find(m.target_id);
        if (here != page.linked_here.end())
          other = here->second;
        else
          other = state_->source_of(job_, m.target_id).value_or("");
      }
      if (!other.empty() && other != source_id) {
        dead_letter(page, source_id, m.target_id.starts_with("planned:") ? "" : m.target_id, "duplicate_email",
                    domain::make_error(domain::error_kind::conflict,
                                       "source customer " + other + " has the same email (" + source.email +
                                           ") and is carried to that target customer"),
                    1);
        co_return;
      }
      auto cached = read_target(m.target_id);
      if (!cached) {
        auto rc = next_context(options_.target_store);
        auto got = co_await target_->get(rc, m.target_id);
        if (got) cached.emplace(std::move(*got));
      }
      if (cached && *cached) {
        existing = std::move(**cached);
        target_id = m.target_id;
        action = "link";
      }
    }
  }
  if (!existing) action = "create";

  carried_customer want = carry(source, caps, existing ? &*existing : nullptr);
  std::vector<not_carried> kept;

  auto finish = [&](const std::string& final_target) {
    page.commit.links.push_back({source_id, final_target, work.hash});
    page.commit.settled.push_back(source_id);
    page.linked_here[final_target] = source_id;
    state_->claim_email(email, final_target, source_id);
  };
  auto report_dropped = [&](const std::string& final_target) {
    for (const auto& d : want.dropped) {
      ++counts_.fields_not_carried;
      emit(page, {"not_carried", source_id, final_target, d.field, d.reason});
    }
  };
  auto count_action = [&](const std::string& a) {
    if (a == "create") ++counts_.created;
    else if (a == "link") ++counts_.linked;
    else if (a == "update") ++counts_.updated;
    else ++counts_.unchanged;
  };

  if (existing) {
    auto changes = diff(*existing, want);
    if (changes.empty()) {
      count_action(action == "link" ? "link" : "unchanged");
      if (options_.dry_run) emit(page, {action == "link" ? "link" : "unchanged", source_id, target_id, "", ""});
      report_dropped(target_id);
      if (!options_.dry_run) finish(target_id);
      else state_->claim_email(email, target_id, source_id);
      co_return;
    }
    if (options_.dry_run) {
      count_action(action);
      for (const auto& c : changes) emit(page, {action, source_id, target_id, c.field, c.from + " -> " + c.to});
      to_patch(*existing, want, changes, caps, kept);
      want.dropped.insert(want.dropped.end(), kept.begin(), kept.end());
      report_dropped(target_id);
      state_->claim_email(email, target_id, source_id);
      co_return;
    }
  } else if (options_.dry_run) {
    count_action("create");
    emit(page, {"create", source_id, "", "", source.email});
    report_dropped("");
    state_->claim_email(email, "planned:" + source_id, source_id);
    co_return;
  }

  std::optional<domain::customer> written;
  int attempts = 0;
  for (int round = 0; round < options_.max_attempts + 8; ++round) {
    ++attempts;
    domain::result<domain::customer> outcome = domain::make_error(domain::error_kind::internal, "not written");
    kept.clear();
    if (existing) {
      auto changes = diff(*existing, want);
      if (changes.empty()) {
        written = *existing;
        break;
      }
      auto patch = to_patch(*existing, want, changes, caps, kept);
      auto rc = next_context(options_.target_store);
      outcome = co_await target_->update(rc, target_id, std::move(patch));
    } else {
      auto input = to_create(want);
      auto rc = next_context(options_.target_store);
      outcome = co_await target_->create(rc, std::move(input));
    }
    if (outcome) {
      written = std::move(*outcome);
      break;
    }
    const domain::error e = outcome.error();
    if (e.kind == domain::error_kind::validation_error && drop_fields(want, e.details)) {
      --attempts;
      continue;
    }
    if (stops_the_run(e)) {
      fatal_ = "writing '" + options_.target_store + "': " + describe(e);
      page.aborted = true;
      co_return;
    }
    if (existing && e.kind == domain::error_kind::not_found) {
      existing.reset();
      target_id.clear();
      action = "create";
      want = carry(source, caps, nullptr);
      continue;
    }
    const bool retry = is_retryable(e) && attempts < options_.max_attempts;
    if (retry) co_await pause(attempts, e);
    if (!existing && (retry || e.kind == domain::error_kind::conflict)) {
      // A create that timed out may have been made, and an email taken since the index
      // was read belongs to a customer to link: look for it before creating again.
      domain::list_query q;
      q.email = source.email;
      q.limit = 2;
      auto rc = next_context(options_.target_store);
      auto found = co_await target_->list(rc, q);
      if (found && found->items.size() == 1) {
        const auto other = state_->source_of(job_, found->items[0].id);
        auto here = page.linked_here.find(found->items[0].id);
        if ((other && *other != source_id) || (here != page.linked_here.end() && here->second != source_id)) {
          dead_letter(page, source_id, found->items[0].id, "duplicate_email",
                      domain::make_error(domain::error_kind::conflict,
                                         "source customer " + (other ? *other : here->second) +
                                             " has the same email and is carried to that target customer"),
                      attempts);
          co_return;
        }
        existing = std::move(found->items[0]);
        target_id = existing->id;
        action = "link";
        want = carry(source, caps, &*existing);
        continue;
      }
    }
    if (retry) continue;
    dead_letter(page, source_id, target_id, is_retryable(e) ? "retries_exhausted" : "refused", e, attempts);
    co_return;
  }
  if (!written) {
    dead_letter(page, source_id, target_id, "refused",
                domain::make_error(domain::error_kind::internal, "the target kept refusing the write"), attempts);
    co_return;
  }

  want.dropped.insert(want.dropped.end(), kept.begin(), kept.end());
  for (const auto& c : diff(*written, want)) {
    if (has_field(want.dropped, c.field)) continue;
    // Platforms store emails lower-cased; emails match case-insensitively everywhere.
    if (c.field == "email" && fold_email(written->email) == fold_email(want.email)) continue;
    want.dropped.push_back({c.field, "the target did not keep the value written (" + c.to + "; it holds " + c.from + ")"});
  }
  target_id = written->id;
  count_action(action);
  report_dropped(target_id);
  finish(target_id);
}

}  // namespace custbridge::sync
