// Turning FILE arguments into the list of inputs of a batch (private to
// src/cli/): files as given, directories walked recursively, glob patterns
// expanded (also `**`), duplicates dropped, order kept.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace plancmp::cli {

struct Input {
  std::string path;         // as given or found; "-" is standard input
  std::string output_name;  // output path relative to -o DIR, without extension:
                            // the stem for a file argument, the path below the
                            // directory (or the pattern's fixed folder) otherwise
  std::uintmax_t size = 0;  // bytes (0 for stdin or an unreadable file)
};

struct InputList {
  std::vector<Input> inputs;
  std::vector<std::string> errors;  // "path: error: why", one per argument that gave nothing
};

// Which files a directory walk or a pattern picks up (by extension, lower
// case, without the dot). Files named explicitly are always taken.
struct InputFilter {
  std::vector<std::string> extensions;
};

// Plan texts: txt, text, md.
InputFilter plan_text_filter();
// Plan texts and plancmp's own outputs: also yaml, yml, json.
InputFilter plan_or_output_filter();

// An argument that names no existing file and holds *, ? or [ is a glob
// pattern (`*` and `?` stay inside one folder, `**/` spans folders). Hidden
// files and folders (".name") are skipped in walks. A file argument that does
// not exist is passed through, so reading it reports the error in order.
InputList expand_inputs(const std::vector<std::string>& args, const InputFilter& filter);

// The glob `pattern` as an RE2 pattern over '/'-separated relative paths.
std::string glob_to_regex(const std::string& pattern);

}  // namespace plancmp::cli
