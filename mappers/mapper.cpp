#include "mappers/mapper.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>

#include "common/country.hpp"
#include "common/timestamp.hpp"
#include "mappers/transforms.hpp"

namespace custbridge::mappers {

namespace {

using detail::op;
using detail::op_kind;
using detail::program;
using rapidjson::Value;

// Where in the canonical document the current object sits; rendered only for reports.
struct path_frame {
  const path_frame* parent = nullptr;
  std::string_view field;
  std::size_t index = 0;
};

std::string render(const path_frame* f, std::string_view leaf) {
  std::string prefix;
  for (; f; f = f->parent)
    prefix = std::string(f->field) + "[" + std::to_string(f->index) + "]" + (prefix.empty() ? "" : "." + prefix);
  if (prefix.empty()) return std::string(leaf);
  if (leaf.empty()) return prefix;
  return prefix + "." + std::string(leaf);
}

struct context {
  const mapping_plan& plan;
  json_allocator& alloc;
  operation op;
  bool write;
  const custom_field_binding* binding;
  map_report& report;
  const path_frame* frame;
};

bool present(const Value* v) { return v && !v->IsNull(); }

std::string_view sv(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

Value str_value(std::string_view s, json_allocator& alloc) {
  return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc);
}

// Output member names point into the plan's own strings instead of being copied: the
// plan is immutable and must outlive the output (see mapper.hpp).
Value key_ref(const std::string& k) {
  return Value(rapidjson::StringRef(k.data(), static_cast<rapidjson::SizeType>(k.size())));
}

// "YYYY-MM-DDThh:mm:ss.mmmZ" without printf, which dominated timestamp cost in profiles.
std::string_view format_utc_ms(sys_millis t, char (&buf)[24]) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  auto ms = (t - day).count();
  auto put = [&](int at, long v, int width) {
    for (int i = width - 1; i >= 0; --i, v /= 10) buf[at + i] = static_cast<char>('0' + v % 10);
  };
  const int y = static_cast<int>(ymd.year());
  if (y < 0 || y > 9999) return {};
  put(0, y, 4);
  buf[4] = '-';
  put(5, static_cast<long>(static_cast<unsigned>(ymd.month())), 2);
  buf[7] = '-';
  put(8, static_cast<long>(static_cast<unsigned>(ymd.day())), 2);
  buf[10] = 'T';
  put(11, static_cast<long>(ms / 3600000), 2);
  buf[13] = ':';
  put(14, static_cast<long>(ms / 60000 % 60), 2);
  buf[16] = ':';
  put(17, static_cast<long>(ms / 1000 % 60), 2);
  buf[19] = '.';
  put(20, static_cast<long>(ms % 1000), 3);
  buf[23] = 'Z';
  return {buf, 24};
}

Value constant_json(const detail::constant_value& c, json_allocator& alloc) {
  using K = detail::constant_value::kind;
  switch (c.k) {
    case K::null: return Value();
    case K::boolean: return Value(c.b);
    case K::integer: return Value(static_cast<int64_t>(c.i));
    case K::number: return Value(c.d);
    case K::string: return str_value(c.s, alloc);
  }
  return Value();
}

// Writes into one of the output objects being built; nested objects are attached at the end.
struct output {
  const program& prog;
  json_allocator& alloc;
  Value nodes[detail::max_dest_nodes];

  void set(const detail::dest_ref& d, Value&& v) {
    Value& n = nodes[d.node];
    if (!n.IsObject()) n.SetObject();
    const auto& k = prog.keys[static_cast<std::size_t>(d.key)];
    n.AddMember(key_ref(k), v, alloc);
  }

