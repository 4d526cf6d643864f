// Which dates and values rules can match in each line: one RE2::Set pass per
// line for both stages, over the line's windows only (where the rules can
// match, src/line_rules.h). See LineRules in include/plancmp/extract.h.
#include "line_rules.h"

#include <algorithm>
#include <cctype>
#include <bit>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include <re2/re2.h>
#include <re2/set.h>

#include "cpu_features.h"
#ifdef PLANCMP_X86_DISPATCH
#define PLANCMP_LINE_AVX2 1
#include <immintrin.h>
#endif

#include "grammar_internal.h"
#include "plancmp/extract.h"
#include "regex_shortcuts.h"
#include "utf8_util.h"

namespace plancmp {

namespace {

constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();

// pattern_needs() and pattern_reach() by recursive descent: a summary of
// each piece of the pattern as to the anchor characters (failure through ok_).
class AnchorReader {
 public:
  // Of a piece of the pattern: the most characters it matches; whether a
  // match of it may or must hold an anchor; and, over its matches holding
  // one, the most characters before and after the first anchor in it
  // (before_first, after_first) and the last (before_last, after_last);
  // the fewest characters it matches (min) and, over its matches holding an
  // anchor, the fewest before the first anchor (min_first).
  struct Shape {
    std::size_t max = 0;
    bool may = false, must = false;
    std::size_t before_first = 0, after_first = 0, before_last = 0, after_last = 0;
    std::size_t min = 0, min_first = 0;
  };

  AnchorReader(std::string_view p, const CharSet& anchors) : p_(p), anchors_(anchors) {
    // Case folding is not followed: under (?i) every character may be an anchor.
    for (std::size_t i = p.find("(?"); i != std::string_view::npos; i = p.find("(?", i + 2)) {
      const std::size_t stop = p.find_first_of(":)", i);
      if (p.substr(i + 2, stop == std::string_view::npos ? std::string_view::npos : stop - i - 2).find('i') !=
          std::string_view::npos)
        fold_ = true;
    }
  }
  std::optional<Shape> read() {
    const Shape s = alternation();
    if (!ok_ || i_ != p_.size()) return std::nullopt;
    return s;
  }

 private:
  static std::size_t add(std::size_t a, std::size_t b) { return a == kUnbounded || b == kUnbounded ? kUnbounded : a + b; }
  static std::size_t times(std::size_t a, std::size_t n) { return n != 0 && a > kUnbounded / n ? kUnbounded : a * n; }
  bool at_end() const { return i_ >= p_.size(); }
  Shape fail() {
    ok_ = false;
    i_ = p_.size();
    return {};
  }

  // X then Y.
  static Shape then(const Shape& x, const Shape& y) {
    Shape s{add(x.max, y.max), x.may || y.may, x.must || y.must};
    s.min = add(x.min, y.min);
    // The first anchor in x, or (when x may hold none) in y after x's characters.
    if (s.may) s.min_first = std::min(x.may ? x.min_first : kUnbounded, y.may && !x.must ? add(x.min, y.min_first) : kUnbounded);
    auto take = [](std::size_t& to, std::size_t v) { to = std::max(to, v); };
    if (x.may) {  // the first anchor in x; the last in x when y may hold none
      take(s.before_first, x.before_first);
      take(s.after_first, add(x.after_first, y.max));
      if (!y.must) {
        take(s.before_last, x.before_last);
        take(s.after_last, add(x.after_last, y.max));
      }
    }
    if (y.may) {  // the last anchor in y; the first in y when x may hold none
      take(s.before_last, add(x.max, y.before_last));
      take(s.after_last, y.after_last);
      if (!x.must) {
        take(s.before_first, add(x.max, y.before_first));
        take(s.after_first, y.after_first);
      }
    }
    return s;
  }

  // X or Y.
  static Shape either(const Shape& x, const Shape& y) {
    Shape s{std::max(x.max, y.max), x.may || y.may, x.must && y.must};
    s.min = std::min(x.min, y.min);
    if (s.may) s.min_first = std::min(x.may ? x.min_first : kUnbounded, y.may ? y.min_first : kUnbounded);
    for (const Shape* b : {&x, &y}) {
      if (!b->may) continue;
      s.before_first = std::max(s.before_first, b->before_first);
      s.after_first = std::max(s.after_first, b->after_first);
      s.before_last = std::max(s.before_last, b->before_last);
      s.after_last = std::max(s.after_last, b->after_last);
    }
    return s;
  }

