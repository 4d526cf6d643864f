// The whole extraction of one input: decode -> normalize -> structure ->
// (extract -> canonicalize, next stages) -> Document.
#pragma once
#include <memory>
#include <string>
#include <string_view>

#include "plancmp/decode.h"
#include "plancmp/document.h"
#include "plancmp/grammar.h"
#include "plancmp/structure.h"

namespace plancmp {

struct ExtractOptions {
  DecodeOptions decode;  // decode.max_input_bytes also bounds what extract_file reads
  std::shared_ptr<const Grammar> grammar;  // null: Grammar::builtin()
  // Bound on the numbering check's work per level (see find_structure()).
  std::size_t max_numbering_states = kDefaultMaxNumberingStates;
  // Run the later stages' one-time set-up (the catalogue, the joint line
  // rules and the states their regexes build, date and target rules) on this
  // input before the early stages. A batch sets it for the first input of a
  // second worker: while the first worker builds the early stages' set-up,
  // this one builds the rest, instead of both waiting on the same builds.
  // The output does not depend on it.
  bool prepare_late_stages_first = false;
};

// `display_name` is the file name reported in messages and in `source:`;
// the document id is its stem. Throws InputError when the input is refused.
Document extract_bytes(std::string_view bytes, const std::string& display_name,
                       const ExtractOptions& options = {});

// Reads `path` ("-" for standard input) and extracts it. Throws InputError
// naming the file when it cannot be read or is refused.
Document extract_file(const std::string& path, const ExtractOptions& options = {});

// "dir/ankang-2023.txt" -> "ankang-2023"; "-" -> "stdin".
std::string document_stem(const std::string& path);

}  // namespace plancmp
