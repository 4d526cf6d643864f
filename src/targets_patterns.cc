// Readings of pattern text for the target extractor: see targets_patterns.h.
#include "targets_patterns.h"

#include "cpu_features.h"

#ifdef PLANCMP_X86_DISPATCH
#include <immintrin.h>
#endif

#include <algorithm>
#include <cctype>
#include <cstring>

#include "derived_cache.h"
#include "grammar_internal.h"
#include "pattern_syntax.h"
#include "utf8_util.h"

namespace plancmp {

void CharSet::add(char32_t lo, char32_t hi) {
  if (lo > hi) return;
  for (char32_t c = lo; c <= hi && c < 128; ++c) ascii_[c >> 6] |= std::uint64_t{1} << (c & 63);
  // The ranges that touch or overlap [lo, hi] are merged with it in place.
  Range* const b = on_heap_ ? heap_.data() : inline_;
  const std::size_t n = on_heap_ ? heap_.size() : size_;
  const std::size_t first = static_cast<std::size_t>(
      std::partition_point(b, b + n, [&](const Range& r) { return std::uint64_t{r.second} + 1 < lo; }) - b);
  std::size_t last = first;
  for (; last < n && b[last].first <= std::uint64_t{hi} + 1; ++last) {
    lo = std::min(lo, b[last].first);
    hi = std::max(hi, b[last].second);
  }
  if (first != last) {
    b[first] = {lo, hi};
    if (on_heap_) {
      heap_.erase(heap_.begin() + static_cast<std::ptrdiff_t>(first + 1), heap_.begin() + static_cast<std::ptrdiff_t>(last));
    } else {
      std::copy(b + last, b + n, b + first + 1);
      size_ -= last - first - 1;
    }
    return;
  }
  if (!on_heap_ && n < kInline) {
    std::copy_backward(b + first, b + n, b + n + 1);
    b[first] = {lo, hi};
    ++size_;
    return;
  }
  if (!on_heap_) {
    heap_.assign(inline_, inline_ + n);
    on_heap_ = true;
  }
  heap_.insert(heap_.begin() + static_cast<std::ptrdiff_t>(first), {lo, hi});
}

void CharSet::add(const CharSet& other) {
  for (const auto& [lo, hi] : other.ranges()) add(lo, hi);
}

bool CharSet::disjoint_from(const CharSet& other) const {
  const std::span<const Range> a = ranges(), o = other.ranges();
  auto x = a.begin(), y = o.begin();
  while (x != a.end() && y != o.end()) {
    if (x->second < y->first) ++x;
    else if (y->second < x->first) ++y;
    else return false;
  }
  return true;
}

bool CharSet::within(const CharSet& other) const {
  const std::span<const Range> r = other.ranges();
  for (const auto& [lo, hi] : ranges()) {
    auto it = std::upper_bound(r.begin(), r.end(), lo, [](char32_t x, const auto& range) { return x < range.first; });
    if (it == r.begin() || std::prev(it)->second < hi) return false;
  }
  return true;
}

CharTable::CharTable(CharSet set) : set_(std::move(set)) {
  std::size_t others = 0;  // non-ASCII characters
  for (const auto& [lo, hi] : set_.ranges()) {
    for (char32_t c = lo; c <= hi && c < 0x80; ++c) ascii_[c >> 6] |= std::uint64_t{1} << (c & 63);
    if (hi >= 0x80) others += hi - std::max<char32_t>(lo, 0x80) + 1;
  }
  few_ = others <= kFewChars;
  if (few_) {
    for (const auto& [lo, hi] : set_.ranges())
      for (char32_t c = std::max<char32_t>(lo, 0x80); c <= hi; ++c) {
        few_chars_.push_back(c);
        const std::uint32_t h = filter_slot(c);
        filter_[h >> 6] |= std::uint64_t{1} << (h & 63);
      }
    return;
  }
  bits_.assign(0x10000 / 64, 0);
  for (const auto& [lo, hi] : set_.ranges())
    for (char32_t c = lo; c <= hi && c < 0x10000; ++c) bits_[c >> 6] |= std::uint64_t{1} << (c & 63);
}

bool CharTable::few_contains(char32_t c) const {
  return std::binary_search(few_chars_.begin(), few_chars_.end(), c);
}

bool CharSet::contains(char32_t c) const {
  if (c < 128) return ascii_[c >> 6] >> (c & 63) & 1;
  const std::span<const Range> r = ranges();
  auto it = std::upper_bound(r.begin(), r.end(), c, [](char32_t x, const Range& range) { return x < range.first; });
  return it != r.begin() && c <= std::prev(it)->second;
}

namespace {

// Code points no case folding touches (CJK radicals to ideographs, CJK
// compatibility ideographs and forms, the supplementary ideographs).
bool caseless(char32_t lo, char32_t hi) {
  constexpr std::pair<char32_t, char32_t> kCaseless[] = {
      {0x2E80, 0x9FFF}, {0xF900, 0xFAFF}, {0xFE30, 0xFE4F}, {0x16FE0, 0x16FFF}, {0x20000, 0x3FFFF}};
  for (const auto& [a, b] : kCaseless)
    if (lo >= a && hi <= b) return true;
  return false;
}

PatternChars chars_of(const CharSet& set) {
  PatternChars out;
  out.alphabet = set;
  out.first = set;
  out.nullable = false;
  out.required = set;
  // One character (not a surrogate, which no valid text holds): exactly it.
  const std::span<const CharSet::Range> r = set.ranges();
  out.exact = r.size() == 1 && r[0].first == r[0].second && (r[0].first < 0xD800 || r[0].first > 0xDFFF) &&
              r[0].first <= 0x10FFFF;
  if (out.exact) utf8::append(out.prefix, r[0].first);
  return out;
}

// How costly a set of required characters is to look for: its size, digits
// (frequent around values) counted many times over.
std::size_t required_cost(const CharSet& set) {
  std::size_t cost = 0;
  for (const auto& [lo, hi] : set.ranges()) {
    cost += hi - lo + 1;
    if (lo <= U'9' && hi >= U'0') cost += 100 * (std::min<char32_t>(hi, U'9') - std::max<char32_t>(lo, U'0') + 1);
  }
  return cost;
}

// a then b.
PatternChars then(PatternChars a, const PatternChars& b) {
  a.alphabet.add(b.alphabet);
  if (a.nullable) a.first.add(b.first);
  a.nullable = a.nullable && b.nullable;
  // A match of both holds a's required characters and b's: the cheaper will do.
  if (b.required && (!a.required || required_cost(*b.required) < required_cost(*a.required))) a.required = b.required;
  // A match of a that is exactly its prefix: b's prefix follows it.
  if (a.exact) {
    a.prefix += b.prefix;
    a.exact = b.exact;
  }
  return a;
}

// a or b.
PatternChars either(PatternChars a, const PatternChars& b) {
  a.alphabet.add(b.alphabet);
  a.first.add(b.first);
  a.nullable = a.nullable || b.nullable;
  if (a.required && b.required) a.required->add(*b.required);
  else a.required.reset();
  a.exact = a.exact && b.exact && a.prefix == b.prefix;
  std::size_t common = 0;
  while (common < a.prefix.size() && common < b.prefix.size() && a.prefix[common] == b.prefix[common]) ++common;
  a.prefix.resize(common);
  return a;
}

// A recursive reading of RE2 syntax (Perl flavour, UTF-8) that follows only
// what it can be sure of; anything else sets ok_ to false.
class Reader {
 public:
  Reader(std::string_view pattern, bool fold) : p_(pattern), fold_at_start_(fold) {}

