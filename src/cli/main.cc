// plancmp: extract, compare and check Chinese policy plans.
// Wires the command line (CLI11); each subcommand lives in its own file.
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.h"
#include "plancmp/diagnostic.h"

int main(int argc, char** argv) {
  CLI::App app{
      "plancmp: read Chinese policy plans as data. extract: sections, numbered\n"
      "clauses, lead/support units, quantified targets, deadlines as YAML or JSON;\n"
      "compare: line up equivalent targets across plans; check: gate a draft on\n"
      "required indicators (text, JSON, SARIF, JUnit, GitHub annotations).",
      "plancmp"};
  app.set_version_flag("--version", "plancmp " PLANCMP_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Examples:\n"
      "  plancmp extract corpus/ankang-2023.txt\n"
      "  plancmp extract corpus/*.txt -o out/ --format json\n"
      "  plancmp compare corpus/*.txt --format html -o report.html\n"
      "  plancmp indicators --format json\n"
      "  plancmp check draft.txt --profile national-2025 --format sarif\n"
      "  plancmp extract --help");

  int status = plancmp::kExitOk;
  plancmp::cli::add_extract_command(app, status);
  plancmp::cli::add_indicators_command(app, status);
  plancmp::cli::add_compare_command(app, status);
  plancmp::cli::add_check_command(app, status);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message and a hint to run --help
    return plancmp::kExitInputError;
  }
  return status;
}
