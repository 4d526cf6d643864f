// Stage 2: normalization with an offset map. See include/plancmp/normalize.h.
#include "plancmp/normalize.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "t2s.h"
#include "utf8_util.h"

namespace plancmp {

bool is_han(char32_t c) {
  // The common block first: most characters of a plan are in it.
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FA1F) || c == 0x3007;
}

bool is_cjk_punct(char32_t c) {
  return (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF) ||
         (c >= 0x2010 && c <= 0x2027) || c == 0x00B7;
}

char32_t fold_fullwidth(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) return c - 0xFF01 + 0x21;
  if (c == 0x3000) return U' ';
  // Traditional-style corner quotes read as the Simplified curly quotes.
  switch (c) {
    case U'「': return U'“';
    case U'」': return U'”';
    case U'『': return U'‘';
    case U'』': return U'’';
    default: return c;
  }
}

namespace {

// One character of the working text (8 bytes: a 10 MB plan has millions).
// Its original-script form is not kept: display() reads it from the source.
struct Char {
  char32_t rule;            // what rules see
  std::uint32_t src : 31;   // byte offset in the source
  std::uint32_t removed : 1;
};

constexpr std::size_t kCheckpoint = 256;  // source bytes between column checkpoints

// Traditional -> Simplified for one code point (ICU's rules, tabled at build
// time: see t2s.h).
char32_t to_simplified(char32_t c) { return is_han(c) ? t2s::convert_char(c) : c; }

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

}  // namespace

NormalizedText NormalizedText::build(std::string_view source) {
  NormalizedText out;
  out.source_.assign(source);
  out.build_from_source();
  return out;
}

NormalizedText NormalizedText::build_from(std::string&& source) {
  NormalizedText out;
  out.source_ = std::move(source);
  out.build_from_source();
  return out;
}

