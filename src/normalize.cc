// Stage 2: normalization with an offset map. See include/plancmp/normalize.h.
#include "plancmp/normalize.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <utility>

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

namespace {

// Where fold_fullwidth() can change a character (the reading pass's table is
// built from these: keep them in step).
constexpr std::pair<char32_t, char32_t> kFoldRanges[] = {{0x3000, 0x3010}, {0xFF01, 0xFF5F}};

}  // namespace

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

constexpr std::size_t kCheckpoint = 64;  // source bytes between column checkpoints
constexpr std::size_t kTextBlock = 64;   // text bytes between entries of the code point index

// Traditional -> Simplified for one code point (ICU's rules, tabled at build
// time: see t2s.h).
char32_t to_simplified(char32_t c) { return is_han(c) ? t2s::convert_char(c) : c; }

// What the text gets for the 3-byte characters U+1000-U+FFFF: folded, then
// simplified, 0 for those that stay as they are. Derived from the functions
// above once, for the reading pass's look-up; only where folding or t2s's
// per-character table can change anything is worth asking them.
constexpr char32_t kTableLo = 0x1000, kTableHi = 0x10000;

const std::vector<char16_t>& rule_view_table() {
  static const std::vector<char16_t> table = [] {
    std::vector<char16_t> t(kTableHi - kTableLo);
    auto note = [&](char32_t c) {
      const char32_t to = to_simplified(fold_fullwidth(c));
      if (to != c && c >= kTableLo && c < kTableHi) t[c - kTableLo] = static_cast<char16_t>(to);
    };
    for (char32_t c = t2s::kSingleLo; c < t2s::kSingleHi; ++c)
      if (t2s::kSingle[c - t2s::kSingleLo] != 0) note(c);
    for (const auto& [lo, hi] : kFoldRanges)
      for (char32_t c = lo; c < hi; ++c) note(c);
    return t;
  }();
  return table;
}

bool is_space(char32_t c) { return c == U' ' || c == U'\t' || c == 0xA0; }
bool is_ascii_digit(char32_t c) { return c >= U'0' && c <= U'9'; }

// Sentence-final punctuation: a line ending in one of these ends its paragraph.
bool ends_sentence(char32_t c) {
  return c == U'。' || c == U';' || c == U'!' || c == U'?' || c == U':' || c == U'”' ||
         c == U')' || c == U'〕' || c == U'】' || c == U'.';
}

// The character at source byte i as steps 1-3 read it: folded, not
// simplified (what the reading pass decoded there).
char32_t folded_at(std::string_view source, std::size_t i) { return fold_fullwidth(utf8::next(source, i)); }

struct Line {
  std::size_t begin, end;  // code point indices (end excludes the '\n')
  bool blanks;             // holds a space or a tab (else it is no table row)
};

// The text while steps 1-3 look for artefacts: code point k is read back from
// the source when a step looks at it (steps look at line ends, line starts and
// spaces only), and the steps' changes -- characters removed, a space made a
// tab -- are noted as edits for apply_edits().
class Chars {
 public:
  Chars(std::string_view source, const std::uint32_t* source_byte, std::size_t size,
        const std::vector<std::uint32_t>& spaces)
      : source_(source),
        source_byte_(source_byte),
        spaces_(spaces),
        size_(size),
        removed_((size + 63) / 64),
        tab_((size + 63) / 64) {}

  std::size_t size() const { return size_; }
  char32_t rule(std::size_t k) const { return folded_at(source_, source_byte_[k]); }
  // The code points that are spaces (is_space), in order.
  const std::vector<std::uint32_t>& spaces() const { return spaces_; }
  bool removed(std::size_t k) const { return test(removed_, k); }
  bool is_tab(std::size_t k) const { return test(tab_, k); }
  void remove(std::size_t k) {
    if (!removed(k) && !is_tab(k)) edits_.push_back(static_cast<std::uint32_t>(k));
    tab_[k / 64] &= ~bit(k);
    removed_[k / 64] |= bit(k);
  }
  void make_tab(std::size_t k) {
    if (!removed(k) && !is_tab(k)) edits_.push_back(static_cast<std::uint32_t>(k));
    removed_[k / 64] &= ~bit(k);
    tab_[k / 64] |= bit(k);
  }
  // The code points removed or made tabs, in order.
  std::vector<std::uint32_t> sorted_edits() {
    std::sort(edits_.begin(), edits_.end());
    return std::move(edits_);
  }

