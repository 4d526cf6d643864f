// Structure: sections, clauses, and numbering repair, on small made-up plans.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "plancmp/grammar.h"
#include "plancmp/normalize.h"
#include "plancmp/structure.h"

using namespace plancmp;

namespace {

Structure structure_of(const std::string& text) {
  return find_structure(NormalizedText::build(text), *Grammar::builtin());
}

// "(一)…(N)" task lines with a unit note each, numbers from `printed`.
std::string task_lines(const std::vector<std::string>& printed) {
  std::string out;
  for (std::size_t i = 0; i < printed.size(); ++i)
    out += printed[i] + "任务标题" + std::to_string(i + 1) + "。推进相关工作,确保取得实效。市生态环境局按职责分工负责\n";
  return out;
}

bool has_warning(const Structure& s, const std::string& code, int line) {
  for (const auto& w : s.warnings)
    if (w.code == code && w.line == line) return true;
  return false;
}

}  // namespace

TEST_CASE("sections and their (一) clauses are found with titles, lines and sections") {
  auto s = structure_of(
      "某市实施方案\n"
      "一、总体要求\n"
      "到2025年,生态环境持续改善。\n"
      "二、重点任务\n"
      "(一)加强大气治理。推进工业企业深度治理。〔市生态环境局牵头负责〕\n"
      "(二)加强水污染治理。推进污水处理设施建设。〔市水利局牵头负责〕\n");
  REQUIRE(s.sections.size() == 2);
  CHECK(s.sections[1].n == 2);
  CHECK(s.sections[1].printed == "二、");
  CHECK(s.sections[1].title == "重点任务");
  CHECK(s.sections[1].line == 4);
  REQUIRE(s.clauses.size() == 2);
  CHECK(s.clauses[0].id == 1);
  CHECK(s.clauses[0].printed == "(一)");
  CHECK(s.clauses[0].title == "加强大气治理");
  CHECK(s.clauses[0].section == 2);
  CHECK(s.clauses[0].line == 5);
  CHECK_FALSE(s.clauses[0].parent.has_value());
  CHECK(s.clauses[1].id == 2);
  CHECK(s.warnings.empty());
}

TEST_CASE("a truncated print such as (二十) takes its true place in the series, with a warning") {
  std::vector<std::string> printed;
  for (int i = 1; i <= 26; ++i) printed.push_back("(" + std::string(i == 24 || i == 25 ? "二十" : "") + ")");
  // Fill in the proper numerals except 24 and 25, which print as "(二十)".
  const char* numerals[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
                            "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十",
                            "二十一", "二十二", "二十三", "二十", "二十", "二十六"};
  for (int i = 0; i < 26; ++i) printed[i] = std::string("(") + numerals[i] + ")";
  auto s = structure_of("一、任务\n" + task_lines(printed));
  REQUIRE(s.clauses.size() == 26);
  for (int i = 0; i < 26; ++i) CHECK(s.clauses[i].id == i + 1);
  CHECK(s.clauses[23].printed == "(二十)");
  CHECK(has_warning(s, "numbering-repaired", 25));
  CHECK(has_warning(s, "numbering-repaired", 26));
  CHECK_FALSE(has_warning(s, "numbering-repaired", 24));
}

TEST_CASE("items that lost brackets or digits (一) ) (四 are read by the sequence") {
  auto s = structure_of("一、任务\n" + task_lines({"(二十九)", "(三十)", "一)", ")", "(三十三)", "(三", "三十五)"}));
  REQUIRE(s.clauses.size() == 7);
  for (int i = 0; i < 7; ++i) CHECK(s.clauses[i].id == 29 + i);
  CHECK(s.clauses[2].printed == "一)");
  CHECK(s.clauses[3].printed == ")");
}

