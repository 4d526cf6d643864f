// The target extractor's shortcuts (word lists read from patterns, alphabets,
// first characters, the lazy mask) must give what its general path gives: the
// same grammar with every targets.yaml pattern written so that no reading of
// pattern text takes it (an empty `(?:\Qx\E){0}` appended) is run beside the
// built-in one, on the corpus, the held-out passages and generated text.
#include <doctest/doctest.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "grammar_internal.h"
#include "plancmp/grammar.h"
#include "plancmp/pipeline.h"
#include "targets_patterns.h"
#include "test_support.h"

using namespace plancmp;

namespace {

// targets.yaml with `(?:\Qx\E){0}` (an empty match no reading follows) after every pattern.
std::shared_ptr<const Grammar> general_path_grammar() {
  const std::string yaml = builtin_grammar_files().at("targets.yaml");
  const std::regex pattern_line(R"(^(\s*pattern: )'(.*)'$)", std::regex::multiline);
  const std::string opaque = std::regex_replace(yaml, pattern_line, "$1'$2(?:\\Qx\\E){0}'");
  REQUIRE(opaque != yaml);
  auto grammar = Grammar::from_files({{"targets.yaml", opaque}});
  // No reading takes the patterns now (and the built-in ones are read).
  for (const char* set : {"comparators", "qualifiers", "not_targets", "indicator_leads"}) {
    CAPTURE(set);
    const RuleSet& opaque_rules = grammar->impl().rule_set("targets.yaml", set);
    const RuleSet& builtin_rules = Grammar::builtin()->impl().rule_set("targets.yaml", set);
    REQUIRE(!opaque_rules.rules.empty());
    for (const PatternRule& r : opaque_rules.rules) {
      CHECK(!word_list(*r.re));
      CHECK(!pattern_chars(*r.re));
    }
    bool read = false;
    for (const PatternRule& r : builtin_rules.rules) read = read || word_list(*r.re) || pattern_chars(*r.re);
    CHECK(read);
  }
  for (const PatternRule& r : grammar->impl().rule_set("targets.yaml", "values").rules)
    CHECK(!SequenceGroups::of(*r.re, {"num", "cn", "cls", "verb", "unit"}));
  return grammar;
}

void check_same_targets(const Document& a, const Document& b) {
  REQUIRE(a.targets.size() == b.targets.size());
  for (std::size_t i = 0; i < a.targets.size(); ++i) {
    const Target& x = a.targets[i];
    const Target& y = b.targets[i];
    CAPTURE(i);
    CAPTURE(x.quote);
    CHECK(x.indicator == y.indicator);
    CHECK(x.op == y.op);
    CHECK(x.value == y.value);
    CHECK(x.unit == y.unit);
    CHECK(x.year == y.year);
    CHECK(x.baseline_year == y.baseline_year);
    CHECK(x.line == y.line);
    CHECK(x.column == y.column);
    CHECK(x.quote == y.quote);
    CHECK(x.rule == y.rule);
    CHECK(x.clause == y.clause);
    CHECK(x.section == y.section);
  }
}

// Sentences dense with comparators, qualifiers, enumerations, masked names,
// baselines and leads, shuffled into long paragraphs.
std::string generated_plan(unsigned seed) {
  const std::vector<std::string> pieces = {
      "到2025年,", "森林覆盖率达到60%以上", "比2020年下降17%", "较2020年提升10个百分点,达到75%以上",
      "细颗粒物(PM2.5)年平均浓度不高于29微克/立方米", "分别削减3895吨、190吨", "95%和80%", "依据〔2021〕40号文件",
      "《规划(2021-2025年)》", "施工工地“八个百分之百”落实率100%", "创建绿色工厂5个、绿色园区1个", "新建污水管网450公里",
      "达到或优于Ⅲ类比例", "水质保持Ⅱ类", "系数提升到0.604", "控制在年均35微克/立方米", "达每日30公吨",
      "约30%的企业", "20平方公里以上河流", "“十四五”期间新增项目3个", "完成沿海5个县(区)排查", "1,200吨",
      "医疗废物、危险废物处置率达到100%", "重污染天数比例控制在1.3%以内", "力争全市新增造林三万亩", "覆盖率达百分之九十五",
      "浓度降至每立方米30微克以下", "确保", "、", ",", "。", "和", "的", "(", ")", "达到", "不低于", "提高", "约",
      "以上", "以下", "左右", "5G基站", "国六b", "1+N", "O3", "\n"};
  plancmp_test::Lcg rng{seed};
  std::string text = "一、重点任务\n(一)加强治理。";
  for (int k = 0; k < 600; ++k) text += pieces[rng.next(static_cast<unsigned>(pieces.size()))];
  return text + "\n";
}

}  // namespace

TEST_CASE("targets: the shortcuts give what the general path gives") {
  ExtractOptions general;
  general.grammar = general_path_grammar();
  const std::vector<std::filesystem::path> files = plancmp_test::sample_plan_files();
  REQUIRE(files.size() > 3);
  std::size_t targets = 0;
  for (const auto& f : files) {
    CAPTURE(f.string());
    const std::string bytes = plancmp_test::slurp(f);
    const Document fast = extract_bytes(bytes, f.filename().string());
    check_same_targets(fast, extract_bytes(bytes, f.filename().string(), general));
    targets += fast.targets.size();
  }
  for (unsigned seed = 1; seed <= 30; ++seed) {
    CAPTURE(seed);
    const std::string text = generated_plan(seed);
    const Document fast = extract_bytes(text, "generated.txt");
    check_same_targets(fast, extract_bytes(text, "generated.txt", general));
    targets += fast.targets.size();
  }
  CHECK(targets > 500);
}
