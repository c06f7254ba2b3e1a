#include "mappers/loader.hpp"

#include "config/yaml_keys.hpp"

#include <yaml-cpp/yaml.h>

#include <boost/throw_exception.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

#include "mappers/errors.hpp"

namespace custbridge::config {

void throw_exception_from_error(const diagnostics& d, const boost::source_location& loc) {
  std::string text;
  for (const auto& one : d) text += one.to_string() + "\n";
  boost::throw_exception(std::runtime_error(text), loc);
}

}  // namespace custbridge::config

namespace custbridge::mappers {

namespace {

using detail::constant_value;
using detail::dest_ref;
using detail::op;
using detail::op_kind;
using detail::program;

std::string join_path(const std::string& base, const std::string& key) { return base.empty() ? key : base + "." + key; }
std::string index_path(const std::string& base, std::size_t i) { return base + "[" + std::to_string(i) + "]"; }

std::vector<std::string> split_dots(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    auto dot = s.find('.', start);
    out.push_back(s.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

std::string quoted_list(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "'" : ", '") + s + "'";
  return out;
}

const std::vector<std::string> transform_names = {"id",        "full_name",     "email",  "country", "region",
                                                  "timestamp", "street_number", "coerce", "money",   "custom_fields"};

// One destination claimed by a rule, to find fields mapped twice.
struct claim {
  int line = 0;
  std::uint8_t operations = 3;
  bool conditional = false;
};

// Accumulates one program while rules are compiled; finalize() builds the lookup tables.
struct program_builder {
  struct trie_node {
    std::vector<std::pair<std::string, detail::source_node::child>> kids;
  };
  std::vector<trie_node> trie{1};
  program prog;
  std::map<std::string, std::vector<claim>> claims;

  program_builder() { prog.dst_nodes.push_back({-1, -1}); }

  int slot(const std::vector<std::string>& path) {
    int node = 0;
    for (std::size_t i = 0; i < path.size(); ++i) {
      std::size_t k = 0;
      auto& kids = trie[static_cast<std::size_t>(node)].kids;
      while (k < kids.size() && kids[k].first != path[i]) ++k;
      if (k == kids.size()) kids.push_back({path[i], {}});
      if (i + 1 == path.size()) {
        auto& ch = trie[static_cast<std::size_t>(node)].kids[k].second;
        if (ch.slot < 0) ch.slot = prog.n_slots++;
        return ch.slot;
      }
      if (trie[static_cast<std::size_t>(node)].kids[k].second.node < 0) {
        const int fresh = static_cast<int>(trie.size());
        trie[static_cast<std::size_t>(node)].kids[k].second.node = fresh;
        trie.emplace_back();
      }
      node = trie[static_cast<std::size_t>(node)].kids[k].second.node;
    }
    return -1;
  }

  int key(const std::string& name) {
    for (std::size_t i = 0; i < prog.keys.size(); ++i)
      if (prog.keys[i] == name) return static_cast<int>(i);
    prog.keys.push_back(name);
    return static_cast<int>(prog.keys.size() - 1);
  }

  dest_ref dest(const std::vector<std::string>& path) {
    int node = 0;
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
      const int k = key(path[i]);
      int found = -1;
      for (std::size_t n = 1; n < prog.dst_nodes.size(); ++n)
        if (prog.dst_nodes[n].parent == node && prog.dst_nodes[n].key == k) found = static_cast<int>(n);
      if (found < 0) {
        prog.dst_nodes.push_back({node, k});
        found = static_cast<int>(prog.dst_nodes.size() - 1);
      }
      node = found;
    }
    return {node, key(path.back())};
  }

  int constant(const constant_value& v) {
    prog.constants.push_back(v);
    return static_cast<int>(prog.constants.size() - 1);
  }

  // `known` (canonical input only): every canonical member name, so that members the
  // plan ignores on purpose (read-only ones) are not reported as unknown.
  void finalize(const object_schema* known) {
    if (known) {
      for (const auto& f : known->fields) {
        bool present = false;
        for (const auto& kid : trie[0].kids) present = present || kid.first == f.name;
        if (!present) trie[0].kids.push_back({f.name, {}});
      }
      prog.report_unknown = true;
    }
    prog.src_nodes.resize(trie.size());
    for (std::size_t n = 0; n < trie.size(); ++n) {
      auto& sn = prog.src_nodes[n];
      for (const auto& [name, child] : trie[n].kids) {
        sn.index.add(name, static_cast<int>(sn.children.size()));
        sn.children.push_back(child);
      }
      sn.index.build();
    }
  }
};

struct rule {
  YAML::Node node;
  std::string path;
  int line = 0;
  std::vector<std::string> canonical;
  std::vector<std::string> platform;
  std::vector<field_type> canonical_types;
  std::vector<field_type> platform_types;
  std::string transform;
  bool read = true;
  bool write = true;
  bool explicit_direction = false;
  std::uint8_t operations = 3;
  std::string when_present;
  std::string when_absent;
  std::optional<constant_value> constant;
  std::optional<constant_value> default_value;
  std::string region_country;
  bool platform_names = false;
  bool rfc2822 = false;
  int scale = 2;
  bool ok = true;
};

class compiler {
 public:
  explicit compiler(std::string file) : file_(std::move(file)) {}

  load_result run(const YAML::Node& root);
  void error_at(const YAML::Mark& m, const std::string& path, const std::string& message) {
    config::diagnostic d;
    d.file = file_;
    d.line = m.line >= 0 ? m.line + 1 : 1;
    d.column = m.column >= 0 ? m.column + 1 : 1;
    d.path = path;
    d.message = message;
    diags_.push_back(std::move(d));
  }
  config::diagnostics take_diagnostics() { return std::move(diags_); }

 private:
  std::string file_;
  config::diagnostics diags_;
  mapping_plan plan_;
  object_schema platform_customer_{"customer", {}};
  object_schema platform_address_{"address", {}};
  program_builder customer_write_, customer_read_, address_write_, address_read_;
  struct coverage {
    std::uint8_t write = 0;
    bool read = false;
  };
  std::map<std::string, coverage> customer_cov_, address_cov_;
  YAML::Mark customer_mark_, address_mark_, root_mark_;

  void error(const YAML::Node& n, const std::string& path, const std::string& message) {
    error_at(n.Mark(), path, message);
  }

