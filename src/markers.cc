// Marker finding and numeral reading. See markers.h.
#include "markers.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <map>
#include <mutex>
#include <tuple>
#include <unordered_map>

#include "byte_scan.h"
#include "derived_cache.h"
#include "numbers.h"
#include "pattern_syntax.h"
#include "structure_scan.h"
#include "utf8_util.h"

namespace plancmp {

namespace {

const std::u32string kChineseDigits = U"零一二三四五六七八九";

// The code point that ends just before byte `pos`.
char32_t previous_char(std::string_view text, std::size_t pos) {
  if (pos == 0) return U'\n';
  std::size_t start = pos - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  std::size_t i = start;
  return utf8::next(text, i);
}

// Paragraph and sentence ends, and closing brackets and quotes.
constexpr char32_t kBoundaryChars[] = {U'\n', U'。', U';', U'!', U'?', U':', U')', U'〕', U'】', U'”'};

bool is_boundary_char(char32_t c) {
  return std::find(std::begin(kBoundaryChars), std::end(kBoundaryChars), c) != std::end(kBoundaryChars);
}

bool position_allowed(const MarkerRule& rule, std::string_view text, std::size_t pos) {
  char32_t before = previous_char(text, pos);
  switch (rule.position) {
    case MarkerPosition::kLineStart: return before == U'\n';
    case MarkerPosition::kBoundary: return is_boundary_char(before);
    case MarkerPosition::kBoundaryPreferred:
    case MarkerPosition::kAnywhere:
      // Digits glued to letters or digits are part of a token ("VOCs", "2025"), not a marker.
      return !(before < 0x80 && std::isalnum(static_cast<unsigned char>(before)));
  }
  return false;
}

std::string apply_confusables(const Grammar::Impl& g, std::string s) {
  for (const auto& [from, to] : g.confusables) {
    for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
      s.replace(at, from.size(), to);
  }
  return s;
}

std::optional<int> read_number(const MarkerRule& rule, const std::string& digits) {
  if (digits.empty()) return std::nullopt;
  switch (rule.numeral) {
    case NumeralKind::kArabic: {
      int v = 0;
      for (char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
      }
      return v;
    }
    case NumeralKind::kChinese: return parse_chinese_numeral(digits);
    case NumeralKind::kCircled: {
      std::size_t i = 0;
      char32_t c = utf8::next(digits, i);
      if (c >= U'①' && c <= U'⑳') return static_cast<int>(c - U'①') + 1;
      return std::nullopt;
    }
    case NumeralKind::kNone: return std::nullopt;
  }
  return std::nullopt;
}

// ---- LeadingAtoms: reading the opening of a pattern ----

// char_at() for what is not ASCII or a common three-byte character.
std::pair<char32_t, std::size_t> char_at_slow(std::string_view s, std::size_t at) {
  std::size_t i = at;
  const int32_t c = utf8::next_or_invalid(s, i);
  if (c < 0) return {0, 0};
  return {static_cast<char32_t>(c), i - at};
}

// The code point at byte `at` (< s.size()) of `s` and its byte length;
// length 0 when the bytes there are not one well-formed UTF-8 character.
[[gnu::always_inline]] inline std::pair<char32_t, std::size_t> char_at(std::string_view s, std::size_t at) {
  const auto b = static_cast<unsigned char>(s[at]);
  if (b < 0x80) return {b, 1};
  // The usual case in Chinese text, without ICU: E1..EC lead a three-byte
  // character whenever two trail bytes follow (no overlong or surrogate forms).
  if (b >= 0xE1 && b <= 0xEC && s.size() - at > 2) {
    const auto b1 = static_cast<unsigned char>(s[at + 1]), b2 = static_cast<unsigned char>(s[at + 2]);
    if ((b1 & 0xC0) == 0x80 && (b2 & 0xC0) == 0x80)
      return {static_cast<char32_t>((b & 0x0F) << 12 | (b1 & 0x3F) << 6 | (b2 & 0x3F)), 3};
  }
  return char_at_slow(s, at);
}

// Where the groups of a pattern close, and which of them alternate ("a|b"
// at their own depth) or repeat (a quantifier after the ")"): those the
// reading cannot go into. ok is false when the scan cannot follow the
// pattern (\Q quoting, nested brackets, unbalanced groups).
struct GroupScan {
  bool ok = true;
  bool top_alternates = false;
  std::map<std::size_t, bool> opaque;  // by the offset of "(": alternates or repeats
};

GroupScan scan_groups(std::string_view p) {
  GroupScan scan;
  std::vector<std::size_t> open;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' || c == '[') {
      const std::size_t end = pattern_token_end(p, i);
      if (end == std::string_view::npos) return {false, false, {}};
      i = end - 1;
    } else if (c == '(') {
      open.push_back(i);
      scan.opaque[i] = false;
    } else if (c == ')') {
      if (open.empty()) return {false, false, {}};
      const std::size_t at = open.back();
      open.pop_back();
      if (i + 1 < p.size() && std::strchr("?*+{", p[i + 1]) != nullptr) scan.opaque[at] = true;
    } else if (c == '|') {
      if (open.empty()) scan.top_alternates = true;
      else scan.opaque[open.back()] = true;
    }
  }
  if (!open.empty()) return {false, false, {}};
  return scan;
}

using pattern_syntax::read_char;

// A repeat after an atom ("?", "*", "+", "{n}", "{n,}", "{n,m}", each maybe
// lazy); none is {1,1}. False for a "{" that is not a repeat.
bool read_repeat(std::string_view p, std::size_t& i, int& min, int& max) {
  min = max = 1;
  if (i >= p.size()) return true;
  const char c = p[i];
  if (c == '?') min = 0;
  else if (c == '*') min = 0, max = -1;
  else if (c == '+') max = -1;
  else if (c != '{') return true;
  if (c == '{') {
    auto number = [&](int& n) {
      const std::size_t start = i;
      n = 0;
      while (i < p.size() && p[i] >= '0' && p[i] <= '9' && i - start < 4) n = n * 10 + (p[i++] - '0');
      return i > start && !(i < p.size() && p[i] >= '0' && p[i] <= '9');
    };
    ++i;
    if (!number(min)) return false;
    max = min;
    if (i < p.size() && p[i] == ',') {
      ++i;
      if (i < p.size() && p[i] == '}') max = -1;
      else if (!number(max) || max < min) return false;
    }
    if (i >= p.size() || p[i] != '}') return false;
  }
  ++i;
  if (i < p.size() && p[i] == '?') ++i;  // lazy: the same strings
  return true;
}

}  // namespace