  std::optional<PatternChars> read() {
    bool fold = fold_at_start_;
    PatternChars out = alternation(fold);
    if (!ok_ || i_ != p_.size()) return std::nullopt;
    return out;
  }

  // The top level read as a sequence of parts (none when it is an alternation).
  struct Part {
    PatternChars chars;
    std::string name;       // of a named group
    bool repeated = false;  // a quantifier follows
  };
  std::optional<std::vector<Part>> sequence() {
    bool fold = fold_at_start_;
    std::vector<Part> parts;
    while (ok_ && !at_end() && peek() != '|' && peek() != ')') {
      Part part;
      part.chars = atom(fold, &part.name);
      part.repeated = quantifiers(part.chars);
      parts.push_back(std::move(part));
    }
    if (!ok_ || i_ != p_.size()) return std::nullopt;
    return parts;
  }

 private:
  bool at_end() const { return i_ >= p_.size(); }
  char peek() const { return p_[i_]; }
  void fail() { ok_ = false; i_ = p_.size(); }

  // Adds [lo, hi] to set as (?i) reads it when `fold`.
  void add(CharSet& set, char32_t lo, char32_t hi, bool fold) {
    set.add(lo, hi);
    if (!fold) return;
    for (char32_t c = lo; c <= hi && c < 128; ++c) {
      if (c >= 'a' && c <= 'z') set.add(c - 'a' + 'A');
      if (c >= 'A' && c <= 'Z') set.add(c - 'A' + 'a');
      if (c == 'k' || c == 'K') set.add(0x212A);  // KELVIN SIGN
      if (c == 's' || c == 'S') set.add(0x017F);  // LATIN SMALL LETTER LONG S
    }
    if (hi >= 128 && !caseless(std::max<char32_t>(lo, 128), hi)) fail();
  }

