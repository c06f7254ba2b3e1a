#pragma once

#include <rapidjson/document.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "emulators/common/frontend.hpp"
#include "emulators/common/platform.hpp"
#include "gateway/http/message.hpp"

namespace custbridge::emulators::testing {

// Builds a request value: method, target, headers (lower-case names), body.
http::request make_request(std::string method, std::string target, http::header_list headers = {}, std::string body = "");

// Runs one request through the platform handler in-process (no sockets) and returns
// the response. Background work it starts (webhook deliveries) runs until done.
http::response call(platform& p, http::request req);
http::response call(std::shared_ptr<frontend> fe, http::request req);

// Parses a JSON body; fails the current test (and returns an empty object) if it is not JSON.
rapidjson::Document parse_body(const std::string& body);

// A fake steady clock the rate limiters can read; advance() moves it.
struct fake_clock {
  std::shared_ptr<std::chrono::steady_clock::time_point> now =
      std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::time_point{} + std::chrono::hours(1));
  std::function<std::chrono::steady_clock::time_point()> fn() const {
    return [n = now] { return *n; };
  }
  void advance(std::chrono::milliseconds d) { *now += d; }
};

// Reads a whole file ("" if missing).
std::string read_file(const std::string& path);

}  // namespace custbridge::emulators::testing