LeadingAtoms::LeadingAtoms(const RE2& re) {
  first_bytes_.fill(true);
  const RE2::Options& o = re.options();
  if (!re.ok() || !o.case_sensitive() || o.literal() || o.encoding() != RE2::Options::EncodingUTF8) return;
  const std::string_view p = re.pattern();
  const GroupScan scan = scan_groups(p);
  if (!scan.ok || scan.top_alternates) return;
  std::size_t i = 0;
  for (; i < p.size() && atoms_.size() < kMaxAtoms;) {
    if (p[i] == '(') {  // a plain group's atoms are read as if it were not there
      if (scan.opaque.at(i)) break;
      if (p.compare(i, 4, "(?P<") == 0) {
        const std::size_t close = p.find('>', i);
        if (close == std::string_view::npos) break;
        i = close + 1;
      } else if (p.compare(i, 3, "(?:") == 0) {
        i += 3;
      } else if (i + 1 < p.size() && p[i + 1] == '?') {
        break;  // flags, or a group of another kind
      } else {
        ++i;
      }
      continue;
    }
    if (p[i] == ')') {  // the end of a plain group (scan_groups: it does not repeat)
      ++i;
      continue;
    }
    Atom atom;
    if (p[i] == '[') {
      std::size_t j = i + 1;
      if (j < p.size() && p[j] == '^') atom.negated = true, ++j;
      bool ok = true;
      // \p{Han} in a class, or \P{Han} in a negated one ("[^\P{Han}年月]":
      // Han characters but these): the class is then read as a wider one that
      // holds it, the non-ASCII characters with what else it lists (the
      // Han script holds no ASCII character).
      bool han = false;
      for (bool first = true;; first = false) {
        if (j >= p.size()) {
          ok = false;
          break;
        }
        if (p[j] == ']' && !first) {
          ++j;
          break;
        }
        if (p.compare(j, 7, atom.negated ? "\\P{Han}" : "\\p{Han}") == 0) {
          han = true;
          j += 7;
          continue;
        }
        char32_t lo = 0, hi = 0;
        if (p[j] == '[' || !read_char(p, j, lo)) {
          ok = false;
          break;
        }
        hi = lo;
        if (j + 1 < p.size() && p[j] == '-' && p[j + 1] != ']') {
          ++j;
          if (p[j] == '[' || !read_char(p, j, hi) || hi < lo) {
            ok = false;
            break;
          }
        }
        atom.add(lo, hi);
      }
      if (!ok) break;
      if (han && atom.negated) atom = Atom{};  // Han but the listed: within the non-ASCII characters
      if (han) atom.add(0x80, 0x10FFFF);
      i = j;
    } else if (std::strchr(".^$|*+?{}[]", p[i]) != nullptr) {
      break;
    } else {
      char32_t c = 0;
      if (!read_char(p, i, c)) break;
      atom.add(c, c);
    }
    if (!read_repeat(p, i, atom.min, atom.max)) break;
    const std::size_t k = atoms_.size();
    for (int c = 0; c <= kMaxChars; ++c) {
      const std::uint64_t bit = std::uint64_t{1} << (8 * k + static_cast<std::size_t>(c));
      if (c > 0 && (atom.max < 0 || c <= atom.max)) counts_ok_ |= bit;
      if (c >= atom.min && (atom.max < 0 || c <= atom.max)) counts_done_[k] |= bit;
    }
    atoms_.push_back(std::move(atom));
  }
  // The atoms that start once atom k is complete: the next, and past it
  // every one that may take nothing, up to the first that must take part
  // (or the end: all complete).
  for (std::size_t k = atoms_.size(); k-- > 0;) {
    const std::size_t next = k + 1;
    starts_after_[k] = std::uint64_t{1} << (8 * next);
    if (next < atoms_.size() && atoms_[next].min == 0) starts_after_[k] |= starts_after_[next];
  }
  for (std::size_t k = 0; k < atoms_.size(); ++k)
    for (char32_t c = 0; c < ascii_takes_.size(); ++c)
      if (atoms_[k].contains(c)) ascii_takes_[c] |= std::uint64_t{0xFF} << (8 * k);
  // The whole pattern read, every repeat bounded (read_repeat: by 9999).
  if (i == p.size() && !atoms_.empty() &&
      std::all_of(atoms_.begin(), atoms_.end(), [](const Atom& a) { return a.max >= 0; })) {
    for (const Atom& atom : atoms_) max_match_bytes_ += 4 * static_cast<std::size_t>(atom.max);
  }
  // The first character comes from the atoms up to the first one that must
  // take part; their lead bytes bound the first byte (UTF-8 keeps the order
  // of code points). A negated class, or atoms that may all be skipped, say
  // nothing of it.
  std::array<bool, 256> lead{};
  for (std::size_t k = 0;; ++k) {
    if (k == atoms_.size() || atoms_[k].negated) return;
    for (auto [lo, hi] : atoms_[k].ranges) {
      auto lead_of = [](char32_t c) {
        std::string bytes;
        utf8::append(bytes, c);
        return static_cast<unsigned char>(bytes[0]);
      };
      for (int b = lead_of(lo); b <= lead_of(hi); ++b) lead[static_cast<std::size_t>(b)] = true;
    }
    if (atoms_[k].min > 0) break;
  }
  first_bytes_ = lead;
}

