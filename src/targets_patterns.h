// What the target extractor reads from a rule's pattern text beyond what RE2
// tells (private to src/): which characters its matches can hold, which can
// open a match and which one of must be in it (pattern_chars), where its
// named groups lie when its parts end where their characters stop
// (SequenceGroups), and whether it is a plain list of words (word_list,
// WordScanner); and StartTest, where a rule can start in a text. Each reading is
// conservative: '.', a negated class, \D \S \W and Unicode classes (but
// \p{Han}) are taken as any character, and where the pattern uses something
// it does not follow (\Q…\E, octal escapes, [[:name:]], case folding outside
// ASCII and CJK, options other than RE2's defaults) it gives up, and the
// caller keeps its general path.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "byte_scan.h"
#include "targets_text.h"
#include "utf8_util.h"

namespace plancmp {

// A set of code points: sorted disjoint ranges, with a bit table for ASCII.
// A few ranges are kept in place (most sets the reading makes are one
// character or class, copied into several places: no allocation for them).
class CharSet {
 public:
  using Range = std::pair<char32_t, char32_t>;
  void add(char32_t lo, char32_t hi);
  void add(char32_t c) { add(c, c); }
  void add(const CharSet& other);
  bool contains(char32_t c) const;
  bool empty() const { return ranges().empty(); }
  bool is_everything() const {
    const std::span<const Range> r = ranges();
    return r.size() == 1 && r[0].first == 0 && r[0].second >= 0x10FFFF;
  }
  std::span<const Range> ranges() const {
    return on_heap_ ? std::span<const Range>(heap_) : std::span<const Range>(inline_, size_);
  }
  // Do the two sets share no character?
  bool disjoint_from(const CharSet& other) const;
  // Is every character of this set in `other`?
  bool within(const CharSet& other) const;

 private:
  static constexpr std::size_t kInline = 4;
  Range inline_[kInline];
  std::size_t size_ = 0;     // of inline_, while !on_heap_
  bool on_heap_ = false;     // the ranges are heap_ (once more than kInline)
  std::vector<Range> heap_;  // empty while !on_heap_ (copied for nothing)
  std::uint64_t ascii_[2] = {0, 0};
};

// A CharSet's membership test. ASCII by a 128-bit table. A set of few
// other characters (the usual unit or verb openers, spread over the CJK
// block) by a 512-bit filter of one cache line, then its sorted list: an
// 8 KB bit table would miss the cache on most text characters. Larger sets
// by a bit table below U+10000 (the set itself answers above).
class CharTable {
 public:
  explicit CharTable(CharSet set);
  bool contains(char32_t c) const {
    if (c < 0x80) return ascii_[c >> 6] >> (c & 63) & 1;
    if (few_) {
      const std::uint32_t h = filter_slot(c);
      return (filter_[h >> 6] >> (h & 63) & 1) && few_contains(c);
    }
    return c < 0x10000 ? bits_[c >> 6] >> (c & 63) & 1 : set_.contains(c);
  }

  static constexpr std::size_t kFewChars = 64;  // at most this many non-ASCII characters: the filter

 private:
  static std::uint32_t filter_slot(char32_t c) { return static_cast<std::uint32_t>(c) * 0x9E3779B1u >> 23; }
  bool few_contains(char32_t c) const;

  std::uint64_t ascii_[2] = {0, 0};
  bool few_ = false;
  std::uint64_t filter_[8] = {};
  std::vector<char32_t> few_chars_;  // sorted, when few_
  CharSet set_;
  std::vector<std::uint64_t> bits_;  // when !few_
};

// Does text[begin, end) hold a character of `set`? (Invalid bytes are none.)
inline bool holds_any(const CharTable& set, std::string_view text, std::size_t begin, std::size_t end) {
  const std::string_view bounded = text.substr(0, end);
  for (std::size_t i = begin; i < end;)
    if (set.contains(utf8::next(bounded, i))) return true;
  return false;
}

struct PatternChars {
  CharSet alphabet;       // every character of every match is one of these
  CharSet first;          // every non-empty match opens with one of these
  bool nullable = true;   // some match may be empty
  // Every match holds at least one of these (none known: nullopt). Of the
  // choices, one that is small and holds no digit is kept.
  std::optional<CharSet> required;
  // Bytes every match opens with (they may end inside a character); when
  // `exact`, the one string the pattern matches.
  std::string prefix;
  bool exact = true;
};

// The characters of `re`'s matches, or nullopt when the reading gives up.
std::optional<PatternChars> pattern_chars(const RE2& re);

// The named groups of a match read by scanning its characters, for a pattern
// that is a sequence of parts, each asked-for group one of them, where every
// part up to the last group ends where its own characters stop (what follows
// cannot open with one of them): "(?P<num>\d+(?:\.\d+)?)\s?(?P<unit>吨|万亩)".
// Then every parse of a match splits it at the same places.
class SequenceGroups {
 public:
  // Null when the pattern is not of that shape (or a name is not a part).
  static std::unique_ptr<const SequenceGroups> of(const RE2& re, const std::vector<std::string>& names);
  // out[i]: group names[i] of the match [b, e) of `text` (null data when re
  // has no such group).
  void read(std::string_view text, std::size_t b, std::size_t e, re2::StringPiece* out) const;

