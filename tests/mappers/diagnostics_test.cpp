// One test per kind of mapping-file diagnostic, pinning the exact text that
// `custbridge check-config` prints ("file:line:col: path: message").
#include <gtest/gtest.h>

#include "mappers/loader.hpp"

namespace custbridge::mappers {
namespace {

// A small valid mapping; each test breaks one line of it.
const std::string base =
    "mapping_version: 1\n"                                                      // 1
    "platform: demo\n"                                                          // 2
    "schema:\n"                                                                 // 3
    "  customer: {id: integer, email: string, name: 'string?', ok: boolean}\n"  // 4
    "  address: {id: integer, city: string}\n"                                  // 5
    "customer:\n"                                                               // 6
    "  - {canonical: id, platform: id, transform: id, direction: read}\n"       // 7
    "  - {canonical: email, platform: email, transform: email}\n"               // 8
    "  - {canonical: name, platform: name}\n"                                   // 9
    "  - {canonical: marketingOptIn, platform: ok}\n"                           // 10
    "address:\n"                                                                // 11
    "  - {canonical: id, platform: id, transform: id}\n"                        // 12
    "  - {canonical: city, platform: city}\n"                                   // 13
    "unsupported:\n"                                                            // 14
    "  - {canonical: phone, reason: r}\n"                                       // 15
    "  - {canonical: defaultAddressId, reason: r}\n"                            // 16
    "  - {canonical: addresses, reason: r}\n"                                   // 17
    "  - {canonical: metadata, reason: r}\n"                                    // 18
    "  - {canonical: createdAt, reason: r}\n"                                   // 19
    "  - {canonical: updatedAt, reason: r}\n"                                   // 20
    "  - {canonical: 'addresses[].firstName', reason: r}\n"                     // 21
    "  - {canonical: 'addresses[].lastName', reason: r}\n"                      // 22
    "  - {canonical: 'addresses[].company', reason: r}\n"                       // 23
    "  - {canonical: 'addresses[].address1', reason: r}\n"                      // 24
    "  - {canonical: 'addresses[].address2', reason: r}\n"                      // 25
    "  - {canonical: 'addresses[].region', reason: r}\n"                        // 26
    "  - {canonical: 'addresses[].postalCode', reason: r}\n"                    // 27
    "  - {canonical: 'addresses[].country', reason: r}\n"                       // 28
    "  - {canonical: 'addresses[].phone', reason: r}\n"                         // 29
    "  - {canonical: 'addresses[].isDefault', reason: r}\n"                     // 30
    "  - {canonical: 'addresses[].createdAt', reason: r}\n"                     // 31
    "  - {canonical: 'addresses[].updatedAt', reason: r}\n"                     // 32
    "envelope: {write: object, responses: root}\n"                              // 33
    "query:\n"                                                                  // 34
    "  paging: {style: offset, offset: offset, size: limit, max: 100}\n"        // 35
    "  email: {param: email}\n"                                                 // 36
    "  search: {param: q}\n"                                                    // 37
    "errors:\n"                                                                 // 38
    "  rules:\n"                                                                // 39
    "    - {status: 404, code: NOT_FOUND}\n"                                    // 40
    "    - {status: any, code: UPSTREAM_ERROR, retryable: false}\n";            // 41

std::string replace(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::vector<std::string> diagnose(const std::string& yaml) {
  auto r = load_mapping_string(yaml, "demo.yaml");
  std::vector<std::string> out;
  if (!r)
    for (const auto& d : r.error()) out.push_back(d.to_string());
  return out;
}

using lines = std::vector<std::string>;

TEST(mapping_diagnostics, the_base_file_is_valid) { EXPECT_EQ(diagnose(base), lines{}); }

TEST(mapping_diagnostics, unknown_key_with_did_you_mean) {
  EXPECT_EQ(diagnose(replace(base, "platform: name}", "platform: name, transfrom: email}")),
            lines{"demo.yaml:9:39: customer[2].transfrom: unknown key 'transfrom' (did you mean 'transform'?)"});
  EXPECT_EQ(diagnose(replace(base, "envelope:", "envelop:")),
            (lines{"demo.yaml:33:1: envelop: unknown key 'envelop' (did you mean 'envelope'?)",
                   "demo.yaml:1:1: : missing key 'envelope'"}));
}

TEST(mapping_diagnostics, a_repeated_key_is_reported_with_both_positions) {
  EXPECT_EQ(diagnose(base + "nulls: {customer: {create: omit, create: null}}\n"),
            lines{"demo.yaml:42:34: nulls.customer.create: duplicate key 'create' (first at 42:20)"});
}

TEST(mapping_diagnostics, null_policy_values_and_objects_are_checked) {
  EXPECT_EQ(diagnose(base + "nulls: {customer: {create: drop}}\n"),
            lines{"demo.yaml:42:28: nulls.customer.create: unknown value 'drop', expected one of 'null', 'omit', 'empty_string'"});
  EXPECT_EQ(diagnose(base + "nulls: {order: {create: omit}}\n"),
            lines{"demo.yaml:42:9: nulls.order: unknown key 'order'"});
}

TEST(mapping_diagnostics, unknown_transform) {
  EXPECT_EQ(diagnose(replace(base, "transform: email}", "transform: emial}")),
            lines{"demo.yaml:8:52: customer[1].transform: unknown transform 'emial' (did you mean 'email'?)"});
}

TEST(mapping_diagnostics, yaml_type_mismatch) {
  EXPECT_EQ(diagnose(replace(base, "retryable: false", "retryable: maybe")),
            lines{"demo.yaml:41:54: errors.rules[1].retryable: expected a boolean (true or false), got 'maybe'"});
  EXPECT_EQ(diagnose(replace(base, "status: 404", "status: \"404\"")),
            lines{"demo.yaml:40:16: errors.rules[0].status: expected an integer, got '404'"});
}

TEST(mapping_diagnostics, field_type_mismatch) {
  EXPECT_EQ(diagnose(replace(base, "{canonical: marketingOptIn, platform: ok}", "{canonical: marketingOptIn, platform: name}")),
            lines{"demo.yaml:10:5: customer[3]: type mismatch: canonical 'marketingOptIn' is boolean but platform 'name' "
                  "is string? (use transform 'coerce')"});
  EXPECT_EQ(diagnose(replace(base, "{canonical: marketingOptIn, platform: ok}", "{canonical: marketingOptIn, constant: 3}")),
            lines{"demo.yaml:10:43: customer[3].constant: type mismatch: constant is an integer but the field is boolean"});
}

TEST(mapping_diagnostics, field_mapped_twice) {
  EXPECT_EQ(diagnose(replace(base, "  - {canonical: name, platform: name}\n",
                             "  - {canonical: name, platform: name}\n  - {canonical: phone, platform: name}\n")),
            lines{"demo.yaml:10:5: customer[3]: field 'name' is mapped twice for writing (first at line 9)"});
}

TEST(mapping_diagnostics, path_the_platform_object_does_not_have) {
  EXPECT_EQ(diagnose(replace(base, "{canonical: city, platform: city}", "{canonical: city, platform: cty}")),
            lines{"demo.yaml:13:33: address[1].platform: platform object 'address' has no field 'cty' (did you mean 'city'?)"});
  EXPECT_EQ(diagnose(replace(base, "{canonical: city, platform: city}", "{canonical: city, platform: city.name}")),
            lines{"demo.yaml:13:33: address[1].platform: platform field 'city' is string, not an object"});
}

TEST(mapping_diagnostics, path_the_canonical_object_does_not_have) {
  EXPECT_EQ(diagnose(replace(base, "{canonical: name, platform: name}", "{canonical: nmae, platform: name}")),
            (lines{"demo.yaml:9:17: customer[2].canonical: canonical customer has no field 'nmae' (did you mean 'name'?)",
                   "demo.yaml:7:3: customer: canonical field 'name' is not mapped for writing and not listed under 'unsupported'",
                   "demo.yaml:7:3: customer: canonical field 'name' is not mapped for reading and not listed under 'unsupported'"}));
}

TEST(mapping_diagnostics, canonical_field_neither_mapped_nor_unsupported) {
  EXPECT_EQ(diagnose(replace(base, "  - {canonical: 'addresses[].company', reason: r}\n", "")),
            (lines{"demo.yaml:12:3: address: canonical field 'addresses[].company' is not mapped for writing and not "
                   "listed under 'unsupported'",
                   "demo.yaml:12:3: address: canonical field 'addresses[].company' is not mapped for reading and not "
                   "listed under 'unsupported'"}));
  EXPECT_EQ(diagnose(replace(base, "{canonical: city, platform: city}", "{canonical: city, platform: city, when: {operation: create}}")),
            lines{"demo.yaml:12:3: address: canonical field 'addresses[].city' is not mapped for writing on update and "
                  "not listed under 'unsupported'"});
}

TEST(mapping_diagnostics, unknown_error_code_and_missing_catch_all) {
  EXPECT_EQ(diagnose(replace(base, "code: NOT_FOUND", "code: NOTFOUND")),
            lines{"demo.yaml:40:27: errors.rules[0].code: unknown canonical error code 'NOTFOUND' (did you mean 'NOT_FOUND'?)"});
  EXPECT_EQ(diagnose(replace(base, "    - {status: any, code: UPSTREAM_ERROR, retryable: false}\n", "")),
            lines{"demo.yaml:40:5: errors.rules: needs a catch-all rule with 'status: any'"});
}

TEST(mapping_diagnostics, missing_key_is_reported_at_its_parent) {
  EXPECT_EQ(diagnose(replace(base, "{canonical: city, platform: city}", "{canonical: city}")),
            lines{"demo.yaml:13:5: address[1]: missing key 'platform'"});
}

TEST(mapping_diagnostics, unknown_type_and_unknown_enum_value) {
  EXPECT_EQ(diagnose(replace(base, "ok: boolean}", "ok: bool}")),
            (lines{"demo.yaml:4:63: schema.customer.ok: unknown type 'bool' (did you mean 'boolean'?)",
                   "demo.yaml:10:43: customer[3].platform: platform object 'customer' has no field 'ok' (did you mean 'id'?)"}));
  EXPECT_EQ(diagnose(replace(base, "direction: read}", "direction: reed}")),
            lines{"demo.yaml:7:61: customer[0].direction: unknown value 'reed', expected one of 'read', 'write', 'both' "
                  "(did you mean 'read'?)"});
}

TEST(mapping_diagnostics, read_only_canonical_field_written_explicitly) {
  EXPECT_EQ(diagnose(replace(base, "transform: id, direction: read}", "transform: id, direction: write}")),
            (lines{"demo.yaml:7:5: customer[0]: canonical field 'id' is read-only; it cannot be written",
                   "demo.yaml:7:3: customer: canonical field 'id' is not mapped for reading and not listed under 'unsupported'"}));
}

TEST(mapping_diagnostics, all_problems_are_reported_at_once) {
  auto broken = replace(base, "transform: email}", "transform: emial}");
  broken = replace(broken, "{canonical: city, platform: city}", "{canonical: city, platform: cty}");
  broken = replace(broken, "code: NOT_FOUND", "code: NOTFOUND");
  EXPECT_EQ(diagnose(broken).size(), 3u);
}

TEST(mapping_diagnostics, yaml_syntax_error_and_missing_file) {
  EXPECT_EQ(diagnose("customer: [unclosed\n"),
            lines{"demo.yaml:2:1: : end of sequence flow not found"});
  auto r = load_mapping_file("/nonexistent/mapping.yaml");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().front().to_string(), "/nonexistent/mapping.yaml:1:1: : cannot open the mapping file");
}

}  // namespace
}  // namespace custbridge::mappers