void NormalizedText::build_from_source() {
  NormalizedText& out = *this;
  const std::string_view source = source_;
  if (source.size() >= (1u << 31)) throw std::length_error("text too large to normalize (over 2 GB)");

  // Read as folded ("１２、" counts as "12、" for the conversion checks below),
  // with the lines split on the way. Well-formed 2- and 3-byte sequences (the
  // bulk of a plan) are decoded inline; the rest goes through utf8::next.
  // `text_bound` sums what each character can take encoded, so the text is
  // encoded into one buffer of that size. Later steps never grow a character:
  // step 3 turns a space into a tab, and step 4 maps Han characters (3 or 4
  // bytes) through t2s's table of BMP characters (char16_t: at most 3 bytes).
  std::vector<Char> chars;
  chars.reserve(source.size() / 2 + 1);
  std::vector<Line> lines;
  std::size_t line_begin = 0, text_bound = 0;
  bool blanks = false;
  const auto* bytes = reinterpret_cast<const unsigned char*>(source.data());
  const std::size_t size = source.size();
  for (std::size_t i = 0; i < size;) {
    const std::size_t start = i;
    const unsigned char byte = bytes[i];
    char32_t c;
    if (byte < 0x80) {  // ASCII: nothing to decode or fold
      c = byte;
      ++i;
      ++text_bound;
      if (c <= U' ') {
        if (c == U'\n') {
          lines.push_back({line_begin, chars.size(), blanks});
          line_begin = chars.size() + 1;
          blanks = false;
        }
        blanks |= c == U' ' || c == U'\t';
      }
    } else if (byte >= 0xC2 && byte <= 0xDF && i + 1 < size && (bytes[i + 1] & 0xC0) == 0x80) {  // below U+0800: nothing folds
      c = (static_cast<char32_t>(byte & 0x1F) << 6) | (bytes[i + 1] & 0x3F);
      i += 2;
      text_bound += 2;
    } else if ((byte & 0xF0) == 0xE0 && byte != 0xE0 && byte != 0xED && i + 2 < size &&
               (((bytes[i + 1] << 8) | bytes[i + 2]) & 0xC0C0) == 0x8080) {
      // E0 (overlong) and ED (surrogates) need range checks: left to next().
      c = fold_fullwidth((static_cast<char32_t>(byte & 0x0F) << 12) |
                         (static_cast<char32_t>(bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F));
      i += 3;
      text_bound += 3;
      blanks |= c == U' ';  // U+3000 folded
    } else {
      c = fold_fullwidth(utf8::next(source, i));
      text_bound += utf8::encoded_size(c);
      blanks |= c == U' ';
    }
    chars.push_back({c, static_cast<std::uint32_t>(start), 0});
  }
  lines.push_back({line_begin, chars.size(), blanks});
  // Checkpoint k: code points (non-continuation bytes) before byte k * kCheckpoint.
  out.cp_checkpoints_.reserve(source.size() / kCheckpoint + 1);
  std::uint32_t lead_bytes = 0;
  for (std::size_t b = 0; b <= source.size(); b += kCheckpoint) {
    out.cp_checkpoints_.push_back(lead_bytes);
    lead_bytes += static_cast<std::uint32_t>(utf8::length(source.substr(b, kCheckpoint)));
  }
  out.line_starts_.push_back(0);
  for (std::size_t i = source.find('\n'); i != std::string_view::npos; i = source.find('\n', i + 1))
    out.line_starts_.push_back(i + 1);

  // 1. Conversion artefacts.
  if (remove_page_markers(chars, lines)) {
    out.had_page_markers_ = true;
    out.warnings_.push_back({"page-markers-removed",
                             "every line opens with a running segment number (a page "
                             "marker of the conversion); markers removed and lines joined",
                             1, 1, -1});
  }
  for (const Line& line : lines)
    if (is_page_number_line(chars, line))
      for (std::size_t i = line.begin; i < line.end; ++i) chars[i].removed = true;
  if (!out.had_page_markers_ && join_wrapped_lines(chars, lines))
    out.warnings_.push_back({"wrapped-lines-joined",
                             "lines are wrapped at a fixed width (a PDF text dump); line breaks "
                             "inside paragraphs joined",
                             1, 1, -1});

  // 2./3. OCR spaces inside Chinese text: a run of spaces next to a Han
  // character or CJK punctuation goes ("市生 态环境局", "建 设"). Spaces between
  // Latin letters and digits stay ("1 .", "PM2.5 ").
  // A run is the kept spaces between two kept non-space characters (removed
  // characters in between do not break it).
  const std::size_t n = chars.size();
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t before = kNone;  // the last kept character before the run
  for (std::size_t i = 0; i < n;) {
    if (chars[i].removed || !is_space(chars[i].rule)) {
      if (!chars[i].removed) before = i;
      ++i;
      continue;
    }
    std::size_t after = i;  // the first kept non-space character after the run, or n
    std::size_t run_size = 0;
    bool has_tab = false;
    for (; after < n && (chars[after].removed || is_space(chars[after].rule)); ++after) {
      if (chars[after].removed) continue;
      ++run_size;
      has_tab |= chars[after].rule == U'\t';
    }
    const std::size_t run_begin = i;
    i = after;
    // A tab or a run of spaces inside a line is a column gap (a table dump),
    // not OCR noise: it stays, as one tab. Leading indentation goes.
    const bool at_line_start = before == kNone || chars[before].rule == U'\n';
    const bool at_line_end = after == n || chars[after].rule == U'\n';
    bool remove;
    if (!at_line_start && !at_line_end && (has_tab || run_size >= 2)) {
      remove = false;
    } else if (at_line_start || at_line_end) {
      remove = true;
    } else {
      auto cjk = [](char32_t c) { return is_han(c) || is_cjk_punct(c) || c == U'、' || c == U'。'; };
      remove = cjk(chars[before].rule) || cjk(chars[after].rule);  // neither is a line break here
      if (!remove) continue;
    }
    bool first = true;
    for (std::size_t j = run_begin; j < after; ++j) {
      if (chars[j].removed) continue;
      if (!remove && first) chars[j].rule = U'\t';  // the column gap, as one tab
      else chars[j].removed = true;
      first = false;
    }
  }

  // 4. Traditional -> Simplified for the rules' view only, encoded straight
  // into a buffer of the largest size the text can take (a string append per
  // code point costs several times the encoding itself), trimmed at the end.
  out.text_.resize(text_bound);
  out.cp_text_byte_.reserve(n + 1);
  out.cp_source_byte_.reserve(n + 1);
  char* const base = out.text_.data();
  char* w = base;
  for (const Char& ch : chars) {
    if (ch.removed) continue;
    out.cp_text_byte_.push_back(static_cast<std::uint32_t>(w - base));
    out.cp_source_byte_.push_back(ch.src);
    const char32_t c = ch.rule;
    if (c < 0x80)
      *w++ = static_cast<char>(c);
    else
      w = utf8::encode_to(w, to_simplified(c));
  }
  out.text_.resize(static_cast<std::size_t>(w - base));
  out.cp_text_byte_.push_back(static_cast<std::uint32_t>(out.text_.size()));
  out.cp_source_byte_.push_back(static_cast<std::uint32_t>(source.size()));
}

std::size_t NormalizedText::cp_of(std::size_t text_byte) const {
  // Every code point has at least one text byte: the starts are increasing.
  auto it = std::upper_bound(cp_text_byte_.begin(), cp_text_byte_.end(), text_byte);
  return static_cast<std::size_t>(it - cp_text_byte_.begin()) - 1;
}

std::size_t NormalizedText::source_cps_before(std::size_t source_byte) const {
  const std::size_t k = std::min(source_byte / kCheckpoint, cp_checkpoints_.size() - 1);
  const std::size_t from = k * kCheckpoint;
  return cp_checkpoints_[k] + utf8::length(std::string_view(source_).substr(from, source_byte - from));
}

std::size_t NormalizedText::source_offset(std::size_t text_byte) const {
  text_byte = std::min(text_byte, text_.size());
  return cp_source_byte_[cp_of(text_byte)];
}

std::size_t NormalizedText::text_offset(std::size_t source_byte) const {
  auto it = std::lower_bound(cp_source_byte_.begin(), cp_source_byte_.end(), source_byte);
  return cp_text_byte_[static_cast<std::size_t>(it - cp_source_byte_.begin())];
}

SourcePosition NormalizedText::source_position(std::size_t source_byte) const {
  source_byte = std::min(source_byte, source_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), source_byte);
  std::size_t line_index = static_cast<std::size_t>(it - line_starts_.begin()) - 1;
  std::size_t line_start = line_starts_[line_index];
  // Code points from the line start (checkpointed: long lines cost no rescans).
  int column = 1 + static_cast<int>(source_cps_before(source_byte) - source_cps_before(line_start));
  return {static_cast<int>(line_index) + 1, column, source_byte};
}

