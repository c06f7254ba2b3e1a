#include "emulators/common/faults.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace custbridge::emulators {
namespace {

// A uniform draw in [0, 1) from the generator's raw output, so runs are identical
// across standard libraries (std distributions are implementation-defined).
double unit(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * (1.0 / 9007199254740992.0); }

bool read_rate(const rapidjson::Value& v, const char* key, double& out, std::string& err) {
  if (!v.IsNumber() || v.GetDouble() < 0 || v.GetDouble() > 1) {
    err = std::string(key) + " must be a number between 0 and 1";
    return false;
  }
  out = v.GetDouble();
  return true;
}

bool read_ms(const rapidjson::Value& v, const char* key, std::chrono::milliseconds& out, std::string& err) {
  if (!v.IsInt64() || v.GetInt64() < 0) {
    err = std::string(key) + " must be a non-negative integer";
    return false;
  }
  out = std::chrono::milliseconds(v.GetInt64());
  return true;
}

}  // namespace

std::optional<std::string> merge_fault_json(std::string_view json, fault_config& base) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return std::string("faults must be a JSON object");
  fault_config c = base;
  std::string err;
  for (auto& m : doc.GetObject()) {
    const std::string_view key(m.name.GetString(), m.name.GetStringLength());
    const auto& v = m.value;
    bool ok = true;
    if (key == "latency_ms") ok = read_ms(v, "latency_ms", c.latency, err);
    else if (key == "jitter_ms") ok = read_ms(v, "jitter_ms", c.jitter, err);
    else if (key == "error_rate") ok = read_rate(v, "error_rate", c.error_rate, err);
    else if (key == "storm_rate") ok = read_rate(v, "storm_rate", c.storm_rate, err);
    else if (key == "truncate_rate") ok = read_rate(v, "truncate_rate", c.truncate_rate, err);
    else if (key == "malformed_rate") ok = read_rate(v, "malformed_rate", c.malformed_rate, err);
    else if (key == "reset_rate") ok = read_rate(v, "reset_rate", c.reset_rate, err);
    else if (key == "trickle_rate") ok = read_rate(v, "trickle_rate", c.trickle_rate, err);
    else if (key == "trickle_ms") ok = read_ms(v, "trickle_ms", c.trickle_interval, err);
    else if (key == "storm_length") {
      ok = v.IsInt() && v.GetInt() > 0;
      if (ok) c.storm_length = v.GetInt();
      else err = "storm_length must be a positive integer";
    } else if (key == "fail_method" || key == "fail_path") {
      ok = v.IsString();
      if (ok) (key == "fail_method" ? c.fail_method : c.fail_path) = v.GetString();
      else err = std::string(key) + " must be a string";
    } else if (key == "fail_times") {
      ok = v.IsInt() && v.GetInt() >= 0;
      if (ok) c.fail_times = v.GetInt();
      else err = "fail_times must be a non-negative integer";
    } else if (key == "seed") {
      ok = v.IsUint64();
      if (ok) c.seed = v.GetUint64();
      else err = "seed must be a non-negative integer";
    } else if (key == "error_statuses") {
      ok = v.IsArray() && !v.Empty();
      std::vector<int> statuses;
      if (ok)
        for (auto& s : v.GetArray()) {
          if (!s.IsInt() || s.GetInt() < 400 || s.GetInt() > 599) ok = false;
          else statuses.push_back(s.GetInt());
        }
      if (ok) c.error_statuses = std::move(statuses);
      else err = "error_statuses must be a non-empty array of HTTP error statuses";
    } else {
      return "unknown fault key '" + std::string(key) + "'";
    }
    if (!ok) return err;
  }
  base = c;
  return std::nullopt;
}