TEST_CASE("an unnumbered task paragraph fills the gap the numbering shows") {
  auto s = structure_of(
      "一、任务\n" + task_lines({"(一)", "(二)"}) +
      "加强生物多样性保护。推进野生动植物保护。市林业局按职责分工负责\n" + task_lines({"(四)"}));
  REQUIRE(s.clauses.size() == 4);
  CHECK(s.clauses[2].id == 3);
  CHECK(s.clauses[2].printed == "");
  CHECK(s.clauses[2].title == "加强生物多样性保护");
  CHECK(s.clauses[3].id == 4);
}

TEST_CASE("a heading line that lost its numeral is a section when the items after it carry text inline") {
  auto s = structure_of("一、第一部分\n" + task_lines({"(一)", "(二)"}) + "加强生态保护修复,维护生态安全\n" +
                        task_lines({"(三)", "(四)"}) + "、保障措施\n" + task_lines({"(五)"}));
  REQUIRE(s.sections.size() == 3);
  CHECK(s.sections[1].n == 2);
  CHECK(s.sections[1].printed == "");
  CHECK(s.sections[1].title == "加强生态保护修复,维护生态安全");
  CHECK(s.sections[2].n == 3);
  CHECK(s.sections[2].printed == "、");
  REQUIRE(s.clauses.size() == 5);
  CHECK(s.clauses[2].section == 2);
  CHECK(s.clauses[4].section == 3);
}

TEST_CASE("a bare heading right after a section heading is its first item when (二) follows as a heading") {
  auto s = structure_of(
      "一、总体要求\n指导思想\n以新时代思想为指导,深入贯彻落实。\n(二)基本原则\n坚持生态优先,绿色发展。\n"
      "二、任务\n" + task_lines({"(三)"}));
  REQUIRE(s.clauses.size() == 3);
  CHECK(s.clauses[0].id == 1);
  CHECK(s.clauses[0].title == "指导思想");
  CHECK(s.clauses[0].printed == "");
  CHECK(s.sections.size() == 2);
}

TEST_CASE("tasks 1. under groups (一) take the group as parent and number on across groups") {
  auto s = structure_of(
      "四、工作任务(一)健全制度,完善体系9 .压实责任。落实责任制度。(牵头单位:市生态环境局)"
      "10 .加强考核。完善考核体系。(牵头单位:市委组织部)(二)改善环境质量H .改善大气。开展治理。"
      "(牵头单位:市生态环境局)12 .改善水质。开展治理。(牵头单位:市水利局)");
  REQUIRE(s.clauses.size() == 6);
  CHECK(s.clauses[0].level == 2);
  CHECK(s.clauses[0].title == "健全制度,完善体系");
  CHECK(s.clauses[1].id == 9);
  CHECK(s.clauses[1].parent == 1);
  CHECK(s.clauses[1].printed == "9 .");
  CHECK(s.clauses[3].id == 2);
  CHECK_FALSE(s.clauses[3].parent.has_value());
  CHECK(s.clauses[4].id == 11);  // OCR read "11 ." as "H ."
  CHECK(s.clauses[4].printed == "H .");
  CHECK(s.clauses[4].parent == 2);
  CHECK(s.clauses[5].id == 12);
}

TEST_CASE("years, decimals, document numbers and inline lists are not items") {
  auto s = structure_of(
      "一、主要目标\n"
      "根据《意见》(中发〔2021〕40号),到2025年,单位GDP能耗下降13.5%,PM2.5浓度下降4.5%;"
      "重点做好1、2、3号机组改造,推进3.0版标准。\n");
  CHECK(s.sections.size() == 1);
  CHECK(s.clauses.empty());
}

TEST_CASE("a project list numbered past 100 keeps every number") {
  std::string text = "一、项目清单\n";
  for (int i = 1; i <= 130; ++i) text += std::to_string(i) + ".实施第" + std::to_string(i) + "号项目。\n";
  auto s = structure_of(text);
  REQUIRE(s.clauses.size() == 130);
  CHECK(s.clauses[99].id == 100);
  CHECK(s.clauses[99].printed == "100.");
  CHECK(s.clauses[129].id == 130);
  CHECK(s.warnings.empty());
}