  // X repeated min to max times (max kUnbounded: no end).
  static Shape repeated(const Shape& x, std::size_t min, std::size_t max) {
    if (max != kUnbounded && max <= 1000) {
      Shape s;
      for (std::size_t k = 0; k < max; ++k) s = then(s, k < min ? x : either(x, Shape{}));
      return s;
    }
    Shape s{x.max == 0 ? 0 : kUnbounded, x.may, x.must && min > 0};
    s.min = times(x.min, min);
    // The first anchor lies in some turn, after turns of no fewer than no characters.
    s.min_first = x.may ? x.min_first : 0;
    if (x.may) s.before_first = s.after_first = s.before_last = s.after_last = kUnbounded;
    return s;
  }

  Shape alternation() {
    Shape s = sequence();
    while (ok_ && !at_end() && p_[i_] == '|') {
      ++i_;
      s = either(s, sequence());
    }
    return s;
  }

  Shape sequence() {
    Shape s;
    while (ok_ && !at_end() && p_[i_] != '|' && p_[i_] != ')') s = then(s, quantified(atom()));
    return s;
  }

  // The item under the quantifiers that follow it.
  Shape quantified(Shape item) {
    while (ok_ && !at_end()) {
      const char c = p_[i_];
      std::size_t min = 0, max = kUnbounded;
      if (c == '?' || c == '*' || c == '+') {
        ++i_;
        if (c == '?') max = 1;
        if (c == '+') min = 1;
      } else if (c == '{') {
        if (!repetition(min, max)) return fail();
      } else {
        break;
      }
      item = repeated(item, min, max);
      if (!at_end() && p_[i_] == '?') ++i_;  // lazy
    }
    return item;
  }

  // {n}, {n,} or {n,m} at i_ (max: kUnbounded for {n,}). Anything else is
  // given up (RE2 reads a '{' that opens no repetition as a literal).
  bool repetition(std::size_t& min, std::size_t& max) {
    const std::size_t close = p_.find('}', i_);
    if (close == std::string_view::npos) return false;
    const std::string_view body = p_.substr(i_ + 1, close - i_ - 1);
    i_ = close + 1;
    const std::size_t comma = body.find(',');
    const std::string_view low = body.substr(0, comma);
    const std::string_view high = comma == std::string_view::npos ? low : body.substr(comma + 1);
    if (low.empty() || !number(low, min) || (!high.empty() && !number(high, max))) return false;
    if (high.empty()) max = kUnbounded;
    return min <= max;
  }
  static bool number(std::string_view s, std::size_t& n) {
    n = 0;
    for (char d : s) {
      if (d < '0' || d > '9') return false;
      n = std::min<std::size_t>(n * 10 + static_cast<std::size_t>(d - '0'), 100000);
    }
    return true;
  }

  // One character of `chars` (nullopt: of any), as to the anchors.
  Shape one_of(const std::optional<CharSet>& chars) const {
    bool may = true, must = false;
    if (chars && !(fold_ && holds_letters(*chars))) {
      may = !chars->disjoint_from(anchors_);
      must = may && chars->within(anchors_);
    }
    Shape s{1, may, must};
    s.min = 1;
    return s;
  }
  static bool holds_letters(const CharSet& s) { return !s.disjoint_from(letters()); }
  static const CharSet& letters() {
    static const CharSet set = [] {
      CharSet l;
      l.add('A', 'Z');
      l.add('a', 'z');
      l.add(0x80, 0x10FFFF);  // and what folds beyond ASCII, in doubt
      return l;
    }();
    return set;
  }

  Shape atom() {
    const char c = p_[i_];
    if (c == '(') return group();
    if (c == '^' || c == '$') return ++i_, Shape{};
    if (c == '.') return ++i_, one_of(std::nullopt);
    if (c == '[') return char_class();
    if (c == '\\') {
      if (i_ + 1 >= p_.size()) return fail();
      const char e = p_[i_ + 1];
      if (e == 'b' || e == 'B' || e == 'A' || e == 'z') return i_ += 2, Shape{};
      std::optional<CharSet> chars;
      if (!escape(chars)) return fail();
      return one_of(chars);
    }
    if (c == '*' || c == '+' || c == '?' || c == '{') return fail();
    std::size_t next = i_;
    const char32_t ch = utf8::next(p_, next);
    i_ = next;
    if (fold_ && (ch >= 0x80 || std::isalpha(static_cast<unsigned char>(ch)))) return one_of(std::nullopt);
    const bool anchor = anchors_.contains(ch);
    Shape s{1, anchor, anchor};
    s.min = 1;
    return s;
  }