  // alternation := concat ('|' concat)*, up to a ')' or the end. A (?i) in
  // it holds to the end of the enclosing group, across '|'.
  PatternChars alternation(bool& fold) {
    PatternChars out = concat(fold);
    while (ok_ && !at_end() && peek() == '|') {
      ++i_;
      out = either(std::move(out), concat(fold));
    }
    return out;
  }

  PatternChars concat(bool& fold) {
    PatternChars out;  // empty: nullable, no characters
    while (ok_ && !at_end() && peek() != '|' && peek() != ')') {
      PatternChars item = atom(fold, nullptr);
      quantifiers(item);
      out = then(std::move(out), item);
    }
    return out;
  }

  // The quantifiers after an item, applied to it; true if there was one.
  bool quantifiers(PatternChars& item) {
    bool any = false;
    while (ok_ && !at_end()) {
      std::size_t min = 1;
      if (peek() == '*' || peek() == '?') {
        min = 0;
        ++i_;
      } else if (peek() == '+') {
        ++i_;
      } else if (!repetition(min)) {
        break;
      }
      any = true;
      item.exact = false;  // a match may repeat the item, or leave it out
      if (min == 0) {
        item.nullable = true;
        item.required.reset();
        item.prefix.clear();
      }
      if (!at_end() && peek() == '?') ++i_;  // lazy
    }
    return any;
  }

  // {n}, {n,} or {n,m} at i_: consumed, its n in min. Anything else is no
  // repetition (RE2 reads a '{' that opens none as a literal).
  bool repetition(std::size_t& min) {
    std::size_t lo = 0, hi = 0, end = 0;
    if (!pattern_syntax::read_repeat(p_, i_, lo, hi, end)) return false;
    min = lo;
    i_ = end;
    return true;
  }

  // `name`: set to the name of a named group the atom is (if asked).
  PatternChars atom(bool& fold, std::string* name) {
    const char c = peek();
    if (c == '(') return group(fold, name);
    if (c == '[') return chars_of(char_class(fold));
    if (c == '^' || c == '$') {
      ++i_;
      return {};
    }
    if (c == '.') {
      ++i_;
      return chars_of(any_char());
    }
    if (c == '*' || c == '+' || c == '?') {
      fail();
      return {};
    }
    if (c == '\\') return escape(fold);
    CharSet set;
    const char32_t ch = literal_char();
    if (ok_) add(set, ch, ch, fold);
    return chars_of(set);
  }

  // One UTF-8 character at i_.
  char32_t literal_char() {
    const int32_t c = utf8::next_or_invalid(p_, i_);
    if (c < 0) fail();
    return c < 0 ? 0 : static_cast<char32_t>(c);
  }

