// Value and its two serializers, YAML and JSON, each a small writer into a
// string. Both write invalid UTF-8 as U+FFFD, integers without
// ".0" and doubles in their shortest round-trip form without an exponent.
#include "plancmp/value.h"

#include <algorithm>
#include <array>
#include <bit>

#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>

#include "utf8_util.h"
#include "yaml_scalars.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace plancmp {

// ---------------------------------------------------------------- Value

Value Value::object() {
  Value v;
  v.kind_ = Kind::kObject;
  return v;
}

Value Value::array() {
  Value v;
  v.kind_ = Kind::kArray;
  return v;
}

Value Value::scalar_array() {
  Value v = array();
  v.scalar_array_ = true;
  return v;
}

Value Value::quoted(std::string s) {
  Value v(std::move(s));
  v.quoted_ = true;
  return v;
}

Value Value::quoted(const std::optional<std::string>& s) { return s ? quoted(*s) : Value(); }

Value& Value::set(std::string key, Value v) & {
  if (is_null()) kind_ = Kind::kObject;
  if (!is_object()) throw std::logic_error("Value::set on a non-object");
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) {
      items_[i] = std::move(v);
      return *this;
    }
  }
  if (keys_.empty()) {
    // Records have about a dozen fields: grow once, not at 1, 2, 4 and 8.
    constexpr std::size_t kRecordFields = 16;
    keys_.reserve(kRecordFields);
    items_.reserve(kRecordFields);
  }
  keys_.push_back(std::move(key));
  items_.push_back(std::move(v));
  return *this;
}

Value& Value::push(Value v) & {
  if (is_null()) kind_ = Kind::kArray;
  if (!is_array()) throw std::logic_error("Value::push on a non-array");
  items_.push_back(std::move(v));
  return *this;
}

const Value* Value::find(std::string_view key) const {
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    if (keys_[i] == key) return &items_[i];
  }
  return nullptr;
}

namespace {

bool all_scalars(const Value& array) {
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_scalar()) return false;
  }
  return true;
}

// ---------------------------------------------------------------- text helpers

constexpr char32_t kReplacement = 0xFFFD;

// Characters yaml-cpp writes raw even inside double quotes although YAML
// readers refuse them (DEL, U+FFFE/U+FFFF) or read them as line breaks
// (U+2028, U+2029). YAML prints U+FFFD instead; JSON escapes them.
bool yaml_unwritable(int32_t cp) {
  return cp == 0x7F || cp == 0x2028 || cp == 0x2029 || cp == 0xFFFE || cp == 0xFFFF;
}

bool yaml_clean_already(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x7F) {  // ASCII but DEL: always fine
      ++i;
      continue;
    }
    const int32_t cp = utf8::next_or_invalid(s, i);
    if (cp < 0 || yaml_unwritable(cp)) return false;
  }
  return true;
}

// `s` as valid UTF-8 for YAML: invalid bytes and unwritable characters become
// U+FFFD.
std::string yaml_clean(std::string_view s) {
  if (yaml_clean_already(s)) return std::string(s);
  std::string out;
  out.reserve(s.size() + 8);
  for (std::size_t i = 0; i < s.size();) {
    const int32_t cp = utf8::next_or_invalid(s, i);
    utf8::append(out, cp < 0 || yaml_unwritable(cp) ? kReplacement : static_cast<char32_t>(cp));
  }
  return out;
}

// Finite values only, written at out, which has kYamlNumberRoom bytes.
// Integers without ".0" (29, not 29.0); others in the shortest decimal form
// that reads back as the same double, never with an exponent (PyYAML reads
// "1e-05" as a string).
char* write_number(char* out, double v) {
  if (v == std::trunc(v) && std::fabs(v) < 9.0e15) {
    return write_yaml_integer(out, static_cast<long long>(v));  // also turns -0 into 0
  }
  const auto res = std::to_chars(out, out + kYamlNumberRoom, v, std::chars_format::fixed);
  if (res.ec == std::errc()) return res.ptr;
  const std::string text = std::to_string(v);  // (never: the fixed form fits)
  return std::copy(text.begin(), text.begin() + std::min(text.size(), kYamlNumberRoom), out);
}

std::string format_number(double v) {
  char buf[kYamlNumberRoom];
  return std::string(buf, write_number(buf, v));
}

// ---------------------------------------------------------------- YAML

bool ascii_ieq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

