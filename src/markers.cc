// Marker finding and numeral reading. See markers.h.
#include "markers.h"

#include <algorithm>
#include <array>
#include <map>

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

bool is_boundary_char(char32_t c) {
  switch (c) {
    case U'\n': case U'。': case U';': case U'!': case U'?': case U':':
    case U')': case U'〕': case U'】': case U'”':
      return true;
    default:
      return false;
  }
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

void match_at(const Grammar::Impl& g, const MarkerRule& rule, std::string_view text,
              std::size_t pos, std::vector<MarkerMatch>& out) {
  if (pos < text.size()) {
    const auto first = static_cast<unsigned char>(text[pos]);
    if (first < rule.first_byte_min || first > rule.first_byte_max) return;  // no match can start here
  }
  if (!position_allowed(rule, text, pos)) return;
  const int groups = rule.re->NumberOfCapturingGroups() + 1;
  // Tried at nearly every boundary: no allocation for the usual few groups.
  constexpr int kFewGroups = 8;
  std::array<re2::StringPiece, kFewGroups> few;
  std::vector<re2::StringPiece> many(groups > kFewGroups ? static_cast<std::size_t>(groups) : 0);
  re2::StringPiece* sub = groups > kFewGroups ? many.data() : few.data();
  if (!rule.re->Match(re2::StringPiece(text.data(), text.size()), pos, text.size(),
                      RE2::ANCHOR_START, sub, groups))
    return;
  const auto& names = rule.re->NamedCapturingGroups();
  MarkerMatch m;
  m.rule = &rule;
  m.begin = pos;
  std::size_t end = static_cast<std::size_t>(sub[0].data() - text.data()) + sub[0].size();
  m.body = end;
  if (auto it = names.find("body"); it != names.end() && sub[it->second].data() != nullptr)
    m.body = static_cast<std::size_t>(sub[it->second].data() - text.data());
  if (auto it = names.find("num"); it != names.end() && sub[it->second].data() != nullptr)
  {
    std::string raw(sub[it->second].data(), sub[it->second].size());
    m.number_text = apply_confusables(g, raw);
    m.misread = m.number_text != raw;
  }
  m.printed = std::string(text.substr(pos, m.body - pos));
  while (!m.printed.empty() && m.printed.back() == ' ') m.printed.pop_back();
  m.value = read_number(rule, m.number_text);
  m.at_boundary = is_boundary_char(previous_char(text, pos));
  if (rule.numeral != NumeralKind::kNone && !m.number_text.empty() && !m.value) return;
  out.push_back(std::move(m));
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

bool numeral_fragment_fits(const MarkerMatch& m, int value) {
  if (m.value && *m.value == value) return true;
  if (m.number_text.empty()) return true;  // nothing printed: any number fits
  // The DP asks for every number of a range: the forms under 1000 are tabled once.
  constexpr int kTabled = 1000;
  static const std::vector<std::string> kChinese = [] {
    std::vector<std::string> t(kTabled);
    for (int v = 1; v < kTabled; ++v) t[static_cast<std::size_t>(v)] = chinese_numeral(v);
    return t;
  }();
  static const std::vector<std::string> kArabic = [] {
    std::vector<std::string> t(kTabled);
    for (int v = 0; v < kTabled; ++v) t[static_cast<std::size_t>(v)] = std::to_string(v);
    return t;
  }();
  const bool chinese = m.rule->numeral == NumeralKind::kChinese;
  std::string computed;
  if (value <= 0 || value >= kTabled) computed = chinese ? chinese_numeral(value) : std::to_string(value);
  const std::string_view full = (value <= 0 || value >= kTabled) ? std::string_view(computed)
                                : chinese ? std::string_view(kChinese[static_cast<std::size_t>(value)])
                                          : std::string_view(kArabic[static_cast<std::size_t>(value)]);
  const std::string_view part = m.number_text;
  if (part.size() >= full.size()) return false;
  bool prefix = full.compare(0, part.size(), part) == 0;
  bool suffix = full.compare(full.size() - part.size(), part.size(), part) == 0;
  // Every printed form may be a truncation (web copies print "(二十)" for 24);
  // the fragment kind says which end a damaged marker lost.
  switch (m.rule->fragment) {
    case Fragment::kPrefix: return prefix;
    case Fragment::kSuffix: return suffix;
    case Fragment::kExact: return prefix || suffix;
  }
  return false;
}

std::vector<MarkerMatch> find_markers(const Grammar::Impl& g, std::string_view text) {
  std::vector<MarkerMatch> found;
  std::vector<std::size_t> line_starts{0}, boundaries{0};
  for (std::size_t i = 0; i < text.size();) {
    std::size_t start = i;
    char32_t c = utf8::next(text, i);
    (void)start;
    if (c == U'\n') line_starts.push_back(i);
    if (is_boundary_char(c)) boundaries.push_back(i);
  }
  for (const MarkerRule& rule : g.markers) {
    switch (rule.position) {
      case MarkerPosition::kLineStart:
        for (std::size_t p : line_starts) match_at(g, rule, text, p, found);
        break;
      case MarkerPosition::kBoundary:
        for (std::size_t p : boundaries) match_at(g, rule, text, p, found);
        break;
      case MarkerPosition::kBoundaryPreferred:
      case MarkerPosition::kAnywhere: {
        re2::StringPiece input(text.data(), text.size());
        re2::StringPiece whole;
        std::size_t from = 0;
        while (from < text.size() &&
               rule.re->Match(input, from, text.size(), RE2::UNANCHORED, &whole, 1)) {
          std::size_t at = static_cast<std::size_t>(whole.data() - text.data());
          match_at(g, rule, text, at, found);
          // Step one character past the match start: matches may overlap.
          std::size_t next = at;
          utf8::next(text, next);
          from = next;
        }
        break;
      }
    }
  }
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