  PatternChars group(bool& fold, std::string* name) {
    ++i_;  // (
    bool inner = fold;
    if (!at_end() && peek() == '?') {
      ++i_;
      if (p_.substr(i_, 2) == "P<" || (!at_end() && peek() == '<')) {
        const std::size_t close = p_.find('>', i_);
        if (close == std::string_view::npos) {
          fail();
          return {};
        }
        const std::size_t open = p_.find('<', i_) + 1;
        if (name) *name = std::string(p_.substr(open, close - open));
        i_ = close + 1;
      } else {
        // Flags: (?flags) for the rest of this group, (?flags:…) for its own.
        bool negate = false, set_fold = fold;
        while (!at_end() && peek() != ')' && peek() != ':') {
          const char f = p_[i_++];
          if (f == '-') negate = true;
          else if (f == 'i') set_fold = !negate;
          else if (f != 'm' && f != 's' && f != 'U') fail();
        }
        if (at_end()) {
          fail();
          return {};
        }
        if (p_[i_++] == ')') {
          fold = set_fold;
          return {};
        }
        inner = set_fold;
      }
    }
    PatternChars out = alternation(inner);
    if (at_end() || peek() != ')') {
      fail();
      return {};
    }
    ++i_;
    return out;
  }

  // \d \s \w, assertions (\b \B \A \z: empty) and single characters.
  PatternChars escape(bool fold) {
    CharSet set;
    const char e = i_ + 1 < p_.size() ? p_[i_ + 1] : '\0';
    if (e == 'b' || e == 'B' || e == 'A' || e == 'z') {
      i_ += 2;
      return {};
    }
    if (e == 'd' || e == 's' || e == 'w' || is_wide_escape(e)) {
      class_set(set, fold);
    } else if (const auto c = single_escape()) {
      add(set, *c, *c, fold);
    }
    return chars_of(set);
  }

  // Escapes for sets this reading takes as every character (\D \S \W,
  // Unicode classes other than \p{Han}).
  static bool is_wide_escape(char e) { return e == 'D' || e == 'S' || e == 'W' || e == 'p' || e == 'P'; }

  static CharSet any_char() {
    CharSet all;
    all.add(0, 0x10FFFF);
    return all;
  }

  // \d \s \w \D \S \W \pX \p{…} \PX \P{…} at i_ (a backslash) into set.
  void class_set(CharSet& set, bool fold) {
    const char e = p_[i_ + 1];
    i_ += 2;
    if (e == 'p' || e == 'P') {
      std::string_view name;
      if (!at_end() && peek() == '{') {
        const std::size_t close = p_.find('}', i_);
        if (close == std::string_view::npos) {
          fail();
          return;
        }
        name = p_.substr(i_ + 1, close - i_ - 1);
        i_ = close + 1;
      } else if (!at_end()) {
        name = p_.substr(i_++, 1);
      }
      if (e == 'p' && name == "Han") {
        // A superset of the Han script (ideographs, radicals, their marks).
        constexpr std::pair<char32_t, char32_t> kHan[] = {{0x2E80, 0x2FDF}, {0x3005, 0x3007},  {0x3021, 0x3029},
                                                          {0x3038, 0x303B}, {0x3400, 0x4DBF},  {0x4E00, 0x9FFF},
                                                          {0xF900, 0xFAFF}, {0x16FE0, 0x16FFF}, {0x20000, 0x3FFFF}};
        for (const auto& [lo, hi] : kHan) set.add(lo, hi);
      } else {
        set.add(any_char());
      }
      return;
    }
    if (e == 'D' || e == 'S' || e == 'W') {
      set.add(any_char());
      return;
    }
    if (e == 'd') {
      set.add('0', '9');
    } else if (e == 's') {
      for (char32_t c : {U'\t', U'\n', U'\f', U'\r', U' '}) set.add(c);
    } else {
      add(set, '0', '9', fold);
      add(set, 'A', 'Z', fold);
      add(set, 'a', 'z', fold);
      set.add('_');
      if (fold) {
        set.add(0x212A);
        set.add(0x017F);
      }
    }
  }

