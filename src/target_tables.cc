// Targets from indicator tables, as text dumps keep them: one row per line,
// cells separated by tabs, "|" or runs of spaces. Patterns: grammars/tables.yaml.
//
// A header row ("指标名称 | 单位 | 2020年现状值 | 2025年目标值 | 属性") says which
// column holds the target and its year; without one, the last number of a row
// is its target. Rows must look like table rows (short cells beside one
// indicator cell) so that prose with double spaces is never read as a table.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <re2/re2.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#include <immintrin.h>
#endif

#include "byte_scan.h"
#include "cpu_features.h"
#include "grammar_internal.h"
#include "numbers.h"
#include "plancmp/extract.h"
#include "targets_internal.h"
#include "utf8_util.h"

namespace plancmp {

namespace {

constexpr const char* kFile = "tables.yaml";
constexpr std::size_t kMaxIndicatorChars = 40;
constexpr std::size_t kMaxOtherCellChars = 14;

struct Cell {
  std::size_t begin = 0, end = 0;  // bytes in the raw line
  std::string raw;
  std::string text;                // normalized (folded, Simplified)
};

// Does the 3-byte character c0 c1 c2 start line at i?
bool char_at(std::string_view line, std::size_t i, unsigned char c0, unsigned char c1, unsigned char c2) {
  return i + 3 <= line.size() && static_cast<unsigned char>(line[i]) == c0 &&
         static_cast<unsigned char>(line[i + 1]) == c1 && static_cast<unsigned char>(line[i + 2]) == c2;
}
bool ideographic_space_at(std::string_view line, std::size_t i) { return char_at(line, i, 0xE3, 0x80, 0x80); }

// The bytes a cell gap opens with: a tab, '|', a space, or the lead byte of
// │ ｜ or the ideographic space.
constexpr ByteSet kGapLead = [] {
  ByteSet lead{};
  for (unsigned char c : {'\t', '|', ' ', '\xE2', '\xE3', '\xEF'}) lead[c] = true;
  return lead;
}();

bool is_cell_gap(std::string_view line, std::size_t i, std::size_t* len) {
  *len = 0;
  if (line[i] == '\t' || line[i] == '|') {
    *len = 1;
    return true;
  }
  if (char_at(line, i, 0xE2, 0x94, 0x82) || char_at(line, i, 0xEF, 0xBD, 0x9C)) {  // │ ｜
    *len = 3;
    return true;
  }
  // Two or more spaces (ASCII or ideographic) separate cells; one does not.
  std::size_t j = i;
  int spaces = 0;
  while (j < line.size()) {
    if (line[j] == ' ') {
      ++j;
      ++spaces;
    } else if (ideographic_space_at(line, j)) {
      j += 3;
      spaces += 2;
    } else {
      break;
    }
  }
  *len = j - i;
  return spaces >= 2;
}

// Could a cell gap open at i? A tab or '|', a space before a space or an
// ideographic space, or the whole of │ ｜ or an ideographic space. (Lead
// bytes alone stop too often: "，" "、" share them.)
bool may_open_gap(std::string_view line, std::size_t i) {
  const auto c = static_cast<unsigned char>(line[i]);
  if (c == '\t' || c == '|') return true;
  if (c == ' ') return i + 1 < line.size() && (line[i + 1] == ' ' || static_cast<unsigned char>(line[i + 1]) == 0xE3);
  return ideographic_space_at(line, i) || char_at(line, i, 0xE2, 0x94, 0x82) || char_at(line, i, 0xEF, 0xBD, 0x9C);
}

// The first position from `i` where a cell gap may open (see may_open_gap), or
// the line's end. Sixteen positions a step (thirty-two with AVX2), where a
// byte up to ' ' or a '|' stands, or the two bytes that tell │ ｜ and the
// ideographic space from the punctuation sharing their lead bytes (",", "、",
// "。" stop nothing). Each way marks the same places of a block: `way` only
// says how wide the steps are (tests compare them).
#if defined(__SSE2__)
// The first place in line[at, at + 32) (mask: its candidates) where a gap may open.
std::size_t first_gap(std::string_view line, std::size_t at, std::uint32_t mask) {
  for (; mask != 0; mask &= mask - 1)
    if (may_open_gap(line, at + static_cast<std::size_t>(__builtin_ctz(mask))))
      return at + static_cast<std::size_t>(__builtin_ctz(mask));
  return std::string_view::npos;
}

#ifdef PLANCMP_X86_DISPATCH
// The thirty-two-place steps of next_gap with 32-byte vectors: from `i`
// while i + 34 <= line.size(); a gap's place, or npos with `i` where it stopped.
__attribute__((target("avx2"))) std::size_t next_gap_avx2(std::string_view line, std::size_t& i) {
  const auto* p = reinterpret_cast<const unsigned char*>(line.data());
  const __m256i space = _mm256_set1_epi8(' '), bar_byte = _mm256_set1_epi8('|');
  const __m256i e2 = _mm256_set1_epi8(static_cast<char>(0xE2)), x94 = _mm256_set1_epi8(static_cast<char>(0x94));
  const __m256i ef = _mm256_set1_epi8(static_cast<char>(0xEF)), xbd = _mm256_set1_epi8(static_cast<char>(0xBD));
  const __m256i x80 = _mm256_set1_epi8(static_cast<char>(0x80));
  for (; i + 34 <= line.size(); i += 32) {
    const __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 1));
    const __m256i v2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 2));
    const __m256i low = _mm256_cmpeq_epi8(_mm256_min_epu8(v0, space), v0);
    const __m256i bar = _mm256_cmpeq_epi8(v0, bar_byte);
    const __m256i box = _mm256_and_si256(_mm256_cmpeq_epi8(v0, e2), _mm256_cmpeq_epi8(v1, x94));
    const __m256i wide = _mm256_and_si256(_mm256_cmpeq_epi8(v0, ef), _mm256_cmpeq_epi8(v1, xbd));
    const __m256i ideo = _mm256_and_si256(_mm256_cmpeq_epi8(v1, x80), _mm256_cmpeq_epi8(v2, x80));
    const auto mask = static_cast<std::uint32_t>(_mm256_movemask_epi8(
        _mm256_or_si256(_mm256_or_si256(_mm256_or_si256(low, bar), _mm256_or_si256(box, wide)), ideo)));
    if (mask != 0)
      if (const std::size_t at = first_gap(line, i, mask); at != std::string_view::npos) return at;
  }
  return std::string_view::npos;
}
#endif
#endif

}  // namespace