  // Reports keys of `map` not in `allowed`; returns false if `map` is not a mapping.
  bool check_map(const YAML::Node& map, const std::string& path, const std::vector<std::string>& allowed) {
    if (!map.IsMap()) {
      error(map, path, "expected a mapping");
      return false;
    }
    for (auto it = map.begin(); it != map.end(); ++it) {
      const auto key = it->first.Scalar();
      bool known = false;
      for (const auto& a : allowed) known = known || a == key;
      if (known) continue;
      std::string msg = "unknown key '" + key + "'";
      if (auto s = config::did_you_mean(key, allowed); !s.empty()) msg += " (did you mean '" + s + "'?)";
      error(it->first, join_path(path, key), msg);
    }
    return true;
  }

  bool require(const YAML::Node& map, const std::string& key, const std::string& path) {
    if (map[key].IsDefined()) return true;
    error(map, path, "missing key '" + key + "'");
    return false;
  }

  bool read_string(const YAML::Node& n, const std::string& path, std::string& out) {
    if (!n.IsScalar()) {
      error(n, path, "expected a string");
      return false;
    }
    out = n.Scalar();
    return true;
  }

  bool read_bool(const YAML::Node& n, const std::string& path, bool& out) {
    bool v = false;
    if (n.IsScalar() && YAML::convert<bool>::decode(n, v)) {
      out = v;
      return true;
    }
    error(n, path, "expected a boolean (true or false), got " + describe(n));
    return false;
  }

  bool read_int(const YAML::Node& n, const std::string& path, int& out) {
    int v = 0;
    if (n.IsScalar() && n.Tag() != "!" && YAML::convert<int>::decode(n, v)) {
      out = v;
      return true;
    }
    error(n, path, "expected an integer, got " + describe(n));
    return false;
  }

  static std::string describe(const YAML::Node& n) {
    if (n.IsScalar()) return "'" + n.Scalar() + "'";
    if (n.IsSequence()) return "a list";
    if (n.IsMap()) return "a mapping";
    return "nothing";
  }

  bool read_enum(const YAML::Node& n, const std::string& path, const std::vector<std::string>& values, std::string& out) {
    if (!read_string(n, path, out)) return false;
    for (const auto& v : values)
      if (v == out) return true;
    std::string msg = "unknown value '" + out + "', expected one of " + quoted_list(values);
    if (auto s = config::did_you_mean(out, values); !s.empty()) msg += " (did you mean '" + s + "'?)";
    error(n, path, msg);
    return false;
  }

  // One string or a list of one or two strings.
  bool read_paths(const YAML::Node& n, const std::string& path, std::vector<std::string>& out) {
    if (n.IsScalar()) {
      out = {n.Scalar()};
      return true;
    }
    if (n.IsSequence() && n.size() >= 1 && n.size() <= 2) {
      for (std::size_t i = 0; i < n.size(); ++i) {
        std::string s;
        if (!read_string(n[i], index_path(path, i), s)) return false;
        out.push_back(s);
      }
      return true;
    }
    error(n, path, "expected a field name or a list of two field names");
    return false;
  }

  constant_value read_constant(const YAML::Node& n) {
    constant_value v;
    if (n.IsNull()) return v;
    const auto& s = n.Scalar();
    if (n.Tag() == "!") {  // quoted: always a string
      v.k = constant_value::kind::string;
      v.s = s;
      return v;
    }
    bool b = false;
    std::int64_t i = 0;
    double d = 0;
    if ((s == "true" || s == "false") && YAML::convert<bool>::decode(n, b)) {
      v.k = constant_value::kind::boolean;
      v.b = b;
    } else if (YAML::convert<std::int64_t>::decode(n, i)) {
      v.k = constant_value::kind::integer;
      v.i = i;
    } else if (YAML::convert<double>::decode(n, d)) {
      v.k = constant_value::kind::number;
      v.d = d;
    } else {
      v.k = constant_value::kind::string;
      v.s = s;
    }
    return v;
  }

  static bool constant_fits(const constant_value& c, const field_type& t) {
    using K = constant_value::kind;
    switch (c.k) {
      case K::null: return t.nullable;
      case K::boolean: return t.type == value_type::boolean;
      case K::integer: return t.type == value_type::integer || t.type == value_type::number;
      case K::number: return t.type == value_type::number;
      case K::string:
        return t.type == value_type::string || t.type == value_type::timestamp || t.type == value_type::decimal;
    }
    return false;
  }

  static std::string constant_kind(const constant_value& c) {
    switch (c.k) {
      case constant_value::kind::null: return "null";
      case constant_value::kind::boolean: return "a boolean";
      case constant_value::kind::integer: return "an integer";
      case constant_value::kind::number: return "a number";
      case constant_value::kind::string: return "a string";
    }
    return "?";
  }

  void parse_schema(const YAML::Node& n, const std::string& path, object_schema& out) {
    if (!n.IsMap()) {
      error(n, path, "expected a mapping of field names to types");
      return;
    }
    static const std::vector<std::string> objects = {"customer", "address"};
    static const std::vector<std::string> spellings = {"string",  "integer", "number", "boolean",    "timestamp",
                                                       "decimal", "object",  "array",  "map<string>", "address",
                                                       "array<address>"};
    for (auto it = n.begin(); it != n.end(); ++it) {
      const auto name = it->first.Scalar();
      const auto fpath = join_path(path, name);
      std::string spelling;
      if (!read_string(it->second, fpath, spelling)) continue;
      field_type t;
      if (!parse_field_type(spelling, objects, t)) {
        std::string bare = spelling;
        if (!bare.empty() && bare.back() == '?') bare.pop_back();
        std::string msg = "unknown type '" + spelling + "'";
        if (auto s = config::did_you_mean(bare, spellings); !s.empty()) msg += " (did you mean '" + s + "'?)";
        error(it->second, fpath, msg);
        continue;
      }
      if (out.find(name)) {
        error(it->first, fpath, "field '" + name + "' is declared twice");
        continue;
      }
      out.fields.push_back({name, t, false});
    }
  }

  // Resolves a dotted platform path through nested objects; reports and returns false if absent.
  bool resolve_platform(const std::string& dotted, const object_schema& root, const YAML::Node& at,
                        const std::string& path, field_type& out) {
    const object_schema* schema = &root;
    auto parts = split_dots(dotted);
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const auto* f = schema->find(parts[i]);
      if (!f) {
        std::string msg = "platform object '" + schema->name + "' has no field '" + parts[i] + "'";
        if (auto s = config::did_you_mean(parts[i], schema->names()); !s.empty()) msg += " (did you mean '" + s + "'?)";
        error(at, path, msg);
        return false;
      }
      if (i + 1 == parts.size()) {
        out = f->type;
        return true;
      }
      if (f->type.type != value_type::object_ref) {
        error(at, path, "platform field '" + parts[i] + "' is " + f->type.describe() + ", not an object");
        return false;
      }
      schema = f->type.ref == "customer" ? &platform_customer_ : &platform_address_;
    }
    return false;
  }

