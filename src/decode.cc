// Stage 1: bytes -> UTF-8 text with a byte-offset map back into the file.
//
// Every encoding goes through one ICU conversion to UTF-16 (ucnv_toUnicode
// with offsets), then one pass to UTF-8 that drops the BOM and folds line ends
// while carrying the offsets along. Detection tries UTF-8 first, then
// GB18030, then ICU's charset detector. Lines of mojibake (Chinese once read
// as windows-1252) are then repaired in the UTF-8 text.
#include "plancmp/decode.h"

#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>
#include <unicode/uscript.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "utf8_util.h"

namespace plancmp {

namespace {

// Below this share of invalid bytes a decoding is "text with a few broken
// bytes" rather than the wrong encoding.
constexpr double kMaxInvalidShare = 0.02;
// Above this share of C0 control bytes the input is not text.
constexpr double kMaxControlShare = 0.10;
// The detector only looks at the start of the input anyway.
constexpr size_t kDetectorSampleBytes = 64 * 1024;
// Below this the detector's guess of a non-GB CJK encoding is noise.
constexpr int32_t kMinConfidence = 50;
// Past this many runs a file is garbage; one summary beats a wall of warnings.
constexpr size_t kMaxInvalidWarnings = 100;

struct ConverterCloser {
  void operator()(UConverter* c) const { ucnv_close(c); }
};
using ConverterPtr = std::unique_ptr<UConverter, ConverterCloser>;

struct DetectorCloser {
  void operator()(UCharsetDetector* d) const { ucsdet_close(d); }
};

// One run of consecutive invalid input bytes, replaced by a single U+FFFD.
struct InvalidRun {
  int32_t output_index = 0;  // index of its U+FFFD in the UTF-16 output
  int32_t length = 0;        // invalid bytes in the run
  long long byte = -1;       // input offset of the first invalid byte
};

// The UTF-16 result of one ICU conversion.
struct Conversion {
  std::vector<UChar> text;
  std::vector<int32_t> offsets;  // per UTF-16 unit: input offset of its character
  std::vector<InvalidRun> invalid;
  long long invalid_bytes = 0;
};

// ---------------------------------------------------------------------------
// ICU conversion

ConverterPtr open_converter(const std::string& name) {
  UErrorCode status = U_ZERO_ERROR;
  ConverterPtr converter(ucnv_open(name.c_str(), &status));
  if (U_FAILURE(status)) return nullptr;
  return converter;
}

struct CallbackContext {
  const UChar* target_start;
  std::vector<InvalidRun>* runs;
};

// ToU callback: substitutes U+FFFD once per run of invalid bytes and records
// where the run's U+FFFD went, so its input offset can be read from the
// offsets array afterwards (ICU fixes up callback offsets for us).
void U_CALLCONV record_invalid(const void* context, UConverterToUnicodeArgs* args,
                               const char* /*code_units*/, int32_t length,
                               UConverterCallbackReason reason, UErrorCode* err) {
  if (reason > UCNV_IRREGULAR) return;  // reset/close/clone: nothing to repair
  auto* ctx = static_cast<const CallbackContext*>(context);
  const auto at = static_cast<int32_t>(args->target - ctx->target_start);
  *err = U_ZERO_ERROR;
  // Nothing written since the previous run's U+FFFD: the bytes are adjacent.
  if (!ctx->runs->empty() && ctx->runs->back().output_index == at - 1) {
    ctx->runs->back().length += length;
    return;
  }
  ctx->runs->push_back({at, length, -1});
  static const UChar kReplacement = 0xFFFD;
  ucnv_cbToUWriteUChars(args, &kReplacement, 1, 0, err);
}

// Converts all of `bytes` to UTF-16 in one call so offsets are file offsets.
Conversion convert(UConverter* converter, std::string_view bytes) {
  Conversion out;
  // One UTF-16 unit per input byte covers UTF-8, UTF-16/32 and GB18030;
  // retry with more room for converters that expand further.
  size_t capacity = bytes.size() + 16;
  for (;;) {
    out.text.assign(capacity, 0);
    out.offsets.assign(capacity, -1);
    out.invalid.clear();
    CallbackContext context{out.text.data(), &out.invalid};
    UErrorCode status = U_ZERO_ERROR;
    ucnv_resetToUnicode(converter);
    ucnv_setToUCallBack(converter, record_invalid, &context, nullptr, nullptr, &status);
    UChar* target = out.text.data();
    const char* source = bytes.data();
    ucnv_toUnicode(converter, &target, target + capacity, &source, source + bytes.size(),
                   out.offsets.data(), /*flush=*/true, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) {
      capacity *= 2;
      continue;
    }
    if (U_FAILURE(status)) throw std::runtime_error(u_errorName(status));
    const auto written = static_cast<size_t>(target - out.text.data());
    out.text.resize(written);
    out.offsets.resize(written);
    break;
  }
  for (InvalidRun& run : out.invalid) {
    if (static_cast<size_t>(run.output_index) < out.offsets.size()) {
      run.byte = out.offsets[static_cast<size_t>(run.output_index)];
    }
    out.invalid_bytes += run.length;
  }
  return out;
}

Conversion convert_named(const std::string& name, std::string_view bytes) {
  ConverterPtr converter = open_converter(name);
  if (!converter) throw std::runtime_error("ICU has no converter " + name);
  return convert(converter.get(), bytes);
}

double invalid_share(const Conversion& c, std::string_view bytes) {
  return bytes.empty() ? 0.0 : static_cast<double>(c.invalid_bytes) / bytes.size();
}

// Non-ASCII characters that decoded cleanly: evidence the encoding is right.
size_t valid_non_ascii(const Conversion& c) {
  size_t count = 0;
  for (UChar u : c.text) count += (u >= 0x80 && !U16_IS_TRAIL(u)) ? 1 : 0;
  return count - std::min(count, c.invalid.size());  // minus the U+FFFDs
}

// ---------------------------------------------------------------------------
// Refusing what is not text

std::string not_text(const std::string& reason) { return "not a text file: " + reason; }

// Signatures of the binary formats a policy document is most likely to
// arrive as by mistake.
std::string binary_signature(std::string_view bytes) {
  struct Magic {
    std::string_view bytes;
    const char* what;
  };
  static const Magic kMagics[] = {
      {"\x89PNG\r\n\x1a\n", "a PNG image"},
      {"\xFF\xD8\xFF", "a JPEG image"},
      {"GIF87a", "a GIF image"},
      {"GIF89a", "a GIF image"},
      {"%PDF-", "a PDF document"},
      {"PK\x03\x04", "a ZIP archive (or .docx/.xlsx)"},
      {"PK\x05\x06", "a ZIP archive"},
      {"\x1F\x8B", "a gzip archive"},
      {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "an OLE2 document (.doc/.xls/.wps)"},
      {"Rar!\x1A\x07", "a RAR archive"},
      {"7z\xBC\xAF\x27\x1C", "a 7-Zip archive"},
      {"\x7F"
       "ELF",
       "an ELF executable"},
  };
  for (const Magic& magic : kMagics) {
    if (bytes.substr(0, magic.bytes.size()) == magic.bytes) return magic.what;
  }
  return {};
}

bool is_text_control(unsigned c) { return c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

template <typename Unit>
void check_control_share(const std::vector<Unit>& units, const std::string& file_name) {
  size_t controls = 0;
  for (Unit u : units) {
    const auto c = static_cast<unsigned>(u);
    controls += (c < 0x20 && !is_text_control(c)) ? 1 : 0;
  }
  if (units.empty() || controls <= kMaxControlShare * units.size()) return;
  const int percent = static_cast<int>(100.0 * controls / units.size() + 0.5);
  throw InputError(file_name,
                   not_text(std::to_string(percent) + "% of it is control characters"));
}

// Checks for byte-oriented encodings (everything but UTF-16/32).
void check_bytes_are_text(std::string_view bytes, const std::string& file_name) {
  const size_t nul = bytes.find('\0');
  if (nul != std::string_view::npos) {
    throw InputError(file_name, not_text("NUL byte at byte " + std::to_string(nul) +
                                         " (UTF-16 without a byte-order mark? give the "
                                         "encoding explicitly)"));
  }
  size_t controls = 0;
  for (char b : bytes) {
    const auto c = static_cast<unsigned char>(b);
    controls += (c < 0x20 && !is_text_control(c)) ? 1 : 0;
  }
  if (controls <= kMaxControlShare * bytes.size()) return;
  const int percent = static_cast<int>(100.0 * controls / bytes.size() + 0.5);
  throw InputError(file_name,
                   not_text(std::to_string(percent) + "% of it is control characters"));
}

// ---------------------------------------------------------------------------
// Choosing the encoding

// The encoding a byte-order mark announces, or empty.
std::string bom_encoding(std::string_view bytes) {
  auto starts = [&](std::string_view prefix) { return bytes.substr(0, prefix.size()) == prefix; };
  using namespace std::string_view_literals;
  if (starts("\xEF\xBB\xBF"sv)) return "UTF-8";
  if (starts("\xFF\xFE\0\0"sv)) return "UTF-32LE";
  if (starts("\0\0\xFE\xFF"sv)) return "UTF-32BE";
  if (starts("\xFF\xFE"sv)) return "UTF-16LE";
  if (starts("\xFE\xFF"sv)) return "UTF-16BE";
  return {};
}

std::string ascii_upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Names of the simplified-Chinese family GB18030 is a superset of.
bool is_gb_family(const std::string& name) {
  const std::string upper = ascii_upper(name);
  return upper.rfind("GB", 0) == 0 || upper == "EUC-CN" || upper.find("936") != std::string::npos;
}

bool is_unicode_family(const std::string& name) { return ascii_upper(name).rfind("UTF", 0) == 0; }

struct Detected {
  std::string name;  // empty: no guess
  int confidence = 0;
};

// ICU's best guess for the charset. Weak on short texts.
Detected detect_charset(std::string_view bytes) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UCharsetDetector, DetectorCloser> detector(ucsdet_open(&status));
  if (U_FAILURE(status)) return {};
  const size_t sample = std::min(bytes.size(), kDetectorSampleBytes);
  ucsdet_setText(detector.get(), bytes.data(), static_cast<int32_t>(sample), &status);
  const UCharsetMatch* match = ucsdet_detect(detector.get(), &status);
  if (U_FAILURE(status) || match == nullptr) return {};
  const char* name = ucsdet_getName(match, &status);
  const int32_t confidence = ucsdet_getConfidence(match, &status);
  if (U_FAILURE(status) || name == nullptr) return {};
  return {name, confidence};
}

// Big5, Shift_JIS and EUC text usually decodes "cleanly" as GB18030 too, as
// mojibake; ICU's frequency statistics tell them apart when it is sure.
bool is_confident_other_cjk(const Detected& d) {
  static const std::string_view kOthers[] = {"Big5", "Shift_JIS", "EUC-JP", "EUC-KR"};
  return d.confidence >= kMinConfidence &&
         std::find(std::begin(kOthers), std::end(kOthers), d.name) != std::end(kOthers);
}

struct Chosen {
  std::string encoding;
  Conversion conversion;
};

// For bytes that are not valid UTF-8. UTF-8 with stray bytes is common (a
// damaged download), so strong UTF-8 evidence wins; otherwise GB18030 is the
// usual encoding of Chinese documents, and a clean GB18030 decoding beats the
// detector's Latin guesses on short texts.
Chosen choose_for_invalid_utf8(std::string_view bytes, Conversion utf8) {
  const bool utf8_nearly_clean = invalid_share(utf8, bytes) < kMaxInvalidShare;
  const size_t utf8_evidence = valid_non_ascii(utf8);
  if (utf8_nearly_clean && utf8_evidence >= 4 * utf8.invalid.size()) {
    return {"UTF-8", std::move(utf8)};
  }
  const Detected detected = detect_charset(bytes);
  if (is_confident_other_cjk(detected)) {
    Conversion other = convert_named(detected.name, bytes);
    if (other.invalid_bytes == 0) return {detected.name, std::move(other)};
  }
  Conversion gb = convert_named("GB18030", bytes);
  if (gb.invalid_bytes == 0 ||
      (is_gb_family(detected.name) && gb.invalid_bytes < utf8.invalid_bytes)) {
    return {"GB18030", std::move(gb)};
  }
  if (utf8_nearly_clean) return {"UTF-8", std::move(utf8)};
  if (invalid_share(gb, bytes) < kMaxInvalidShare) return {"GB18030", std::move(gb)};
  // A single-byte guess decodes anything, so it only wins when UTF-8 has less
  // evidence for itself than against.
  if (!detected.name.empty() && !is_unicode_family(detected.name) &&
      utf8_evidence < utf8.invalid.size()) {
    if (ConverterPtr other = open_converter(detected.name)) {
      return {detected.name, convert(other.get(), bytes)};
    }
  }
  return {"UTF-8", std::move(utf8)};
}

// ---------------------------------------------------------------------------
// UTF-16 -> UTF-8 with offsets

void append_utf8(UChar32 c, long long from, DecodedText& out) {
  char buffer[U8_MAX_LENGTH];
  int32_t length = 0;
  U8_APPEND_UNSAFE(buffer, length, c);
  out.utf8.append(buffer, static_cast<size_t>(length));
  out.input_offset.insert(out.input_offset.end(), static_cast<size_t>(length), from);
}

// Appends `c` (offsets already input offsets) to `out`. Drops a BOM at the
// start of the text and turns CRLF and lone CR into LF; a folded line end
// maps to the offset of its CR.
void append_utf16(const Conversion& c, DecodedText& out) {
  const size_t n = c.text.size();
  size_t i = (n > 0 && c.text[0] == 0xFEFF && out.utf8.empty()) ? 1 : 0;
  long long last = out.input_offset.empty() ? 0 : out.input_offset.back();
  while (i < n) {
    // -1 means ICU could not tell; the previous character's start is close.
    const long long from = c.offsets[i] >= 0 ? c.offsets[i] : last;
    last = from;
    UChar32 cp = c.text[i++];
    if (U16_IS_LEAD(cp) && i < n && U16_IS_TRAIL(c.text[i])) {
      cp = U16_GET_SUPPLEMENTARY(cp, c.text[i++]);
    } else if (U16_IS_SURROGATE(cp)) {
      cp = 0xFFFD;
    }
    if (cp == '\r') {
      cp = '\n';
      if (i < n && c.text[i] == '\n') ++i;
    }
    append_utf8(cp, from, out);
  }
}

void to_utf8(const Conversion& c, size_t input_size, DecodedText& out) {
  const size_t n = c.text.size();
  out.utf8.reserve(n + n / 2);
  out.input_offset.reserve(n + n / 2 + 1);
  append_utf16(c, out);
  out.input_offset.push_back(static_cast<long long>(input_size));
}

// ---------------------------------------------------------------------------
// Valid UTF-8 (the usual input): no conversion needed

// What to_utf8() makes of ICU's conversion of valid UTF-8: the same bytes,
// CRLF and lone CR as LF (at the CR's offset), each byte mapped to the offset
// of its character.
void copy_utf8(std::string_view bytes, DecodedText& out) {
  if (std::memchr(bytes.data(), '\r', bytes.size()) == nullptr) {
    // No line end to rewrite (the usual case): the text is the bytes, and each
    // byte maps to the start of its character (bytes is valid UTF-8).
    out.utf8.assign(bytes);
    out.input_offset.resize(bytes.size() + 1);
    long long start = 0;
    for (size_t i = 0; i < bytes.size(); ++i) {
      if ((static_cast<unsigned char>(bytes[i]) & 0xC0) != 0x80) start = static_cast<long long>(i);
      out.input_offset[i] = start;
    }
    out.input_offset[bytes.size()] = static_cast<long long>(bytes.size());
    return;
  }
  out.utf8.reserve(bytes.size());
  out.input_offset.reserve(bytes.size() + 1);
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t n = bytes.size();
  for (size_t i = 0; i < n;) {
    const auto from = static_cast<long long>(i);
    if (p[i] == '\r') {
      out.utf8.push_back('\n');
      out.input_offset.push_back(from);
      i += (i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    const size_t len = p[i] < 0x80 ? 1 : p[i] < 0xE0 ? 2 : p[i] < 0xF0 ? 3 : 4;
    out.utf8.append(bytes.data() + i, len);
    out.input_offset.insert(out.input_offset.end(), len, from);
    i += len;
  }
  out.input_offset.push_back(static_cast<long long>(n));
}

// ---------------------------------------------------------------------------
// Warnings

Warning invalid_bytes_warning(const std::string& file_name, const std::string& encoding,
                              long long byte) {
  Warning w;
  w.code = "invalid-bytes";
  w.message = file_name + ": invalid " + encoding + " bytes at byte " + std::to_string(byte) +
              " replaced with U+FFFD";
  w.byte = byte;
  return w;
}

// Fills in the 1-based line and code-point column where each warning's byte
// landed in the output. Warnings are in input order, so one pass suffices.
void locate_warnings(const DecodedText& text, std::vector<Warning>& warnings) {
  const auto offsets_end = text.input_offset.end() - 1;  // last entry is the file size
  size_t pos = 0;
  int line = 1;
  int column = 1;
  for (Warning& w : warnings) {
    const auto found = std::lower_bound(text.input_offset.begin(), offsets_end, w.byte);
    const auto target = static_cast<size_t>(found - text.input_offset.begin());
    for (; pos < target; ++pos) {
      const auto b = static_cast<unsigned char>(text.utf8[pos]);
      if (b == '\n') {
        ++line;
        column = 1;
      } else if ((b & 0xC0) != 0x80) {
        ++column;
      }
    }
    w.line = line;
    w.column = column;
  }
}

std::vector<Warning> invalid_warnings(const Conversion& c, const std::string& file_name,
                                      const std::string& encoding) {
  std::vector<Warning> warnings;
  for (const InvalidRun& run : c.invalid) {
    if (warnings.size() == kMaxInvalidWarnings) {
      Warning more = invalid_bytes_warning(file_name, encoding, run.byte);
      more.message = file_name + ": " + std::to_string(c.invalid.size() - kMaxInvalidWarnings) +
                     " more runs of invalid " + encoding + " bytes from byte " +
                     std::to_string(run.byte) + " replaced with U+FFFD";
      warnings.push_back(std::move(more));
      break;
    }
    warnings.push_back(invalid_bytes_warning(file_name, encoding, run.byte));
  }
  return warnings;
}

// ---------------------------------------------------------------------------
// Mojibake repair
//
// Chinese text whose bytes were once read as windows-1252 or ISO-8859-1 and
// saved again shows up as Latin-1 letters ("å®‰åº·" for 安康). Such a line is
// mapped back to the bytes that reader saw and decoded again; the repair is
// kept only when the result is clearly Chinese, so Latin text stays as it is.
// Lines are the unit: mis-reading never touches '\n', and a line holding
// characters no single-byte reader produces (Han, say) was not mis-read whole.

// Encodings whose bytes are tried, strictest first: random bytes are rarely
// valid UTF-8, while GB18030 pairs up almost any two high bytes.
constexpr const char* kMisreadSources[] = {"UTF-8", "GB18030"};
// Lost characters (U+FFFD) a repair may contain, per Han character: "nearly"
// clean, for pages where a few bytes did not survive.
constexpr size_t kHanPerLostCharacter = 20;

// windows-1252 bytes 0x80-0x9F that are not C1 controls; its five unassigned
// bytes read as C1 controls, as browsers and ICU do.
struct SpecialByte {
  UChar32 code_point;
  unsigned char byte;
};
constexpr SpecialByte kWindows1252Specials[] = {
    {0x20AC, 0x80}, {0x201A, 0x82}, {0x0192, 0x83}, {0x201E, 0x84}, {0x2026, 0x85},
    {0x2020, 0x86}, {0x2021, 0x87}, {0x02C6, 0x88}, {0x2030, 0x89}, {0x0160, 0x8A},
    {0x2039, 0x8B}, {0x0152, 0x8C}, {0x017D, 0x8E}, {0x2018, 0x91}, {0x2019, 0x92},
    {0x201C, 0x93}, {0x201D, 0x94}, {0x2022, 0x95}, {0x2013, 0x96}, {0x2014, 0x97},
    {0x02DC, 0x98}, {0x2122, 0x99}, {0x0161, 0x9A}, {0x203A, 0x9B}, {0x0153, 0x9C},
    {0x017E, 0x9E}, {0x0178, 0x9F},
};

// The byte a windows-1252/ISO-8859-1 reader turned into `c`, or -1.
int misread_byte(UChar32 c) {
  if (c >= 0 && c <= 0xFF) return c;
  if (c == 0xFFFD) return 0xFF;  // a byte the reader dropped stays lost
  if (c > 0x2122) return -1;     // past the last special (most of a Chinese line)
  for (const SpecialByte& s : kWindows1252Specials) {
    if (s.code_point == c) return s.byte;
  }
  return -1;
}

bool is_ascii_letter(UChar32 c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

struct LineScan {
  size_t latin = 0;  // U+0080-U+00FF and windows-1252 specials
  size_t ascii_letters = 0;
  bool non_ascii = false;
  bool unmappable = false;  // holds a character no single-byte reader makes
  bool c1 = false;          // U+0080-U+009F: maybe an ISO-8859-1 reader
  bool special = false;     // only a windows-1252 reader makes these
};

LineScan scan_line(std::string_view line) {
  LineScan s;
  const auto n = static_cast<int32_t>(line.size());
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U8_NEXT(line.data(), i, n, c);
    if (c >= 0 && c < 0x80) {
      s.ascii_letters += is_ascii_letter(c) ? 1 : 0;
      continue;
    }
    s.non_ascii = true;
    if (c == 0xFFFD) continue;
    if (misread_byte(c) < 0) {
      // No mojibake then: the rest of the scan cannot change the verdict.
      s.unmappable = true;
      break;
    }
    ++s.latin;
    s.c1 |= c < 0xA0;
    s.special |= c > 0xFF;
  }
  return s;
}

// Latin-1 outnumbers ASCII letters: Chinese turns into 2-3 Latin-1
// characters each, while French or German stays mostly ASCII.
bool may_be_mojibake(const LineScan& s) {
  return !s.unmappable && s.latin >= 2 && s.latin >= s.ascii_letters;
}

// The bytes the mis-reader saw, each with the input offset of the character
// it became.
struct MisreadBytes {
  std::string bytes;
  std::vector<long long> from;
};

MisreadBytes unread(std::string_view line, const long long* offsets) {
  MisreadBytes out;
  const auto n = static_cast<int32_t>(line.size());
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(line.data(), i, n, c);
    out.bytes.push_back(static_cast<char>(misread_byte(c)));
    out.from.push_back(offsets[start]);
  }
  return out;
}

// CJK and general punctuation (、。“”—…) read the same in Chinese and Latin
// text, so they count for neither.
bool is_neutral(UChar32 c) {
  if (c < 0x80) return !is_ascii_letter(c);
  return c == 0xFFFD || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF) ||
         (c >= 0x2010 && c <= 0x203B);
}

// At least two different Han characters, twice as many as anything else
// (letters, symbols) and next to no lost bytes. Repeated leader dots or a
// few accented capitals can decode to one or two Han by chance; a sentence
// cannot.
bool reads_as_chinese(const Conversion& c) {
  size_t han = 0, other = 0;
  UChar32 first_han = -1;
  bool distinct = false;
  const auto n = static_cast<int32_t>(c.text.size());
  for (int32_t i = 0; i < n;) {
    UChar32 cp;
    U16_NEXT(c.text.data(), i, n, cp);
    if (is_neutral(cp)) continue;
    UErrorCode status = U_ZERO_ERROR;
    if (uscript_getScript(cp, &status) != USCRIPT_HAN) {
      ++other;
      continue;
    }
    ++han;
    if (first_han < 0) first_han = cp;
    distinct |= cp != first_han;
  }
  return distinct && han >= 2 * other && c.invalid.size() * kHanPerLostCharacter <= han;
}

// Converters for the encodings in kMisreadSources, opened on first use.
class Unmisreader {
 public:
  struct Repair {
    Conversion text;  // offsets are input offsets
    size_t source;    // index into kMisreadSources
  };
  std::optional<Repair> repair(std::string_view line, const long long* offsets);