void LeadingAtoms::Atom::add(char32_t lo, char32_t hi) {
  ranges.emplace_back(lo, hi);
  if (hi - lo >= 1024) {
    hint.fill(~std::uint64_t{0});
    return;
  }
  for (char32_t c = lo;; ++c) {
    hint[(c >> 6) & 15] |= std::uint64_t{1} << (c & 63);
    if (c == hi) break;
  }
}

bool LeadingAtoms::may_start_at(std::string_view text, std::size_t pos) const {
  if (atoms_.empty()) return true;
  // Most places fail at once: the first character is not one of the first
  // atom's (when that one must take part), or, after a first atom of one
  // character ("\\("), the second is not one of the second atom's.
  if (atoms_[0].min > 0 && pos < text.size()) {
    const auto [c, len] = char_at(text, pos);
    if (len == 0) return true;  // not well-formed: left to RE2
    if (!atoms_[0].contains(c)) return false;
    if (atoms_[0].max == 1 && atoms_.size() > 1 && atoms_[1].min > 0) {
      if (pos + len >= text.size()) return false;
      const auto [c2, len2] = char_at(text, pos + len);
      if (len2 > 0 && !atoms_[1].contains(c2)) return false;
    }
  }
  // The automaton (see kMaxAtoms): it says no only when no state is left
  // before every atom is complete.
  const std::size_t n = atoms_.size();
  const std::uint64_t all_done = std::uint64_t{1} << (8 * n);
  std::uint64_t states = 1;
  auto complete = [&] {  // atoms that may stop here let the next ones start
    std::uint64_t started = 0;
    for (std::uint64_t live = states; live != 0;) {
      const auto k = static_cast<std::size_t>(std::countr_zero(live)) / 8;
      if (states & counts_done_[k]) started |= starts_after_[k];
      live &= ~(std::uint64_t{0xFF} << (8 * k));
    }
    states |= started;
    return (states & all_done) != 0;
  };
  if (complete()) return true;
  for (int read = 0; read < kMaxChars; ++read) {
    if (pos >= text.size()) return false;
    const auto [c, len] = char_at(text, pos);
    if (len == 0) return true;  // not well-formed: left to RE2
    // Each atom with a state takes c (its count goes up one) or loses it.
    std::uint64_t takes = 0;
    if (c < ascii_takes_.size()) {
      takes = ascii_takes_[c];
    } else {
      for (std::uint64_t live = states; live != 0;) {
        const auto k = static_cast<std::size_t>(std::countr_zero(live)) / 8;
        const std::uint64_t byte = std::uint64_t{0xFF} << (8 * k);
        if (atoms_[k].contains(c)) takes |= byte;
        live &= ~byte;
      }
    }
    states = (states << 1) & takes & counts_ok_;
    if (states == 0) return false;
    if (complete()) return true;
    pos += len;
  }
  return true;
}

namespace {

// What find_markers reads once from a rule's pattern.
struct RulePlan {
  // RE2's PossibleMatchRange bounds every match m by min <= m <= max, so m
  // starts with the bytes min and max share, then (when min goes on past
  // them) a byte within [min[k], max[k]]: a test far tighter than the first
  // byte alone ("(" then a Chinese numeral's lead byte, not just "(").
  bool tested = false;  // false: no test (no range from RE2, or the pattern may match "")
  std::string prefix;
  bool next_byte = false;
  unsigned char next_min = 0, next_max = 0xFF;
  ByteSet first_bytes;  // the bytes a match may start with
  bool mid_char = true; // may a match start with a UTF-8 trail byte (inside a character)?
  bool every_first_byte = true;  // first_bytes holds them all
  // Non-zero: no match is longer, and the pattern asserts nothing about its
  // surroundings, so RE2 may be shown only that many bytes from the place
  // tried. On a short text it reads the groups at once, without the DFA pass
  // a long one takes first.
  std::size_t window = 0;
  LeadingAtoms atoms;   // what every match opens with, character by character
  int groups = 1;       // capturing groups + the whole match
  int num = -1, body = -1;

  // The prefix and the next byte's place as one eight-byte compare (short:
  // prefix.size() < 8): a memcmp call of one to three bytes costs more than
  // the test. Set by plan_range().
  bool short_test = false;
  std::uint64_t key = 0, mask = 0;  // the prefix's bytes (first in the lowest) and their mask
  unsigned next_shift = 0;          // 8 * prefix.size()

