#include "mappers/transforms.hpp"

#include <array>
#include <cctype>

namespace custbridge::mappers {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

name_parts split_full_name(std::string_view full) {
  full = trim(full);
  std::size_t i = 0;
  while (i < full.size() && !is_space(full[i])) ++i;
  return {std::string(full.substr(0, i)), std::string(trim(full.substr(i)))};
}

std::string join_full_name(std::string_view first, std::string_view last) {
  first = trim(first);
  last = trim(last);
  if (first.empty()) return std::string(last);
  if (last.empty()) return std::string(first);
  std::string out;
  out.reserve(first.size() + 1 + last.size());
  out.append(first).push_back(' ');
  out.append(last);
  return out;
}

bool looks_like_house_number(std::string_view t) {
  t = trim(t);
  if (t.empty() || t.size() > 12) return false;
  if (t.size() == 3 && (t[0] == 'S' || t[0] == 's') && t[1] == '/' && (t[2] == 'N' || t[2] == 'n')) return true;
  if (t[0] < '0' || t[0] > '9') return false;
  for (char c : t)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '/')) return false;
  return true;
}

street_parts split_street_number(std::string_view line) {
  line = trim(line);
  // "street, number": the last comma-separated part is the number.
  if (auto comma = line.rfind(','); comma != std::string_view::npos) {
    auto tail = trim(line.substr(comma + 1));
    if (looks_like_house_number(tail)) return {std::string(trim(line.substr(0, comma))), std::string(tail)};
  }
  // "street number"
  if (auto sp = line.find_last_of(" \t"); sp != std::string_view::npos) {
    auto tail = line.substr(sp + 1);
    if (looks_like_house_number(tail)) return {std::string(trim(line.substr(0, sp))), std::string(tail)};
    // "number street" (North American order)
    auto head_end = line.find_first_of(" \t");
    auto head = line.substr(0, head_end);
    if (looks_like_house_number(head)) return {std::string(trim(line.substr(head_end))), std::string(head)};
  }
  return {std::string(line), {}};
}

std::string join_street_number(std::string_view street, std::string_view number) {
  street = trim(street);
  number = trim(number);
  if (number.empty()) return std::string(street);
  if (street.empty()) return std::string(number);
  std::string out;
  out.reserve(street.size() + 2 + number.size());
  out.append(street).append(", ").append(number);
  return out;
}

std::string normalize_email(std::string_view email) {
  email = trim(email);
  std::string out(email);
  for (auto& c : out) c = ascii_lower(c);
  return out;
}

std::optional<std::string> normalize_decimal(std::string_view text, int scale) {
  text = trim(text);
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  auto dot = text.find('.');
  auto int_part = text.substr(0, dot);
  auto frac_part = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  if (int_part.empty() || (dot != std::string_view::npos && frac_part.empty())) return std::nullopt;
  for (char c : int_part)
    if (c < '0' || c > '9') return std::nullopt;
  for (char c : frac_part)
    if (c < '0' || c > '9') return std::nullopt;
  // Digits as one string, fraction padded or cut to `scale`, then rounded on the first cut digit.
  std::string digits(int_part);
  std::string frac(frac_part.substr(0, static_cast<std::size_t>(scale)));
  frac.resize(static_cast<std::size_t>(scale), '0');
  digits += frac;
  const bool round_up = frac_part.size() > static_cast<std::size_t>(scale) && frac_part[static_cast<std::size_t>(scale)] >= '5';
  if (round_up) {
    int i = static_cast<int>(digits.size()) - 1;
    while (i >= 0 && digits[static_cast<std::size_t>(i)] == '9') digits[static_cast<std::size_t>(i--)] = '0';
    if (i < 0) digits.insert(digits.begin(), '1');
    else ++digits[static_cast<std::size_t>(i)];
  }
  // Drop leading zeros of the integer part, keeping one.
  std::size_t int_len = digits.size() - static_cast<std::size_t>(scale);
  std::size_t lead = 0;
  while (lead + 1 < int_len && digits[lead] == '0') ++lead;
  digits.erase(0, lead);
  int_len -= lead;
  bool all_zero = digits.find_first_not_of('0') == std::string::npos;
  std::string out;
  if (negative && !all_zero) out.push_back('-');
  out.append(digits, 0, int_len);
  if (scale > 0) {
    out.push_back('.');
    out.append(digits, int_len, std::string::npos);
  }
  return out;
}

std::optional<std::int64_t> parse_int64(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool negative = s[0] == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  const std::uint64_t limit = negative ? 9223372036854775808ULL : 9223372036854775807ULL;
  if (v > limit) return std::nullopt;
  return negative ? static_cast<std::int64_t>(0 - v) : static_cast<std::int64_t>(v);
}

