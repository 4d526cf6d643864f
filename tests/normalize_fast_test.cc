// The normalizer's fast paths against the straightforward reading they
// replaced: one Char per code point, decoded by ICU's U8_NEXT, every step a
// pass over all characters (the algorithm as it stood before the reading
// pass, kept here as the reference). Inputs mix what the fast paths treat
// specially: ASCII, 2-, 3- and 4-byte characters, invalid bytes, full-width
// forms, U+3000, Traditional characters, CRLF, spaces and tabs, page markers,
// page-number lines and wrapped lines.
#include <doctest/doctest.h>

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "plancmp/normalize.h"
#include "t2s.h"
#include "utf8_util.h"

using plancmp::fold_fullwidth;
using plancmp::is_cjk_punct;
using plancmp::is_han;
using plancmp::NormalizedText;

namespace {

namespace reference {

// U8_NEXT itself, one U+FFFD per ill-formed sequence.
char32_t next(std::string_view s, std::size_t& i) {
  UChar32 c;
  auto pos = static_cast<int32_t>(i);
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), pos, static_cast<int32_t>(s.size()), c);
  i = static_cast<std::size_t>(pos);
  return c < 0 ? U'\uFFFD' : static_cast<char32_t>(c);
}

void append(std::string& out, char32_t c) {
  uint8_t buf[4];
  int32_t len = 0;
  UBool error = false;
  U8_APPEND(buf, len, 4, static_cast<UChar32>(c), error);
  if (error) {
    out += "\xEF\xBF\xBD";
    return;
  }
  out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(len));
}

struct Char {
  char32_t rule;
  std::uint32_t src;
  bool removed;
};

char32_t to_simplified(char32_t c) { return is_han(c) ? plancmp::t2s::convert_char(c) : c; }

bool is_space(char32_t c) { return c == U' ' || c == U'\t' || c == 0xA0; }
bool is_ascii_digit(char32_t c) { return c >= U'0' && c <= U'9'; }

// Sentence-final punctuation: a line ending in one of these ends its paragraph.
bool ends_sentence(char32_t c) {
  return c == U'。' || c == U';' || c == U'!' || c == U'?' || c == U':' || c == U'”' ||
         c == U')' || c == U'〕' || c == U'】' || c == U'.';
}

struct Line {
  std::size_t begin, end;  // indices into chars (end excludes the '\n')
  bool blanks;             // holds a space or a tab (else it is no table row)
};

// A leading segment number "12、" / "12." of a line: its value and length.
std::optional<std::pair<int, std::size_t>> leading_number(const std::vector<Char>& chars,
                                                          const Line& line) {
  std::size_t i = line.begin;
  while (i < line.end && is_space(chars[i].rule)) ++i;
  std::size_t digits_begin = i;
  int value = 0;
  while (i < line.end && is_ascii_digit(chars[i].rule) && i - digits_begin < 4) {
    value = value * 10 + static_cast<int>(chars[i].rule - U'0');
    ++i;
  }
  if (i == digits_begin || i >= line.end) return std::nullopt;
  if (chars[i].rule != U'、' && chars[i].rule != U'.') return std::nullopt;
  ++i;
  // "1.5" is a number, not a marker.
  if (i < line.end && is_ascii_digit(chars[i].rule)) return std::nullopt;
  while (i < line.end && is_space(chars[i].rule)) ++i;
  return std::make_pair(value, i - line.begin);
}