  [[gnu::always_inline]] bool may_start_at(std::string_view text, std::size_t pos) const {
    if (!tested) return true;
    if (short_test && text.size() - pos >= 8) {  // the plain test below, eight bytes at once
      std::uint64_t x;
      std::memcpy(&x, text.data() + pos, 8);
      if ((x & mask) != key) return false;
      // (Without a next byte its bounds are 0 and 0xFF: any byte passes.)
      const auto b = static_cast<unsigned char>(x >> next_shift);
      return static_cast<unsigned char>(b - next_min) <= next_max - next_min;
    }
    return may_start_near_end(text, pos);
  }
  // may_start_at() without the eight-byte compare.
  [[gnu::noinline]] bool may_start_near_end(std::string_view text, std::size_t pos) const {
    if (text.size() - pos < prefix.size() + (next_byte ? 1 : 0)) return false;
    if (text.compare(pos, prefix.size(), prefix) != 0) return false;
    if (!next_byte) return true;
    const auto b = static_cast<unsigned char>(text[pos + prefix.size()]);
    return b >= next_min && b <= next_max;
  }
};

// The byte range test of a plan, from RE2's PossibleMatchRange.
void plan_range(const RE2& re, RulePlan& plan) {
  // PossibleMatchRange speaks of matches at the start of a text: it holds at
  // any position only for a pattern that asserts nothing about what precedes.
  std::string min, max;
  if (!pattern_context_free(re.pattern()) || !re.PossibleMatchRange(&min, &max, 8) || min.empty()) return;
  // An empty max means no upper bound: then only the first byte is bounded, by 0xFF.
  const std::string_view upper = max.empty() ? std::string_view("\xFF", 1) : std::string_view(max);
  std::size_t k = 0;
  while (k < min.size() && k < upper.size() && min[k] == upper[k]) ++k;
  if (k < min.size() && k == upper.size()) return;  // no room for a byte after the prefix
  plan.tested = true;
  plan.prefix = min.substr(0, k);
  if (k < min.size()) {
    plan.next_byte = true;
    plan.next_min = static_cast<unsigned char>(min[k]);
    plan.next_max = static_cast<unsigned char>(upper[k]);
  }
  const auto lo = static_cast<unsigned char>(k > 0 ? min[0] : plan.next_min);
  const auto hi = static_cast<unsigned char>(k > 0 ? min[0] : plan.next_max);
  for (int b = 0; b < 256; ++b) plan.first_bytes[static_cast<std::size_t>(b)] = b >= lo && b <= hi;
  if (plan.prefix.size() < 8 && std::endian::native == std::endian::little) {  // (x's bytes in text order)
    plan.short_test = true;
    plan.next_shift = 8 * static_cast<unsigned>(plan.prefix.size());
    for (std::size_t i = 0; i < plan.prefix.size(); ++i) {
      plan.key |= std::uint64_t{static_cast<unsigned char>(plan.prefix[i])} << (8 * i);
      plan.mask |= std::uint64_t{0xFF} << (8 * i);
    }
  }
}

RulePlan plan_for(const RE2& re) {
  RulePlan plan;
  plan.first_bytes.fill(true);
  plan.groups = re.NumberOfCapturingGroups() + 1;
  const auto& names = re.NamedCapturingGroups();
  if (auto it = names.find("num"); it != names.end()) plan.num = it->second;
  if (auto it = names.find("body"); it != names.end()) plan.body = it->second;
  plan_range(re, plan);
  // Both bounds of the first byte hold: keep the bytes both allow.
  plan.atoms = LeadingAtoms(re);
  for (std::size_t b = 0; b < 256; ++b)
    plan.first_bytes[b] = plan.first_bytes[b] && plan.atoms.first_bytes()[b];
  auto set = [](bool b) { return b; };
  plan.mid_char = std::any_of(plan.first_bytes.begin() + 0x80, plan.first_bytes.begin() + 0xC0, set);
  if (pattern_context_free(re.pattern())) plan.window = plan.atoms.max_match_bytes();
  plan.every_first_byte = std::all_of(plan.first_bytes.begin(), plan.first_bytes.end(), set);
  return plan;
}

// The plan of a rule, worked out once per pattern for the process: the
// range analysis costs about as much as scanning a whole document.
const RulePlan& plan_of(const MarkerRule& rule) {
  static DerivedCache<RulePlan> plans;
  return *plans.get(regex_key(*rule.re), [&] { return std::make_shared<const RulePlan>(plan_for(*rule.re)); });
}

// Tries `rule` anchored at `pos` and records the match when `allowed` (the
// rule's position test passed) and its number reads. True when the pattern
// matched at `pos` at all. `confusable_first`: the first bytes of g's
// confusables.
bool match_at(const Grammar::Impl& g, const ByteSet& confusable_first, const MarkerRule& rule,
              const RulePlan& plan, std::string_view text, std::size_t pos, bool allowed,
              std::vector<MarkerMatch>& out) {
  // The groups 0, num and body of the match (no allocation for the usual few).
  constexpr int kFewGroups = 8;
  std::array<re2::StringPiece, kFewGroups> few;
  std::vector<re2::StringPiece> many(plan.groups > kFewGroups ? static_cast<std::size_t>(plan.groups) : 0);
  re2::StringPiece* sub = plan.groups > kFewGroups ? many.data() : few.data();
  const std::string_view shown = plan.window ? text.substr(pos, plan.window) : text;
  if (!rule.re->Match(re2::StringPiece(shown.data(), shown.size()), plan.window ? 0 : pos, shown.size(),
                      RE2::ANCHOR_START, sub, plan.groups))
    return false;
  if (!allowed) return true;
  MarkerMatch m;
  m.rule = &rule;
  m.begin = pos;
  std::size_t end = static_cast<std::size_t>(sub[0].data() - text.data()) + sub[0].size();
  m.body = end;
  if (plan.body >= 0 && sub[plan.body].data() != nullptr)
    m.body = static_cast<std::size_t>(sub[plan.body].data() - text.data());
  if (plan.num >= 0 && sub[plan.num].data() != nullptr) {
    const std::string_view raw(sub[plan.num].data(), sub[plan.num].size());
    // A confusable stands in the number only where its first byte does.
    auto may_open = [&](char c) { return confusable_first[static_cast<unsigned char>(c)]; };
    if (std::any_of(raw.begin(), raw.end(), may_open)) {
      m.number_text = apply_confusables(g, std::string(raw));
      m.misread = m.number_text != raw;
    } else {
      m.number_text = raw;
    }
  }
  std::string_view printed = text.substr(pos, m.body - pos);
  while (!printed.empty() && printed.back() == ' ') printed.remove_suffix(1);
  m.printed = printed;
  m.value = read_number(rule, m.number_text);
  m.at_boundary = is_boundary_char(previous_char(text, pos));
  if (rule.numeral != NumeralKind::kNone && !m.number_text.empty() && !m.value) return true;
  out.push_back(std::move(m));
  return true;
}

}  // namespace

