// Normalization: what rules see, and the map back to the source.
#include <doctest/doctest.h>

#include <string>

#include "plancmp/normalize.h"
#include "utf8_util.h"

using plancmp::NormalizedText;

TEST_CASE("full-width ASCII and the ideographic space fold to half-width") {
  auto nt = NormalizedText::build("（一）达到９５％，ＰＭ２.５");
  CHECK(nt.text() == "(一)达到95%,PM2.5");
}

TEST_CASE("Roman numerals used for water classes are kept") {
  auto nt = NormalizedText::build("达到或优于Ⅲ类，无劣Ⅴ类");
  CHECK(nt.text() == "达到或优于Ⅲ类,无劣Ⅴ类");
}

TEST_CASE("spaces OCR leaves inside Chinese text are removed, Latin spacing stays") {
  auto nt = NormalizedText::build("市生 态环境局 牵头 负责。 1 .加强 VOCs 治理");
  CHECK(nt.text() == "市生态环境局牵头负责。1 .加强VOCs治理");
}

TEST_CASE("Traditional text is simplified for rules but displayed in its own script") {
  auto nt = NormalizedText::build("細顆粒物濃度不高於29微克/立方米");
  CHECK(nt.text() == "细颗粒物浓度不高于29微克/立方米");
  CHECK(nt.display(0, nt.text().size()) == "細顆粒物濃度不高於29微克/立方米");
}

TEST_CASE("every text byte maps back to its line, column and exact raw quote") {
  std::string src = "第一行\n（二）市生 态环境局牵头\n";
  auto nt = NormalizedText::build(src);
  std::size_t at = nt.text().find("生态");
  REQUIRE(at != std::string::npos);
  auto pos = nt.position(at);
  CHECK(pos.line == 2);
  CHECK(pos.column == 5);  // （ 二 ） 市 生
  // The quote is the raw source, with the OCR space still in it.
  CHECK(nt.quote(at, at + std::string("生态环境局").size()) == "生 态环境局");
  CHECK(nt.source_line(2) == "（二）市生 态环境局牵头");
}

TEST_CASE("running segment markers of an OCR dump are removed and their lines joined") {
  std::string src =
      "1、为深入贯彻生态文明思想,全面落实党中央关于生态文明建设的决策部\n"
      "2、署,统筹推进总体布局。一、指导思想坚持以习近平新时代中国特色社\n"
      "3、会主义思想为指导,全面贯彻落实党的二十大精神,深入践行生态文\n"
      "4、明思想。";
  auto nt = NormalizedText::build(src);
  CHECK(nt.had_page_markers());
  CHECK(nt.text().find("决策部署") != std::string::npos);
  CHECK(nt.text().find("社会主义") != std::string::npos);
  CHECK(nt.text().find('\n') == std::string::npos);
  CHECK(nt.text().rfind("为深入", 0) == 0);
  // Positions still point into the original lines.
  auto pos = nt.position(nt.text().find("会主义"));
  CHECK(pos.line == 3);
  CHECK(pos.column == 3);
}

TEST_CASE("a real numbered list, one sentence per line, is not taken for page markers") {
  std::string src =
      "1、加强组织领导。\n"
      "2、强化监督考核。\n"
      "3、落实资金保障。\n"
      "4、开展全民行动。\n";
  auto nt = NormalizedText::build(src);
  CHECK_FALSE(nt.had_page_markers());
  CHECK(nt.text().rfind("1、加强", 0) == 0);
}

TEST_CASE("lines that are only a page number are dropped") {
  auto nt = NormalizedText::build("加强管理。\n- 3 -\n推进治理。\n第 4 页\n");
  CHECK(nt.text().find('3') == std::string::npos);
  CHECK(nt.text().find('4') == std::string::npos);
  CHECK(nt.text().find("推进治理") != std::string::npos);
}

TEST_CASE("a tab or a run of spaces inside a line is a column gap and stays as one tab") {
  auto nt = NormalizedText::build("　　细颗粒物浓度\t微克/立方米    35   30 \n");
  CHECK(nt.text() == "细颗粒物浓度\t微克/立方米\t35\t30\n");
}

TEST_CASE("invalid and rare UTF-8 reads as utf8::next reads it, one U+FFFD per bad sequence") {
  // The common 2- and 3-byte sequences are decoded inline; overlong forms,
  // surrogates, truncated and 4-byte sequences must come out as before.
  const std::string pieces[] = {"\xE0\x80\x80", "\xE0\xA0\x80", "\xED\xA0\x80", "\xED\x9F\xBF", "\x80",
                                "\xC1\xBF",     "\xC2\xA9",     "\xE4\xB8",     "\xF0\x9F\x98\x80",
                                "\xEF\xBC\x91", "\xEF\xBF\xBF", "\xE3\x80\x8C", "中", "a"};
  for (const std::string& a : pieces) {
    for (const std::string& b : pieces) {
      const std::string s = a + b + "x" + a;
      std::string expected;
      for (std::size_t i = 0; i < s.size();) {
        char32_t c = plancmp::fold_fullwidth(plancmp::utf8::next(s, i));
        plancmp::utf8::append(expected, c);
      }
      auto nt = NormalizedText::build(s);
      INFO("input bytes: " << s.size());
      CHECK(nt.text() == expected);
      CHECK(nt.display(0, nt.text().size()) == expected);
    }
  }
}
