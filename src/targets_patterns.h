// What the target extractor reads from a rule's pattern text beyond what RE2
// tells (private to src/): which characters its matches can hold, which can
// open a match, and whether it is a plain list of words. Each reading is
// conservative: where the pattern uses something it does not follow ('.', a
// negated class, \p{…}, \D, case folding outside ASCII and CJK…) it gives up,
// and the caller keeps its general path.
#pragma once
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "byte_scan.h"

namespace plancmp {

// A set of code points: sorted disjoint ranges, with a bit table for ASCII.
class CharSet {
 public:
  void add(char32_t lo, char32_t hi);
  void add(char32_t c) { add(c, c); }
  void add(const CharSet& other);
  bool contains(char32_t c) const;
  bool empty() const { return ranges_.empty(); }
  const std::vector<std::pair<char32_t, char32_t>>& ranges() const { return ranges_; }

 private:
  std::vector<std::pair<char32_t, char32_t>> ranges_;
  std::uint64_t ascii_[2] = {0, 0};
};

struct PatternChars {
  CharSet alphabet;       // every character of every match is one of these
  CharSet first;          // every non-empty match opens with one of these
  bool nullable = true;   // some match may be empty
};

// The characters of `re`'s matches, or nullopt when the reading gives up.
std::optional<PatternChars> pattern_chars(const RE2& re);

// A pattern that is a list of literal words: `^`? then `w1|w2|…`, bare or in
// one `(?:…)`, each word plain characters or escaped punctuation
// ("(?:不高于|不超过)", "^(?:及以上|以上)"). RE2 (leftmost first) matches
// at the leftmost position where a word starts, the earliest listed word that
// starts there; `anchored` patterns only at the start of the text.
struct WordList {
  std::vector<std::string> words;  // as listed
  bool anchored = false;
};
std::optional<WordList> word_list(const RE2& re);

// Finds the words of several lists in a text in one pass: each list scanned as
// RE2 would scan its pattern (a match, then the next from its end).
class WordScanner {
 public:
  // At most 64 lists (usable() is false beyond), unanchored or not.
  explicit WordScanner(const std::vector<const WordList*>& lists);
  bool usable() const { return usable_; }
  // Calls found(list, begin, end) for each match of each (unanchored) list in
  // `text`, by position, lists in order at one position.
  template <class Found>
  void scan(std::string_view text, Found&& found) const;
  // The word of `list` that RE2 would match at the start of `text` (its size),
  // or -1.
  int match_at(std::size_t list, std::string_view text, std::size_t at) const;

 private:
  bool usable_ = false;
  std::size_t lists_ = 0;
  std::vector<std::vector<std::string>> words_;  // per list, as listed
  std::uint64_t first_bytes_[4] = {0, 0, 0, 0};  // bytes a word of any list opens with
};

template <class Found>
void WordScanner::scan(std::string_view text, Found&& found) const {
  std::size_t next_from[64];
  const std::size_t lists = lists_;
  for (std::size_t l = 0; l < lists; ++l) next_from[l] = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    const auto b = static_cast<unsigned char>(text[at]);
    if (!(first_bytes_[b >> 6] >> (b & 63) & 1)) continue;
    for (std::size_t l = 0; l < lists; ++l) {
      if (next_from[l] > at) continue;
      const int size = match_at(l, text, at);
      if (size <= 0) continue;
      found(l, at, at + static_cast<std::size_t>(size));
      next_from[l] = at + static_cast<std::size_t>(size);
    }
  }
}

// What a text must hold for a rule to match inside it, from RE2's
// PossibleMatchRange (every match lies between its min and max): the literal
// every match opens with, else a range of bytes its first byte lies in. A
// cheap test before the rule itself is run on a segment.
struct StartTest {
  std::string literal;
  ByteSet first{};       // the bytes a match may start with
  bool any_byte = true;  // no test on the first byte

  explicit StartTest(const RE2& re);
  // The first position in [from, end) of `text` where a match could start;
  // `end` when there is none.
  std::size_t next(std::string_view text, std::size_t from, std::size_t end) const {
    if (!literal.empty()) return std::min(text.substr(0, end).find(literal, from), end);
    return any_byte ? from : find_byte_in(text, from, end, first);
  }
};

}  // namespace plancmp