std::optional<int> parse_chinese_numeral(std::string_view s) {
  auto v = parse_chinese_number(s);
  if (!v || *v != static_cast<int>(*v)) return std::nullopt;  // item numbers are whole
  return static_cast<int>(*v);
}

std::string chinese_numeral(int value) {
  if (value <= 0 || value >= 100) return std::to_string(value);
  std::u32string s;
  int tens = value / 10, ones = value % 10;
  if (tens > 1) s.push_back(kChineseDigits[tens]);
  if (tens > 0) s.push_back(U'十');
  if (ones > 0) s.push_back(kChineseDigits[ones]);
  return utf8::encode(s);
}

namespace {

// The printed forms of the numbers under kTabled in each numeral kind, and
// for every fragment that opens (closes) some of them and is shorter, the
// numbers it opens (closes), in order: the sequence check asks which of
// 1..V a print may stand for, and a print fits few. The numbers are indexed
// as far as a question needs, in order (V is 120 unless a plan prints
// numbers past 100): a full table cost every run ~2.4M instructions.
constexpr int kTabled = 1000;

// The printed form of `value` in the numeral kind of `rule`.
std::string numeral_form(const MarkerRule& rule, int value) {
  return rule.numeral == NumeralKind::kChinese ? chinese_numeral(value) : std::to_string(value);
}

struct NumeralForms {
  // Looked up by a fragment of a print, without copying it into a string.
  struct FragmentHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using ByFragment = std::unordered_map<std::string_view, std::vector<int>, FragmentHash, std::equal_to<>>;
  struct Kind {
    std::vector<std::string> forms = std::vector<std::string>(kTabled);  // by number, 1..indexed set
    // By fragment: the numbers (up to `indexed`), ascending, whose longer
    // form opens (closes) with it. The keys view `forms`, whose strings stay
    // put once set.
    ByFragment opening, closing;
    int indexed = 0;
    // Indexes the numbers up to `last` (< kTabled), in order: each list stays ascending.
    void index_to(int last, const MarkerRule& rule) {
      for (int v = indexed + 1; v <= last; ++v) {
        std::string& stored = forms[static_cast<std::size_t>(v)];
        stored = numeral_form(rule, v);
        const std::string_view form = stored;
        for (std::size_t k = 1; k < form.size(); ++k) {
          opening[form.substr(0, k)].push_back(v);
          closing[form.substr(form.size() - k)].push_back(v);
        }
      }
      indexed = std::max(indexed, last);
    }
    const std::vector<int>& fits(std::string_view fragment, bool at_end) const {
      static const std::vector<int> none;
      const ByFragment& by = at_end ? closing : opening;
      auto it = by.find(fragment);
      return it == by.end() ? none : it->second;
    }
  };
  std::mutex mutex;  // held while a kind is indexed or read
  Kind chinese, arabic;
  Kind& of(const MarkerRule& rule) { return rule.numeral == NumeralKind::kChinese ? chinese : arabic; }
};

NumeralForms& numeral_forms() {
  static NumeralForms forms;
  return forms;
}

// numeral_fragment_fits() given the full printed form of `value`.
bool fragment_fits(const MarkerMatch& m, int value, std::string_view full) {
  if (m.value && *m.value == value) return true;
  if (m.number_text.empty()) return true;  // nothing printed: any number fits
  const std::string_view part = m.number_text;
  if (part.size() >= full.size()) return false;
  // Every printed form may be a truncation (web copies print "(二十)" for 24);
  // the fragment kind says which end a damaged marker lost.
  switch (m.rule->fragment) {
    case Fragment::kPrefix: return full.starts_with(part);
    case Fragment::kSuffix: return full.ends_with(part);
    case Fragment::kExact: return full.starts_with(part) || full.ends_with(part);
  }
  return false;
}

}  // namespace

bool numeral_fragment_fits(const MarkerMatch& m, int value) {
  return fragment_fits(m, value, numeral_form(*m.rule, value));
}

std::vector<int> numeral_readings(const MarkerMatch& m, int max_value) {
  std::vector<int> out;
  const std::string_view part = m.number_text;
  if (part.empty()) {  // nothing printed: any number fits
    out.reserve(static_cast<std::size_t>(std::max(max_value, 0)));
    for (int v = 1; v <= max_value; ++v) out.push_back(v);
    return out;
  }
  // fragment_fits() of the tabled numbers: the number read exactly, and
  // those whose form is longer and opens (closes) with the print.
  const int last = std::min(max_value, kTabled - 1);
  {
    NumeralForms& forms = numeral_forms();
    const std::lock_guard<std::mutex> lock(forms.mutex);
    NumeralForms::Kind& kind = forms.of(*m.rule);
    if (last > kind.indexed) kind.index_to(last, *m.rule);
    static const std::vector<int> none;
    const std::vector<int>& opened = m.rule->fragment != Fragment::kSuffix ? kind.fits(part, false) : none;
    const std::vector<int>& closed = m.rule->fragment != Fragment::kPrefix ? kind.fits(part, true) : none;
    auto upto = [&](const std::vector<int>& numbers) {
      return std::upper_bound(numbers.begin(), numbers.end(), last);
    };
    out.reserve(opened.size() + closed.size() + 1);
    std::set_union(opened.begin(), upto(opened), closed.begin(), upto(closed), std::back_inserter(out));
  }
  if (m.value && *m.value >= 1 && *m.value <= last) {
    auto at = std::lower_bound(out.begin(), out.end(), *m.value);
    if (at == out.end() || *at != *m.value) out.insert(at, *m.value);
  }
  // The rest one by one, past the table (a series numbered past 980).
  for (int v = std::max(last + 1, 1); v <= max_value; ++v)
    if (fragment_fits(m, v, numeral_form(*m.rule, v))) out.push_back(v);
  return out;
}

