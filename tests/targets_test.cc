// Targets: what a plan sentence commits to, read as indicator/op/value/unit.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "groups_check.h"
#include "plancmp/pipeline.h"

using namespace plancmp;

namespace {

// The targets of a one-clause plan whose clause body is `body`.
std::vector<Target> targets_of(const std::string& body) {
  return extract_bytes("一、重点任务\n(一)加强治理。" + body + "\n", "t.txt").targets;
}

const Target* find(const std::vector<Target>& ts, double value) {
  for (const auto& t : ts)
    if (t.value == value) return &t;
  return nullptr;
}

}  // namespace

TEST_CASE("comparator wordings map to their ops") {
  struct Case {
    const char* text;
    const char* op;
  } cases[] = {
      {"空气质量优良天数比率不低于88%。", ">="},     {"二氧化硫浓度不超过12微克/立方米。", "<="},
      {"单位能耗控制在0.5吨标准煤以内。", "<="},      {"臭氧浓度降至150微克/立方米以下。", "<="},
      {"绿化覆盖率达到42%以上。", ">="},              {"清洁能源占比提高到60%。", ">="},
      {"水质达标率保持100%。", "="},                  {"非化石能源比重达到20%左右。", "~"},
      {"碳排放强度下降18%。", "-"},                   {"主要污染物削减3000吨。", "-"},
      {"新增造林面积2万亩。", "+"},                   {"绿色出行比例提升5个百分点。", "+"},
      {"生活垃圾回收利用率约35%。", "~"},
  };
  for (const auto& c : cases) {
    const std::string sentence = c.text;
    CAPTURE(sentence);
    auto ts = targets_of(c.text);
    REQUIRE(ts.size() == 1);
    CHECK(ts[0].op == c.op);
  }
}

TEST_CASE("reaching a level is a ceiling for lower-is-better indicators") {
  auto ts = targets_of("细颗粒物年均浓度达到30微克/立方米。");
  REQUIRE(ts.size() == 1);
  CHECK(ts[0].op == "<=");
}

TEST_CASE("a deadline opening the paragraph governs the targets after it; a baseline is read") {
  auto ts = targets_of("到2025年,单位生产总值二氧化碳排放比2020年下降18%,森林覆盖率达到60%。");
  REQUIRE(ts.size() == 2);
  CHECK(ts[0].indicator == "单位生产总值二氧化碳排放");
  CHECK(ts[0].baseline_year == 2020);
  CHECK(ts[0].year == 2025);
  CHECK(ts[1].year == 2025);
  CHECK_FALSE(ts[1].baseline_year.has_value());
}

TEST_CASE("an enumeration with 分别 gives one target per indicator and value") {
  auto ts = targets_of("化学需氧量、氨氮、总磷分别削减1200吨、80吨、15吨。");
  REQUIRE(ts.size() == 3);
  CHECK(ts[0].indicator == "化学需氧量");
  CHECK(ts[1].indicator == "氨氮");
  CHECK(ts[2].indicator == "总磷");
  CHECK(ts[2].value == 15);
  CHECK(ts[2].unit == "吨");
  for (const auto& t : ts) CHECK(t.op == "-");
}

TEST_CASE("two indicators with two values joined by 和 pair up, the qualifier applies to both") {
  auto ts = targets_of("城市生活垃圾无害化处理率和农村生活垃圾收运率达到98%和85%以上。");
  REQUIRE(ts.size() == 2);
  CHECK(ts[0].indicator == "城市生活垃圾无害化处理率");
  CHECK(ts[0].value == 98);
  CHECK(ts[1].indicator == "农村生活垃圾收运率");
  CHECK(ts[1].op == ">=");
}

TEST_CASE("one value shared by listed indicators gives one target each") {
  auto ts = targets_of("医疗废物、危险废物处置率100%。");
  REQUIRE(ts.size() == 2);
  CHECK(ts[0].indicator == "医疗废物处置率");
  CHECK(ts[1].indicator == "危险废物处置率");
}

TEST_CASE("water-quality classes are values with unit 类") {
  auto ts = targets_of("出境断面水质保持Ⅱ类标准,重点河流达到或优于Ⅲ类,全域无劣Ⅴ类水体。");
  REQUIRE(ts.size() == 3);
  CHECK(ts[0].value == 2);
  CHECK(ts[1].value == 3);
  CHECK(ts[2].value == 5);
  for (const auto& t : ts) {
    CHECK(t.unit == "类");
    CHECK(t.op == "<=");
  }
}

