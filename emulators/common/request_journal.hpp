#pragma once

#include <cstddef>
#include <deque>
#include <mutex>
#include <string>

namespace custbridge::emulators {

// The most recent requests served (method, target, status and the X-Request-Id the
// caller sent), so tests can see what reached the platform. Credentials and bodies are
// never kept. Thread-safe.
class request_journal {
 public:
  explicit request_journal(std::size_t capacity = 512) : capacity_(capacity) {}

  void add(std::string method, std::string target, int status, std::string request_id);
  void clear();
  // {"requests":[{"method":"GET","target":"/v1/1/customers/5","status":200,"requestId":"..."},...]}
  // oldest first; requestId is null when the caller sent none.
  std::string json() const;

 private:
  struct entry {
    std::string method, target;
    int status = 0;
    std::string request_id;
  };
  mutable std::mutex mutex_;
  std::size_t capacity_;
  std::deque<entry> entries_;
};

}  // namespace custbridge::emulators