  void finish(Value& out) {
    for (std::size_t n = prog.dst_nodes.size(); n-- > 1;) {
      if (!nodes[n].IsObject()) continue;
      const auto& dn = prog.dst_nodes[n];
      Value& parent = nodes[dn.parent];
      if (!parent.IsObject()) parent.SetObject();
      parent.AddMember(key_ref(prog.keys[static_cast<std::size_t>(dn.key)]), nodes[n], alloc);
    }
    if (!nodes[0].IsObject()) nodes[0].SetObject();
    out = std::move(nodes[0]);
  }
};

void invalid(context& c, std::string_view field, std::string reason) {
  c.report.invalid.push_back({render(c.frame, field), std::move(reason)});
}

void run_program(const program& p, const Value& in, Value& out, context& c);

// Checks a source value against the type the op expects and reports a mismatch.
bool expect_string(context& c, const op& o, const Value& v) {
  if (v.IsString()) return true;
  invalid(c, o.canonical_path, "expected a string");
  return false;
}

std::string number_text(const Value& v) {
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  // Shortest round-trip text of the double, as RapidJSON writes it.
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.Double(v.GetDouble());
  return buf.GetString();
}

// coerce: to the destination's type. Returns false (and leaves out untouched) if impossible.
bool coerce(const Value& v, value_type target, Value& out, json_allocator& alloc) {
  switch (target) {
    case value_type::boolean:
      if (v.IsBool()) out.SetBool(v.GetBool());
      else if (v.IsString() && (sv(v) == "true" || sv(v) == "1")) out.SetBool(true);
      else if (v.IsString() && (sv(v) == "false" || sv(v) == "0")) out.SetBool(false);
      else if (v.IsInt64() && (v.GetInt64() == 0 || v.GetInt64() == 1)) out.SetBool(v.GetInt64() == 1);
      else return false;
      return true;
    case value_type::integer:
      if (v.IsInt64()) out.SetInt64(v.GetInt64());
      else if (v.IsBool()) out.SetInt64(v.GetBool() ? 1 : 0);
      else if (v.IsString()) {
        auto n = parse_int64(trim(sv(v)));
        if (!n) return false;
        out.SetInt64(*n);
      } else return false;
      return true;
    case value_type::number:
      if (v.IsNumber()) out = Value(v, alloc);
      else if (v.IsString()) {
        const auto s = std::string(trim(sv(v)));
        double d = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
        if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return false;
        out.SetDouble(d);
      } else return false;
      return true;
    case value_type::string:
      if (v.IsString()) out = str_value(sv(v), alloc);
      else if (v.IsBool()) out = str_value(v.GetBool() ? "true" : "false", alloc);
      else if (v.IsNumber()) out = str_value(number_text(v), alloc);
      else return false;
      return true;
    default: return false;
  }
}

void apply_custom_object(const op& o, const Value& src, output& out, context& c) {
  const auto& cf = c.plan.custom_fields;
  if (!src.IsObject()) {
    if (c.write) invalid(c, o.canonical_path, "expected an object of string values");
    return;
  }
  Value obj(rapidjson::kObjectType);
  for (auto m = src.MemberBegin(); m != src.MemberEnd(); ++m) {
    const std::string_view key = sv(m->name);
    const int idx = c.write ? cf.by_canonical.find(key) : cf.by_platform.find(key);
    std::string_view mapped;
    if (idx >= 0) mapped = c.write ? cf.fields[static_cast<std::size_t>(idx)].platform : cf.fields[static_cast<std::size_t>(idx)].canonical;
    else if (cf.keep_unlisted) mapped = key;
    else {
      if (c.write)
        c.report.dropped.push_back({render(c.frame, o.canonical_path + "." + std::string(key)),
                                    "no custom field is declared for '" + std::string(key) + "'"});
      continue;
    }
    Value v;
    if (m->value.IsString()) v = str_value(sv(m->value), c.alloc);
    else if (!c.write && (m->value.IsNumber() || m->value.IsBool())) coerce(m->value, value_type::string, v, c.alloc);
    else if (m->value.IsNull()) continue;
    else {
      if (c.write) invalid(c, o.canonical_path + "." + std::string(key), "custom field values must be strings");
      continue;
    }
    obj.AddMember(str_value(mapped, c.alloc), v, c.alloc);
  }
  out.set(o.dst[0], std::move(obj));
}

void apply_custom_attributes(const op& o, const Value& src, output& out, context& c) {
  const auto& cf = c.plan.custom_fields;
  auto id_of = [&](std::size_t idx) -> std::int64_t {
    return c.binding && idx < c.binding->ids.size() ? c.binding->ids[idx] : -1;
  };
  if (c.write) {
    if (!src.IsObject()) {
      invalid(c, o.canonical_path, "expected an object of string values");
      return;
    }
    Value arr(rapidjson::kArrayType);
    for (auto m = src.MemberBegin(); m != src.MemberEnd(); ++m) {
      const std::string key(sv(m->name));
      const int idx = cf.by_canonical.find(key);
      if (idx < 0) {
        c.report.dropped.push_back({render(c.frame, o.canonical_path + "." + key), "no custom field is declared for '" + key + "'"});
        continue;
      }
      const auto id = id_of(static_cast<std::size_t>(idx));
      if (id < 0) {
        c.report.dropped.push_back({render(c.frame, o.canonical_path + "." + key),
                                    "customer attribute '" + cf.fields[static_cast<std::size_t>(idx)].platform +
                                        "' does not exist in this store"});
        continue;
      }
      if (m->value.IsNull()) continue;
      if (!m->value.IsString()) {
        invalid(c, o.canonical_path + "." + key, "custom field values must be strings");
        continue;
      }
      Value item(rapidjson::kObjectType);
      item.AddMember("attribute_id", Value(static_cast<int64_t>(id)), c.alloc);
      item.AddMember("attribute_value", str_value(sv(m->value), c.alloc), c.alloc);
      arr.PushBack(item, c.alloc);
    }
    out.set(o.dst[0], std::move(arr));
    return;
  }
  if (!src.IsArray()) return;
  Value obj(rapidjson::kObjectType);
  for (const auto& item : src.GetArray()) {
    if (!item.IsObject()) continue;
    auto id_it = item.FindMember("attribute_id");
    auto val_it = item.FindMember("attribute_value");
    if (id_it == item.MemberEnd() || val_it == item.MemberEnd() || !id_it->value.IsInt64()) continue;
    for (std::size_t i = 0; i < cf.fields.size(); ++i) {
      if (id_of(i) != id_it->value.GetInt64()) continue;
      Value v;
      if (coerce(val_it->value, value_type::string, v, c.alloc))
        obj.AddMember(str_value(cf.fields[i].canonical, c.alloc), v, c.alloc);
    }
  }
  out.set(o.dst[0], std::move(obj));
}

void apply_op(const op& o, const Value* const* slots, output& out, context& c) {
  if (c.write && !(o.operations & static_cast<std::uint8_t>(c.op))) return;
  if (o.when_present >= 0 && !present(slots[o.when_present])) return;
  if (o.when_absent >= 0 && present(slots[o.when_absent])) return;
  auto& alloc = c.alloc;

  if (o.kind == op_kind::constant) {
    out.set(o.dst[0], constant_json(out.prog.constants[static_cast<std::size_t>(o.constant)], alloc));
    return;
  }
  const Value* s0 = slots[o.src[0]];
  if (o.kind == op_kind::report_dropped) {
    if (present(s0)) c.report.dropped.push_back({render(c.frame, o.canonical_path), o.reason});
    return;
  }

  // Joins read two sources; either may be missing.
  if (o.n_src == 2) {
    const Value* s1 = slots[o.src[1]];
    if (!s0 && !s1) return;
    auto text = [&](const Value* v) -> std::string_view {
      if (!present(v)) return {};
      if (v->IsString()) return sv(*v);
      invalid(c, o.canonical_path, "expected a string");
      return {};
    };
    const std::string joined = o.kind == op_kind::full_name ? join_full_name(text(s0), text(s1))
                                                            : join_street_number(text(s0), text(s1));
    out.set(o.dst[0], joined.empty() ? Value() : str_value(joined, alloc));
    return;
  }

  if (!present(s0)) {
    // Defaults fill a null, or a missing value on create and on read; a partial update
    // leaves a missing value missing.
    if (o.default_value >= 0 && (s0 || !c.write || c.op == operation::create)) {
      out.set(o.dst[0], constant_json(out.prog.constants[static_cast<std::size_t>(o.default_value)], alloc));
      return;
    }
    if (!s0) return;
    for (int i = 0; i < o.n_dst; ++i) out.set(o.dst[i], Value());
    return;
  }
  const Value& v = *s0;
  switch (o.kind) {
    case op_kind::copy: {
      const bool ok = o.target == value_type::string    ? v.IsString()
                      : o.target == value_type::boolean ? v.IsBool()
                      : o.target == value_type::integer ? v.IsInt64()
                      : o.target == value_type::number  ? v.IsNumber()
                                                        : true;
      if (!ok) return invalid(c, o.canonical_path, "expected " + std::string(o.target == value_type::integer ? "an " : "a ") +
                                                       std::string(to_string(o.target)));
      out.set(o.dst[0], Value(v, alloc));
      return;
    }
    case op_kind::id: {
      if (c.write) {
        if (!expect_string(c, o, v)) return;
        const auto s = sv(v);
        if (o.platform_integer) {
          auto n = parse_int64(s);
          if (!n) return invalid(c, o.canonical_path, "not an id of this store");
          out.set(o.dst[0], Value(static_cast<int64_t>(*n)));
        } else {
          out.set(o.dst[0], str_value(s, alloc));
        }
        return;
      }
      std::string id;
      if (v.IsString()) id += sv(v);
      else if (v.IsInt64()) id += std::to_string(v.GetInt64());
      else if (v.IsUint64()) id += std::to_string(v.GetUint64());
      else return invalid(c, o.canonical_path, "the platform sent an id that is neither a number nor a string");
      out.set(o.dst[0], str_value(id, alloc));
      return;
    }
    case op_kind::full_name: {  // one full name -> first and last
      if (!expect_string(c, o, v)) return;
      auto parts = split_full_name(sv(v));
      out.set(o.dst[0], str_value(parts.first, alloc));
      out.set(o.dst[1], str_value(parts.last, alloc));
      return;
    }
    case op_kind::street_number: {
      if (!expect_string(c, o, v)) return;
      auto parts = split_street_number(sv(v));
      out.set(o.dst[0], str_value(parts.street, alloc));
      out.set(o.dst[1], parts.number.empty() ? Value() : str_value(parts.number, alloc));
      return;
    }
    case op_kind::email:
      if (!expect_string(c, o, v)) return;
      out.set(o.dst[0], str_value(normalize_email(sv(v)), alloc));
      return;
    case op_kind::country: {
      if (!expect_string(c, o, v)) return;
      const auto code = country_code(trim(sv(v)));
      if (!code) {
        // An unknown country from the platform is passed on as it is, not lost.
        if (!c.write) return out.set(o.dst[0], str_value(sv(v), alloc));
        return invalid(c, o.canonical_path, "unknown country '" + std::string(sv(v)) + "'");
      }
      out.set(o.dst[0], str_value(c.write && o.platform_names ? *country_name(*code) : *code, alloc));
      return;
    }
    case op_kind::region: {
      if (!expect_string(c, o, v)) return;
      std::string_view country;
      for (int aux : {o.aux_src, o.aux_src2})
        if (const Value* cv = aux >= 0 ? slots[aux] : nullptr; country.empty() && present(cv) && cv->IsString())
          country = country_code(trim(sv(*cv))).value_or(std::string_view{});
      const auto region = trim(sv(v));
      // BigCommerce V2 stores " " for "no state" (its state cannot be null).
      if (!c.write && region.empty()) return out.set(o.dst[0], Value());
      std::optional<std::string_view> mapped;
      const bool want_name = c.write && o.platform_names;
      if (want_name) {
        // A code becomes its name; a name (any case or accents) its proper spelling.
        mapped = region_name(country, region);
        if (!mapped)
          if (auto code = region_code(country, region)) mapped = region_name(country, *code);
      }
      else mapped = region_code(country, region);
      out.set(o.dst[0], str_value(mapped.value_or(region), alloc));
      return;
    }
    case op_kind::timestamp: {
      if (!expect_string(c, o, v)) return;
      auto t = parse_timestamp(trim(sv(v)));
      if (!t) {
        if (!c.write) return out.set(o.dst[0], str_value(sv(v), alloc)), invalid(c, o.canonical_path, "unreadable timestamp");
        return invalid(c, o.canonical_path, "not an ISO 8601 timestamp");
      }
      if (c.write && o.rfc2822) return out.set(o.dst[0], str_value(format_rfc2822(*t), alloc));
      char buf[24];
      const auto text = format_utc_ms(*t, buf);
      out.set(o.dst[0], text.empty() ? str_value(format_iso8601_ms(*t), alloc) : str_value(text, alloc));
      return;
    }
    case op_kind::coerce: {
      Value r;
      if (!coerce(v, o.target, r, alloc))
        return invalid(c, o.canonical_path, "cannot convert to " + std::string(to_string(o.target)));
      out.set(o.dst[0], std::move(r));
      return;
    }
    case op_kind::money: {
      std::optional<std::string> d;
      if (v.IsString()) d = normalize_decimal(sv(v), o.scale);
      else if (v.IsNumber()) d = normalize_decimal(number_text(v), o.scale);
      if (!d) return invalid(c, o.canonical_path, "not a decimal amount");
      out.set(o.dst[0], str_value(*d, alloc));
      return;
    }
    case op_kind::custom_object: return apply_custom_object(o, v, out, c);
    case op_kind::custom_attributes: return apply_custom_attributes(o, v, out, c);
    case op_kind::items: {
      if (!v.IsArray()) return invalid(c, o.canonical_path, "expected an array");
      const auto& item_prog = c.plan.programs[static_cast<std::size_t>(o.item_program)];
      Value arr(rapidjson::kArrayType);
      arr.Reserve(v.Size(), alloc);
      const path_frame* saved = c.frame;
      for (rapidjson::SizeType i = 0; i < v.Size(); ++i) {
        path_frame frame{saved, o.canonical_path, i};
        c.frame = &frame;
        if (!v[i].IsObject()) {
          invalid(c, "", "expected an object");
          continue;
        }
        Value item;
        run_program(item_prog, v[i], item, c);
        arr.PushBack(item, alloc);
      }
      c.frame = saved;
      out.set(o.dst[0], std::move(arr));
      return;
    }
    case op_kind::constant:
    case op_kind::report_dropped: return;
  }
}

void gather(const program& p, int node, const Value& obj, const Value** slots, context& c) {
  const auto& sn = p.src_nodes[static_cast<std::size_t>(node)];
  for (auto m = obj.MemberBegin(); m != obj.MemberEnd(); ++m) {
    const int idx = sn.index.find(m->name.GetString(), m->name.GetStringLength());
    if (idx < 0) {
      if (node == 0 && p.report_unknown)
        c.report.dropped.push_back({render(c.frame, sv(m->name)), "not a field of the canonical API"});
      continue;
    }
    const auto& ch = sn.children[static_cast<std::size_t>(idx)];
    if (ch.slot >= 0) slots[ch.slot] = &m->value;
    if (ch.node >= 0 && m->value.IsObject()) gather(p, ch.node, m->value, slots, c);
  }
}

// The program's null policy, on its own object and the nested objects it wrote (items
// in arrays ran their own program, with their own policy).
void apply_null_policy(Value& obj, detail::null_policy policy, json_allocator& alloc) {
  for (auto m = obj.MemberBegin(); m != obj.MemberEnd();) {
    if (m->value.IsObject()) {
      apply_null_policy(m->value, policy, alloc);
    } else if (m->value.IsNull()) {
      if (policy == detail::null_policy::omit) {
        m = obj.EraseMember(m);
        continue;
      }
      m->value.SetString("", alloc);
    }
    ++m;
  }
}

void run_program(const program& p, const Value& in, Value& out, context& c) {
  const Value* slots[detail::max_slots] = {};
  gather(p, 0, in, slots, c);
  output o{p, c.alloc, {}};
  for (const auto& one : p.ops) apply_op(one, slots, o, c);
  o.finish(out);
  if (c.write) {
    const auto policy = c.op == operation::create ? p.nulls_on_create : p.nulls_on_update;
    if (policy != detail::null_policy::keep && out.IsObject()) apply_null_policy(out, policy, c.alloc);
  }
}

map_report run_top(const mapping_plan& plan, const program& p, const Value& in, Value& out, json_allocator& alloc,
                   operation op, bool write, const custom_field_binding* binding) {
  map_report report;
  if (!in.IsObject()) {
    out.SetNull();
    report.invalid.push_back({"", "expected a JSON object"});
    return report;
  }
  context c{plan, alloc, op, write, binding, report, nullptr};
  run_program(p, in, out, c);
  return report;
}

}  // namespace

