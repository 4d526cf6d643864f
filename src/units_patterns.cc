#include "units_patterns.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cctype>
#include <cstring>
#include <memory>

#include "derived_cache.h"
#include "grammar_internal.h"
#include "pattern_syntax.h"
#include "cpu_features.h"
#include "regex_shortcuts.h"

#ifdef PLANCMP_X86_DISPATCH
#include <immintrin.h>
#endif
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace plancmp::units {

std::size_t find_opening(std::string_view text, std::string_view literal, std::size_t from) {
  const std::size_t n = text.size(), size = literal.size();
  if (size < 2) return find_literal(text, literal, from);
  if (from > n || n - from < size) return std::string_view::npos;
  std::size_t i = from;
#if defined(__SSE2__)
  const char* t = text.data();
  const __m128i first = _mm_set1_epi8(literal[0]), last = _mm_set1_epi8(literal[size - 1]);
  // Places i..i+15, each with its last byte at +size-1 (read while it lies
  // in the text; find_literal does the rest).
  for (; i + size - 1 + 16 <= n; i += 16) {
    const __m128i a = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t + i)), first);
    const __m128i b = _mm_cmpeq_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t + i + size - 1)), last);
    for (auto m = static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(a, b))); m != 0; m &= m - 1) {
      const std::size_t at = i + static_cast<std::size_t>(std::countr_zero(m));
      if (std::memcmp(t + at + 1, literal.data() + 1, size - 2) == 0) return at;
    }
  }
#endif
  return find_literal(text, literal, i);
}

bool ends_at_text_end(const RE2& re) {
  const std::string& p = re.pattern();
  if (p.empty() || p.back() != '$' || (re.options().posix_syntax() && !re.options().one_line())) return false;
  int depth = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' || c == '[') {
      const std::size_t end = pattern_token_end(p, i);
      if (end == std::string::npos || end >= p.size()) return false;  // the last `$` escaped or in a class
      i = end - 1;
    } else if (c == '(') {
      ++depth;
      // Flags: (?m) or (?m:…) makes `$` a line's end (any group's leading
      // letters are looked at: in doubt, false).
      for (std::size_t j = i + 1; j < p.size(); ++j) {
        const auto f = static_cast<unsigned char>(p[j]);
        if (f != '?' && f != '-' && !std::isalpha(f)) break;
        if (f == 'm') return false;
      }
    } else if (c == ')') {
      --depth;
    } else if (c == '|' && depth == 0) {
      return false;
    }
  }
  return true;
}

// PossibleMatchRange speaks of matches at the start of a text: it holds at
// any position only for a pattern that asserts nothing about what precedes.
std::string opening_literal(const RE2& re) {
  std::string min, max;
  if (!pattern_context_free(re.pattern()) || RE2::FullMatch("", re) || !re.PossibleMatchRange(&min, &max, 6))
    return "";
  std::size_t common = 0;
  while (common < min.size() && common < max.size() && min[common] == max[common]) ++common;
  return min.substr(0, common);
}

const PatternFacts& facts_of(const RE2& re) {
  static DerivedCache<PatternFacts> built;
  return *built.get(regex_key(re), [&] {
    return std::make_shared<const PatternFacts>(PatternFacts{opening_literal(re), ends_at_text_end(re)});
  });
}

std::string after_opening_group(const std::string& p) {
  // A group, not flags: "(", "(?:" or "(?P<".
  if (p.empty() || p[0] != '(' ||
      (p.compare(0, 2, "(?") == 0 && p.compare(0, 3, "(?:") != 0 && p.compare(0, 4, "(?P<") != 0))
    return "";
  const std::size_t end = pattern_syntax::group_end(p, 0);  // past the group's ")"
  if (end == std::string::npos || end >= p.size() || std::strchr("*+?{", p[end])) return "";
  // An alternation at the top would take the group into one branch only.
  const auto branches = pattern_syntax::alternatives(p);
  if (!branches || branches->size() != 1) return "";
  return p.substr(end);
}

std::string named_group_text(const std::string& p, const std::string& name) {
  const std::string open = "(?P<" + name + ">";
  const std::size_t at = p.find(open);
  if (at == std::string::npos || p.find(open, at + 1) != std::string::npos) return {};
  for (std::size_t f = p.find("(?"); f != std::string::npos; f = p.find("(?", f + 1))
    if (p.compare(f, 3, "(?:") != 0 && p.compare(f, 4, "(?P<") != 0) return {};
  const std::size_t end = pattern_syntax::group_end(p, at);
  return end == std::string::npos ? std::string() : p.substr(at, end - at);
}