// Plain words YAML 1.1 or 1.2 readers take for null, booleans or merge keys.
// y and n are booleans only in YAML 1.1's tables, which PyYAML does not
// apply: values quote them to be safe, keys (`n`) stay plain.
bool reserved_word(std::string_view s, bool is_key) {
  if (s.empty() || s.size() > 5) return false;  // longer than "false"
  // Every reserved word starts with one of these (any case): most keys and
  // values are rejected here without comparing.
  switch (s[0] | 0x20) {
    case '~': case 'n': case 't': case 'f': case 'y': case 'o': case '<': case '=': break;
    default: return false;
  }
  static constexpr std::string_view kReserved[] = {
      "~", "null", "true", "false", "yes", "no", "on", "off", "<<", "="};
  for (auto w : kReserved) {
    if (ascii_ieq(s, w)) return true;
  }
  return !is_key && (ascii_ieq(s, "y") || ascii_ieq(s, "n"));
}

constexpr bool yaml_indicator(unsigned char c) {
  switch (c) {
    case ':': case '#': case ',': case '[': case ']': case '{': case '}':
    case '&': case '*': case '!': case '|': case '>': case '\'': case '"':
    case '%': case '@': case '`': case '?': case '\\':
      return true;
    default:
      return c < 0x20 || c == 0x7F;
  }
}

// Would `s` written as a plain scalar read back as this same string in YAML
// 1.1 and 1.2 readers (PyYAML, yaml-cpp), also inside a flow sequence? Errs on
// the side of quoting: anything starting like a number, a reserved word, or
// holding YAML indicator characters is quoted.
bool plain_is_safe_start(std::string_view s, bool is_key) {
  if (s.empty()) return false;
  const char first = s.front();
  if (first == ' ' || s.back() == ' ') return false;
  if ((first >= '0' && first <= '9') || first == '+' || first == '-' || first == '.') {
    return false;  // numbers, dates, times, "-" and ".inf" look-alikes
  }
  return !reserved_word(s, is_key);
}

// What else must be quoted: YAML indicators, C1 controls (NEL is a line
// break to YAML 1.1), NBSP and the BOM, on which readers differ (a
// double-quoted string escapes them visibly). For valid UTF-8.
bool quote_char(int32_t cp) {
  return cp < 0x80 ? yaml_indicator(static_cast<unsigned char>(cp)) : cp <= 0xA0 || cp == 0xFEFF;
}

bool plain_is_safe(std::string_view s, bool is_key) {
  if (!plain_is_safe_start(s, is_key)) return false;
  for (std::size_t i = 0; i < s.size();) {
    if (quote_char(utf8::next_or_invalid(s, i))) return false;
  }
  return true;
}

// One pass over a string about to be written: is it valid UTF-8 without
// characters YAML cannot hold (else yaml_clean repairs it), is it free of
// characters that force quotes, and does it hold characters that double
// quotes escape?
struct Scan {
  bool clean = true;
  bool plain_bytes = true;
  bool escapes = false;
};

// What scan_string does with each byte: ASCII decides alone; lead bytes
// E1, E3..EC and EE start 3-byte characters (U+1000..U+1FFF,
// U+3000..U+CFFF, U+E000..U+EFFF: the bulk of Chinese text) that are fine
// as they are once their two continuation bytes are checked; E2 and EF
// (general and full-width punctuation) also hold the few 3-byte characters
// that matter (U+2028, U+2029, the BOM, U+FFFE, U+FFFF); other bytes >= 0x80
// are decoded by next_or_invalid (E0 and ED need range checks).
enum ByteClass : unsigned char {
  kPlainByte = 0,
  kIndicator = 1,  // forces quotes
  kEscaped = 2,    // forces quotes and is escaped inside them
  kDel = 3,        // repaired to U+FFFD
  kCommonLead = 4,
  kPunctuationLead = 5,
  kOtherHigh = 6,
};

constexpr std::array<unsigned char, 256> kByteClass = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    if (c >= 0x80) {
      t[c] = c == 0xE2 || c == 0xEF                     ? kPunctuationLead
             : (c >= 0xE1 && c <= 0xEC) || c == 0xEE ? kCommonLead
                                                     : kOtherHigh;
    } else if (c == 0x7F) {
      t[c] = kDel;
    } else if (c < 0x20 || c == '"' || c == '\\') {
      t[c] = kEscaped;
    } else if (yaml_indicator(static_cast<unsigned char>(c))) {
      t[c] = kIndicator;
    }
  }
  return t;
}();

