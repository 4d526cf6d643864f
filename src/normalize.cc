// Stage 2: normalization with an offset map. See include/plancmp/normalize.h.
#include "plancmp/normalize.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "lead_bits.h"
#include "t2s.h"
#include "three_byte_scan.h"
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

constexpr std::size_t kCheckpoint = 64;  // source bytes between column checkpoints (a word of lead bits)

// Traditional -> Simplified for one code point (ICU's rules, tabled at build
// time: see t2s.h).
char32_t to_simplified(char32_t c) { return is_han(c) ? t2s::convert_char(c) : c; }

// What the text gets for the 3-byte characters U+1000-U+FFFF: folded, then
// simplified, 0 for those that stay as they are. Derived from the functions
// above once, for the reading pass's look-up; only where folding or t2s's
// per-character table can change anything is worth asking them.
// `attention` tells those characters from the rest without decoding them:
// indexed by the second and third bytes of a 3-byte sequence, bit (lead &
// 15) is set when the lead byte with them is no well-formed character the
// rules read as printed (a changed character, or bytes that are no
// continuation bytes).
constexpr char32_t kTableLo = 0x1000, kTableHi = 0x10000;

struct RuleView {
  std::vector<char16_t> table;       // by code point - kTableLo
  std::vector<std::uint16_t> attention;  // by the second byte | the third byte << 8
};

// (Out of line: its one-time build stays out of the reading loop.)
[[gnu::noinline]] const RuleView& rule_view() {
  static const RuleView view = [] {
    RuleView v;
    v.table.resize(kTableHi - kTableLo);
    v.attention.assign(three_byte::kTableSize, 0xFFFF);
    for (unsigned b1 = 0x80; b1 < 0xC0; ++b1)
      for (unsigned b2 = 0x80; b2 < 0xC0; ++b2) v.attention[b1 | b2 << 8] = 0;
    // A character is read as printed when folding leaves it (display()
    // copies its source bytes) and simplifying does too.
    auto note = [&](char32_t c) {
      const char32_t to = to_simplified(fold_fullwidth(c));
      if ((to == c && fold_fullwidth(c) == c) || c < kTableLo || c >= kTableHi) return;
      v.table[c - kTableLo] = static_cast<char16_t>(to);
      const unsigned b1 = 0x80 | ((c >> 6) & 0x3F), b2 = 0x80 | (c & 0x3F);
      v.attention[b1 | b2 << 8] |= static_cast<std::uint16_t>(1u << (c >> 12));
    };
    for (char32_t c = t2s::kSingleLo; c < t2s::kSingleHi; ++c)
      if (t2s::kSingle[c - t2s::kSingleLo] != 0) note(c);
    for (const auto& [lo, hi] : kFoldRanges)
      for (char32_t c = lo; c < hi; ++c) note(c);
    return v;
  }();
  return view;
}

bool is_space(char32_t c) { return c == U' ' || c == U'\t' || c == 0xA0; }
bool is_ascii_digit(char32_t c) { return c >= U'0' && c <= U'9'; }

// Sentence-final punctuation: a line ending in one of these ends its paragraph.
bool ends_sentence(char32_t c) {
  return c == U'。' || c == U';' || c == U'!' || c == U'?' || c == U':' || c == U'”' ||
         c == U')' || c == U'〕' || c == U'】' || c == U'.';
}

// The character at source byte i as steps 1-3 read it: folded, not
// simplified.
char32_t folded_at(std::string_view source, std::size_t i) { return fold_fullwidth(utf8::next(source, i)); }

using detail::BitWords;

template <class Bits>
bool test_bit(const Bits& bits, std::size_t i) { return (bits[i / 64] >> (i % 64) & 1) != 0; }
template <class Bits>
void set_bit(Bits& bits, std::size_t i) { bits[i / 64] |= std::uint64_t{1} << (i % 64); }

// std::popcount, inline: without the POPCNT instruction (not in the x86-64
// baseline) the compiler calls a library routine for it.
int count_bits(std::uint64_t x) {
  x -= (x >> 1) & 0x5555555555555555ULL;
  x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
  return static_cast<int>((x * 0x0101010101010101ULL) >> 56);
}

// The bits of `word` below bit n (n < 64).
std::size_t bits_below(std::uint64_t word, std::size_t n) {
  return n == 0 ? 0 : static_cast<std::size_t>(count_bits(word & ((std::uint64_t{1} << n) - 1)));
}

