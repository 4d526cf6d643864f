#include "plancmp/decode.h"

#include <doctest/doctest.h>
#include <unicode/ucnv.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

using plancmp::decode;
using plancmp::DecodedText;
using plancmp::DecodeOptions;
using plancmp::InputError;

namespace {

std::string read_corpus(const std::string& name) {
  std::ifstream in(std::string(PLANCMP_SOURCE_DIR "/corpus/") + name, std::ios::binary);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

const std::string& ankang() {
  static const std::string text = read_corpus("ankang-2023.txt");
  return text;
}

// UTF-8 -> `encoding` with ICU, independently of decode().
std::string encode(const std::string& utf8, const char* encoding) {
  std::string out(utf8.size() * 4 + 16, '\0');
  UErrorCode status = U_ZERO_ERROR;
  const int32_t length = ucnv_convert(encoding, "UTF-8", out.data(), static_cast<int32_t>(out.size()),
                                      utf8.data(), static_cast<int32_t>(utf8.size()), &status);
  REQUIRE(U_SUCCESS(status));
  out.resize(static_cast<size_t>(length));
  return out;
}

// Byte offset where 1-based line `line` starts in LF-terminated `text`.
size_t line_start(const std::string& text, int line) {
  size_t pos = 0;
  for (int i = 1; i < line; ++i) pos = text.find('\n', pos) + 1;
  return pos;
}

// Lines of `text`, the last one counted even without a line end.
int line_count(const std::string& text) {
  const auto ends = std::count(text.begin(), text.end(), '\n');
  return static_cast<int>(ends) + (!text.empty() && text.back() != '\n' ? 1 : 0);
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = text.find(from, pos)) != std::string::npos; pos += to.size()) {
    text.replace(pos, from.size(), to);
  }
  return text;
}

// `bytes` read as `charset` and saved as UTF-8, as a mis-configured scraper
// or PDF converter does.
std::string misread(const std::string& bytes, const char* charset) {
  std::string out(bytes.size() * 3 + 16, '\0');
  UErrorCode status = U_ZERO_ERROR;
  const int32_t length = ucnv_convert("UTF-8", charset, out.data(), static_cast<int32_t>(out.size()),
                                      bytes.data(), static_cast<int32_t>(bytes.size()), &status);
  REQUIRE(U_SUCCESS(status));
  out.resize(static_cast<size_t>(length));
  return out;
}

// Chinese `utf8` stored as `source`, then mis-read as `reader`.
std::string mojibake(const std::string& utf8, const char* source, const char* reader = "windows-1252") {
  return misread(encode(utf8, source), reader);
}

// `text` with its 1-based lines `first`..`last` turned into mojibake.
std::string damage_lines(const std::string& text, int first, int last, const char* source,
                         const char* reader = "windows-1252") {
  const size_t begin = line_start(text, first);
  const size_t end = line_start(text, last + 1);
  return text.substr(0, begin) + mojibake(text.substr(begin, end - begin), source, reader) +
         text.substr(end);
}

// Invariants every decode result has, whatever the encoding.
void check_offsets_sane(const DecodedText& d, const std::string& bytes) {
  REQUIRE(d.input_offset.size() == d.utf8.size() + 1);
  CHECK(d.input_offset.back() == static_cast<long long>(bytes.size()));
  CHECK(std::is_sorted(d.input_offset.begin(), d.input_offset.end()));
  // The bytes of one UTF-8 character share its offset.
  for (size_t i = 1; i < d.utf8.size(); ++i) {
    if ((static_cast<unsigned char>(d.utf8[i]) & 0xC0) == 0x80) {
      REQUIRE(d.input_offset[i] == d.input_offset[i - 1]);
    }
  }
}

// Decoding `bytes` (the corpus in another form) gives back the corpus, and the
// start of line 10 maps to where line 10 starts in `bytes`.
void check_round_trip(const std::string& bytes, const std::string& expected_encoding,
                      size_t expected_line10_offset) {
  const DecodedText d = decode(bytes, "ankang.txt");
  CHECK(d.encoding == expected_encoding);
  CHECK(d.warnings.empty());
  CHECK(d.utf8 == ankang());
  check_offsets_sane(d, bytes);
  CHECK(d.input_offset[line_start(ankang(), 10)] == static_cast<long long>(expected_line10_offset));
}

