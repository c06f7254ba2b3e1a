#include "mappers/transforms.hpp"

#include <gtest/gtest.h>

namespace custbridge::mappers {
namespace {

TEST(full_name, splits_at_the_first_space_keeping_compound_surnames) {
  auto p = split_full_name("Juan Carlos de la Cruz");
  EXPECT_EQ(p.first, "Juan");
  EXPECT_EQ(p.last, "Carlos de la Cruz");
}

TEST(full_name, one_word_is_a_first_name_only) {
  auto p = split_full_name("Madonna");
  EXPECT_EQ(p.first, "Madonna");
  EXPECT_EQ(p.last, "");
}

TEST(full_name, empty_and_blank_give_empty_parts) {
  for (auto s : {"", "   ", "\t"}) {
    auto p = split_full_name(s);
    EXPECT_EQ(p.first, "") << s;
    EXPECT_EQ(p.last, "") << s;
  }
}

TEST(full_name, non_ascii_and_extra_spaces) {
  auto p = split_full_name("  Zé   Ninguém  ");
  EXPECT_EQ(p.first, "Zé");
  EXPECT_EQ(p.last, "Ninguém");
  auto q = split_full_name("Nguyễn Văn An");
  EXPECT_EQ(q.first, "Nguyễn");
  EXPECT_EQ(q.last, "Văn An");
}

TEST(full_name, join_trims_and_skips_empty_parts) {
  EXPECT_EQ(join_full_name("Jane", "Smith"), "Jane Smith");
  EXPECT_EQ(join_full_name(" Jane ", ""), "Jane");
  EXPECT_EQ(join_full_name("", "Smith"), "Smith");
  EXPECT_EQ(join_full_name("", " "), "");
  EXPECT_EQ(join_full_name("Zoë", "Müller"), "Zoë Müller");
}

TEST(street_number, comma_separated_number) {
  auto p = split_street_number("Praça Roberto Gomes Pedrosa, 1");
  EXPECT_EQ(p.street, "Praça Roberto Gomes Pedrosa");
  EXPECT_EQ(p.number, "1");
}

TEST(street_number, trailing_number_without_comma) {
  auto p = split_street_number("Rua Augusta 1500");
  EXPECT_EQ(p.street, "Rua Augusta");
  EXPECT_EQ(p.number, "1500");
}

TEST(street_number, leading_number_north_american_order) {
  auto p = split_street_number("742 Evergreen Terrace");
  EXPECT_EQ(p.street, "Evergreen Terrace");
  EXPECT_EQ(p.number, "742");
}

TEST(street_number, missing_number_keeps_the_whole_line) {
  auto p = split_street_number("Rua Sem Saída");
  EXPECT_EQ(p.street, "Rua Sem Saída");
  EXPECT_EQ(p.number, "");
  auto one = split_street_number("Broadway");
  EXPECT_EQ(one.street, "Broadway");
  EXPECT_EQ(one.number, "");
}

TEST(street_number, s_n_and_alphanumeric_numbers) {
  auto sn = split_street_number("Rua do Ouvidor, S/N");
  EXPECT_EQ(sn.street, "Rua do Ouvidor");
  EXPECT_EQ(sn.number, "S/N");
  auto b = split_street_number("Calle 5, 12B");
  EXPECT_EQ(b.street, "Calle 5");
  EXPECT_EQ(b.number, "12B");
  auto dash = split_street_number("Av. Corrientes 1234-A");
  EXPECT_EQ(dash.street, "Av. Corrientes");
  EXPECT_EQ(dash.number, "1234-A");
}

TEST(street_number, a_comma_tail_that_is_not_a_number_is_not_split_there) {
  auto p = split_street_number("Evergreen Terrace, Springfield");
  EXPECT_EQ(p.street, "Evergreen Terrace, Springfield");
  EXPECT_EQ(p.number, "");
}

TEST(street_number, join) {
  EXPECT_EQ(join_street_number("Evergreen Terrace", "742"), "Evergreen Terrace, 742");
  EXPECT_EQ(join_street_number("Rua Sem Saída", ""), "Rua Sem Saída");
  EXPECT_EQ(join_street_number("", "12"), "12");
  EXPECT_EQ(join_street_number(" Rua X ", " S/N "), "Rua X, S/N");
}

TEST(street_number, join_then_split_is_identity) {
  for (auto [street, number] : {std::pair{"Rua Augusta", "1500"}, {"Calle 5", "12B"}, {"Praça da Sé", "S/N"},
                                {"Rua Sem Saída", ""}}) {
    auto p = split_street_number(join_street_number(street, number));
    EXPECT_EQ(p.street, street);
    EXPECT_EQ(p.number, number);
  }
}

TEST(email, trimmed_and_lower_cased_ascii_only) {
  EXPECT_EQ(normalize_email("  John.Doe@Example.COM "), "john.doe@example.com");
  EXPECT_EQ(normalize_email("ÉLodie@Exemple.fr"), "Élodie@exemple.fr");
  EXPECT_EQ(normalize_email(""), "");
}

TEST(decimal, pads_rounds_and_validates_without_floats) {
  EXPECT_EQ(normalize_decimal("89", 2), "89.00");
  EXPECT_EQ(normalize_decimal("89.00", 2), "89.00");
  EXPECT_EQ(normalize_decimal("0.0000", 2), "0.00");
  EXPECT_EQ(normalize_decimal("43.15", 2), "43.15");
  EXPECT_EQ(normalize_decimal("1.005", 2), "1.01");
  EXPECT_EQ(normalize_decimal("-1.005", 2), "-1.01");
  EXPECT_EQ(normalize_decimal("9.999", 2), "10.00");
  EXPECT_EQ(normalize_decimal("-0.001", 2), "0.00");
  EXPECT_EQ(normalize_decimal("007.5", 0), "8");
  EXPECT_EQ(normalize_decimal("12345678901234567890.125", 2), "12345678901234567890.13");
  EXPECT_EQ(normalize_decimal("abc", 2), std::nullopt);
  EXPECT_EQ(normalize_decimal("1.", 2), std::nullopt);
  EXPECT_EQ(normalize_decimal("", 2), std::nullopt);
  EXPECT_EQ(normalize_decimal("1e3", 2), std::nullopt);
}

TEST(int64, strict_parse) {
  EXPECT_EQ(parse_int64("101"), 101);
  EXPECT_EQ(parse_int64("-12"), -12);
  EXPECT_EQ(parse_int64("9223372036854775807"), INT64_MAX);
  EXPECT_EQ(parse_int64("9223372036854775808"), std::nullopt);
  EXPECT_EQ(parse_int64(""), std::nullopt);
  EXPECT_EQ(parse_int64("12a"), std::nullopt);
  EXPECT_EQ(parse_int64(" 1"), std::nullopt);
  EXPECT_EQ(parse_int64("-"), std::nullopt);
}

TEST(region, code_to_name_per_country) {
  EXPECT_EQ(region_name("US", "NY"), "New York");
  EXPECT_EQ(region_name("us", "or"), "Oregon");
  EXPECT_EQ(region_name("BR", "SP"), "São Paulo");
  EXPECT_EQ(region_name("AU", "WA"), "Western Australia");
  EXPECT_EQ(region_name("US", "WA"), "Washington");
  EXPECT_EQ(region_name("AR", "X"), "Córdoba");
  EXPECT_EQ(region_name("MX", "CMX"), "Ciudad de México");
  EXPECT_EQ(region_name("CA", "QC"), "Quebec");
  EXPECT_EQ(region_name("DE", "BY"), std::nullopt);  // no table for Germany
  EXPECT_EQ(region_name("US", "XX"), std::nullopt);
  EXPECT_EQ(region_name("", "NY"), std::nullopt);  // unknown country
}

TEST(region, name_to_code_ignores_case_and_accents) {
  EXPECT_EQ(region_code("BR", "São Paulo"), "SP");
  EXPECT_EQ(region_code("BR", "Sao Paulo"), "SP");
  EXPECT_EQ(region_code("BR", "SÃO PAULO"), "SP");
  EXPECT_EQ(region_code("US", "oregon"), "OR");
  EXPECT_EQ(region_code("AR", "Rio Negro"), "R");
  EXPECT_EQ(region_code("MX", "Nuevo Leon"), "NLE");
  EXPECT_EQ(region_code("US", "São Paulo"), std::nullopt);
  EXPECT_EQ(region_code("FR", "Bretagne"), std::nullopt);
}

}  // namespace
}  // namespace custbridge::mappers