// Page/segment markers of an OCR dump: nearly every line opens with a number
// that runs 1, 2, 3... from line to line, and the text flows across the line
// breaks (the line before a marker ends mid-sentence). A real numbered list
// fails the second test: its items end their sentences.
bool remove_page_markers(std::vector<Char>& chars, const std::vector<Line>& lines) {
  std::vector<std::pair<std::size_t, std::size_t>> marks;  // (line index, marker length)
  std::vector<int> values;
  int non_empty = 0;
  for (std::size_t li = 0; li < lines.size(); ++li) {
    if (lines[li].begin == lines[li].end) continue;
    ++non_empty;
    if (auto n = leading_number(chars, lines[li])) {
      marks.emplace_back(li, n->second);
      values.push_back(n->first);
    }
  }
  if (marks.size() < 3 || marks.size() * 10 < static_cast<std::size_t>(non_empty) * 8) return false;
  std::size_t stepping = 0, flowing = 0;
  for (std::size_t k = 1; k < marks.size(); ++k) {
    if (values[k] == values[k - 1] + 1) ++stepping;
    const Line& prev = lines[marks[k].first - 1];
    if (prev.end > prev.begin && !ends_sentence(chars[prev.end - 1].rule)) ++flowing;
  }
  std::size_t pairs = marks.size() - 1;
  if (stepping * 10 < pairs * 8 || flowing * 2 < pairs) return false;
  for (std::size_t k = 0; k < marks.size(); ++k) {
    const Line& line = lines[marks[k].first];
    for (std::size_t i = line.begin; i < line.begin + marks[k].second; ++i) chars[i].removed = true;
    // The break before a marker is a page cut, not a paragraph end.
    if (line.begin > 0) chars[line.begin - 1].removed = true;
  }
  return true;
}

// Lines that are nothing but a page number: "- 3 -", "— 12 —", "第3页", "3/20".
bool is_page_number_line(const std::vector<Char>& chars, const Line& line) {
  // The longest accepted rest is four characters: stop reading past that.
  constexpr std::size_t kMaxRest = 4;
  char32_t rest[kMaxRest];
  std::size_t digits = 0, rest_size = 0;
  for (std::size_t i = line.begin; i < line.end; ++i) {
    const char32_t c = chars[i].rule;
    if (is_space(c)) continue;
    if (is_ascii_digit(c)) {
      if (++digits > 4) return false;
    } else {
      if (rest_size == kMaxRest) return false;
      rest[rest_size++] = c;
    }
  }
  if (digits == 0) return false;
  const std::u32string_view r(rest, rest_size);
  return r == U"--" || r == U"——" || r == U"––" || r == U"第页" || r == U"/" || r == U"第页共页";
}

// Does the line open with an item number ("一、", "(二)", "3.", "(4)")? A
// wrapped line never does; a new item always does.
bool opens_with_item_number(const std::vector<Char>& chars, const Line& line) {
  static const std::u32string numerals = U"一二三四五六七八九十";
  std::size_t i = line.begin;
  while (i < line.end && is_space(chars[i].rule)) ++i;
  if (i >= line.end) return false;
  char32_t c = chars[i].rule;
  if (c == U'第' || c == U'—' || c == U'-' || c == U'●' || c == U'•') return true;
  if (c == U'(' || c == U'（') {
    // "(一)", "(3)" open an item; "(市生态环境局牵头…" continues a sentence.
    std::size_t j = i + 1;
    while (j < line.end && (numerals.find(chars[j].rule) != std::u32string::npos || is_ascii_digit(chars[j].rule))) ++j;
    return j > i + 1 && j < line.end && (chars[j].rule == U')' || chars[j].rule == U'）');
  }
  std::size_t j = i;
  while (j < line.end && (numerals.find(chars[j].rule) != std::u32string::npos || is_ascii_digit(chars[j].rule))) ++j;
  return j > i && j < line.end &&
         (chars[j].rule == U'、' || chars[j].rule == U'.' || chars[j].rule == U'．' || chars[j].rule == U')');
}

// PDF text dumps wrap paragraphs at a fixed width: most long lines end
// mid-sentence at about the same length. Such breaks are soft. Never joined:
// across a blank line, after a sentence end, or before a numbered line.
// A table row keeps column gaps: a tab, or a run of spaces inside the line.
bool is_table_row(const std::vector<Char>& chars, const Line& line) {
  if (!line.blanks) return false;
  int run = 0;
  bool text_seen = false;
  for (std::size_t i = line.begin; i < line.end; ++i) {
    char32_t c = chars[i].rule;
    if (c == U'\t' && text_seen) return true;
    if (c == U' ' || c == 0x3000) {
      if (++run >= 2 && text_seen && i + 1 < line.end && !is_space(chars[i + 1].rule)) return true;
    } else {
      run = 0;
      text_seen = true;
    }
  }
  return false;
}

