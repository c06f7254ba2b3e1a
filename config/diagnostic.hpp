#pragma once

#include <string>
#include <vector>

namespace custbridge::config {

// One problem found in a configuration or mapping file. Positions are 1-based
// (yaml-cpp marks are 0-based; loaders add one). A missing key has no position
// of its own, so loaders report its parent's.
struct diagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string path;  // dotted path to the offending node, e.g. "stores.demo.backend"
  std::string message;

  // "file:line:col: path: message"
  std::string to_string() const;
};

using diagnostics = std::vector<diagnostic>;

// The closest candidate by edit distance, if close enough to be a plausible typo; "" otherwise.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace custbridge::config
