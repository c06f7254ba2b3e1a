#include "common/timestamp.hpp"

#include <cstdio>

namespace custbridge {

std::string format_iso8601_ms(sys_millis t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss hms{t - day};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  return buf;
}

sys_millis now_millis() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace custbridge

namespace custbridge {
namespace {

// A tiny cursor over the text; every reader returns false instead of throwing.
struct cursor {
  std::string_view s;
  std::size_t i = 0;

  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  bool eat(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  // Exactly n digits.
  bool digits(int n, int& out) {
    out = 0;
    for (int k = 0; k < n; ++k) {
      if (done() || s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i++] - '0');
    }
    return true;
  }
  // One to max digits.
  bool some_digits(int max, int& out) {
    out = 0;
    int n = 0;
    while (n < max && !done() && s[i] >= '0' && s[i] <= '9') {
      out = out * 10 + (s[i++] - '0');
      ++n;
    }
    return n > 0;
  }
  void skip_spaces() {
    while (!done() && (s[i] == ' ' || s[i] == '\t')) ++i;
  }
};

std::optional<sys_millis> make_time(int y, int mo, int d, int h, int mi, int sec, int ms, int offset_minutes) {
  using namespace std::chrono;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  // A leap second is folded into the next second, as system_clock cannot represent it.
  const auto t = sys_days{ymd} + hours{h} + minutes{mi} + seconds{sec} + milliseconds{ms} - minutes{offset_minutes};
  return time_point_cast<milliseconds>(t);
}

// "Z", "+hh:mm", "+hhmm", "+hh"; on success sets minutes east of UTC.
bool read_numeric_offset(cursor& c, int& minutes_east) {
  if (c.eat('Z') || c.eat('z')) {
    minutes_east = 0;
    return true;
  }
  const char sign = c.peek();
  if (sign != '+' && sign != '-') return false;
  ++c.i;
  int hh = 0, mm = 0;
  if (!c.digits(2, hh)) return false;
  if (c.eat(':')) {
    if (!c.digits(2, mm)) return false;
  } else if (!c.done()) {
    if (!c.digits(2, mm)) return false;
  }
  if (hh > 23 || mm > 59) return false;
  minutes_east = (sign == '-' ? -1 : 1) * (hh * 60 + mm);
  return true;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t k = 0; k < a.size(); ++k) {
    char x = a[k], y = b[k];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

constexpr std::string_view month_names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::string_view day_names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

}  // namespace

std::optional<sys_millis> parse_iso8601(std::string_view text) {
  cursor c{text};
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  if (!c.digits(4, y) || !c.eat('-') || !c.digits(2, mo) || !c.eat('-') || !c.digits(2, d)) return std::nullopt;
  if (!c.eat('T') && !c.eat('t') && !c.eat(' ')) return std::nullopt;
  if (!c.digits(2, h) || !c.eat(':') || !c.digits(2, mi)) return std::nullopt;
  if (c.eat(':')) {
    if (!c.digits(2, sec)) return std::nullopt;
    if (c.eat('.') || c.eat(',')) {
      int n = 0;
      while (!c.done() && c.peek() >= '0' && c.peek() <= '9') {
        if (n < 3) ms = ms * 10 + (c.peek() - '0');
        ++n;
        ++c.i;
      }
      if (n == 0) return std::nullopt;
      for (int k = n; k < 3; ++k) ms *= 10;
    }
  }
  int offset = 0;
  if (!c.done() && !read_numeric_offset(c, offset)) return std::nullopt;
  if (!c.done()) return std::nullopt;
  return make_time(y, mo, d, h, mi, sec, ms, offset);
}

std::optional<sys_millis> parse_rfc2822(std::string_view text) {
  cursor c{text};
  c.skip_spaces();
  // Optional day name followed by a comma.
  if (c.peek() >= 'A' && c.peek() <= 'z' && !(c.peek() >= '0' && c.peek() <= '9')) {
    if (c.s.size() < c.i + 3) return std::nullopt;
    bool known = false;
    for (auto dn : day_names) known = known || iequals(c.s.substr(c.i, 3), dn);
    if (!known) return std::nullopt;
    c.i += 3;
    if (!c.eat(',')) return std::nullopt;
    c.skip_spaces();
  }
  int d = 0, y = 0, h = 0, mi = 0, sec = 0;
  if (!c.some_digits(2, d)) return std::nullopt;
  c.skip_spaces();
  if (c.s.size() < c.i + 3) return std::nullopt;
  int mo = 0;
  for (int k = 0; k < 12; ++k)
    if (iequals(c.s.substr(c.i, 3), month_names[k])) mo = k + 1;
  if (mo == 0) return std::nullopt;
  c.i += 3;
  c.skip_spaces();
  const std::size_t year_start = c.i;
  if (!c.some_digits(4, y)) return std::nullopt;
  if (c.i - year_start == 2) y += y < 50 ? 2000 : 1900;  // obsolete two-digit years (RFC 2822 4.3)
  else if (c.i - year_start != 4) return std::nullopt;
  c.skip_spaces();
  if (!c.digits(2, h) || !c.eat(':') || !c.digits(2, mi)) return std::nullopt;
  if (c.eat(':') && !c.digits(2, sec)) return std::nullopt;
  c.skip_spaces();
  int offset = 0;
  if (c.peek() == '+' || c.peek() == '-') {
    const char sign = c.s[c.i++];
    int hhmm = 0;
    if (!c.digits(4, hhmm)) return std::nullopt;
    if (hhmm / 100 > 23 || hhmm % 100 > 59) return std::nullopt;
    offset = (sign == '-' ? -1 : 1) * ((hhmm / 100) * 60 + hhmm % 100);
  } else {
    const auto zone = c.s.substr(c.i);
    struct named {
      std::string_view name;
      int minutes;
    };
    static constexpr named zones[] = {{"UT", 0},      {"GMT", 0},     {"Z", 0},       {"UTC", 0},
                                      {"EST", -300},  {"EDT", -240},  {"CST", -360},  {"CDT", -300},
                                      {"MST", -420},  {"MDT", -360},  {"PST", -480},  {"PDT", -420}};
    bool found = false;
    for (const auto& z : zones) {
      if (iequals(zone.substr(0, z.name.size()), z.name) &&
          (zone.size() == z.name.size() || zone[z.name.size()] == ' ')) {
        offset = z.minutes;
        c.i += z.name.size();
        found = true;
        break;
      }
    }
    if (!found) return std::nullopt;
  }
  c.skip_spaces();
  if (!c.done()) return std::nullopt;
  return make_time(y, mo, d, h, mi, sec, 0, offset);
}

std::optional<sys_millis> parse_timestamp(std::string_view text) {
  if (auto t = parse_iso8601(text)) return t;
  return parse_rfc2822(text);
}

std::string format_rfc2822(sys_millis t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const weekday wd{day};
  const hh_mm_ss hms{floor<seconds>(t) - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.3s, %02u %.3s %04d %02d:%02d:%02d +0000", day_names[wd.c_encoding()].data(),
                static_cast<unsigned>(ymd.day()), month_names[static_cast<unsigned>(ymd.month()) - 1].data(),
                static_cast<int>(ymd.year()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()), static_cast<int>(hms.seconds().count()));
  return buf;
}

}  // namespace custbridge