const RE2* to_end_of(const RE2& re) {
  static DerivedCache<RE2> built;
  return built
      .get(regex_key(re),
           [&] {
             RE2::Options options = re.options();
             options.set_never_capture(true);
             options.set_log_errors(false);
             // A lazy opening group (a rule's list of names, `(…+?)`) is
             // left out: most of the pattern to compile, and little of
             // what a match needs at its end.
             const std::string& p = re.pattern();
             std::string rest = options.literal() ? "" : after_opening_group(p);
             const std::size_t head = p.size() - rest.size();
             if (!rest.empty() && !(head >= 4 && p.compare(head - 2, 2, "?)") == 0 && std::strchr("+*}", p[head - 3])))
               rest.clear();
             auto to_end = shared_regex("(?:" + (rest.empty() ? re.pattern() : rest) + ")$", options);
             return to_end->ok() ? to_end : nullptr;
           })
      .get();
}

}  // namespace plancmp::units

namespace plancmp::units {

namespace {

// The code point of the three-byte character t[0..2] (lead 1110xxxx, two
// continuation bytes), or -1 when t holds none (RequiredWords' reading).
int three_byte_char(const unsigned char* t) {
  if ((t[0] & 0xF0) != 0xE0 || (t[1] & 0xC0) != 0x80 || (t[2] & 0xC0) != 0x80) return -1;
  return ((t[0] & 0x0F) << 12) | ((t[1] & 0x3F) << 6) | (t[2] & 0x3F);
}

std::size_t first_slot(char32_t c, std::size_t mask) { return (c * 0x9E3779B1u >> 12) & mask; }

std::atomic<bool> vector_scan{true};

}  // namespace

WordFinder::WordFinder(const RequiredWords& words) : always_(words.always()), first_bits_{} {
  auto first_of = [](const Word& w) {
    return w.text.size() >= 3 ? three_byte_char(reinterpret_cast<const unsigned char*>(w.text.data())) : -1;
  };
  for (const RequiredWords::WordClauses& w : words.word_clauses()) {
    Word word{std::string(w.text), w.first, w.second};
    (first_of(word) >= 0 ? words_ : other_).push_back(std::move(word));
  }
  std::stable_sort(words_.begin(), words_.end(), [&](const Word& a, const Word& b) { return first_of(a) < first_of(b); });
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < words_.size(); ++i) distinct += i == 0 || first_of(words_[i]) != first_of(words_[i - 1]);
  std::size_t size = 8;
  while (size < 2 * distinct) size *= 2;
  firsts_.assign(size, First{});
  for (std::size_t i = 0; i < words_.size();) {
    const auto c = static_cast<char32_t>(first_of(words_[i]));
    std::size_t j = i;
    while (j < words_.size() && first_of(words_[j]) == static_cast<int>(c)) ++j;
    std::size_t slot = first_slot(c, size - 1);
    while (firsts_[slot].end != 0) slot = (slot + 1) & (size - 1);
    firsts_[slot] = {c, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j)};
    first_bits_[(c & 0xFFF) / 64] |= std::uint64_t{1} << (c % 64);
    last_byte_[static_cast<unsigned char>(words_[i].text[2])] = true;
    i = j;
  }
  ByteSet leads{}, middles{};
  for (const Word& w : words_) {
    leads[static_cast<unsigned char>(w.text[0])] = true;
    middles[static_cast<unsigned char>(w.text[1])] = true;
  }
#ifdef PLANCMP_X86_DISPATCH
  vector_ = !words_.empty() && cpu::has_ssse3() && lead_.from(leads) && middle_.from(middles) && last_.from(last_byte_);
#endif
}

void WordFinder::use_vector(bool on) { vector_scan.store(on, std::memory_order_relaxed); }

void WordFinder::words_at(const unsigned char* t, std::size_t at, std::size_t n, std::uint64_t& first,
                          std::uint64_t& second) const {
  const auto c = static_cast<char32_t>(((t[at] & 0x0F) << 12) | ((t[at + 1] & 0x3F) << 6) | (t[at + 2] & 0x3F));
  if (!(first_bits_[(c & 0xFFF) >> 6] >> (c & 63) & 1)) return;
  const std::size_t mask = firsts_.size() - 1;
  std::size_t slot = first_slot(c, mask);
  while (firsts_[slot].end != 0 && firsts_[slot].c != c) slot = (slot + 1) & mask;
  if (firsts_[slot].end == 0) return;  // (another character with the same low bits)
  for (std::uint32_t w = firsts_[slot].begin; w < firsts_[slot].end; ++w) {
    const std::string& word = words_[w].text;
    if (at + word.size() > n) continue;
    std::size_t k = 3;
    while (k < word.size() && t[at + k] == static_cast<unsigned char>(word[k])) ++k;
    if (k < word.size()) continue;
    first |= words_[w].first;
    second |= words_[w].second;
  }
}