template <typename F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no InputError)";
}

}  // namespace

TEST_CASE("a UTF-8 file decodes unchanged with every character mapped to its own offset") {
  const DecodedText d = decode(ankang(), "ankang.txt");
  CHECK(d.encoding == "UTF-8");
  CHECK(d.warnings.empty());
  CHECK(d.utf8 == ankang());
  check_offsets_sane(d, ankang());
  size_t char_start = 0;
  for (size_t i = 0; i < d.utf8.size(); ++i) {
    if ((static_cast<unsigned char>(d.utf8[i]) & 0xC0) != 0x80) char_start = i;
    REQUIRE(d.input_offset[i] == static_cast<long long>(char_start));
  }
}

TEST_CASE("decode drops a UTF-8 byte-order mark and offsets point past it") {
  const std::string bytes = "\xEF\xBB\xBF" + ankang();
  check_round_trip(bytes, "UTF-8", 3 + line_start(ankang(), 10));
  CHECK(decode(bytes, "a.txt").input_offset.front() == 3);
}

TEST_CASE("a GB18030 file decodes to the same text as its UTF-8 original") {
  const std::string gb = encode(ankang(), "GB18030");
  REQUIRE(gb != ankang());
  const size_t line10 = encode(ankang().substr(0, line_start(ankang(), 10)), "GB18030").size();
  CHECK(gb[line10 - 1] == '\n');
  check_round_trip(gb, "GB18030", line10);
}

TEST_CASE("a short GB18030 text is decoded as GB18030, not as a Latin encoding") {
  for (const std::string text : {"中文", "安康市生态环境保护委员会\n2023年3月30日\n", "第一条 总则\n"}) {
    CAPTURE(text);
    const DecodedText d = decode(encode(text, "GB18030"), "short.txt");
    CHECK(d.encoding == "GB18030");
    CHECK(d.utf8 == text);
    CHECK(d.warnings.empty());
  }
}

TEST_CASE("a UTF-16LE file with a byte-order mark decodes to the same text as its UTF-8 original") {
  const std::string bytes = "\xFF\xFE" + encode(ankang(), "UTF-16LE");
  const size_t line10 = 2 + encode(ankang().substr(0, line_start(ankang(), 10)), "UTF-16LE").size();
  check_round_trip(bytes, "UTF-16LE", line10);
}

TEST_CASE("a UTF-16BE file with a byte-order mark decodes to the same text as its UTF-8 original") {
  const std::string bytes = "\xFE\xFF" + encode(ankang(), "UTF-16BE");
  const size_t line10 = 2 + encode(ankang().substr(0, line_start(ankang(), 10)), "UTF-16BE").size();
  check_round_trip(bytes, "UTF-16BE", line10);
}

TEST_CASE("decode turns CRLF into LF and maps the LF to the CR's offset") {
  const std::string crlf = replace_all(ankang(), "\n", "\r\n");
  const size_t line10 = line_start(ankang(), 10) + 9;  // one extra CR per earlier line
  check_round_trip(crlf, "UTF-8", line10);
  const DecodedText d = decode(crlf, "a.txt");
  const size_t first_lf = ankang().find('\n');
  CHECK(crlf[static_cast<size_t>(d.input_offset[first_lf])] == '\r');
}

TEST_CASE("CRLF in a GB18030 file is decoded as LF") {
  const std::string gb = encode(replace_all(ankang(), "\n", "\r\n"), "GB18030");
  const DecodedText d = decode(gb, "a.txt");
  CHECK(d.encoding == "GB18030");
  CHECK(d.utf8 == ankang());
  check_offsets_sane(d, gb);
}

TEST_CASE("decode treats a lone CR as a line end") {
  const std::string bytes = "一\r二\r\n三\n\r";
  const DecodedText d = decode(bytes, "a.txt");
  CHECK(d.utf8 == "一\n二\n三\n\n");
  check_offsets_sane(d, bytes);
  CHECK(d.input_offset[3] == 3);  // first LF is the lone CR at byte 3
  CHECK(d.input_offset[4] == 4);  // 二
  CHECK(d.input_offset[8] == 9);  // 三 after the CRLF
}