TEST_CASE("counts to create and areas to add are increases with their object") {
  auto ts = targets_of("创建省级生态园区3个,建成10个美丽示范村,新增湿地面积1.5万亩。");
  REQUIRE(ts.size() == 3);
  CHECK(ts[0].indicator == "省级生态园区");
  CHECK(ts[1].indicator == "美丽示范村");
  CHECK(ts[2].indicator == "湿地面积");
  CHECK(ts[2].unit == "万亩");
  for (const auto& t : ts) CHECK(t.op == "+");
}

TEST_CASE("percentages in words and unit-first concentrations are read") {
  auto ts = targets_of("污水收集率达到百分之七十五,PM2.5浓度降至每立方米35微克以下。");
  REQUIRE(ts.size() == 2);
  CHECK(ts[0].value == 75);
  CHECK(ts[0].unit == "%");
  CHECK(ts[1].value == 35);
  CHECK(ts[1].unit == "微克/立方米");
}

TEST_CASE("document numbers, years, names with numbers and scoping thresholds are not targets") {
  auto ts = targets_of(
      "根据《意见》(环发〔2022〕15号)要求,推进“1+N”政策体系,执行“六个百分之百”,"
      "淘汰35蒸吨/小时以下燃煤锅炉,划定20平方公里以上河流管理范围,建设5G基站,推广国六b车辆,"
      "PM2.5与臭氧协同控制,2023年启动。");
  CHECK(ts.empty());
}

TEST_CASE("a title masks the values inside it, across a line break, and no further") {
  CHECK(targets_of("学习《实施方案\n森林覆盖率达到60%》。").empty());
  auto ts = targets_of("印发《方案》(环发〔2022〕15号),森林覆盖率达到60%,PM2.5浓度不高于30微克/立方米。");
  REQUIRE(ts.size() == 2);
  CHECK(ts[0].value == 60);
  CHECK(ts[1].value == 30);
}

TEST_CASE("a value that modifies a noun is not a target, but 以上的 introduces one") {
  CHECK(targets_of("安排30%的资金用于治理。").empty());
  auto ts = targets_of("90%以上的行政村生活污水得到有效治理。");
  REQUIRE(ts.size() == 1);
  CHECK(ts[0].indicator == "行政村生活污水得到有效治理");
  CHECK(ts[0].op == ">=");
}

TEST_CASE("a unitless coefficient is a target only after a coefficient indicator") {
  auto ts = targets_of("农田灌溉水有效利用系数提高到0.62,推广3.0版标准。");
  REQUIRE(ts.size() == 1);
  CHECK(ts[0].value == doctest::Approx(0.62));
  CHECK(ts[0].unit == "");
}

TEST_CASE("a target's quote is the exact raw source and its line is the source line") {
  Document doc = extract_bytes("一、目标\n(一)治理。到2025年，城市污水处理率达到 95％以上。\n", "q.txt");
  REQUIRE(doc.targets.size() == 1);
  const Target& t = doc.targets[0];
  CHECK(t.line == 2);
  CHECK(t.quote == "城市污水处理率达到 95％以上");
  CHECK(t.unit == "%");
  CHECK(t.clause == 1);
  CHECK(t.section == 1);
}

TEST_CASE("a Traditional sentence gives the same target, its indicator in its own script") {
  auto ts = targets_of("森林覆蓋率達到45%以上。");
  REQUIRE(ts.size() == 1);
  CHECK(ts[0].indicator == "森林覆蓋率");
  CHECK(ts[0].op == ">=");
  CHECK(ts[0].value == 45);
}

TEST_CASE("rows of an indicator table give targets from the header's target column and year") {
  Document doc = extract_bytes(
      "一、主要指标\n"
      "序号\t指标名称\t单位\t2020年现状值\t2025年目标值\t指标属性\n"
      "1\t细颗粒物(PM2.5)浓度\t微克/立方米\t35\t30\t约束性\n"
      "2\t空气质量优良天数比率\t%\t85.2\t≥88\t约束性\n"
      "3  |  森林覆盖率(%)  |  40.1  |  42  |  预期性\n",
      "table.txt");
  REQUIRE(doc.targets.size() == 3);
  CHECK(doc.targets[0].indicator == "细颗粒物(PM2.5)浓度");
  CHECK(doc.targets[0].value == 30);
  CHECK(doc.targets[0].unit == "微克/立方米");
  CHECK(doc.targets[0].op == "<=");  // a concentration: lower is better
  CHECK(doc.targets[0].year == 2025);
  CHECK(doc.targets[1].op == ">=");
  CHECK(doc.targets[1].value == 88);
  CHECK(doc.targets[2].indicator == "森林覆盖率");  // "(%)" is its unit
  CHECK(doc.targets[2].unit == "%");
  CHECK(doc.targets[2].value == 42);
  CHECK(doc.clauses.empty());  // row numbers are not clauses
}