 private:
  ConverterPtr converters_[std::size(kMisreadSources)];
};

std::optional<Unmisreader::Repair> Unmisreader::repair(std::string_view line,
                                                       const long long* offsets) {
  const MisreadBytes raw = unread(line, offsets);
  for (size_t s = 0; s < std::size(kMisreadSources); ++s) {
    if (!converters_[s]) converters_[s] = open_converter(kMisreadSources[s]);
    if (!converters_[s]) continue;
    Conversion c = convert(converters_[s].get(), raw.bytes);
    if (!reads_as_chinese(c)) continue;
    for (int32_t& o : c.offsets) {
      if (o >= 0) o = static_cast<int32_t>(raw.from[static_cast<size_t>(o)]);
    }
    return Repair{std::move(c), s};
  }
  return std::nullopt;
}

// One warning per run of repaired lines from the same source encoding. Lines
// without non-ASCII characters in between do not end a run: they read the
// same either way.
class RepairRuns {
 public:
  explicit RepairRuns(const std::string& file_name) : file_name_(file_name) {}
  void repaired(int line, long long byte, size_t source, const LineScan& scan);
  void untouched(const LineScan& scan) {
    if (scan.non_ascii) close();
  }
  std::vector<Warning> finish() {
    close();
    return std::move(warnings_);
  }