 private:
  static std::uint64_t bit(std::size_t k) { return std::uint64_t{1} << (k % 64); }
  static bool test(const std::vector<std::uint64_t>& bits, std::size_t k) { return (bits[k / 64] & bit(k)) != 0; }

  std::string_view source_;
  const std::uint32_t* source_byte_;
  const std::vector<std::uint32_t>& spaces_;
  std::size_t size_;
  std::vector<std::uint64_t> removed_, tab_;  // a bit per code point
  std::vector<std::uint32_t> edits_;
};

// A leading segment number "12、" / "12." of a line: its value and length.
std::optional<std::pair<int, std::size_t>> leading_number(const Chars& chars, const Line& line) {
  std::size_t i = line.begin;
  while (i < line.end && is_space(chars.rule(i))) ++i;
  std::size_t digits_begin = i;
  int value = 0;
  char32_t c = 0;
  while (i < line.end && is_ascii_digit(c = chars.rule(i)) && i - digits_begin < 4) {
    value = value * 10 + static_cast<int>(c - U'0');
    ++i;
  }
  if (i == digits_begin || i >= line.end) return std::nullopt;
  c = chars.rule(i);
  if (c != U'、' && c != U'.') return std::nullopt;
  ++i;
  // "1.5" is a number, not a marker.
  if (i < line.end && is_ascii_digit(chars.rule(i))) return std::nullopt;
  while (i < line.end && is_space(chars.rule(i))) ++i;
  return std::make_pair(value, i - line.begin);
}

// Page/segment markers of an OCR dump: nearly every line opens with a number
// that runs 1, 2, 3... from line to line, and the text flows across the line
// breaks (the line before a marker ends mid-sentence). A real numbered list
// fails the second test: its items end their sentences.
bool remove_page_markers(Chars& chars, const std::vector<Line>& lines) {
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
    if (prev.end > prev.begin && !ends_sentence(chars.rule(prev.end - 1))) ++flowing;
  }
  std::size_t pairs = marks.size() - 1;
  if (stepping * 10 < pairs * 8 || flowing * 2 < pairs) return false;
  for (std::size_t k = 0; k < marks.size(); ++k) {
    const Line& line = lines[marks[k].first];
    for (std::size_t i = line.begin; i < line.begin + marks[k].second; ++i) chars.remove(i);
    // The break before a marker is a page cut, not a paragraph end.
    if (line.begin > 0) chars.remove(line.begin - 1);
  }
  return true;
}

