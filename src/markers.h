// Finding item markers ("一、", "(二)", "3 .", "H .") in normalized text with the
// numbering grammar. Shared by structure.cc and by the grammar's example tests.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grammar_internal.h"

namespace plancmp {

struct MarkerMatch {
  const MarkerRule* rule = nullptr;
  std::size_t begin = 0;      // byte offset of the marker in the text
  std::size_t body = 0;       // where the item's own text starts
  std::string printed;        // the marker as printed (half-width)
  std::string number_text;    // the `num` group after OCR confusables
  std::optional<int> value;   // the number it reads as, when it reads at all
  bool at_boundary = false;   // at a paragraph start or after a sentence/note end
  bool misread = false;       // an OCR confusable was mapped ("H" -> "11")
};

// What every match of a pattern opens with, read from the pattern when it
// starts with plain characters and character classes ("\\(",
// "[一二三]{1,3}", "、", "(?P<num>[0-9]{1,2})"): a test of the text at a
// place, far cheaper than running RE2 there, that turns down most places
// where no match can start. The reading stops at the first thing it does
// not follow (a Unicode class, "." , an assertion, a group that alternates
// or repeats; but a class with \p{Han}, or \P{Han} when negated, is read as
// one holding every non-ASCII character); a pattern it cannot read at all
// gets no test.
class LeadingAtoms {
 public:
  LeadingAtoms() { first_bytes_.fill(true); }  // no test
  explicit LeadingAtoms(const RE2& re);
  // False only when no match of the pattern can start at byte `pos` of
  // `text` (whatever precedes `pos`).
  bool may_start_at(std::string_view text, std::size_t pos) const;
  // Bytes a match may start with: all 256 unless the atoms say otherwise.
  const std::array<bool, 256>& first_bytes() const { return first_bytes_; }
  std::size_t size() const { return atoms_.size(); }  // atoms read (0: no test)
  // When the atoms are the whole pattern and each repeats a bounded number
  // of times: the most bytes a match can take (four a character); else 0.
  std::size_t max_match_bytes() const { return max_match_bytes_; }

 private:
  // The test runs the atoms as a small automaton whose state is one word:
  // byte k holds atom k's state, bit c of it set when the atom may have
  // taken c characters so far. Hence at most kMaxAtoms atoms (the byte past
  // the last says all are complete) and kMaxChars characters read.
  static constexpr std::size_t kMaxAtoms = 7;
  static constexpr int kMaxChars = 7;
  struct Atom {
    bool negated = false;
    std::vector<std::pair<char32_t, char32_t>> ranges;  // inclusive
    int min = 1, max = 1;                               // max -1: no bound
    // Bit c % 1024: some code point = c mod 1024 is in the ranges; most
    // characters outside them are turned away by this bit alone.
    std::array<std::uint64_t, 16> hint{};
    void add(char32_t lo, char32_t hi);
    bool contains(char32_t c) const {
      if ((hint[(c >> 6) & 15] >> (c & 63) & 1) == 0) return negated;
      for (auto [lo, hi] : ranges)
        if (c >= lo && c <= hi) return !negated;
      return negated;
    }
  };
  std::vector<Atom> atoms_;
  std::uint64_t counts_ok_ = 0;                    // per atom: c repeats may stand (0 < c <= max)
  std::array<std::uint64_t, kMaxAtoms> counts_done_{};  // atom k's byte: c repeats complete it (c >= min)
  // Once atom k is complete: the count-0 bits of the atoms that may start
  // (the next, and on past those that may take nothing; bit 8n: all complete).
  std::array<std::uint64_t, kMaxAtoms> starts_after_{};
  // For an ASCII character: 0xFF in the byte of each atom that takes it.
  std::array<std::uint64_t, 128> ascii_takes_{};
  std::array<bool, 256> first_bytes_;
  std::size_t max_match_bytes_ = 0;
};

// The numbering check's (structure.cc) running best over the numbers read so
// far: for each k, the highest reach of the numbers 1..k, and the first
// number where it stands. A number's reach only rises (raise()). The bests
// are worked out lazily: those below the lowest number raised since are
// still right, and a query past them walks on from there only as far as the
// number asked for. The check asks, after a raise at v, about numbers below
// v (the next item continues the series), so most raises cost no walk; a
// row of unnumbered candidates asks about every number, one walk for all.
class RunningBest {
 public:
  explicit RunningBest(std::size_t size)  // the numbers 1..size-1
      : reach_(size, kNone), best_(size, kNone), from_(size, -1) {}
  // Number u (>= 1) is now reached at `reach`, above its reach before.
  void raise(std::size_t u, double reach) {
    reach_[u] = reach;
    settled_ = std::min(settled_, u);
  }
  void settle() {}  // nothing to do: the bests are worked out when asked for
  // The highest reach of the numbers 1..k, and the first number that has it
  // (-1: none is reached).
  double best(std::size_t k) const {
    walk_to(k);
    return best_[k];
  }
  int from(std::size_t k) const {
    walk_to(k);
    return from_[k];
  }
  std::pair<double, int> at(std::size_t k) const {  // best(k), from(k)
    walk_to(k);
    return {best_[k], from_[k]};
  }
  // The bests and their first numbers of 0..k, right until a raise below k.
  std::pair<const double*, const int*> upto(std::size_t k) const {
    walk_to(k);
    return {best_.data(), from_.data()};
  }

