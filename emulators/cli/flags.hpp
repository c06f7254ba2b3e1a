#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace custbridge::emulators::cli {

// A tiny flag table: "--name value", "--name=value", or "--name" for switches.
class flags {
 public:
  // The setter returns an error message, or nullopt when the value is accepted.
  using setter = std::function<std::optional<std::string>(std::string_view)>;
  void add(std::string name, std::string value_hint, std::string help, setter set);
  void add_switch(std::string name, std::string help, std::function<void()> set);
  // Applies every argument; returns the first error ("--port: not a number").
  std::optional<std::string> parse(const std::vector<std::string_view>& args);
  std::string usage() const;

  // Typed setter helpers.
  template <class Int>
  static setter integer(Int& out, long long min, long long max);
  static setter number(double& out, double min, double max);
  static setter text(std::string& out);

 private:
  struct entry {
    std::string name, hint, help;
    setter set;
    std::function<void()> on;
  };
  std::vector<entry> entries_;
};

std::optional<long long> parse_ll(std::string_view s);

template <class Int>
flags::setter flags::integer(Int& out, long long min, long long max) {
  return [&out, min, max](std::string_view v) -> std::optional<std::string> {
    auto n = parse_ll(v);
    if (!n || *n < min || *n > max)
      return "expected an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
    out = static_cast<Int>(*n);
    return std::nullopt;
  };
}

}  // namespace custbridge::emulators::cli