  bool resolve_canonical(const std::string& name, const object_schema& canon, const YAML::Node& at,
                         const std::string& path, field_type& out) {
    if (const auto* f = canon.find(name)) {
      out = f->type;
      return true;
    }
    std::string msg = "canonical " + canon.name + " has no field '" + name + "'";
    if (auto s = config::did_you_mean(name, canon.names()); !s.empty()) msg += " (did you mean '" + s + "'?)";
    error(at, path, msg);
    return false;
  }

  void parse_transform(const YAML::Node& n, const std::string& path, rule& r) {
    if (n.IsMap() && !require(n, "name", path)) {
      r.ok = false;
      return;
    }
    // Never assign one YAML::Node to another: yaml-cpp copies the content into the target.
    const YAML::Node name_node = n.IsMap() ? n["name"] : n;
    if (!read_string(name_node, n.IsMap() ? join_path(path, "name") : path, r.transform)) {
      r.ok = false;
      return;
    }
    bool known = false;
    for (const auto& t : transform_names) known = known || t == r.transform;
    if (!known) {
      std::string msg = "unknown transform '" + r.transform + "'";
      if (auto s = config::did_you_mean(r.transform, transform_names); !s.empty()) msg += " (did you mean '" + s + "'?)";
      error(name_node, n.IsMap() ? join_path(path, "name") : path, msg);
      r.ok = false;
      return;
    }
    std::vector<std::string> options = {"name"};
    if (r.transform == "country" || r.transform == "region") options.push_back("format");
    if (r.transform == "region") options.push_back("country");
    if (r.transform == "timestamp") options.push_back("format");
    if (r.transform == "money") options.push_back("scale");
    if (!n.IsMap()) {
      if (r.transform == "region") {
        error(n, path, "transform 'region' needs option 'country' (the canonical field holding the country)");
        r.ok = false;
      }
      return;
    }
    if (!check_map(n, path, options)) r.ok = false;
    if (auto f = n["format"]; f.IsDefined()) {
      std::string v;
      if (r.transform == "timestamp") {
        r.ok &= read_enum(f, join_path(path, "format"), {"iso8601", "rfc2822"}, v);
        r.rfc2822 = v == "rfc2822";
      } else if (r.transform == "country" || r.transform == "region") {
        r.ok &= read_enum(f, join_path(path, "format"), {"code", "name"}, v);
        r.platform_names = v == "name";
      }
    }
    if (r.transform == "region") {
      if (require(n, "country", path)) r.ok &= read_string(n["country"], join_path(path, "country"), r.region_country);
      else r.ok = false;
    }
    if (auto s = n["scale"]; s.IsDefined() && r.transform == "money") {
      r.ok &= read_int(s, join_path(path, "scale"), r.scale);
      if (r.scale < 0 || r.scale > 8) {
        error(s, join_path(path, "scale"), "scale must be between 0 and 8");
        r.ok = false;
      }
    }
  }

  void parse_when(const YAML::Node& n, const std::string& path, rule& r) {
    if (!check_map(n, path, {"operation", "present", "absent"})) {
      r.ok = false;
      return;
    }
    if (auto o = n["operation"]; o.IsDefined()) {
      std::string v;
      if (read_enum(o, join_path(path, "operation"), {"create", "update"}, v))
        r.operations = static_cast<std::uint8_t>(v == "create" ? operation::create : operation::update);
      else r.ok = false;
    }
    if (auto p = n["present"]; p.IsDefined()) r.ok &= read_string(p, join_path(path, "present"), r.when_present);
    if (auto a = n["absent"]; a.IsDefined()) r.ok &= read_string(a, join_path(path, "absent"), r.when_absent);
  }

  rule parse_rule(const YAML::Node& n, const std::string& path, const object_schema& canon,
                  const object_schema& platform) {
    rule r;
    r.node = n;
    r.path = path;
    r.line = n.Mark().line + 1;
    if (!check_map(n, path, {"canonical", "platform", "transform", "direction", "when", "default", "constant", "note"})) {
      r.ok = false;
      return r;
    }
    if (auto c = n["canonical"]; c.IsDefined()) r.ok &= read_paths(c, join_path(path, "canonical"), r.canonical);
    if (auto p = n["platform"]; p.IsDefined()) r.ok &= read_paths(p, join_path(path, "platform"), r.platform);
    if (auto t = n["transform"]; t.IsDefined()) parse_transform(t, join_path(path, "transform"), r);
    if (auto d = n["direction"]; d.IsDefined()) {
      std::string v;
      if (read_enum(d, join_path(path, "direction"), {"read", "write", "both"}, v)) {
        r.read = v != "write";
        r.write = v != "read";
        r.explicit_direction = v != "both";
      } else r.ok = false;
    }
    if (auto w = n["when"]; w.IsDefined()) parse_when(w, join_path(path, "when"), r);
    if (auto c = n["constant"]; c.IsDefined()) {
      if (!c.IsScalar() && !c.IsNull()) {
        error(c, join_path(path, "constant"), "expected a scalar value");
        r.ok = false;
      } else r.constant = read_constant(c);
    }
    if (auto d = n["default"]; d.IsDefined()) {
      if (!d.IsScalar() && !d.IsNull()) {
        error(d, join_path(path, "default"), "expected a scalar value");
        r.ok = false;
      } else r.default_value = read_constant(d);
    }
    if (auto note = n["note"]; note.IsDefined()) {
      std::string ignored;
      r.ok &= read_string(note, join_path(path, "note"), ignored);
    }
    if (!r.ok) return r;

    if (r.constant) {
      if (!r.canonical.empty() == !r.platform.empty()) {
        error(n, path, "a constant needs exactly one of 'canonical' (read) or 'platform' (write)");
        r.ok = false;
        return r;
      }
      if (!r.transform.empty() || r.default_value) {
        error(n, path, "a constant takes no 'transform' or 'default'");
        r.ok = false;
        return r;
      }
      r.read = !r.canonical.empty();
      r.write = !r.platform.empty();
    } else {
      if (r.canonical.empty()) {
        error(n, path, "missing key 'canonical'");
        r.ok = false;
      }
      if (r.platform.empty()) {
        error(n, path, "missing key 'platform'");
        r.ok = false;
      }
      if (!r.ok) return r;
    }
    for (std::size_t i = 0; i < r.canonical.size(); ++i) {
      field_type t;
      const auto at = n["canonical"].IsSequence() ? n["canonical"][i] : n["canonical"];
      r.ok &= resolve_canonical(r.canonical[i], canon, at, join_path(path, "canonical"), t);
      r.canonical_types.push_back(t);
    }
    for (std::size_t i = 0; i < r.platform.size(); ++i) {
      field_type t;
      const auto at = n["platform"].IsSequence() ? n["platform"][i] : n["platform"];
      r.ok &= resolve_platform(r.platform[i], platform, at, join_path(path, "platform"), t);
      r.platform_types.push_back(t);
    }
    if (!r.ok) return r;
    if (!r.when_present.empty() || !r.when_absent.empty()) {
      if (!r.explicit_direction) {
        error(n["when"], join_path(path, "when"),
              "'present' and 'absent' name a field of the side the rule reads from, so the rule needs "
              "'direction: read' or 'direction: write'");
        r.ok = false;
        return r;
      }
      for (const auto* cond : {&r.when_present, &r.when_absent}) {
        if (cond->empty()) continue;
        field_type t;
        const auto key = cond == &r.when_present ? "present" : "absent";
        if (r.read) r.ok &= resolve_platform(*cond, platform, n["when"][key], join_path(path, "when." + std::string(key)), t);
        else r.ok &= resolve_canonical(*cond, canon, n["when"][key], join_path(path, "when." + std::string(key)), t);
      }
    }
    if (r.constant) {
      const auto& t = r.read ? r.canonical_types[0] : r.platform_types[0];
      if (!constant_fits(*r.constant, t)) {
        error(n["constant"], join_path(path, "constant"),
              "type mismatch: constant is " + constant_kind(*r.constant) + " but the field is " + t.describe());
        r.ok = false;
      }
      return r;
    }
    check_types(r);
    if (r.ok && r.default_value) {
      if (r.canonical.size() != 1 || r.platform.size() != 1) {
        error(n["default"], join_path(path, "default"), "a default needs one canonical and one platform field");
        r.ok = false;
      } else if (!constant_fits(*r.default_value, r.write ? r.platform_types[0] : r.canonical_types[0])) {
        const auto& t = r.write ? r.platform_types[0] : r.canonical_types[0];
        error(n["default"], join_path(path, "default"),
              "type mismatch: default is " + constant_kind(*r.default_value) + " but the field is " + t.describe());
        r.ok = false;
      }
    }
    return r;
  }