  // The escape at i_, stepped over: its characters in `chars` (nullopt:
  // not followed, any). False for what RE2 reads otherwise (\C, \Q, octal).
  bool escape(std::optional<CharSet>& chars) {
    const char e = p_[i_ + 1];
    if (e == 'C' || e == 'Q' || (e >= '0' && e <= '9')) return false;
    const std::size_t end = pattern_token_end(p_, i_);
    if (end == std::string_view::npos) return false;
    i_ = end;
    CharSet set;
    if (e == 'd') {
      set.add('0', '9');
    } else if (const std::optional<char32_t> c = escaped(e)) {
      set.add(*c);
    } else {
      chars.reset();  // \s \w \p{…} \x{…}…: any, in doubt
      return true;
    }
    chars = set;
    return true;
  }

  // The character `\e` stands for, when it is one this reading follows.
  static std::optional<char32_t> escaped(char e) {
    switch (e) {
      case 'n': return U'\n';
      case 't': return U'\t';
      case 'r': return U'\r';
      case 'f': return U'\f';
      case 'v': return U'\v';
      default:
        if (static_cast<unsigned char>(e) < 0x80 && std::ispunct(static_cast<unsigned char>(e))) return e;
        return std::nullopt;
    }
  }

  // [...]: its characters when it lists characters, ranges and the escapes
  // escape() follows; any when negated or holding something else.
  Shape char_class() {
    const std::size_t end = pattern_token_end(p_, i_);
    if (end == std::string_view::npos) return fail();
    std::string_view body = p_.substr(i_ + 1, end - i_ - 2);
    i_ = end;
    if (!body.empty() && body[0] == '^') return one_of(std::nullopt);
    CharSet set;
    std::optional<char32_t> last;  // the last single character, for a range after it
    for (std::size_t k = 0; k < body.size();) {
      if (body[k] == '-' && last && k + 1 < body.size()) {
        std::size_t next = k + 1;
        if (body[next] == '\\') return one_of(std::nullopt);
        const char32_t hi = utf8::next(body, next);
        set.add(*last, hi);
        last.reset();
        k = next;
        continue;
      }
      if (body[k] == '\\') {
        if (k + 1 >= body.size()) return one_of(std::nullopt);
        const char e = body[k + 1];
        if (e == 'd') {
          set.add('0', '9');
          last.reset();
        } else if (const std::optional<char32_t> c = escaped(e)) {
          set.add(*c);
          last = *c;
        } else {
          return one_of(std::nullopt);
        }
        k += 2;
        continue;
      }
      if (body[k] == '[') return one_of(std::nullopt);
      std::size_t next = k;
      const char32_t c = utf8::next(body, next);
      set.add(c);
      last = c;
      k = next;
    }
    return one_of(set);
  }

  // (…), (?:…), (?P<name>…), (?flags) and (?flags:…).
  Shape group() {
    ++i_;
    if (!at_end() && p_[i_] == '?') {
      ++i_;
      if (!at_end() && p_[i_] == 'P') {
        const std::size_t close = p_.find('>', i_);
        if (close == std::string_view::npos) return fail();
        i_ = close + 1;
      } else {
        // Flags only: any other construct is one this reader does not know.
        while (!at_end() && p_[i_] != ')' && p_[i_] != ':') {
          if (std::strchr("imsU-", p_[i_]) == nullptr || p_[i_] == '\0') return fail();
          ++i_;
        }
        if (at_end()) return fail();
        if (p_[i_++] == ')') return {};  // (?flags): flags on, no characters
      }
    }
    const Shape s = alternation();
    if (!ok_ || at_end() || p_[i_] != ')') return fail();
    ++i_;
    return s;
  }