// kByteClass[c] == kCommonLead, as 0 or 1 (two tested with one `&`).
constexpr std::array<unsigned char, 256> kCommonLeadByte = [] {
  std::array<unsigned char, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = kByteClass[c] == kCommonLead;
  return t;
}();

// The eight bytes at p, p[0] the lowest.
inline std::uint64_t load_le64(const unsigned char* p) {
  return utf8::load_le32(p) | static_cast<std::uint64_t>(utf8::load_le32(p + 4)) << 32;
}

// Are the two bytes after the lead byte at p[i] continuation bytes?
bool three_byte_tail(const unsigned char* p, std::size_t i, std::size_t n) {
  return i + 2 < n && (((p[i + 1] << 8) | p[i + 2]) & 0xC0C0) == 0x8080;
}

Scan scan_string(std::string_view s) {
  constexpr Scan kNeedsRepair{false, false, false};
  Scan scan;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n;) {
    const unsigned char cls = kByteClass[p[i]];
    if (cls == kPlainByte) {  // the common cases first, without the jump table
      ++i;
      // The rest of a run of plain ASCII, four bytes a step (kPlainByte is 0).
      while (n - i >= 4 && (kByteClass[p[i]] | kByteClass[p[i + 1]] | kByteClass[p[i + 2]] | kByteClass[p[i + 3]]) == 0)
        i += 4;
      // ... and its last bytes, without a pass through the dispatch each.
      while (i < n && kByteClass[p[i]] == kPlainByte) ++i;
      continue;
    }
    if (cls == kCommonLead && three_byte_tail(p, i, n)) {
      i += 3;
      // The rest of a run of such characters (Chinese text), two a step
      // (one eight-byte load), then one (a four-byte load), then the
      // string's last: the same two tests, without a pass through the
      // loop's dispatch per character.
      while (n - i >= 8) {
        const std::uint64_t x = load_le64(p + i);
        if ((kCommonLeadByte[x & 0xFF] & kCommonLeadByte[(x >> 24) & 0xFF]) == 0 ||
            (x & 0xC0C000C0C000) != 0x808000808000)
          break;
        i += 6;
      }
      while (n - i >= 4) {
        const std::uint32_t x = utf8::load_le32(p + i);
        if (kByteClass[x & 0xFF] != kCommonLead || (x & 0xC0C000) != 0x808000) break;
        i += 3;
      }
      // The string's last character, when the run reaches it.
      if (n - i == 3 && kByteClass[p[i]] == kCommonLead && three_byte_tail(p, i, n)) i = n;
      continue;
    }
    int32_t cp;
    switch (cls) {
      case kIndicator: scan.plain_bytes = false; ++i; continue;
      case kEscaped: scan.plain_bytes = false; scan.escapes = true; ++i; continue;
      case kDel: return kNeedsRepair;
      case kCommonLead: return kNeedsRepair;  // without its continuation bytes
      case kPunctuationLead:
        if (!three_byte_tail(p, i, n)) return kNeedsRepair;
        cp = ((p[i] & 0x0F) << 12) | ((p[i + 1] & 0x3F) << 6) | (p[i + 2] & 0x3F);
        i += 3;
        break;
      default: cp = utf8::next_or_invalid(s, i);
    }
    if (cp < 0 || yaml_unwritable(cp)) return kNeedsRepair;
    if (cp <= 0xA0 || cp == 0xFEFF) {
      scan.plain_bytes = false;
      scan.escapes = true;
    }
  }
  return scan;
}

// The bytes yaml_double_quoted stops at: ASCII it escapes, and the lead
// bytes of the only multi-byte characters it may escape (C2 80..C2 A0: C1
// controls, NBSP; EF BB BF: the BOM). In valid UTF-8 none of them is ever
// inside another character, so runs between them are copied as they are.
constexpr std::array<bool, 256> kQuotedStop = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 256; ++c) t[c] = kByteClass[c] == kEscaped || kByteClass[c] == kDel || c == 0xC2 || c == 0xEF;
  return t;
}();

#ifdef __SSE2__
// Which of the 16 bytes at p are in kQuotedStop, as bits.
inline int quoted_stops(const unsigned char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  auto is = [&](int c) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(c))); };
  const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);  // below 0x20
  const __m128i stops = _mm_or_si128(_mm_or_si128(_mm_or_si128(control, is('"')), _mm_or_si128(is('\\'), is(0x7F))),
                                     _mm_or_si128(is(0xC2), is(0xEF)));
  return _mm_movemask_epi8(stops);
}
#endif

