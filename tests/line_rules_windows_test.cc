// LineWindows (src/line_rules.h): every match RE2 finds of a dates or values
// rule lies in one of the windows read from the patterns, and the stages read
// the same with the windows as without them, on the corpus, the held-out
// passages and generated text dense in what the rules look for.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "grammar_internal.h"
#include "line_rules.h"
#include "plancmp/extract.h"
#include "plancmp/normalize.h"
#include "plancmp/structure.h"
#include "line_rules_check.h"
#include "test_support.h"
#include "utf8_util.h"

using namespace plancmp;

namespace {

std::vector<std::string> corpus_and_passages() {
  std::vector<std::string> out;
  for (const auto& file : plancmp_test::sample_plan_files()) out.push_back(plancmp_test::slurp(file));
  return out;
}

// Lines built from what the rules look for (years, months, deadline words,
// five-year plans, units, water classes, punctuation) and other Chinese
// text, in random order: many near-misses and edges.
std::vector<std::string> generated(std::size_t count, unsigned seed) {
  static const std::vector<std::string> pieces = {
      "2025", "2020", "1998", "20", "19", "3", "12", "30", "0.5", "1,200", "二〇二五", "十四", "五", "十", "三",
      "年", "月", "日", "底", "末", "前", "之前", "以前", "起", "开始", "以来", "到", "至", "在", "于", "力争",
      "确保", "展望", "截至", "比", "较", "与", "相比", "以", "为基准年", "基础上", "期间", "时期", "末期", "“",
      "”", "\"", "(", ")", "-", "—", "~", "至", "年度", "同期", "水平", "新增", "完成", "实现", "达到", "保持",
      "优于", "Ⅱ", "Ⅲ", "V", "III", "类", "百分之", "九十五", "万", "亿", "亩", "吨", "微克/立方米", "%", "个",
      "百分点", "每立方米", "微克", "μg/m³", ",", ";", "。", ":", "!", "?", "、", " ", "\t", "全市", "污水",
      "处理", "推进", "生态", "环境", "治理", "的", "和", "规划", "方案", "重点", "任务", "工作", "〔", "〕", "号"};
  // Phrases whose rules allow any character in a gap (the wide rules):
  // placed with gaps of every length, so a window too short would show.
  static const std::vector<std::pair<std::string, std::string>> framed = {
      {"达到或优于", "Ⅲ类"}, {"保持", "III类"}, {"无劣", "V类"}, {"。“十四五”期间", "新增"}, {"\n十三五时期", "完成"}, {";五五\"期间", "完成"}};
  static const std::vector<std::string> filler = {"国", "家", "地", "表", "水", "的", "1", "2025", "a"};
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1), length(1, 40), gap(0, 14);
  std::uniform_int_distribution<std::size_t> pick_framed(0, framed.size() - 1), pick_filler(0, filler.size() - 1);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < count; ++i) {
    std::string text;
    for (int line = 0; line < 20; ++line) {
      for (std::size_t k = length(rng); k > 0; --k) {
        if (k % 7 == 3) {
          const auto& [head, tail] = framed[pick_framed(rng)];
          text += head;
          for (std::size_t g = gap(rng); g > 0; --g) text += filler[pick_filler(rng)];
          text += tail;
        }
        text += pieces[pick(rng)];
      }
      text += '\n';
    }
    out.push_back(text);
  }
  return out;
}

bool inside(const std::vector<ByteSpan>& windows, std::size_t b, std::size_t e) {
  for (const auto& [wb, we] : windows)
    if (wb <= b && e <= we) return true;
  return false;
}

// Every match of every rule of `rules` (index offset `first`) in each line:
// the one RE2 prefers at each place a match starts, found as the stages scan
// (with the line's break for the values, without it for the dates).
void check_windows(const LineWindows& w, const std::vector<const RE2*>& rules, std::size_t dates,
                   const std::string& text, std::size_t& matches) {
  std::vector<ByteSpan> narrow, all;
  for (std::size_t begin = 0; begin < text.size();) {
    std::size_t end = text.find('\n', begin);
    end = end == std::string::npos ? text.size() : end + 1;
    narrow.clear();
    all.clear();
    w.find(text, begin, end, narrow, all);
    for (std::size_t i = 1; i < all.size(); ++i) CHECK(all[i - 1].second < all[i].first);
    for (std::size_t r = 0; r < rules.size(); ++r) {
      const std::size_t stop = r < dates && text[end - 1] == '\n' ? end - 1 : end;
      const re2::StringPiece line(text.data() + begin, stop - begin);
      re2::StringPiece m;
      for (std::size_t pos = 0; pos <= line.size() && rules[r]->Match(line, pos, line.size(), RE2::UNANCHORED, &m, 1);) {
        const std::size_t b = static_cast<std::size_t>(m.data() - text.data()), e = b + m.size();
        CAPTURE(rules[r]->pattern());
        CAPTURE(std::string(m.data(), m.size()));
        CHECK(inside(all, b, e));
        if (w.narrow(r)) {
          CHECK(inside(narrow, b, e));
          // Every match starts at one of its window's starts (each match RE2
          // prefers at each place, as the dates stage rescans).
          std::vector<std::size_t> starts;
          for (const ByteSpan& window : narrow)
            if (window.first <= b && e <= window.second) w.rule_starts(r, text, window, starts);
          CHECK(std::find(starts.begin(), starts.end(), b) != starts.end());
          CHECK(std::is_sorted(starts.begin(), starts.end()));
        }
        ++matches;
        pos = b - begin + 1;
      }
    }
    begin = end;
  }
}

}  // namespace

