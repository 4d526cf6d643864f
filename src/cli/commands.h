// Subcommands of the plancmp command line: each file of src/cli/ adds one.
// A subcommand's callback stores its exit status (plancmp::kExit*) in `status`.
#pragma once
#include <CLI/CLI.hpp>

namespace plancmp::cli {

void add_extract_command(CLI::App& app, int& status);
void add_indicators_command(CLI::App& app, int& status);
void add_compare_command(CLI::App& app, int& status);
void add_check_command(CLI::App& app, int& status);

}  // namespace plancmp::cli