// Bit b of `bits`: source byte b is no continuation byte (10xxxxxx);
// checkpoint j: those bits in the first j * kCheckpoint bytes. A word at a
// time (lead_bits.h), `Word(p)` reading the 64 bytes at p; the rest byte by
// byte.
template <lead_bits::Word (*word)(const unsigned char*)>
[[gnu::always_inline]] inline void lead_bits_in(std::string_view source, BitWords& bits, detail::OffsetMap& checkpoints) {
  static_assert(kCheckpoint == 64);
  const std::size_t size = source.size();
  bits.resize((size + 63) / 64);  // every word is written below
  checkpoints.resize(size / kCheckpoint + 1);  // every entry is written below
  const auto* p = reinterpret_cast<const unsigned char*>(source.data());
  std::size_t w = 0;
  std::uint32_t leads = 0;
  for (; (w + 1) * 64 <= size; ++w) {
    const lead_bits::Word got = word(p + 64 * w);
    bits[w] = got.bits;
    checkpoints[w] = leads;
    leads += got.count;
  }
  for (std::size_t b = 64 * w; b < size; ++b) {  // the rest byte by byte
    if (b % 64 == 0) {
      checkpoints[b / 64] = leads;
      bits[b / 64] = 0;
    }
    if ((p[b] & 0xC0) != 0x80) {
      set_bit(bits, b);
      ++leads;
    }
  }
  if (size % 64 == 0) checkpoints.back() = leads;  // (else the last word's start is set)
}

#ifdef PLANCMP_X86_DISPATCH
__attribute__((target("avx2"))) void lead_bits_avx2(std::string_view source, BitWords& bits,
                                                     detail::OffsetMap& checkpoints) {
  lead_bits_in<lead_bits::word_avx2>(source, bits, checkpoints);
}
#endif

void lead_bits_of(std::string_view source, BitWords& bits, detail::OffsetMap& checkpoints) {
#ifdef PLANCMP_X86_DISPATCH
  if (cpu::has_avx2()) return lead_bits_avx2(source, bits, checkpoints);
#endif
#if defined(__SSE2__)
  lead_bits_in<lead_bits::word_sse2>(source, bits, checkpoints);
#else
  lead_bits_in<lead_bits::word_plain>(source, bits, checkpoints);
#endif
}

// Checkpoint j: the bits set in bits[0, j), a bit per byte of a text of
// `size` bytes (the checkpoints of lead_bits_of(), for other bits).
detail::OffsetMap word_counts(const BitWords& bits, std::size_t size) {
  static_assert(kCheckpoint == 64);
  detail::OffsetMap checkpoints(size / kCheckpoint + 1);
  std::uint32_t count = 0;
  for (std::size_t j = 0; j + 1 < checkpoints.size(); ++j) {
    checkpoints[j] = count;
    count += static_cast<std::uint32_t>(count_bits(bits[j]));
  }
  checkpoints.back() = count;
  return checkpoints;
}

// Bit b: a character starts at source byte b, as utf8::next reads the
// source from its start. Where every sequence is well-formed those are the
// lead bits; an ill-formed one (a stray continuation byte read on its own)
// needs the reading itself.
BitWords character_starts(std::string_view source) {
  BitWords bits((source.size() + 63) / 64);
  std::fill(bits.begin(), bits.end(), 0);
  for (std::size_t i = 0; i < source.size();) {
    set_bit(bits, i);
    utf8::next(source, i);
  }
  return bits;
}

// The index of the first of the sorted values[0, n) above x (`or_equal`:
// not below x), as std::upper_bound (std::lower_bound) finds it but without
// branches: later stages search the runs thousands of times a document.
template <bool or_equal>
std::size_t first_above(const std::uint32_t* values, std::size_t n, std::size_t x) {
  if (n == 0) return 0;
  const std::uint32_t* base = values;
  auto before = [x](std::uint32_t v) { return or_equal ? v < x : v <= x; };
  for (; n > 1; n -= n / 2) base = before(base[n / 2]) ? base + n / 2 : base;
  return static_cast<std::size_t>(base - values) + (before(*base) ? 1 : 0);
}

// A character not taken as printed: the rules read it otherwise (or
// folding would show it otherwise), so it gets a run of its own.
struct Change {
  std::uint32_t at;  // source byte
  char32_t to;       // what the rules read (folded and simplified; U+FFFD for ill-formed bytes)
};

// What the reading pass finds in the source.
struct Reading {
  std::vector<std::size_t> line_starts{0};  // source byte of each line start
  std::vector<std::uint32_t> spaces;        // source bytes of the characters that are spaces (is_space)
  std::vector<Change> changes;              // in source order
  bool ill_formed = false;                  // some sequence is not well-formed UTF-8
};