TEST_CASE("pattern_needs: every match holds an anchor") {
  CharSet digits, year;
  digits.add('0', '9');
  year.add(U'年');
  CHECK(pattern_needs("(?P<y>(?:19|20)\\d{2})年", digits));
  CHECK(pattern_needs("(?P<y>(?:19|20)\\d{2})年", year));
  CHECK(pattern_needs("[0-9]+", digits));
  CHECK(pattern_needs("x[1-3]", digits));
  CHECK_FALSE(pattern_needs("[0-9.]", digits));
  CHECK_FALSE(pattern_needs("a|\\d", digits));
  CHECK_FALSE(pattern_needs("\\d?", digits));
  CHECK_FALSE(pattern_needs("\\d*", digits));
  CHECK_FALSE(pattern_needs("\\d{0,2}", digits));
  CHECK(pattern_needs("\\d{1,2}", digits));
  CHECK_FALSE(pattern_needs("\\p{Nd}", digits));  // not listed: in doubt
  CHECK_FALSE(pattern_needs("[^a]", digits));
  CHECK_FALSE(pattern_needs("(?i)k", year));
  CHECK(pattern_needs("(?:到|至)(?P<y>\\d{4})年|(?P<yc>[〇一二]{4})年", year));
  CHECK_FALSE(pattern_needs("(?:到|至)(?P<y>\\d{4})年|(?P<yc>[〇一二]{4})年", digits));
  CHECK_FALSE(pattern_needs("\\Qab\\E", digits));
  CHECK_FALSE(pattern_needs("a{", digits));
  CHECK_FALSE(pattern_needs("(ab", digits));
  CHECK_FALSE(pattern_needs("\\C", digits));
}

TEST_CASE("pattern_reach: how far a match reaches around an anchor") {
  CharSet cls, five;
  cls.add(U'类');
  five.add(U'五');
  // The last 类 ends every match: nothing after it.
  const auto water = pattern_reach("(?P<verb>达到或优于|保持|无劣)(?P<gap>[^,;。、]{0,8}?)(?P<cls>Ⅰ|Ⅱ|III|V)类", cls);
  REQUIRE(water);
  CHECK(water->before == 16);
  CHECK(water->after == 0);
  // The first 五 may be the ordinal's; a gap of any character may hold more.
  const auto period = pattern_reach("(?:^|[。;:,\\n])[“\"]?(?:十[一二三四五]|[一二三四五])五[”\"]?(?:期间|时期)(?:[,]|[^的,;。]{0,12}?(?:新增|完成))", five);
  REQUIRE(period);
  CHECK(period->before == 4);
  CHECK(period->after == 18);
  CHECK(pattern_reach("a[^x]{2}五b", five)->before == 3);
  CHECK(pattern_reach("a[^x]{2}五b", five)->after == 1);
  CHECK_FALSE(pattern_reach("[^x]+五", five));   // a loop before it
  CHECK_FALSE(pattern_reach("五?[^x]", five));   // not needed
  CHECK_FALSE(pattern_reach("五[^x]*|五", five));  // after the first, or before the last: no bound
}