std::string fault_json(const fault_config& c) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("latency_ms"); w.Int64(c.latency.count());
  w.Key("jitter_ms"); w.Int64(c.jitter.count());
  w.Key("error_rate"); w.Double(c.error_rate);
  w.Key("error_statuses");
  w.StartArray();
  for (int s : c.error_statuses) w.Int(s);
  w.EndArray();
  w.Key("storm_rate"); w.Double(c.storm_rate);
  w.Key("storm_length"); w.Int(c.storm_length);
  w.Key("truncate_rate"); w.Double(c.truncate_rate);
  w.Key("malformed_rate"); w.Double(c.malformed_rate);
  w.Key("reset_rate"); w.Double(c.reset_rate);
  w.Key("trickle_rate"); w.Double(c.trickle_rate);
  w.Key("trickle_ms"); w.Int64(c.trickle_interval.count());
  w.Key("seed"); w.Uint64(c.seed);
  w.Key("fail_method"); w.String(c.fail_method.c_str());
  w.Key("fail_path"); w.String(c.fail_path.c_str());
  w.Key("fail_times"); w.Int(c.fail_times);
  w.EndObject();
  return sb.GetString();
}

fault_injector::fault_injector(fault_config c)
    : config_(std::move(c)), rng_(config_.seed), targeted_left_(config_.fail_times) {}

void fault_injector::configure(fault_config c) {
  std::lock_guard lock(mutex_);
  config_ = std::move(c);
  rng_.seed(config_.seed);
  storm_left_ = 0;
  targeted_left_ = config_.fail_times;
}

std::optional<int> fault_injector::targeted(std::string_view method, std::string_view target) {
  std::lock_guard lock(mutex_);
  if (targeted_left_ <= 0 || method != config_.fail_method || target.find(config_.fail_path) == std::string_view::npos)
    return std::nullopt;
  --targeted_left_;
  return config_.error_statuses.empty() ? 500 : config_.error_statuses.front();
}

fault_config fault_injector::config() const {
  std::lock_guard lock(mutex_);
  return config_;
}

fault_plan fault_injector::next() {
  std::lock_guard lock(mutex_);
  fault_plan p;
  const auto& c = config_;
  if (!c.any()) return p;
  // Always draw the same number of values per request so one fault's setting does
  // not shift the sequence seen by the others.
  const double jitter_draw = unit(rng_);
  const double storm_draw = unit(rng_);
  const double error_draw = unit(rng_);
  const double status_draw = unit(rng_);
  const double body_draw = unit(rng_);
  p.delay = c.latency + std::chrono::milliseconds(static_cast<long long>(jitter_draw * static_cast<double>(c.jitter.count() + 1)));
  if (storm_left_ == 0 && storm_draw < c.storm_rate) storm_left_ = c.storm_length;
  if (storm_left_ > 0) {
    --storm_left_;
    p.rate_limited = true;
    return p;
  }
  if (error_draw < c.error_rate && !c.error_statuses.empty()) {
    auto i = static_cast<std::size_t>(status_draw * static_cast<double>(c.error_statuses.size()));
    p.error_status = c.error_statuses[std::min(i, c.error_statuses.size() - 1)];
    return p;
  }
  if (body_draw < c.truncate_rate)
    p.body = body_fault::truncate;
  else if (body_draw < c.truncate_rate + c.malformed_rate)
    p.body = body_fault::malformed;
  else if (body_draw < c.truncate_rate + c.malformed_rate + c.reset_rate)
    p.body = body_fault::reset;
  else if (body_draw < c.truncate_rate + c.malformed_rate + c.reset_rate + c.trickle_rate)
    p.body = body_fault::trickle;
  return p;
}

std::string damage_body(std::string body, body_fault f) {
  switch (f) {
    case body_fault::none:
    case body_fault::reset:
    case body_fault::trickle:
      return body;
    case body_fault::truncate:
      body.resize(body.size() / 2);
      return body;
    case body_fault::malformed:
      // A stray token after the first byte: never valid JSON, whatever the body was.
      if (body.empty()) return "{";
      body.insert(1, "\x01,:}");
      return body;
  }
  return body;
}

}  // namespace custbridge::emulators
