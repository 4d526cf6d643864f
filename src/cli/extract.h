// `plancmp extract FILE... [-o DIR] [--format yaml|json] [--encoding NAME]
//  [-j N] [--grammars DIR] [--quiet] [--explain]`: one Document per input, as YAML or JSON.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

#include "common.h"

namespace plancmp::cli {

struct ExtractArgs {
  std::vector<std::string> files;  // "-" is standard input
  std::string out_dir;             // empty: write to stdout
  std::string format = "yaml";     // yaml | json | jsonl
  ReadFlags read;                  // --encoding, --grammars, limits, -j
  bool quiet = false;              // no warnings on stderr
  bool explain = false;            // each item's rule and source on stderr
};

// Extracts every input (files, folders, patterns: see inputs.h) on args.jobs
// threads, writing documents in input order to `out` (or to files under
// args.out_dir) and messages to `err`. A refused input is reported and
// skipped; the result is kExitInputError if any input failed, else kExitOk.
int run_extract(const ExtractArgs& args, std::ostream& out, std::ostream& err);

}  // namespace plancmp::cli
