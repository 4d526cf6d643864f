// match_lines (src/line_rules.cc): one set pass per line for the dates and
// values rules must list, for every line, at least the rules each set finds
// on its own, and the stages must read the same with or without it.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "grammar_internal.h"
#include "plancmp/extract.h"
#include "plancmp/normalize.h"
#include "plancmp/pipeline.h"
#include "plancmp/structure.h"
#include "line_rules_check.h"
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