  void mismatch(rule& r, const std::string& hint) {
    std::string msg = "type mismatch: canonical '" + r.canonical[0] + "' is " + r.canonical_types[0].describe() +
                      " but platform '" + r.platform[0] + "' is " + r.platform_types[0].describe();
    if (!hint.empty()) msg += " (" + hint + ")";
    error(r.node, r.path, msg);
    r.ok = false;
  }

  void check_types(rule& r) {
    const auto& t = r.transform;
    const std::size_t nc = r.canonical.size(), np = r.platform.size();
    auto is = [](const field_type& f, std::initializer_list<value_type> ts) {
      for (auto v : ts)
        if (f.type == v) return true;
      return false;
    };
    auto all_strings = [&] {
      for (const auto& f : r.canonical_types)
        if (f.type != value_type::string) return false;
      for (const auto& f : r.platform_types)
        if (f.type != value_type::string) return false;
      return true;
    };
    const bool one_to_one = nc == 1 && np == 1;
    if (t == "full_name") {
      if (!((nc == 1 && np == 2) || (nc == 2 && np == 1))) {
        error(r.node, r.path, "transform 'full_name' maps one full name to two fields (first, last), or two to one");
        r.ok = false;
      } else if (!all_strings()) {
        error(r.node, r.path, "type mismatch: transform 'full_name' needs string fields");
        r.ok = false;
      }
      return;
    }
    if (t == "street_number") {
      if (!(nc == 1 && np == 2)) {
        error(r.node, r.path, "transform 'street_number' maps one canonical street line to two platform fields (street, number)");
        r.ok = false;
      } else if (!all_strings()) {
        error(r.node, r.path, "type mismatch: transform 'street_number' needs string fields");
        r.ok = false;
      }
      return;
    }
    if (!one_to_one) {
      error(r.node, r.path,
            "a list of two fields needs transform 'full_name' or 'street_number'" +
                std::string(t.empty() ? "" : ", not '" + t + "'"));
      r.ok = false;
      return;
    }
    const auto& c = r.canonical_types[0];
    const auto& p = r.platform_types[0];
    const auto scalar = {value_type::string, value_type::integer, value_type::number, value_type::boolean};
    if (t.empty()) {
      if (c.type == value_type::array_ref && p.type == value_type::array_ref) {
        if (c.ref != p.ref) mismatch(r, "");
        return;
      }
      if (c.type == value_type::string_map) return mismatch(r, "use transform 'custom_fields'");
      if (c.type == value_type::timestamp || p.type == value_type::timestamp)
        return c.type == p.type ? mismatch(r, "timestamps need transform 'timestamp'")
                                : mismatch(r, "use transform 'timestamp'");
      if (c.type != p.type || !is(c, scalar)) {
        if (c.type == value_type::string && p.type == value_type::integer) return mismatch(r, "use transform 'id' or 'coerce'");
        if (p.type == value_type::decimal) return mismatch(r, "use transform 'money'");
        return mismatch(r, is(c, scalar) && is(p, scalar) ? "use transform 'coerce'" : "");
      }
      return;
    }
    if (t == "id") {
      if (c.type != value_type::string || !is(p, {value_type::integer, value_type::string}))
        mismatch(r, "transform 'id' maps a canonical string to a platform integer or string");
      return;
    }
    if (t == "email" || t == "country" || t == "region") {
      if (c.type != value_type::string || p.type != value_type::string)
        mismatch(r, "transform '" + t + "' needs string fields");
      return;
    }
    if (t == "timestamp") {
      if (c.type != value_type::timestamp || !is(p, {value_type::timestamp, value_type::string}))
        mismatch(r, "transform 'timestamp' maps a canonical timestamp to a platform timestamp");
      return;
    }
    if (t == "coerce") {
      if (!is(c, scalar) || !is(p, scalar)) mismatch(r, "transform 'coerce' converts between string, integer, number and boolean");
      return;
    }
    if (t == "money") {
      if (!is(c, {value_type::string, value_type::decimal}) ||
          !is(p, {value_type::decimal, value_type::string, value_type::number}))
        mismatch(r, "transform 'money' maps a decimal string or number to a decimal string");
      return;
    }
    if (t == "custom_fields") {
      using S = detail::custom_fields_spec::style;
      if (c.type != value_type::string_map) return mismatch(r, "transform 'custom_fields' maps canonical 'metadata'");
      if (plan_.custom_fields.kind == S::none) {
        error(r.node, r.path, "transform 'custom_fields' needs a top-level 'custom_fields' section");
        r.ok = false;
      } else if (plan_.custom_fields.kind == S::object && p.type != value_type::object) {
        mismatch(r, "custom_fields style 'object' needs a platform object");
      } else if (plan_.custom_fields.kind == S::attributes && p.type != value_type::array) {
        mismatch(r, "custom_fields style 'attributes' needs a platform array");
      }
    }
  }

