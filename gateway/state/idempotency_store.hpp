#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "gateway/http/message.hpp"

namespace custbridge::state {

class database;

// Remembers the outcome of POSTs sent with an Idempotency-Key, in the state
// database so it survives restarts. A key is scoped to (store, the API key's hash) and
// lives for `ttl` (24 h). Thread-safe.
class idempotency_store {
 public:
  enum class outcome {
    proceed,      // first use: run the request, then complete() or release()
    replay,       // same key, same request: `response` holds the first result
    mismatch,     // same key, different request body or target
    in_progress,  // same key, the first request has not finished
  };
  struct claim {
    outcome result;
    http::response response;
  };

  explicit idempotency_store(std::shared_ptr<database> db, std::chrono::hours ttl = std::chrono::hours(24),
                             std::chrono::seconds abandon_after = std::chrono::seconds(60));

  // Claims the key for a request whose method, target and body hash to `fingerprint`.
  // An in-progress claim older than `abandon_after` (its process died) is taken over.
  claim begin(const std::string& store_id, const std::string& api_key, const std::string& key, const std::string& fingerprint);
  // Records the response. Responses of 500 and above are not kept: the claim is
  // released so the client may retry (the request did not complete).
  void complete(const std::string& store_id, const std::string& api_key, const std::string& key, const http::response& res);
  void release(const std::string& store_id, const std::string& api_key, const std::string& key);

 private:
  std::shared_ptr<database> db_;
  std::chrono::milliseconds ttl_;
  std::chrono::milliseconds abandon_after_;
};

}  // namespace custbridge::state
