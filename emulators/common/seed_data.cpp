#include "emulators/common/seed_data.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace custbridge::emulators {
namespace {

using list = std::vector<std::string_view>;

struct locale_data {
  std::string_view country;
  list first_names, last_names, streets, email_domains;
  struct city {
    std::string_view name, province, zip_prefix;
    list localities;
  };
  std::vector<city> cities;
};

// Names deliberately include non-ASCII letters: gateways must keep UTF-8 intact.
const std::vector<locale_data>& locales() {
  static const std::vector<locale_data> data = {
      {"BR",
       {"João", "José", "Maria", "Ana", "Conceição", "Luíza", "Antônio", "Márcio", "Thaís", "Gonçalo", "Beatriz", "Caio"},
       {"Silva", "Gonçalves", "Araújo", "Conceição", "Souza", "Lima", "Fernandes", "Simões", "Magalhães", "Brandão"},
       {"Rua das Flores", "Avenida Paulista", "Rua Augusta", "Praça Roberto Gomes Pedrosa", "Rua São João",
        "Avenida Atlântica", "Rua Barão de Itapetininga"},
       {"gmail.com", "uol.com.br", "hotmail.com", "bol.com.br"},
       {{"São Paulo", "São Paulo", "0", {"Morumbi", "Pinheiros", "Moema", "Vila Madalena", "Butantã"}},
        {"Rio de Janeiro", "Rio de Janeiro", "2", {"Copacabana", "Botafogo", "Tijuca", "Leblon"}},
        {"Belo Horizonte", "Minas Gerais", "3", {"Savassi", "Funcionários", "Lourdes"}},
        {"Porto Alegre", "Rio Grande do Sul", "9", {"Moinhos de Vento", "Cidade Baixa"}}}},
      {"US",
       {"James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "Chloé", "Zoë", "David", "Sarah"},
       {"Smith", "Johnson", "Williams", "Brown", "Garcia", "Miller", "O'Connor", "Nguyễn", "Davis"},
       {"Evergreen Terrace", "Main Street", "Oak Avenue", "Maple Drive", "Sunset Boulevard", "Elm Street"},
       {"gmail.com", "yahoo.com", "outlook.com", "example.com"},
       {{"Springfield", "Oregon", "97", {}},
        {"Austin", "Texas", "78", {}},
        {"Brooklyn", "New York", "11", {}},
        {"San Francisco", "California", "94", {}}}},
      {"AR",
       {"Martín", "Begoña", "Sofía", "Matías", "Valentina", "Agustín", "Lucía", "Tomás"},
       {"González", "Rodríguez", "Fernández", "López", "Muñoz", "Peña", "Pérez", "Gómez"},
       {"Avenida Corrientes", "Calle Florida", "Avenida de Mayo", "Calle Defensa"},
       {"gmail.com", "hotmail.com.ar", "yahoo.com.ar"},
       {{"Buenos Aires", "Ciudad Autónoma de Buenos Aires", "1", {"Palermo", "Recoleta", "San Telmo", "Belgrano"}},
        {"Córdoba", "Córdoba", "5", {"Nueva Córdoba", "Güemes"}}}},
      {"MX",
       {"José Luis", "Guadalupe", "Alejandro", "Ximena", "Iñaki", "Fernanda"},
       {"Hernández", "García", "Martínez", "Ramírez", "Núñez", "Ortiz"},
       {"Avenida Reforma", "Calle Madero", "Avenida Insurgentes"},
       {"gmail.com", "hotmail.com", "prodigy.net.mx"},
       {{"Ciudad de México", "Ciudad de México", "0", {"Condesa", "Roma Norte", "Coyoacán"}},
        {"Guadalajara", "Jalisco", "4", {"Providencia", "Chapalita"}}}},
      {"DE",
       {"Jürgen", "Björn", "Jörg", "Anneliese", "Günther", "Lena"},
       {"Müller", "Schröder", "Weiß", "Groß", "Köhler", "Becker"},
       {"Hauptstraße", "Königsallee", "Schloßstraße", "Bahnhofstraße"},
       {"web.de", "gmx.de", "t-online.de"},
       {{"München", "Bayern", "8", {}}, {"Köln", "Nordrhein-Westfalen", "5", {}}}},
      {"JP",
       {"太郎", "花子", "Yūki", "Sakura"},
       {"山田", "佐藤", "Tanaka", "Suzuki"},
       {"Chūō-dōri", "Omotesandō"},
       {"docomo.ne.jp", "yahoo.co.jp"},
       {{"Tōkyō", "Tokyo", "1", {}}, {"Ōsaka", "Osaka", "5", {}}}},
  };
  return data;
}

const locale_data& pick_locale(seed_rng& rng) {
  // Weighted towards Brazil and the US: the two platforms' home markets.
  static constexpr std::array<std::size_t, 10> weights{0, 0, 0, 0, 1, 1, 1, 2, 3, 4};
  const auto& all = locales();
  const auto i = weights[rng.below(weights.size())];
  return i == 4 && rng.chance(0.2) ? all[5] : all[i];
}

std::string_view pick(seed_rng& rng, const list& l) { return l[rng.below(l.size())]; }

std::string phone_for(seed_rng& rng, std::string_view country) {
  if (country == "BR") return "+55 11 9" + rng.digits(4) + "-" + rng.digits(4);
  if (country == "US") return "555-" + rng.digits(3) + "-" + rng.digits(4);
  if (country == "AR") return "+54 11 " + rng.digits(4) + "-" + rng.digits(4);
  if (country == "MX") return "+52 55 " + rng.digits(4) + " " + rng.digits(4);
  if (country == "DE") return "+49 89 " + rng.digits(7);
  return "+81 3-" + rng.digits(4) + "-" + rng.digits(4);
}

std::string zip_for(seed_rng& rng, std::string_view country, std::string_view prefix) {
  if (country == "BR") return std::string(prefix) + rng.digits(4) + "-" + rng.digits(3);
  if (country == "US") return std::string(prefix) + rng.digits(3);
  if (country == "AR") return std::string(prefix) + rng.digits(3);
  if (country == "JP") return std::string(prefix) + rng.digits(2) + "-" + rng.digits(4);
  return std::string(prefix) + rng.digits(4);
}

seed_address make_address(seed_rng& rng, const locale_data& loc, const seed_person& p) {
  seed_address a;
  const auto& city = loc.cities[rng.below(loc.cities.size())];
  // Most addresses are for the person; some are for a relative or a workplace.
  a.first_name = rng.chance(0.8) ? p.first_name : std::string(pick(rng, loc.first_names));
  a.last_name = p.last_name;
  a.street = pick(rng, loc.streets);
  a.number = rng.chance(0.05) ? std::string(loc.country == "BR" ? "S/N" : "") : std::to_string(1 + rng.below(2500));
  if (rng.chance(0.35)) a.floor = rng.chance(0.5) ? "Apto " + std::to_string(11 + rng.below(180)) : std::to_string(1 + rng.below(20)) + "B";
  if (!city.localities.empty()) a.locality = std::string(pick(rng, city.localities));
  a.city = city.name;
  a.province = city.province;
  a.zipcode = zip_for(rng, loc.country, city.zip_prefix);
  a.country = loc.country;
  a.phone = phone_for(rng, loc.country);
  a.commercial = rng.chance(0.15);
  if (a.commercial) a.company = p.company.empty() ? std::string(pick(rng, loc.last_names)) + " Ltda" : p.company;
  return a;
}

}  // namespace

std::string seed_rng::digits(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>('0' + below(10)));
  return out;
}

