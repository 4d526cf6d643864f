// Indicator tables (src/target_tables.cc): every form of cell gap splits a
// row the same way, at any place in a long line, and punctuation that shares
// a gap's lead byte splits nothing.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "plancmp/pipeline.h"
#include "targets_internal.h"

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

TEST_CASE("tables: the gap scan finds the same place stepping 32, 16 or 1 byte at a time") {
  // Pieces that open gaps, pieces that share their bytes and do not, and
  // plain text; lines long enough for every way's steps.
  const std::vector<std::string> pieces = {"\t", "|",  " ", "  ", "\n", "a", "1",  "\xE3\x80\x80", "│", "｜", "、", "。", "，", "的",
                                           "\xE4\x80\x80", "\xE2\x94", "\xEF\xBD", "\x80", "\x94", "\xBD", "\xE3", "森林覆盖率"};
  const std::vector<std::size_t> plain = {5, 6, 13, 21};  // a 1 的 森林覆盖率
  std::mt19937 rng(20261123);
  for (int round = 0; round < 400; ++round) {
    std::string line;
    const std::size_t n = 1 + rng() % 60;
    // Mostly plain text, gap pieces now and then (as in prose).
    for (std::size_t k = 0; k < n; ++k)
      line += pieces[rng() % 4 == 0 ? rng() % pieces.size() : plain[rng() % plain.size()]];
    for (std::size_t i = 0; i <= line.size(); ++i) {
      const std::size_t bytes = next_table_gap(line, i, GapScan::kBytes);
      CAPTURE(line);
      CAPTURE(i);
      REQUIRE(next_table_gap(line, i, GapScan::kSixteen) == bytes);
      REQUIRE(next_table_gap(line, i, GapScan::kWidest) == bytes);
    }
  }
}