namespace {

struct region_row {
  std::string_view country;
  std::string_view code;
  std::string_view name;
};

// ISO 3166-2 subdivision codes (without the country prefix) and the names the
// platforms expect: English for US/CA/AU, the local language for BR/AR/MX (Nuvemshop
// stores hold "São Paulo", not "Sao Paulo").
constexpr region_row regions[] = {
    {"US", "AL", "Alabama"}, {"US", "AK", "Alaska"}, {"US", "AZ", "Arizona"}, {"US", "AR", "Arkansas"},
    {"US", "CA", "California"}, {"US", "CO", "Colorado"}, {"US", "CT", "Connecticut"}, {"US", "DE", "Delaware"},
    {"US", "DC", "District of Columbia"}, {"US", "FL", "Florida"}, {"US", "GA", "Georgia"}, {"US", "HI", "Hawaii"},
    {"US", "ID", "Idaho"}, {"US", "IL", "Illinois"}, {"US", "IN", "Indiana"}, {"US", "IA", "Iowa"},
    {"US", "KS", "Kansas"}, {"US", "KY", "Kentucky"}, {"US", "LA", "Louisiana"}, {"US", "ME", "Maine"},
    {"US", "MD", "Maryland"}, {"US", "MA", "Massachusetts"}, {"US", "MI", "Michigan"}, {"US", "MN", "Minnesota"},
    {"US", "MS", "Mississippi"}, {"US", "MO", "Missouri"}, {"US", "MT", "Montana"}, {"US", "NE", "Nebraska"},
    {"US", "NV", "Nevada"}, {"US", "NH", "New Hampshire"}, {"US", "NJ", "New Jersey"}, {"US", "NM", "New Mexico"},
    {"US", "NY", "New York"}, {"US", "NC", "North Carolina"}, {"US", "ND", "North Dakota"}, {"US", "OH", "Ohio"},
    {"US", "OK", "Oklahoma"}, {"US", "OR", "Oregon"}, {"US", "PA", "Pennsylvania"}, {"US", "RI", "Rhode Island"},
    {"US", "SC", "South Carolina"}, {"US", "SD", "South Dakota"}, {"US", "TN", "Tennessee"}, {"US", "TX", "Texas"},
    {"US", "UT", "Utah"}, {"US", "VT", "Vermont"}, {"US", "VA", "Virginia"}, {"US", "WA", "Washington"},
    {"US", "WV", "West Virginia"}, {"US", "WI", "Wisconsin"}, {"US", "WY", "Wyoming"}, {"US", "PR", "Puerto Rico"},
    {"CA", "AB", "Alberta"}, {"CA", "BC", "British Columbia"}, {"CA", "MB", "Manitoba"}, {"CA", "NB", "New Brunswick"},
    {"CA", "NL", "Newfoundland and Labrador"}, {"CA", "NS", "Nova Scotia"}, {"CA", "NT", "Northwest Territories"},
    {"CA", "NU", "Nunavut"}, {"CA", "ON", "Ontario"}, {"CA", "PE", "Prince Edward Island"}, {"CA", "QC", "Quebec"},
    {"CA", "SK", "Saskatchewan"}, {"CA", "YT", "Yukon"},
    {"AU", "ACT", "Australian Capital Territory"}, {"AU", "NSW", "New South Wales"}, {"AU", "NT", "Northern Territory"},
    {"AU", "QLD", "Queensland"}, {"AU", "SA", "South Australia"}, {"AU", "TAS", "Tasmania"}, {"AU", "VIC", "Victoria"},
    {"AU", "WA", "Western Australia"},
    {"BR", "AC", "Acre"}, {"BR", "AL", "Alagoas"}, {"BR", "AP", "Amapá"}, {"BR", "AM", "Amazonas"}, {"BR", "BA", "Bahia"},
    {"BR", "CE", "Ceará"}, {"BR", "DF", "Distrito Federal"}, {"BR", "ES", "Espírito Santo"}, {"BR", "GO", "Goiás"},
    {"BR", "MA", "Maranhão"}, {"BR", "MT", "Mato Grosso"}, {"BR", "MS", "Mato Grosso do Sul"},
    {"BR", "MG", "Minas Gerais"}, {"BR", "PA", "Pará"}, {"BR", "PB", "Paraíba"}, {"BR", "PR", "Paraná"},
    {"BR", "PE", "Pernambuco"}, {"BR", "PI", "Piauí"}, {"BR", "RJ", "Rio de Janeiro"}, {"BR", "RN", "Rio Grande do Norte"},
    {"BR", "RS", "Rio Grande do Sul"}, {"BR", "RO", "Rondônia"}, {"BR", "RR", "Roraima"}, {"BR", "SC", "Santa Catarina"},
    {"BR", "SP", "São Paulo"}, {"BR", "SE", "Sergipe"}, {"BR", "TO", "Tocantins"},
    {"AR", "C", "Ciudad Autónoma de Buenos Aires"}, {"AR", "B", "Buenos Aires"}, {"AR", "K", "Catamarca"},
    {"AR", "H", "Chaco"}, {"AR", "U", "Chubut"}, {"AR", "X", "Córdoba"}, {"AR", "W", "Corrientes"},
    {"AR", "E", "Entre Ríos"}, {"AR", "P", "Formosa"}, {"AR", "Y", "Jujuy"}, {"AR", "L", "La Pampa"},
    {"AR", "F", "La Rioja"}, {"AR", "M", "Mendoza"}, {"AR", "N", "Misiones"}, {"AR", "Q", "Neuquén"},
    {"AR", "R", "Río Negro"}, {"AR", "A", "Salta"}, {"AR", "J", "San Juan"}, {"AR", "D", "San Luis"},
    {"AR", "Z", "Santa Cruz"}, {"AR", "S", "Santa Fe"}, {"AR", "G", "Santiago del Estero"},
    {"AR", "V", "Tierra del Fuego"}, {"AR", "T", "Tucumán"},
    {"MX", "AGU", "Aguascalientes"}, {"MX", "BCN", "Baja California"}, {"MX", "BCS", "Baja California Sur"},
    {"MX", "CAM", "Campeche"}, {"MX", "CHP", "Chiapas"}, {"MX", "CHH", "Chihuahua"}, {"MX", "CMX", "Ciudad de México"},
    {"MX", "COA", "Coahuila"}, {"MX", "COL", "Colima"}, {"MX", "DUR", "Durango"}, {"MX", "GUA", "Guanajuato"},
    {"MX", "GRO", "Guerrero"}, {"MX", "HID", "Hidalgo"}, {"MX", "JAL", "Jalisco"}, {"MX", "MEX", "Estado de México"},
    {"MX", "MIC", "Michoacán"}, {"MX", "MOR", "Morelos"}, {"MX", "NAY", "Nayarit"}, {"MX", "NLE", "Nuevo León"},
    {"MX", "OAX", "Oaxaca"}, {"MX", "PUE", "Puebla"}, {"MX", "QUE", "Querétaro"}, {"MX", "ROO", "Quintana Roo"},
    {"MX", "SLP", "San Luis Potosí"}, {"MX", "SIN", "Sinaloa"}, {"MX", "SON", "Sonora"}, {"MX", "TAB", "Tabasco"},
    {"MX", "TAM", "Tamaulipas"}, {"MX", "TLA", "Tlaxcala"}, {"MX", "VER", "Veracruz"}, {"MX", "YUC", "Yucatán"},
    {"MX", "ZAC", "Zacatecas"},
};

// Appends `s` lower-cased with the Latin-1 accented letters (UTF-8 C3 xx) folded to their
// base letter, so "São Paulo", "SAO PAULO" and "Sao Paulo" compare equal.
std::string fold(std::string_view s) {
  static constexpr std::string_view latin1_base =  // for U+00C0..U+00FF
      "aaaaaaaceeeeiiiidnooooo/ouuuuyps"
      "aaaaaaaceeeeiiiidnooooo/ouuuuypy";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == 0xC3 && i + 1 < s.size()) {
      auto n = static_cast<unsigned char>(s[i + 1]);
      if (n >= 0x80 && n <= 0xBF) {
        out.push_back(latin1_base[n - 0x80]);
        ++i;
        continue;
      }
    }
    out.push_back(ascii_lower(static_cast<char>(c)));
  }
  return out;
}

bool iequal_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

}  // namespace

std::optional<std::string_view> region_name(std::string_view country, std::string_view code) {
  code = trim(code);
  for (const auto& r : regions)
    if (iequal_ascii(r.country, country) && iequal_ascii(r.code, code)) return r.name;
  return std::nullopt;
}

std::optional<std::string_view> region_code(std::string_view country, std::string_view name) {
  // Folded names are computed once; the table is immutable afterwards (thread-safe).
  static const auto folded_names = [] {
    std::array<std::string, std::size(regions)> out;
    for (std::size_t i = 0; i < std::size(regions); ++i) out[i] = fold(regions[i].name);
    return out;
  }();
  const auto folded = fold(trim(name));
  for (std::size_t i = 0; i < std::size(regions); ++i)
    if (iequal_ascii(regions[i].country, country) && folded_names[i] == folded) return regions[i].code;
  return std::nullopt;
}

}  // namespace custbridge::mappers
