// Regex shortcuts for the stages (private to src/; units.cc and targets.cc
// use them): cheap tests and group reads that spare RE2's costlier engines.
//
// MatchGroups: named groups of a match the DFA already found.
//
// RE2 fills groups with its capture engines (BitState, NFA), which cost
// hundreds of instructions per byte on the grammar's UTF-8 classes, against
// a few for the DFA that finds the whole match. Where a pattern's shape fixes
// a group's place in the match, the group is read from that shape instead:
//   - literal frame: `L(?P<g>…)R` with L and R literal text: the group is the
//     match minus L and R;
//   - lazy head: `(?P<g>H(?:X)+?)R` (or `*?`, or a class `[…]+?` for X),
//     H literal text, X a list of alternatives each one character (a class)
//     or `a[…]{m,n}b` with b outside the class and a starting no other
//     alternative: X never matches a proper prefix of what it matches, so
//     the loop's iterations can end at one chain of places only. The lazy
//     loop stops at the first of them where R matches at all: the group
//     ends at the leftmost start of R that is on the chain (tested with the
//     loop's own pattern), and groups inside R are read from R's capture
//     on what follows the group alone.
// Any other shape gets RE2's capture, on the match alone.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

namespace plancmp {

class MatchGroups {
 public:
  // The groups of `re` named `names`; a name re lacks never takes part.
  // Built once per distinct pattern, options and names (its helper
  // patterns' DFAs then fill once, not per document).
  static std::shared_ptr<const MatchGroups> of(const RE2& re, const std::vector<std::string>& names);
  // The same, not kept: for a caller that sees each pattern once (the fuzz
  // target, whose cache would grow by one entry per input).
  static std::unique_ptr<const MatchGroups> build(const RE2& re, const std::vector<std::string>& names);

  // Fills out[i] with group names[i] (data() null when it took no part) of
  // the match [b, e) of re in text: the match re's unanchored search (or a
  // search anchored at b) finds there. `re` is the pattern this was built
  // for (or one equal to it). False only if re does not match [b, e) at
  // all (then out is unspecified).
  bool read(const RE2& re, re2::StringPiece text, std::size_t b, std::size_t e, re2::StringPiece* out) const;

 private:
  struct Group {
    int index = -1;  // capture index in re; -1: not in re
    enum class Shape { kLiteralFrame, kLazyHead, kInRest, kClosing, kInHead, kOpen } shape = Shape::kOpen;
    std::size_t head = 0, tail = 0;  // kLiteralFrame: literal bytes before and after
    int rest_index = -1;             // kInRest: index in LazyHead::rest_names; kInHead: capture index in ClosingGroup::head
  };
  // The group of shape kClosing: `L(?P<g>R)`, the group closing the
  // pattern after a head L (no `|` or flags at the top): L's preferred
  // parse from the match's start, when R spans what is left of the match,
  // is the one the match took. L's groups (kInHead) come from L's capture,
  // on L's part alone.
  struct ClosingGroup {
    std::unique_ptr<RE2> head;  // L
    std::shared_ptr<const RE2> tail;  // R: does it span the rest of the match? (shared_regex)
    int nhead = 1;              // captures of head to fill
  };
  // The group of shape kLazyHead (at most one: it opens the pattern).
  struct LazyHead {
    std::size_t head = 0;       // bytes of H
    bool at_least_one = true;   // +? rather than *?
    bool single = false;        // every alternative of X is one character: every character's end is a place
    // H(?:X)+ (or *): is a place on the chain? Compiled on first use (X is
    // mostly a rule's long class of name characters, and a run needs it only
    // where a long alternative starts); null when it does not compile.
    std::string loop_pattern;
    RE2::Options loop_options;
    const RE2* loop() const;
    // The first characters of X's alternatives longer than a character: a
    // run of text without them is all one-character iterations.
    std::vector<std::string> long_firsts;
    std::unique_ptr<RE2> rest;  // the pattern after the group (one alternative), as it stands
    // `(?:rest)$`: searched on the text cut at the match's end, it finds the
    // leftmost place from which the rest spans the remainder exactly. Null
    // when it cannot be built.
    std::shared_ptr<const RE2> rest_to_end;
    bool rest_context_free = false;  // rest asserts nothing of its surroundings
    // The kInRest groups, read by the rest's own MatchGroups (its shapes
    // apply to the rest's span as to a match of its own).
    std::vector<std::string> rest_names;
    std::unique_ptr<const MatchGroups> rest_groups;

