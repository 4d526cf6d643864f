// The data model of one extracted plan: what `plancmp extract` prints.
// Field names follow ../shared/gold/SPEC.md (the output contract), plus
// `schema`, `encoding`, `warnings` and position details.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "plancmp/diagnostic.h"

namespace plancmp {

inline constexpr const char* kSchema = "plancmp/1";

struct Section {
  int n = 0;              // true ordinal, repaired
  std::string printed;    // as printed ("" when the number is lost)
  std::string title;
  int line = 0;
  int column = 0;
  std::string rule;       // id of the marker rule (or heading-line) that found it
  // Internal: byte range of the section in the normalized text.
  std::size_t text_begin = 0, text_end = 0;
};

struct Clause {
  int id = 0;                  // true number within its series, repaired
  std::optional<int> parent;   // id of the enclosing numbered item
  std::string printed;         // as printed, half-width; "" when missing
  int section = 0;             // n of the enclosing section (0: before any)
  std::string title;
  int line = 0;
  int column = 0;
  int level = 0;               // numbering level: 2 = (一), 3 = 1., 4 = (1)
  std::string rule;            // marker rule id, heading-line or task-paragraph
  std::string units_rule;      // rule of the unit note that gave lead/support
  std::string units_quote;     // that note, exact raw text
  std::vector<std::string> lead;
  std::vector<std::string> support;
  // Internal: byte range of the clause (marker to next item) in the normalized
  // text, and the index of the parent clause in Document::clauses (-1: none).
  std::size_t text_begin = 0, text_end = 0;
  int parent_index = -1;
};

struct Target {
  std::optional<int> clause;
  int section = 0;
  std::string indicator;
  std::optional<std::string> indicator_id;  // catalogue id (canonicalize), null when unmatched
  std::string op;
  double value = 0;
  std::string unit;
  std::optional<int> year;
  std::optional<int> baseline_year;
  int line = 0;
  int column = 0;
  std::string quote;
  std::string rule;            // id of the rule that produced it
};

struct Deadline {
  std::optional<int> clause;
  int section = 0;
  std::string date;            // YYYY, YYYY-MM or YYYY-MM-DD
  std::string kind;            // by | from | period
  int line = 0;
  int column = 0;
  std::string quote;
  std::string rule;
};

// A unit named by a note that stands outside every clause (an excerpt, or a
// section's own text): SPEC has no clause to hold it, so it is kept here.
struct UnitMention {
  std::string unit;
  std::string role;  // lead | support
  int line = 0;
  int section = 0;
};

struct Document {
  std::string document;        // short id: the file stem
  std::string source;          // file name as given
  std::string encoding;
  std::optional<std::string> city, province, title, issuer, date;
  std::vector<Section> sections;
  std::vector<Clause> clauses;
  std::vector<std::string> implementers;
  std::vector<UnitMention> units;  // notes outside clauses
  std::vector<Target> targets;
  std::vector<Deadline> deadlines;
  std::vector<Warning> warnings;
};

}  // namespace plancmp
