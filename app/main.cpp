#include <iostream>
#include <string>
#include <vector>

#include "app/commands.hpp"

namespace {

constexpr const char* usage = R"(custbridge - one canonical customer API over many e-commerce platforms

Usage: custbridge <command> [options]

Commands:
  serve          run the gateway
  check-config   validate a configuration file and report every problem
  gen-key        print a new API key and the hash to put in the config
  import         load customers into any store (order counts on local stores)
  sync           carry customers from one store to another (migrate, run, status, report)

Run 'custbridge <command> --help' for a command's options.
)";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << usage;
    return 2;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << usage;
    return 0;
  }
  if (command == "serve") return custbridge::app::run_serve(args);
  if (command == "check-config") return custbridge::app::run_check_config(args);
  if (command == "gen-key") return custbridge::app::run_gen_key(args);
  if (command == "import") return custbridge::app::run_import(args);
  if (command == "sync") return custbridge::app::run_sync(args);
  std::cerr << "custbridge: unknown command '" << command << "'\n\n" << usage;
  return 2;
}