// Reading pass: every character of the source, as utf8::next reads it,
// folded and simplified, noting line starts, spaces and the characters the
// rules read otherwise. Nothing is written for the rest (the bulk of a plan:
// Chinese text that is its own rule view); the text is built in runs after
// steps 1-3 (build_runs()).
class Reader {
 public:
  explicit Reader(std::string_view source)
      : source_(source), bytes_(reinterpret_cast<const unsigned char*>(source.data())), size_(source.size()) {}
  Reading read() && {
    while (i_ < size_) {
      read_fast();
      if (i_ < size_) read_one();
    }
    return std::move(r_);
  }

 private:
  // What one step of read_fast() did.
  enum class Step { kPlain, kNoted, kStop };

  // Printable ASCII, the ASCII spaces and line ends, and well-formed 2- and
  // 3-byte characters, looked up in rule_view(). Stops, before taking
  // it, at any other character (what needs utf8::next) and three bytes
  // before the end (each step reads four bytes). Runs of 3-byte characters
  // that need nothing are taken eight a call (three_byte::clean_run())
  // where kReads bytes are left; after each character such a call could
  // not take, the steps go character by character up to the next 3-byte
  // character.
  void read_fast() {
    const unsigned char* const bytes = bytes_;
    const std::size_t stop = size_ >= 3 ? size_ - 3 : 0;
    const RuleView& view = rule_view();
    const char16_t* const table = view.table.data();
    const std::uint16_t* const attention = view.attention.data();
    std::size_t s = i_;
    // One character (s < stop).
    auto step = [&]() -> Step {
      const std::uint32_t x = utf8::load_le32(bytes + s);
      const utf8::Lead lead = utf8::kLeads[x & 0xFF];
      if (lead == utf8::Lead::kThree) {
        std::uint16_t trail;  // the second and third bytes (x >> 8, loaded on their own)
        std::memcpy(&trail, bytes + s + 1, 2);
        if ((attention[trail] >> (x & 31) & 1) == 0) {  // read as printed (bit lead & 15)
          s += 3;
          return Step::kPlain;
        }
        if ((x & 0xC0C000) != 0x808000) return Step::kStop;  // not two continuation bytes
        if (const char16_t to = table[utf8::decode_3(x) - kTableLo]; to != 0) {
          if (to == u' ') r_.spaces.push_back(static_cast<std::uint32_t>(s));  // U+3000
          r_.changes.push_back({static_cast<std::uint32_t>(s), to});
        }
        s += 3;
      } else if (lead == utf8::Lead::kAscii) {
        ++s;
      } else if (lead == utf8::Lead::kLow) {
        const auto b = static_cast<unsigned char>(x & 0xFF);
        if (b == '\n') r_.line_starts.push_back(s + 1);
        else if (b == ' ' || b == '\t') r_.spaces.push_back(static_cast<std::uint32_t>(s));
        ++s;
      } else if (lead == utf8::Lead::kTwo && (x & 0xC000) == 0x8000) {
        // Below U+0800 nothing folds or simplifies; U+00A0 is a space.
        if ((x & 0xFFFF) == 0xA0C2) r_.spaces.push_back(static_cast<std::uint32_t>(s));
        s += 2;
      } else {
        return Step::kStop;
      }
      return Step::kNoted;
    };
    const std::size_t runs_end = size_ >= three_byte::kReads ? size_ - three_byte::kReads : 0;
    while (s < stop) {
      if (s < runs_end) {
        const std::size_t n = three_byte::clean_run(bytes + s, attention);
        s += 3 * n;
        if (n == three_byte::kStep) continue;
      }
      for (;;) {
        if (s >= stop) break;
        const Step taken = step();
        if (taken == Step::kStop) {
          i_ = s;
          return;
        }
        // On with eights at a 3-byte character (the next may need nothing).
        if (taken == Step::kPlain || (s < stop && bytes[s] >= 0xE0)) break;
      }
    }
    i_ = s;
  }

  // Any one character, as utf8::next reads it.
  void read_one() {
    const std::size_t start = i_;
    const char32_t read = utf8::next(source_, i_);
    const std::size_t length = i_ - start;
    const bool well_formed = read != 0xFFFD || (length == 3 && source_.compare(start, 3, "\xEF\xBF\xBD") == 0);
    r_.ill_formed |= !well_formed;
    const char32_t c = fold_fullwidth(read);
    const char32_t to = to_simplified(c);
    if (c == U'\n') r_.line_starts.push_back(i_);
    if (is_space(c)) r_.spaces.push_back(static_cast<std::uint32_t>(start));
    if (!well_formed || to != read || c != read) r_.changes.push_back({static_cast<std::uint32_t>(start), to});
  }

