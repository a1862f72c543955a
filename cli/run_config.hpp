#pragma once
// `baorestore run`'s settings from their sources (issue 7), lowest precedence first: the
// defaults, the --config file, the BAORESTORE_* environment variables, then the command-line
// flags given explicitly (run_options::given). The environment applies with or without a file.

#include <ostream>
#include <string>
#include <variant>

#include "cli/run_command.hpp"
#include "config/operator_config.hpp"

namespace baorestore::cli {

/// Assigns to `cfg` the settings of the flags in `flags.given`; a problem for a flag value
/// the configuration cannot hold (a fractional --burst, a --job-poll-* out of range).
/// Records each setting given in `origins` (by its flag's name, for messages).
config::config_problems apply_flags(config::operator_config& cfg, const run_options& flags,
                                    config::setting_origins& origins);

/// The run options of a configuration; context and quiet, which are flags only, from `flags`.
/// Lock wait and validation deadline are counted in seconds by the operator: rounded up.
run_options to_run_options(const config::operator_config& cfg, const run_options& flags);

/// The settings the operator does not honour yet, among those that differ from the defaults.
std::vector<std::string> unimplemented_settings(const config::operator_config& cfg);

/// Resolves `requested` against the file, the environment and the flags. Prints the problems
/// (one per line, with their path) and gives exit_usage; with --print-config prints the
/// effective configuration as YAML on `out` and gives exit_ok; otherwise says on `err` which
/// non-default settings are ignored for now, and gives the run options.
std::variant<run_options, int> resolve_run_options(const run_options& requested,
                                                   const config::getenv_function& getenv,
                                                   std::ostream& out, std::ostream& err);

} // namespace baorestore::cli