 private:
  static constexpr double kNone = -std::numeric_limits<double>::infinity();
  // Makes the bests right up to k (they are below settled_).
  void walk_to(std::size_t k) const {
    if (k < settled_) return;
    std::size_t u = std::max<std::size_t>(settled_, 1);  // best_[0] stays empty
    double best = best_[u - 1];
    int from = from_[u - 1];
    // Branch-free: where the best rises is data, and a branch on it is
    // mispredicted about once in five numbers.
    // Four numbers a step: their own running best first, which does not
    // wait for the numbers before, then the best so far joins it, so the
    // chain from step to step is one compare (one number at a time, each
    // waited for the one before: a chain of dependent compares).
    for (; u + 4 <= k + 1; u += 4) {
      const double r0 = reach_[u], r1 = reach_[u + 1], r2 = reach_[u + 2], r3 = reach_[u + 3];
      const int u0 = static_cast<int>(u);
      // Within the four: the best of the first j + 1 and the first number that has it.
      const bool up1 = r1 > r0;
      const double b1 = up1 ? r1 : r0;
      const int f1 = up1 ? u0 + 1 : u0;
      const bool up2 = r2 > b1;
      const double b2 = up2 ? r2 : b1;
      const int f2 = up2 ? u0 + 2 : f1;
      const bool up3 = r3 > b2;
      const double b3 = up3 ? r3 : b2;
      const int f3 = up3 ? u0 + 3 : f2;
      // Joined with the best before (which keeps its earlier number on ties).
      auto join = [&](std::size_t at, double b, int f) {
        const bool up = b > best;
        best_[at] = up ? b : best;
        from_[at] = up ? f : from;
      };
      join(u, r0, u0);
      join(u + 1, b1, f1);
      join(u + 2, b2, f2);
      join(u + 3, b3, f3);
      const bool up = b3 > best;
      from = up ? f3 : from;
      best = up ? b3 : best;
    }
    for (; u <= k; ++u) {
      const double r = reach_[u];
      const bool up = r > best;
      from = up ? static_cast<int>(u) : from;
      best = up ? r : best;
      best_[u] = best;
      from_[u] = from;
    }
    settled_ = k + 1;
  }
  std::vector<double> reach_;
  mutable std::vector<double> best_;
  mutable std::vector<int> from_;
  mutable std::size_t settled_ = 1;  // best_ and from_ are right below it
};

// Every match of every marker rule, honouring each rule's position, sorted by
// offset; at one offset only the heaviest rule of each level is kept.
std::vector<MarkerMatch> find_markers(const Grammar::Impl& grammar, std::string_view text);

// "二十四" -> 24, "十" -> 10, "H" handled by confusables before; "" -> nullopt.
std::optional<int> parse_chinese_numeral(std::string_view s);
std::string chinese_numeral(int value);  // 24 -> "二十四"

// True when `printed` digits can be what is left of `value` after damage:
// the whole numeral, or (by fragment kind) its prefix or suffix.
bool numeral_fragment_fits(const MarkerMatch& m, int value);
// The numbers 1..max_value that `m` fits, in order.
std::vector<int> numeral_readings(const MarkerMatch& m, int max_value);
// numeral_readings(m, max_value), shared: a print's readings depend only on
// its numeral kind, fragment kind, number text and value, and plans print the
// same few ("一", "(二)", "3."), so they are worked out once per thread (up
// to a bound on the numbers kept) and read by every plan after.
std::shared_ptr<const std::vector<int>> shared_numeral_readings(const MarkerMatch& m, int max_value);

}  // namespace plancmp
