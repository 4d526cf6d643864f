// The extraction pipeline for one input. See include/plancmp/pipeline.h.
#include "plancmp/pipeline.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>
#include <cerrno>
#include <climits>
#include <cstdint>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plancmp/canonicalize.h"
#include "plancmp/extract.h"
#include "plancmp/metadata.h"
#include "plancmp/normalize.h"
#include "plancmp/structure.h"

namespace plancmp {

namespace {

[[noreturn]] void too_large(const std::string& path, const std::string& size, std::size_t limit) {
  throw InputError(path, "file too large: " + size + " bytes, over the input size limit of " +
                             std::to_string(limit) + " bytes");
}

// Reads at most `limit` bytes (0: up to 2 GiB) and refuses anything longer, so a
// huge file, /dev/zero or an endless pipe never fills memory.
std::string read_bounded(std::istream& in, const std::string& path, std::size_t limit,
                         std::size_t expected_size = 0) {
  if (limit == 0) limit = static_cast<std::size_t>(INT32_MAX);
  std::string text;
  text.reserve(std::min(expected_size, limit) + 1);  // no regrowth for a file of known size
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    const auto got = static_cast<std::size_t>(in.gcount());
    if (text.size() + got > limit) too_large(path, "more than " + std::to_string(limit), limit);
    text.append(buffer, got);
  }
  if (in.bad()) throw InputError(path, "read error");
  return text;
}

// A file is read with one open, one fstat and read(2) straight into the
// result (the stream path copies every byte twice and stats the file three
// times; over a batch of small plans that is measurable).
std::string read_all(const std::string& path, std::size_t limit) {
  if (path == "-") return read_bounded(std::cin, path, limit);
  if (limit == 0) limit = static_cast<std::size_t>(INT32_MAX);
  // One byte past the limit is how a longer input is seen; no wrap at SIZE_MAX.
  const std::size_t room = limit == SIZE_MAX ? limit : limit + 1;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path, "cannot open file");
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat st {};
  std::size_t expected_size = 0;
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) throw InputError(path, "is a directory, not a plan text");
    if (S_ISREG(st.st_mode)) {
      const auto size = static_cast<std::size_t>(st.st_size);
      if (size > limit) too_large(path, std::to_string(size), limit);
      expected_size = size;
    }
  }
  // One byte of room past the expected size, so the read that finds the end
  // needs no regrowth; devices and pipes grow the buffer as they go.
  std::string text(std::min(expected_size + 1, room), '\0');
  std::size_t used = 0;
  while (true) {
    if (used == text.size()) {
      if (used > limit) too_large(path, "more than " + std::to_string(limit), limit);
      text.resize(std::min(std::max<std::size_t>(2 * used, 1 << 16), room));
    }
    const ssize_t got = ::read(fd, text.data() + used, text.size() - used);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw InputError(path, "read error");
    }
    if (got == 0) break;
    used += static_cast<std::size_t>(got);
  }
  if (used > limit) too_large(path, "more than " + std::to_string(limit), limit);
  text.resize(used);
  return text;
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
  // Normalization maps offsets back to the decoded text itself: decode's map
  // to the file is not needed (and when it is built all the same, its memory,
  // 8 bytes per byte, goes before normalization builds its own).
  DecodeOptions decode_options = options.decode;
  decode_options.input_offsets = false;
  DecodedText decoded = decode(bytes, display_name, decode_options);
  std::vector<long long>().swap(decoded.input_offset);
  NormalizedText text = NormalizedText::build_from(std::move(decoded.utf8));
  std::shared_ptr<const Grammar> grammar = options.grammar ? options.grammar : Grammar::builtin();
  // Which line rules can match and the dates depend on the text alone, so
  // computed first they are the same; the targets found here are dropped.
  std::optional<LineRules> lines;
  std::vector<DateMention> dates;
  if (options.prepare_late_stages_first) {
    Catalogue::from_grammar(*grammar);
    lines.emplace(match_lines(text, *grammar));
    dates = find_dates(text, *grammar, &*lines);
    Document scratch;
    extract_targets(text, *grammar, dates, scratch, &*lines);
  }
  Structure structure = find_structure(text, *grammar, options.max_numbering_states);

  Document doc;
  doc.document = document_stem(display_name);
  doc.source = display_name == "-" ? "-" : std::filesystem::path(display_name).filename().string();
  doc.encoding = decoded.encoding;
  find_metadata(text, *grammar, doc);
  doc.sections = std::move(structure.sections);
  doc.clauses = std::move(structure.clauses);
  extract_units(text, *grammar, doc);
  // One set pass per line tells both dates and targets which rules to run.
  if (!lines) {
    lines.emplace(match_lines(text, *grammar));
    dates = find_dates(text, *grammar, &*lines);
  }
  extract_deadlines(text, dates, doc);
  extract_targets(text, *grammar, dates, doc, &*lines);
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
  return extract_bytes(read_all(path, options.decode.max_input_bytes), path, options);
}

}  // namespace plancmp