std::shared_ptr<const std::vector<int>> shared_numeral_readings(const MarkerMatch& m, int max_value) {
  // What numeral_readings() reads of `m` and max_value, as bytes: the forms
  // (Chinese or Arabic), the fragment kind, the value, max_value and the text.
  char buffer[64];
  const std::size_t fixed = 2 + 1 + 2 * sizeof(int);
  if (m.number_text.size() > sizeof buffer - fixed) return std::make_shared<const std::vector<int>>(numeral_readings(m, max_value));
  buffer[0] = m.rule->numeral == NumeralKind::kChinese ? 'c' : 'a';
  buffer[1] = static_cast<char>('0' + static_cast<int>(m.rule->fragment));
  buffer[2] = m.value ? 'v' : '-';
  const int value = m.value.value_or(0);
  std::memcpy(buffer + 3, &value, sizeof value);
  std::memcpy(buffer + 3 + sizeof value, &max_value, sizeof max_value);
  std::memcpy(buffer + fixed, m.number_text.data(), m.number_text.size());
  const std::string_view key(buffer, fixed + m.number_text.size());
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Cache {
    std::unordered_map<std::string, std::shared_ptr<const std::vector<int>>, Hash, std::equal_to<>> readings;
    std::size_t numbers = 0;  // kept in all the lists
  };
  // A hostile input may print many forms under a large max_value: past this
  // many numbers kept, new readings are worked out and not kept.
  constexpr std::size_t kMaxNumbersKept = std::size_t{1} << 20;
  // One cache per worker thread: a lookup takes no lock, and the few forms
  // plans print are worked out once per thread.
  thread_local Cache cache;
  if (auto it = cache.readings.find(key); it != cache.readings.end()) return it->second;
  auto readings = std::make_shared<const std::vector<int>>(numeral_readings(m, max_value));
  // An entry counts one more than its numbers: forms that read as nothing
  // still take room.
  if (cache.numbers + readings->size() + 1 <= kMaxNumbersKept &&
      cache.readings.emplace(std::string(key), readings).second)
    cache.numbers += readings->size() + 1;
  return readings;
}

namespace {

// The boundary characters (kBoundaryChars) as bytes: which bytes may open
// one, and which one, if any, stands at a place.
class BoundaryBytes {
 public:
  BoundaryBytes() {
    for (char32_t c : kBoundaryChars) {
      std::string bytes;
      utf8::append(bytes, c);
      const auto lead = static_cast<unsigned char>(bytes[0]);
      may_open_[lead] = true;
      if (c < 0x80) {
        ascii_[lead] = true;
        continue;
      }
      const std::uint32_t bit = std::uint32_t{1} << wide_count_;
      Wide& w = wide_[wide_count_++];
      w.size = static_cast<std::uint32_t>(bytes.size());
      for (std::size_t k = 0; k < bytes.size(); ++k) {
        w.key |= std::uint32_t{static_cast<unsigned char>(bytes[k])} << (8 * k);
        w.mask |= std::uint32_t{0xFF} << (8 * k);
      }
      if (bytes.size() == 3) by_third_[static_cast<unsigned char>(bytes[2])] |= bit;
      else other_ |= bit;
    }
  }
  const ByteSet& may_open() const { return may_open_; }
  // The byte length of the boundary character at `i` (< text.size()), or 0:
  // past ASCII, the bytes there are compared with each boundary character's
  // (equal bytes: that character; anything not UTF-8 equals none). There are
  // a handful: a compare each costs less than any look-up.
  std::size_t at(std::string_view text, std::size_t i) const {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) return ascii_[b] ? 1 : 0;
    std::uint32_t x = 0;
    const std::size_t room = std::min<std::size_t>(4, text.size() - i);
    if (room == 4) {
      x = utf8::load_le32(reinterpret_cast<const unsigned char*>(text.data() + i));
    } else {
      for (std::size_t k = 0; k < room; ++k) x |= std::uint32_t{static_cast<unsigned char>(text[i + k])} << (8 * k);
    }
    // Only the characters whose bytes could stand here are compared: those
    // of three bytes by their third byte (most characters with a boundary
    // character's lead byte are turned away by it), the others always.
    std::uint32_t maybe = other_;
    if (room >= 3) maybe |= by_third_[static_cast<unsigned char>(text[i + 2])];
    for (; maybe != 0; maybe &= maybe - 1) {
      const Wide& w = wide_[static_cast<std::size_t>(std::countr_zero(maybe))];
      if ((x & w.mask) == w.key && w.size <= room) return w.size;
    }
    return 0;
  }

 private:
  // A boundary character past ASCII: its UTF-8 bytes, first in the lowest.
  struct Wide {
    std::uint32_t key = 0, mask = 0, size = 0;
  };
  ByteSet may_open_{}, ascii_{};
  std::array<Wide, std::size(kBoundaryChars)> wide_{};
  std::size_t wide_count_ = 0;
  // Bit k: wide_[k] is of three bytes ending in this byte (by_third_), or
  // of another length (other_).
  std::array<std::uint32_t, 256> by_third_{};
  std::uint32_t other_ = 0;
  static_assert(std::size(kBoundaryChars) <= 32, "a bit each in by_third_ and other_");
};