#ifdef PLANCMP_X86_DISPATCH
namespace {
// Not zero where the byte is in the set of the tables.
__attribute__((target("ssse3"))) __m128i in_set(__m128i x, __m128i lo_table, __m128i hi_table) {
  const __m128i low_nibble = _mm_set1_epi8(0x0F);
  const __m128i lo = _mm_shuffle_epi8(lo_table, _mm_and_si128(x, low_nibble));
  const __m128i hi = _mm_shuffle_epi8(hi_table, _mm_and_si128(_mm_srli_epi16(x, 4), low_nibble));
  return _mm_and_si128(lo, hi);
}
__m128i table(const std::array<std::uint8_t, 16>& t) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data())); }
}  // namespace
#endif

// The places at in [0, k) (k returned) with at + 2 < n whose lead, middle
// and last bytes are in the three sets, 16 a step, each passed to words_at
// (t[0, readable) may be read, readable >= n). (Such a place holds a
// three-byte character: the sets hold leads 1110xxxx and continuation
// bytes only.) 16 bytes, not AVX2's 32: the scans are short and far
// apart, and 256-bit code run now and then cost more time than it saved
// (perf), though fewer instructions.
#ifdef PLANCMP_X86_DISPATCH
__attribute__((target("ssse3")))
#endif
std::size_t WordFinder::scan_vector(const unsigned char* t, std::size_t n, std::size_t readable, std::uint64_t& first,
                                    std::uint64_t& second) const {
  std::size_t at = 0;
#ifdef PLANCMP_X86_DISPATCH
  const __m128i lead_lo = table(lead_.lo), lead_hi = table(lead_.hi);
  const __m128i middle_lo = table(middle_.lo), middle_hi = table(middle_.hi);
  const __m128i last_lo = table(last_.lo), last_hi = table(last_.hi);
  std::uint64_t f = first, s = second;
  for (; at + 2 < n && at + 18 <= readable; at += 16) {
    const __m128i lead = in_set(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t + at)), lead_lo, lead_hi);
    const __m128i middle = in_set(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t + at + 1)), middle_lo, middle_hi);
    const __m128i last = in_set(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t + at + 2)), last_lo, last_hi);
    const __m128i all = _mm_min_epu8(_mm_min_epu8(lead, middle), last);
    auto bits = static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(all, _mm_setzero_si128()))) ^ 0xFFFFu;
    if (at + 16 > n - 2) bits &= (std::uint32_t{1} << (n - 2 - at)) - 1;  // places past the span's
    for (; bits != 0; bits &= bits - 1) words_at(t, at + static_cast<std::size_t>(std::countr_zero(bits)), n, f, s);
  }
  first = f, second = s;
#else
  (void)t, (void)n, (void)readable, (void)first, (void)second;
#endif
  return at;
}

std::uint64_t WordFinder::may_match(std::string_view text, std::size_t b, std::size_t e) const {
  const std::string_view span = text.substr(b, e - b);
  std::uint64_t first = 0, second = 0;  // the clauses that have a word in span
  for (const Word& w : other_)
    if (span.find(w.text) != std::string_view::npos) {
      first |= w.first;
      second |= w.second;
    }
  const auto* t = reinterpret_cast<const unsigned char*>(span.data());
  const std::size_t n = span.size();
  // Character by character (no word starts inside one): a three-byte one
  // is ruled out by its last byte mostly, decoded only when that byte ends
  // some first character.
  // (Where four bytes fit, the lead and its two continuation bytes are
  // tested with one mask.)
  auto three_byte_at = [&](std::size_t i) {
    if (std::endian::native == std::endian::little && i + 3 < n) {
      std::uint32_t w;
      std::memcpy(&w, t + i, 4);
      return (w & 0x00C0C0F0u) == 0x008080E0u;
    }
    return (t[i] & 0xF0) == 0xE0 && (t[i + 1] & 0xC0) == 0x80 && (t[i + 2] & 0xC0) == 0x80;
  };
  // (The clauses found do not depend on the order the places are visited
  // in, and every place a three-byte character stands is visited: a step
  // of three skips continuation bytes only. So the vector scan may take
  // the places before k, and the loop the rest.)
  std::size_t i =
      vector_ && vector_scan.load(std::memory_order_relaxed) ? scan_vector(t, n, text.size() - b, first, second) : 0;
  while (i + 2 < n) {
    if (!three_byte_at(i)) {
      ++i;
      continue;
    }
    const std::size_t at = i;
    i += 3;
    if (last_byte_[t[at + 2]]) words_at(t, at, n, first, second);
  }
  return always_ | (first & second);
}

}  // namespace plancmp::units
