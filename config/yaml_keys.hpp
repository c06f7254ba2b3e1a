#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "config/diagnostic.hpp"

namespace custbridge::config {

// yaml-cpp keeps both members of a key repeated in one mapping, and lookups see only
// the first, so a repeat would be dropped in silence. One diagnostic per repeat, at any
// depth, at the repeat's position and naming the first: "duplicate key 'port' (first at
// 2:3)". Paths are dotted, with [i] for sequence items.
diagnostics duplicate_keys(const YAML::Node& root, const std::string& file);

}  // namespace custbridge::config