  op_kind kind_of(const rule& r) {
    if (r.constant) return op_kind::constant;
    static const std::map<std::string, op_kind> kinds = {
        {"id", op_kind::id},          {"full_name", op_kind::full_name},         {"email", op_kind::email},
        {"country", op_kind::country}, {"region", op_kind::region},              {"timestamp", op_kind::timestamp},
        {"street_number", op_kind::street_number}, {"coerce", op_kind::coerce}, {"money", op_kind::money}};
    if (r.transform == "custom_fields")
      return plan_.custom_fields.kind == detail::custom_fields_spec::style::attributes ? op_kind::custom_attributes
                                                                                      : op_kind::custom_object;
    if (auto it = kinds.find(r.transform); it != kinds.end()) return it->second;
    if (!r.canonical_types.empty() && r.canonical_types[0].type == value_type::array_ref) return op_kind::items;
    return op_kind::copy;
  }

  void claim_dest(program_builder& b, const std::string& dest, const rule& r, std::uint8_t operations,
                  const std::string& direction_word) {
    claim c{r.line, operations, !r.when_present.empty() || !r.when_absent.empty()};
    for (const auto& prev : b.claims[dest]) {
      if (prev.conditional || c.conditional || (prev.operations & c.operations) == 0) continue;
      error(r.node, r.path,
            "field '" + dest + "' is mapped twice for " + direction_word + " (first at line " +
                std::to_string(prev.line) + ")");
      return;
    }
    b.claims[dest].push_back(c);
  }

  op make_op(const rule& r, program_builder& b, bool write_dir, const object_schema& canon, int item_program) {
    op o;
    o.kind = kind_of(r);
    const auto& src = write_dir ? r.canonical : r.platform;
    const auto& dst = write_dir ? r.platform : r.canonical;
    o.n_src = static_cast<std::uint8_t>(src.size());
    o.n_dst = static_cast<std::uint8_t>(dst.size());
    for (std::size_t i = 0; i < src.size(); ++i) o.src[i] = b.slot(write_dir ? std::vector<std::string>{src[i]} : split_dots(src[i]));
    for (std::size_t i = 0; i < dst.size(); ++i) o.dst[i] = b.dest(write_dir ? split_dots(dst[i]) : std::vector<std::string>{dst[i]});
    o.operations = write_dir ? r.operations : 3;
    if (!r.when_present.empty()) o.when_present = b.slot(write_dir ? std::vector<std::string>{r.when_present} : split_dots(r.when_present));
    if (!r.when_absent.empty()) o.when_absent = b.slot(write_dir ? std::vector<std::string>{r.when_absent} : split_dots(r.when_absent));
    if (r.constant) o.constant = b.constant(*r.constant);
    if (r.default_value) o.default_value = b.constant(*r.default_value);
    o.platform_integer = !r.platform_types.empty() && r.platform_types[0].type == value_type::integer;
    o.platform_names = r.platform_names;
    o.rfc2822 = r.rfc2822;
    o.scale = r.scale;
    o.item_program = item_program;
    if (o.kind == op_kind::coerce) o.target = write_dir ? r.platform_types[0].type : r.canonical_types[0].type;
    if (o.kind == op_kind::copy) o.target = write_dir ? r.canonical_types[0].type : r.platform_types[0].type;
    o.canonical_path = r.canonical.empty() ? std::string() : r.canonical[0];
    if (o.kind == op_kind::region && write_dir) o.aux_src = b.slot({r.region_country});
    (void)canon;
    return o;
  }

  void compile_scope(const YAML::Node& list, const std::string& scope, const object_schema& canon,
                     const object_schema& platform, program_builder& wb, program_builder& rb,
                     std::map<std::string, coverage>& cov, std::vector<std::pair<std::string, std::string>>& names) {
    if (!list.IsSequence()) {
      error(list, scope, "expected a list of field rules");
      return;
    }
    std::vector<rule> rules;
    for (std::size_t i = 0; i < list.size(); ++i) rules.push_back(parse_rule(list[i], index_path(scope, i), canon, platform));
    for (auto& r : rules) {
      if (!r.ok) {
        // Already reported; do not pile "not mapped" diagnostics on top for its fields.
        for (const auto& c : r.canonical)
          if (canon.find(c)) cov[c] = coverage{3, true};
        continue;
      }
      // Read-only canonical fields are never written, whatever the rule's direction.
      bool canonical_read_only = false;
      for (const auto& c : r.canonical) canonical_read_only = canonical_read_only || canon.find(c)->read_only;
      if (canonical_read_only && r.write && r.explicit_direction) {
        error(r.node, r.path, "canonical field '" + r.canonical[0] + "' is read-only; it cannot be written");
        continue;
      }
      const bool do_write = r.write && !canonical_read_only;
      const bool is_items = kind_of(r) == op_kind::items;
      if (r.transform == "region") {
        if (!canon.find(r.region_country)) {
          error(r.node["transform"], join_path(r.path, "transform.country"),
                "canonical " + canon.name + " has no field '" + r.region_country + "'");
          continue;
        }
      }
      if (do_write) {
        for (const auto& p : r.platform) claim_dest(wb, p, r, r.operations, "writing");
        wb.prog.ops.push_back(make_op(r, wb, true, canon, is_items ? 0 : -1));
        for (const auto& c : r.canonical) cov[c].write |= r.operations;
      }
      if (r.read) {
        for (const auto& c : r.canonical) claim_dest(rb, c, r, 3, "reading");
        rb.prog.ops.push_back(make_op(r, rb, false, canon, is_items ? 1 : -1));
        for (const auto& c : r.canonical) cov[c].read = true;
      }
      for (const auto& p : r.platform)
        if (!r.canonical.empty()) names.emplace_back(split_dots(p)[0], r.canonical[0]);
      if (is_items && scope == "customer") plan_.addresses_member = r.platform[0];
    }
    // Region reads need the platform's country: take it from the rule reading canonical country.
    for (std::size_t i = 0; i < rules.size(); ++i) {
      auto& r = rules[i];
      if (!r.ok || r.transform != "region" || !r.read) continue;
      std::vector<std::string> platform_country;
      for (const auto& other : rules)
        if (other.ok && other.read && other.canonical.size() == 1 && other.canonical[0] == r.region_country &&
            other.platform.size() == 1 && platform_country.size() < 2)
          platform_country.push_back(other.platform[0]);
      if (platform_country.empty()) {
        error(r.node, r.path, "transform 'region' reads the country from canonical '" + r.region_country +
                                  "', but no rule reads that field");
        continue;
      }
      for (auto& o : rb.prog.ops)
        if (o.kind == op_kind::region && o.aux_src < 0) {
          o.aux_src = rb.slot(split_dots(platform_country[0]));
          if (platform_country.size() > 1) o.aux_src2 = rb.slot(split_dots(platform_country[1]));
          break;
        }
    }
  }

