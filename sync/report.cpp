#include "sync/report.hpp"

#include <rapidjson/document.h>
#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <ostream>
#include <utility>
#include <vector>

namespace custbridge::sync {
namespace {

std::vector<std::pair<const char*, std::int64_t run_counts::*>> count_fields() {
  return {{"changes", &run_counts::changes},
          {"pages", &run_counts::pages},
          {"created", &run_counts::created},
          {"updated", &run_counts::updated},
          {"linked", &run_counts::linked},
          {"unchanged", &run_counts::unchanged},
          {"deleted", &run_counts::deleted},
          {"deletesReported", &run_counts::deletes_reported},
          {"deletesIgnored", &run_counts::deletes_ignored},
          {"conflicts", &run_counts::conflicts},
          {"deadLetters", &run_counts::dead_letters},
          {"fieldsNotCarried", &run_counts::fields_not_carried}};
}

template <class Writer>
void write_counts(Writer& w, const run_counts& c) {
  w.StartObject();
  for (const auto& [name, member] : count_fields()) {
    w.Key(name);
    w.Int64(c.*member);
  }
  w.EndObject();
}

}  // namespace

std::string counts_json(const run_counts& c) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  write_counts(w, c);
  return std::string(buf.GetString(), buf.GetSize());
}

run_counts parse_counts(const std::string& json) {
  run_counts c;
  rapidjson::Document doc;
  doc.Parse(json.c_str(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return c;
  for (const auto& [name, member] : count_fields()) {
    auto it = doc.FindMember(name);
    if (it != doc.MemberEnd() && it->value.IsInt64()) c.*member = it->value.GetInt64();
  }
  return c;
}

void write_report_json(std::ostream& out, sync_state& state, const run_record& run) {
  rapidjson::OStreamWrapper os(out);
  rapidjson::Writer<rapidjson::OStreamWrapper> w(os);
  w.StartObject();
  w.Key("run");
  w.Int64(run.id);
  w.Key("job");
  w.String(run.job);
  w.Key("mode");
  w.String(run.mode);
  w.Key("dryRun");
  w.Bool(run.dry_run);
  w.Key("status");
  w.String(run.status);
  w.Key("startedAt");
  w.String(run.started_at);
  w.Key("finishedAt");
  if (run.finished_at.empty())
    w.Null();
  else
    w.String(run.finished_at);
  w.Key("error");
  if (run.error.empty())
    w.Null();
  else
    w.String(run.error);
  w.Key("counts");
  write_counts(w, parse_counts(run.counts_json));
  w.Key("items");
  w.StartArray();
  state.for_each_item(run.id, [&w](const run_item& item) {
    w.StartObject();
    w.Key("kind");
    w.String(item.kind);
    w.Key("sourceId");
    w.String(item.source_id);
    w.Key("targetId");
    if (item.target_id.empty())
      w.Null();
    else
      w.String(item.target_id);
    if (!item.field.empty()) {
      w.Key(item.kind == "dead_letter" ? "reason" : "field");
      w.String(item.field);
    }
    w.Key(item.kind == "dead_letter" ? "error" : "detail");
    w.String(item.detail);
    w.EndObject();
  });
  w.EndArray();
  w.EndObject();
  os.Flush();
  out << "\n";
}

void write_report_text(std::ostream& out, sync_state& state, const run_record& run, bool list_plan) {
  const auto c = parse_counts(run.counts_json);
  out << "run " << run.id << " (" << run.job << ", " << run.mode << (run.dry_run ? ", dry run" : "") << "): " << run.status
      << "\n";
  if (!run.error.empty()) out << "  error: " << run.error << "\n";
  out << "  changes read " << c.changes << " in " << c.pages << " page(s)\n"
      << "  " << (run.dry_run ? "would create " : "created ") << c.created << ", updated " << c.updated << ", linked "
      << c.linked << ", unchanged " << c.unchanged << ", deleted " << c.deleted << "\n"
      << "  deletes reported " << c.deletes_reported << ", ignored " << c.deletes_ignored << "\n"
      << "  conflicts " << c.conflicts << ", dead letters " << c.dead_letters << ", fields not carried "
      << c.fields_not_carried << "\n";
  state.for_each_item(run.id, [&](const run_item& item) {
    const bool plan = item.kind == "create" || item.kind == "link" || item.kind == "update" || item.kind == "unchanged";
    if (plan && !list_plan) return;
    out << "  " << item.kind << " " << item.source_id;
    if (!item.target_id.empty()) out << " -> " << item.target_id;
    if (!item.field.empty()) out << " " << item.field;
    if (!item.detail.empty()) out << ": " << item.detail;
    out << "\n";
  });
}

}  // namespace custbridge::sync