 private:
  SequenceGroups() = default;
  struct Part {
    std::optional<CharTable> alphabet;  // none: the part runs to the match's end
    int name = -1;                      // index of its name, -1: no group asked for
  };
  std::vector<Part> parts_;
  std::size_t names_ = 0;
};

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
// RE2 would scan its pattern (a match, then the next from its end). A word
// starts only on a character start: the scan steps by characters, and looks
// words up by their first character.
class WordScanner {
 public:
  // At most 64 lists (usable() is false beyond); their words are found
  // anywhere (an anchored list is treated as unanchored).
  explicit WordScanner(const std::vector<const WordList*>& lists);
  bool usable() const { return usable_; }
  // Calls found(list, begin, end) for each match of each list in `text`, by
  // position, lists in order at one position; the scans start at `from` (a
  // character start).
  template <class Found>
  void scan(std::string_view text, Found&& found, std::size_t from = 0) const;
  // A place at or before `at` where every list's scan of `text` from its start
  // stands as a scan started there would: no word spans it (starts before it
  // and ends after). Scans started there find the same matches after it.
  std::size_t sync_point(std::string_view text, std::size_t at) const;
  std::size_t longest_word() const { return longest_; }

 private:
  struct Word {
    std::size_t list;
    std::string text;
  };
  // The words opening with a character, by list and then as listed.
  struct First {
    char32_t c;
    std::size_t begin, end;  // in words_
  };
  const First* words_opening(char32_t c) const;

  bool usable_ = false;
  std::size_t lists_ = 0, longest_ = 0;
  std::vector<Word> words_;
  std::vector<First> firsts_;                // by c
  CharTable first_chars_{CharSet{}};         // the characters words open with
};

template <class Found>
void WordScanner::scan(std::string_view text, Found&& found, std::size_t from) const {
  std::size_t next_from[64];
  for (std::size_t l = 0; l < lists_; ++l) next_from[l] = from;
  for (std::size_t at = from; at < text.size();) {
    const std::size_t start = at;
    const char32_t c = utf8::next(text, at);
    if (!first_chars_.contains(c)) continue;
    const First* first = words_opening(c);
    if (!first) continue;
    for (std::size_t w = first->begin; w < first->end;) {
      const std::size_t list = words_[w].list;
      std::size_t next = w;
      while (next < first->end && words_[next].list == list) ++next;
      if (next_from[list] <= start) {
        for (; w < next; ++w) {
          const std::string& word = words_[w].text;
          // Byte by byte: words are a few characters, a call costs more.
          bool same = word.size() <= text.size() - start;
          for (std::size_t b = 0; same && b < word.size(); ++b) same = text[start + b] == word[b];
          if (same) {
            found(list, start, start + word.size());
            next_from[list] = start + word.size();
            break;
          }
        }
      }
      w = next;
    }
  }
}

// What a text must hold for a rule to match inside it: the literal every
// match opens with, else a range of bytes its first byte lies in; read from
// the pattern text (pattern_chars), or where that reading gives up or allows
// an empty match, from RE2's PossibleMatchRange (every match lies between its
// min and max). A cheap test before the rule itself is run on a segment.
// And, from the pattern text, the characters a match opens with.
struct StartTest {
  std::string literal;
  ByteSet first{};       // the bytes a match may start with
  bool any_byte = true;  // no test on the first byte
  unsigned char lo = 0, hi = 0xFF;  // `first` is the range [lo, hi]
  std::optional<CharTable> first_chars;  // the characters a match opens with (none: any)

  // When every opening character is beyond ASCII: the bytes that may follow
  // its lead byte (their second bytes), as nibble tables; `by_pairs`: the
  // byte scan tests both bytes (a lead byte alone stops at most CJK
  // characters), with SSSE3.
  bool by_pairs = false;
  NibbleTables second;

  explicit StartTest(const RE2& re);
  // The first position in [from, end) of `text` where a match could start;
  // `end` when there is none.
  std::size_t next(std::string_view text, std::size_t from, std::size_t end) const {
    std::size_t at = by_pairs ? next_by_pairs(text, from, end) : next_by_bytes(text, from, end);
    if (!first_chars) return at;
    const std::string_view bounded = text.substr(0, end);
    for (; at < end; at = by_pairs ? next_by_pairs(text, at + 1, end) : next_by_bytes(text, at + 1, end)) {
      std::size_t i = at;
      if (first_chars->contains(utf8::next(bounded, i))) return at;
    }
    return end;
  }

 private:
  std::size_t next_by_bytes(std::string_view text, std::size_t from, std::size_t end) const {
    if (!literal.empty()) return std::min(find_literal(text.substr(0, end), literal, from), end);
    return any_byte ? from : find_byte_in_range(text, from, end, lo, hi);
  }
  // The first position in [from, end) whose byte is in [lo, hi] and whose
  // next byte is in `second` (or that ends the text), or `end`: a place
  // next_by_bytes() finds that holds no opening character is passed over.
  std::size_t next_by_pairs(std::string_view text, std::size_t from, std::size_t end) const;
};

}  // namespace plancmp