  // The one character an escape at i_ (a backslash) stands for: \xHH,
  // \x{H…}, \a \f \t \n \r \v, escaped punctuation. Gives up on any other.
  std::optional<char32_t> single_escape() {
    ++i_;
    if (at_end()) {
      fail();
      return std::nullopt;
    }
    const char e = p_[i_++];
    switch (e) {
      case 'x':
        if (const auto c = hex_code()) return c;
        fail();
        return std::nullopt;
      case 'a': return 0x07;
      case 'f': return 0x0C;
      case 't': return 0x09;
      case 'n': return 0x0A;
      case 'r': return 0x0D;
      case 'v': return 0x0B;
      default:
        break;
    }
    const auto u = static_cast<unsigned char>(e);
    if (u < 0x80 && !std::isalnum(u)) return static_cast<char32_t>(u);
    fail();  // \C \Q, octal, and anything else
    return std::nullopt;
  }

  // After "\x": HH or {H…}.
  std::optional<char32_t> hex_code() {
    auto hex = [](char h) -> int {
      if (h >= '0' && h <= '9') return h - '0';
      if (h >= 'a' && h <= 'f') return h - 'a' + 10;
      if (h >= 'A' && h <= 'F') return h - 'A' + 10;
      return -1;
    };
    char32_t c = 0;
    if (!at_end() && peek() == '{') {
      const std::size_t close = p_.find('}', i_);
      if (close == std::string_view::npos || close == i_ + 1 || close - i_ > 9) return std::nullopt;
      for (std::size_t j = i_ + 1; j < close; ++j) {
        const int h = hex(p_[j]);
        if (h < 0) return std::nullopt;
        c = c * 16 + static_cast<char32_t>(h);
      }
      i_ = close + 1;
    } else {
      if (i_ + 2 > p_.size() || hex(p_[i_]) < 0 || hex(p_[i_ + 1]) < 0) return std::nullopt;
      c = static_cast<char32_t>(hex(p_[i_]) * 16 + hex(p_[i_ + 1]));
      i_ += 2;
    }
    if (c > 0x10FFFF) return std::nullopt;
    return c;
  }

  // A character in a class: literal or a single-character escape.
  std::optional<char32_t> class_char() {
    if (peek() == '\\') return single_escape();
    const char32_t c = literal_char();
    if (!ok_) return std::nullopt;
    return c;
  }

  // [...]: its characters. Negated classes and [[:name:]] give up.
  CharSet char_class(bool fold) {
    CharSet set;
    ++i_;  // [
    const bool negated = !at_end() && peek() == '^';
    if (negated) ++i_;
    bool first = true;
    while (ok_ && !at_end() && (peek() != ']' || first)) {
      first = false;
      if (peek() == '[') {
        fail();
        break;
      }
      // One item: \d \s \w, or a character that may open a range.
      if (peek() == '\\' && i_ + 1 < p_.size() &&
          (p_[i_ + 1] == 'd' || p_[i_ + 1] == 's' || p_[i_ + 1] == 'w' || is_wide_escape(p_[i_ + 1]))) {
        class_set(set, fold);
        continue;
      }
      const std::optional<char32_t> lo = class_char();
      if (!lo) break;
      char32_t hi = *lo;
      if (i_ + 1 < p_.size() && peek() == '-' && p_[i_ + 1] != ']') {
        ++i_;  // -
        const std::optional<char32_t> end = class_char();
        if (!end) break;
        hi = *end;
      }
      add(set, *lo, hi, fold);
    }
    if (!ok_ || at_end()) {
      fail();
      return set;
    }
    ++i_;  // ]
    return negated ? any_char() : set;  // a negated class: taken as every character
  }