TEST_CASE("an empty file decodes to empty text") {
  const DecodedText d = decode("", "empty.txt");
  CHECK(d.utf8.empty());
  CHECK(d.warnings.empty());
  CHECK(d.input_offset == std::vector<long long>{0});
}

TEST_CASE("decode refuses a binary file with a message naming the file") {
  using namespace std::string_literals;
  const std::string png = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR"s;
  std::string message = error_of([&] { decode(png, "logo.png"); });
  CHECK(message.find("logo.png") != std::string::npos);
  CHECK(message.find("not a text file") != std::string::npos);
  CHECK(message.find("PNG") != std::string::npos);

  for (const std::string& magic : {"%PDF-1.7\n"s, "PK\x03\x04\x14\0"s, "\x1F\x8B\x08\0"s, "\xFF\xD8\xFF\xE0"s}) {
    CHECK(error_of([&] { decode(magic + "text text text", "doc.bin"); })
              .find("doc.bin: error: not a text file") == 0);
  }
}

TEST_CASE("decode refuses NUL bytes outside UTF-16 as not text") {
  using namespace std::string_literals;
  const std::string message = error_of([] { decode("abc\0def"s, "nul.txt"); });
  CHECK(message.find("nul.txt") != std::string::npos);
  CHECK(message.find("NUL byte at byte 3") != std::string::npos);
}

TEST_CASE("decode refuses a high share of control bytes as not text") {
  std::string bytes = "总则 abc\n";
  bytes += std::string(20, '\x01');
  CHECK(error_of([&] { decode(bytes, "ctl.dat"); }).find("ctl.dat: error: not a text file") == 0);
  // Tabs, form feeds and line ends are text.
  CHECK_NOTHROW(decode("a\tb\fc\r\nd\n\t\t\t\t\t\f\f\f", "ok.txt"));
}

TEST_CASE("a UTF-8 file with one stray 0xFF byte decodes intact and reports the byte offset") {
  const size_t at = line_start(ankang(), 10) + 6;  // after two CJK characters of line 10
  std::string bytes = ankang();
  bytes.insert(at, "\xFF");
  const DecodedText d = decode(bytes, "ankang.txt");
  CHECK(d.encoding == "UTF-8");
  std::string expected = ankang();
  expected.insert(at, "\xEF\xBF\xBD");  // U+FFFD
  CHECK(d.utf8 == expected);
  REQUIRE(d.warnings.size() == 1);
  const plancmp::Warning& w = d.warnings[0];
  CHECK(w.code == "invalid-bytes");
  CHECK(w.byte == static_cast<long long>(at));
  CHECK(w.line == 10);
  CHECK(w.column == 3);
  CHECK(w.message == "ankang.txt: invalid UTF-8 bytes at byte " + std::to_string(at) +
                         " replaced with U+FFFD");
  check_offsets_sane(d, bytes);
  CHECK(d.input_offset[at] == static_cast<long long>(at));         // the U+FFFD
  CHECK(d.input_offset[at + 3] == static_cast<long long>(at + 1));  // the text after it
}

TEST_CASE("a run of invalid bytes decodes to one U+FFFD with one warning") {
  const size_t at = line_start(ankang(), 3);
  std::string bytes = ankang();
  bytes.insert(at, "\xFF\xFE\xC0");
  const DecodedText d = decode(bytes, "a.txt");
  CHECK(d.encoding == "UTF-8");
  std::string expected = ankang();
  expected.insert(at, "\xEF\xBF\xBD");
  CHECK(d.utf8 == expected);
  REQUIRE(d.warnings.size() == 1);
  CHECK(d.warnings[0].byte == static_cast<long long>(at));
  CHECK(d.warnings[0].line == 3);
  CHECK(d.warnings[0].column == 1);
}

