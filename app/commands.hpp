#pragma once

#include <string>
#include <vector>

namespace custbridge::app {

// Each subcommand takes its own arguments (after the subcommand name) and returns
// the process exit code: 0 success, 1 failure, 2 usage or configuration error.
int run_serve(const std::vector<std::string>& args);
int run_check_config(const std::vector<std::string>& args);
int run_gen_key(const std::vector<std::string>& args);
int run_import(const std::vector<std::string>& args);

}  // namespace custbridge::app
