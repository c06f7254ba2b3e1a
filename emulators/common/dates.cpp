#include "emulators/common/dates.hpp"

#include <array>
#include <cctype>
#include <cstdio>

#include "emulators/common/query.hpp"

namespace custbridge::emulators {
namespace {

using namespace std::chrono;

constexpr std::array<const char*, 7> weekdays{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

struct parts {
  int year, month, day, hour, minute, second;
  unsigned weekday;
};

parts split(sys_seconds t) {
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day())), static_cast<int>(hms.hours().count()),
          static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()),
          weekday{day}.c_encoding()};
}

std::optional<sys_seconds> make(int y, int mo, int d, int h, int mi, int s) {
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
  return sys_days{ymd} + hours{h} + minutes{mi} + seconds{s};
}

// Reads exactly n digits at s[pos].
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[pos + i]))) return std::nullopt;
    v = v * 10 + (s[pos + i] - '0');
  }
  return v;
}

// Parses "Z", "+hh:mm", "+hhmm", "+hh" or "GMT"/"UTC"; returns the offset in seconds.
std::optional<int> offset(std::string_view s) {
  if (s.empty() || s == "Z" || s == "z" || s == "GMT" || s == "UTC") return 0;
  if (s[0] != '+' && s[0] != '-') return std::nullopt;
  const int sign = s[0] == '-' ? -1 : 1;
  auto h = digits(s, 1, 2);
  if (!h) return std::nullopt;
  int m = 0;
  if (s.size() == 3) {
  } else if (s.size() == 5) {
    auto mm = digits(s, 3, 2);
    if (!mm) return std::nullopt;
    m = *mm;
  } else if (s.size() == 6 && s[3] == ':') {
    auto mm = digits(s, 4, 2);
    if (!mm) return std::nullopt;
    m = *mm;
  } else {
    return std::nullopt;
  }
  return sign * (*h * 3600 + m * 60);
}

}  // namespace

std::string format_nuvemshop(sys_seconds t) {
  auto p = split(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d+0000", p.year, p.month, p.day, p.hour, p.minute, p.second);
  return buf;
}

std::string format_iso_z(sys_seconds t) {
  auto p = split(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", p.year, p.month, p.day, p.hour, p.minute, p.second);
  return buf;
}

std::string format_rfc2822(sys_seconds t) {
  auto p = split(t);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", weekdays[p.weekday], p.day,
                months[static_cast<std::size_t>(p.month - 1)], p.year, p.hour, p.minute, p.second);
  return buf;
}

std::string format_http_date(sys_seconds t) {
  auto p = split(t);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", weekdays[p.weekday], p.day,
                months[static_cast<std::size_t>(p.month - 1)], p.year, p.hour, p.minute, p.second);
  return buf;
}

std::string format_sql(sys_seconds t) {
  auto p = split(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", p.year, p.month, p.day, p.hour, p.minute, p.second);
  return buf;
}

std::optional<sys_seconds> parse_iso8601(std::string_view s) {
  auto y = digits(s, 0, 4);
  if (!y || s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto mo = digits(s, 5, 2);
  auto d = digits(s, 8, 2);
  if (!mo || !d) return std::nullopt;
  if (s.size() == 10) return make(*y, *mo, *d, 0, 0, 0);
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return std::nullopt;
  auto h = digits(s, 11, 2);
  auto mi = digits(s, 14, 2);
  if (!h || !mi || s.size() < 16 || s[13] != ':') return std::nullopt;
  std::size_t pos = 16;
  int sec = 0;
  if (pos < s.size() && s[pos] == ':') {
    auto ss = digits(s, pos + 1, 2);
    if (!ss) return std::nullopt;
    sec = *ss;
    pos += 3;
  }
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
  }
  auto off = offset(s.substr(pos));
  if (!off) return std::nullopt;
  auto t = make(*y, *mo, *d, *h, *mi, sec);
  if (!t) return std::nullopt;
  return *t - seconds{*off};
}

std::optional<sys_seconds> parse_rfc2822(std::string_view s) {
  auto comma = s.find(',');
  if (comma != std::string_view::npos) s.remove_prefix(comma + 1);
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  // "10 Jan 2018 21:02:23 +0000"
  auto words = split_list(s, ' ');
  if (words.size() < 4) return std::nullopt;
  auto d = parse_int(words[0]);
  int mo = 0;
  for (std::size_t i = 0; i < months.size(); ++i)
    if (words[1] == months[i]) mo = static_cast<int>(i) + 1;
  auto y = parse_int(words[2]);
  const auto& clock = words[3];
  if (!d || !mo || !y || clock.size() != 8 || clock[2] != ':' || clock[5] != ':') return std::nullopt;
  auto h = digits(clock, 0, 2), mi = digits(clock, 3, 2), sec = digits(clock, 6, 2);
  if (!h || !mi || !sec) return std::nullopt;
  auto off = offset(words.size() > 4 ? std::string_view(words[4]) : std::string_view{});
  if (!off) return std::nullopt;
  auto t = make(static_cast<int>(*y), mo, static_cast<int>(*d), *h, *mi, *sec);
  if (!t) return std::nullopt;
  return *t - seconds{*off};
}

std::optional<sys_seconds> parse_any_date(std::string_view s) {
  if (auto t = parse_iso8601(s)) return t;
  if (auto t = parse_rfc2822(s)) return t;
  if (auto n = parse_int(s)) return sys_seconds{seconds{*n}};
  return std::nullopt;
}

sys_seconds now_seconds() { return floor<seconds>(system_clock::now()); }

}  // namespace custbridge::emulators