  void parse_unsupported(const YAML::Node& list) {
    if (!list.IsSequence()) {
      error(list, "unsupported", "expected a list");
      return;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const auto n = list[i];
      const auto path = index_path("unsupported", i);
      if (!check_map(n, path, {"canonical", "direction", "when", "reason"})) continue;
      if (!require(n, "canonical", path) || !require(n, "reason", path)) continue;
      mapping_plan::unsupported_entry e;
      if (!read_string(n["canonical"], join_path(path, "canonical"), e.canonical) ||
          !read_string(n["reason"], join_path(path, "reason"), e.reason))
        continue;
      e.read = e.write = true;
      if (auto d = n["direction"]; d.IsDefined()) {
        std::string v;
        if (!read_enum(d, join_path(path, "direction"), {"read", "write", "both"}, v)) continue;
        e.read = v != "write";
        e.write = v != "read";
      }
      std::uint8_t operations = 3;
      if (auto w = n["when"]; w.IsDefined()) {
        if (!check_map(w, join_path(path, "when"), {"operation"})) continue;
        if (auto o = w["operation"]; o.IsDefined()) {
          std::string v;
          if (!read_enum(o, join_path(path, "when.operation"), {"create", "update"}, v)) continue;
          operations = static_cast<std::uint8_t>(v == "create" ? operation::create : operation::update);
        }
      }
      const bool in_address = e.canonical.starts_with("addresses[].");
      const auto field = in_address ? e.canonical.substr(12) : e.canonical;
      const auto& canon = in_address ? canonical_address() : canonical_customer();
      field_type t;
      if (!resolve_canonical(field, canon, n["canonical"], join_path(path, "canonical"), t)) continue;
      auto& cov = in_address ? address_cov_ : customer_cov_;
      if (e.write && !canon.find(field)->read_only) {
        auto& wb = in_address ? address_write_ : customer_write_;
        op o;
        o.kind = op_kind::report_dropped;
        o.n_src = 1;
        o.src[0] = wb.slot({field});
        o.operations = operations;
        o.canonical_path = field;
        o.reason = e.reason;
        wb.prog.ops.push_back(std::move(o));
        cov[field].write |= operations;
      }
      if (e.read) cov[field].read = true;
      plan_.unsupported.push_back(std::move(e));
    }
  }

  void check_coverage(const object_schema& canon, std::map<std::string, coverage>& cov, const YAML::Mark& mark,
                      const std::string& scope, const std::string& prefix) {
    for (const auto& f : canon.fields) {
      const auto& c = cov[f.name];
      if (!f.read_only && c.write != 3) {
        std::string which = c.write == 0 ? "" : (c.write == 1 ? " on update" : " on create");
        error_at(mark, scope,
                 "canonical field '" + prefix + f.name + "' is not mapped for writing" + which +
                     " and not listed under 'unsupported'");
      }
      if (!c.read)
        error_at(mark, scope,
                 "canonical field '" + prefix + f.name + "' is not mapped for reading and not listed under 'unsupported'");
    }
  }

  void parse_custom_fields(const YAML::Node& n) {
    const std::string path = "custom_fields";
    if (!check_map(n, path, {"style", "unlisted", "fields"})) return;
    if (!require(n, "style", path)) return;
    std::string style;
    if (!read_enum(n["style"], join_path(path, "style"), {"object", "attributes"}, style)) return;
    auto& cf = plan_.custom_fields;
    cf.kind = style == "object" ? detail::custom_fields_spec::style::object : detail::custom_fields_spec::style::attributes;
    if (auto u = n["unlisted"]; u.IsDefined()) {
      std::string v;
      if (read_enum(u, join_path(path, "unlisted"), {"keep", "report"}, v)) cf.keep_unlisted = v == "keep";
      if (cf.keep_unlisted && cf.kind == detail::custom_fields_spec::style::attributes)
        error(u, join_path(path, "unlisted"), "'unlisted: keep' needs style 'object': attributes must be declared");
    }
    if (auto f = n["fields"]; f.IsDefined()) {
      if (!f.IsSequence()) {
        error(f, join_path(path, "fields"), "expected a list");
        return;
      }
      for (std::size_t i = 0; i < f.size(); ++i) {
        const auto fp = index_path(join_path(path, "fields"), i);
        if (!check_map(f[i], fp, {"canonical", "platform"})) continue;
        if (!require(f[i], "canonical", fp) || !require(f[i], "platform", fp)) continue;
        detail::custom_field cfield;
        if (!read_string(f[i]["canonical"], join_path(fp, "canonical"), cfield.canonical) ||
            !read_string(f[i]["platform"], join_path(fp, "platform"), cfield.platform))
          continue;
        for (const auto& prev : cf.fields) {
          if (prev.canonical == cfield.canonical)
            error(f[i]["canonical"], join_path(fp, "canonical"), "custom field '" + cfield.canonical + "' is mapped twice");
          else if (prev.platform == cfield.platform)
            error(f[i]["platform"], join_path(fp, "platform"), "custom field '" + cfield.platform + "' is mapped twice");
        }
        cf.fields.push_back(cfield);
      }
    }
    for (std::size_t i = 0; i < cf.fields.size(); ++i) {
      cf.by_canonical.add(cf.fields[i].canonical, static_cast<int>(i));
      cf.by_platform.add(cf.fields[i].platform, static_cast<int>(i));
    }
    cf.by_canonical.build();
    cf.by_platform.build();
  }