bool join_wrapped_lines(std::vector<Char>& chars, const std::vector<Line>& lines) {
  std::vector<char> table_row(lines.size());
  std::vector<std::size_t> lengths;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const Line& l = lines[k];
    table_row[k] = l.end > l.begin && is_table_row(chars, l);
    if (l.end > l.begin && !table_row[k]) lengths.push_back(l.end - l.begin);
  }
  if (lengths.size() < 6) return false;
  std::vector<std::size_t> sorted = lengths;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t width = sorted[sorted.size() * 8 / 10];
  if (width < 15) return false;
  auto full_width_line = [&](const Line& l) { return (l.end - l.begin) * 100 >= width * 85; };
  std::vector<std::size_t> soft;
  std::size_t full = 0;
  for (std::size_t k = 0; k + 1 < lines.size(); ++k) {
    const Line& l = lines[k];
    if (l.end == l.begin || !full_width_line(l) || table_row[k]) continue;
    ++full;
    const Line& next = lines[k + 1];
    if (next.end == next.begin || ends_sentence(chars[l.end - 1].rule) || opens_with_item_number(chars, next) ||
        table_row[k + 1])
      continue;
    soft.push_back(l.end);  // index of the '\n'
  }
  // Most full-width lines must run on, or this is not a wrapped dump.
  if (full < 5 || soft.size() * 10 < full * 6) return false;
  for (std::size_t nl : soft) chars[nl].removed = true;
  return true;
}

struct Normalized {
  std::string text;
  std::vector<std::uint32_t> text_at, source_at;  // per code point, + end
  bool had_page_markers = false;
  std::vector<std::string> warnings;
};

Normalized build(std::string_view source) {
  Normalized out;
  std::vector<Char> chars;
  std::vector<Line> lines;
  std::size_t line_begin = 0;
  bool blanks = false;
  for (std::size_t i = 0; i < source.size();) {
    const std::size_t start = i;
    const char32_t c = fold_fullwidth(next(source, i));
    if (c == U'\n') {
      lines.push_back({line_begin, chars.size(), blanks});
      line_begin = chars.size() + 1;
      blanks = false;
    }
    blanks |= c == U' ' || c == U'\t';
    chars.push_back({c, static_cast<std::uint32_t>(start), false});
  }
  lines.push_back({line_begin, chars.size(), blanks});

  if (remove_page_markers(chars, lines)) {
    out.had_page_markers = true;
    out.warnings.push_back("page-markers-removed");
  }
  for (const Line& line : lines)
    if (is_page_number_line(chars, line))
      for (std::size_t i = line.begin; i < line.end; ++i) chars[i].removed = true;
  if (!out.had_page_markers && join_wrapped_lines(chars, lines)) out.warnings.push_back("wrapped-lines-joined");

  const std::size_t n = chars.size();
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t before = kNone;
  for (std::size_t i = 0; i < n;) {
    if (chars[i].removed || !is_space(chars[i].rule)) {
      if (!chars[i].removed) before = i;
      ++i;
      continue;
    }
    std::size_t after = i;
    std::size_t run_size = 0;
    bool has_tab = false;
    for (; after < n && (chars[after].removed || is_space(chars[after].rule)); ++after) {
      if (chars[after].removed) continue;
      ++run_size;
      has_tab |= chars[after].rule == U'\t';
    }
    const std::size_t run_begin = i;
    i = after;
    const bool at_line_start = before == kNone || chars[before].rule == U'\n';
    const bool at_line_end = after == n || chars[after].rule == U'\n';
    bool remove;
    if (!at_line_start && !at_line_end && (has_tab || run_size >= 2)) {
      remove = false;
    } else if (at_line_start || at_line_end) {
      remove = true;
    } else {
      auto cjk = [](char32_t c) { return is_han(c) || is_cjk_punct(c) || c == U'、' || c == U'。'; };
      remove = cjk(chars[before].rule) || cjk(chars[after].rule);
      if (!remove) continue;
    }
    bool first = true;
    for (std::size_t j = run_begin; j < after; ++j) {
      if (chars[j].removed) continue;
      if (!remove && first) chars[j].rule = U'\t';
      else chars[j].removed = true;
      first = false;
    }
  }

  for (const Char& ch : chars) {
    if (ch.removed) continue;
    out.text_at.push_back(static_cast<std::uint32_t>(out.text.size()));
    out.source_at.push_back(ch.src);
    append(out.text, to_simplified(ch.rule));
  }
  out.text_at.push_back(static_cast<std::uint32_t>(out.text.size()));
  out.source_at.push_back(static_cast<std::uint32_t>(source.size()));
  return out;
}

