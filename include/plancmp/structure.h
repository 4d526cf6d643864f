// Stage 3: normalized text -> sections and numbered clauses, with repaired numbering.
//
// Markers are found with the RE2 patterns of the numbering grammar (one level
// per shape of the usual government numbering: 一、 -> (一) -> 1. -> (1)).
// Each level's candidates are then checked against the expected sequence: a
// dynamic programme picks the most plausible consecutive numbering, reading
// damaged prints ("(二十)" for 24, "一)", ")", "H ." for 11, "(-)" for (一)) as
// fragments compatible with several numbers, and counting unnumbered headings
// or task paragraphs in where the sequence needs them. Every repair is a Warning.
#pragma once
#include <cstddef>
#include <vector>

#include "plancmp/document.h"
#include "plancmp/grammar.h"
#include "plancmp/normalize.h"

namespace plancmp {

struct Structure {
  std::vector<Section> sections;
  std::vector<Clause> clauses;     // document order
  std::vector<Warning> warnings;
};

// The numbering check weighs every (candidate item, number) reading; past
// `max_states` readings on one level (tens of thousands of unnumbered or
// damaged candidates) it keeps only items with a readable printed number and
// adds a "numbering-limit" warning, so memory stays bounded (~24 bytes each).
inline constexpr std::size_t kDefaultMaxNumberingStates = 4'000'000;

Structure find_structure(const NormalizedText& text, const Grammar& grammar,
                         std::size_t max_states = kDefaultMaxNumberingStates);

}  // namespace plancmp
