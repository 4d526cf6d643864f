// Plumbing the subcommands share (private to src/cli/).
#pragma once
#include <iosfwd>
#include <string>

#include "plancmp/pipeline.h"

namespace plancmp::cli {

// Fills options from --grammars DIR and --encoding NAME. On a bad grammar
// directory prints the error to `err` and returns false.
bool load_options(const std::string& grammars, const std::string& encoding, ExtractOptions& options,
                  std::ostream& err);

// Writes `text` to `path`, or to `out` when path is empty. Returns kExitOk, or
// kExitInputError after printing why the file could not be written.
int write_report(const std::string& text, const std::string& path, std::ostream& out, std::ostream& err);

}  // namespace plancmp::cli
