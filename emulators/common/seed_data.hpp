#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "emulators/common/dates.hpp"

namespace custbridge::emulators {

// Platform-neutral generated people; each platform maps them into its own shape.
struct seed_address {
  std::string first_name, last_name;  // recipient
  std::string street;                 // street name only
  std::string number;                 // "" when the street has no numbers
  std::optional<std::string> floor;   // apartment / complement
  std::optional<std::string> locality;  // neighbourhood (bairro/barrio)
  std::string city;
  std::string province;  // full name, e.g. "São Paulo"
  std::string zipcode;
  std::string country;  // ISO 3166-1 alpha-2
  std::string phone;
  std::string company;
  bool commercial = false;
};

struct seed_person {
  std::string first_name, last_name;
  std::string email;
  std::string phone;
  std::string country;  // where the person lives
  std::optional<std::string> identification;  // CPF / DNI; none in the US
  std::optional<std::string> note;
  std::string company;
  std::vector<seed_address> addresses;  // 0 to 3
  int order_count = 0;
  std::int64_t total_spent_cents = 0;  // over all orders
  bool accepts_marketing = false;
  sys_seconds created_at;
  sys_seconds updated_at;
};

// The same (index, seed) always yields the same person, on every standard library.
// Emails are unique per seed: they embed the index.
seed_person generate_person(std::uint64_t seed, std::size_t index);

// Deterministic generator helpers shared by the platform seeders.
class seed_rng {
 public:
  explicit seed_rng(std::uint64_t seed) : rng_(seed) {}
  std::uint64_t next() { return rng_(); }
  std::size_t below(std::size_t n) { return n ? static_cast<std::size_t>(rng_() % n) : 0; }
  bool chance(double p) { return static_cast<double>(rng_() >> 11) * (1.0 / 9007199254740992.0) < p; }
  std::string digits(std::size_t n);

 private:
  std::mt19937_64 rng_;
};

// Lower-case ASCII for an email local part: "José Conceição" -> "jose.conceicao".
std::string ascii_fold(const std::string& utf8);

}  // namespace custbridge::emulators
