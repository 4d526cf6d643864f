// Where in a line the dates and values rules can match (private to src/):
// match_lines() runs its joint set only over these windows, and find_dates()
// runs a rule only over the windows where it can open a match.
//
// Each reading only rules places out (pattern_chars, targets_patterns.h):
//   - a narrow rule (its matches hold only some characters, its alphabet)
//     matches inside a run of its alphabet, from a character that can open
//     a match, holding one of its anchors: characters of which its every
//     match holds one (an ASCII digit when every match holds one, else its
//     required characters). The runs of the rules' joint alphabet around
//     the joint anchors, from their first joint opening character on, then
//     hold every narrow rule's matches;
//   - a wide rule (any character may be in a match: a negated class) whose
//     matches hold an anchor within a known reach (pattern_reach) matches
//     within that reach of one of its anchors.
// A rule neither narrow nor wide (a match may be empty, the pattern is not
// followed) leaves no windows at all: the callers then read whole lines.
//
// The anchors are found by their last two bytes (or the one of an ASCII
// anchor): the scan reads a pair of bytes a step, and looks at characters
// only where an anchor may end.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "byte_scan.h"
#include "targets_patterns.h"

namespace plancmp {

// Readings of pattern text by recursive descent, as to a set of anchor
// characters; each fails (false, nullopt) on what it does not follow (\Q…\E,
// \C, octal escapes, a '{' that opens no repetition) and takes a class it
// cannot list (negated, \p{…}, \s…) or case folding as possibly anything.
//
// Does every match of `pattern` hold one of `anchors`?
bool pattern_needs(std::string_view pattern, const CharSet& anchors);
// Every match of `pattern` holds an anchor and lies within `before`
// characters before one of its anchors and `after` characters after it;
// nullopt when no such bound is known (a loop, an anchor not needed).
struct AnchorReach {
  std::size_t before = 0, after = 0;
};
std::optional<AnchorReach> pattern_reach(std::string_view pattern, const CharSet& anchors);

// Does the pattern test a word boundary (\b \B)? In doubt: true.
bool pattern_tests_word_boundary(std::string_view pattern);

// A byte range [first, second) of a text.
using ByteSpan = std::pair<std::size_t, std::size_t>;

class LineWindows {
 public:
  // How next_anchor_end() scans: the widest way the CPU and the anchors
  // allow, or (for the tests) pair by pair.
  enum class Scan { kWidest, kPairs };
  // Null when some rule is neither narrow nor wide, or tests a word
  // boundary (a window's edge then says something the line did not).
  static std::unique_ptr<const LineWindows> of(const std::vector<const RE2*>& rules);

  // For text[begin, end) (well-formed UTF-8): appends to `narrow` the
  // narrow rules' windows and to `all` those merged with the wide rules'
  // windows (both ascending, disjoint, on character starts). Every match of
  // a rule in text[begin, end) lies in one of `all`; every match of a narrow
  // rule in one of `narrow`.
  // `ends`, when given, is anchor_end_bits() of the whole text.
  void find(std::string_view text, std::size_t begin, std::size_t end, std::vector<ByteSpan>& narrow,
            std::vector<ByteSpan>& all, const std::vector<std::uint64_t>* ends = nullptr) const;
  // Bit q % 64 of bits[q / 64]: an anchor may end at byte q of the text
  // (next_anchor_end() from q would stop at q). One pass over the text
  // instead of one a line.
  void anchor_end_bits(std::string_view text, std::vector<std::uint64_t>& bits, Scan way = Scan::kWidest) const;

  // Is rule i narrow (its matches lie in the `narrow` windows)?
  bool narrow(std::size_t rule) const { return rules_[rule].has_value(); }
  // Where in `window` (one of find()'s `narrow` windows) narrow rule i's
  // matches can start, appended to `starts` in order: each character there
  // that can open a match and is followed, as many characters on as a match
  // of the rule can hold before its first required character, by the first
  // required character from it on (the pattern read as to the required
  // characters). Every match in the window starts at one of them.
  void rule_starts(std::size_t rule, std::string_view text, ByteSpan window, std::vector<std::size_t>& starts) const;

  // The first position q in [from, end) where an anchor may end: where
  // anchor_ends_ holds text[q - 1], text[q] (end when there is none).
  std::size_t next_anchor_end(std::string_view text, std::size_t from, std::size_t end,
                              Scan way = Scan::kWidest) const;
  bool vector_prefilter() const { return nibbles_; }  // for the tests

 private:
  LineWindows() = default;
  // The run of joint alphabet characters around the anchor at [at, stop):
  // appends its window (from its first opening character) to `narrow`,
  // the windows of the wide anchors after the anchor to `wide`, and
  // returns where the run ends.
  std::size_t read_run(std::string_view text, std::size_t begin, std::size_t end, std::size_t at, std::size_t stop,
                       std::vector<ByteSpan>& narrow, std::vector<ByteSpan>& wide) const;
  // Appends to `wide` the windows of the wide anchor (flags f) at [at, stop).
  void add_wide(std::string_view text, std::size_t begin, std::size_t end, std::size_t at, std::size_t stop,
                std::uint8_t f, std::vector<ByteSpan>& wide) const;

  struct Narrow {
    CharTable first, required;
    // Every match holds `fewest` to `most` characters before its first
    // required character.
    std::size_t fewest = 0, most = std::numeric_limits<std::size_t>::max();
  };
  std::vector<std::optional<Narrow>> rules_;  // by rule; none: a wide rule
  // Flags: the joint alphabet, opening and anchor characters of the narrow
  // rules, then the anchors of up to kWideGroups groups of wide rules.
  enum Flag : std::uint8_t { kAlphabet = 1, kFirst = 2, kAnchor = 4, kWide = 8 };
  static constexpr std::size_t kWideGroups = 5;
  std::uint8_t flags(char32_t c) const {
    if (c < 0x10000) return flags_[c];
    std::uint8_t f = 0;
    for (const auto& [flag, set] : sets_)
      if (set.contains(c)) f |= flag;
    return f;
  }
  static constexpr std::uint8_t kAnyWide = static_cast<std::uint8_t>(0xFF << 3);
  // Each rule's characters of a flag, for those past U+FFFF (few: a joint
  // set is not worth its building); flags_ holds the others'.
  std::vector<std::pair<std::uint8_t, CharSet>> sets_;
  std::vector<std::uint8_t> flags_;
  void add(std::uint8_t flag, const CharSet& set);
  AnchorReach wide_reach_[kWideGroups];  // of each group of wide rules
  // [byte before | last byte << 8]: 1 where an anchor (narrow or wide) may
  // end: every byte before an ASCII anchor, the two last bytes of others.
  std::vector<std::uint8_t> anchor_ends_;
  // A vector prefilter of anchor_ends_, 32 positions a step (AVX2): byte q
  // may end an anchor when it is in `any_` (every byte before it is marked
  // with it) or in `last_` with byte q - 1 in `before_` (a superset of the
  // other marked pairs). Each set is told by two nibble look-ups (exact for
  // at most eight distinct rows, else no prefilter: `nibbles_` false).
  bool nibbles_ = false;
  NibbleTables any_, last_, before_;
  void read_nibbles();
  std::size_t next_anchor_end_avx2(const unsigned char* t, std::size_t from, std::size_t end, std::size_t size,
                                   bool& found) const;
  std::size_t anchor_end_bits_avx2(const unsigned char* t, std::size_t size, std::uint64_t* bits) const;
};

}  // namespace plancmp