// The n bytes from s to out, for sizeof(Word) <= n <= 2 * sizeof(Word): the
// first and the last sizeof(Word) bytes, two moves that overlap unless n is
// twice the word.
template <class Word>
inline void copy_ends(char* out, const char* s, std::size_t n) {
  Word first, last;
  std::memcpy(&first, s, sizeof first);
  std::memcpy(&last, s + n - sizeof last, sizeof last);
  std::memcpy(out, &first, sizeof first);
  std::memcpy(out + n - sizeof last, &last, sizeof last);
}

// n bytes from s to out, returns out + n. The strings written are mostly
// 3-60 bytes: fixed-size moves that overlap where n is not a multiple of
// theirs cost less than a memcpy call and its size dispatch (1,700 calls a
// plan). Reads and writes stay within the n bytes.
inline char* copy_bytes(char* out, const char* s, std::size_t n) {
  if (n >= 16) {
    if (n > 128) {
      std::memcpy(out, s, n);
      return out + n;
    }
    for (std::size_t i = 0; i + 16 < n; i += 16) std::memcpy(out + i, s + i, 16);
    char last[16];
    std::memcpy(last, s + n - 16, 16);
    std::memcpy(out + n - 16, last, 16);
  } else if (n >= 8) {
    copy_ends<std::uint64_t>(out, s, n);
  } else if (n >= 4) {
    copy_ends<std::uint32_t>(out, s, n);
  } else if (n > 0) {
    out[0] = s[0];
    out[n / 2] = s[n / 2];
    out[n - 1] = s[n - 1];
  }
  return out + n;
}

// Double-quoted YAML scalar, escaped as yaml-cpp escapes it (so outputs stay
// byte-identical to the yaml-cpp emitter this writer replaced): the quote,
// backslash and common controls by name, other controls, C1 controls, NBSP
// and the BOM as \x / \u escapes; everything else raw UTF-8. Writes at
// most 4 bytes per byte of `s` (a control as \x01) and the two quotes.
char* yaml_double_quoted(char* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  *out++ = '"';
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0;; ++i) {
#ifdef __SSE2__
    while (n - i >= 16) {  // sixteen bytes a step: the strings that get here are long
      if (const int stops = quoted_stops(p + i)) {
        i += static_cast<std::size_t>(std::countr_zero(static_cast<unsigned>(stops)));
        break;
      }
      i += 16;
    }
#endif
    auto stop = [&](std::size_t k) -> unsigned { return kQuotedStop[p[k]]; };  // | below: no branch per byte
    while (n - i >= 4 && !(stop(i) | stop(i + 1) | stop(i + 2) | stop(i + 3))) i += 4;
    while (i < n && !kQuotedStop[p[i]]) ++i;
    if (i == n) break;
    const unsigned char c = p[i];
    int32_t cp = c;
    std::size_t len = 1;
    if (c == 0xC2) {
      if (i + 1 == n || p[i + 1] > 0xA0) continue;
      cp = p[i + 1];
      len = 2;
    } else if (c == 0xEF) {
      if (s.substr(i, 3) != "\xEF\xBB\xBF") continue;
      cp = 0xFEFF;
      len = 3;
    }
    out = copy_bytes(out, s.data() + run, i - run);
    auto two = [&](char a, char b) {
      out[0] = a;
      out[1] = b;
      out += 2;
    };
    switch (cp) {
      case '"': two('\\', '"'); break;
      case '\\': two('\\', '\\'); break;
      case '\n': two('\\', 'n'); break;
      case '\t': two('\\', 't'); break;
      case '\r': two('\\', 'r'); break;
      case '\b': two('\\', 'b'); break;
      default: {
        const int digits = cp <= 0xFF ? 2 : 4;
        two('\\', digits == 2 ? 'x' : 'u');
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) *out++ = kHex[(cp >> shift) & 0xF];
      }
    }
    i += len - 1;
    run = i + 1;
  }
  out = copy_bytes(out, s.data() + run, n - run);
  *out++ = '"';
  return out;
}


char* copy(char* out, std::string_view s) { return copy_bytes(out, s.data(), s.size()); }

