// Date phrases and deadlines (src/dates.cc, grammars/dates.yaml).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "plancmp/extract.h"
#include "plancmp/normalize.h"
#include "plancmp/pipeline.h"

using namespace plancmp;

namespace {

std::vector<DateMention> dates_in(const std::string& text) {
  NormalizedText nt = NormalizedText::build(text);
  return find_dates(nt, *Grammar::builtin());
}

// The single mention in `text`, checked to be the only one.
DateMention only(const std::string& text) {
  std::vector<DateMention> found = dates_in(text);
  CAPTURE(text);
  REQUIRE(found.size() == 1);
  return found[0];
}

std::vector<DateMention> commitments(const std::string& text) {
  std::vector<DateMention> out;
  for (const DateMention& m : dates_in(text))
    if (m.commitment) out.push_back(m);
  return out;
}

}  // namespace

TEST_CASE("到/力争/展望 + year is a 'by' deadline of that year") {
  for (const char* text : {"到2026年,水质明显改善。", "力争2026年全面达标。", "展望2036年,基本建成。",
                           "在2026年前完成改造。"}) {
    DateMention m = only(text);
    CAPTURE(text);
    CHECK(m.kind == "by");
    CHECK(m.date == (std::string(text).find("2036") != std::string::npos ? "2036" : "2026"));
    CHECK(m.commitment);
  }
}

TEST_CASE("a year end or a month gives month precision") {
  CHECK(only("到2027年底,全面完成。").date == "2027-12");
  CHECK(only("2027年底前全面完成。").date == "2027-12");
  CHECK(only("2026年9月底前完成验收。").date == "2026-09");
  CHECK(only("2026年9月30日前完成验收。").date == "2026-09-30");
}

TEST_CASE("the end of a five-year plan dates to its last year") {
  DateMention m = only("“十四五”末期,利用率达到45%。");
  CHECK(m.date == "2025");
  CHECK(m.kind == "by");
  CHECK(only("到十五五末,全面建成。").date == "2030");
}

TEST_CASE("起/开始 phrases are 'from' dates") {
  DateMention day = only("加强管理,2026年3月1日起,实施新标准。");
  CHECK(day.kind == "from");
  CHECK(day.date == "2026-03-01");
  DateMention year = only("自2026年起,全面推行。");
  CHECK(year.kind == "from");
  CHECK(year.date == "2026");
}

TEST_CASE("a plan period is dated by its end year") {
  std::string text = "落实《某规划(2022—2031年)》要求。";
  DateMention m = only(text);
  CHECK(m.kind == "period");
  CHECK(m.date == "2031");
  NormalizedText nt = NormalizedText::build(text);
  CHECK(nt.quote(m.begin, m.end) == "(2022—2031年)");
  CHECK(only("2022-2026年持续推进。").kind == "period");
}

TEST_CASE("baseline years are found for targets but are no commitment") {
  for (const char* text : {"排放量比2021年下降8%。", "较2021年提高5个百分点。", "以2021年为基准年。"}) {
    DateMention m = only(text);
    CAPTURE(text);
    CHECK(m.kind == "baseline");
    CHECK(m.year == 2021);
    CHECK_FALSE(m.commitment);
  }
}

TEST_CASE("a bare year opening a statement is a deadline, even glued after a lost 。") {
  CHECK(only("2026年,全面完成改造。").kind == "by");
  CHECK(only("推进改造2026年,完成全部任务。").date == "2026");
  CHECK(only("协同推进2036年达到根本好转目标。").date == "2036");
  CHECK(only("调整点位。2026年夜间达标率达到85%。").date == "2026");
  NormalizedText nt = NormalizedText::build("推进改造2026年,完成全部任务。");
  DateMention m = find_dates(nt, *Grammar::builtin()).at(0);
  CHECK(nt.quote(m.begin, m.end) == "2026年");
}

TEST_CASE("document numbers, date lines, status dates and names are not commitments") {
  CHECK(commitments("依据《意见》(吉发〔2021〕36号)和吉发2021〕40号。").empty());
  CHECK(commitments("2023年3月30日").empty());
  CHECK(commitments("来源:   时间: 2022-09-15 10:57").empty());
  CHECK(commitments("截至2022年底,全市已建成站点20个。").empty());
  CHECK(commitments("2022年以来,空气质量持续改善。").empty());
  CHECK(commitments("以生态环境保护“十四五”规划为引领。").empty());
  CHECK(commitments("发布日期:2023年5月").empty());
}

TEST_CASE("overlapping phrases: the longest match wins, a baseline beats a bare year") {
  std::vector<DateMention> found = dates_in("到2026年,排放量比2021年,下降8%。");
  REQUIRE(found.size() == 2);
  CHECK(found[0].kind == "by");
  CHECK(found[0].rule == "date.by-to");
  CHECK(found[1].kind == "baseline");
}

TEST_CASE("deadlines carry clause, section, line and the exact raw quote") {
  std::string text =
      "某县环境整治方案\n"
      "2024年5月6日\n"
      "一、主要目标\n"
      "到2026年，水质明显改善，排放量比2021年下降8%。\n"
      "二、重点任务\n"
      "(一)加强水体治理。2025年7月1日起，实施新标准。〔县水务局按职责分工负责〕\n"
      "(二)加强大气治理。落实《某规划（2022—2031年）》。2020年，全县已完成改造。〔县环保局牵头负责〕\n";
  Document doc = extract_bytes(text, "plan.txt");
  REQUIRE(doc.deadlines.size() == 3);
  const Deadline& goal = doc.deadlines[0];
  CHECK_FALSE(goal.clause.has_value());
  CHECK(goal.section == 1);
  CHECK(goal.date == "2026");
  CHECK(goal.kind == "by");
  CHECK(goal.line == 4);
  CHECK(goal.quote == "到2026年");
  const Deadline& from = doc.deadlines[1];
  REQUIRE(from.clause.has_value());
  CHECK(*from.clause == 1);
  CHECK(from.section == 2);
  CHECK(from.kind == "from");
  CHECK(from.date == "2025-07-01");
  CHECK(from.line == 6);
  CHECK(from.column == 11);  // 10 characters of "（一）加强水体治理。" before it
  CHECK(from.quote == "2025年7月1日起");
  const Deadline& period = doc.deadlines[2];
  CHECK(*period.clause == 2);
  CHECK(period.kind == "period");
  CHECK(period.quote == "（2022—2031年）");  // raw source, full-width brackets
  // "2020年," describes the past of a plan issued in 2024: no commitment.
  for (const Deadline& d : doc.deadlines) CHECK(d.date != "2020");
}

TEST_CASE("a span is dated by its end year and read from the second alternative's groups too") {
  DateMention m = only("规划(2021—2030年)");
  CHECK(m.kind == "period");
  CHECK(m.date == "2030");
  CHECK(only("2026年10月15日之前完成。").date == "2026-10-15");
  for (const DateMention& d : dates_in("规划(2030—2021年)")) CHECK(d.kind != "period");
}
