// The whole pipeline: the same plan in another encoding or script gives the
// same document; the bundled corpus matches its golden outputs.
#include <doctest/doctest.h>

#include <unicode/translit.h>
#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "plancmp/normalize.h"
#include "plancmp/output.h"
#include "plancmp/pipeline.h"

using namespace plancmp;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string corpus(const std::string& stem) {
  return read_file(std::string(PLANCMP_SOURCE_DIR) + "/corpus/" + stem + ".txt");
}

std::string convert(const std::string& utf8, const char* encoding) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(utf8);
  UErrorCode status = U_ZERO_ERROR;
  UConverter* conv = ucnv_open(encoding, &status);
  REQUIRE(U_SUCCESS(status));
  std::string out(static_cast<std::size_t>(u.length()) * 4 + 16, '\0');
  int32_t n = ucnv_fromUChars(conv, out.data(), static_cast<int32_t>(out.size()), u.getBuffer(),
                              u.length(), &status);
  ucnv_close(conv);
  REQUIRE(U_SUCCESS(status));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string transliterate(const std::string& utf8, const char* id) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> t(
      icu::Transliterator::createInstance(id, UTRANS_FORWARD, status));
  REQUIRE(U_SUCCESS(status));
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(utf8);
  t->transliterate(u);
  std::string out;
  u.toUTF8String(out);
  return out;
}

// The YAML of a document without the line that names the input encoding.
std::string yaml_without_encoding(const Document& doc) {
  std::istringstream in(to_yaml(doc));
  std::string line, out;
  while (std::getline(in, line))
    if (line.rfind("encoding:", 0) != 0) out += line + "\n";
  return out;
}

const char* kStems[] = {"ankang-2023", "maanshan-2023", "panshi-2022"};

}  // namespace

TEST_CASE("GB18030, UTF-16 and CRLF copies of a plan give the same document as the UTF-8 original") {
  for (const char* stem : kStems) {
    const std::string document = stem;
    CAPTURE(document);
    const std::string utf8 = corpus(stem);
    const std::string name = std::string(stem) + ".txt";
    const std::string expected = yaml_without_encoding(extract_bytes(utf8, name));
    CHECK(yaml_without_encoding(extract_bytes(convert(utf8, "GB18030"), name)) == expected);
    CHECK(yaml_without_encoding(extract_bytes("\xFF\xFE" + convert(utf8, "UTF-16LE"), name)) == expected);
    CHECK(yaml_without_encoding(extract_bytes("\xFE\xFF" + convert(utf8, "UTF-16BE"), name)) == expected);
    std::string crlf;
    for (char c : utf8) crlf += (c == '\n') ? std::string("\r\n") : std::string(1, c);
    CHECK(yaml_without_encoding(extract_bytes(crlf, name)) == expected);
  }
}

TEST_CASE("a Traditional copy of a plan gives the same clauses, titles in its own script") {
  for (const char* stem : kStems) {
    const std::string document = stem;
    CAPTURE(document);
    const std::string utf8 = corpus(stem);
    const std::string name = std::string(stem) + ".txt";
    const Document simplified = extract_bytes(utf8, name);
    const Document traditional =
        extract_bytes(transliterate(utf8, "Simplified-Traditional"), name);
    REQUIRE(traditional.clauses.size() == simplified.clauses.size());
    REQUIRE(traditional.sections.size() == simplified.sections.size());
    for (std::size_t i = 0; i < simplified.clauses.size(); ++i) {
      const Clause& a = simplified.clauses[i];
      const Clause& b = traditional.clauses[i];
      CAPTURE(a.title);
      CHECK(b.id == a.id);
      CHECK(b.parent == a.parent);
      CHECK(b.line == a.line);
      CHECK(b.section == a.section);
      CHECK(transliterate(b.title, "Traditional-Simplified") == a.title);
    }
  }
}

TEST_CASE("the bundled corpus extracts to its golden files") {
  // Golden files are plancmp's own reviewed output (tests/golden/README.md);
  // regenerate with tests/update_golden.sh after an intended change.
  for (const char* stem : kStems) {
    const std::string document = stem;
    CAPTURE(document);
    const std::string golden_path = std::string(PLANCMP_SOURCE_DIR) + "/tests/golden/" + stem + ".yaml";
    REQUIRE(std::filesystem::exists(golden_path));
    const Document doc = extract_bytes(corpus(stem), std::string(stem) + ".txt");
    CHECK(to_yaml(doc) == read_file(golden_path));
  }
}