// The display form: the source characters, folded, of the kept code points.
std::string display(std::string_view source, const Normalized& n, std::size_t first, std::size_t last) {
  std::string out;
  for (std::size_t cp = first; cp <= last; ++cp) {
    std::size_t i = n.source_at[cp];
    append(out, fold_fullwidth(next(source, i)));
  }
  return out;
}

}  // namespace reference

struct SourcePositionRef {
  int line, column;
};

std::string escaped(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (const char ch : s) {
    const auto b = static_cast<unsigned char>(ch);
    if (b >= 0x20 && b < 0x7F) {
      out += ch;
    } else {
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 15];
    }
  }
  return out;
}

// What the inputs are made of: each piece is something a fast path treats
// on its own, or must leave to the general one.
const std::vector<std::string>& pieces() {
  static const std::vector<std::string> kPieces = {
      // ASCII: letters, digits, markers, spaces, line ends, controls
      "a", "Z", "1", "2", "12", "3、", "4.", "1.5", " ", "  ", "\t", "\n", "\n", "\r\n", "\r", "\f",
      std::string(1, '\0'), "\x01", "-", "/", "(", ")", ".", ";",
      // 2-byte: no-break space, middle dot, e acute
      "\xC2\xA0", "\xC2\xB7", "\xC3\xA9",
      // 3-byte: U+3000, full-width forms, corner quotes, CJK punctuation
      "\xE3\x80\x80", "（", "）", "，", "：", "；", "０", "９", "Ａ", "「", "」", "『", "』", "、", "。", "—",
      "●", "〇", "Ⅲ", "\xE1\x80\x80", "\xEE\x80\x80", "\xEF\xBF\xBD", "\xEF\xBF\xBF", "\xE0\xA0\x80",
      "\xED\x9F\xBF",
      // Han, Simplified and Traditional, and the page-number words
      "中", "市", "生", "态", "國", "細", "顆", "於", "濃", "度", "第", "页", "頁", "共", "一", "二", "十",
      // 4-byte: an emoji, a Han character of extension B
      "\xF0\x9F\x98\x80", "\xF0\xA0\x80\x80",
      // ill-formed: stray continuation bytes, overlong forms, surrogates,
      // truncated sequences, bytes no character starts with
      "\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xE0\x80\x80", "\xED\xA0\x80", "\xE4\xB8", "\xE4",
      "\xF0\x9F\x98", "\xF4\x90\x80\x80", "\xF5\x80", "\xFE", "\xFF", "\xC2",
  };
  return kPieces;
}

// Han text without sentence ends, for the long lines of a wrapped dump.
std::string han_run(std::mt19937& rng, std::size_t n) {
  static const char* kHan[] = {"中", "市", "生", "态", "環", "境", "國", "細", "顆", "粒", "物", "濃", "度"};
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += kHan[rng() % std::size(kHan)];
  return s;
}

std::string random_text(std::mt19937& rng, std::size_t pieces_count) {
  const std::vector<std::string>& all = pieces();
  std::string s;
  for (std::size_t i = 0; i < pieces_count; ++i) s += all[rng() % all.size()];
  return s;
}

