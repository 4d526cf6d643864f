// The spans of a text that hold numbers but are never targets (targets.yaml
// not_targets, private to src/): each rule's matches as a scan of the whole
// text finds them (a match, then the next from its end).
//
// Most rules cost a scan of the whole text: an alternation of them all, in
// one RE2 search, is the most this can be cut to while every byte is looked
// at. But only the bytes around values are ever asked about, and a rule's
// match holds only characters its pattern can match (its alphabet, read from
// the pattern): it lies inside one run of such characters. So the rules are
// run only over the runs that reach the spans asked about, and each run is
// scanned as the whole text's scan would reach it: no match of the rules
// crosses a character outside the alphabet, so every rule's scan starts
// afresh after one.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "grammar_internal.h"
#include "pair_scan.h"
#include "targets_patterns.h"

namespace plancmp {

// How the not_targets rules' matches are found, read from the rules once.
// Each rule's scan (a match, then the next from its end) is rebuilt from the
// positions where the rule can start, visited in order: a rule whose matches
// all open with a literal of a few bytes starts only where that literal
// occurs (found with memmem); the others start where one alternation of them
// all starts, which one RE2 scan finds. Needs rules with no assertion on their
// surroundings and no empty match; otherwise `per_rule` (a scan per rule).
struct NotTargetScan {
  bool per_rule = true;
  std::vector<std::pair<std::size_t, std::string>> by_literal;  // rule, the literal its matches open with
  // For each literal, a scan for its last two bytes (null: find_literal);
  // one stop a literal where memchr for its last byte stops at about one
  // character in 64.
  std::vector<std::shared_ptr<const BytePairScanner>> literal_pairs;
  // For each literal, the most bytes a match of its rule holds (read from
  // the pattern: its characters around an anchor, four bytes each); 0: not
  // known. With all known, a literal's rule is run only where its match
  // could reach a span asked about (cover()).
  std::vector<std::size_t> literal_reach;
  std::vector<std::size_t> by_alternation;                       // rules
  std::unique_ptr<RE2> alternation;
  // The characters the alternation's matches can hold; none: any.
  std::optional<CharTable> alphabet;
  // Characters one of which every match of the alternation holds; none: not known.
  std::optional<CharTable> required;

  explicit NotTargetScan(const RuleSet& rules);
};

class NotTargetMask {
 public:
  // `lazy`: scan the alternation's rules only where prepare() asks (when the
  // alphabet is known); otherwise everything at once. `pair_scan` false:
  // the literals by find_literal alone (for the tests).
  NotTargetMask(const RuleSet& rules, const NotTargetScan& scan, std::string_view text, bool lazy = true,
                bool pair_scan = true);

  // Marks [b, e) (a date).
  void mark(std::size_t b, std::size_t e);
  // Makes masked() exact in [b, e) for the literals' rules (everywhere, with
  // the rules run at every occurrence, once `b` comes before an earlier
  // call's): a lazy mask's marks in [b, e) before that hold dates, and what
  // the rules' matches begun before a span already asked about mark.
  // prepare() does it too.
  void cover(std::size_t b, std::size_t e) {
    if (lazy_literals_ && (b < covered_.first || e > covered_.second)) cover_literals(b, e);
  }
  // Makes masked() exact in [b, e). Spans must be asked for in order of
  // their starts (an earlier one makes the rest of the text exact first,
  // more slowly).
  void prepare(std::size_t b, std::size_t e);
  // Does a masked span hold a byte of [b, e)?
  bool masked(std::size_t b, std::size_t e) const {
    if (b >= e) return false;
    const std::size_t wb = b / 64, we = (e - 1) / 64;
    const std::uint64_t head = ~std::uint64_t{0} << (b % 64), tail = ~std::uint64_t{0} >> (63 - (e - 1) % 64);
    if (wb == we) return (masked_[wb] & head & tail) != 0;
    if (masked_[wb] & head) return true;
    for (std::size_t w = wb + 1; w < we; ++w)
      if (masked_[w]) return true;
    return (masked_[we] & tail) != 0;
  }
  // Is every byte of [b, e) masked? (A place passed over for values.)
  bool all_masked(std::size_t b, std::size_t e) const {
    for (; b < e && b % 64 != 0; ++b)
      if (!(masked_[b / 64] >> (b % 64) & 1)) return false;
    for (; b + 64 <= e; b += 64)
      if (masked_[b / 64] != ~std::uint64_t{0}) return false;
    for (; b < e; ++b)
      if (!(masked_[b / 64] >> (b % 64) & 1)) return false;
    return true;
  }
  // How many bytes the alternation has been run over (for tests).
  std::size_t scanned_bytes() const { return scanned_bytes_; }
  // How many times a literal's rule has been run (for tests).
  std::size_t literal_runs() const { return literal_runs_; }

 private:
  // Runs the alternation's scan over [from, to): the rules' scans are taken
  // up at `from` as they stood (continuing) or afresh.
  void scan_alternation(std::size_t from, std::size_t to, bool afresh);
  // Does [begin, end) hold a character every match needs one of?
  bool holds_required(std::size_t begin, std::size_t end) const;
  // Is [begin, end) one valid character outside the alphabet? No match of
  // the alternation then holds any of its bytes.
  bool outside_alphabet(std::size_t begin, std::size_t end) const;
  // Where the alternation's scan must start for a span from `b`: after the
  // last character outside the alphabet before b, or where the scan done so
  // far ended if no such character lies between (then it goes on).
  std::size_t run_start(std::size_t b, bool& afresh) const;
  // The first character outside the alphabet from `e` on (its start), or the
  // text's end: no match that starts before it ends after it.
  std::size_t run_end(std::size_t e) const;

  void cover_literals(std::size_t b, std::size_t e);
  // The rule of literal k at occurrence x, if x is not inside its last match.
  void take_literal(std::size_t k, std::size_t x);

  const RuleSet& rules_;
  const NotTargetScan& scan_;
  std::string_view text_;
  std::vector<std::uint64_t> masked_;  // a bit per byte of the text (and one past it)
  bool lazy_ = false;
  std::vector<std::size_t> from_;  // per rule: where its scan goes on
  std::size_t covered_end_ = 0;    // the alternation's scan is done up to here
  std::size_t last_prepared_ = 0;
  std::size_t scanned_bytes_ = 0;
  // The lazy literals (cover()): per literal, its occurrences in order, how
  // many have been dealt with, the first of those not run whose match may
  // hide a later one (pending), and where its rule's scan goes on.
  bool lazy_literals_ = false;
  std::vector<std::vector<std::size_t>> occurrences_;
  std::vector<std::size_t> occurrences_done_, pending_, literal_next_;
  std::size_t last_covered_ = 0;
  std::pair<std::size_t, std::size_t> covered_{1, 0};  // the last span cover() dealt with
  std::size_t literal_runs_ = 0;
};

}  // namespace plancmp