SourcePosition NormalizedText::position(std::size_t text_byte) const {
  return source_position(source_offset(text_byte));
}

std::string NormalizedText::display(std::size_t begin, std::size_t end) const {
  std::string out;
  if (begin >= end || begin >= text_.size()) return out;
  end = std::min(end, text_.size());
  std::size_t first = cp_of(begin), last = cp_of(end - 1);
  // The original script, folded (as the character was read in build()),
  // encoded into a buffer of the largest size it can take.
  out.resize(4 * (last - first + 1));
  char* w = out.data();
  for (std::size_t cp = first; cp <= last; ++cp) {
    std::size_t i = cp_source_byte_[cp];
    const auto byte = static_cast<unsigned char>(source_[i]);
    if (byte < 0x80)
      *w++ = static_cast<char>(byte);  // ASCII: folds to itself
    else
      w = utf8::encode_to(w, fold_fullwidth(utf8::next(source_, i)));
  }
  out.resize(static_cast<std::size_t>(w - out.data()));
  return out;
}

std::string NormalizedText::quote(std::size_t begin, std::size_t end) const {
  if (begin >= end || begin >= text_.size()) return {};
  end = std::min(end, text_.size());
  std::size_t first = cp_of(begin), last = cp_of(end - 1);
  std::size_t src_begin = cp_source_byte_[first];
  std::size_t src_end = cp_source_byte_[last];
  utf8::next(source_, src_end);  // past the last character
  // Only [src_begin, src_end) matters: no scan to the end of a long line.
  std::size_t line_end = std::string_view(source_).substr(0, src_end).find('\n', src_begin);
  if (line_end != std::string::npos) src_end = std::min(src_end, line_end);
  return source_.substr(src_begin, src_end - src_begin);
}

std::string_view NormalizedText::source_line(int line) const {
  if (line < 1 || static_cast<std::size_t>(line) > line_starts_.size()) return {};
  std::size_t begin = line_starts_[line - 1];
  std::size_t end = source_.find('\n', begin);
  if (end == std::string::npos) end = source_.size();
  return std::string_view(source_).substr(begin, end - begin);
}

}  // namespace plancmp
