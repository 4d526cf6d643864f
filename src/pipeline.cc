// The extraction pipeline for one input. See include/plancmp/pipeline.h.
#include "plancmp/pipeline.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "plancmp/canonicalize.h"
#include "plancmp/extract.h"
#include "plancmp/metadata.h"
#include "plancmp/normalize.h"
#include "plancmp/structure.h"

namespace plancmp {

namespace {

std::string read_all(const std::string& path) {
  if (path == "-") {
    std::ostringstream text;
    text << std::cin.rdbuf();
    return text.str();
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw InputError(path, "is a directory, not a plan text");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw InputError(path, "read error");
  return text.str();
}

void append(std::vector<Warning>& to, const std::vector<Warning>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

std::string document_stem(const std::string& path) {
  if (path == "-") return "stdin";
  return std::filesystem::path(path).stem().string();
}

Document extract_bytes(std::string_view bytes, const std::string& display_name,
                       const ExtractOptions& options) {
  DecodedText decoded = decode(bytes, display_name, options.decode);
  // The offset map of decode is not used here; its memory (8 bytes per byte)
  // goes before normalization builds its own, and the text is moved, not copied.
  std::vector<long long>().swap(decoded.input_offset);
  NormalizedText text = NormalizedText::build_from(std::move(decoded.utf8));
  std::shared_ptr<const Grammar> grammar = options.grammar ? options.grammar : Grammar::builtin();
  Structure structure = find_structure(text, *grammar);

  Document doc;
  doc.document = document_stem(display_name);
  doc.source = display_name == "-" ? "-" : std::filesystem::path(display_name).filename().string();
  doc.encoding = decoded.encoding;
  find_metadata(text, *grammar, doc);
  doc.sections = std::move(structure.sections);
  doc.clauses = std::move(structure.clauses);
  extract_units(text, *grammar, doc);
  std::vector<DateMention> dates = find_dates(text, *grammar);
  extract_deadlines(text, dates, doc);
  extract_targets(text, *grammar, dates, doc);
  // Stage 5: catalogue ids (the catalogue is built once per grammar and cached).
  // With no targets there is nothing to match: the built-in catalogue is then
  // not even built (start-up); a replacement one is, so a broken file is
  // still reported for every document.
  if (!doc.targets.empty() || grammar != Grammar::builtin())
    canonicalize(*Catalogue::from_grammar(*grammar), doc);
  append(doc.warnings, decoded.warnings);
  append(doc.warnings, text.warnings());
  append(doc.warnings, structure.warnings);
  return doc;
}

Document extract_file(const std::string& path, const ExtractOptions& options) {
  return extract_bytes(read_all(path), path, options);
}

}  // namespace plancmp