  std::string_view source_;
  const unsigned char* bytes_;
  std::size_t size_;
  std::size_t i_ = 0;
  Reading r_;
};

struct Line {
  std::size_t begin, end;  // source bytes (end: its '\n', or the end of the source)
};

// The source while steps 1-3 look for artefacts, character by character
// (a character is named by the source byte it starts at): steps read line
// ends, line starts and spaces only, and note their changes -- characters
// removed, a space made a tab -- as edits for build_runs().
class Chars {
 public:
  // `starts`: bit b is set when a character starts at byte b; `checkpoints`:
  // their prefix counts (word_counts()).
  Chars(std::string_view source, const BitWords& starts, const detail::OffsetMap& checkpoints,
        const std::vector<std::uint32_t>& spaces)
      : source_(source), starts_(starts), checkpoints_(checkpoints), spaces_(spaces), size_(source.size()) {}

  std::size_t size() const { return size_; }
  char32_t rule(std::size_t b) const {
    // ASCII and the 3-byte characters of leads other than E3 and EF fold to
    // themselves: read inline (steps 1-3 read a few thousand characters).
    const auto* p = reinterpret_cast<const unsigned char*>(source_.data()) + b;
    if (*p < 0x80) return *p;
    if (size_ - b >= 3 && utf8::kLeads[*p] == utf8::Lead::kThree && *p != 0xE3 && *p != 0xEF && utf8::continuation_2(p + 1))
      return utf8::decode_3(p);
    return folded_at(source_, b);
  }
  // The start of the character after the one at b (size() at the end).
  std::size_t next(std::size_t b) const {
    for (std::size_t i = b + 1; i < size_; i = (i / 64 + 1) * 64)
      if (const std::uint64_t w = starts_[i / 64] >> (i % 64); w != 0)
        return i + static_cast<std::size_t>(std::countr_zero(w));
    return size_;
  }
  // The start of the character before b (b > 0).
  std::size_t prev(std::size_t b) const {
    for (std::size_t i = b; i > 0;) {
      const std::size_t last = i - 1;  // bits [last / 64 * 64, last] of its word, at the top
      const std::uint64_t w = starts_[last / 64] << (63 - last % 64);
      if (w != 0) return last - static_cast<std::size_t>(std::countl_zero(w));
      i = last / 64 * 64;
    }
    return 0;
  }
  // Characters starting in [b, e).
  std::size_t count(std::size_t b, std::size_t e) const { return starts_before(e) - starts_before(b); }
  // The characters that are spaces (is_space), in order.
  const std::vector<std::uint32_t>& spaces() const { return spaces_; }
  bool removed(std::size_t b) const { return edited(b) && !is_tab(b); }
  bool is_tab(std::size_t b) const { return !tab_.empty() && test_bit(tab_, b); }
  void remove(std::size_t b) {
    if (!edited(b)) note_edit(b);
    if (!tab_.empty()) tab_[b / 64] &= ~(std::uint64_t{1} << (b % 64));
  }
  void make_tab(std::size_t b) {
    if (!edited(b)) note_edit(b);
    if (tab_.empty()) tab_.assign((size_ + 63) / 64, 0);
    set_bit(tab_, b);
  }
  // The characters removed or made tabs, in order.
  std::vector<std::uint32_t> sorted_edits() {
    std::sort(edits_.begin(), edits_.end());
    return std::move(edits_);
  }

 private:
  std::size_t starts_before(std::size_t b) const {
    return checkpoints_[b / 64] + (b % 64 == 0 ? 0 : bits_below(starts_[b / 64], b % 64));  // (no word past the end)
  }
  bool edited(std::size_t b) const { return !edited_.empty() && test_bit(edited_, b); }
  void note_edit(std::size_t b) {
    if (edited_.empty()) edited_.assign((size_ + 63) / 64, 0);
    set_bit(edited_, b);
    edits_.push_back(static_cast<std::uint32_t>(b));
  }

  std::string_view source_;
  const BitWords& starts_;
  const detail::OffsetMap& checkpoints_;
  const std::vector<std::uint32_t>& spaces_;
  std::size_t size_;
  // A bit per source byte: removed or made a tab; made a tab. Each is set
  // up when first needed (many texts have no tab to make).
  std::vector<std::uint64_t> edited_, tab_;
  std::vector<std::uint32_t> edits_;
};

