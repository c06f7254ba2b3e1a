#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace custbridge::testing {

// A subprocess with its stdout captured line by line (stderr is inherited so a
// failing test shows it). The destructor kills the process if it still runs.
class child_process {
 public:
  // Starts argv[0] with the given extra environment entries ("NAME=value").
  // Throws std::runtime_error if the process cannot be started.
  child_process(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {});
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  // The next stdout line, or nullopt on EOF or timeout.
  std::optional<std::string> read_line(std::chrono::milliseconds timeout);
  // Reads lines until one contains `needle`; returns it, or nullopt.
  std::optional<std::string> wait_for_line(const std::string& needle, std::chrono::milliseconds timeout);
  // Every line read so far.
  const std::vector<std::string>& lines() const { return lines_; }

  void signal(int sig);
  // The exit code (or 128 + signal), or nullopt if it did not exit in time.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::string pending_;
  std::vector<std::string> lines_;
  std::optional<int> exit_code_;
};

// Runs a command to completion and returns {exit code, stdout, stderr}.
struct command_result {
  int exit_code;
  std::string out;
  std::string err;
};
command_result run_command(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env = {});

}  // namespace custbridge::testing
