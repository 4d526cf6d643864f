// match_lines (src/line_rules.cc): one set pass per line for the dates and
// values rules must list, for every line, at least the rules each set finds
// on its own, and the stages must read the same with or without it.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <re2/set.h>

#include "grammar_internal.h"
#include "plancmp/extract.h"
#include "plancmp/normalize.h"
#include "plancmp/pipeline.h"
#include "plancmp/structure.h"
#include "line_rules_check.h"
#include "regex_shortcuts.h"
#include "test_support.h"

using namespace plancmp;

namespace {

std::string corpus_text(const std::string& name) {
  return plancmp_test::slurp(std::string(PLANCMP_SOURCE_DIR) + "/corpus/" + name);
}

}  // namespace

TEST_CASE("each line's lists hold every rule its own set finds there") {
  const auto grammar = Grammar::builtin();
  for (const char* name : {"ankang-2023.txt", "maanshan-2023.txt", "panshi-2022.txt"}) {
    const NormalizedText nt = NormalizedText::build(corpus_text(name));
    const LineRules lines = match_lines(nt, *grammar);
    REQUIRE(lines.usable);
    const std::size_t listed = plancmp_test::check_lines_hold_own_answers(nt, lines, *grammar);
    CHECK(listed > 0);
  }
}

TEST_CASE("dates and targets read the same with and without the line lists") {
  const auto grammar = Grammar::builtin();
  for (const char* name : {"ankang-2023.txt", "maanshan-2023.txt", "panshi-2022.txt"}) {
    const NormalizedText nt = NormalizedText::build(corpus_text(name));
    const LineRules lines = match_lines(nt, *grammar);
    const std::vector<DateMention> own = find_dates(nt, *grammar);
    const std::vector<DateMention> shared = find_dates(nt, *grammar, &lines);
    plancmp_test::check_same_dates(own, shared);
    Structure s = find_structure(nt, *grammar, 0);
    Document a, b;
    a.sections = b.sections = s.sections;
    a.clauses = b.clauses = s.clauses;
    extract_targets(nt, *grammar, own, a);
    extract_targets(nt, *grammar, own, b, &lines);
    REQUIRE(a.targets.size() == b.targets.size());
    CHECK(!a.targets.empty());
    for (std::size_t i = 0; i < a.targets.size(); ++i) {
      CHECK(a.targets[i].quote == b.targets[i].quote);
      CHECK(a.targets[i].value == b.targets[i].value);
    }
  }
}

TEST_CASE("a dates rule asserting the end of the text keeps each stage on its own set") {
  CHECK(pattern_asserts_text_end("到(?P<y>\\d{4})年$"));
  CHECK(pattern_asserts_text_end("年\\z"));
  CHECK_FALSE(pattern_asserts_text_end("[$]年\\$"));
  CHECK_FALSE(pattern_asserts_text_end("(?m)^(?P<y>\\d{4})年\\b"));
  CHECK_FALSE(pattern_asserts_text_end("\\p{Han}+"));
  CHECK(pattern_asserts_text_end("[[:digit:]]"));  // not followed: in doubt
  const std::string dates = "sets:\n  dates:\n    - id: date.end\n      kind: by\n      commitment: \"true\"\n"
                            "      pattern: '到(?P<y>(?:19|20)\\d{2})年$'\n";
  const auto grammar = Grammar::from_files({{"dates.yaml", dates}}, "g");
  const NormalizedText nt = NormalizedText::build("目标到2025年\n");
  const LineRules lines = match_lines(nt, *grammar);
  CHECK_FALSE(lines.usable);
  // The line is read without its break, so the rule still finds its date.
  REQUIRE(find_dates(nt, *grammar, &lines).size() == 1);
}

TEST_CASE("without_group_names: named groups become plain groups, nothing else changes") {
  CHECK(without_group_names("(?P<y>(?:19|20)\\d{2})年(?P<m>\\d{1,2})月") == "(?:(?:19|20)\\d{2})年(?:\\d{1,2})月");
  CHECK(without_group_names("[(?P<a>]x") == "[(?P<a>]x");          // inside a class
  CHECK(without_group_names("\\((?P<n>a)\\)") == "\\((?:a)\\)");  // escaped parentheses stay
  CHECK(without_group_names("(a)(?:b)(?i:c)") == "(a)(?:b)(?i:c)");
  CHECK(without_group_names("a\\Q(?P<x>\\E") == "a\\Q(?P<x>\\E");  // not followed: as it stands
}

// The sets read the dates and values rules without their group names: which
// rules match, and where each matches, must not change.
TEST_CASE("without_group_names keeps every built-in set rule's matches") {
  const auto g = Grammar::builtin();
  plancmp_test::Lcg rng{7};
  const char* const tokens[] = {"2025", "2020", "19", "年", "月", "日", "底", "末", "到", "至", "十四", "五", "期间", "时期",
                                "新增", "1", "3.5", "%", "万", "亿", "吨", "亩", "个百分点", "以上", "不低于", "达到",
                                "Ⅲ", "类", "(", ")", ",", "。", ";", "\n", "“", "”", "-", "以来", "截至", "基础上", "a"};
  std::vector<std::string> texts;
  for (int i = 0; i < 400; ++i) {
    std::string t;
    for (unsigned n = 1 + rng.next(14); n > 0; --n) t += tokens[rng.next(std::size(tokens))];
    texts.push_back(t);
  }
  RE2::Options options;
  options.set_log_errors(false);
  RE2::Set named(options, RE2::UNANCHORED), plain(options, RE2::UNANCHORED);
  std::size_t matched = 0, renamed = 0;
  for (const char* file_set : {"dates.yaml/dates", "targets.yaml/values"}) {
    const std::string fs = file_set;
    const RuleSet& rs = g->impl().rule_set(fs.substr(0, fs.find('/')), fs.substr(fs.find('/') + 1));
    REQUIRE(!rs.rules.empty());
    for (const PatternRule& r : rs.rules) {
      CAPTURE(r.id);
      const std::string p = without_group_names(r.re->pattern());
      renamed += p != r.re->pattern();
      const RE2 re(p, r.re->options());
      REQUIRE(re.ok());
      CHECK(re.NamedCapturingGroups().empty());
      REQUIRE(named.Add(r.re->pattern(), nullptr) >= 0);
      REQUIRE(plain.Add(p, nullptr) >= 0);
      for (const std::string& t : texts) {
        re2::StringPiece a, b;
        const bool ma = r.re->Match(t, 0, t.size(), RE2::UNANCHORED, &a, 1);
        const bool mb = re.Match(t, 0, t.size(), RE2::UNANCHORED, &b, 1);
        CAPTURE(t);
        CHECK(ma == mb);
        if (ma && mb) CHECK((a.data() == b.data() && a.size() == b.size()));
        matched += ma;
      }
    }
  }
  REQUIRE(named.Compile());
  REQUIRE(plain.Compile());
  for (const std::string& t : texts) {
    std::vector<int> a, b;
    named.Match(t, &a);
    plain.Match(t, &b);
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    CAPTURE(t);
    CHECK(a == b);
  }
  CHECK(renamed > 10);
  CHECK(matched > 200);
}