   private:
    mutable std::once_flag loop_once_;
    mutable std::shared_ptr<const RE2> loop_;
  };
  // Where the lazy head group ends in the match [b, e); npos when not found.
  std::size_t lazy_end(re2::StringPiece text, std::size_t b, std::size_t e) const;
  // Is `at` a place where the lazy head's loop can stop, for a match at b?
  // kUnknown: the loop's pattern does not compile.
  enum class Chain { kOn, kOff, kUnknown };
  Chain on_chain(re2::StringPiece text, std::size_t b, std::size_t at) const;
  // Every group by RE2's capture on the match alone.
  bool capture(const RE2& re, re2::StringPiece text, std::size_t b, std::size_t e, re2::StringPiece* out) const;

  MatchGroups(const RE2& re, const std::vector<std::string>& names);

  std::vector<Group> groups_;
  // Tries the shape kClosing for the groups left open (no lazy head).
  void find_closing(const std::string& p, const RE2::Options& o, const std::vector<std::string>& names);
  // Reads the head of a kClosing match [b, e) into caps; false when its
  // parse is not the match's.
  bool read_head(re2::StringPiece text, std::size_t b, std::size_t e, re2::StringPiece* caps) const;

  std::unique_ptr<LazyHead> lazy_;
  std::unique_ptr<ClosingGroup> closing_;
  bool capture_ = false;  // some group's place is open: ask RE2
  int ncapture_ = 1;      // groups RE2 must fill
};

// The words a rule's every match must hold (RE2's FilteredRE2 atoms), to
// tell cheaply which rules of a list cannot match in a span. A rule's words
// form up to two clauses, each a set of words one of which every match
// holds ("单位" or "部门", and "[牵头" or "【牵头"…): a rule may match where
// each of its clauses has a word. Rules without such words always may match.
class BytePairScanner;

class RequiredWords {
 public:
  // For `rules`, built once per distinct list of patterns. Only the first 64
  // get a bit in may_match(): callers take the others as always possible.
  static std::shared_ptr<const RequiredWords> of(const std::vector<const RE2*>& rules);
  // The same, not kept (see MatchGroups::build).
  static std::unique_ptr<const RequiredWords> build(const std::vector<const RE2*>& rules);

  // Bit i set: rule i may match somewhere in `span`.
  std::uint64_t may_match(std::string_view span) const;

  // Where the words occur in one text, found in one scan: may_match over
  // many spans of that text (every segment of a document, then the note
  // bodies inside them) then reads these instead of rescanning each span.
  class Hits {
   public:
    // The same answer as may_match(text.substr(begin, end - begin)).
    std::uint64_t may_match(std::size_t begin, std::size_t end) const;

   private:
    friend class RequiredWords;
    struct Hit {
      std::size_t begin, end;
      std::uint64_t first, second;
    };
    std::vector<Hit> hits_;  // by begin
    std::uint64_t always_ = 0;
  };
  // `pair_scan` false: each first character by memchr, never by the scan
  // for all of them at once (src/pair_scan.h), for the tests.
  Hits hits(std::string_view text, bool pair_scan = true) const;
  // Is rule i among `bits` (an answer of may_match)? Rules past the 64th
  // always are.
  static bool may(std::uint64_t bits, std::size_t i) { return i >= 64 || (bits >> i & 1); }

  // What may_match() looks for, for a caller that finds the words its own
  // way (src/units_patterns.h): each word with the clauses it is in (bit i
  // of first, second: rule i's), and the rules that need no word.
  struct WordClauses {
    std::string_view text;
    std::uint64_t first, second;
  };
  std::vector<WordClauses> word_clauses() const;
  std::uint64_t always() const { return always_; }