// Lines that are nothing but a page number: "- 3 -", "— 12 —", "第3页", "3/20".
bool is_page_number_line(const Chars& chars, const Line& line) {
  // The longest accepted rest is four characters: stop reading past that.
  constexpr std::size_t kMaxRest = 4;
  char32_t rest[kMaxRest];
  std::size_t digits = 0, rest_size = 0;
  for (std::size_t i = line.begin; i < line.end; ++i) {
    const char32_t c = chars.rule(i);
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

bool is_item_numeral(char32_t c) {
  return std::u32string_view(U"一二三四五六七八九十").find(c) != std::u32string_view::npos ||
         is_ascii_digit(c);
}

// Does the line open with an item number ("一、", "(二)", "3.", "(4)")? A
// wrapped line never does; a new item always does.
bool opens_with_item_number(const Chars& chars, const Line& line) {
  std::size_t i = line.begin;
  char32_t c = 0;
  while (i < line.end && is_space(c = chars.rule(i))) ++i;
  if (i >= line.end) return false;
  if (c == U'第' || c == U'—' || c == U'-' || c == U'●' || c == U'•') return true;
  if (c == U'(' || c == U'（') {
    // "(一)", "(3)" open an item; "(市生态环境局牵头…" continues a sentence.
    std::size_t j = i + 1;
    char32_t d = 0;
    while (j < line.end && is_item_numeral(d = chars.rule(j))) ++j;
    return j > i + 1 && j < line.end && (d == U')' || d == U'）');
  }
  std::size_t j = i;
  char32_t d = 0;
  while (j < line.end && is_item_numeral(d = chars.rule(j))) ++j;
  return j > i && j < line.end && (d == U'、' || d == U'.' || d == U'．' || d == U')');
}

// PDF text dumps wrap paragraphs at a fixed width: most long lines end
// mid-sentence at about the same length. Such breaks are soft. Never joined:
// across a blank line, after a sentence end, or before a numbered line.
// A table row keeps column gaps: a tab, or a run of spaces inside the line.
bool is_table_row(const Chars& chars, const Line& line) {
  if (!line.blanks) return false;
  int run = 0;
  bool text_seen = false;
  // Only the line's spaces are read: what lies between them is text.
  const std::vector<std::uint32_t>& spaces = chars.spaces();
  std::size_t unread = line.begin;
  for (auto s = std::lower_bound(spaces.begin(), spaces.end(), line.begin);
       s != spaces.end() && *s < line.end; ++s) {
    const std::size_t i = *s;
    if (i > unread) {
      run = 0;
      text_seen = true;
    }
    unread = i + 1;
    const char32_t c = chars.rule(i);
    if (c == U'\t' && text_seen) return true;
    if (c == U' ' || c == 0x3000) {
      if (++run >= 2 && text_seen && i + 1 < line.end && !is_space(chars.rule(i + 1))) return true;
    } else {
      run = 0;
      text_seen = true;
    }
  }
  return false;
}

bool join_wrapped_lines(Chars& chars, const std::vector<Line>& lines) {
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
    if (next.end == next.begin || ends_sentence(chars.rule(l.end - 1)) ||
        opens_with_item_number(chars, next) || table_row[k + 1])
      continue;
    soft.push_back(l.end);  // index of the '\n'
  }
  // Most full-width lines must run on, or this is not a wrapped dump.
  if (full < 5 || soft.size() * 10 < full * 6) return false;
  for (std::size_t nl : soft) chars.remove(nl);
  return true;
}

// 2./3. OCR spaces inside Chinese text: a run of spaces next to a Han
// character or CJK punctuation goes ("市生 态环境局", "建 设"). Spaces between
// Latin letters and digits stay ("1 .", "PM2.5 ").
// A run is the kept spaces between two kept non-space characters (removed
// characters in between do not break it). Only the spaces and the
// characters around them are read.
void remove_ocr_spaces(Chars& chars) {
  const std::size_t n = chars.size();
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t resume = 0;  // past the last run looked at
  for (const std::size_t run_begin : chars.spaces()) {
    if (run_begin < resume || chars.removed(run_begin)) continue;
    // The first kept space since `resume`: what lies before it back to a
    // kept character is removed, and that character is no space.
    std::size_t before = kNone;  // the last kept character before the run
    for (std::size_t b = run_begin; b-- > 0;) {
      if (!chars.removed(b)) {
        before = b;
        break;
      }
    }
    std::size_t after = run_begin;  // the first kept non-space character after the run, or n
    std::size_t run_size = 0;
    bool has_tab = false;
    for (; after < n; ++after) {
      if (chars.removed(after)) continue;
      const char32_t c = chars.rule(after);
      if (!is_space(c)) break;
      ++run_size;
      has_tab |= c == U'\t';
    }
    resume = after;
    const char32_t before_c = before == kNone ? U'\n' : chars.rule(before);
    const char32_t after_c = after == n ? U'\n' : chars.rule(after);
    // A tab or a run of spaces inside a line is a column gap (a table dump),
    // not OCR noise: it stays, as one tab. Leading indentation goes.
    const bool at_line_start = before_c == U'\n';
    const bool at_line_end = after_c == U'\n';
    bool remove;
    if (!at_line_start && !at_line_end && (has_tab || run_size >= 2)) {
      remove = false;
    } else if (at_line_start || at_line_end) {
      remove = true;
    } else {
      auto cjk = [](char32_t c) { return is_han(c) || is_cjk_punct(c) || c == U'、' || c == U'。'; };
      remove = cjk(before_c) || cjk(after_c);  // neither is a line break here
      if (!remove) continue;
    }
    bool first = true;
    for (std::size_t j = run_begin; j < after; ++j) {
      if (chars.removed(j)) continue;
      if (!remove && first) chars.make_tab(j);  // the column gap, as one tab
      else chars.remove(j);
      first = false;
    }
  }
}

// Checkpoint j: the bytes that are no continuation byte (code points as
// utf8::length counts them) in source[0, j * kCheckpoint).
std::vector<std::uint32_t> lead_byte_checkpoints(std::string_view source) {
  static_assert(kCheckpoint % 8 == 0 && kCheckpoint <= 248);
  std::vector<std::uint32_t> checkpoints;
  checkpoints.reserve(source.size() / kCheckpoint + 1);
  std::uint32_t leads = 0;
  for (std::size_t b = 0; b + kCheckpoint <= source.size(); b += kCheckpoint) {
    checkpoints.push_back(leads);
    leads += static_cast<std::uint32_t>(kCheckpoint - utf8::continuation_bytes(source.data() + b, kCheckpoint / 8));
  }
  checkpoints.push_back(leads);
  return checkpoints;
}

// The index of the first of the sorted values[0, n) above x (`or_equal`:
// not below x), as std::upper_bound (std::lower_bound) finds it but without
// branches: a binary search over a map of every character mispredicts one
// step in two, and later stages search it thousands of times a document.
template <bool or_equal>
std::size_t first_above(const std::uint32_t* values, std::size_t n, std::size_t x) {
  if (n == 0) return 0;
  const std::uint32_t* base = values;
  auto before = [x](std::uint32_t v) { return or_equal ? v < x : v <= x; };
  for (; n > 1; n -= n / 2) base = before(base[n / 2]) ? base + n / 2 : base;
  return static_cast<std::size_t>(base - values) + (before(*base) ? 1 : 0);
}

// What the reading pass makes of the source.
struct Reading {
  std::string text;                    // folded and simplified, nothing removed
  detail::OffsetMap text_at;    // code point -> text byte (+ end)
  detail::OffsetMap source_at;  // code point -> source byte (+ end)
  std::vector<std::size_t> line_starts;  // source byte of each line start
  std::vector<Line> lines;
  std::vector<std::uint32_t> spaces;  // the code points that are spaces (is_space)
};

// Reading pass: decodes, folds and simplifies every character straight into
// the text and its two maps (one code point per entry, nothing removed yet),
// splitting lines and listing spaces for steps 1-3 on the way.
// Buffers are sized once: a code point per byte that is no continuation byte
// (stray continuation bytes, read on their own by next(), add one each), and
// text bytes no more than source bytes (folding and t2s's table never grow a
// character) except for U+FFFD replacing fewer bytes.
class Reader {
 public:
  // `leads`: the bytes of source that are no continuation byte.
  Reader(std::string_view source, std::size_t leads);
  Reading read() &&;

 private:
  void read_fast();
  void read_one();

  std::string_view source_;
  const unsigned char* bytes_;
  std::size_t size_;
  Reading r_;
  std::size_t entries_;  // map entries needed (code points + the end)
  char* base_;
  char* w_;
  std::size_t i_ = 0, k_ = 0;  // next source byte, next code point
  std::size_t line_begin_ = 0;
  bool blanks_ = false;
  static constexpr std::size_t kSlack = 4;  // encode_to() and read_fast() write up to 4 bytes
};

Reader::Reader(std::string_view source, std::size_t leads)
    : source_(source),
      bytes_(reinterpret_cast<const unsigned char*>(source.data())),
      size_(source.size()),
      entries_(leads + 1) {
  r_.text_at.resize(entries_);
  r_.source_at.resize(entries_);
  r_.text.resize(size_ + kSlack);
  base_ = w_ = r_.text.data();
  r_.line_starts.push_back(0);
}

Reading Reader::read() && {
  while (i_ < size_) {
    read_fast();
    if (i_ < size_) read_one();
  }
  r_.lines.push_back({line_begin_, k_, blanks_});
  r_.text.resize(static_cast<std::size_t>(w_ - base_));
  r_.text_at[k_] = static_cast<std::uint32_t>(r_.text.size());
  r_.source_at[k_] = static_cast<std::uint32_t>(size_);
  r_.text_at.resize(k_ + 1);
  r_.source_at.resize(k_ + 1);
  return std::move(r_);
}

// The bulk of a plan: printable ASCII and well-formed 2- and 3-byte
// characters, copied unless folding or t2s changes them. Stops, before
// taking it, at any other character (spaces, line ends, what needs
// utf8::next) and three bytes before the end (each step reads four bytes
// and may write four: the text has room, see read_one()).
void Reader::read_fast() {
  const unsigned char* const bytes = bytes_;
  const std::size_t stop = size_ >= 3 ? size_ - 3 : 0;
  char* const base = base_;
  std::uint32_t* const text_at = r_.text_at.data();
  std::uint32_t* const source_at = r_.source_at.data();
  const char16_t* const table = rule_view_table().data();
  std::size_t s = i_, t = static_cast<std::size_t>(w_ - base);
  std::size_t k = k_;
  for (; s < stop; ++k) {
    text_at[k] = static_cast<std::uint32_t>(t);
    source_at[k] = static_cast<std::uint32_t>(s);
    const std::uint32_t x = utf8::load_le32(bytes + s);
    const utf8::Lead lead = utf8::kLeads[x & 0xFF];
    if (lead == utf8::Lead::kThree) {
      if ((x & 0xC0C000) != 0x808000) break;  // not two continuation bytes
      const char16_t to = table[utf8::decode_3(x) - kTableLo];
      if (to == 0) {
        std::memcpy(base + t, bytes + s, 4);  // the fourth byte is overwritten next
        t += 3;
      } else if (to == u' ') {
        break;  // U+3000: a space, for read_one()
      } else {
        t = static_cast<std::size_t>(utf8::encode_to(base + t, to) - base);
      }
      s += 3;
    } else if (lead == utf8::Lead::kAscii) {
      base[t++] = static_cast<char>(x & 0xFF);
      ++s;
    } else if (lead == utf8::Lead::kTwo && (x & 0xC000) == 0x8000 && (x & 0xFFFF) != 0xA0C2) {
      std::memcpy(base + t, bytes + s, 2);  // below U+0800 nothing folds or simplifies; U+00A0 is a space
      t += 2;
      s += 2;
    } else {
      break;
    }
  }
  i_ = s;
  w_ = base + t;
  k_ = k;
}

// Any one character, as utf8::next reads it.
void Reader::read_one() {
  const std::size_t start = i_;
  const unsigned char byte = bytes_[start];
  if ((byte & 0xC0) == 0x80 && ++entries_ > r_.text_at.size()) {  // a stray continuation byte
    r_.text_at.resize(entries_);
    r_.source_at.resize(entries_);
  }
  r_.text_at[k_] = static_cast<std::uint32_t>(w_ - base_);
  r_.source_at[k_] = static_cast<std::uint32_t>(start);
  char32_t c = byte;
  if (byte < 0x80)
    ++i_;
  else
    c = fold_fullwidth(utf8::next(source_, i_));
  const char32_t to = to_simplified(c);
  // Keep room for the rest at a byte each: U+FFFD may stand for one byte.
  const std::size_t used = static_cast<std::size_t>(w_ - base_);
  if (const std::size_t need = used + utf8::encoded_size(to) + (size_ - i_) + kSlack; need > r_.text.size()) {
    r_.text.resize(need);
    base_ = r_.text.data();
    w_ = base_ + used;
  }
  w_ = utf8::encode_to(w_, to);
  if (c == U'\n') {
    r_.lines.push_back({line_begin_, k_, blanks_});
    line_begin_ = k_ + 1;
    blanks_ = false;
    r_.line_starts.push_back(i_);
  }
  blanks_ |= c == U' ' || c == U'\t';  // U+3000 folded too
  if (is_space(c)) r_.spaces.push_back(static_cast<std::uint32_t>(k_));
  ++k_;
}

// Takes the characters steps 1-3 removed out of the text and its maps and
// writes their tabs. Edits are few: the kept stretches between them move
// down in one piece each.
void apply_edits(const std::vector<std::uint32_t>& edits, const std::vector<bool>& tabs, std::string& text,
                 detail::OffsetMap& cp_text_byte, detail::OffsetMap& cp_source_byte) {
  if (edits.empty()) return;
  const std::size_t n = cp_text_byte.size() - 1;  // code points
  std::uint32_t* text_at = cp_text_byte.data();
  std::uint32_t* source_at = cp_source_byte.data();
  char* t = text.data();
  std::size_t from = edits[0], kw = from;  // next code point to keep, where it goes
  std::uint32_t tw = text_at[from];       // where its text goes
  auto keep_until = [&](std::size_t to) {  // moves code points [from, to) down
    const std::uint32_t begin = text_at[from], end = text_at[to], shift = begin - tw;
    std::memmove(t + tw, t + begin, end - begin);
    std::memmove(source_at + kw, source_at + from, (to - from) * sizeof(std::uint32_t));
    std::memmove(text_at + kw, text_at + from, (to - from) * sizeof(std::uint32_t));
    for (std::size_t j = kw; j < kw + (to - from); ++j) text_at[j] -= shift;
    kw += to - from;
    tw += end - begin;
  };
  for (std::size_t e = 0; e < edits.size(); ++e) {
    const std::size_t k = edits[e];
    keep_until(k);
    if (tabs[e]) {
      source_at[kw] = source_at[k];
      text_at[kw++] = tw;
      t[tw++] = '\t';
    }
    from = k + 1;
  }
  keep_until(n);
  text_at[kw] = tw;
  source_at[kw] = source_at[n];
  cp_text_byte.resize(kw + 1);
  cp_source_byte.resize(kw + 1);
  text.resize(tw);
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

  out.cp_checkpoints_ = lead_byte_checkpoints(source);
  const std::size_t counted = (source.size() / kCheckpoint) * kCheckpoint;
  const std::size_t leads = out.cp_checkpoints_.back() + utf8::length(source.substr(counted));
  Reading r = Reader(source, leads).read();
  out.text_ = std::move(r.text);
  out.cp_text_byte_ = std::move(r.text_at);
  out.cp_source_byte_ = std::move(r.source_at);
  out.line_starts_ = std::move(r.line_starts);
  const std::vector<Line>& lines = r.lines;
  Chars chars(source, cp_source_byte_.data(), cp_source_byte_.size() - 1, r.spaces);
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
      for (std::size_t i = line.begin; i < line.end; ++i) chars.remove(i);
  if (!out.had_page_markers_ && join_wrapped_lines(chars, lines))
    out.warnings_.push_back({"wrapped-lines-joined",
                             "lines are wrapped at a fixed width (a PDF text dump); line breaks "
                             "inside paragraphs joined",
                             1, 1, -1});
  // 2./3. OCR spaces.
  remove_ocr_spaces(chars);

  // 4. was done while reading (Traditional -> Simplified for the rules' view
  // only): what is left is taking out what steps 1-3 removed.
  const std::vector<std::uint32_t> edits = chars.sorted_edits();
  std::vector<bool> tabs(edits.size());
  for (std::size_t e = 0; e < edits.size(); ++e) tabs[e] = chars.is_tab(edits[e]);
  apply_edits(edits, tabs, out.text_, out.cp_text_byte_, out.cp_source_byte_);
  index_text_blocks();
}

// Every code point has at least one text byte: the starts are increasing, and
// a block of kTextBlock text bytes holds parts of at most kTextBlock + 1.
void NormalizedText::index_text_blocks() {
  const std::size_t blocks = text_.size() / kTextBlock + 1;
  const std::uint32_t* starts = cp_text_byte_.data();
  const std::size_t entries = cp_text_byte_.size();
  text_block_cp_.resize(blocks);
  std::size_t cp = 0;  // cp_of(0)
  for (std::size_t j = 0; j < blocks; ++j) {
    const std::size_t window = std::min(kTextBlock, entries - 1 - cp);
    cp += first_above<false>(starts + cp + 1, window, j * kTextBlock);
    text_block_cp_[j] = static_cast<std::uint32_t>(cp);
  }
}

std::size_t NormalizedText::cp_of(std::size_t text_byte) const {
  // Between the code points of its block's first byte and of the next one's.
  const std::size_t j = text_byte / kTextBlock;
  const std::size_t lo = text_block_cp_[j];
  const std::size_t hi = j + 1 < text_block_cp_.size() ? text_block_cp_[j + 1] : cp_text_byte_.size() - 1;
  return lo + first_above<false>(cp_text_byte_.data() + lo + 1, hi - lo, text_byte);
}

std::size_t NormalizedText::source_cps_before(std::size_t source_byte) const {
  const std::size_t k = std::min(source_byte / kCheckpoint, cp_checkpoints_.size() - 1);
  const std::size_t from = k * kCheckpoint, n = source_byte - from;
#if defined(__SSE2__)
  static_assert(kCheckpoint <= 64);
  if (n < 64 && from + 64 <= source_.size()) return cp_checkpoints_[k] + n - utf8::continuation_bytes_in_64(source_.data() + from, n);
#endif
  return cp_checkpoints_[k] + utf8::length(std::string_view(source_).substr(from, n));
}

std::size_t NormalizedText::source_offset(std::size_t text_byte) const {
  text_byte = std::min(text_byte, text_.size());
  return cp_source_byte_[cp_of(text_byte)];
}

std::size_t NormalizedText::text_offset(std::size_t source_byte) const {
  return cp_text_byte_[first_above<true>(cp_source_byte_.data(), cp_source_byte_.size(), source_byte)];
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
  // encoded into a buffer of the largest size it can take (four bytes a
  // character, which the four-byte copies below rely on).
  out.resize(4 * (last - first + 1));
  char* w = out.data();
  const auto* bytes = reinterpret_cast<const unsigned char*>(source_.data());
  const std::size_t size = source_.size();
  for (std::size_t cp = first; cp <= last; ++cp) {
    std::size_t i = cp_source_byte_[cp];
    if (i + 3 < size) {  // four bytes to read (and room for four to write)
      const std::uint32_t x = utf8::load_le32(bytes + i);
      if ((x & 0x80) == 0) {
        *w++ = static_cast<char>(x & 0xFF);  // ASCII: folds to itself
        continue;
      }
      if (utf8::kLeads[x & 0xFF] == utf8::Lead::kThree && (x & 0xC0C000) == 0x808000) {
        // Well-formed: copied unless it folds (only E3 and EF leads can).
        const char32_t c = utf8::decode_3(x);
        const char32_t folded = (x & 0xFF) == 0xE3 || (x & 0xFF) == 0xEF ? fold_fullwidth(c) : c;
        if (folded == c) {
          std::memcpy(w, bytes + i, 4);
          w += 3;
        } else {
          w = utf8::encode_to(w, folded);
        }
        continue;
      }
    }
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