custom_field_binding bind_custom_fields(const mapping_plan& plan,
                                        const std::vector<std::pair<std::string, std::int64_t>>& ids_by_name) {
  custom_field_binding b;
  for (const auto& f : plan.custom_fields.fields) {
    std::int64_t id = -1;
    for (const auto& [name, value] : ids_by_name)
      if (name == f.platform) id = value;
    b.ids.push_back(id);
  }
  return b;
}

map_report customer_to_platform(const mapping_plan& plan, const Value& canonical, operation op, Value& out,
                                json_allocator& alloc, const custom_field_binding* binding) {
  return run_top(plan, plan.customer_write, canonical, out, alloc, op, true, binding);
}

map_report customer_to_canonical(const mapping_plan& plan, const Value& platform, Value& out, json_allocator& alloc,
                                 const custom_field_binding* binding) {
  return run_top(plan, plan.customer_read, platform, out, alloc, operation::create, false, binding);
}

map_report address_to_platform(const mapping_plan& plan, const Value& canonical, operation op, Value& out,
                               json_allocator& alloc) {
  return run_top(plan, plan.programs[static_cast<std::size_t>(plan.address_write)], canonical, out, alloc, op, true,
                 nullptr);
}

map_report address_to_canonical(const mapping_plan& plan, const Value& platform, Value& out, json_allocator& alloc) {
  return run_top(plan, plan.programs[static_cast<std::size_t>(plan.address_read)], platform, out, alloc,
                 operation::create, false, nullptr);
}