  std::string_view p_;
  bool fold_at_start_;
  std::size_t i_ = 0;
  bool ok_ = true;
};

// Options under which the readings hold: RE2's defaults but for memory and
// logging (case folding is followed, for ASCII and CJK only).
bool plain_options(const RE2::Options& o) {
  return o.encoding() == RE2::Options::EncodingUTF8 && !o.posix_syntax() && !o.literal() && !o.never_nl();
}

}  // namespace

std::unique_ptr<const SequenceGroups> SequenceGroups::of(const RE2& re, const std::vector<std::string>& names) {
  if (!re.ok() || !plain_options(re.options())) return nullptr;
  std::optional<std::vector<Reader::Part>> parts = Reader(re.pattern(), !re.options().case_sensitive()).sequence();
  if (!parts) return nullptr;
  std::unique_ptr<SequenceGroups> out(new SequenceGroups());
  out->names_ = names.size();
  // Each asked-for group must be a part of its own, taken exactly once.
  std::size_t last_named = 0, named = 0;
  std::vector<int> name_of(parts->size(), -1);
  for (std::size_t n = 0; n < names.size(); ++n) {
    if (!re.NamedCapturingGroups().count(names[n])) continue;
    bool found = false;
    for (std::size_t i = 0; i < parts->size(); ++i)
      if ((*parts)[i].name == names[n]) {
        if ((*parts)[i].repeated) return nullptr;
        name_of[i] = static_cast<int>(n);
        last_named = std::max(last_named, i);
        found = true;
      }
    if (!found) return nullptr;
    ++named;
  }
  if (named == 0) return out;  // nothing to read
  // Parts up to the last group: each must end where its characters stop.
  for (std::size_t i = 0; i <= last_named; ++i) {
    Part part;
    part.name = name_of[i];
    if (i + 1 < parts->size()) {
      CharSet next;  // what the rest of the match can open with
      for (std::size_t j = i + 1; j < parts->size(); ++j) {
        next.add((*parts)[j].chars.first);
        if (!(*parts)[j].chars.nullable) break;
      }
      if (!(*parts)[i].chars.alphabet.disjoint_from(next)) return nullptr;
      part.alphabet.emplace((*parts)[i].chars.alphabet);
    }
    out->parts_.push_back(std::move(part));
  }
  return out;
}

void SequenceGroups::read(std::string_view text, std::size_t b, std::size_t e, re2::StringPiece* out) const {
  for (std::size_t n = 0; n < names_; ++n) out[n] = re2::StringPiece();
  const std::string_view match = text.substr(0, e);
  std::size_t at = b;
  for (const Part& part : parts_) {
    std::size_t end = e;
    if (part.alphabet) {
      end = at;
      for (std::size_t i = at; i < e;) {
        if (!part.alphabet->contains(utf8::next(match, i))) break;
        end = i;
      }
    }
    if (part.name >= 0) out[part.name] = re2::StringPiece(text.data() + at, end - at);
    at = end;
  }
}

std::optional<PatternChars> pattern_chars(const RE2& re) {
  if (!re.ok() || !plain_options(re.options())) return std::nullopt;
  // Asked more than once of a rule (its start test, the facts drawn from it):
  // read once per pattern.
  static DerivedCache<std::optional<PatternChars>> read;
  return *read.get(regex_key(re), [&] {
    return std::make_shared<const std::optional<PatternChars>>(Reader(re.pattern(), !re.options().case_sensitive()).read());
  });
}

std::optional<WordList> word_list(const RE2& re) {
  const RE2::Options& o = re.options();
  if (!re.ok() || !plain_options(o) || !o.case_sensitive() || o.longest_match()) return std::nullopt;
  std::string_view p = re.pattern();
  WordList out;
  if (!p.empty() && p[0] == '^') {
    out.anchored = true;
    p.remove_prefix(1);
  }
  if (p.substr(0, 3) == "(?:" && p.size() > 3 && p.back() == ')') p = p.substr(3, p.size() - 4);
  std::string word;
  for (std::size_t i = 0; i <= p.size(); ++i) {
    if (i == p.size() || p[i] == '|') {
      if (word.empty()) return std::nullopt;
      out.words.push_back(std::move(word));
      word.clear();
      continue;
    }
    const auto c = static_cast<unsigned char>(p[i]);
    if (c == '\\') {
      if (i + 1 >= p.size()) return std::nullopt;
      const auto e = static_cast<unsigned char>(p[i + 1]);
      if (e >= 0x80 || std::isalnum(e)) return std::nullopt;
      word += static_cast<char>(e);
      ++i;
    } else if (c < 0x20 || (c < 0x80 && std::strchr(".[](){}*+?^$", c) != nullptr)) {
      return std::nullopt;
    } else {
      word += static_cast<char>(c);
    }
  }
  // The reading must agree with RE2 on every word.
  for (const std::string& w : out.words)
    if (!RE2::FullMatch(w, re)) return std::nullopt;
  return out;
}

namespace {

// The literal cut to whole characters: a reading may end inside one ("每\xE7"
// of 每立方米), and a lead byte left last is what find_literal looks for
// first, while most of a CJK text shares it.
void whole_chars(std::string& literal) {
  std::size_t lead = literal.size();
  while (lead > 0 && (static_cast<unsigned char>(literal[lead - 1]) & 0xC0) == 0x80) --lead;
  if (lead > 0) {
    const auto c = static_cast<unsigned char>(literal[--lead]);
    const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (lead + length > literal.size()) literal.resize(lead);
  }
}

// The first byte of c's UTF-8 form (it rises with c).
unsigned char lead_byte(char32_t c) {
  std::string s;
  utf8::append(s, std::min<char32_t>(c, 0x10FFFF));
  return static_cast<unsigned char>(s[0]);
}

}  // namespace

StartTest::StartTest(const RE2& re) {
  const std::optional<PatternChars> chars = pattern_chars(re);
  // First characters beyond ASCII (the byte test below is exact for ASCII,
  // and tells little of a CJK character from its lead byte).
  if (chars && !chars->nullable && !chars->first.is_everything() && !chars->first.ranges().empty() &&
      chars->first.ranges().back().second >= 0x80)
    first_chars.emplace(chars->first);
  // PossibleMatchRange speaks of matches at the start of a text: it holds at
  // any position only for a pattern that asserts nothing about what precedes.
  // (The reading holds anywhere, but is taken under the same condition.)
  if (!pattern_context_free(re.pattern())) return;
  std::string min, max;
  if (chars && !chars->nullable) {
    // From the reading: every match opens with its prefix, and with a
    // character of `first`, whose lead byte lies between those of the least
    // and the greatest.
    literal = chars->prefix;
    whole_chars(literal);
    if (chars->first.empty()) return;
    lo = lead_byte(chars->first.ranges().front().first);
    hi = lead_byte(chars->first.ranges().back().second);
  } else {
    if (RE2::FullMatch("", re) || !re.PossibleMatchRange(&min, &max, 6) || min.empty()) return;
    std::size_t common = 0;
    while (common < min.size() && common < max.size() && min[common] == max[common]) ++common;
    literal = min.substr(0, common);
    if (re.options().encoding() == RE2::Options::EncodingUTF8) whole_chars(literal);
    lo = static_cast<unsigned char>(min[0]);
    hi = max.empty() ? 0xFF : static_cast<unsigned char>(max[0]);
  }
  for (int b = lo; b <= hi; ++b) first[static_cast<std::size_t>(b)] = true;
  any_byte = lo == 0 && hi == 0xFF;
  // The second bytes of the opening characters (all beyond ASCII), when
  // they are few enough to list. Not with U+FFFD among them: next() reads
  // invalid bytes as U+FFFD, whatever byte follows their lead.
#ifdef PLANCMP_X86_DISPATCH
  if (first_chars && literal.empty() && !any_byte && chars->first.ranges().front().first >= 0x80 &&
      !chars->first.contains(0xFFFD) && cpu::has_ssse3()) {
    ByteSet seconds{};
    std::size_t listed = 0;
    for (const auto& [from, to] : chars->first.ranges()) {
      listed += to - from + 1;
      if (listed > 4096) return;
      for (char32_t c = from; c <= to; ++c) {
        char buf[4];
        utf8::encode_to(buf, c);
        seconds[static_cast<unsigned char>(buf[1])] = true;
      }
    }
    by_pairs = second.from(seconds);
  }
#endif
}

#ifdef PLANCMP_X86_DISPATCH
__attribute__((target("ssse3")))
#endif
std::size_t StartTest::next_by_pairs(std::string_view text, std::size_t from, std::size_t end) const {
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t at = from;
#ifdef PLANCMP_X86_DISPATCH
  // Sixteen places a step (each block also reads the byte after it, inside
  // the text): lead bytes by one signed compare (find_byte_in_range), the
  // bytes after them by two nibble look-ups.
  const __m128i shift = _mm_set1_epi8(static_cast<char>(0x80 - lo));
  const __m128i top = _mm_set1_epi8(static_cast<char>(hi - lo - 0x80));
  const __m128i lo_table = _mm_loadu_si128(reinterpret_cast<const __m128i*>(second.lo.data()));
  const __m128i hi_table = _mm_loadu_si128(reinterpret_cast<const __m128i*>(second.hi.data()));
  const __m128i low_nibble = _mm_set1_epi8(0x0F);
  for (; at + 16 <= end && at + 17 <= text.size(); at += 16) {
    const __m128i lead = _mm_add_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t + at)), shift);
    const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t + at + 1));
    const __m128i in_second =
        _mm_and_si128(_mm_shuffle_epi8(lo_table, _mm_and_si128(next, low_nibble)),
                      _mm_shuffle_epi8(hi_table, _mm_and_si128(_mm_srli_epi16(next, 4), low_nibble)));
    const unsigned leads = ~static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpgt_epi8(lead, top))) & 0xFFFF;
    const unsigned seconds = ~static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(in_second, _mm_setzero_si128()))) & 0xFFFF;
    if (const unsigned both = leads & seconds) return at + static_cast<std::size_t>(__builtin_ctz(both));
  }