std::size_t next_table_gap(std::string_view line, std::size_t i, GapScan way) {
#if defined(__SSE2__)
  const auto* p = reinterpret_cast<const unsigned char*>(line.data());
  auto splat = [](unsigned char b) { return _mm_set1_epi8(static_cast<char>(b)); };
  // The sixteen places from `at` (two more bytes readable) where a gap may
  // open, and a few more.
  auto block = [&](std::size_t at) {
    const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
    const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at + 1));
    const __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at + 2));
    const __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(v0, splat(' ')), v0);  // \t and ' ' among them
    const __m128i bar = _mm_cmpeq_epi8(v0, splat('|'));
    const __m128i box = _mm_and_si128(_mm_cmpeq_epi8(v0, splat(0xE2)), _mm_cmpeq_epi8(v1, splat(0x94)));    // │
    const __m128i wide = _mm_and_si128(_mm_cmpeq_epi8(v0, splat(0xEF)), _mm_cmpeq_epi8(v1, splat(0xBD)));   // ｜
    const __m128i ideo = _mm_and_si128(_mm_cmpeq_epi8(v1, splat(0x80)), _mm_cmpeq_epi8(v2, splat(0x80)));   // E3 80 80
    return static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(_mm_or_si128(low, bar), _mm_or_si128(box, wide)), ideo)));
  };
  if (way != GapScan::kBytes) {
    // Thirty-two places a step, then sixteen; blocks never read past the line.
#ifdef PLANCMP_X86_DISPATCH
    if (way == GapScan::kWidest && cpu::has_avx2()) {
      if (const std::size_t at = next_gap_avx2(line, i); at != std::string_view::npos) return at;
    }
#endif
    for (; i + 34 <= line.size(); i += 32)
      if (const std::uint32_t mask = block(i) | block(i + 16) << 16)
        if (const std::size_t at = first_gap(line, i, mask); at != std::string_view::npos) return at;
    for (; i + 18 <= line.size(); i += 16)
      if (const std::uint32_t mask = block(i))
        if (const std::size_t at = first_gap(line, i, mask); at != std::string_view::npos) return at;
  }
#else
  (void)way;