TEST_CASE("markers of a custom grammar are found wherever their rules allow, mid-line too") {
  // Matches of `item` start with different bytes ("第" or "§"); `section`
  // shares its first character "第" with it.
  std::string custom =
      "markers:\n"
      "  - id: section\n"
      "    level: 1\n"
      "    pattern: '第(?P<num>[一二三四五六七八九十]+)章'\n"
      "    numeral: chinese\n"
      "    at: boundary\n"
      "  - id: item\n"
      "    level: 2\n"
      "    pattern: '(?:第|§)(?P<num>[0-9]{1,2})条'\n"
      "    numeral: arabic\n"
      "    at: anywhere\n";
  auto g = Grammar::from_files({{"numbering.yaml", custom}});
  auto s = find_structure(
      NormalizedText::build("第一章 总则\n第1条 适用范围。§2条 定义。第3条 附则\n第二章 实施\n第1条 组织。第2条 保障\n"), *g);
  REQUIRE(s.sections.size() == 2);
  CHECK(s.sections[1].n == 2);
  REQUIRE(s.clauses.size() == 5);
  CHECK(s.clauses[1].printed == "§2条");
  CHECK(s.clauses[1].id == 2);
  CHECK(s.clauses[2].id == 3);
  CHECK(s.clauses[2].section == 1);
  CHECK(s.clauses[4].id == 2);
  CHECK(s.clauses[4].section == 2);
}

// Long random plans, four levels deep, some levels sparse: the places where a
// candidate's first item and its enclosing items are looked up only move on
// (a few steps or a binary search over the rest), and a title stops at the
// next item. Every item, its number, parent and title must come out as written.
TEST_CASE("random nested plans come out item for item (parents, numbers, titles)") {
  std::mt19937 rng(2027);
  const char* const han[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
  for (int round = 0; round < 30; ++round) {
    struct Want {
      int level, id, parent;  // parent: id of the enclosing clause (0: none)
      std::string title;
    };
    std::vector<Want> want;
    std::string text = "某市实施方案\n";
    int task = 0;
    const int sections = 1 + static_cast<int>(rng() % 4);
    for (int s = 1; s <= sections; ++s) {
      text += std::string(han[s - 1]) + "、第" + std::to_string(s) + "部分\n";
      const int groups = static_cast<int>(rng() % 5);
      for (int g = 1; g <= groups; ++g) {
        const std::string gt = "推进第" + std::to_string(s) + "类第" + std::to_string(g) + "组工作";
        text += "(" + std::string(han[g - 1]) + ")" + gt + "。加强统筹协调,确保取得实效。\n";
        want.push_back({2, g, 0, gt});
        const int tasks = static_cast<int>(rng() % (round % 3 == 0 ? 2 : 14));
        for (int t = 0; t < tasks; ++t) {
          ++task;
          const std::string tt = "落实第" + std::to_string(task) + "项任务";
          text += std::to_string(task) + "." + tt + "。完善相关制度,持续改善环境质量。\n";
          want.push_back({3, task, g, tt});
          const int subs = rng() % 6 == 0 ? 1 + static_cast<int>(rng() % 3) : 0;
          for (int u = 1; u <= subs; ++u) {
            const std::string ut = "开展第" + std::to_string(u) + "次专项行动";
            text += "(" + std::to_string(u) + ")" + ut + "。组织开展检查。\n";
            want.push_back({4, u, task, ut});
          }
          for (int f = static_cast<int>(rng() % 3); f-- > 0;) text += "各地要结合实际认真组织实施,确保工作落到实处。\n";
        }
      }
    }
    INFO("round " << round << "\n" << text);
    const Structure s = structure_of(text);
    CHECK(static_cast<int>(s.sections.size()) == sections);
    REQUIRE(s.clauses.size() == want.size());
    for (std::size_t k = 0; k < want.size(); ++k) {
      INFO("clause " << k);
      CHECK(s.clauses[k].level == want[k].level);
      CHECK(s.clauses[k].id == want[k].id);
      CHECK(s.clauses[k].parent.value_or(0) == want[k].parent);
      CHECK(s.clauses[k].title == want[k].title);
    }
  }
}