TEST_CASE("rule_starts: a match's opening character is as far before its first required one as the pattern allows") {
  const RE2 year("(?P<y>(?:19|20)\\d{2})年"), lead("(?:到|至)?(?:19|20)\\d{2}年"), open_ended("(?:19|20)\\d+年");
  const auto w = LineWindows::of({&year, &lead, &open_ended});
  REQUIRE(w);
  REQUIRE(w->narrow(0));
  auto starts = [&](std::size_t rule, const std::string& text) {
    std::vector<std::size_t> out;
    w->rule_starts(rule, text, {0, text.size()}, out);
    return out;
  };
  using Starts = std::vector<std::size_t>;
  // Four characters before 年: "2025年" from its first byte only.
  CHECK(starts(0, "2025年") == Starts{0});
  CHECK(starts(0, "025年").empty());
  CHECK(starts(0, "12025年") == Starts{1});
  CHECK(starts(0, "2025年2026年") == Starts{0, 7});
  CHECK(starts(0, "20年2025").empty());
  // An optional lead: four or five characters before 年.
  CHECK(starts(1, "到2025年") == Starts{0, 3});
  CHECK(starts(1, "到到2025年") == Starts{3, 6});
  // No bound after the lead: every opening character at least three characters before.
  CHECK(starts(2, "1920212年") == Starts{0, 2, 4});
  CHECK(starts(2, "19年").empty());
}

TEST_CASE("pattern_tests_word_boundary") {
  CHECK(pattern_tests_word_boundary("\\bfoo"));
  CHECK(pattern_tests_word_boundary("年\\B"));
  CHECK_FALSE(pattern_tests_word_boundary("a\\\\b"));
  CHECK_FALSE(pattern_tests_word_boundary("[\\d]b"));
  CHECK(pattern_tests_word_boundary("[[:digit:]]"));  // not followed: in doubt
}

TEST_CASE("every match of a dates or values rule lies in a window") {
  const auto grammar = Grammar::builtin();
  const Grammar::Impl::LineSet* joint = grammar->impl().line_set();
  REQUIRE(joint);
  REQUIRE(joint->windows);
  std::vector<const RE2*> rules;
  for (const char* file_set : {"dates", "values"}) {
    const RuleSet& rs = std::string(file_set) == "dates" ? grammar->impl().rule_set("dates.yaml", "dates")
                                                           : grammar->impl().rule_set("targets.yaml", "values");
    for (const PatternRule& r : rs.rules) rules.push_back(r.re.get());
  }
  std::vector<std::string> texts = corpus_and_passages();
  for (const std::string& t : generated(40, 7)) texts.push_back(t);
  std::size_t matches = 0;
  for (const std::string& raw : texts) {
    const NormalizedText nt = NormalizedText::build(raw);
    check_windows(*joint->windows, rules, joint->dates, nt.text(), matches);
  }
  CHECK(matches > 5000);
}

TEST_CASE("the line lists hold each set's own answer, and the stages read the same with them") {
  const auto grammar = Grammar::builtin();
  std::vector<std::string> texts = corpus_and_passages();
  for (const std::string& t : generated(40, 11)) texts.push_back(t);
  std::size_t mentions = 0;
  for (const std::string& raw : texts) {
    const NormalizedText nt = NormalizedText::build(raw);
    const LineRules lines = match_lines(nt, *grammar);
    REQUIRE(lines.usable);
    REQUIRE(lines.window_begin.size() == lines.line_begin.size() + 1);
    plancmp_test::check_lines_hold_own_answers(nt, lines, *grammar);
    const std::vector<DateMention> own = find_dates(nt, *grammar);
    const std::vector<DateMention> shared = find_dates(nt, *grammar, &lines);
    plancmp_test::check_same_dates(own, shared);
    mentions += own.size();
  }
  CHECK(mentions > 150);
}

TEST_CASE("a rule the windows cannot place leaves whole lines to the set") {
  const std::string values = "sets:\n  values:\n    - id: value.n\n      pattern: '(?P<num>\\d+)(?P<unit>吨)'\n";
  const std::string bounded = "sets:\n  dates:\n    - id: date.y\n      kind: by\n      commitment: \"true\"\n"
                              "      pattern: '到(?P<y>(?:19|20)\\d{2})年'\n";
  // A word boundary, a match that may be empty, a wide rule with no bound.
  for (const char* pattern : {"\\b(?P<y>(?:19|20)\\d{2})年", "(?P<y>(?:19|20)\\d{2})?", "[^。]+(?P<y>20\\d{2})年"}) {
    const std::string dates = "sets:\n  dates:\n    - id: date.x\n      kind: by\n      commitment: \"true\"\n"
                              "      pattern: '" + std::string(pattern) + "'\n";
    const auto grammar = Grammar::from_files({{"dates.yaml", dates}, {"targets.yaml", values}}, "g");
    const NormalizedText nt = NormalizedText::build("目标到2025年建成,新增30吨\n其他\n");
    const LineRules lines = match_lines(nt, *grammar);
    CAPTURE(pattern);
    REQUIRE(lines.usable);
    CHECK(lines.window_begin.empty());
    CHECK(lines.dates[0] == std::vector<int>{0});
    CHECK(lines.values[0] == std::vector<int>{0});
    CHECK(find_dates(nt, *grammar, &lines).size() == find_dates(nt, *grammar).size());
  }
  const auto grammar = Grammar::from_files({{"dates.yaml", bounded}, {"targets.yaml", values}}, "g");
  const NormalizedText nt = NormalizedText::build("目标到2025年建成,新增30吨\n其他\n");
  const LineRules lines = match_lines(nt, *grammar);
  CHECK_FALSE(lines.window_begin.empty());
  CHECK(lines.dates[0] == std::vector<int>{0});
  CHECK(lines.values[0] == std::vector<int>{0});
  CHECK(lines.dates[1].empty());
  REQUIRE(find_dates(nt, *grammar, &lines).size() == 1);
}

