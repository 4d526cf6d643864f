// Where the prose extractor looks for values (src/targets.cc): each rule's
// next place is kept per paragraph (shared by rules with the same start
// test), segments before every rule's place are passed over, and a
// paragraph's rest after the last place is not split. On paragraphs of many
// short segments, with values of every values rule now and then, this must
// give what looking in every segment gives (the straightforward path).
// And table rows behind an indent are still read as rows.
#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "plancmp/grammar.h"
#include "plancmp/pipeline.h"
#include "targets_internal.h"
#include "test_support.h"

using namespace plancmp;

namespace {

std::vector<Target> extract(const std::string& text, bool straightforward,
                            std::shared_ptr<const Grammar> grammar = nullptr) {
  TargetsTesting::straightforward = straightforward;
  ExtractOptions options;
  options.grammar = std::move(grammar);
  std::vector<Target> targets = extract_bytes(text, "places.txt", options).targets;
  TargetsTesting::straightforward = false;
  return targets;
}

// Paragraphs of short segments: prose, values of each kind (with units,
// 百分之, Chinese counts, water classes, bare decimals, thousands), dates,
// notes in parentheses and every separator.
std::string places_text(unsigned seed, int paragraphs) {
  const std::vector<std::string> prose = {"加强治理", "推进建设", "完善机制", "森林覆盖率", "细颗粒物(PM2.5)年平均浓度",
                                          "空气质量优良天数比率", "地表水国控断面水质", "城镇污水处理率", "全面",
                                          "到2025年", "力争", "《规划》", "国六", "其中", "和", "、"};
  const std::vector<std::string> values = {"达到95%", "不高于29微克/立方米", "提高到百分之九十", "新增三万亩",
                                           "保持Ⅱ类", "达到或优于Ⅲ类", "为0.6", "1,200吨", "5个", "下降10个百分点",
                                           "35蒸吨以下", "(含5%)", "降至8.5%以下", "2020年"};
  const std::vector<std::string> separators = {",", "。", ";", ":", "!", "?", "，", "、"};
  plancmp_test::Lcg rng{seed};
  std::string text = "一、主要目标\n";
  for (int p = 0; p < paragraphs; ++p) {
    text += "(" + std::to_string(p + 1) + ")";
    for (unsigned n = 3 + rng.next(30); n > 0; --n) {
      const unsigned pick = rng.next(10);
      if (pick < 5) text += prose[rng.next(static_cast<unsigned>(prose.size()))];
      else if (pick < 7) text += prose[rng.next(static_cast<unsigned>(prose.size()))] + values[rng.next(static_cast<unsigned>(values.size()))];
      text += separators[rng.next(static_cast<unsigned>(separators.size()))];
    }
    text += rng.next(4) == 0 ? "\n\n" : "\n";
  }
  return text;
}

void check_same(const std::vector<Target>& fast, const std::vector<Target>& plain) {
  REQUIRE(fast.size() == plain.size());
  for (std::size_t i = 0; i < fast.size(); ++i) {
    CAPTURE(i);
    CHECK(fast[i].indicator == plain[i].indicator);
    CHECK(fast[i].op == plain[i].op);
    CHECK(fast[i].value == plain[i].value);
    CHECK(fast[i].unit == plain[i].unit);
    CHECK(fast[i].quote == plain[i].quote);
    CHECK(fast[i].rule == plain[i].rule);
  }
}

// The built-in targets.yaml with `rules` (YAML list items) in its values
// set: before the built-in rules, or instead of them.
std::shared_ptr<const Grammar> with_values(const std::string& rules, bool replace) {
  std::string yaml = builtin_grammar_files().at("targets.yaml");
  const std::string from = "  values:\n";
  const std::size_t at = yaml.find(from);
  REQUIRE(at != std::string::npos);
  std::size_t rest = at + from.size();
  if (replace)
    while (rest < yaml.size() && yaml.compare(rest, 4, "    ") == 0) rest = yaml.find('\n', rest) + 1;
  yaml.replace(at + from.size(), rest - at - from.size(), rules);
  return Grammar::from_files({{"targets.yaml", yaml}});
}

// A section heading, then `count` of `pieces` drawn by an Lcg seeded `seed`.
std::string random_paragraph(const std::vector<std::string>& pieces, unsigned seed, unsigned count) {
  plancmp_test::Lcg rng{seed};
  std::string text = "一、主要目标\n";
  for (; count > 0; --count) text += pieces[rng.next(static_cast<unsigned>(pieces.size()))];
  return text;
}

// 80 random paragraphs of `pieces` under the built-in grammar and `custom`:
// the fast and the straightforward paths give the same targets. Returns how
// many there were.
std::size_t same_targets_on_random_texts(const std::vector<std::string>& pieces,
                                         const std::shared_ptr<const Grammar>& custom) {
  std::size_t targets = 0;
  for (unsigned seed = 1; seed <= 80; ++seed) {
    CAPTURE(seed);
    const std::string text = random_paragraph(pieces, seed, 240);
    for (const auto& grammar : {std::shared_ptr<const Grammar>(), custom}) {
      const std::vector<Target> fast = extract(text, false, grammar), plain = extract(text, true, grammar);
      check_same(fast, plain);
      targets += fast.size();
    }
  }
  return targets;
}

}  // namespace

