#include "config/yaml_keys.hpp"

#include <map>

namespace custbridge::config {
namespace {

std::string join(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

void walk(const YAML::Node& node, const std::string& path, const std::string& file, diagnostics& out) {
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) walk(node[i], path + "[" + std::to_string(i) + "]", file, out);
    return;
  }
  if (!node.IsMap()) return;
  std::map<std::string, YAML::Mark> first;
  for (const auto& kv : node) {
    const auto key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
    const auto [at, fresh] = first.emplace(key, kv.first.Mark());
    if (!fresh) {
      const auto mark = kv.first.Mark();
      out.push_back({file, mark.line + 1, mark.column + 1, join(path, key),
                     "duplicate key '" + key + "' (first at " + std::to_string(at->second.line + 1) + ":" +
                         std::to_string(at->second.column + 1) + ")"});
    }
    walk(kv.second, join(path, key), file, out);
  }
}

}  // namespace

diagnostics duplicate_keys(const YAML::Node& root, const std::string& file) {
  diagnostics out;
  walk(root, "", file, out);
  return out;
}

}  // namespace custbridge::config