TEST_CASE("prose with double spaces is not read as a table") {
  Document doc = extract_bytes(
      "一、任务\n(一)治理。加强大气污染防治  推进重点行业深度治理  完善监测网络。\n", "prose.txt");
  CHECK(doc.targets.empty());
}

TEST_CASE("compound units are read whole, with a qualifier after them") {
  auto ts = targets_of("焚烧处理能力达到600吨/日左右,供电煤耗降至300克标准煤/千瓦时以下。");
  REQUIRE(ts.size() == 2);
  CHECK(ts[0].unit == "吨/日");
  CHECK(ts[0].op == "~");
  CHECK(ts[1].unit == "克标准煤/千瓦时");
  CHECK(ts[1].op == "<=");
}

TEST_CASE("a comparator without an indicator takes the indicator of the target before it") {
  auto ts = targets_of("城市生活污水集中收集率较2020年提升10个百分点,达到75%以上。");
  REQUIRE(ts.size() == 2);
  CHECK(ts[0].op == "+");
  CHECK(ts[0].baseline_year == 2020);
  CHECK(ts[1].indicator == "城市生活污水集中收集率");
  CHECK(ts[1].value == 75);
}

TEST_CASE("a creating verb carries over an enumeration of counts, with its prefixes") {
  auto ts = targets_of("累计创建国家级绿色工厂30家、省级绿色园区5个。");
  REQUIRE(ts.size() == 2);
  CHECK(ts[0].indicator == "国家级绿色工厂");
  CHECK(ts[1].indicator == "省级绿色园区");
  for (const auto& t : ts) CHECK(t.op == "+");
}

TEST_CASE("counts to remove are decreases") {
  auto ts = targets_of("淘汰老旧柴油货车4500辆。");
  REQUIRE(ts.size() == 1);
  CHECK(ts[0].op == "-");
  CHECK(ts[0].unit == "辆");
}

TEST_CASE("a count that modifies the noun after it is not a target") {
  CHECK(targets_of("完成沿海5个县(区)风险源排查。").empty());
}

TEST_CASE("a plan period opening a commitment gives its targets the plan's last year") {
  auto ts = targets_of("“十四五”期间,新增磷石膏综合利用项目10个。");
  REQUIRE(ts.size() == 1);
  CHECK(ts[0].indicator == "磷石膏综合利用项目");
  CHECK(ts[0].year == 2025);
}

TEST_CASE("tables: a category column is not the indicator; bracketed totals of a falling indicator are decreases") {
  Document doc = extract_bytes(
      "一、主要指标\n"
      "类别\t指标\t单位\t2020年\t2025年目标\n"
      "大气\t空气质量优良天数比率\t%\t88.2\t≥90.5\n"
      "水\t出境断面水质\t—\tⅢ类\tⅡ类\n"
      "减排\t单位地区生产总值能源消耗降低\t%\t—\t〔15〕\n",
      "t.txt");
  REQUIRE(doc.targets.size() == 3);
  CHECK(doc.targets[0].indicator == "空气质量优良天数比率");
  CHECK(doc.targets[1].value == 2);
  CHECK(doc.targets[1].unit == "类");
  CHECK(doc.targets[1].op == "<=");
  CHECK(doc.targets[2].op == "-");
  CHECK(doc.targets[2].value == 15);
  CHECK(doc.targets[2].baseline_year == 2020);
  CHECK(doc.targets[2].year == 2025);
}

TEST_CASE("units stay as printed in a Traditional plan") {
  auto ts = targets_of("危險廢物集中利用處置能力達到30萬噸/年。");
  REQUIRE(ts.size() == 1);
  CHECK(ts[0].unit == "萬噸/年");
}

