// Stage 4: what the plan commits to, read from the normalized text once the
// structure is known: unit notes (lead/support, document-wide implementers),
// dated commitments, and quantified targets. Rules come from the grammar files
// units.yaml, dates.yaml and targets.yaml (see grammars/README.md).
#pragma once
#include <string>
#include <utility>
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

// Which rules of dates.yaml's `dates` set and of targets.yaml's `values` set
// can match in each line of the text, from one RE2::Set pass per line for
// both stages (a pass each cost twice as much). A line is read with its line
// break, so its lists may name a rule that matches only with the break: the
// stages run every listed rule themselves, and a list only rules out. Not
// `usable` when the grammar's sets do not allow it (a dates rule asserting the
// end of the text, values rules that look at their surroundings): the stages
// then ask their own sets.
struct LineRules {
  bool usable = false;
  std::vector<std::size_t> line_begin;         // text byte where line k begins
  std::vector<std::vector<int>> dates, values;  // per line: rule indices, ascending
  // Where the matches of the grammar's narrow rules can lie (see
  // src/line_rules.h): line k's windows are windows[window_begin[k]] up to
  // windows[window_begin[k + 1]], text byte ranges. Empty when not known.
  std::vector<std::size_t> window_begin;
  std::vector<std::pair<std::size_t, std::size_t>> windows;
};
LineRules match_lines(const NormalizedText& text, const Grammar& grammar);

// Every date phrase in document order (dates.yaml). `lines`: match_lines()'s
// answer, if the caller has it.
std::vector<DateMention> find_dates(const NormalizedText& text, const Grammar& grammar,
                                    const LineRules* lines = nullptr);

// doc.deadlines from the commitment mentions: clause, section, line, quote.
void extract_deadlines(const NormalizedText& text, const std::vector<DateMention>& dates,
                       Document& doc);

// Clause lead/support units and doc.implementers from unit notes (units.yaml).
void extract_units(const NormalizedText& text, const Grammar& grammar, Document& doc);

// doc.targets (targets.yaml); `dates` gives each target its deadline year.
void extract_targets(const NormalizedText& text, const Grammar& grammar,
                     const std::vector<DateMention>& dates, Document& doc,
                     const LineRules* lines = nullptr);

// Where a text position sits: the innermost clause (id, or nullopt) and the
// section n (0 before the first section). Shared by the extractors.
struct Location {
  std::optional<int> clause;
  int clause_index = -1;  // index in doc.clauses, -1 when none
  int section = 0;
};
Location locate(const Document& doc, std::size_t text_pos);

}  // namespace plancmp
