#include "emulators/cli/flags.hpp"

#include <charconv>
#include <cstdlib>

namespace custbridge::emulators::cli {

std::optional<long long> parse_ll(std::string_view s) {
  long long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

void flags::add(std::string name, std::string value_hint, std::string help, setter set) {
  entries_.push_back({std::move(name), std::move(value_hint), std::move(help), std::move(set), nullptr});
}

void flags::add_switch(std::string name, std::string help, std::function<void()> set) {
  entries_.push_back({std::move(name), "", std::move(help), nullptr, std::move(set)});
}

std::optional<std::string> flags::parse(const std::vector<std::string_view>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto arg = args[i];
    if (!arg.starts_with("--")) return "unexpected argument '" + std::string(arg) + "'";
    std::optional<std::string_view> value;
    if (auto eq = arg.find('='); eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    const entry* found = nullptr;
    for (const auto& e : entries_)
      if ("--" + e.name == arg) found = &e;
    if (!found) return "unknown flag '" + std::string(arg) + "' (see --help)";
    if (found->on) {
      if (value) return std::string(arg) + ": takes no value";
      found->on();
      continue;
    }
    if (!value) {
      if (i + 1 >= args.size()) return std::string(arg) + ": missing value";
      value = args[++i];
    }
    if (auto err = found->set(*value)) return std::string(arg) + ": " + *err;
  }
  return std::nullopt;
}

std::string flags::usage() const {
  std::string out;
  for (const auto& e : entries_) {
    std::string left = "  --" + e.name + (e.hint.empty() ? "" : " " + e.hint);
    if (left.size() < 34) left.resize(34, ' ');
    else left += "\n" + std::string(34, ' ');
    out += left + e.help + "\n";
  }
  return out;
}

flags::setter flags::number(double& out, double min, double max) {
  return [&out, min, max](std::string_view v) -> std::optional<std::string> {
    std::string s(v);
    char* end = nullptr;
    const double d = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || d < min || d > max)
      return "expected a number in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
    out = d;
    return std::nullopt;
  };
}

flags::setter flags::text(std::string& out) {
  return [&out](std::string_view v) -> std::optional<std::string> {
    out = std::string(v);
    return std::nullopt;
  };
}

}  // namespace custbridge::emulators::cli
