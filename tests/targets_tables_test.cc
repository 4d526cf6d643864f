// Indicator tables (src/target_tables.cc): every form of cell gap splits a
// row the same way, at any place in a long line, and punctuation that shares
// a gap's lead byte splits nothing.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "plancmp/pipeline.h"

using namespace plancmp;

TEST_CASE("tables: every cell gap reads a row alike, wherever it falls in the line") {
  const std::vector<std::string> gaps = {"\t", "  ", "   ", "\xE3\x80\x80", " \xE3\x80\x80", "|", " | ", "│", "｜",
                                         "\xE3\x80\x80\xE3\x80\x80"};
  // Cells long enough that gaps fall at every offset of a 16-byte block.
  const std::vector<std::string> pads = {"", "a", "ab", "abc", "，", "、。", "“”", "（）：；", "abcdefghijklmno"};
  for (const std::string& gap : gaps)
    for (const std::string& pad : pads) {
      CAPTURE(gap);
      CAPTURE(pad);
      const std::string row = "1" + gap + pad + "森林覆盖率" + gap + "%" + gap + "40.1" + gap + "42" + gap + "预期性\n";
      const Document doc = extract_bytes("一、主要指标\n" + row, "table.txt");
      REQUIRE(doc.targets.size() == 1);
      CHECK(doc.targets[0].value == 42);
      CHECK(doc.targets[0].unit == "%");
      CHECK(doc.targets[0].rule == "table.row");
    }
  // Full-width punctuation and single spaces (with lead bytes of gaps) are no gaps.
  const Document prose = extract_bytes(
      "一、任务\n(一)治理。加强大气污染防治，推进重点行业深度治理、完善监测网络：“十四五”期间 森林覆盖率达到42% 以上（预期性）；\n",
      "prose.txt");
  for (const Target& t : prose.targets) CHECK(t.rule.find("table") == std::string::npos);
}