  std::string_view p_;
  const CharSet& anchors_;
  bool fold_ = false;
  std::size_t i_ = 0;
  bool ok_ = true;
};

// The start of the character `count` characters before the one at `at`
// (not before `begin`). Stray continuation bytes count for nothing: the
// reach only grows.
std::size_t chars_back(std::string_view text, std::size_t begin, std::size_t at, std::size_t count) {
  while (at > begin && count > 0) {
    --at;
    if ((static_cast<unsigned char>(text[at]) & 0xC0) != 0x80) --count;
  }
  while (at > begin && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  return at;
}

// The end of the `count` characters from `at` on (not past `end`).
std::size_t chars_forward(std::string_view text, std::size_t at, std::size_t end, std::size_t count) {
  for (; at < end && count > 0; --count) {
    ++at;
    while (at < end && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
  }
  return at;
}

// Sorted, disjoint spans: `add` appended, touching or overlapping ones joined.
void append_merged(std::vector<ByteSpan>& out, ByteSpan add) {
  if (!out.empty() && add.first <= out.back().second) out.back().second = std::max(out.back().second, add.second);
  else out.push_back(add);
}

const char* const kDatesFile = "dates.yaml";
const char* const kTargetsFile = "targets.yaml";

// The two sets together hold twice the rules of one: twice the budget.
constexpr int64_t kLineSetMaxMem = 16 << 20;

}  // namespace

bool pattern_needs(std::string_view pattern, const CharSet& anchors) {
  const std::optional<AnchorReader::Shape> s = AnchorReader(pattern, anchors).read();
  return s && s->must;
}

std::optional<AnchorReach> pattern_reach(std::string_view pattern, const CharSet& anchors) {
  const std::optional<AnchorReader::Shape> s = AnchorReader(pattern, anchors).read();
  if (!s || !s->must) return std::nullopt;
  // Around the first anchor of each match, or around the last: the closer.
  const AnchorReach first{s->before_first, s->after_first}, last{s->before_last, s->after_last};
  auto span = [](const AnchorReach& r) { return r.before == kUnbounded || r.after == kUnbounded ? kUnbounded : r.before + r.after; };
  const AnchorReach& best = span(first) <= span(last) ? first : last;
  if (span(best) == kUnbounded) return std::nullopt;
  return best;
}

bool pattern_tests_word_boundary(std::string_view p) {
  for (std::size_t i = 0; i < p.size();) {
    if (p[i] != '\\' && p[i] != '[') {
      ++i;
      continue;
    }
    if (p[i] == '\\' && i + 1 < p.size() && (p[i + 1] == 'b' || p[i + 1] == 'B')) return true;
    i = pattern_token_end(p, i);
    if (i == std::string_view::npos) return true;
  }
  return false;
}

void LineWindows::add(std::uint8_t flag, const CharSet& set) {
  for (const auto& [lo, hi] : set.ranges())
    for (char32_t c = lo; c <= hi && c < 0x10000; ++c) flags_[c] |= flag;
  if (!set.empty() && set.ranges().back().second >= 0x10000) sets_.emplace_back(flag, set);
  if (!(flag & (kAnchor | kAnyWide))) return;
  // The pairs of bytes an anchor can end with.
  auto mark = [&](unsigned before, unsigned last) { anchor_ends_[before | last << 8] = 1; };
  for (const auto& [lo, hi] : set.ranges()) {
    for (char32_t c = lo; c <= hi && c < 0x80; ++c) std::memset(&anchor_ends_[c << 8], 1, 256);  // after any byte
    const char32_t from = std::max<char32_t>(lo, 0x80);
    if (from <= hi && hi - from >= 4096) {  // too many to list: any continuation byte, after anything
      std::memset(&anchor_ends_[0x80 << 8], 1, 0x40 << 8);
      continue;
    }
    for (char32_t c = from; c <= hi; ++c) {
      char buf[4];
      const std::size_t n = static_cast<std::size_t>(utf8::encode_to(buf, c) - buf);
      mark(static_cast<unsigned char>(buf[n - 2]), static_cast<unsigned char>(buf[n - 1]));
    }
  }
}

std::unique_ptr<const LineWindows> LineWindows::of(const std::vector<const RE2*>& rules) {
  std::unique_ptr<LineWindows> out(new LineWindows());
  out->flags_.assign(0x10000, 0);
  out->anchor_ends_.assign(0x10000, 0);
  CharSet digits;
  digits.add('0', '9');
  std::size_t wide = 0;  // wide rules so far
  for (const RE2* re : rules) {
    const std::optional<PatternChars> chars = pattern_chars(*re);
    if (!chars || chars->nullable || pattern_tests_word_boundary(re->pattern())) return nullptr;
    // Every match holds a required character (with none known, any of its
    // own); digits, when every match holds one, are few in a plan's text.
    const CharSet& required = chars->required ? *chars->required : chars->alphabet;
    const CharSet& own = pattern_needs(re->pattern(), digits) ? digits : required;
    if (own.empty() || own.is_everything()) return nullptr;
    if (!chars->alphabet.is_everything()) {
      out->add(kAlphabet, chars->alphabet);
      out->add(kFirst, chars->first);
      out->add(kAnchor, own);
      Narrow& n = out->rules_.emplace_back(Narrow{CharTable(chars->first), CharTable(required)}).value();
      // How many characters a match holds before its first required one.
      if (const std::optional<AnchorReader::Shape> s = AnchorReader(re->pattern(), required).read();
          s && s->must && s->min_first <= s->before_first) {
        n.fewest = s->min_first;
        n.most = s->before_first;
      }
      continue;
    }
    const std::optional<AnchorReach> reach = pattern_reach(re->pattern(), own);
    if (!reach) return nullptr;
    // The wide rules past the groups share the last one: the longer reach.
    const std::size_t group = std::min(wide++, kWideGroups - 1);
    out->add(static_cast<std::uint8_t>(kWide << group), own);
    AnchorReach& r = out->wide_reach_[group];
    r = {std::max(r.before, reach->before), std::max(r.after, reach->after)};
    out->rules_.emplace_back();
  }
  out->read_nibbles();
  return out;
}

void LineWindows::add_wide(std::string_view text, std::size_t begin, std::size_t end, std::size_t at, std::size_t stop,
                           std::uint8_t f, std::vector<ByteSpan>& wide) const {
  for (std::size_t g = 0; g < kWideGroups; ++g)
    if (f & (kWide << g))
      wide.push_back({chars_back(text, begin, at, wide_reach_[g].before), chars_forward(text, stop, end, wide_reach_[g].after)});
}

std::size_t LineWindows::read_run(std::string_view text, std::size_t begin, std::size_t end, std::size_t at,
                                  std::size_t stop, std::vector<ByteSpan>& narrow, std::vector<ByteSpan>& wide) const {
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
  const std::string_view bounded = text.substr(0, end);
  std::size_t open = std::string_view::npos;  // the run's first opening character
  // Back to the run's start (the characters before the anchor were passed
  // by the scan: their wide anchors are taken).
  for (std::size_t start = at; start > begin;) {
    std::size_t prev = start - 1;
    while (prev > begin && start - prev < 4 && (t[prev] & 0xC0) == 0x80) --prev;
    std::size_t next = prev;
    const std::uint8_t f = flags(utf8::next(bounded, next));
    if (next != start || !(f & kAlphabet)) break;
    start = prev;
    if (f & kFirst) open = start;
  }
  // On from the anchor to the run's end.
  std::size_t run_end = at;
  while (run_end < end) {
    std::size_t next = run_end;
    const std::uint8_t f = flags(utf8::next(bounded, next));
    if (!(f & kAlphabet)) break;
    if (open == std::string_view::npos && (f & kFirst)) open = run_end;
    if ((f & kAnyWide) && run_end >= stop) add_wide(text, begin, end, run_end, next, f, wide);
    run_end = next;
  }
  if (open != std::string_view::npos) narrow.push_back({open, run_end});
  return run_end;
}

void LineWindows::read_nibbles() {
  ByteSet any{}, last{}, before{};
  for (unsigned l = 0; l < 256; ++l) {
    const std::uint8_t* row = anchor_ends_.data() + (l << 8);  // by the byte before
    if (!std::memchr(row, 0, 256)) {
      any[l] = true;
    } else if (std::memchr(row, 1, 256)) {
      last[l] = true;
      for (unsigned b = 0; b < 256; ++b)
        if (anchor_ends_[b | l << 8]) before[b] = true;
    }
  }
  nibbles_ = any_.from(any) && last_.from(last) && before_.from(before);
}

namespace {


}  // namespace

#ifdef PLANCMP_LINE_AVX2
namespace {

// The prefilter's tables, in both 128-bit lanes (vpshufb looks up within a lane).
struct PrefilterTables {
  __m256i any_lo, any_hi, last_lo, last_hi, before_lo, before_hi;
};

// Bit k: position p + k passes the prefilter (reads p[-1, 32)).
__attribute__((target("avx2"))) inline std::uint32_t candidates32(const unsigned char* p, const PrefilterTables& tb) {
  const __m256i nibble = _mm256_set1_epi8(0x0F), zero = _mm256_setzero_si256();
  const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i y = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p - 1));  // the bytes before
  const __m256i xl = _mm256_and_si256(x, nibble), xh = _mm256_and_si256(_mm256_srli_epi16(x, 4), nibble);
  const __m256i yl = _mm256_and_si256(y, nibble), yh = _mm256_and_si256(_mm256_srli_epi16(y, 4), nibble);
  const __m256i no_any =
      _mm256_cmpeq_epi8(_mm256_and_si256(_mm256_shuffle_epi8(tb.any_lo, xl), _mm256_shuffle_epi8(tb.any_hi, xh)), zero);
  const __m256i no_last =
      _mm256_cmpeq_epi8(_mm256_and_si256(_mm256_shuffle_epi8(tb.last_lo, xl), _mm256_shuffle_epi8(tb.last_hi, xh)), zero);
  const __m256i no_before = _mm256_cmpeq_epi8(
      _mm256_and_si256(_mm256_shuffle_epi8(tb.before_lo, yl), _mm256_shuffle_epi8(tb.before_hi, yh)), zero);
  const __m256i miss = _mm256_and_si256(no_any, _mm256_or_si256(no_last, no_before));
  return ~static_cast<std::uint32_t>(_mm256_movemask_epi8(miss));
}

#define PLANCMP_TABLE(p) _mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)))

}  // namespace

// Thirty-two positions a step: the prefilter's candidates, each then
// checked in anchor_ends_. Returns the first anchor end (found), end when
// there is none, or where fewer than thirty-two bytes of the text (`size`
// bytes) are left (from >= 1: byte q - 1 is read). A step may read past
// `end` (lines are short): its candidates there are dropped.
__attribute__((target("avx2"))) std::size_t LineWindows::next_anchor_end_avx2(const unsigned char* t, std::size_t from,
                                                                           std::size_t end, std::size_t size,
                                                                           bool& found) const {
  const PrefilterTables tb{PLANCMP_TABLE(any_.lo.data()),  PLANCMP_TABLE(any_.hi.data()),    PLANCMP_TABLE(last_.lo.data()),
                           PLANCMP_TABLE(last_.hi.data()), PLANCMP_TABLE(before_.lo.data()), PLANCMP_TABLE(before_.hi.data())};
  const std::uint8_t* const ends = anchor_ends_.data();
  for (; from < end && from + 32 <= size; from += 32) {
    std::uint32_t m = candidates32(t + from, tb);
    if (end - from < 32) m &= (std::uint32_t{1} << (end - from)) - 1;
    for (; m != 0; m &= m - 1) {
      const std::size_t q = from + static_cast<std::size_t>(std::countr_zero(m));
      if (ends[t[q - 1] | t[q] << 8]) {
        found = true;
        return q;
      }
    }
  }
  return std::min(from, end);
}

// anchor_end_bits() from byte 1 on, thirty-two positions a step; returns
// where fewer than thirty-two bytes are left.
__attribute__((target("avx2"))) std::size_t LineWindows::anchor_end_bits_avx2(const unsigned char* t, std::size_t size,
                                                                           std::uint64_t* bits) const {
  const PrefilterTables tb{PLANCMP_TABLE(any_.lo.data()),  PLANCMP_TABLE(any_.hi.data()),    PLANCMP_TABLE(last_.lo.data()),
                           PLANCMP_TABLE(last_.hi.data()), PLANCMP_TABLE(before_.lo.data()), PLANCMP_TABLE(before_.hi.data())};
  const std::uint8_t* const ends = anchor_ends_.data();
  std::size_t from = 1;
  for (; from + 32 <= size; from += 32)
    for (std::uint32_t m = candidates32(t + from, tb); m != 0; m &= m - 1) {
      const std::size_t q = from + static_cast<std::size_t>(std::countr_zero(m));
      if (ends[t[q - 1] | t[q] << 8]) bits[q / 64] |= std::uint64_t{1} << (q % 64);
    }
  return from;
}
#undef PLANCMP_TABLE
#endif

std::size_t LineWindows::next_anchor_end(std::string_view text, std::size_t from, std::size_t end, Scan way) const {
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
  const std::uint8_t* const ends = anchor_ends_.data();
  if (from == 0 && from < end) {
    if (ends[t[0] << 8]) return 0;  // nothing before the text's first byte
    from = 1;
  }
#ifdef PLANCMP_LINE_AVX2
  if (way == Scan::kWidest && nibbles_ && cpu::has_avx2()) {
    bool found = false;
    from = next_anchor_end_avx2(t, from, end, text.size(), found);
    if (found) return from;
  }
#else
  (void)way;
#endif
  auto at = [&](std::size_t q) {
    if constexpr (std::endian::native == std::endian::little) {
      std::uint16_t pair;  // one load: t[q - 1] low, t[q] high
      std::memcpy(&pair, t + q - 1, 2);
      return ends[pair];
    } else {
      return ends[t[q - 1] | t[q] << 8];
    }
  };
  // Eight pairs a step: most of a plan's are no anchor's end.
  for (; from + 8 <= end; from += 8)
    if (at(from) | at(from + 1) | at(from + 2) | at(from + 3) | at(from + 4) | at(from + 5) | at(from + 6) |
        at(from + 7))
      break;
  for (; from < end; ++from)
    if (at(from)) return from;
  return end;
}

void LineWindows::anchor_end_bits(std::string_view text, std::vector<std::uint64_t>& bits, Scan way) const {
  bits.assign(text.size() / 64 + 1, 0);
  std::size_t from = 0;
#ifdef PLANCMP_LINE_AVX2
  if (way == Scan::kWidest && nibbles_ && cpu::has_avx2() && !text.empty()) {
    if (anchor_ends_[static_cast<unsigned char>(text[0]) << 8]) bits[0] |= 1;  // nothing before the first byte
    from = anchor_end_bits_avx2(reinterpret_cast<const unsigned char*>(text.data()), text.size(), bits.data());
  }
#endif
  for (std::size_t q = next_anchor_end(text, from, text.size(), Scan::kPairs); q < text.size();
       q = next_anchor_end(text, q + 1, text.size(), Scan::kPairs))
    bits[q / 64] |= std::uint64_t{1} << (q % 64);
}

void LineWindows::find(std::string_view text, std::size_t begin, std::size_t end, std::vector<ByteSpan>& narrow,
                       std::vector<ByteSpan>& all, const std::vector<std::uint64_t>* ends) const {
  const std::size_t first_narrow = narrow.size();
  thread_local std::vector<ByteSpan> wide;  // the wide rules' windows, merged
  wide.clear();
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
  const std::string_view bounded = text.substr(0, end);
  // The first anchor end in [from, end), from `ends` when given.
  auto next_end = [&](std::size_t from) {
    if (!ends) return next_anchor_end(text, from, end);
    for (std::size_t i = from; i < end; i = (i / 64 + 1) * 64)
      if (const std::uint64_t w = (*ends)[i / 64] >> (i % 64); w != 0)
        return std::min(end, i + static_cast<std::size_t>(std::countr_zero(w)));
    return end;
  };
  for (std::size_t q = next_end(begin); q < end; q = next_end(q + 1)) {
    // The character that ends at q, if one does.
    std::size_t at = q;
    while (at > begin && q - at < 3 && (t[at] & 0xC0) == 0x80) --at;
    std::size_t stop = at;
    const std::uint8_t f = flags(utf8::next(bounded, stop));
    if (stop != q + 1) continue;
    if (f & kAnyWide) add_wide(text, begin, end, at, stop, f, wide);
    if (f & kAnchor) q = read_run(text, begin, end, at, stop, narrow, wide) - 1;
  }
  // The groups' reaches differ: the wide windows come in no fixed order.
  std::sort(wide.begin(), wide.end());
  // Both lists are ascending: merge them.
  auto n = narrow.begin() + static_cast<std::ptrdiff_t>(first_narrow);
  auto w = wide.begin();
  while (n != narrow.end() || w != wide.end()) {
    if (w == wide.end() || (n != narrow.end() && n->first < w->first)) append_merged(all, *n++);
    else append_merged(all, *w++);
  }
}

void LineWindows::rule_starts(std::size_t rule, std::string_view text, ByteSpan window,
                              std::vector<std::size_t>& starts) const {
  const Narrow& r = *rules_[rule];
  const std::string_view bounded = text.substr(0, window.second);
  // A match from an opening character holds its first required character
  // from there on, r.fewest to r.most characters after it. The opening
  // characters since the last required one wait at the end of `starts` as
  // (position, character number) pairs until the next one says which stay.
  std::size_t waiting = starts.size();
  if (r.most < 64) {
    // Within 64 characters: the opening characters by a bit each (bit j: j
    // characters back), their places by character number % 64.
    const std::uint64_t reach = ~std::uint64_t{0} >> (63 - (r.most - r.fewest));
    std::uint64_t opens = 0;
    std::size_t at_k[64];
    for (std::size_t i = window.first, k = 0; i < window.second; ++k) {
      const std::size_t at = i;
      const char32_t c = utf8::next(bounded, i);
      opens <<= 1;
      if (r.first.contains(c)) {
        opens |= 1;
        at_k[k % 64] = at;
      }
      if (opens == 0 || !r.required.contains(c)) continue;
      for (std::uint64_t in_reach = (opens >> r.fewest) & reach; in_reach != 0;) {  // farthest back first
        const auto j = static_cast<std::size_t>(63 - std::countl_zero(in_reach));
        starts.push_back(at_k[(k - r.fewest - j) % 64]);
        in_reach &= ~(std::uint64_t{1} << j);
      }
      opens = 0;
    }
    return;
  }
  for (std::size_t i = window.first, k = 0; i < window.second; ++k) {
    const std::size_t at = i;
    const char32_t c = utf8::next(bounded, i);
    if (r.first.contains(c)) {
      starts.push_back(at);
      starts.push_back(k);
    }
    if (starts.size() == waiting || !r.required.contains(c)) continue;
    std::size_t kept = waiting;
    for (std::size_t w = waiting; w < starts.size(); w += 2)
      if (const std::size_t before = k - starts[w + 1]; before >= r.fewest && before <= r.most) starts[kept++] = starts[w];
    starts.resize(kept);
    waiting = kept;
  }
  starts.resize(waiting);
}

const Grammar::Impl::LineSet* Grammar::Impl::line_set() const {
  std::call_once(line_set_once, [this] {
    const RuleSet& dates = rule_set(kDatesFile, "dates");
    const RuleSet& values = rule_set(kTargetsFile, "values");
    // Lines are read with their break: a values list then covers every part
    // of the line only for rules that look at nothing around them, and a
    // dates list stays a superset of the list without the break only for
    // rules that never assert the end of the text.
    if (dates.rules.empty() || values.rules.empty() || !values.context_free) return;
    for (const PatternRule& r : dates.rules)
      if (pattern_asserts_text_end(r.re->pattern())) return;
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(kLineSetMaxMem);
    // Which rules match does not depend on groups: without them (named ones
    // by without_group_names) the DFA follows no capture steps in its states.
    options.set_never_capture(true);
    auto joint = std::make_unique<LineSet>();
    joint->set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
    joint->dates = dates.rules.size();
    std::vector<const RE2*> regexes;
    for (const RuleSet* rs : {&dates, &values})
      for (const PatternRule& r : rs->rules) {
        if (joint->set->Add(without_group_names(r.re->pattern()), nullptr) < 0 &&
            joint->set->Add(r.re->pattern(), nullptr) < 0)
          return;
        regexes.push_back(r.re.get());
      }
    if (!joint->set->Compile()) return;
    joint->windows = LineWindows::of(regexes);
    line_set_built = std::move(joint);
  });
  return line_set_built.get();
}

namespace {

// Between two windows in the joint set's input: a byte no UTF-8 pattern
// matches, so no match spans two windows.
constexpr char kSeparator = '\xFF';

// The text the joint set reads for a line: the line itself, or its windows
// (where a rule can match) one after the other, kSeparator between them,
// when they are much shorter. A match lies in one window, and no assertion
// tells a window's edge from the line's (a list may grow, it never loses a
// rule): ^ holds in the line only at its start, which a match using it
// puts in the first window; (?m)$ only before its last byte, a break, which
// a match using it puts in its window or leaves to the last one; and no
// rule tests a word boundary (LineWindows::of).
std::string_view set_input(std::string_view line, std::size_t line_begin, const std::vector<ByteSpan>& windows,
                           std::string& buffer) {
  std::size_t bytes = 0;
  for (const auto& [b, e] : windows) bytes += e - b + 1;
  if (bytes * 2 > line.size()) return line;
  buffer.clear();
  for (const auto& [b, e] : windows) {
    if (!buffer.empty()) buffer += kSeparator;
    buffer.append(line.substr(b - line_begin, e - b));
  }
  return buffer;
}

}  // namespace

LineRules match_lines(const NormalizedText& nt, const Grammar& grammar) {
  LineRules out;
  const Grammar::Impl& g = grammar.impl();
  const Grammar::Impl::LineSet* joint = g.line_set();
  if (!joint) return out;
  out.usable = true;
  const std::string& text = nt.text();
  const LineWindows* windows = joint->windows.get();
  std::vector<ByteSpan> all;  // the windows of the line being read
  std::string buffer;
  std::vector<int> hits;
  std::vector<std::uint64_t> ends;  // where anchors may end, for every line
  if (windows) windows->anchor_end_bits(text, ends);
  for (std::size_t begin = 0; begin < text.size();) {
    std::size_t end = text.find('\n', begin);
    end = end == std::string::npos ? text.size() : end + 1;  // with its break
    const std::string_view line(text.data() + begin, end - begin);
    out.line_begin.push_back(begin);
    std::vector<int>& dates = out.dates.emplace_back();
    std::vector<int>& values = out.values.emplace_back();
    std::string_view input = line;
    if (windows) {
      out.window_begin.push_back(out.windows.size());
      all.clear();
      windows->find(text, begin, end, out.windows, all, &ends);
      input = set_input(line, begin, all, buffer);
    }
    begin = end;
    if (input.empty()) continue;  // no window: no rule matches here
    RE2::Set::ErrorInfo error{RE2::Set::kNoError};
    hits.clear();
    if (joint->set->Match(re2::StringPiece(input.data(), input.size()), &hits, &error)) {
      std::sort(hits.begin(), hits.end());
      const auto first_value = static_cast<int>(joint->dates);
      const auto split = std::lower_bound(hits.begin(), hits.end(), first_value);
      dates.assign(hits.begin(), split);
      values.reserve(static_cast<std::size_t>(hits.end() - split));
      for (auto h = split; h != hits.end(); ++h) values.push_back(*h - first_value);
    } else if (error.kind != RE2::Set::kNoError) {
      // The joint DFA gave up on this line: each set answers for itself.
      dates = g.rule_set(kDatesFile, "dates").matching(line);
      values = g.rule_set(kTargetsFile, "values").matching(line);
    }
  }
  if (windows) out.window_begin.push_back(out.windows.size());
  return out;
}

}  // namespace plancmp