TEST_CASE("value places: passing over segments gives what looking in each gives") {
  std::size_t targets = 0;
  for (unsigned seed = 1; seed <= 60; ++seed) {
    CAPTURE(seed);
    const std::string text = places_text(seed, 30);
    const std::vector<Target> fast = extract(text, false), plain = extract(text, true);
    check_same(fast, plain);
    targets += fast.size();
  }
  CHECK(targets > 300);
}

TEST_CASE("tables: rows behind an indent are read; an indent and one gap make no row") {
  for (const std::string indent : {"", "  ", "\xE3\x80\x80\xE3\x80\x80", " \xE3\x80\x80", "\xE3\x80\x80"}) {
    CAPTURE(indent);
    const Document row = extract_bytes("一、主要指标\n" + indent + "森林覆盖率  %  40.1  42  预期性\n", "table.txt");
    REQUIRE(row.targets.size() == 1);
    CHECK(row.targets[0].value == 42);
    CHECK(row.targets[0].rule == "table.row");
    // Two cells after the indent: no row (the prose reader takes the line).
    const Document prose = extract_bytes("一、主要指标\n" + indent + "森林覆盖率达到42%  以上\n", "prose.txt");
    for (const Target& t : prose.targets) CHECK(t.rule.find("table") == std::string::npos);
  }
}

// A values rule's next match is found by anchored searches from each place
// its start test allows, in order; the straightforward path searches
// unanchored. User rules of other shapes (an optional lead, a word boundary,
// a required tail that fails on most numbers, overlapping rules) must give
// the same values.
TEST_CASE("value places: anchored searches from each start give what an unanchored search gives") {
  std::string yaml = builtin_grammar_files().at("targets.yaml");
  const std::string from = "  values:\n";
  const std::size_t at = yaml.find(from);
  REQUIRE(at != std::string::npos);
  yaml.insert(at + from.size(),
              "    - id: value.test-lead\n"
              "      pattern: '(?:约|近)?(?P<num>\\d{2,})(?P<unit>个|吨)(?:左右)?'\n"
              "    - id: value.test-boundary\n"
              "      pattern: '\\b(?P<num>\\d+\\.\\d+)x(?P<unit>[a-z]{2})'\n"
              "    - id: value.test-tail\n"
              "      pattern: '(?P<num>\\d+)(?:,\\d+)*(?P<unit>户)'\n");
  const auto grammar = Grammar::from_files({{"targets.yaml", yaml}});
  const std::vector<std::string> pieces = {"约", "近", "1", "23", "4.5", "x", "ab", "个", "吨", "户", ",", "，",
                                           "左右", "达到", "森林覆盖率", "a", "7.", "年", "、", "(", ")", "\n"};
  std::size_t targets = 0;
  for (unsigned seed = 1; seed <= 80; ++seed) {
    CAPTURE(seed);
    const std::string text = random_paragraph(pieces, seed, 200);
    const std::vector<Target> fast = extract(text, false, grammar), plain = extract(text, true, grammar);
    check_same(fast, plain);
    for (const Target& t : fast) targets += t.rule.find("value.test") != std::string::npos;
  }
  CHECK(targets > 20);  // the user rules' values among them
}

// Segments before every rule's place are passed over by a backward look for
// the last separator before it: a comma inside a number ("1,200") is none,
// a 。 cut by the paragraph's end is none. Rules that open with a word, after
// bare numbers with thousands commas, must give what looking in each gives.
TEST_CASE("value places: the segment passed to is the one a forward split finds") {
  // The rule alone: a rule that opens with a digit would have its place at
  // the number, before its comma.
  const auto custom = with_values("    - id: value.test-word-lead\n"
                                  "      pattern: '约(?P<num>\\d+)(?P<unit>xq|个)'\n",
                                  /*replace=*/true);
  const std::vector<std::string> pieces = {"1,200", "3,500,000", "12,34", "1,2345", ",", ",", "。", ";", "，",
                                           "约5xq", "约12xq", "约", "达到", "提高到百分之九十", "森林覆盖率",
                                           "总量", "、", "7", "\xE3", "\xE3\x80", "\n"};
  CHECK(same_targets_on_random_texts(pieces, custom) > 100);
}

