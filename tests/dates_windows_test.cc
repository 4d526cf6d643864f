// find_dates' first search in a window (src/dates.cc): anchored where
// rule_starts() found the rule can start, then unanchored from its next start
// when no match starts there. The straightforward path searches each window
// unanchored. Both must find the same mentions, with the built-in rules and
// with user rules of other shapes (an optional lead, a tail that fails on
// most years, groups that may take no part), on the corpus, the held-out
// passages and generated lines.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "dates_internal.h"
#include "line_rules_check.h"
#include "plancmp/extract.h"
#include "plancmp/grammar.h"
#include "plancmp/normalize.h"
#include "test_support.h"

using namespace plancmp;

namespace {

std::vector<std::string> texts() {
  std::vector<std::string> out;
  for (const auto& file : plancmp_test::sample_plan_files()) out.push_back(plancmp_test::slurp(file));
  const std::vector<std::string> pieces = {"2025", "2020", "1998", "20", "19", "3", "12", "年", "月", "日", "底",
                                           "末", "前", "起", "到", "至", "约", "截至", "比", "较", "力争", "“",
                                           "十四", "五", "期间", "新增", ",", "。", ";", "(", ")", "-", "全市",
                                           "推进", "的", " ", "\n"};
  for (unsigned seed = 1; seed <= 40; ++seed) {
    plancmp_test::Lcg rng{seed};
    std::string text;
    for (int k = 0; k < 600; ++k) text += pieces[rng.next(static_cast<unsigned>(pieces.size()))];
    out.push_back(text);
  }
  return out;
}

std::size_t check_paths(const Grammar& grammar, const std::vector<std::string>& all) {
  std::size_t mentions = 0;
  for (const std::string& raw : all) {
    const NormalizedText nt = NormalizedText::build(raw);
    const LineRules lines = match_lines(nt, grammar);
    REQUIRE(lines.usable);
    REQUIRE_FALSE(lines.window_begin.empty());
    const std::vector<DateMention> fast = find_dates(nt, grammar, &lines);
    DatesTesting::straightforward = true;
    const std::vector<DateMention> plain = find_dates(nt, grammar, &lines);
    DatesTesting::straightforward = false;
    plancmp_test::check_same_dates(fast, plain);
    mentions += fast.size();
  }
  return mentions;
}

}  // namespace

TEST_CASE("dates: a window's first search anchored where the rule can start finds what an unanchored one finds") {
  const std::vector<std::string> all = texts();
  CHECK(check_paths(*Grammar::builtin(), all) > 150);
  const std::string user =
      "sets:\n  dates:\n"
      "    - id: date.lead\n      kind: by\n      commitment: \"true\"\n"
      "      pattern: '(?:约|到)?(?P<y>(?:19|20)\\d{2})年(?:(?P<m>\\d{1,2})月)?'\n"
      "    - id: date.tail\n      kind: by\n      commitment: \"true\"\n"
      "      pattern: '(?P<y>20\\d{2})年(?:底|末)前'\n"
      "    - id: date.as-of\n      kind: none\n      commitment: \"false\"\n"
      "      pattern: '(?:截至|比|较)(?P<y>(?:19|20)\\d{2})'\n";
  const auto grammar = Grammar::from_files({{"dates.yaml", user}}, "user");
  CHECK(check_paths(*grammar, all) > 150);
}