// Documents of the shapes steps 1-3 look for, sprinkled with random pieces.
std::string random_document(std::mt19937& rng) {
  std::string doc;
  const int lines = 3 + static_cast<int>(rng() % 12);
  const int shape = static_cast<int>(rng() % 4);
  for (int l = 1; l <= lines; ++l) {
    switch (shape) {
      case 0:  // an OCR dump with running page markers
        doc += std::to_string(l) + (rng() % 4 ? "、" : ". ") + han_run(rng, 5 + rng() % 10);
        break;
      case 1:  // a PDF dump wrapped at a fixed width
        doc += (rng() % 5 == 0 ? "一、" : "") + han_run(rng, 20 + rng() % 3);
        break;
      case 2:  // page-number lines and table rows among text
        doc += rng() % 3 == 0 ? "- " + std::to_string(l) + " -" : rng() % 2 ? "第 " + std::to_string(l) + " 页"
                                                                            : "细颗粒物  35\t30 微克";
        break;
      default:
        break;
    }
    doc += random_text(rng, rng() % 8);
    doc += rng() % 6 ? "\n" : "\r\n";
  }
  return doc;
}

// Line and column of a source byte as position() counts them: lines split at
// '\n', columns in bytes that are no continuation byte.
class ExpectedPositions {
 public:
  explicit ExpectedPositions(std::string_view source) : source_(source) {
    for (std::size_t i = 0; i < source.size(); ++i)
      if (source[i] == '\n') starts_.push_back(i + 1);
  }
  SourcePositionRef at(std::size_t source_byte) const {
    const auto line = static_cast<std::size_t>(
        std::upper_bound(starts_.begin(), starts_.end(), source_byte) - starts_.begin());
    int column = 1;
    for (std::size_t i = starts_[line - 1]; i < source_byte; ++i)
      column += (static_cast<unsigned char>(source_[i]) & 0xC0) != 0x80;
    return {static_cast<int>(line), column};
  }

 private:
  std::string_view source_;
  std::vector<std::size_t> starts_{0};
};

void check_same(const std::string& source) {
  INFO("source: " << escaped(source));
  const reference::Normalized want = reference::build(source);
  const NormalizedText got = NormalizedText::build(source);
  REQUIRE(got.text() == want.text);
  CHECK(got.had_page_markers() == want.had_page_markers);
  std::vector<std::string> codes;
  for (const plancmp::Warning& w : got.warnings()) codes.push_back(w.code);
  CHECK(codes == want.warnings);
  const std::string& text = want.text;
  const ExpectedPositions positions(source);
  for (std::size_t b = 0; b <= text.size(); ++b) {
    const auto cp = static_cast<std::size_t>(std::upper_bound(want.text_at.begin(), want.text_at.end(), b) -
                                             want.text_at.begin()) - 1;
    REQUIRE(got.source_offset(b) == want.source_at[std::min(cp, want.source_at.size() - 1)]);
    const SourcePositionRef pos = positions.at(got.source_offset(b));
    CHECK(got.position(b).line == pos.line);
    CHECK(got.position(b).column == pos.column);
  }
  // Every source byte, inside characters and in what was taken out too.
  for (std::size_t sb = 0; sb <= source.size(); ++sb) {
    const auto at = static_cast<std::size_t>(std::lower_bound(want.source_at.begin(), want.source_at.end(), sb) -
                                             want.source_at.begin());
    REQUIRE(got.text_offset(sb) == want.text_at[at]);
  }
  if (!text.empty()) {
    CHECK(got.display(0, text.size()) == reference::display(source, want, 0, want.text_at.size() - 2));
    // A few slices, cut inside characters too.
    for (std::size_t b = 0; b < text.size(); b += 1 + text.size() / 7) {
      const std::size_t e = std::min(text.size(), b + 1 + (b * 7919) % 23);
      auto cp_of = [&](std::size_t x) {
        return static_cast<std::size_t>(std::upper_bound(want.text_at.begin(), want.text_at.end(), x) -
                                        want.text_at.begin()) - 1;
      };
      CHECK(got.display(b, e) == reference::display(source, want, cp_of(b), cp_of(e - 1)));
    }
  }
  // build_from() takes the string over and must agree.
  std::string copy = source;
  CHECK(NormalizedText::build_from(std::move(copy)).text() == want.text);
}

}  // namespace