  // nulls: {customer: {create: omit, update: empty_string}, address: {...}}
  void parse_nulls(const YAML::Node& n) {
    if (!check_map(n, "nulls", {"customer", "address"})) return;
    auto one = [&](const char* object, detail::program& prog) {
      const auto o = n[object];
      if (!o.IsDefined()) return;
      const std::string path = join_path("nulls", object);
      if (!check_map(o, path, {"create", "update"})) return;
      auto policy = [&](const char* op, detail::null_policy& out) {
        std::string v;
        if (auto p = o[op]; p.IsDefined() && read_enum(p, join_path(path, op), {"null", "omit", "empty_string"}, v))
          out = v == "omit" ? detail::null_policy::omit
                : v == "empty_string" ? detail::null_policy::empty_string
                                      : detail::null_policy::keep;
      };
      policy("create", prog.nulls_on_create);
      policy("update", prog.nulls_on_update);
    };
    one("customer", customer_write_.prog);
    one("address", address_write_.prog);
  }

  void parse_envelope(const YAML::Node& n) {
    const std::string path = "envelope";
    if (!check_map(n, path, {"write", "responses", "total"})) return;
    std::string v;
    if (auto w = n["write"]; w.IsDefined() && read_enum(w, join_path(path, "write"), {"object", "array"}, v))
      plan_.envelope.write_array = v == "array";
    if (auto r = n["responses"]; r.IsDefined() && read_enum(r, join_path(path, "responses"), {"root", "data"}, v))
      plan_.envelope.data_wrapped = v == "data";
    if (auto t = n["total"]; t.IsDefined()) {
      if (!check_map(t, join_path(path, "total"), {"header", "body"})) return;
      if (auto h = t["header"]; h.IsDefined()) read_string(h, join_path(path, "total.header"), plan_.envelope.total_header);
      if (auto b = t["body"]; b.IsDefined()) read_string(b, join_path(path, "total.body"), plan_.envelope.total_pointer);
    }
  }

  void parse_query_param(const YAML::Node& n, const std::string& path, detail::query_param_spec& out) {
    if (!check_map(n, path, {"param", "lowercase", "unsupported"})) return;
    const bool has_param = n["param"].IsDefined(), has_unsupported = n["unsupported"].IsDefined();
    if (has_param == has_unsupported) {
      error(n, path, "needs exactly one of 'param' or 'unsupported'");
      return;
    }
    if (has_param) read_string(n["param"], join_path(path, "param"), out.param);
    if (has_unsupported) read_string(n["unsupported"], join_path(path, "unsupported"), out.unsupported_reason);
    if (auto l = n["lowercase"]; l.IsDefined()) read_bool(l, join_path(path, "lowercase"), out.lower_case);
  }

  void parse_query(const YAML::Node& n) {
    const std::string path = "query";
    if (!check_map(n, path, {"paging", "email", "search", "constants"})) return;
    auto& q = plan_.query;
    if (require(n, "paging", path)) {
      const auto p = n["paging"];
      const auto pp = join_path(path, "paging");
      if (check_map(p, pp, {"style", "page", "offset", "size", "max", "first"}) && require(p, "style", pp) &&
          require(p, "size", pp) && require(p, "max", pp)) {
        std::string style;
        if (read_enum(p["style"], join_path(pp, "style"), {"page", "offset"}, style)) {
          q.paging.kind = style == "page" ? detail::paging_spec::style::page : detail::paging_spec::style::offset;
          const std::string needed = style == "page" ? "page" : "offset";
          if (require(p, needed, pp))
            read_string(p[needed], join_path(pp, needed), style == "page" ? q.paging.page_param : q.paging.offset_param);
        }
        read_string(p["size"], join_path(pp, "size"), q.paging.size_param);
        read_int(p["max"], join_path(pp, "max"), q.paging.max_size);
        if (auto f = p["first"]; f.IsDefined()) read_int(f, join_path(pp, "first"), q.paging.first_page);
        if (q.paging.max_size < 1) error(p["max"], join_path(pp, "max"), "must be at least 1");
      }
    }
    if (require(n, "email", path)) parse_query_param(n["email"], join_path(path, "email"), q.email);
    if (require(n, "search", path)) parse_query_param(n["search"], join_path(path, "search"), q.search);
    if (auto c = n["constants"]; c.IsDefined()) {
      if (!c.IsMap()) {
        error(c, join_path(path, "constants"), "expected a mapping of parameter names to values");
      } else {
        for (auto it = c.begin(); it != c.end(); ++it) {
          std::string v;
          if (read_string(it->second, join_path(join_path(path, "constants"), it->first.Scalar()), v))
            q.constants.emplace_back(it->first.Scalar(), v);
        }
      }
    }
  }