map_report request_body(const mapping_plan& plan, const Value& canonical, operation op, Value& out,
                        json_allocator& alloc, const custom_field_binding* binding) {
  Value mapped;
  auto report = customer_to_platform(plan, canonical, op, mapped, alloc, binding);
  if (plan.envelope.write_array) {
    out.SetArray();
    out.PushBack(mapped, alloc);
  } else {
    out = std::move(mapped);
  }
  return report;
}

map_report customer_from_response(const mapping_plan& plan, const Value& body, Value& out, json_allocator& alloc,
                                  const custom_field_binding* binding) {
  const Value* item = &body;
  if (plan.envelope.data_wrapped) {
    auto data = body.IsObject() ? body.FindMember("data") : Value::ConstMemberIterator();
    if (!body.IsObject() || data == body.MemberEnd()) {
      out.SetNull();
      return map_report{{}, {{"", "the platform's response has no 'data'"}}};
    }
    item = &data->value;
    if (item->IsArray()) {
      if (item->Empty()) {
        out.SetNull();
        return map_report{{}, {{"", "the platform's response holds no customer"}}};
      }
      item = &(*item)[0];
    }
  }
  return customer_to_canonical(plan, *item, out, alloc, binding);
}

const std::string& total_header(const mapping_plan& plan) { return plan.envelope.total_header; }

}  // namespace custbridge::mappers