TEST_CASE("review regressions: baselines, thousands, huge numbers, modifiers, names with 100%") {
  auto rail = targets_of("铁路货运量占比较2020年提升0.5个百分点。");
  REQUIRE(rail.size() == 1);
  CHECK(rail[0].indicator == "铁路货运量占比");  // the 比 of 占比 is not the baseline's
  CHECK(rail[0].baseline_year == 2020);
  auto cod = targets_of("化学需氧量削减1,200吨。");
  REQUIRE(cod.size() == 1);
  CHECK(cod[0].value == 1200);
  CHECK(targets_of("化学需氧量削减" + std::string(400, '9') + "吨。").empty());  // out of range: skipped
  auto modifier = targets_of("低于标准的企业整改率100%。");
  REQUIRE(modifier.size() == 1);
  CHECK(modifier[0].op == "=");  // 低于 opens a modifier here, not a comparison
  CHECK(targets_of("严格落实扬尘治理“8个100%”。").empty());
}

TEST_CASE("per-period words, cuts by verb, index levels and counts with alternative classifiers") {
  auto daily = targets_of("厨余回收量达每日30公吨。");
  REQUIRE(daily.size() == 1);
  CHECK(daily[0].value == 30);
  CHECK(daily[0].unit == "公吨");
  auto cut = targets_of("累计压减焦化产能60万吨。");
  REQUIRE(cut.size() == 1);
  CHECK(cut[0].op == "-");
  CHECK(cut[0].indicator == "焦化产能");
  auto index = targets_of("生态环境状况指数保持在80以上。");
  REQUIRE(index.size() == 1);
  CHECK(index[0].value == 80);
  CHECK(index[0].unit == "");
  auto rivers = targets_of("累计建成省级美丽河湖15条(个)、市级美丽河湖30条(个)。");
  REQUIRE(rivers.size() == 2);
  CHECK(rivers[1].indicator == "市级美丽河湖");
  CHECK(rivers[1].unit == "条(个)");
  CHECK(targets_of("推广3.0版标准,落实2号文件。").empty());  // bare numbers need an index indicator
}

TEST_CASE("a dated lead-in ending with a colon gives its year to the items listed under it") {
  Document doc = extract_bytes(
      "一、主要目标\n到2025年,全市生态环境质量明显改善,具体要求如下:\n"
      "(一)空气。空气质量优良天数比率达到90%。\n"
      "(二)水。城市污水处理率达到97%。\n"
      "二、保障措施\n(三)考核。考核优秀率达到60%。\n",
      "lead-in.txt");
  REQUIRE(doc.targets.size() == 3);
  CHECK(doc.targets[0].year == 2025);
  CHECK(doc.targets[1].year == 2025);
  CHECK_FALSE(doc.targets[2].year.has_value());  // another section: the lead-in ends
}

// find_values (src/targets.cc) finds a value's span without captures, drops it
// when masked, and reads its groups with MatchGroups: the groups must be the
// ones RE2's own capture of the unanchored search gives, for every values
// rule on real plan text and on the rules' own examples.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "grammar_internal.h"
#include "plancmp/normalize.h"
#include "regex_shortcuts.h"

TEST_CASE("values rules' groups read from the match agree with RE2's capture") {
  const Grammar::Impl& g = Grammar::builtin()->impl();
  const RuleSet& values = g.rule_set("targets.yaml", "values");
  REQUIRE(!values.rules.empty());
  const std::vector<std::string> names = {"num", "cn", "cls", "verb", "unit"};
  std::vector<std::string> texts = {"浓度降至每立方米30微克以下,覆盖率达到百分之九十五,削减1,200吨、3万亩",
                                    "新增造林三万亩,水质保持Ⅱ类标准(达到或优于Ⅲ类),无劣V类,系数0.604",
                                    "PM2.5浓度29微克/立方米,〔2021〕40号,处理能力600吨/日左右,15条(个)"};
  for (const auto& entry : std::filesystem::directory_iterator(PLANCMP_SOURCE_DIR "/corpus")) {
    std::ifstream in(entry.path(), std::ios::binary);
    texts.push_back(NormalizedText::build(std::string(std::istreambuf_iterator<char>(in), {})).text());
  }
  for (const PatternRule& r : values.rules) {
    CAPTURE(r.id);
    CHECK(plancmp_test::check_groups_like_re2(*r.re, names, texts) > 0);
  }
}

TEST_CASE("values inside masked spans are dropped, values beside them kept") {
  // A pollutant name, a document number and a title hold numbers that are no
  // targets; the values next to them still are.
  auto ts = targets_of("细颗粒物(PM2.5)年平均浓度不高于29微克/立方米,依据〔2021〕40号文件,优良天数比率达到90%以上。");
  CHECK(find(ts, 29) != nullptr);
  CHECK(find(ts, 90) != nullptr);
  CHECK(find(ts, 2.5) == nullptr);
  CHECK(find(ts, 40) == nullptr);
}
