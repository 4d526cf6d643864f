// Marker finding and numeral reading. See markers.h.
#include "markers.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>

#include "byte_scan.h"
#include "derived_cache.h"
#include "numbers.h"
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
  int groups = 1;       // capturing groups + the whole match
  int num = -1, body = -1;

  bool may_start_at(std::string_view text, std::size_t pos) const {
    if (!tested) return true;
    if (text.size() - pos < prefix.size() + (next_byte ? 1 : 0)) return false;
    if (text.compare(pos, prefix.size(), prefix) != 0) return false;
    if (!next_byte) return true;
    const auto b = static_cast<unsigned char>(text[pos + prefix.size()]);
    return b >= next_min && b <= next_max;
  }
  // Can a match start with a UTF-8 trail byte (inside a character)?
  bool may_start_mid_char() const {
    return std::any_of(first_bytes.begin() + 0x80, first_bytes.begin() + 0xC0, [](bool b) { return b; });
  }
};

RulePlan plan_for(const RE2& re) {
  RulePlan plan;
  plan.first_bytes.fill(true);
  plan.groups = re.NumberOfCapturingGroups() + 1;
  const auto& names = re.NamedCapturingGroups();
  if (auto it = names.find("num"); it != names.end()) plan.num = it->second;
  if (auto it = names.find("body"); it != names.end()) plan.body = it->second;
  // PossibleMatchRange speaks of matches at the start of a text: it holds at
  // any position only for a pattern that asserts nothing about what precedes.
  std::string min, max;
  if (!pattern_context_free(re.pattern()) || !re.PossibleMatchRange(&min, &max, 8) || min.empty()) return plan;
  // An empty max means no upper bound: then only the first byte is bounded, by 0xFF.
  const std::string_view upper = max.empty() ? std::string_view("\xFF", 1) : std::string_view(max);
  std::size_t k = 0;
  while (k < min.size() && k < upper.size() && min[k] == upper[k]) ++k;
  if (k < min.size() && k == upper.size()) return plan;  // no room for a byte after the prefix
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
// matched at `pos` at all.
bool match_at(const Grammar::Impl& g, const MarkerRule& rule, const RulePlan& plan,
              std::string_view text, std::size_t pos, bool allowed, std::vector<MarkerMatch>& out) {
  // Tried at many positions: no allocation for the usual few groups.
  constexpr int kFewGroups = 8;
  std::array<re2::StringPiece, kFewGroups> few;
  std::vector<re2::StringPiece> many(plan.groups > kFewGroups ? static_cast<std::size_t>(plan.groups) : 0);
  re2::StringPiece* sub = plan.groups > kFewGroups ? many.data() : few.data();
  if (!rule.re->Match(re2::StringPiece(text.data(), text.size()), pos, text.size(),
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
    std::string raw(sub[plan.num].data(), sub[plan.num].size());
    m.number_text = apply_confusables(g, raw);
    m.misread = m.number_text != raw;
  }
  m.printed = std::string(text.substr(pos, m.body - pos));
  while (!m.printed.empty() && m.printed.back() == ' ') m.printed.pop_back();
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

// A printed form's first and last (up to) kBitsBytes bytes as numbers:
// byte i of `head` in bits 8i.. (of word i / 8), the last byte of `tail` in
// the top bits of its word 1. Does a fragment of up to kBitsBytes bytes open
// or close the form? A masked comparison of two words tells.
constexpr std::size_t kBitsBytes = 16;  // four Chinese characters, "一百二十"

struct FormBits {
  std::uint64_t head[2] = {0, 0}, tail[2] = {0, 0};
  std::size_t size = 0;
};

FormBits bits_of(std::string_view s) {
  FormBits b;
  b.size = s.size();
  const std::size_t k = std::min(s.size(), kBitsBytes);
  auto put = [](std::uint64_t* words, std::size_t at, char c) {
    words[at / 8] |= std::uint64_t{static_cast<unsigned char>(c)} << (8 * (at % 8));
  };
  for (std::size_t i = 0; i < k; ++i) {
    put(b.head, i, s[i]);
    put(b.tail, kBitsBytes - k + i, s[s.size() - k + i]);
  }
  return b;
}

// bits_of() of an n-byte fragment (n <= kBitsBytes) in the bits a form's
// head (tail) shares with it: compare `f.head & mask.head` with `p.head`.
FormBits bits_mask(std::size_t n) {
  return bits_of(std::string(n, '\xFF'));
}

bool same_bits(const std::uint64_t* form, const std::uint64_t* mask, const std::uint64_t* part) {
  return ((form[0] & mask[0]) ^ part[0]) == 0 && ((form[1] & mask[1]) ^ part[1]) == 0;
}

// The printed forms of the numbers under kTabled in each numeral kind: the
// sequence check asks for every number of a range, so they are built once.
constexpr int kTabled = 1000;

struct NumeralForms {
  struct Kind {
    std::vector<std::string> forms = std::vector<std::string>(kTabled);
    std::vector<FormBits> bits = std::vector<FormBits>(kTabled);
  };
  Kind chinese, arabic;
  NumeralForms() {
    for (int v = 0; v < kTabled; ++v) {
      const auto i = static_cast<std::size_t>(v);
      chinese.forms[i] = v > 0 ? chinese_numeral(v) : std::string();
      arabic.forms[i] = std::to_string(v);
      chinese.bits[i] = bits_of(chinese.forms[i]);
      arabic.bits[i] = bits_of(arabic.forms[i]);
    }
  }
  const Kind& of(const MarkerRule& rule) const { return rule.numeral == NumeralKind::kChinese ? chinese : arabic; }
};

const NumeralForms& numeral_forms() {
  static const NumeralForms forms;
  return forms;
}

// The printed form of `value` in the numeral kind of `rule`, from `table`
// (numeral_forms().of(rule)) or, past it, built into `scratch`.
std::string_view numeral_form(const MarkerRule& rule, const NumeralForms::Kind& table, int value,
                              std::string& scratch) {
  if (value > 0 && value < kTabled) return table.forms[static_cast<std::size_t>(value)];
  scratch = rule.numeral == NumeralKind::kChinese ? chinese_numeral(value) : std::to_string(value);
  return scratch;
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
  std::string scratch;
  return fragment_fits(m, value, numeral_form(*m.rule, numeral_forms().of(*m.rule), value, scratch));
}

std::vector<int> numeral_readings(const MarkerMatch& m, int max_value) {
  std::vector<int> out;
  const NumeralForms::Kind& table = numeral_forms().of(*m.rule);
  std::string scratch;
  FormBits scratch_bits;
  const std::string_view part = m.number_text;
  const std::size_t n = part.size();
  if (n == 0 || n > kBitsBytes) {  // any number fits, or a fragment too long for FormBits
    for (int v = 1; v <= max_value; ++v)
      if (fragment_fits(m, v, numeral_form(*m.rule, table, v, scratch))) out.push_back(v);
    return out;
  }
  // fragment_fits() for each number, by FormBits: the forms of numbers past
  // the table get theirs on the way.
  const FormBits p = bits_of(part), mask = bits_mask(n);
  const bool at_start = m.rule->fragment != Fragment::kSuffix, at_end = m.rule->fragment != Fragment::kPrefix;
  const int exact = m.value ? *m.value : 0;  // 0: no number reads exactly (v starts at 1)
  for (int v = 1; v <= max_value; ++v) {
    const FormBits& f = v < kTabled ? table.bits[static_cast<std::size_t>(v)]
                                    : (scratch_bits = bits_of(numeral_form(*m.rule, table, v, scratch)));
    if (v == exact || (f.size > n && ((at_start && same_bits(f.head, mask.head, p.head)) ||
                                      (at_end && same_bits(f.tail, mask.tail, p.tail)))))
      out.push_back(v);
  }
  return out;
}

std::vector<MarkerMatch> find_markers(const Grammar::Impl& g, std::string_view text) {
  std::vector<MarkerMatch> found;
  // Every boundary character starts with a byte no UTF-8 sequence continues
  // with, so only where such a byte stands can one begin.
  static const ByteSet kMayOpenBoundary = [] {
    ByteSet set{};
    for (char32_t c : kBoundaryChars) set[static_cast<unsigned char>(utf8::encode(std::u32string(1, c))[0])] = true;
    return set;
  }();
  // One pass over the text finds the line starts and the boundaries, and
  // tries each rule that may match anywhere where its first byte stands.
  auto anywhere = [](const MarkerRule& rule) {
    return rule.position == MarkerPosition::kBoundaryPreferred || rule.position == MarkerPosition::kAnywhere;
  };
  std::vector<const RulePlan*> plans;
  std::vector<std::size_t> anywhere_rules;
  ByteSet wanted = kMayOpenBoundary;
  for (const MarkerRule& rule : g.markers) {
    plans.push_back(&plan_of(rule));
    if (!anywhere(rule)) continue;
    anywhere_rules.push_back(plans.size() - 1);
    for (std::size_t b = 0; b < 256; ++b) wanted[b] = wanted[b] || plans.back()->first_bytes[b];
  }
  // Matches are kept per rule and joined in rule order at the end, so the
  // order of equal keys in the sort below does not depend on which rules
  // were tried during the pass and which after it.
  std::vector<std::vector<MarkerMatch>> found_by_rule(g.markers.size());
  // A rule that may match anywhere is tried as an unanchored search from
  // each match start plus one character would find its matches: at every
  // position where the pattern matches, but none inside the first character
  // of the match before (`resume`).
  std::vector<std::size_t> resume(g.markers.size(), 0);
  auto try_anywhere = [&](std::size_t r, std::size_t p) {
    const MarkerRule& rule = g.markers[r];
    const RulePlan& plan = *plans[r];
    if (p < resume[r] || !plan.may_start_at(text, p)) return;
    const bool allowed = position_allowed(rule, text, p);
    // A match can start inside a character only when the pattern can start
    // with a trail byte; otherwise a refused position is passed over whole.
    if (!allowed && !plan.may_start_mid_char()) return;
    if (!match_at(g, rule, plan, text, p, allowed, found_by_rule[r])) return;
    resume[r] = p;
    utf8::next(text, resume[r]);
  };
  std::vector<std::size_t> line_starts{0}, boundaries{0};
  for (std::size_t i = find_byte_in(text, 0, text.size(), wanted); i < text.size();
       i = find_byte_in(text, i + 1, text.size(), wanted)) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (kMayOpenBoundary[b]) {
      std::size_t after = i;
      char32_t c = utf8::next(text, after);
      if (c == U'\n') line_starts.push_back(after);
      if (is_boundary_char(c)) boundaries.push_back(after);
    }
    for (std::size_t r : anywhere_rules)
      if (plans[r]->first_bytes[b]) try_anywhere(r, i);
  }
  for (std::size_t r = 0; r < g.markers.size(); ++r) {
    const MarkerRule& rule = g.markers[r];
    if (anywhere(rule)) continue;
    const RulePlan& plan = *plans[r];
    for (std::size_t p : rule.position == MarkerPosition::kLineStart ? line_starts : boundaries) {
      if (!plan.may_start_at(text, p)) continue;
      if (position_allowed(rule, text, p)) match_at(g, rule, plan, text, p, true, found_by_rule[r]);
    }
  }
  for (std::vector<MarkerMatch>& of_rule : found_by_rule)
    found.insert(found.end(), std::make_move_iterator(of_rule.begin()), std::make_move_iterator(of_rule.end()));
  std::stable_sort(found.begin(), found.end(), [](const MarkerMatch& a, const MarkerMatch& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.rule->level != b.rule->level) return a.rule->level < b.rule->level;
    return a.rule->weight > b.rule->weight;
  });
  std::vector<MarkerMatch> kept;
  for (auto& m : found) {
    if (!kept.empty() && kept.back().begin == m.begin && kept.back().rule->level == m.rule->level)
      continue;
    kept.push_back(std::move(m));
  }
  return kept;
}

}  // namespace plancmp