TEST_CASE("separate runs of invalid bytes are decoded with one warning each, in order") {
  std::string bytes = ankang();
  const size_t second = line_start(ankang(), 20);
  const size_t first = line_start(ankang(), 5);
  bytes.insert(second, "\xFF");
  bytes.insert(first, "\xFF");
  const DecodedText d = decode(bytes, "a.txt");
  REQUIRE(d.warnings.size() == 2);
  CHECK(d.warnings[0].byte == static_cast<long long>(first));
  CHECK(d.warnings[0].line == 5);
  CHECK(d.warnings[1].byte == static_cast<long long>(second + 1));
  CHECK(d.warnings[1].line == 20);
}

TEST_CASE("ASCII text with a stray byte is decoded as UTF-8") {
  // Long enough for the one stray byte to be under 2% of the file.
  const std::string rest = "\nSecond line of a plan, long enough to make one stray byte a small share.\n";
  const DecodedText d = decode("Plan for 2023\xFF" + rest, "a.txt");
  CHECK(d.encoding == "UTF-8");
  CHECK(d.utf8 == "Plan for 2023\xEF\xBF\xBD" + rest);
  REQUIRE(d.warnings.size() == 1);
  CHECK(d.warnings[0].byte == 13);
  CHECK(d.warnings[0].column == 14);
}

TEST_CASE("an invalid byte in a GB18030 file is decoded to U+FFFD and reported at its offset") {
  const std::string gb = encode(ankang(), "GB18030");
  const size_t at = encode(ankang().substr(0, line_start(ankang(), 8)), "GB18030").size();
  std::string bytes = gb;
  bytes.insert(at, "\xFF");
  const DecodedText d = decode(bytes, "gb.txt");
  CHECK(d.encoding == "GB18030");
  std::string expected = ankang();
  expected.insert(line_start(ankang(), 8), "\xEF\xBF\xBD");
  CHECK(d.utf8 == expected);
  REQUIRE(d.warnings.size() == 1);
  CHECK(d.warnings[0].byte == static_cast<long long>(at));
  CHECK(d.warnings[0].line == 8);
  CHECK(d.warnings[0].message.find("gb.txt: invalid GB18030 bytes at byte " + std::to_string(at)) == 0);
  check_offsets_sane(d, bytes);
}

TEST_CASE("decode reports the odd last byte of a truncated UTF-16 file") {
  const std::string bytes = "\xFF\xFE" + encode("总则\n", "UTF-16LE") + "\x41";
  const DecodedText d = decode(bytes, "a.txt");
  CHECK(d.utf8 == "总则\n\xEF\xBF\xBD");
  REQUIRE(d.warnings.size() == 1);
  CHECK(d.warnings[0].byte == static_cast<long long>(bytes.size() - 1));
  CHECK(d.warnings[0].line == 2);
}

TEST_CASE("an encoding override makes decode skip detection") {
  const std::string gb = encode(ankang(), "GB18030");
  DecodeOptions gbk;
  gbk.encoding_override = "GBK";
  const DecodedText d = decode(gb, "a.txt", gbk);
  CHECK(d.encoding == "GBK");
  CHECK(d.utf8 == ankang());

  // Valid UTF-8 read as Latin-1 on request: proof nothing was detected.
  DecodeOptions latin1;
  latin1.encoding_override = "ISO-8859-1";
  const DecodedText mojibake = decode("总", "a.txt", latin1);
  CHECK(mojibake.utf8 == "\xC3\xA6\xC2\x80\xC2\xBB");  // U+00E6 U+0080 U+00BB
  CHECK(mojibake.input_offset == std::vector<long long>{0, 0, 1, 1, 2, 2, 3});

  // UTF-16 without a BOM is refused for its NULs unless named.
  const std::string utf16 = encode("Plan 总则\n", "UTF-16LE");
  CHECK_THROWS_AS(decode(utf16, "a.txt"), InputError);
  DecodeOptions le;
  le.encoding_override = "UTF-16LE";
  const DecodedText named = decode(utf16, "a.txt", le);
  CHECK(named.utf8 == "Plan 总则\n");
  check_offsets_sane(named, utf16);
}

