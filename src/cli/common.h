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

// Writes `text` to `path` (atomically: see output_file.h), or to `out` when
// path is empty. Returns kExitOk, or kExitInputError after printing why the
// file could not be written.
int write_report(const std::string& text, const std::string& path, std::ostream& out, std::ostream& err);

// How the subcommands that read plans read them: --encoding, --grammars,
// --max-input-mb, --max-numbering-states and -j, registered and applied here
// once for extract, compare and check.
struct ReadFlags {
  std::string encoding;  // empty: detect
  std::string grammars;  // empty: built-in grammars
  double max_input_mb = static_cast<double>(kDefaultMaxInputBytes) / (1 << 20);
  std::size_t max_numbering_states = kDefaultMaxNumberingStates;
  int jobs = 0;          // threads; 0: one per core
};
// `jobs_help` says what the threads do in this subcommand.
void add_read_flags(CLI::App* sub, ReadFlags& flags, const std::string& jobs_help);
// Fills `options` from the flags (loading --grammars DIR). On a bad grammar
// directory prints the error to `err` and returns false.
bool make_extract_options(const ReadFlags& flags, ExtractOptions& options, std::ostream& err);

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

// The number of cores this process may run on (taskset and cpusets count; at
// least 1): the default of -j.
int default_jobs();

// The options for each input of a batch on `jobs` workers (0: default_jobs()).
// The second input starts on another worker than the first, so it runs the
// later stages' one-time set-up first (ExtractOptions::
// prepare_late_stages_first) while the first input builds the early stages'.
class BatchOptions {
 public:
  BatchOptions(const ExtractOptions& options, int jobs);
  int jobs() const { return jobs_; }
  const ExtractOptions& for_input(std::size_t i) const { return i == 1 && jobs_ > 1 ? late_first_ : plain_; }

 private:
  int jobs_;
  ExtractOptions plain_, late_first_;
};

}  // namespace plancmp::cli