// A leading segment number "12、" / "12." of a line: its value and where
// the marker (with the spaces after it) ends.
std::optional<std::pair<int, std::size_t>> leading_number(const Chars& chars, const Line& line) {
  std::size_t i = line.begin;
  while (i < line.end && is_space(chars.rule(i))) i = chars.next(i);
  int value = 0, digits = 0;
  char32_t c = 0;
  while (i < line.end && is_ascii_digit(c = chars.rule(i)) && digits < 4) {
    value = value * 10 + static_cast<int>(c - U'0');
    i = chars.next(i);
    ++digits;
  }
  if (digits == 0 || i >= line.end) return std::nullopt;
  c = chars.rule(i);
  if (c != U'、' && c != U'.') return std::nullopt;
  i = chars.next(i);
  // "1.5" is a number, not a marker.
  if (i < line.end && is_ascii_digit(chars.rule(i))) return std::nullopt;
  while (i < line.end && is_space(chars.rule(i))) i = chars.next(i);
  return std::make_pair(value, i);
}

// Page/segment markers of an OCR dump: nearly every line opens with a number
// that runs 1, 2, 3... from line to line, and the text flows across the line
// breaks (the line before a marker ends mid-sentence). A real numbered list
// fails the second test: its items end their sentences.
bool remove_page_markers(Chars& chars, const std::vector<Line>& lines) {
  std::vector<std::pair<std::size_t, std::size_t>> marks;  // (line index, marker end)
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
    if (prev.end > prev.begin && !ends_sentence(chars.rule(chars.prev(prev.end)))) ++flowing;
  }
  std::size_t pairs = marks.size() - 1;
  if (stepping * 10 < pairs * 8 || flowing * 2 < pairs) return false;
  for (std::size_t k = 0; k < marks.size(); ++k) {
    const Line& line = lines[marks[k].first];
    for (std::size_t i = line.begin; i < marks[k].second; i = chars.next(i)) chars.remove(i);
    // The break before a marker is a page cut, not a paragraph end.
    if (line.begin > 0) chars.remove(line.begin - 1);
  }
  return true;
}

// Lines that are nothing but a page number: "- 3 -", "— 12 —", "第3页", "3/20".
bool is_page_number_line(const Chars& chars, const Line& line) {
  // What is left of such a line without its digits and spaces.
  static constexpr std::u32string_view kRests[] = {U"--", U"——", U"––", U"第页", U"/", U"第页共页"};
  // The longest accepted rest is four characters: stop reading past that.
  constexpr std::size_t kMaxRest = 4;
  char32_t rest[kMaxRest];
  std::size_t digits = 0, rest_size = 0;
  for (std::size_t i = line.begin; i < line.end; i = chars.next(i)) {
    const char32_t c = chars.rule(i);
    if (is_space(c)) continue;
    if (is_ascii_digit(c)) {
      if (++digits > 4) return false;
    } else {
      if (rest_size == kMaxRest) return false;
      // No rest opens otherwise: most lines go at their first character
      // instead of their fifth.
      if (rest_size == 0 && std::none_of(std::begin(kRests), std::end(kRests),
                                         [c](std::u32string_view r) { return r.front() == c; }))
        return false;
      rest[rest_size++] = c;
    }
  }
  if (digits == 0) return false;
  const std::u32string_view r(rest, rest_size);
  return std::find(std::begin(kRests), std::end(kRests), r) != std::end(kRests);
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
  while (i < line.end && is_space(c = chars.rule(i))) i = chars.next(i);
  if (i >= line.end) return false;
  if (c == U'第' || c == U'—' || c == U'-' || c == U'●' || c == U'•') return true;
  if (c == U'(' || c == U'（') {
    // "(一)", "(3)" open an item; "(市生态环境局牵头…" continues a sentence.
    const std::size_t first = chars.next(i);
    std::size_t j = first;
    char32_t d = 0;
    while (j < line.end && is_item_numeral(d = chars.rule(j))) j = chars.next(j);
    return j > first && j < line.end && (d == U')' || d == U'）');
  }
  std::size_t j = i;
  char32_t d = 0;
  while (j < line.end && is_item_numeral(d = chars.rule(j))) j = chars.next(j);
  return j > i && j < line.end && (d == U'、' || d == U'.' || d == U'．' || d == U')');
}

// PDF text dumps wrap paragraphs at a fixed width: most long lines end
// mid-sentence at about the same length. Such breaks are soft. Never joined:
// across a blank line, after a sentence end, or before a numbered line.
// A table row keeps column gaps: a tab, or a run of spaces inside the line.
// `first`: the index in chars.spaces() of the first space at or after an
// earlier line's start, moved on to this line's (the lines are asked in
// order: a short walk instead of a search per line).
bool is_table_row(const Chars& chars, const Line& line, std::size_t& first) {
  int run = 0;
  bool text_seen = false;
  // Only the line's spaces are read: what lies between them is text.
  const std::vector<std::uint32_t>& spaces = chars.spaces();
  while (first < spaces.size() && spaces[first] < line.begin) ++first;
  std::size_t unread = line.begin;
  for (auto s = spaces.begin() + static_cast<std::ptrdiff_t>(first); s != spaces.end() && *s < line.end; ++s) {
    const std::size_t i = *s;
    if (i > unread) {
      run = 0;
      text_seen = true;
    }
    unread = chars.next(i);
    const char32_t c = chars.rule(i);
    if (c == U'\t' && text_seen) return true;
    if (c == U' ' || c == 0x3000) {
      if (++run >= 2 && text_seen && unread < line.end && !is_space(chars.rule(unread))) return true;
    } else {
      run = 0;
      text_seen = true;
    }
  }
  return false;
}