TEST_CASE("decode refuses an unknown encoding override naming the file") {
  DecodeOptions options;
  options.encoding_override = "no-such-encoding";
  const std::string message = error_of([&] { decode("abc", "plan.txt", options); });
  CHECK(message.find("plan.txt") == 0);
  CHECK(message.find("no-such-encoding") != std::string::npos);
}

TEST_CASE("the other corpus files decode unchanged from GB18030") {
  for (const char* name : {"maanshan-2023.txt", "panshi-2022.txt"}) {
    CAPTURE(name);
    const std::string original = read_corpus(name);
    const std::string gb = encode(original, "GB18030");
    const DecodedText d = decode(gb, name);
    CHECK(d.encoding == "GB18030");
    CHECK(d.utf8 == original);
    check_offsets_sane(d, gb);
  }
}

TEST_CASE("a large GB18030 file decodes to the same text as its UTF-8 original") {
  // Speed is measured in bench/ (plancmp_bench), not here.
  std::string big;
  while (big.size() < 200 * 1024) big += ankang();
  const DecodedText d = decode(encode(big, "GB18030"), "big.txt");
  CHECK(d.utf8 == big);
  CHECK(d.encoding == "GB18030");
}

TEST_CASE("a Big5 file the detector is sure of is decoded as Big5, not GB18030") {
  const std::string text = "安康市生態環境保護委員會關於印發工作實施方案的通知\n";
  const DecodedText d = decode(encode(text, "Big5"), "big5.txt");
  CHECK(d.encoding == "Big5");
  CHECK(d.utf8 == text);
}

TEST_CASE("a Latin-1 text that is not GB18030 is decoded as the detector says") {
  const std::string text = "Le café de la gare a été rénové en été; très agréable à visiter.\n";
  const DecodedText d = decode(encode(text, "ISO-8859-1"), "fr.txt");
  CHECK(d.encoding == "ISO-8859-1");
  CHECK(d.utf8 == text);
}

TEST_CASE("badly damaged UTF-8 Chinese is decoded as UTF-8 with capped warnings") {
  std::string bytes = ankang();
  for (size_t i = 0; i < bytes.size(); i += 20) bytes[i] = '\xFF';
  const DecodedText d = decode(bytes, "damaged.txt");
  CHECK(d.encoding == "UTF-8");
  CHECK(d.utf8.find("安康市") != std::string::npos);
  REQUIRE(d.warnings.size() == 101);
  CHECK(d.warnings.back().message.find("more runs of invalid UTF-8 bytes") != std::string::npos);
  check_offsets_sane(d, bytes);
}

TEST_CASE("decode refuses an unknown encoding override even for an empty file") {
  DecodeOptions options;
  options.encoding_override = "no-such-encoding";
  CHECK_THROWS_AS(decode("", "empty.txt", options), InputError);
}

// One damaged line comes back as the original with one warning at the line,
// and its characters map to the damaged characters they were rebuilt from.
void check_line_repaired(const char* source, const char* reader, const std::string& chain) {
  const int line = 10;
  const std::string bytes = damage_lines(ankang(), line, line, source, reader);
  REQUIRE(bytes != ankang());
  const DecodedText d = decode(bytes, "ankang.txt");
  CHECK(d.encoding == "UTF-8");
  CHECK(d.utf8 == ankang());
  REQUIRE(d.warnings.size() == 1);
  const plancmp::Warning& w = d.warnings[0];
  CHECK(w.code == "mojibake-repaired");
  CHECK(w.message == "ankang.txt: line 10: repaired mojibake (" + chain + ")");
  CHECK(w.line == line);
  CHECK(w.column == 1);
  CHECK(w.byte == static_cast<long long>(line_start(bytes, line)));
  check_offsets_sane(d, bytes);
  const size_t start = line_start(ankang(), line);
  const std::string first_char = ankang().substr(start, 3);  // 二
  CHECK(d.input_offset[start] == static_cast<long long>(line_start(bytes, line)));
  CHECK(d.input_offset[start + 3] ==
        static_cast<long long>(line_start(bytes, line) + mojibake(first_char, source, reader).size()));
  CHECK(d.input_offset[line_start(ankang(), line + 1)] ==
        static_cast<long long>(line_start(bytes, line + 1)));
}