TEST_CASE("normalize: the reading pass agrees with the one-Char-per-code-point reference on each piece") {
  for (const std::string& a : pieces())
    for (const std::string& b : pieces()) check_same(a + b + "中" + a + " x");
}

TEST_CASE("normalize: the reading pass agrees with the reference on random mixed text") {
  std::mt19937 rng(20240601);
  for (int round = 0; round < 400; ++round) check_same(random_text(rng, rng() % 60));
}

TEST_CASE("normalize: steps 1-3 agree with the reference on page markers, wrapped lines, page numbers and tables") {
  std::mt19937 rng(7);
  bool markers = false, wrapped = false;
  for (int round = 0; round < 300; ++round) {
    const std::string doc = random_document(rng);
    check_same(doc);
    const reference::Normalized want = reference::build(doc);
    markers |= want.had_page_markers;
    wrapped |= std::find(want.warnings.begin(), want.warnings.end(), "wrapped-lines-joined") != want.warnings.end();
  }
  // The documents did reach the steps they are meant for.
  CHECK(markers);
  CHECK(wrapped);
}

TEST_CASE("normalize: every character below U+10000 reads as the reference reads it") {
  // Folding and Traditional -> Simplified go through one table in the
  // reading pass: all of it, character by character, against the functions.
  std::string all;
  for (char32_t c = 0x20; c < 0x10000; ++c) {
    if (c >= 0xD800 && c < 0xE000) continue;
    if (c == U' ' || c == 0xA0 || c == 0x3000) continue;  // spaces: steps 2/3 would take them out
    reference::append(all, c);
    if (c % 64 == 0) all += '\n';
  }
  check_same(all);
}

TEST_CASE("normalize: texts of every length around the 64-byte words of the character bits") {
  // The lead bits and their counts are taken 64 bytes at a time, the rest
  // byte by byte: lengths on both sides of each step, with multi-byte
  // characters and changes across the edges.
  std::mt19937 rng(64);
  const std::vector<std::string> parts = {"a", "中", "國", "（", "\xE3\x80\x80", " ", "\n", "1、", "\xC2\xA0", "\x80"};
  for (std::size_t target = 1; target <= 200; ++target) {
    std::string s;
    while (s.size() < target) s += parts[rng() % parts.size()];
    check_same(s);
  }
}


TEST_CASE("normalize: runs looked up from their 64-byte steps, dense and sparse") {
  // run_of() walks on from the run that holds the start of a step: steps
  // holding dozens of runs (every character changed), runs spanning many
  // steps, and both in turn, with every text byte looked up by check_same.
  auto times = [](int n, const std::string& s) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  check_same(times(300, "（"));
  check_same(times(300, "中"));
  check_same(times(100, "國") + times(200, "中") + "，" + times(90, "a") + times(50, "（a"));
  std::mt19937 rng(6464);
  const std::vector<std::string> parts = {times(40, "中"), "（", "國", "，", "a", times(25, "b")};
  for (int round = 0; round < 40; ++round) {
    std::string s;
    while (s.size() < 700) s += parts[rng() % parts.size()];
    check_same(s);
  }
}

TEST_CASE("normalize: runs of 3-byte characters read eight a step, with another character at every place") {
  // The reading pass takes 3-byte characters that need nothing eight at a
  // time where 24 bytes are left: one other character -- changed,
  // ill-formed, E0/ED leads, ASCII, 2- and 4-byte -- in each lane of a
  // step, and near the end where the steps stop.
  const std::vector<std::string> others = {"國", "（", "\xE3\x80\x80", "a", "\n", " ", "\xC2\xA0", "\x80",
                                           "\xED\x9F\xBF", "\xE0\xA0\x80", "\xF0\x9F\x98\x80", "\xE4\xB8", "。",
                                           "\xED\xA0\x80", "\xE4\xB8\xE4"};
  for (const std::string& other : others)
    for (int before = 0; before <= 24; ++before)
      for (int after : {0, 1, 7, 9, 17}) {
        std::string s;
        for (int k = 0; k < before; ++k) s += k % 3 == 0 ? "中" : "文";
        s += other;
        for (int k = 0; k < after; ++k) s += "华";
        check_same(s);
      }
}