// Block-style YAML with 2-space indentation, written straight into a string.
// The layout is yaml-cpp's (which plancmp used before; tests/value_test.cc
// checks the two agree byte for byte): `- ` items with maps continuing on the
// item's line, nested blocks on the next line indented by two, arrays of
// scalars in flow style, empty containers as [] / {}.
class YamlWriter {
 public:
  std::string take() { return std::move(out_); }

  // A value at the top of the document.
  void document(const Value& v) {
    if (is_block(v)) {
      block(v, 0);
    } else {
      inline_value(v);
    }
  }

 private:
  static bool is_flow_array(const Value& v) {
    return v.is_array() && all_scalars(v) && (v.size() > 0 || v.is_scalar_array());
  }
  // Containers written over several lines (non-empty, not flow).
  static bool is_block(const Value& v) {
    return (v.is_object() && v.size() > 0) || (v.is_array() && v.size() > 0 && !is_flow_array(v));
  }

  // An empty container not in flow style: it goes on a line of its own.
  static bool is_empty_block(const Value& v) { return !v.is_scalar() && v.size() == 0 && !is_flow_array(v); }

  void indent(int n) { out_.append(static_cast<std::size_t>(n), ' '); }

  void scalar_string(std::string_view raw, bool force_quotes, bool is_key) {
    append_yaml_string(out_, raw, force_quotes, is_key);
  }
  void integer(long long v) { append_yaml_integer(out_, v); }
  void number(double v) { append_yaml_number(out_, v); }

  // A scalar, a flow array or an empty container, on the current line.
  void inline_value(const Value& v) {
    switch (v.kind()) {
      case Value::Kind::kNull: out_ += "null"; break;
      case Value::Kind::kBool: out_ += v.as_bool() ? "true" : "false"; break;
      case Value::Kind::kInteger: integer(v.as_integer()); break;
      case Value::Kind::kNumber: number(v.as_number()); break;
      case Value::Kind::kString: scalar_string(v.as_string(), v.is_quoted(), false); break;
      case Value::Kind::kArray:
        out_ += '[';
        for (std::size_t i = 0; i < v.size(); ++i) {
          if (i) out_ += ", ";
          inline_value(v[i]);
        }
        out_ += ']';
        break;
      case Value::Kind::kObject: out_ += "{}"; break;  // only ever empty here
    }
  }

  // A block container whose first line starts at the current position (after
  // `- ` or at column `column`); later lines are indented to `column`.
  void block(const Value& v, int column) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) {
        out_ += '\n';
        indent(column);
      }
      if (v.is_object()) {
        scalar_string(v.key(i), false, /*is_key=*/true);
        out_ += ':';
        member(v[i], column);
      } else if (v[i].is_array() && !is_flow_array(v[i])) {
        out_ += "-\n";  // yaml-cpp starts a nested block list on the next line
        indent(column + 2);
        item(v[i], column + 2);
      } else {
        out_ += "- ";
        item(v[i], column + 2);
      }
    }
  }

  // The value after `key:`: inline on the same line, or a block below it.
  void member(const Value& v, int column) {
    if (is_block(v)) {
      out_ += '\n';
      indent(column + 2);
      block(v, column + 2);
    } else if (is_empty_block(v)) {
      out_ += '\n';  // an empty block container goes on its own line
      indent(column + 2);
      inline_value(v);
    } else {
      out_ += ' ';
      inline_value(v);
    }
  }

  // A sequence item after `- `.
  void item(const Value& v, int column) {
    if (is_block(v)) {
      block(v, column);
    } else {
      inline_value(v);
    }
  }

  std::string out_;
};

// ---------------------------------------------------------------- JSON

void json_escape(std::string& out, int32_t cp) {
  static constexpr char kHex[] = "0123456789abcdef";
  switch (cp) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    default:
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) out += kHex[(cp >> shift) & 0xF];
  }
}

// Control characters, DEL and the two separators JavaScript reads as line
// breaks are escaped; other non-ASCII text stays raw UTF-8.
bool json_needs_escape(int32_t cp) {
  return cp < 0x20 || cp == '"' || cp == '\\' || cp == 0x7F || cp == 0x2028 || cp == 0x2029;
}

