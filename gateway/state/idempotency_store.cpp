#include "gateway/state/idempotency_store.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/timestamp.hpp"
#include "gateway/state/database.hpp"

namespace custbridge::state {
namespace {

// Only headers that describe the result are replayed; per-request ones (X-Request-Id) are not.
bool worth_replaying(const std::string& name) {
  return name == "Content-Type" || name == "Location";
}

std::string headers_to_json(const http::header_list& headers) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartArray();
  for (const auto& [name, value] : headers) {
    if (!worth_replaying(name)) continue;
    w.StartArray();
    w.String(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
    w.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
    w.EndArray();
  }
  w.EndArray();
  return {buf.GetString(), buf.GetSize()};
}

http::header_list headers_from_json(const std::string& text) {
  http::header_list out;
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError() || !doc.IsArray()) return out;
  for (const auto& pair : doc.GetArray())
    if (pair.IsArray() && pair.Size() == 2 && pair[0].IsString() && pair[1].IsString())
      out.emplace_back(pair[0].GetString(), pair[1].GetString());
  return out;
}

std::int64_t now_ms() { return now_millis().time_since_epoch().count(); }

}  // namespace

idempotency_store::idempotency_store(std::shared_ptr<database> db, std::chrono::hours ttl, std::chrono::seconds abandon_after)
    : db_(std::move(db)), ttl_(ttl), abandon_after_(abandon_after) {}

idempotency_store::claim idempotency_store::begin(const std::string& store_id, const std::string& api_key,
                                                  const std::string& key, const std::string& fingerprint) {
  std::lock_guard lock(db_->mutex());
  auto* db = db_->handle();
  transaction tx(db);
  const auto now = now_ms();
  {
    statement purge(db, "DELETE FROM idempotency_keys WHERE created_at_ms < ?");
    purge.bind(1, now - ttl_.count()).run();
  }
  statement find(db, "SELECT fingerprint, status, headers, body, created_at_ms FROM idempotency_keys "
                     "WHERE store_id = ? AND api_key = ? AND idempotency_key = ?");
  find.bind(1, store_id).bind(2, api_key).bind(3, key);
  if (find.step()) {
    const bool finished = find.optional_text(1).has_value();
    if (find.text(0) != fingerprint) return {outcome::mismatch, {}};
    if (finished) {
      http::response res;
      res.status = static_cast<int>(find.integer(1));
      res.headers = headers_from_json(find.text(2));
      res.body = find.text(3);
      return {outcome::replay, std::move(res)};
    }
    if (now - find.integer(4) < abandon_after_.count()) return {outcome::in_progress, {}};
    statement retake(db, "UPDATE idempotency_keys SET created_at_ms = ? WHERE store_id = ? AND api_key = ? AND idempotency_key = ?");
    retake.bind(1, now).bind(2, store_id).bind(3, api_key).bind(4, key).run();
    tx.commit();
    return {outcome::proceed, {}};
  }
  statement insert(db, "INSERT INTO idempotency_keys (store_id, api_key, idempotency_key, fingerprint, created_at_ms) "
                       "VALUES (?, ?, ?, ?, ?)");
  insert.bind(1, store_id).bind(2, api_key).bind(3, key).bind(4, fingerprint).bind(5, now).run();
  tx.commit();
  return {outcome::proceed, {}};
}

void idempotency_store::complete(const std::string& store_id, const std::string& api_key, const std::string& key,
                                 const http::response& res) {
  if (res.status >= 500) {
    release(store_id, api_key, key);
    return;
  }
  std::lock_guard lock(db_->mutex());
  statement s(db_->handle(), "UPDATE idempotency_keys SET status = ?, headers = ?, body = ? "
                             "WHERE store_id = ? AND api_key = ? AND idempotency_key = ?");
  s.bind(1, std::int64_t{res.status}).bind(2, headers_to_json(res.headers)).bind(3, res.body);
  s.bind(4, store_id).bind(5, api_key).bind(6, key).run();
}

void idempotency_store::release(const std::string& store_id, const std::string& api_key, const std::string& key) {
  std::lock_guard lock(db_->mutex());
  statement s(db_->handle(), "DELETE FROM idempotency_keys WHERE store_id = ? AND api_key = ? AND idempotency_key = ?");
  s.bind(1, store_id).bind(2, api_key).bind(3, key).run();
}

}  // namespace custbridge::state
