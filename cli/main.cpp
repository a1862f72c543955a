// The baorestore executable: CLI11 wiring only. Each subcommand is one add_<name>_command
// function that declares its options and, when chosen, runs the command's logic
// (cli/<name>_command.hpp, testable without a process) and keeps its exit code.

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/exit_code.hpp"
#include "cli/validate_command.hpp"

namespace {

using namespace baorestore::cli;

void add_validate_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand(
    "validate", "Check manifests (YAML or JSON) offline, one verdict per document");
  auto files = std::make_shared<std::vector<std::string>>();
  cmd->add_option("files", *files, "Manifest files; - reads standard input")->required();
  cmd->callback([files, &exit_code] { exit_code = run_validate(*files, std::cout, std::cerr); });
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app{"Restores OpenBao clusters on Kubernetes from snapshots", "baorestore"};
  app.set_version_flag("--version", BAORESTORE_VERSION);
  app.require_subcommand(1);
  int exit_code = exit_ok;
  add_validate_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version end parsing with code 0 (CLI11 prints them); any other parse error
    // is a usage error, whatever CLI11's own code for it.
    return app.exit(e) == 0 ? exit_ok : exit_usage;
  }
  return exit_code;
}