#endif
  for (; i < line.size(); ++i)
    if (kGapLead[static_cast<unsigned char>(line[i])] && may_open_gap(line, i)) return i;
  return line.size();
}

namespace {

std::size_t next_gap(std::string_view line, std::size_t i) { return next_table_gap(line, i, GapScan::kWidest); }

// The cells of `line` into `cells` (cleared first: its room is kept from line to line).
void split_cells(std::string_view line, std::vector<Cell>& cells) {
  cells.clear();
  std::size_t start = 0, i = 0, gap = 0;
  auto flush = [&](std::size_t end) {
    std::size_t b = start, e = end;
    while (b < e && (line[b] == ' ')) ++b;
    while (e > b && (line[e - 1] == ' ')) --e;
    if (e > b) cells.push_back({b, e, {}, {}});
  };
  // Stepping by bytes, not characters: no gap opens with a continuation byte.
  while ((i = next_gap(line, i)) < line.size()) {
    if (is_cell_gap(line, i, &gap)) {
      flush(i);
      i += gap;
      start = i;
    } else {
      ++i;
    }
  }
  flush(line.size());
  // Only a row of three or more cells is read; only then is it worth copying
  // and normalizing the cells' text (most lines are prose: one cell).
  if (cells.size() >= 3)
    for (Cell& c : cells) {
      c.raw = std::string(line.substr(c.begin, c.end - c.begin));
      c.text = NormalizedText::build(c.raw).text();
    }
}

// The named groups of a whole-text match of `re`, or nullopt when it does not match.
std::optional<std::map<std::string, std::string>> full_match_groups(const RE2& re, const std::string& text) {
  std::vector<re2::StringPiece> sub(static_cast<std::size_t>(re.NumberOfCapturingGroups() + 1));
  if (!re.Match(text, 0, text.size(), RE2::ANCHOR_BOTH, sub.data(), static_cast<int>(sub.size()))) return std::nullopt;
  std::map<std::string, std::string> out;
  for (const auto& [name, index] : re.NamedCapturingGroups()) {
    const re2::StringPiece& g = sub[static_cast<std::size_t>(index)];
    out[name] = g.data() ? std::string(g.data(), g.size()) : std::string();
  }
  return out;
}

int han_count(std::string_view s) {
  int n = 0;
  for (std::size_t i = 0; i < s.size();) n += is_han(utf8::next(s, i));
  return n;
}

bool matches(const RuleSet& rs, const std::string& id, const std::string& text) {
  for (const PatternRule& r : rs.rules)
    if (r.id == id) return RE2::PartialMatch(text, *r.re);
  return false;
}

// What a header row says about its columns.
struct Header {
  std::vector<std::string> roles;      // per column: indicator, unit, target, current, attribute, ""
  std::vector<std::optional<int>> years;

  std::optional<int> current_year() const {
    for (std::size_t k = 0; k < roles.size(); ++k)
      if (roles[k] == "current" && years[k]) return years[k];
    return std::nullopt;
  }
  std::optional<int> target_year() const {
    for (std::size_t k = 0; k < roles.size(); ++k)
      if (roles[k] == "target" && years[k]) return years[k];
    return std::nullopt;
  }
};

std::optional<Header> read_header(const RuleSet& headers, const std::vector<Cell>& cells) {
  Header h;
  int known = 0;
  for (const Cell& c : cells) {
    std::string role;
    std::optional<int> year;
    for (const PatternRule& r : headers.rules) {
      int y = 0;
      if (RE2::PartialMatch(c.text, *r.re)) {
        role = r.attr("column");
        const auto& names = r.re->NamedCapturingGroups();
        // The header's year: the rule's `y` group, or any year in the cell ("2020年现状值").
        if (auto it = names.find("y"); it != names.end()) {
          std::vector<re2::StringPiece> sub(static_cast<std::size_t>(r.re->NumberOfCapturingGroups() + 1));
          if (r.re->Match(c.text, 0, c.text.size(), RE2::UNANCHORED, sub.data(), static_cast<int>(sub.size())) &&
              sub[static_cast<std::size_t>(it->second)].data())
            y = static_cast<int>(parse_number(std::string(sub[static_cast<std::size_t>(it->second)].data(),
                                                          sub[static_cast<std::size_t>(it->second)].size()))
                                     .value_or(0));
        }
        static const RE2 any_year(R"(((?:19|20)\d\d)年)");
        if (y == 0) RE2::PartialMatch(c.text, any_year, &y);
        if (y > 0) year = y;
        break;
      }
    }
    known += !role.empty();
    h.roles.push_back(role);
    h.years.push_back(year);
  }
  if (known < 2) return std::nullopt;
  // Several year columns: the latest is the target, earlier ones are baselines.
  std::optional<int> latest;
  for (std::size_t k = 0; k < h.roles.size(); ++k)
    if (h.roles[k] == "target" && h.years[k] && (!latest || *h.years[k] > *latest)) latest = h.years[k];
  for (std::size_t k = 0; k < h.roles.size(); ++k)
    if (h.roles[k] == "target" && latest && h.years[k] && *h.years[k] < *latest) h.roles[k] = "current";
  return h;
}

}  // namespace

