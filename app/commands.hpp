#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/gateway_config.hpp"

namespace custbridge::app {

// Each subcommand takes its own arguments (after the subcommand name) and returns
// the process exit code: 0 success, 1 failure, 2 usage or configuration error.
int run_serve(const std::vector<std::string>& args);
int run_check_config(const std::vector<std::string>& args);
int run_gen_key(const std::vector<std::string>& args);
int run_import(const std::vector<std::string>& args);
// `custbridge sync migrate|run|status|report` (app/sync_commands.cpp).
int run_sync(const std::vector<std::string>& args);

// Loads the config and every platform store's mapping file, printing every problem
// found to stderr; nullopt when there was one.
std::optional<config::gateway_config> load_config_or_report(const std::string& path);

}  // namespace custbridge::app