TEST_CASE("a line of UTF-8 read as windows-1252 is repaired with one warning at that line") {
  check_line_repaired("UTF-8", "windows-1252", "UTF-8 read as windows-1252");
}

TEST_CASE("a line of GB18030 read as windows-1252 is repaired with one warning at that line") {
  check_line_repaired("GB18030", "windows-1252", "GB18030 read as windows-1252");
}

TEST_CASE("a line of UTF-8 read as ISO-8859-1 is repaired and the warning names ISO-8859-1") {
  check_line_repaired("UTF-8", "ISO-8859-1", "UTF-8 read as ISO-8859-1");
}

TEST_CASE("a whole file of mojibake is repaired with one warning for all its lines") {
  for (const char* source : {"UTF-8", "GB18030"}) {
    CAPTURE(source);
    const std::string bytes = mojibake(ankang(), source);
    const DecodedText d = decode(bytes, "ankang.txt");
    CHECK(d.encoding == "UTF-8");
    CHECK(d.utf8 == ankang());
    REQUIRE(d.warnings.size() == 1);
    const std::string lines = "lines 1-" + std::to_string(line_count(ankang()));
    CHECK(d.warnings[0].message ==
          "ankang.txt: " + lines + ": repaired mojibake (" + std::string(source) + " read as windows-1252)");
    CHECK(d.warnings[0].line == 1);
    CHECK(d.warnings[0].byte == 0);
    check_offsets_sane(d, bytes);
  }
}

TEST_CASE("a mis-read UTF-8 byte-order mark is dropped with the rest of the repair") {
  const std::string bytes = misread("\xEF\xBB\xBF" + ankang(), "windows-1252");
  REQUIRE(bytes.rfind("\xC3\xAF\xC2\xBB\xC2\xBF", 0) == 0);  // "ï»¿"
  const DecodedText d = decode(bytes, "bom.txt");
  CHECK(d.utf8 == ankang());
  CHECK(d.warnings.size() == 1);
  check_offsets_sane(d, bytes);
}

TEST_CASE("French, German and Spanish text and Latin-1 symbol lines are left alone") {
  const std::string text =
      "Le café de la gare a été rénové en été ; très agréable à visiter.\n"
      "Ça, c\u2019est « déjà vu » \u2014 naïve façade, cœur, Noël.\n"
      "Größe, Straße, Übergänge: schön und gemütlich.\n"
      "¿Qué pasó? Él comió piña.\n"
      "Résumé\n"
      "··········\n"
      "××××××\n"
      "± 0,5 °C — © 2023\n";
  const DecodedText d = decode(text, "latin.txt");
  CHECK(d.utf8 == text);
  CHECK(d.warnings.empty());
  const DecodedText latin1 = decode(encode(text, "windows-1252"), "latin1.txt");
  CHECK(latin1.utf8 == text);
  CHECK(latin1.warnings.empty());
}

TEST_CASE("a line mixing a few accented letters with Chinese is left alone") {
  const std::string line = "安康市咖啡馆(café)和“crème brûlée”试点,Société Générale 参与。\n";
  const std::string text = ankang().substr(0, line_start(ankang(), 5)) + line +
                           "Zürich, Genève, Besançon\n" + ankang().substr(line_start(ankang(), 5));
  const DecodedText d = decode(text, "mixed.txt");
  CHECK(d.utf8 == text);
  CHECK(d.warnings.empty());
}

TEST_CASE("repaired runs keep offsets monotonic and line numbers unchanged") {
  std::string text = replace_all(ankang(), "\n", "\r\n");
  text = damage_lines(text, 3, 5, "UTF-8");
  text = damage_lines(text, 20, 20, "GB18030");
  text = damage_lines(text, 21, 22, "UTF-8");
  const DecodedText d = decode(text, "runs.txt");
  CHECK(d.utf8 == ankang());
  CHECK(line_count(d.utf8) == line_count(text));
  check_offsets_sane(d, text);
  for (int line = 1; line <= line_count(ankang()); ++line) {
    CAPTURE(line);
    CHECK(d.input_offset[line_start(ankang(), line)] == static_cast<long long>(line_start(text, line)));
  }
  REQUIRE(d.warnings.size() == 3);
  CHECK(d.warnings[0].message == "runs.txt: lines 3-5: repaired mojibake (UTF-8 read as windows-1252)");
  CHECK(d.warnings[1].message == "runs.txt: line 20: repaired mojibake (GB18030 read as windows-1252)");
  CHECK(d.warnings[2].message == "runs.txt: lines 21-22: repaired mojibake (UTF-8 read as windows-1252)");
  CHECK(d.warnings[1].line == 20);
  CHECK(d.warnings[1].byte == static_cast<long long>(line_start(text, 20)));
}