// Copies runs of bytes that need nothing at once; only escapes and invalid
// bytes interrupt them. Most Chinese characters are told apart by their lead
// byte (kCommonLead, as for YAML); other characters are decoded.
void json_string(std::string& out, std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  out += '"';
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    const unsigned char cls = kByteClass[c];
    if (cls == kPlainByte || cls == kIndicator) {
      ++i;
      continue;
    }
    if (cls == kCommonLead && three_byte_tail(p, i, n)) {
      i += 3;
      continue;
    }
    const std::size_t start = i;
    const int32_t cp = c < 0x80 ? (++i, c) : utf8::next_or_invalid(s, i);
    if (cp >= 0 && !json_needs_escape(cp)) continue;  // stays in the run
    out.append(s.data() + run, start - run);
    if (cp < 0) {
      utf8::append(out, kReplacement);  // JSON text must be valid UTF-8
    } else {
      json_escape(out, cp);
    }
    run = i;
  }
  out.append(s.data() + run, n - run);
  out += '"';
}

class JsonWriter {
 public:
  explicit JsonWriter(int indent) : indent_(indent) {}
  std::string take() { return std::move(out_); }

  void write(const Value& v, int depth) {
    switch (v.kind()) {
      case Value::Kind::kNull: out_ += "null"; break;
      case Value::Kind::kBool: out_ += v.as_bool() ? "true" : "false"; break;
      case Value::Kind::kInteger: out_ += std::to_string(v.as_integer()); break;
      case Value::Kind::kNumber: number(v.as_number()); break;
      case Value::Kind::kString: json_string(out_, v.as_string()); break;
      case Value::Kind::kArray: container(v, depth, '[', ']'); break;
      case Value::Kind::kObject: container(v, depth, '{', '}'); break;
    }
  }

 private:
  void number(double v) {
    out_ += std::isfinite(v) ? format_number(v) : "null";  // JSON has no NaN / Infinity
  }

  // Arrays of scalars (and everything when indent_ is 0) stay on one line.
  void container(const Value& v, int depth, char open, char close) {
    const bool one_line = indent_ <= 0 || (v.is_array() && all_scalars(v));
    out_ += open;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) out_ += one_line ? ", " : ",";
      if (!one_line) newline(depth + 1);
      if (v.is_object()) {
        json_string(out_, v.key(i));
        out_ += ": ";
      }
      write(v[i], depth + 1);
    }
    if (!one_line && v.size()) newline(depth);
    out_ += close;
  }

  void newline(int depth) {
    out_ += '\n';
    out_.append(static_cast<std::size_t>(indent_ * depth), ' ');
  }

  int indent_;
  std::string out_;
};

}  // namespace

char* write_yaml_string(char* out, std::string_view s, bool quoted, bool is_key) {
  const Scan scan = scan_string(s);
  if (!scan.clean) {  // needs repair (rare): the cleaned copy is checked again
    const std::string cleaned = yaml_clean(s);
    if (quoted || !plain_is_safe(cleaned, is_key)) return yaml_double_quoted(out, cleaned);
    return copy(out, cleaned);
  }
  if (scan.escapes) return yaml_double_quoted(out, s);
  if (quoted || !scan.plain_bytes || !plain_is_safe_start(s, is_key)) {
    *out = '"';  // nothing to escape: the bytes as they are
    out = copy(out + 1, s);
    *out = '"';
    return out + 1;
  }
  return copy(out, s);
}

char* write_yaml_number(char* out, double v) {
  if (std::isnan(v)) return copy(out, ".nan");
  if (std::isinf(v)) return copy(out, v > 0 ? ".inf" : "-.inf");
  return write_number(out, v);  // digits only: plain, read back as a number
}

void append_yaml_string(std::string& out, std::string_view s, bool quoted, bool is_key) {
  const std::size_t used = out.size();
  out.resize(used + yaml_string_room(s.size()));
  out.resize(static_cast<std::size_t>(write_yaml_string(out.data() + used, s, quoted, is_key) - out.data()));
}

void append_yaml_integer(std::string& out, long long v) {
  char buf[kYamlIntegerRoom];
  out.append(buf, write_yaml_integer(buf, v));
}

void append_yaml_number(std::string& out, double v) {
  char buf[kYamlNumberRoom];
  out.append(buf, write_yaml_number(buf, v));
}

std::string to_yaml_text(const Value& v) {
  YamlWriter w;
  w.document(v);
  std::string text = w.take();
  text += '\n';
  return text;
}

std::string to_json_text(const Value& v, int indent) {
  JsonWriter w(indent);
  w.write(v, 0);
  std::string text = w.take();
  text += '\n';
  return text;
}

}  // namespace plancmp
