// Plumbing the subcommands share (private to src/cli/).
#pragma once
#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

#include "plancmp/document.h"
#include "plancmp/structure.h"

namespace CLI {
class App;
}

#include "plancmp/pipeline.h"

namespace plancmp::cli {

// Fills options from --grammars DIR and --encoding NAME. On a bad grammar
// directory prints the error to `err` and returns false.
bool load_options(const std::string& grammars, const std::string& encoding, ExtractOptions& options,
                  std::ostream& err);

// Writes `text` to `path` (atomically: see output_file.h), or to `out` when
// path is empty. Returns kExitOk, or kExitInputError after printing why the
// file could not be written.
int write_report(const std::string& text, const std::string& path, std::ostream& out, std::ostream& err);

// Limits on one input's work and memory, shared by the subcommands that read
// plans (--max-input-mb, --max-numbering-states).
struct InputLimits {
  double max_input_mb = static_cast<double>(kDefaultMaxInputBytes) / (1 << 20);
  std::size_t max_numbering_states = kDefaultMaxNumberingStates;
};
void add_limit_flags(CLI::App* sub, InputLimits& limits);
void apply_limits(const InputLimits& limits, ExtractOptions& options);

// Documents read by compare and check, in input order.
struct LoadedDocuments {
  std::vector<std::pair<std::string, Document>> documents;  // (path, document)
  bool any_error = false;  // some argument or input was refused (and reported)
};

// Reads every input (plan texts or plancmp's YAML/JSON; folders and patterns
// expanded, see inputs.h) on `jobs` threads (0: one per core). A refused input
// is reported on `err` and left out.
LoadedDocuments load_documents(const std::vector<std::string>& args, const ExtractOptions& options, int jobs,
                               std::ostream& err);

// The number of cores (at least 1).
int default_jobs();

}  // namespace plancmp::cli