TEST_CASE("next_anchor_end, anchor_end_bits: the vector prefilter finds what the pair scan finds") {
  // Anchors of every length: ASCII digits, 2-, 3- and 4-byte characters,
  // a wide range, and the built-in rules' own.
  const std::vector<std::vector<std::string>> rule_sets = {
      {"(?:19|20)\\d{2}年", "\\d+(?:\\.\\d+)?(?:万|亿)?吨"},
      {"[零一二三四五六七八九十百千]+亿", "é+ü", "𠀀𠀁+年"},
      {"[\\x{4E00}-\\x{6FFF}]+%", "[a-z]+\\d"},
      {"[ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞß]+年", "[αβγδεζηθικλμνξοπρστυφχψω]+月", "[!-/]+\\d"},
  };
  std::vector<std::unique_ptr<const LineWindows>> windows;
  std::vector<std::unique_ptr<RE2>> owned;
  for (const auto& set : rule_sets) {
    std::vector<const RE2*> rules;
    for (const std::string& p : set) {
      owned.push_back(std::make_unique<RE2>(p));
      REQUIRE(owned.back()->ok());
      rules.push_back(owned.back().get());
    }
    windows.push_back(LineWindows::of(rules));
    REQUIRE(windows.back());
    CHECK(windows.back()->vector_prefilter());  // (the way under test)
  }
  const auto grammar = Grammar::builtin();
  REQUIRE(grammar->impl().line_set());
  const LineWindows& builtin = *grammar->impl().line_set()->windows;
  CHECK(builtin.vector_prefilter());
  static const std::vector<std::string> pieces = {
      "0", "7", "2025", "年", "月", "万", "亿", "五", "百", "类", "吨", "é", "ü", "𠀀", "𠀁", "%", "一", "十", "国",
      "家", "水", "a", "z", "!", "/", "\n", " ", "À", "ß", "α", "ω", "。", "\xE5", "\xB9", "\xB4", "\x80", "\xFF"};
  std::mt19937 rng(5);
  std::uniform_int_distribution<std::size_t> pick(0, pieces.size() - 1), length(0, 120);
  std::size_t found = 0;
  for (int round = 0; round < 400; ++round) {
    std::string text;
    for (std::size_t k = length(rng); k > 0; --k) text += pieces[pick(rng)];
    const LineWindows& w = round % 5 < 4 ? *windows[static_cast<std::size_t>(round % 4)] : builtin;
    // The whole text's bits, and find() reading them, as the pair scan.
    std::vector<std::uint64_t> bits;
    w.anchor_end_bits(text, bits);
    for (std::size_t q = 0; q < text.size(); ++q) {
      CAPTURE(q);
      REQUIRE(((bits[q / 64] >> (q % 64) & 1) != 0) == (w.next_anchor_end(text, q, q + 1, LineWindows::Scan::kPairs) == q));
    }
    for (std::size_t begin = 0; begin < text.size();) {
      const std::size_t nl = text.find('\n', begin), end = nl == std::string::npos ? text.size() : nl + 1;
      std::vector<ByteSpan> narrow, all, narrow_bits, all_bits;
      w.find(text, begin, end, narrow, all);
      w.find(text, begin, end, narrow_bits, all_bits, &bits);
      CHECK(narrow == narrow_bits);
      CHECK(all == all_bits);
      begin = end;
    }
    std::uniform_int_distribution<std::size_t> at(0, text.size());
    for (int probe = 0; probe < 8; ++probe) {
      std::size_t from = at(rng), end = at(rng);
      if (from > end) std::swap(from, end);
      if (probe == 0) from = 0, end = text.size();
      // Every anchor end of [from, end), one after the other, as find() asks.
      for (std::size_t q = from;; ++q) {
        const std::size_t wide = w.next_anchor_end(text, q, end), pairs = w.next_anchor_end(text, q, end, LineWindows::Scan::kPairs);
        CAPTURE(text);
        CAPTURE(q);
        REQUIRE(wide == pairs);
        if (pairs >= end) break;
        ++found;
        q = pairs;
      }
    }
  }
  CHECK(found > 1000);
}
