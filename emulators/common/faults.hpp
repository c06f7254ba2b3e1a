#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace custbridge::emulators {

// What can go wrong, per request. Rates are probabilities in [0, 1].
struct fault_config {
  std::chrono::milliseconds latency{0};  // added to every platform request
  std::chrono::milliseconds jitter{0};   // plus uniform [0, jitter]
  double error_rate = 0;                 // answer with one of error_statuses instead
  std::vector<int> error_statuses{500, 502, 503};
  double storm_rate = 0;  // chance that a request starts a 429 storm
  int storm_length = 20;  // requests answered 429 once a storm starts (the first included)
  double truncate_rate = 0;   // body cut in half (still a well-formed HTTP message)
  double malformed_rate = 0;  // body made syntactically invalid JSON
  double reset_rate = 0;      // connection reset halfway through the response body
  double trickle_rate = 0;    // response sent in small pieces, trickle_interval apart
  std::chrono::milliseconds trickle_interval{50};
  std::uint64_t seed = 1;
  // A targeted failure: the next `fail_times` requests whose method is `fail_method` and
  // whose target contains `fail_path` are answered with error_statuses[0]. Draws nothing
  // from the generator.
  std::string fail_method;
  std::string fail_path;
  int fail_times = 0;

  bool any() const {
    return latency.count() || jitter.count() || error_rate > 0 || storm_rate > 0 || truncate_rate > 0 ||
           malformed_rate > 0 || reset_rate > 0 || trickle_rate > 0;
  }
};

// Parses a JSON object with any of the keys latency_ms, jitter_ms, error_rate,
// error_statuses, storm_rate, storm_length, truncate_rate, malformed_rate, reset_rate,
// trickle_rate, trickle_ms, seed, fail_method, fail_path, fail_times
// over `base`. Unknown keys and wrong types are errors; returns the message.
std::optional<std::string> merge_fault_json(std::string_view json, fault_config& base);
std::string fault_json(const fault_config& c);

// truncate and malformed change the body; reset and trickle change how it is sent.
enum class body_fault { none, truncate, malformed, reset, trickle };

struct fault_plan {
  std::chrono::milliseconds delay{0};
  std::optional<int> error_status;  // 5xx to answer with
  bool rate_limited = false;        // part of a 429 storm
  body_fault body = body_fault::none;
};

// Draws a plan per request from a seeded generator, so a run with the same seed and
// the same request order sees the same faults. Thread-safe.
class fault_injector {
 public:
  explicit fault_injector(fault_config c = {});
  void configure(fault_config c);  // also reseeds
  fault_config config() const;
  fault_plan next();
  // The status for this request if it is one of the targeted failures (counted down).
  std::optional<int> targeted(std::string_view method, std::string_view target);

 private:
  mutable std::mutex mutex_;
  fault_config config_;
  std::mt19937_64 rng_;
  int storm_left_ = 0;
  int targeted_left_ = 0;
};

// Applies a body fault to a JSON body.
std::string damage_body(std::string body, body_fault f);

}  // namespace custbridge::emulators