 private:
  void close();

  const std::string& file_name_;
  std::vector<Warning> warnings_;
  bool open_ = false;
  Warning run_;
  int last_line_ = 0;
  size_t source_ = 0;
  bool c1_ = false, special_ = false;
};

void RepairRuns::repaired(int line, long long byte, size_t source, const LineScan& scan) {
  if (open_ && source != source_) close();
  if (!open_) {
    open_ = true;
    run_ = Warning{"mojibake-repaired", {}, line, 1, byte};
    source_ = source;
    c1_ = special_ = false;
  }
  last_line_ = line;
  c1_ |= scan.c1;
  special_ |= scan.special;
}

void RepairRuns::close() {
  if (!open_) return;
  open_ = false;
  // C1 controls without windows-1252's specials point at an ISO-8859-1 reader;
  // with neither, both readers give the same text and windows-1252 is likelier.
  const char* reader = (c1_ && !special_) ? "ISO-8859-1" : "windows-1252";
  const std::string lines = last_line_ == run_.line
                                ? "line " + std::to_string(run_.line)
                                : "lines " + std::to_string(run_.line) + "-" +
                                      std::to_string(last_line_);
  run_.message = file_name_ + ": " + lines + ": repaired mojibake (" +
                 kMisreadSources[source_] + " read as " + reader + ")";
  warnings_.push_back(std::move(run_));
}

struct RepairedLine {
  size_t begin = 0, end = 0;  // byte range of the line in the text
  Conversion text;
};

// Replaces each repaired line of `text`, keeping everything else byte for byte.
void splice(DecodedText& text, const std::vector<RepairedLine>& repairs) {
  DecodedText out;
  out.utf8.reserve(text.utf8.size());
  out.input_offset.reserve(text.input_offset.size());
  size_t copied = 0;
  auto copy_to = [&](size_t end) {
    out.utf8.append(text.utf8, copied, end - copied);
    out.input_offset.insert(out.input_offset.end(), text.input_offset.begin() + copied,
                            text.input_offset.begin() + end);
  };
  for (const RepairedLine& r : repairs) {
    copy_to(r.begin);
    append_utf16(r.text, out);
    copied = r.end;
  }
  copy_to(text.utf8.size());
  out.input_offset.push_back(text.input_offset.back());
  text.utf8 = std::move(out.utf8);
  text.input_offset = std::move(out.input_offset);
}

// Repairs mis-read lines in place; returns one warning per run of them.
std::vector<Warning> repair_mojibake(DecodedText& text, const std::string& file_name) {
  Unmisreader unmisreader;
  RepairRuns runs(file_name);
  std::vector<RepairedLine> repairs;
  const std::string_view all = text.utf8;
  int line = 1;
  for (size_t begin = 0; begin < all.size(); ++line) {
    const size_t end = std::min(all.find('\n', begin), all.size());
    const std::string_view content = all.substr(begin, end - begin);
    const LineScan scan = scan_line(content);
    const long long* offsets = text.input_offset.data() + begin;
    auto repair = may_be_mojibake(scan) ? unmisreader.repair(content, offsets) : std::nullopt;
    if (repair) {
      runs.repaired(line, offsets[0], repair->source, scan);
      repairs.push_back({begin, end, std::move(repair->text)});
    } else {
      runs.untouched(scan);
    }
    begin = end + 1;
  }
  if (!repairs.empty()) splice(text, repairs);
  return runs.finish();
}

// Would repair_mojibake() look at any line of `text` (valid UTF-8, LF line
// ends)? `line_ends`: the offsets of all its '\n's, in order (validation
// found them already: no search for them again).
bool has_mojibake_line(std::string_view text, const std::vector<std::uint32_t>& line_ends) {
  size_t begin = 0;
  for (const std::uint32_t end : line_ends) {
    if (may_be_mojibake(scan_line(text.substr(begin, end - begin)))) return true;
    begin = end + 1;
  }
  return begin < text.size() && may_be_mojibake(scan_line(text.substr(begin)));
}

// Readers go through warnings top to bottom, whatever stage found them.
void merge_by_line(std::vector<Warning>& warnings, std::vector<Warning> more) {
  warnings.insert(warnings.end(), std::make_move_iterator(more.begin()),
                  std::make_move_iterator(more.end()));
  std::stable_sort(warnings.begin(), warnings.end(), [](const Warning& a, const Warning& b) {
    return std::pair(a.line, a.column) < std::pair(b.line, b.column);
  });
}

DecodedText finish(std::string encoding, const Conversion& c, std::string_view bytes,
                   const std::string& file_name) {
  DecodedText out;
  out.encoding = std::move(encoding);
  to_utf8(c, bytes.size(), out);
  std::vector<Warning> repaired = repair_mojibake(out, file_name);
  out.warnings = invalid_warnings(c, file_name, out.encoding);
  locate_warnings(out, out.warnings);
  merge_by_line(out.warnings, std::move(repaired));
  return out;
}

// Multi-byte-unit encodings legitimately contain NULs and control bytes, so
// they are judged on the decoded units instead.
bool is_wide(UConverter* converter) { return ucnv_getMinCharSize(converter) > 1; }

DecodedText decode_as(const std::string& name, std::string_view bytes,
                      const std::string& file_name) {
  ConverterPtr converter = open_converter(name);
  if (!converter) throw InputError(file_name, "unknown encoding '" + name + "'");
  const bool wide = is_wide(converter.get());
  if (!wide) check_bytes_are_text(bytes, file_name);
  Conversion c = convert(converter.get(), bytes);
  if (wide) check_control_share(c.text, file_name);
  return finish(name, c, bytes, file_name);
}

}  // namespace

DecodedText decode(std::string_view bytes, const std::string& file_name,
                   const DecodeOptions& options) {
  const std::string& override_name = options.encoding_override;
  if (!override_name.empty() && !open_converter(override_name)) {
    throw InputError(file_name, "unknown encoding '" + override_name + "'");
  }
  if (bytes.empty()) {
    DecodedText empty;
    empty.encoding = override_name.empty() ? "UTF-8" : override_name;
    empty.input_offset = {0};
    return empty;
  }
  if (options.max_input_bytes > 0 && bytes.size() > options.max_input_bytes) {
    throw InputError(file_name, "file too large: " + std::to_string(bytes.size()) +
                                    " bytes, over the input size limit of " +
                                    std::to_string(options.max_input_bytes) + " bytes");
  }
  if (bytes.size() > static_cast<size_t>(INT32_MAX)) {
    throw InputError(file_name, "file too large (over 2 GB)");
  }
  if (const std::string what = binary_signature(bytes); !what.empty()) {
    throw InputError(file_name, not_text("looks like " + what));
  }
  if (!override_name.empty()) return decode_as(override_name, bytes, file_name);
  if (const std::string bom = bom_encoding(bytes); !bom.empty()) {
    return decode_as(bom, bytes, file_name);
  }
  // One pass over the usual input: well-formed UTF-8, its control bytes
  // counted on the way. Anything else gets check_bytes_are_text()'s verdict.
  // Line ends and CRs are controls too: noted here, not searched for again.
  std::size_t controls = 0;
  bool nul = false, cr = false;
  std::vector<std::uint32_t> line_ends;  // (input under 2 GB)
  const bool valid_utf8 = utf8::is_valid(bytes, [&](std::size_t i) {
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (c == '\n') {
      line_ends.push_back(static_cast<std::uint32_t>(i));
      return;
    }
    nul |= c == 0;
    cr |= c == '\r';
    controls += is_text_control(c) ? 0 : 1;
  });
  if (!valid_utf8 || nul || controls > kMaxControlShare * bytes.size()) check_bytes_are_text(bytes, file_name);
  if (valid_utf8) {
    // As finish() with a clean UTF-8 conversion: no invalid-byte warnings.
    DecodedText out;
    out.encoding = "UTF-8";
    // (valid: every control byte was seen)
    if (!options.input_offsets && !cr && !has_mojibake_line(bytes, line_ends)) {
      out.utf8.assign(bytes);  // nothing to rewrite, repair or map
      return out;
    }
    copy_utf8(bytes, out);
    merge_by_line(out.warnings, repair_mojibake(out, file_name));
    return out;
  }
  Conversion utf8 = convert_named("UTF-8", bytes);
  if (utf8.invalid.empty()) return finish("UTF-8", utf8, bytes, file_name);
  Chosen chosen = choose_for_invalid_utf8(bytes, std::move(utf8));
  return finish(chosen.encoding, chosen.conversion, bytes, file_name);
}

}  // namespace plancmp