std::string ascii_fold(const std::string& utf8) {
  // Two-byte Latin-1 supplement letters map to their base letter; anything else
  // non-ASCII is dropped.
  static constexpr std::string_view latin1 =
      "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";  // U+00C0..U+00FF
  std::string out;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c < 0x80) {
      if (std::isalnum(c)) out.push_back(static_cast<char>(std::tolower(c)));
      else if (c == ' ' || c == '-') out.push_back('.');
      continue;
    }
    if (c == 0xC3 && i + 1 < utf8.size()) {
      const auto cp = 0xC0 + (static_cast<unsigned char>(utf8[i + 1]) & 0x3F);
      const char base = latin1[static_cast<std::size_t>(cp - 0xC0)];
      if (std::isalpha(static_cast<unsigned char>(base))) out.push_back(static_cast<char>(std::tolower(base)));
      ++i;
      continue;
    }
    // Skip the continuation bytes of anything else (e.g. Japanese, "ễ", "ū").
    while (i + 1 < utf8.size() && (static_cast<unsigned char>(utf8[i + 1]) & 0xC0) == 0x80) ++i;
  }
  return out;
}

seed_person generate_person(std::uint64_t seed, std::size_t index) {
  // Each person has its own stream, so person i does not depend on how many came before.
  seed_rng rng(seed * 0x9E3779B97F4A7C15ULL + index * 0xBF58476D1CE4E5B9ULL + 1);
  const auto& loc = pick_locale(rng);
  seed_person p;
  p.country = loc.country;
  p.first_name = pick(rng, loc.first_names);
  p.last_name = pick(rng, loc.last_names);
  auto local = ascii_fold(p.first_name) + "." + ascii_fold(p.last_name);
  if (local.size() < 3 || local.front() == '.' || local.back() == '.') local = "customer";
  p.email = local + "." + std::to_string(index + 1) + "@" + std::string(pick(rng, loc.email_domains));
  p.phone = phone_for(rng, loc.country);
  if (loc.country == "BR") p.identification = rng.digits(11);
  else if (loc.country == "AR") p.identification = rng.digits(8);
  else if (loc.country == "MX" && rng.chance(0.5)) p.identification = "XAXX010101000";
  if (rng.chance(0.1)) p.note = "VIP — prefers delivery after 18h";
  if (rng.chance(0.2)) p.company = std::string(pick(rng, loc.last_names)) + " & Filhos";
  const std::size_t addresses = rng.below(4);
  for (std::size_t i = 0; i < addresses; ++i) p.addresses.push_back(make_address(rng, loc, p));
  if (rng.chance(0.4)) {
    p.order_count = 1 + static_cast<int>(rng.below(6));
    for (int i = 0; i < p.order_count; ++i) p.total_spent_cents += 1000 + static_cast<std::int64_t>(rng.below(50000));
  }
  p.accepts_marketing = rng.chance(0.5);
  // Created from 2019-01-01 on, in index order as the platforms' ids grow with creation:
  // person i falls in [at(i), at(i + 1)), a curve that fits any number of people into six
  // years (200 people take the first ~200 days). Modified up to a year later.
  const auto base = std::chrono::sys_days{std::chrono::year{2019} / 1 / 1};
  const auto at = [](std::size_t i) {
    constexpr long double span = 6.0L * 365 * 86400;
    return static_cast<std::size_t>(span * static_cast<long double>(i) / static_cast<long double>(i + 2000));
  };
  const std::size_t from = at(index), gap = std::max<std::size_t>(1, at(index + 1) - from);
  p.created_at = std::chrono::time_point_cast<std::chrono::seconds>(base) + std::chrono::seconds(from + rng.below(gap));
  p.updated_at = p.created_at + std::chrono::seconds(rng.below(365 * 86400));
  return p;
}

}  // namespace custbridge::emulators
