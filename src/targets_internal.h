// Shared between the target extractors (private to src/).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "grammar_internal.h"
#include "plancmp/document.h"
#include "plancmp/normalize.h"

namespace plancmp {

// Targets from indicator-table rows (grammars/tables.yaml). Marks in
// `table_lines` (indexed by 1-based source line) the lines read as table rows,
// so the prose extractor leaves them alone.
void extract_table_targets(const NormalizedText& text, const Grammar::Impl& grammar,
                           const std::vector<std::string>& lower_is_better, Document& doc,
                           std::vector<bool>& table_lines);

// The first place in `line` from `i` where a table cell gap may open (a
// tab, '|', two spaces, a space and an ideographic space, │ ｜ or the
// ideographic space), or line.size(). `way` says how many places a step are
// looked at (all ways give the same place; tests compare them).
enum class GapScan { kWidest, kSixteen, kBytes };
std::size_t next_table_gap(std::string_view line, std::size_t i, GapScan way = GapScan::kWidest);

// For tests: the prose extractor's work on long texts, and a switch to its
// straightforward path (each value's text read from the anchor again, each
// values rule's next match by an unanchored search, the
// comparators scanned from its start, no text known to hold no clause verb,
// every segment looked at for every rule), to compare with. The switch is a plain global, set by one test at a time;
// the count is per thread (documents are read in parallel).
struct TargetsTesting {
  static inline bool straightforward = false;
  static inline thread_local std::size_t scanned_bytes = 0;  // bytes the scans before values went over
};

}  // namespace plancmp
