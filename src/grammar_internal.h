// The compiled form of a Grammar, shared by the stages (private to src/).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <re2/re2.h>

#include "plancmp/grammar.h"

namespace plancmp {

// Where a marker may stand.
enum class MarkerPosition {
  kLineStart,  // only at the start of a paragraph
  kBoundary,   // paragraph start, or after 。;!?: or a closing bracket
  kBoundaryPreferred,  // anywhere, but off a boundary it counts half (a title
                       // that lost its line break runs into the next marker)
  kAnywhere,   // anywhere; the pattern and the sequence check guard it
};

enum class NumeralKind { kChinese, kArabic, kCircled, kNone };

// How a printed number relates to the true one.
enum class Fragment {
  kExact,   // as printed (still may be a truncation; see structure.cc)
  kPrefix,  // trailing digits may be lost: "(四" for (四十)
  kSuffix,  // leading digits may be lost: "一)" for (三十一)
};

struct MarkerRule {
  std::string id;
  std::string description;
  int level = 0;
  std::unique_ptr<RE2> re;  // named groups: num (the number), body (where the text starts)
  MarkerPosition position = MarkerPosition::kBoundary;
  NumeralKind numeral = NumeralKind::kNone;
  Fragment fragment = Fragment::kExact;
  double weight = 1.0;
  bool damaged = false;  // the rule reads a damaged print: every match is a repair
};

struct PatternRule {
  std::string id;
  std::string description;
  std::unique_ptr<RE2> re;
};

struct Grammar::Impl {
  std::vector<MarkerRule> markers;
  std::vector<std::pair<std::string, std::string>> confusables;  // longest key first
  PatternRule task_note;
  std::vector<RuleExample> examples;
};

}  // namespace plancmp