#endif
  auto in_second = [&](unsigned char b) { return (second.lo[b & 15] & second.hi[b >> 4]) != 0; };
  for (; at < end; ++at)
    if (t[at] >= lo && t[at] <= hi && (at + 1 >= text.size() || in_second(t[at + 1]))) return at;
  return end;
}

WordScanner::WordScanner(const std::vector<const WordList*>& lists) {
  if (lists.size() > 64) return;
  lists_ = lists.size();
  struct Keyed {
    char32_t c;
    Word word;
  };
  std::vector<Keyed> keyed;
  for (std::size_t l = 0; l < lists.size(); ++l)
    for (const std::string& w : lists[l]->words) {
      std::size_t i = 0;
      const int32_t c = utf8::next_or_invalid(w, i);
      if (c < 0) return;  // not reached: RE2 takes only valid UTF-8
      keyed.push_back({static_cast<char32_t>(c), {l, w}});
    }
  // By first character, then list, then as listed.
  std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    return a.c != b.c ? a.c < b.c : a.word.list < b.word.list;
  });
  for (Keyed& k : keyed) {
    longest_ = std::max(longest_, k.word.text.size());
    if (firsts_.empty() || firsts_.back().c != k.c) firsts_.push_back({k.c, words_.size(), words_.size()});
    words_.push_back(std::move(k.word));
    firsts_.back().end = words_.size();
  }
  CharSet firsts;
  for (const First& f : firsts_) firsts.add(f.c);
  first_chars_ = CharTable(std::move(firsts));
  usable_ = true;
}

std::size_t WordScanner::sync_point(std::string_view text, std::size_t at) const {
  at = std::min(at, text.size());
  while (at > 0 && at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  // Move back to the start of any word that spans `at`, until none does.
  for (bool moved = true; moved && at > 0;) {
    moved = false;
    for (std::size_t q = at > longest_ ? at - longest_ + 1 : 0; q < at; ++q) {
      if ((static_cast<unsigned char>(text[q]) & 0xC0) == 0x80) continue;
      std::size_t i = q;
      const First* first = words_opening(utf8::next(text, i));
      if (!first) continue;
      for (std::size_t w = first->begin; w < first->end && !moved; ++w) {
        const std::string& word = words_[w].text;
        if (q + word.size() > at && text.compare(q, word.size(), word) == 0) {
          at = q;
          moved = true;
        }
      }
      if (moved) break;
    }
  }
  return at;
}

const WordScanner::First* WordScanner::words_opening(char32_t c) const {
  auto it = std::lower_bound(firsts_.begin(), firsts_.end(), c, [](const First& f, char32_t x) { return f.c < x; });
  return it != firsts_.end() && it->c == c ? &*it : nullptr;
}

}  // namespace plancmp