 private:
  explicit RequiredWords(const std::vector<const RE2*>& rules);
  // Calls found(word index, byte offset) for every occurrence of a word in
  // `text` (of the words w with want[w], when want is given): the other
  // words by first byte, then the rest by offset.
  template <class Found>
  void scan(std::string_view text, Found&& found, const std::vector<char>* want = nullptr) const;
  // The first part of scan(): the words that start with no three-byte
  // character, each by find().
  template <class Found>
  void scan_other_words(std::string_view text, Found&& found, const std::vector<char>* want) const;
  // hits()'s scan for the words w with want[w]; `pairs`, when given, finds
  // the places where their first characters can end (see pair_scanner).
  template <class Found>
  void find_wanted(std::string_view text, const std::vector<char>& want, const BytePairScanner* pairs,
                   Found&& found) const;
  // A scan for the last two bytes of the first characters of the words w
  // with want[w]; null when there is none or the CPU or the bytes do not
  // allow it.
  std::shared_ptr<const BytePairScanner> pair_scanner(const std::vector<char>& want) const;
  struct Word {
    std::string text;
    // Bit i: the word is in rule i's first (second) clause. A rule of one
    // clause has it as both.
    std::uint64_t first = 0, second = 0;
  };
  std::uint64_t always_ = 0;   // rules with no required words
  // Words that start with a three-byte character are found by it (most
  // of the text's characters are ruled out by one bit); the others (ASCII
  // brackets…) with find().
  std::vector<Word> words_;      // the others first, then by first character
  std::size_t other_words_ = 0;
  std::vector<std::uint64_t> first_bits_;  // bit per code point below U+10000
  struct First {
    int c;
    std::size_t first, last;  // the words starting with c
  };
  std::vector<First> firsts_;  // sorted
  std::shared_ptr<const BytePairScanner> first_clause_pairs_;  // hits()' first scan
  // hits()' second scan: all second-clause words' first characters (a
  // superset of any one text's wanted ones; find_wanted checks `want`).
  std::shared_ptr<const BytePairScanner> second_clause_pairs_;
};

// The pattern with each negated class (`[^…]`) written `\C`: what
// RequiredWords hands FilteredRE2 (which compiles what it is given). This
// is not a superset in every context (`x[^a]{2}y` takes two characters,
// `x\C{2}y` two bytes); the words stay the same because FilteredRE2's
// prefilter reads both a class of more than four characters (which a
// negated class is) and `\C` as "any text", so it takes no word from
// either, and the rest of the pattern is unchanged. units_test checks that
// every built-in notes and roles pattern gets the same words both ways.
// `\C` compiles in a fraction of the time of a negated class of UTF-8
// characters. Empty when the pattern holds what the scan does not follow
// (\Q quoting, nested brackets).
std::string negated_classes_as_any_byte(const std::string& pattern);

// The pattern with each named group `(?P<name>…)` written `(?:…)`: the
// same matches, for a set that asks only which rules match (RE2 keeps named
// groups as captures even under never_capture, and a set's DFA then follows
// their capture steps in every state). The pattern itself when it holds
// what the scan does not follow (\Q quoting, nested brackets).
std::string without_group_names(const std::string& pattern);

// The regex for `pattern` under `options`, compiled once a process for each
// distinct pattern and options_key: the helpers readings derive from
// different rules are often alike (the same closing group, end, or loop of
// name characters), and an RE2 is safe to share. Never null (test ok()).
std::shared_ptr<const RE2> shared_regex(const std::string& pattern, const RE2::Options& options);

// Can `pattern` (a group of a pattern that compiled, with its options)
// match the empty text? True also when it does not compile (unsure). Asked
// of the pattern with its negated classes written `\C`: a class, like `\C`,
// reads one character or fails, so which ways through a pattern read
// nothing does not depend on what its classes hold, and `\C` compiles in a
// fraction of the time of a negated class of UTF-8 characters. The pattern
// as written answers when that form does not compile.
bool may_match_empty(const std::string& pattern, RE2::Options options);

// The leftmost match of `re` in input[from, end) when its matches can only
// start where `next` says (next(pos): the first such place at or after pos,
// past `last` when none; `from` is one): an anchored search at each place in
// turn, which needs RE2's forward DFA alone (an unanchored one runs the
// reverse DFA too, and builds its program). After `anchored_tries` failures
// the rest is one unanchored search (the same leftmost match): failures that
// each scan far would otherwise cost a scan per place. `from` ends at the
// place the last search started from.
template <class Next>
bool match_at_starts(const RE2& re, const re2::StringPiece& input, std::size_t& from, std::size_t last,
                     std::size_t end, Next next, re2::StringPiece* match, int anchored_tries = 8) {
  for (int tries = 0; from <= last; from = next(from + 1), ++tries) {
    if (tries == anchored_tries) return re.Match(input, from, end, RE2::UNANCHORED, match, 1);
    if (re.Match(input, from, end, RE2::ANCHOR_START, match, 1)) return true;
  }
  return false;
}

}  // namespace plancmp