void extract_table_targets(const NormalizedText& nt, const Grammar::Impl& g,
                           const std::vector<std::string>& lower_is_better, Document& doc,
                           std::vector<bool>& table_lines) {
  const RuleSet& headers = g.rule_set(kFile, "headers");
  const RuleSet& cells_rs = g.rule_set(kFile, "cells");
  if (headers.rules.empty() || cells_rs.rules.empty()) return;
  const PatternRule* value_rule = nullptr;
  for (const PatternRule& r : cells_rs.rules)
    if (r.id == "cell.value") value_rule = &r;
  if (!value_rule) return;

  table_lines.assign(static_cast<std::size_t>(nt.line_count()) + 1, false);
  // Where a cell gap may open, over the whole source in one pass (a place
  // tests only bytes of its own line: no gap form holds a line break). The
  // second and third of three cells follow gaps that open after the first
  // cell, so after the line's indent (its leading spaces, ASCII or
  // ideographic, are one gap or none): a line with fewer than two places
  // after it holds fewer than three cells. Most lines are passed over so.
  const std::string_view source = nt.source();
  std::vector<std::size_t> places;
  for (std::size_t i = next_gap(source, 0); i < source.size(); i = next_gap(source, i + 1)) places.push_back(i);
  std::size_t place = 0;  // the first place not before the line
  std::optional<Header> header;
  std::vector<Cell> cells;
  for (int line = 1; line <= nt.line_count(); ++line) {
    std::string_view raw = nt.source_line(line);
    const auto begin = static_cast<std::size_t>(raw.data() - source.data());
    std::size_t indent = 0;
    while (indent < raw.size() && (raw[indent] == ' ' || ideographic_space_at(raw, indent))) indent += raw[indent] == ' ' ? 1 : 3;
    while (place < places.size() && places[place] < begin + indent) ++place;
    const bool two_places = place + 1 < places.size() && places[place + 1] < begin + raw.size();
    if (two_places) split_cells(raw, cells);
    else cells.clear();
    if (cells.size() < 3) {
      if (!raw.empty()) header.reset();  // a prose line ends the table
      continue;
    }
    if (auto h = read_header(headers, cells)) {
      header = h;
      table_lines[static_cast<std::size_t>(line)] = true;
      continue;
    }
    // The indicator: the header's indicator column when the row lines up with
    // it, else the longest cell of Chinese text that is no value, class, unit
    // or attribute (a category column such as "大气" is shorter).
    const bool aligned = header && cells.size() == header->roles.size();
    int indicator = -1;
    bool table_like = true;
    for (std::size_t k = 0; k < cells.size(); ++k) {
      const std::string& t = cells[k].text;
      bool other = matches(cells_rs, "cell.value", t) || matches(cells_rs, "cell.class", t) ||
                   matches(cells_rs, "cell.unit", t) || matches(cells_rs, "cell.attribute", t);
      bool text_cell = !other && han_count(t) >= 2 && utf8::length(t) <= kMaxIndicatorChars;
      if (text_cell && aligned && header->roles[k] == "indicator") {
        indicator = static_cast<int>(k);
        break;
      }
      if (text_cell && (indicator < 0 || utf8::length(t) > utf8::length(cells[static_cast<std::size_t>(indicator)].text)))
        indicator = static_cast<int>(k);
      else if (!text_cell && utf8::length(t) > kMaxOtherCellChars)
        table_like = false;
    }
    if (indicator < 0 || !table_like) continue;

    // The value column: the header's target column, else the last number.
    int value_col = -1;
    std::optional<int> year;
    for (std::size_t k = 0; k < cells.size(); ++k) {
      if (static_cast<int>(k) == indicator ||
          !(matches(cells_rs, "cell.value", cells[k].text) || matches(cells_rs, "cell.class", cells[k].text)))
        continue;
      // A row whose cells line up with the header reads by the header.
      if (aligned) {
        if (header->roles[k] == "target") {
          value_col = static_cast<int>(k);
          year = header->years[k];
        }
      } else {
        value_col = static_cast<int>(k);
        year = header ? header->target_year() : std::nullopt;
      }
    }
    if (value_col < 0) continue;

    std::string sign, num, unit, qual, cls;
    const std::string& value_text = cells[static_cast<std::size_t>(value_col)].text;
    if (auto g = full_match_groups(*value_rule->re, value_text)) {
      sign = (*g)["sign"];
      num = (*g)["num"];
      unit = (*g)["unit"];
      qual = (*g)["qual"];
    } else {
      for (const PatternRule& r : cells_rs.rules)
        if (r.id == "cell.class")
          if (auto c = full_match_groups(*r.re, value_text)) cls = (*c)["cls"];
      const int n = water_class_number(cls);
      if (n == 0) continue;
      num = std::to_string(n);
      unit = "类";
      sign = "≤";  // a class is reached when the water is that good or better
    }
    // The unit: the value's own, a unit cell, or "(单位)" closing the indicator.
    std::string indicator_text = cells[static_cast<std::size_t>(indicator)].text;
    for (std::size_t k = 0; unit.empty() && k < cells.size(); ++k)
      if (matches(cells_rs, "cell.unit", cells[k].text)) unit = cells[k].text;
    if (unit == "—" || unit == "-" || unit == "/") unit.clear();
    std::size_t open = indicator_text.rfind('(');
    if (open != std::string::npos && indicator_text.back() == ')') {
      std::string inner = indicator_text.substr(open + 1, indicator_text.size() - open - 2);
      if (matches(cells_rs, "cell.unit", inner)) {
        if (unit.empty()) unit = inner;
        indicator_text.erase(open);
      }
    }
    // Leading row numbers ("1", "1.", "(一)") are not part of the name.
    static const RE2 row_number(R"(^(?:\(?[0-9一二三四五六七八九十]{1,3}[).、.]?\s*))");
    RE2::Replace(&indicator_text, row_number, "");

    // A falling indicator with a bare or bracketed number: a decrease since the baseline column.
    const auto& falls = g.list(kFile, "decrease_words");
    const bool decrease = sign.empty() && qual.empty() &&
                          std::any_of(falls.begin(), falls.end(), [&](const std::string& w) {
                            return indicator_text.find(w) != std::string::npos;
                          });
    std::string op;
    if (decrease) op = "-";
    else if (sign == "≥" || sign == ">" || sign == "不低于" || sign == "大于" || qual == "以上") op = ">=";
    else if (sign == "≤" || sign == "<" || sign == "不高于" || sign == "不超过" || sign == "小于" ||
             qual == "以下" || qual == "以内")
      op = "<=";
    else if (qual == "左右") op = "~";
    else
      op = std::any_of(lower_is_better.begin(), lower_is_better.end(),
                       [&](const std::string& w) { return indicator_text.find(w) != std::string::npos; })
               ? "<="
               : ">=";

    const Cell& ind = cells[static_cast<std::size_t>(indicator)];
    const Cell& val = cells[static_cast<std::size_t>(value_col)];
    std::size_t line_start = static_cast<std::size_t>(raw.data() - nt.source().data());
    Location loc = locate(doc, nt.text_offset(line_start));
    Target t;
    t.clause = loc.clause;
    t.section = loc.section;
    t.indicator = indicator_text;  // rules' form; tables are short and rarely Traditional
    t.op = op;
    auto value = parse_number(num);
    if (!value) continue;
    t.value = *value;
    t.unit = unit;
    t.year = year;
    if (decrease && header) t.baseline_year = header->current_year();
    t.line = line;
    t.column = nt.source_position(line_start + ind.begin).column;
    t.quote = std::string(raw.substr(std::min(ind.begin, val.begin),
                                     std::max(ind.end, val.end) - std::min(ind.begin, val.begin)));
    t.rule = std::string("table.row") + (header ? "+header.target" : "");
    doc.targets.push_back(std::move(t));
    table_lines[static_cast<std::size_t>(line)] = true;
  }
}

}  // namespace plancmp
