// The build-time Traditional -> Simplified table (src/t2s.h) against ICU itself.
#include <doctest/doctest.h>

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <memory>
#include <string>

#include "plancmp/grammar.h"
#include "t2s.h"
#include "utf8_util.h"

namespace {

std::unique_ptr<icu::Transliterator> icu_t2s() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> t(
      icu::Transliterator::createInstance("Traditional-Simplified", UTRANS_FORWARD, status));
  REQUIRE(U_SUCCESS(status));
  return t;
}

std::string icu_convert(icu::Transliterator& t, const std::string& utf8) {
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(utf8);
  t.transliterate(s);
  std::string out;
  s.toUTF8String(out);
  return out;
}

}  // namespace

TEST_CASE("t2s: every BMP character on its own converts as ICU converts it") {
  auto t = icu_t2s();
  int differ = 0;
  for (char32_t c = 0x20; c < 0x10000; ++c) {
    if (c >= 0xD800 && c < 0xE000) continue;
    icu::UnicodeString s(static_cast<UChar32>(c));
    t->transliterate(s);
    char32_t expected = s.countChar32() == 1 ? static_cast<char32_t>(s.char32At(0)) : c;
    if (plancmp::t2s::convert_char(c) != expected) ++differ;
  }
  CHECK(differ == 0);
}

TEST_CASE("t2s: phrases convert as ICU converts them, multi-character rules included") {
  auto t = icu_t2s();
  // Every rule in a context, and the rules run together.
  std::u32string all;
  int differ = 0;
  for (std::size_t i = 0; i < plancmp::t2s::kRuleCount; ++i) {
    std::u32string phrase = U"前" + std::u32string(plancmp::t2s::kRules[i].from) + U"後面";
    all += plancmp::t2s::kRules[i].from;
    std::string utf8 = plancmp::utf8::encode(phrase);
    if (plancmp::t2s::convert_utf8(utf8) != icu_convert(*t, utf8)) ++differ;
  }
  CHECK(differ == 0);
  std::string run = plancmp::utf8::encode(all);
  CHECK(plancmp::t2s::convert_utf8(run) == icu_convert(*t, run));
  // The built-in grammars: real wording in both scripts.
  for (const auto& [name, text] : plancmp::builtin_grammar_files())
    CHECK(plancmp::t2s::convert_utf8(text) == icu_convert(*t, text));
}
