// The compiled form of a Grammar, shared by the stages (private to src/).
#pragma once
#include <map>
#include <set>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

#include "plancmp/grammar.h"

namespace plancmp {

class Catalogue;
struct MarkerScan;  // find_markers' tables for a grammar's rules (markers.cc)
struct UnitsTables;  // extract_units' tables for units.yaml (units.cc)

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
  std::map<std::string, std::string> attrs;  // the rule's other scalar fields (op, kind, role…)

  const std::string& attr(const std::string& key) const {
    static const std::string empty;
    auto it = attrs.find(key);
    return it == attrs.end() ? empty : it->second;
  }
};

// The task note of numbering.yaml: a paragraph it matches is a task.
// (merge_part in grammar.cc moves these fields one by one: add new ones there.)
struct TaskNote {
  std::string id;  // "": the grammar has none
  std::string description;
  std::string pattern;
  RE2::Options options;
  // The regex, compiled at load for a --grammars file (where an error must
  // be reported) and on first use for the built-in file, whose pattern is
  // known to compile: its counted repeat costs ~5M instructions to compile,
  // and structure.cc nearly always reads the pattern through a cheaper copy
  // (structure_tail.h).
  const RE2& re() const;
  mutable std::once_flag once;
  mutable std::unique_ptr<RE2> compiled;
};

// Does the pattern assert nothing about its surroundings (no ^ $ \b \B \A \z
// outside character classes, and nothing the check cannot follow)? Then a
// match is a match wherever the text around it is cut, and what RE2's
// PossibleMatchRange says of matches at the start of a text holds at any
// position (a \b before the first character does not: it depends on the
// character before).
bool pattern_context_free(const std::string& pattern);

// An ordered list of rules plus an RE2::Set over all of them, so one pass over
// a text says which rules can match there (then each is run for its groups).
struct RuleSet {
  std::vector<PatternRule> rules;
  // The rules as one RE2::Set, compiled on first use: most sets are never
  // asked which of their rules match, and compiling them all cost every
  // start-up about 15M instructions. Null when the set is too large to
  // compile (matching() and any() then ask each rule).
  const RE2::Set* set() const;
  struct LazySet {
    std::once_flag once;
    std::unique_ptr<RE2::Set> set;
  };
  std::unique_ptr<LazySet> lazy_set = std::make_unique<LazySet>();
  // No rule asserts anything about its surroundings (^ $ \b \B \A \z, (?m)):
  // a match inside a span is then a match inside any larger span, so a set
  // that matches nowhere in a paragraph matches nowhere in any part of it.
  bool context_free = true;

  // The rules' regexes, in rule order.
  std::vector<const RE2*> regexes() const {
    std::vector<const RE2*> out;
    for (const PatternRule& r : rules) out.push_back(r.re.get());
    return out;
  }

  // Indices of the rules that match somewhere in `text`, in rule order.
  std::vector<int> matching(std::string_view text) const;
  // Does any rule match somewhere in `text`? (No list of which: cheaper.)
  bool any(std::string_view text) const;


  // The named group rule `rule` ends with, when every match that sets it ends
  // where the group ends and the group is never empty (the pattern closes
  // with the group, then nothing or only `$`); "" otherwise. Read from the
  // patterns on first use.
  const std::string& closing_group(std::size_t rule) const;
  struct LazyNames {
    std::once_flag once;
    std::vector<std::string> names;
  };
  std::unique_ptr<LazyNames> closing = std::make_unique<LazyNames>();
};

// One grammar file in the generic format: named rule sets and string lists.
struct RuleFile {
  std::map<std::string, RuleSet> sets;
  std::map<std::string, std::vector<std::string>> lists;
};

class LineWindows;

struct Grammar::Impl {
  std::vector<MarkerRule> markers;
  std::vector<std::pair<std::string, std::string>> confusables;  // longest key first
  TaskNote task_note;
  std::map<std::string, RuleFile> files;  // every other grammars/*.yaml, by file name
  // The text of every grammar file and the name to report it by
  // ("grammars/x.yaml", "<built-in>/x.yaml"), by file name: for files in a
  // format of their own (indicators.yaml, read by src/canonicalize.cc).
  std::map<std::string, std::string> raw_files;
  std::map<std::string, std::string> file_paths;
  // Files taken from the embedded defaults (not from a --grammars folder).
  std::set<std::string> builtin_files;
  std::vector<RuleExample> examples;

  // The catalogue of indicators.yaml, built on first use (canonicalize.cc):
  // once, under call_once, and immutable afterwards.
  mutable std::once_flag catalogue_once;
  mutable std::shared_ptr<const Catalogue> catalogue;
  // find_markers' tables for `markers`, built on first use (markers.cc).
  mutable std::once_flag marker_scan_once;
  mutable std::shared_ptr<const MarkerScan> marker_scan;
  // extract_targets' readings of targets.yaml, made on first use (of a type
  // private to targets.cc).
  mutable std::once_flag target_facts_once;
  mutable std::shared_ptr<const void> target_facts;
  // extract_units' tables for units.yaml, built on first use (units.cc).
  mutable std::once_flag units_tables_once;
  mutable std::shared_ptr<const UnitsTables> units_tables;

  // The rule set `set` of `file`; an empty set when the file or set is absent.
  const RuleSet& rule_set(const std::string& file, const std::string& set) const;
  const std::vector<std::string>& list(const std::string& file, const std::string& name) const;
  // The words of that list as one RE2 alternation matching the bytes exactly
  // (as std::string::find would), compiled on first use; null for a missing or
  // empty list.
  const RE2* list_alternation(const std::string& file, const std::string& name) const;

  // One per list of every file, created at load; compiled under call_once.
  struct LazyAlternation {
    std::once_flag once;
    std::unique_ptr<RE2> re;
  };
  std::map<std::string, std::unique_ptr<LazyAlternation>> alternations;  // by "file/list"

  // The dates and values rules as one RE2::Set, for match_lines()
  // (src/line_rules.cc), built on first use. Null: not usable.
  struct LineSet {
    std::unique_ptr<RE2::Set> set;
    std::size_t dates = 0;  // the first `dates` rules of the set are the dates rules
    // Where in a line the set's rules can match (src/line_rules.h); null:
    // not known, whole lines are read.
    std::shared_ptr<const LineWindows> windows;
  };
  const LineSet* line_set() const;
  mutable std::once_flag line_set_once;
  mutable std::unique_ptr<LineSet> line_set_built;
};

// Can the pattern assert the end of the text ($ without (?m), \z)? Then a
// match in a text may be no match once something follows the text. In doubt
// (a pattern this scan does not follow): true.
bool pattern_asserts_text_end(const std::string& pattern);

// The pattern with each named group spelled `(?P<name>…)`. RE2 from 2023 on
// also reads `(?<name>…)`; plancmp's own readings of patterns (windows, start
// tests, group frames) know the first spelling only, so the grammar rewrites
// the second on load (and so accepts it whatever RE2's version). Escapes
// and classes are left alone; a pattern the scan cannot follow (see
// pattern_token_end) stays as written.
std::string with_p_named_groups(const std::string& pattern);

// The step the hand scans of pattern text share (assertions, closing groups,
// marker prefilters): at p[i], a '\\' or a '[' outside a class, the end of
// that escape (\p{...} and \x{...} whole) or character class (a leading ^
// and ] included, escapes inside it skipped). npos where such scans do not
// follow the pattern: \Q quoting, a nested '[' ([[:alpha:]]), an
// unterminated class or brace.
std::size_t pattern_token_end(std::string_view p, std::size_t i);

}  // namespace plancmp