// Which of two rules' matches at one place comes first: the lower level,
// then the heavier.
bool rule_before(const MarkerRule& a, const MarkerRule& b) {
  if (a.level != b.level) return a.level < b.level;
  return a.weight > b.weight;
}

bool matches_anywhere(const MarkerRule& rule) {
  return rule.position == MarkerPosition::kBoundaryPreferred || rule.position == MarkerPosition::kAnywhere;
}

// position_allowed() of a rule that matches anywhere, without decoding when
// the byte before is ASCII (a trail byte never is: that byte is the character).
bool allowed_anywhere(const MarkerRule& rule, std::string_view text, std::size_t pos) {
  if (pos == 0) return true;
  const auto before = static_cast<unsigned char>(text[pos - 1]);
  if (before < 0x80) return !std::isalnum(before);
  return position_allowed(rule, text, pos);
}

}  // namespace

// What find_markers reads from a grammar's rules before looking at a text:
// built once per grammar (Grammar::Impl::marker_scan).
struct MarkerScan {
  std::vector<const RulePlan*> plans;  // by rule
  ByteSet confusable_first{};          // the first bytes of the confusables (all if one is empty)
  // The rules that may match anywhere, tried where their first byte stands:
  // bit k of by_byte[b]: anywhere_rules[k] may start with byte b (the rules
  // past the 64th are looked up one by one).
  std::vector<std::size_t> anywhere_rules;
  std::array<std::uint64_t, 256> by_byte{};
  // The other rules, tried at their places: after a boundary character (a
  // line break for those that want a line start), where their position test
  // holds by construction. Bit q of at_boundary[b] (at_line_start[b]):
  // placed_rules[q] may start there with byte b; [256]: at the end of the
  // text, where only a pattern with every first byte (one that may match "")
  // may match.
  std::vector<std::size_t> placed_rules;
  std::array<std::uint64_t, 257> at_boundary{}, at_line_start{};
  // The bytes the pass stops at: boundary characters' and anywhere rules' first bytes.
  ByteSetScanner scanner{ByteSet{}};
  // The order matches at one place are kept in (see find_markers): each
  // rule's rank by level, weight (heaviest first) and rule order, when no
  // weight is NaN.
  bool ranked = false;
  std::vector<std::uint32_t> rank;
};

namespace {

std::shared_ptr<const MarkerScan> scan_of(const Grammar::Impl& g, const BoundaryBytes& boundary) {
  auto scan = std::make_shared<MarkerScan>();
  for (const auto& [from, to] : g.confusables) {
    if (from.empty()) scan->confusable_first.fill(true);
    else scan->confusable_first[static_cast<unsigned char>(from[0])] = true;
  }
  const std::size_t rule_count = g.markers.size();
  auto& plans = scan->plans;
  plans.resize(rule_count);
  for (std::size_t r = 0; r < rule_count; ++r) plans[r] = &plan_of(g.markers[r]);
  ByteSet wanted = boundary.may_open();
  for (std::size_t r = 0; r < rule_count; ++r) {
    if (!matches_anywhere(g.markers[r])) continue;
    for (std::size_t b = 0; b < 256; ++b) {
      if (!plans[r]->first_bytes[b]) continue;
      wanted[b] = true;
      if (scan->anywhere_rules.size() < 64) scan->by_byte[b] |= std::uint64_t{1} << scan->anywhere_rules.size();
    }
    scan->anywhere_rules.push_back(r);
  }
  scan->scanner = ByteSetScanner(wanted);
  for (std::size_t r = 0; r < rule_count; ++r) {
    if (matches_anywhere(g.markers[r])) continue;
    auto& at = g.markers[r].position == MarkerPosition::kLineStart ? scan->at_line_start : scan->at_boundary;
    const std::uint64_t bit = scan->placed_rules.size() < 64 ? std::uint64_t{1} << scan->placed_rules.size() : 0;
    for (std::size_t b = 0; b < 256; ++b)
      if (plans[r]->first_bytes[b]) at[b] |= bit;
    if (plans[r]->every_first_byte) at[256] |= bit;
    scan->placed_rules.push_back(r);
  }
  scan->ranked = std::none_of(g.markers.begin(), g.markers.end(),
                              [](const MarkerRule& rule) { return std::isnan(rule.weight); });
  if (scan->ranked) {
    std::vector<std::uint32_t> by_rank(rule_count);
    for (std::size_t r = 0; r < rule_count; ++r) by_rank[r] = static_cast<std::uint32_t>(r);
    std::stable_sort(by_rank.begin(), by_rank.end(), [&](std::uint32_t x, std::uint32_t y) {
      return rule_before(g.markers[x], g.markers[y]);
    });
    scan->rank.resize(rule_count);
    for (std::size_t k = 0; k < rule_count; ++k) scan->rank[by_rank[k]] = static_cast<std::uint32_t>(k);
  }
  return scan;
}

}  // namespace