  void parse_errors(const YAML::Node& n) {
    const std::string path = "errors";
    if (!check_map(n, path, {"message", "fields", "strip_batch_index", "rules"})) return;
    auto& e = plan_.errors;
    if (auto m = n["message"]; m.IsDefined()) {
      if (!m.IsSequence()) error(m, join_path(path, "message"), "expected a list of member names");
      else
        for (std::size_t i = 0; i < m.size(); ++i) {
          std::string s;
          if (read_string(m[i], index_path(join_path(path, "message"), i), s)) e.message_keys.push_back(s);
        }
    }
    if (auto f = n["fields"]; f.IsDefined()) {
      std::string v;
      if (read_enum(f, join_path(path, "fields"), {"none", "field_map", "errors_object", "v2_array"}, v)) {
        using S = detail::error_spec::field_style;
        e.fields = v == "field_map" ? S::field_map : v == "errors_object" ? S::errors_object : v == "v2_array" ? S::v2_array : S::none;
      }
    }
    if (auto s = n["strip_batch_index"]; s.IsDefined()) read_bool(s, join_path(path, "strip_batch_index"), e.strip_batch_index);
    if (!require(n, "rules", path)) return;
    const auto rules = n["rules"];
    if (!rules.IsSequence()) {
      error(rules, join_path(path, "rules"), "expected a list");
      return;
    }
    bool has_catch_all = false;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const auto r = rules[i];
      const auto rp = index_path(join_path(path, "rules"), i);
      if (!check_map(r, rp, {"status", "contains", "code", "retryable", "empty_page", "message", "note"})) continue;
      if (!require(r, "status", rp) || !require(r, "code", rp)) continue;
      detail::error_rule er;
      er.line = r.Mark().line + 1;
      const auto st = r["status"];
      bool ok = true;
      if (st.IsScalar() && st.Scalar() == "any") {
        has_catch_all = true;
      } else if (st.IsSequence()) {
        for (std::size_t k = 0; k < st.size(); ++k) {
          int v = 0;
          if (read_int(st[k], index_path(join_path(rp, "status"), k), v)) er.statuses.push_back(v);
          else ok = false;
        }
      } else {
        int v = 0;
        if (read_int(st, join_path(rp, "status"), v)) er.statuses.push_back(v);
        else ok = false;
      }
      for (int s : er.statuses)
        if (s < 100 || s > 599) {
          error(st, join_path(rp, "status"), "not an HTTP status: " + std::to_string(s));
          ok = false;
        }
      if (auto c = r["contains"]; c.IsDefined()) {
        if (c.IsScalar()) er.body_contains.push_back(c.Scalar());
        else if (c.IsSequence())
          for (std::size_t k = 0; k < c.size(); ++k) {
            std::string s;
            if (read_string(c[k], index_path(join_path(rp, "contains"), k), s)) er.body_contains.push_back(s);
          }
        else error(c, join_path(rp, "contains"), "expected a string or a list of strings");
      }
      if (read_string(r["code"], join_path(rp, "code"), er.code)) {
        er.http_status = canonical_error_status(er.code);
        if (er.http_status == 0) {
          std::string msg = "unknown canonical error code '" + er.code + "'";
          if (auto s = config::did_you_mean(er.code, canonical_error_codes()); !s.empty()) msg += " (did you mean '" + s + "'?)";
          error(r["code"], join_path(rp, "code"), msg);
          ok = false;
        }
      } else ok = false;
      if (auto rt = r["retryable"]; rt.IsDefined()) ok &= read_bool(rt, join_path(rp, "retryable"), er.retryable);
      if (auto ep = r["empty_page"]; ep.IsDefined()) ok &= read_bool(ep, join_path(rp, "empty_page"), er.empty_page);
      if (auto m = r["message"]; m.IsDefined()) ok &= read_string(m, join_path(rp, "message"), er.message);
      if (auto note = r["note"]; note.IsDefined()) {
        std::string ignored;
        ok &= read_string(note, join_path(rp, "note"), ignored);
      }
      if (ok) e.rules.push_back(std::move(er));
    }
    if (!has_catch_all) error(rules, join_path(path, "rules"), "needs a catch-all rule with 'status: any'");
  }
};

load_result compiler::run(const YAML::Node& root) {
  root_mark_ = root.Mark();
  if (!root.IsMap()) {
    error_at(root_mark_, "", "expected a mapping at the top level");
    return take_diagnostics();
  }
  for (auto& d : config::duplicate_keys(root, file_)) diags_.push_back(std::move(d));
  check_map(root, "", {"mapping_version", "platform", "description", "schema", "custom_fields", "customer", "address",
                       "unsupported", "nulls", "envelope", "query", "errors"});
  for (const auto* key : {"mapping_version", "platform", "schema", "customer", "address", "envelope", "query", "errors"})
    require(root, key, "");
  if (auto v = root["mapping_version"]; v.IsDefined()) {
    int version = 0;
    if (read_int(v, "mapping_version", version) && version != 1)
      error(v, "mapping_version", "unsupported mapping_version " + std::to_string(version) + " (this build reads 1)");
  }
  plan_.file = file_;
  if (auto p = root["platform"]; p.IsDefined()) read_string(p, "platform", plan_.platform);
  if (auto d = root["description"]; d.IsDefined()) read_string(d, "description", plan_.description);
  if (auto s = root["schema"]; s.IsDefined() && check_map(s, "schema", {"customer", "address"})) {
    if (require(s, "customer", "schema")) parse_schema(s["customer"], "schema.customer", platform_customer_);
    if (require(s, "address", "schema")) parse_schema(s["address"], "schema.address", platform_address_);
  }
  if (auto c = root["custom_fields"]; c.IsDefined()) parse_custom_fields(c);
  if (auto a = root["address"]; a.IsDefined()) {
    address_mark_ = a.Mark();
    compile_scope(a, "address", canonical_address(), platform_address_, address_write_, address_read_, address_cov_,
                  plan_.address_field_names);
  }
  if (auto c = root["customer"]; c.IsDefined()) {
    customer_mark_ = c.Mark();
    compile_scope(c, "customer", canonical_customer(), platform_customer_, customer_write_, customer_read_,
                  customer_cov_, plan_.customer_field_names);
  }
  if (auto u = root["unsupported"]; u.IsDefined()) parse_unsupported(u);
  if (root["customer"].IsDefined()) check_coverage(canonical_customer(), customer_cov_, customer_mark_, "customer", "");
  if (root["address"].IsDefined()) check_coverage(canonical_address(), address_cov_, address_mark_, "address", "addresses[].");
  if (auto n = root["nulls"]; n.IsDefined()) parse_nulls(n);
  if (auto e = root["envelope"]; e.IsDefined()) parse_envelope(e);
  if (auto q = root["query"]; q.IsDefined()) parse_query(q);
  if (auto e = root["errors"]; e.IsDefined()) parse_errors(e);

  for (auto* b : {&customer_write_, &customer_read_, &address_write_, &address_read_}) {
    if (b->prog.n_slots > detail::max_slots)
      error_at(root_mark_, "", "too many fields in one object (" + std::to_string(b->prog.n_slots) + ", at most " +
                                   std::to_string(detail::max_slots) + ")");
    if (b->prog.dst_nodes.size() > static_cast<std::size_t>(detail::max_dest_nodes))
      error_at(root_mark_, "", "too many nested platform objects");
  }
  if (!diags_.empty()) return take_diagnostics();

  customer_write_.finalize(&canonical_customer());
  customer_read_.finalize(nullptr);
  address_write_.finalize(&canonical_address());
  address_read_.finalize(nullptr);
  auto plan = std::make_shared<mapping_plan>(std::move(plan_));
  plan->customer_write = std::move(customer_write_.prog);
  plan->customer_read = std::move(customer_read_.prog);
  plan->programs.push_back(std::move(address_write_.prog));
  plan->programs.push_back(std::move(address_read_.prog));
  plan->address_write = 0;
  plan->address_read = 1;
  return std::shared_ptr<const mapping_plan>(std::move(plan));
}

}  // namespace

load_result load_mapping_string(std::string_view yaml, const std::string& file_name) {
  compiler c(file_name);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    c.error_at(e.mark, "", e.msg);
    return c.take_diagnostics();
  }
  return c.run(root);
}

load_result load_mapping_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    config::diagnostic d{path, 1, 1, "", "cannot open the mapping file"};
    return config::diagnostics{d};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_mapping_string(text.str(), path);
}

}  // namespace custbridge::mappers
