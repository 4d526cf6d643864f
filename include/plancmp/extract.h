// Stage 4: what the plan commits to, read from the normalized text once the
// structure is known: unit notes (lead/support, document-wide implementers),
// dated commitments, and quantified targets. Rules come from the grammar files
// units.yaml, dates.yaml and targets.yaml (see grammars/README.md).
#pragma once
#include <string>
#include <vector>

#include "plancmp/document.h"
#include "plancmp/grammar.h"
#include "plancmp/normalize.h"

namespace plancmp {

// A date phrase found in the text. Deadlines are the mentions that are
// commitments; every "by" mention also scopes the targets after it.
struct DateMention {
  std::size_t begin = 0, end = 0;  // normalized text bytes of the phrase
  std::string date;                // "YYYY", "YYYY-MM" or "YYYY-MM-DD"
  int year = 0;
  std::string kind;                // by | from | period | baseline
  bool commitment = false;         // true: listed under deadlines
  bool scopes_targets = false;     // targets after it in its paragraph take its year
                                   // (every "by"; a rule may add `scopes: "true"`)
  std::string rule;                // id of the rule that found it
};

// Every date phrase in document order (dates.yaml).
std::vector<DateMention> find_dates(const NormalizedText& text, const Grammar& grammar);

// doc.deadlines from the commitment mentions: clause, section, line, quote.
void extract_deadlines(const NormalizedText& text, const std::vector<DateMention>& dates,
                       Document& doc);

// Clause lead/support units and doc.implementers from unit notes (units.yaml).
void extract_units(const NormalizedText& text, const Grammar& grammar, Document& doc);

// doc.targets (targets.yaml); `dates` gives each target its deadline year.
void extract_targets(const NormalizedText& text, const Grammar& grammar,
                     const std::vector<DateMention>& dates, Document& doc);

// Where a text position sits: the innermost clause (id, or nullopt) and the
// section n (0 before the first section). Shared by the extractors.
struct Location {
  std::optional<int> clause;
  int clause_index = -1;  // index in doc.clauses, -1 when none
  int section = 0;
};
Location locate(const Document& doc, std::size_t text_pos);

}  // namespace plancmp