std::vector<MarkerMatch> find_markers(const Grammar::Impl& g, std::string_view text) {
  static const BoundaryBytes kBoundary;
  std::call_once(g.marker_scan_once, [&] { g.marker_scan = scan_of(g, kBoundary); });
  const MarkerScan& scan = *g.marker_scan;
  const ByteSet& confusable_first = scan.confusable_first;
  const std::size_t rule_count = g.markers.size();
  const std::vector<const RulePlan*>& plans = scan.plans;
  const std::vector<std::size_t>& anywhere_rules = scan.anywhere_rules;
  const std::array<std::uint64_t, 256>& by_byte = scan.by_byte;
  const std::vector<std::size_t>& placed_rules = scan.placed_rules;
  const std::array<std::uint64_t, 257>& at_boundary = scan.at_boundary;
  const std::array<std::uint64_t, 257>& at_line_start = scan.at_line_start;
  // The matches as found, and for each its place, its rule and where it is
  // in `found`: sorted at the end (see there).
  std::vector<MarkerMatch> found;
  struct Found {
    std::size_t begin;
    std::uint32_t rule, index;
  };
  std::vector<Found> places;
  found.reserve(text.size() / 512 + 16);  // a plan has a marker every few hundred bytes
  places.reserve(found.capacity());
  auto record = [&](std::size_t r, const RulePlan& plan, std::size_t p, bool allowed) {
    const std::size_t before = found.size();
    const bool matched = match_at(g, confusable_first, g.markers[r], plan, text, p, allowed, found);
    if (found.size() > before)
      places.push_back({p, static_cast<std::uint32_t>(r), static_cast<std::uint32_t>(before)});
    return matched;
  };
  // A rule that may match anywhere is tried as an unanchored search from
  // each match start plus one character would find its matches: at every
  // position where the pattern matches, but none inside the first character
  // of the match before (`resume`).
  std::vector<std::size_t> resume(rule_count, 0);
  auto try_anywhere = [&](std::size_t r, std::size_t p) {
    const MarkerRule& rule = g.markers[r];
    const RulePlan& plan = *plans[r];
    if (p < resume[r] || !plan.may_start_at(text, p)) return;
    const bool allowed = allowed_anywhere(rule, text, p);
    // A match can start inside a character only when the pattern can start
    // with a trail byte; otherwise a refused position is passed over whole.
    if (!allowed && !plan.mid_char) return;
    // Where the atoms rule a match out, RE2 would find none either.
    if (!plan.atoms.may_start_at(text, p)) return;
    if (!record(r, plan, p, allowed)) return;
    resume[r] = p;
    utf8::next(text, resume[r]);
  };
  auto try_placed = [&](std::size_t r, std::size_t p) {
    const RulePlan& plan = *plans[r];
    if (plan.may_start_at(text, p) && plan.atoms.may_start_at(text, p)) record(r, plan, p, true);
  };
  // Rules past the 64th have no bit in the tables: tried one by one.
  const bool many_placed = placed_rules.size() > 64, many_anywhere = anywhere_rules.size() > 64;
  auto at_place = [&](std::size_t p, bool line_start) {
    const std::size_t b = p < text.size() ? static_cast<unsigned char>(text[p]) : 256;
    const std::uint64_t rules_here = at_boundary[b] | (line_start ? at_line_start[b] : 0);
    for (std::uint64_t bits = rules_here; bits != 0; bits &= bits - 1)
      try_placed(placed_rules[static_cast<std::size_t>(std::countr_zero(bits))], p);
    if (!many_placed) return;
    for (std::size_t q = 64; q < placed_rules.size(); ++q) {  // rules past the 64th: one by one
      const std::size_t r = placed_rules[q];
      if (!line_start && g.markers[r].position == MarkerPosition::kLineStart) continue;
      if (b < 256 ? plans[r]->first_bytes[b] : plans[r]->every_first_byte) try_placed(r, p);
    }
  };
  at_place(0, true);
  scan.scanner.for_each(text, [&](std::size_t i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (kBoundary.may_open()[b]) {
      if (const std::size_t len = kBoundary.at(text, i)) {
        // Most places start no placed rule's match: told here, without the call.
        const std::size_t p = i + len, next = p < text.size() ? static_cast<unsigned char>(text[p]) : 256;
        if ((at_boundary[next] | (b == '\n' ? at_line_start[next] : 0)) != 0 || many_placed)
          at_place(p, b == '\n');
      }
    }
    for (std::uint64_t bits = by_byte[b]; bits != 0; bits &= bits - 1)
      try_anywhere(anywhere_rules[static_cast<std::size_t>(std::countr_zero(bits))], i);
    if (many_anywhere)
      for (std::size_t k = 64; k < anywhere_rules.size(); ++k)
        if (plans[anywhere_rules[k]]->first_bytes[b]) try_anywhere(anywhere_rules[k], i);
  });
  // Sorted by offset, then level, then weight (heaviest first), ties in rule
  // order. A rule matches at most once at a place, so that is the order of
  // (offset, the rule's rank). (A weight that is not a number compares with
  // none: then the matches are put in rule order and sorted stably.)
  if (scan.ranked) {
    std::sort(places.begin(), places.end(), [&](const Found& x, const Found& y) {
      return x.begin != y.begin ? x.begin < y.begin : scan.rank[x.rule] < scan.rank[y.rule];
    });
  } else {
    std::stable_sort(places.begin(), places.end(), [](const Found& x, const Found& y) { return x.rule < y.rule; });
    std::stable_sort(places.begin(), places.end(), [&](const Found& x, const Found& y) {
      return x.begin != y.begin ? x.begin < y.begin : rule_before(g.markers[x.rule], g.markers[y.rule]);
    });
  }
  auto match_of = [&](const Found& at) -> MarkerMatch& { return found[at.index]; };
  std::vector<Found>& order = places;
  std::vector<MarkerMatch> kept;
  kept.reserve(order.size());
  for (auto at : order) {
    MarkerMatch& m = match_of(at);
    if (!kept.empty() && kept.back().begin == m.begin && kept.back().rule->level == m.rule->level)
      continue;
    kept.push_back(std::move(m));
  }
  return kept;
}

}  // namespace plancmp