// A place inside a masked span (a date) whose run of the rule's characters
// is masked throughout is passed over without a search: its matches would be
// dropped, and the scan would go on after the run. Dates touching numbers,
// decimals and units, and user rules whose matches may run past a date's end
// ("2025年5个"), must give the same values as searching every place.
TEST_CASE("value places: starts inside dates passed over give what searching them gives") {
  const auto custom = with_values("    - id: value.test-year-count\n"
                                  "      pattern: '(?P<num>\\d+)年?(?P<unit>个|项)'\n"
                                  "    - id: value.test-dotted\n"
                                  "      pattern: '(?P<num>[\\d.]+)(?P<unit>吨)'\n",
                                  /*replace=*/false);
  const std::vector<std::string> pieces = {"2025年", "2020年底", "2021—2025年", "2023年12月", "到", "2025", "年",
                                           "月", "5", "12", ".", "0.6", "个", "项", "吨", "%", "达到", "提高到",
                                           "森林覆盖率", "系数", "指数", "、", ",", "。", "(", ")", "\n", "一", "—", ".5吨", "2021—2025"};
  CHECK(same_targets_on_random_texts(pieces, custom) > 100);
}

// The lower-is-better words are found in an indicator by one scan of its
// characters (a WordScanner); the straightforward path looks for each word.
// Indicators with the words anywhere, twice, cut or next to one another,
// after 达到 (whose op turns for them), must get the same ops both ways.
TEST_CASE("lower-is-better: one scan for the words gives what a search per word gives") {
  const std::vector<std::string> pieces = {"浓度", "污染天数", "重污染天", "排放量", "排放总量", "排放强度", "能耗",
                                           "发生率", "超标率", "劣Ⅴ类", "劣V类", "浓", "排放", "污染", "天数",
                                           "细颗粒物", "森林覆盖率", "比例", "(PM2.5)", "年均", "单位GDP"};
  const std::vector<std::string> values = {"达到35微克/立方米", "达到95%", "达到8天", "达到0.5吨"};
  std::size_t turned = 0, kept = 0;
  for (unsigned seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    plancmp_test::Lcg rng{seed};
    std::string text = "一、主要目标\n";
    for (int p = 0; p < 30; ++p) {
      for (unsigned n = 1 + rng.next(4); n > 0; --n) text += pieces[rng.next(static_cast<unsigned>(pieces.size()))];
      text += values[rng.next(static_cast<unsigned>(values.size()))] + "。\n";
    }
    const std::vector<Target> fast = extract(text, false), plain = extract(text, true);
    check_same(fast, plain);
    for (const Target& t : fast) {
      turned += t.op == "<=";
      kept += t.op == ">=";
    }
  }
  CHECK(turned > 50);  // both answers were given
  CHECK(kept > 50);
}

// Values with nothing before them in their segment (list numbers "9、",
// counts after a separator), some followed by 的 and a noun or a qualifier:
// the early answer for an empty pre-text gives what the full reading gives,
// also with a create verb that matches the empty text.
std::string bare_values_text(unsigned seed) {
  const std::vector<std::string> lead = {"9、", "30 .", "5个", "95%", "100户", "3.5万亩", "二十个", "Ⅲ类", "2020年"};
  const std::vector<std::string> after = {"", "的城镇污水处理率", "以上", "以上的自然村", "加强治理", "(含5%)",
                                          "森林覆盖率", "的"};
  const std::vector<std::string> separators = {",", "。", ";", "，", "、", "\n"};
  plancmp_test::Lcg rng{seed};
  std::string text = "一、主要目标\n";
  for (int n = 0; n < 80; ++n) {
    if (rng.next(3) == 0) text += "新建";
    text += lead[rng.next(static_cast<unsigned>(lead.size()))] + after[rng.next(static_cast<unsigned>(after.size()))];
    text += separators[rng.next(static_cast<unsigned>(separators.size()))];
  }
  return text;
}

TEST_CASE("value places: a value with nothing before it reads as the full reading reads it") {
  std::string yaml;
  {
    std::ifstream in(std::string(PLANCMP_SOURCE_DIR) + "/grammars/targets.yaml");
    yaml.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::string verb = "(?:新\\(改\\)建|新改建|创建|争创|建成|建设|新建|改建|扩建|新增|培育|打造|完成|实施|种植|营造|治理|改造)'";
  const std::size_t at = yaml.find(verb);
  REQUIRE(at != std::string::npos);
  std::string empty_verb = yaml;
  empty_verb.replace(at, verb.size(), verb.substr(0, verb.size() - 1) + "?'");  // the verb itself optional
  const auto custom = Grammar::from_files({{"targets.yaml", empty_verb}}, "custom");
  std::size_t targets = 0, custom_targets = 0;
  for (unsigned seed = 1; seed <= 40; ++seed) {
    CAPTURE(seed);
    const std::string text = bare_values_text(seed);
    const std::vector<Target> fast = extract(text, false), plain = extract(text, true);
    check_same(fast, plain);
    targets += fast.size();
    const std::vector<Target> fast_c = extract(text, false, custom), plain_c = extract(text, true, custom);
    check_same(fast_c, plain_c);
    custom_targets += fast_c.size();
  }
  CHECK(targets > 100);
  CHECK(custom_targets > targets);  // the empty verb counts what follows bare values
}
