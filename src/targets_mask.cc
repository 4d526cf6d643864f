// The not_targets mask: see targets_mask.h.
#include "targets_mask.h"

#include <algorithm>

#include "derived_cache.h"
#include "line_rules.h"
#include "utf8_util.h"

namespace plancmp {

NotTargetScan::NotTargetScan(const RuleSet& rs) {
  if (!rs.context_free || rs.rules.empty()) return;
  // Shorter literals (a lead byte, "\xE3\x80") occur too often to pay off.
  constexpr std::size_t kMinLiteral = 3;
  std::string pattern;
  CharSet alphabet, needed;
  bool alphabet_known = true, needed_known = true;
  for (std::size_t i = 0; i < rs.rules.size(); ++i) {
    const RE2& re = *rs.rules[i].re;
    if (RE2::FullMatch("", re)) return;
    // The alternation below is compiled with the first rule's options: it
    // reads the others as they read only if they share them.
    if (options_key(re.options()) != options_key(rs.rules.front().re->options())) return;
    const StartTest test(re);
    if (test.literal.size() >= kMinLiteral) {
      by_literal.emplace_back(i, test.literal);
      ByteSet before{}, last{};
      before[static_cast<unsigned char>(test.literal[test.literal.size() - 2])] = true;
      last[static_cast<unsigned char>(test.literal.back())] = true;
      auto pairs = std::make_shared<const BytePairScanner>(before, last);
      literal_pairs.push_back(pairs->usable() ? pairs : nullptr);
      std::size_t first = 0;
      const char32_t c = utf8::next(test.literal, first);
      CharSet anchor;
      anchor.add(c);
      const std::optional<AnchorReach> reach = pattern_reach(re.pattern(), anchor);
      // (A character read from the pattern as UTF-8 is at most four bytes.)
      literal_reach.push_back(reach && re.options().encoding() == RE2::Options::EncodingUTF8
                                  ? 4 * (reach->before + 1 + reach->after)
                                  : 0);
    } else {
      by_alternation.push_back(i);
      pattern += (pattern.empty() ? "(?:" : "|(?:") + re.pattern() + ")";
      const std::optional<PatternChars> chars = pattern_chars(re);
      if (chars) alphabet.add(chars->alphabet);
      else alphabet_known = false;
      if (chars && chars->required) needed.add(*chars->required);
      else needed_known = false;
    }
  }
  if (!pattern.empty()) {
    RE2::Options options = rs.rules.front().re->options();
    options.set_max_mem(options.max_mem() * static_cast<int64_t>(by_alternation.size()));
    alternation = std::make_unique<RE2>(pattern, options);
    if (!alternation->ok()) return;
  }
  if (alphabet_known && !alphabet.is_everything()) {
    this->alphabet.emplace(std::move(alphabet));
    if (needed_known && !needed.is_everything()) required.emplace(std::move(needed));
  }
  per_rule = false;
}

NotTargetMask::NotTargetMask(const RuleSet& rules, const NotTargetScan& scan, std::string_view text, bool lazy,
                             bool pair_scan)
    : rules_(rules), scan_(scan), text_(text), masked_((text.size() + 1 + 63) / 64, 0), from_(rules.rules.size(), 0) {
  const re2::StringPiece input(text_.data(), text_.size());
  const std::size_t n = text_.size();
  re2::StringPiece m;
  if (scan_.per_rule) {
    for (const PatternRule& r : rules_.rules) {
      std::size_t from = 0;
      while (from < n && r.re->Match(input, from, n, RE2::UNANCHORED, &m, 1)) {
        const auto b = static_cast<std::size_t>(m.data() - text_.data());
        mark(b, b + m.size());
        from = b + std::max<std::size_t>(m.size(), 1);
      }
    }
    return;
  }
  const std::size_t literals = scan_.by_literal.size();
  literal_next_.assign(literals, 0);
  lazy_literals_ = lazy && std::none_of(scan_.literal_reach.begin(), scan_.literal_reach.end(),
                                        [](std::size_t r) { return r == 0; });
  if (lazy_literals_) {
    occurrences_.resize(literals);
    occurrences_done_.assign(literals, 0);
    pending_.assign(literals, 0);
  }
  for (std::size_t k = 0; k < literals; ++k) {
    const std::string& literal = scan_.by_literal[k].second;
    // Each occurrence the rule's scan takes (not inside its last match), or
    // every occurrence, kept for cover().
    auto take = [&](std::size_t x) {
      if (lazy_literals_) occurrences_[k].push_back(x);
      else take_literal(k, x);
    };
    if (const BytePairScanner* pairs = pair_scan ? scan_.literal_pairs[k].get() : nullptr) {
      const std::size_t last = literal.size() - 1;
      pairs->for_each(text_, [&](std::size_t i) {
        if (i >= last && i - last >= literal_next_[k] && text_.compare(i - last, literal.size(), literal) == 0)
          take(i - last);
      });
      continue;
    }
    for (std::size_t x = find_literal(text_, literal, 0); x != std::string_view::npos;
         x = find_literal(text_, literal, lazy_literals_ ? x + 1 : literal_next_[k]))
      take(x);
  }
  lazy_ = lazy && scan_.alphabet.has_value() && scan_.alternation;
  if (!lazy_) scan_alternation(0, n, /*afresh=*/true);
}

void NotTargetMask::take_literal(std::size_t k, std::size_t x) {
  if (x < literal_next_[k]) return;
  const re2::StringPiece input(text_.data(), text_.size());
  re2::StringPiece m;
  ++literal_runs_;
  literal_next_[k] = x + 1;
  if (rules_.rules[scan_.by_literal[k].first].re->Match(input, x, text_.size(), RE2::ANCHOR_START, &m, 1)) {
    mark(x, x + m.size());
    literal_next_[k] = x + m.size();
  }
}

// An occurrence x whose match cannot reach b (it ends by x + reach) is
// passed over: spans asked later start at b or after it (a span inside the
// last one is exact already). Its match may yet hide the next occurrence,
// so it is kept pending while the next one lies within its reach, and run
// (the pending ones in order) only before an occurrence that must be.
void NotTargetMask::cover_literals(std::size_t b, std::size_t e) {
  covered_ = {b, e};
  if (b < last_covered_) {  // out of order: every occurrence, once
    lazy_literals_ = false;
    for (std::size_t k = 0; k < occurrences_.size(); ++k) {
      literal_next_[k] = 0;
      for (std::size_t x : occurrences_[k]) take_literal(k, x);
    }
    return;
  }
  last_covered_ = b;
  for (std::size_t k = 0; k < occurrences_.size(); ++k) {
    const std::vector<std::size_t>& at = occurrences_[k];
    const std::size_t reach = scan_.literal_reach[k];
    std::size_t& i = occurrences_done_[k];
    std::size_t& pending = pending_[k];  // at[pending, i) wait
    for (; i < at.size() && at[i] < e; ++i) {
      const std::size_t x = at[i];
      if (x + reach > b) {
        for (; pending < i; ++pending) take_literal(k, at[pending]);
        take_literal(k, x);
        pending = i + 1;
      } else if (i + 1 == at.size() || at[i + 1] >= x + reach) {
        pending = i + 1;  // the next occurrence is taken whatever these match
      }
    }
  }
}

void NotTargetMask::mark(std::size_t b, std::size_t e) {
  if (b >= e) return;
  const std::size_t wb = b / 64, we = (e - 1) / 64;
  const std::uint64_t head = ~std::uint64_t{0} << (b % 64), tail = ~std::uint64_t{0} >> (63 - (e - 1) % 64);
  if (wb == we) {
    masked_[wb] |= head & tail;
    return;
  }
  masked_[wb] |= head;
  for (std::size_t w = wb + 1; w < we; ++w) masked_[w] = ~std::uint64_t{0};
  masked_[we] |= tail;
}

// The alternation stops at every position where one of its rules matches;
// each rule whose scan has reached it takes its match there (as its own scan
// would find it: leftmost first, the same match as anchored at its start).
void NotTargetMask::scan_alternation(std::size_t from, std::size_t to, bool afresh) {
  if (afresh)
    for (std::size_t rule : scan_.by_alternation) from_[rule] = from;
  covered_end_ = to;
  if (!scan_.alternation || from >= to) return;
  // A window of the lazy scan holds every match that reaches into it: none
  // without a required character.
  if (lazy_ && !holds_required(from, to)) return;
  scanned_bytes_ += to - from;
  const re2::StringPiece input(text_.data(), text_.size());
  re2::StringPiece start, m;
  for (std::size_t at = from; at < to && scan_.alternation->Match(input, at, to, RE2::UNANCHORED, &start, 1);) {
    const auto x = static_cast<std::size_t>(start.data() - text_.data());
    for (std::size_t rule : scan_.by_alternation)
      if (from_[rule] <= x && rules_.rules[rule].re->Match(input, x, text_.size(), RE2::ANCHOR_START, &m, 1)) {
        mark(x, x + m.size());
        from_[rule] = x + m.size();
      }
    at = x + 1;
  }
}

bool NotTargetMask::holds_required(std::size_t begin, std::size_t end) const {
  // No match holds an invalid byte, and decoding takes no valid character
  // into an invalid sequence.
  return !scan_.required || holds_any(*scan_.required, text_, begin, end);
}

bool NotTargetMask::outside_alphabet(std::size_t begin, std::size_t end) const {
  std::size_t i = begin;
  const int32_t c = utf8::next_or_invalid(text_, i);
  return c >= 0 && i == end && !scan_.alphabet->contains(static_cast<char32_t>(c));
}

std::size_t NotTargetMask::run_start(std::size_t b, bool& afresh) const {
  std::size_t p = b;
  while (p > covered_end_) {
    std::size_t q = p - 1;
    while (q > covered_end_ && p - q < 4 && (static_cast<unsigned char>(text_[q]) & 0xC0) == 0x80) --q;
    if (outside_alphabet(q, p)) {
      afresh = true;
      return p;
    }
    p = q;
  }
  afresh = false;
  return covered_end_;
}

std::size_t NotTargetMask::run_end(std::size_t e) const {
  std::size_t p = e;
  while (p < text_.size()) {
    std::size_t i = p;
    const int32_t c = utf8::next_or_invalid(text_, i);
    if (c >= 0 && !scan_.alphabet->contains(static_cast<char32_t>(c))) return p;
    p = i;
  }
  return text_.size();
}

void NotTargetMask::prepare(std::size_t b, std::size_t e) {
  cover(b, e);
  if (!lazy_) return;
  if (b < last_prepared_) {  // out of order: the whole text, once
    lazy_ = false;
    scan_alternation(0, text_.size(), /*afresh=*/true);
    return;
  }
  last_prepared_ = b;
  if (e <= covered_end_) return;
  bool afresh = false;
  const std::size_t from = b <= covered_end_ ? covered_end_ : run_start(b, afresh);
  scan_alternation(from, run_end(e), afresh);
}

}  // namespace plancmp