bool join_wrapped_lines(Chars& chars, const std::vector<Line>& lines) {
  std::vector<char> table_row(lines.size());
  std::vector<std::size_t> widths(lines.size());  // characters
  std::vector<std::size_t> lengths;
  std::size_t first_space = 0;  // is_table_row()'s walk
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const Line& l = lines[k];
    table_row[k] = l.end > l.begin && is_table_row(chars, l, first_space);
    widths[k] = chars.count(l.begin, l.end);
    if (l.end > l.begin && !table_row[k]) lengths.push_back(widths[k]);
  }
  if (lengths.size() < 6) return false;
  const auto at = lengths.begin() + static_cast<std::ptrdiff_t>(lengths.size() * 8 / 10);
  std::nth_element(lengths.begin(), at, lengths.end());  // (lengths is read no more)
  const std::size_t width = *at;
  if (width < 15) return false;
  std::vector<std::size_t> soft;
  std::size_t full = 0;
  for (std::size_t k = 0; k + 1 < lines.size(); ++k) {
    const Line& l = lines[k];
    if (l.end == l.begin || widths[k] * 100 < width * 85 || table_row[k]) continue;
    ++full;
    const Line& next = lines[k + 1];
    if (next.end == next.begin || ends_sentence(chars.rule(chars.prev(l.end))) ||
        opens_with_item_number(chars, next) || table_row[k + 1])
      continue;
    soft.push_back(l.end);  // the '\n'
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
    for (std::size_t b = run_begin; b > 0;) {
      b = chars.prev(b);
      if (!chars.removed(b)) {
        before = b;
        break;
      }
    }
    std::size_t after = run_begin;  // the first kept non-space character after the run, or n
    std::size_t run_size = 0;
    bool has_tab = false;
    for (; after < n; after = chars.next(after)) {
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
    for (std::size_t j = run_begin; j < after; j = chars.next(j)) {
      if (chars.removed(j)) continue;
      if (!remove && first) chars.make_tab(j);  // the column gap, as one tab
      else chars.remove(j);
      first = false;
    }
  }
}

// The text and its runs (see normalize.h) from the source, the characters
// the rules read otherwise (`changes`) and what steps 1-3 took out or made
// a tab (`edits`): between those, the source's bytes are copied as they are.
struct Runs {
  std::string text;
  std::vector<std::uint32_t> text_at, source_at;
  std::vector<std::uint64_t> single;
};

Runs build_runs(std::string_view source, const Chars& chars, const std::vector<Change>& changes,
                const std::vector<std::uint32_t>& edits) {
  // The places where the text is not the source, in order: an edit takes
  // precedence over a change of the same character.
  struct Place {
    std::uint32_t at, length;  // the character's source bytes
    char32_t to;               // what the text gets; kRemoved: nothing
  };
  constexpr char32_t kRemoved = static_cast<char32_t>(-1);
  std::vector<Place> places;
  places.reserve(changes.size() + edits.size());
  std::size_t text_size = source.size();
  auto note = [&](std::uint32_t at, char32_t to) {
    const auto length = static_cast<std::uint32_t>(chars.next(at) - at);
    text_size = text_size - length + (to == kRemoved ? 0 : utf8::encoded_size(to));
    places.push_back({at, length, to});
  };
  for (std::size_t c = 0, e = 0; c < changes.size() || e < edits.size();) {
    if (e < edits.size() && (c == changes.size() || edits[e] <= changes[c].at)) {
      if (c < changes.size() && changes[c].at == edits[e]) ++c;
      note(edits[e], chars.is_tab(edits[e]) ? U'\t' : kRemoved);
      ++e;
    } else {
      note(changes[c].at, changes[c].to);
      ++c;
    }
  }
  Runs out;
  out.text.reserve(text_size);
  out.text_at.reserve(2 * places.size() + 2);
  out.source_at.reserve(2 * places.size() + 2);
  out.single.assign((2 * places.size() + 2) / 64 + 1, 0);
  std::string& text = out.text;
  std::size_t from = 0;  // the next source byte to copy
  auto copy_until = [&](std::size_t to) {
    if (to == from) return;
    out.text_at.push_back(static_cast<std::uint32_t>(text.size()));
    out.source_at.push_back(static_cast<std::uint32_t>(from));
    text.append(source.data() + from, to - from);
  };
  for (const Place& p : places) {
    copy_until(p.at);
    if (p.to != kRemoved) {
      set_bit(out.single, out.text_at.size());
      out.text_at.push_back(static_cast<std::uint32_t>(text.size()));
      out.source_at.push_back(p.at);
      char bytes[4];
      text.append(bytes, static_cast<std::size_t>(utf8::encode_to(bytes, p.to) - bytes));
    }
    from = p.at + p.length;
  }
  copy_until(source.size());
  out.text_at.push_back(static_cast<std::uint32_t>(text.size()));
  out.source_at.push_back(static_cast<std::uint32_t>(source.size()));
  return out;
}