TEST_CASE("warnings for invalid bytes and repaired mojibake come in line order") {
  std::string bytes = damage_lines(ankang(), 12, 12, "UTF-8");
  bytes.insert(line_start(bytes, 30), "\xFF");
  bytes.insert(line_start(bytes, 2), "\xFF");
  const DecodedText d = decode(bytes, "a.txt");
  REQUIRE(d.warnings.size() == 3);
  CHECK(d.warnings[0].code == "invalid-bytes");
  CHECK(d.warnings[0].line == 2);
  CHECK(d.warnings[1].code == "mojibake-repaired");
  CHECK(d.warnings[1].line == 12);
  CHECK(d.warnings[2].code == "invalid-bytes");
  CHECK(d.warnings[2].line == 30);
  check_offsets_sane(d, bytes);
}

TEST_CASE("without input offsets decode gives the same text and warnings, and skips the map for clean UTF-8") {
  DecodeOptions no_offsets;
  no_offsets.input_offsets = false;
  const std::string crlf = "一\r\n二\n";
  const std::string damaged = damage_lines(ankang(), 10, 10, "UTF-8");
  // Clean UTF-8 is taken as it is only when no line could be mojibake and
  // no CR is there (both read from validation's control bytes): damage on
  // the first and the last line, with and without a final line end, a lone
  // CR anywhere.
  std::vector<std::string> inputs = {ankang(), crlf, damaged, "二\r", "\r二", "\n\n一\n", "一\n\n"};
  const int lines = static_cast<int>(std::count(ankang().begin(), ankang().end(), '\n'));
  for (int line : {1, 2, lines}) {
    inputs.push_back(damage_lines(ankang(), line, line, "UTF-8"));
    std::string open_end = damage_lines(ankang(), line, line, "GB18030");
    while (!open_end.empty() && open_end.back() == '\n') open_end.pop_back();
    inputs.push_back(open_end);
  }
  std::string last_unended = ankang();
  while (!last_unended.empty() && last_unended.back() == '\n') last_unended.pop_back();
  inputs.push_back(last_unended + "\n" + mojibake("安康市生态环境局", "UTF-8"));
  for (const std::string& bytes : inputs) {
    INFO(bytes.substr(0, 80));
    const DecodedText with = decode(bytes, "a.txt");
    const DecodedText without = decode(bytes, "a.txt", no_offsets);
    CHECK(without.utf8 == with.utf8);
    CHECK(without.encoding == with.encoding);
    REQUIRE(without.warnings.size() == with.warnings.size());
    for (size_t i = 0; i < with.warnings.size(); ++i) {
      CHECK(without.warnings[i].code == with.warnings[i].code);
      CHECK(without.warnings[i].line == with.warnings[i].line);
      CHECK(without.warnings[i].byte == with.warnings[i].byte);
    }
  }
  CHECK(decode(ankang(), "a.txt", no_offsets).input_offset.empty());
  // Each damaged input does get the repair (the verdicts above are not all "nothing to do").
  for (const std::string& bytes : inputs)
    if (bytes.find("\xC3") != std::string::npos) CHECK_FALSE(decode(bytes, "a.txt", no_offsets).warnings.empty());
  // A line to repair needs the map: it is built all the same.
  CHECK(decode(damaged, "a.txt", no_offsets).input_offset.size() == decode(damaged, "a.txt").input_offset.size());
  CHECK_FALSE(decode(damaged, "a.txt").warnings.empty());
}
