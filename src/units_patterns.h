// What src/units.cc reads from the units rules' patterns to spare RE2
// searches (private to src/). Each answer is exact or errs on the side of
// searching: a pattern these scans do not follow gets no shortcut.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "byte_scan.h"
#include "regex_shortcuts.h"

namespace plancmp::units {

// Does every match of the pattern end at the end of the text: a `$` closes
// it, outside any alternation, and no (?m) makes it a line's end? In doubt
// (a pattern this scan does not follow): false.
bool ends_at_text_end(const RE2& re);

// The literal every match of the pattern opens with ("(" for
// `\((?P<body>…)\)`), from RE2's PossibleMatchRange (every match lies
// between its min and max); empty when there is none.
std::string opening_literal(const RE2& re);

// text.find(literal, from) (npos when none). A literal of two bytes or
// more is looked for by its first and last bytes together, sixteen places
// a step: a CJK opening's lead byte is shared with 、 and 。 and its last
// byte with a 64th of all characters, and a memchr for either stops (and
// returns) over and over.
std::size_t find_opening(std::string_view text, std::string_view literal, std::size_t from);

// The two above, worked out once per process for each pattern.
struct PatternFacts {
  std::string opening;       // opening_literal
  bool ends_at_end = false;  // ends_at_text_end
};
const PatternFacts& facts_of(const RE2& re);

// The pattern after its opening group, when every match is a match of that
// group followed by one of the rest: the pattern opens with a group ("(",
// "(?:" or "(?P<name>", not flags) that no quantifier follows, and has no
// `|` outside groups. Empty otherwise (or when the scan does not follow the
// pattern, or nothing follows the group).
std::string after_opening_group(const std::string& pattern);

// `(?:rest)$` (rest: after_opening_group when that group is lazy, `+?`,
// `*?` or `}?` closing it; else the whole pattern), built once per process: false only for a text where no match of
// the pattern ends at the text's end (the rest of any such match would). RE2 tells with its reverse DFA alone, from the end,
// stopping at the first match it sees. Null when it cannot be built.
const RE2* to_end_of(const RE2& re);

// The text of the group named `name` in the pattern ("(?P<kw>…)"), a
// pattern of its own whose matches include every text the group takes in
// a match (assertions only narrow it): what each such text must hold can
// be read from it. Empty when the group's opening appears more than once
// (then one may be inside a class) or the pattern holds flags ("(?i)"…)
// that could reach into the group, or its end is not found.
std::string named_group_text(const std::string& pattern, const std::string& name);

// The leftmost match of re in input[from, end), the whole match only. A
// match anchored at `from` is the leftmost when there is one, and needs
// only RE2's forward DFA: tried first (`anchor_first`), the unanchored
// search (which runs the reverse DFA too, for the start) only when it
// fails. Callers try it where a match mostly starts (a note rule's opening
// literal, where a role rule's scan stands); not for a pattern that ends
// with `$`, whose unanchored search is the reverse DFA alone, from the end.
inline bool leftmost_match(const RE2& re, const re2::StringPiece& input, std::size_t from, std::size_t end,
                           bool anchor_first, re2::StringPiece* whole) {
  return (anchor_first && re.Match(input, from, end, RE2::ANCHOR_START, whole, 1)) ||
         re.Match(input, from, end, RE2::UNANCHORED, whole, 1);
}

// RequiredWords::may_match, the same answers found faster in a short span
// (a note body). A word of the grammar's starts with a three-byte
// character; where one of those characters stands, its last byte is one
// of a few continuation bytes (a fraction of the text's): one table look a
// byte rules out most places, where the general scan decoded every
// character. Words that start otherwise are found with find().
class WordFinder {
 public:
  explicit WordFinder(const RequiredWords& words);

  // Bit i set: rule i may match somewhere in `span`.
  std::uint64_t may_match(std::string_view span) const { return may_match(span, 0, span.size()); }
  // The same for text[b, e), reading up to text's end (a vector scan of a
  // short span reads past it rather than stepping).
  std::uint64_t may_match(std::string_view text, std::size_t b, std::size_t e) const;

  // On by default (where the CPU has SSSE3): the places a first character
  // may stand found 16 at a time. Off: one character a step (tests hold
  // the two against each other). Not for concurrent use.
  static void use_vector(bool on);

 private:
  struct Word {
    std::string text;
    std::uint64_t first, second;
  };
  std::uint64_t always_ = 0;
  std::vector<Word> other_;  // words that start with another character
  std::vector<Word> words_;  // the others, by first character
  // Per first character: its words, words_[begin, end), in a small table by
  // code point (open addressing).
  struct First {
    char32_t c = 0;
    std::uint32_t begin = 0, end = 0;
  };
  std::vector<First> firsts_;
  // Bit per low 12 bits of a first character's code point (its last two
  // bytes' payload): 512 bytes that stay in cache, where a bit per code
  // point took 8 KB (perf: each look missed).
  std::array<std::uint64_t, 64> first_bits_;
  std::array<bool, 256> last_byte_{};      // [b]: some first character ends with byte b
  // The first characters' lead, middle and last bytes, each as a byte set
  // (a place whose three bytes are in the three sets may start one; most
  // places are ruled out 16 at a time). vector_: all three usable.
  NibbleTables lead_, middle_, last_;
  bool vector_ = false;

  // Adds the clauses of the words that start at t[at] (a three-byte
  // character whose last byte ends some first character) and fit in n.
  void words_at(const unsigned char* t, std::size_t at, std::size_t n, std::uint64_t& first,
                std::uint64_t& second) const;
  std::size_t scan_vector(const unsigned char* t, std::size_t n, std::size_t readable, std::uint64_t& first,
                          std::uint64_t& second) const;
};

}  // namespace plancmp::units