bool is_continuation(char b) { return (static_cast<unsigned char>(b) & 0xC0) == 0x80; }

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
  const std::string_view source = source_;
  if (source.size() >= (1u << 31)) throw std::length_error("text too large to normalize (over 2 GB)");

  lead_bits_of(source, lead_bits_, cp_checkpoints_);
  Reading r = Reader(source).read();
  line_starts_ = std::move(r.line_starts);
  std::vector<Line> lines;
  lines.reserve(line_starts_.size());
  for (std::size_t k = 0; k < line_starts_.size(); ++k)
    lines.push_back({line_starts_[k], k + 1 < line_starts_.size() ? line_starts_[k + 1] - 1 : source.size()});
  // Characters start at the lead bytes unless some sequence is ill-formed.
  BitWords irregular_starts;
  detail::OffsetMap irregular_checkpoints;
  if (r.ill_formed) {
    irregular_starts = character_starts(source);
    irregular_checkpoints = word_counts(irregular_starts, source.size());
  }
  Chars chars(source, r.ill_formed ? irregular_starts : lead_bits_, r.ill_formed ? irregular_checkpoints : cp_checkpoints_,
              r.spaces);
  // 1. Conversion artefacts.
  if (remove_page_markers(chars, lines)) {
    had_page_markers_ = true;
    warnings_.push_back({"page-markers-removed",
                         "every line opens with a running segment number (a page "
                         "marker of the conversion); markers removed and lines joined",
                         1, 1, -1});
  }
  for (const Line& line : lines)
    if (is_page_number_line(chars, line))
      for (std::size_t i = line.begin; i < line.end; i = chars.next(i)) chars.remove(i);
  if (!had_page_markers_ && join_wrapped_lines(chars, lines))
    warnings_.push_back({"wrapped-lines-joined",
                         "lines are wrapped at a fixed width (a PDF text dump); line breaks "
                         "inside paragraphs joined",
                         1, 1, -1});
  // 2./3. OCR spaces.
  remove_ocr_spaces(chars);

  // 4. Traditional -> Simplified was read in the reading pass (for the
  // rules' view only): the text is the source less what steps 1-3 took
  // out, with the characters the rules read otherwise changed.
  Runs runs = build_runs(source, chars, r.changes, chars.sorted_edits());
  text_ = std::move(runs.text);
  run_text_ = std::move(runs.text_at);
  run_source_ = std::move(runs.source_at);
  single_runs_ = std::move(runs.single);
  // run_of()'s starting points: entry k is the last run starting at or
  // before text byte k * kRunIndexStep. Each run marks the first entry it
  // is that for (the later of two marks wins: runs go up), and a running
  // maximum carries the marks on -- no branch on where the runs fall,
  // which a walk per entry mispredicted. (One entry more, for the mark of
  // a run in the last step.)
  const std::size_t entries = text_.size() / kRunIndexStep + 1;
  run_index_.assign(entries + 1, 0);
  for (std::size_t r = 1; r + 1 < run_text_.size(); ++r)
    run_index_[(run_text_[r] + kRunIndexStep - 1) / kRunIndexStep] = static_cast<std::uint32_t>(r);
  std::uint32_t run = 0;
  for (std::size_t k = 0; k < entries; ++k) run_index_[k] = run = std::max(run, run_index_[k]);
  run_index_.resize(entries);
}

std::size_t NormalizedText::run_of(std::size_t text_byte) const {
  // The last run starting at or before text_byte: on from the one that holds
  // the start of its step, past the few that start within the step (the
  // end entry, the text size, stops the walk).
  std::size_t r = run_index_[text_byte / kRunIndexStep];
  while (run_text_[r + 1] <= text_byte) ++r;
  return r;
}