TEST_CASE("normalize: run starts on, before and after every edge of the 64-byte run steps") {
  // run_of()'s starting points are marked by the run that starts in each
  // step and carried on: a changed character (a run of its own, and the
  // source run after it) at every text byte around the first steps, texts
  // ending at and just past a step, and back-to-back changed characters.
  for (std::size_t at = 0; at <= 200; ++at)
    for (std::size_t tail : {0, 1, 2, 62, 63, 64, 65}) {
      std::string s(at, 'a');
      s += "（";
      s += std::string(tail, 'b');
      check_same(s);
    }
  std::mt19937 rng(1515);
  const std::vector<std::string> parts = {"中", "，", "（", "國", "\xE3\x80\x80", "a", "\n"};
  for (int round = 0; round < 300; ++round) {
    std::string s;
    const std::size_t size = 1 + rng() % 400;
    while (s.size() < size) {
      const std::string& part = parts[rng() % parts.size()];
      for (unsigned k = 1 + rng() % 40; k > 0; --k) s += part;
    }
    check_same(s);
  }
}

TEST_CASE("normalize: page-number lines in every accepted form and near misses agree with the reference") {
  // A line goes at its first character that no accepted rest ("--", "——",
  // "––", "第页", "/", "第页共页") opens with: short lines of digits,
  // spaces, those characters and others, in random order, with the
  // reference reading every character.
  const std::vector<std::string> parts = {"1", "23", "4567", " ", "\xE3\x80\x80", "-", "—", "–", "第", "页",
                                          "共", "/", "中", "a", "（", "頁", "－", "／"};
  std::mt19937 rng(2612);
  int dropped = 0;
  for (int round = 0; round < 1500; ++round) {
    std::string doc = "中文\n";
    for (int l = 0; l < 3; ++l) {
      for (unsigned k = 1 + rng() % 7; k > 0; --k) doc += parts[rng() % parts.size()];
      doc += "\n";
    }
    doc += "- 3 -\n第3页共20页\n3/20";
    check_same(doc);
    const reference::Normalized want = reference::build(doc);
    dropped += want.text.find("共") == std::string::npos;
  }
  CHECK(dropped > 0);  // the fixed page-number lines did go
}

TEST_CASE("normalize: table rows among wrapped lines, spaces on every line or none, agree with the reference") {
  // is_table_row() walks on through the spaces from line to line instead of
  // searching them for each: lines with no spaces, runs of spaces and tabs
  // (column gaps, leading, trailing, ideographic), empty and blank lines,
  // among the long lines of a wrapped dump.
  const std::vector<std::string> rows = {"细颗粒物  35\t30 微克", "  ", "", " 中文", "中文 ", "a  b",
                                         "中\xE3\x80\x80\xE3\x80\x80文", "\t中", "PM2.5 浓度", "中  文  字",
                                         "   中文字", " \t中文", "\xE3\x80\x80  中"};
  std::mt19937 rng(5150);
  bool wrapped = false;
  for (int round = 0; round < 300; ++round) {
    std::string doc;
    const int lines = 6 + static_cast<int>(rng() % 14);
    for (int l = 0; l < lines; ++l) {
      doc += rng() % 3 == 0 ? rows[rng() % rows.size()] : han_run(rng, 20 + rng() % 3);
      doc += "\n";
    }
    check_same(doc);
    const reference::Normalized want = reference::build(doc);
    wrapped |= std::find(want.warnings.begin(), want.warnings.end(), "wrapped-lines-joined") != want.warnings.end();
  }
  CHECK(wrapped);  // the documents did reach the joining step
}