std::size_t NormalizedText::source_cps_before(std::size_t source_byte) const {
  const std::size_t k = std::min(source_byte / kCheckpoint, cp_checkpoints_.size() - 1);
  const std::size_t n = source_byte - k * kCheckpoint;
  if (n == 0) return cp_checkpoints_[k];
  if (n < 64) return cp_checkpoints_[k] + bits_below(lead_bits_[k], n);
  return cp_checkpoints_[k] + utf8::length(std::string_view(source_).substr(k * kCheckpoint, n));  // past the end
}

std::size_t NormalizedText::source_offset(std::size_t text_byte) const {
  if (text_byte >= text_.size()) return source_.size();
  const std::size_t r = run_of(text_byte);
  if (single_run(r)) return run_source_[r];
  // A run of the source's own bytes: the character's lead byte.
  std::size_t p = text_byte;
  while (p > run_text_[r] && is_continuation(text_[p])) --p;
  return run_source_[r] + (p - run_text_[r]);
}

std::size_t NormalizedText::text_offset(std::size_t source_byte) const {
  // The first run from source_byte on; a run of the source's bytes before it
  // may hold a character starting at source_byte or later.
  const std::size_t i = first_above<true>(run_source_.data(), run_source_.size(), source_byte);
  if (i == run_source_.size()) return text_.size();  // past the end of the source
  if (i > 0 && !single_run(i - 1)) {
    const std::size_t r = i - 1, begin = run_source_[r], length = run_text_[r + 1] - run_text_[r];
    if (source_byte < begin + length) {
      std::size_t p = run_text_[r] + (source_byte - begin);
      while (p < run_text_[r + 1] && is_continuation(text_[p])) ++p;
      return p;
    }
  }
  return run_text_[i];
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

std::string_view NormalizedText::source_span(std::size_t r, std::size_t first, std::size_t last, std::size_t begin,
                                             std::size_t end) const {
  // In run r: the source bytes from the start of the character holding
  // `begin` (or the run's start) to the end of the one holding `end - 1`
  // (or the run's end).
  const std::size_t t0 = run_text_[r], t1 = run_text_[r + 1];
  std::size_t b = t0, e = t1;
  if (r == first)
    for (b = begin; b > t0 && is_continuation(text_[b]);) --b;
  if (r == last)
    for (e = end; e < t1 && is_continuation(text_[e]);) ++e;
  return std::string_view(source_).substr(run_source_[r] + (b - t0), e - b);
}

std::optional<std::string_view> NormalizedText::display_view(std::size_t begin, std::size_t end) const {
  if (begin >= end || begin >= text_.size()) return std::string_view();
  end = std::min(end, text_.size());
  const std::size_t first = run_of(begin);
  // One run holds all of it (run_of(end - 1) == first), and one of the source's bytes.
  if (end <= run_text_[first + 1] && !single_run(first)) return source_span(first, first, first, begin, end);
  return std::nullopt;
}

void NormalizedText::display_append(std::string& out, std::size_t begin, std::size_t end) const {
  if (begin >= end || begin >= text_.size()) return;
  end = std::min(end, text_.size());
  const std::size_t first = run_of(begin);
  std::size_t last = first;  // run_of(end - 1), on from first
  while (run_text_[last + 1] < end) ++last;
  // The original script, folded (as the character was read in build()):
  // a run of the source's own bytes is copied, a single run's character
  // read back and folded.
  std::size_t most = 0;  // bytes at most (a single run's character takes up to four)
  for (std::size_t r = first; r <= last; ++r) most += single_run(r) ? 4 : run_text_[r + 1] - run_text_[r];
  out.reserve(out.size() + most);
  for (std::size_t r = first; r <= last; ++r) {
    if (single_run(r)) {
      std::size_t i = run_source_[r];
      char bytes[4];
      out.append(bytes, static_cast<std::size_t>(utf8::encode_to(bytes, fold_fullwidth(utf8::next(source_, i))) - bytes));
    } else {
      out += source_span(r, first, last, begin, end);
    }
  }
}

std::string NormalizedText::display(std::size_t begin, std::size_t end) const {
  if (const std::optional<std::string_view> v = display_view(begin, end)) return std::string(*v);  // the usual case
  std::string out;
  display_append(out, begin, end);
  return out;
}

std::string NormalizedText::quote(std::size_t begin, std::size_t end) const {
  if (begin >= end || begin >= text_.size()) return {};
  end = std::min(end, text_.size());
  std::size_t src_begin = source_offset(begin);
  std::size_t src_end = source_offset(end - 1);
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
