// Every rule's own examples must match and its counterexamples must not
// (the OpenCC way: rules are data, and the data carries its tests).
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "plancmp/diagnostic.h"
#include "plancmp/grammar.h"
#include "grammar_internal.h"

using plancmp::Grammar;

TEST_CASE("every built-in rule matches its examples and none of its counterexamples") {
  auto g = Grammar::builtin();
  auto examples = g->examples();
  REQUIRE(examples.size() > 20);
  for (const auto& e : examples) {
    CAPTURE(e.file);
    CAPTURE(e.rule_id);
    CAPTURE(e.text);
    CHECK(g->rule_matches(e.rule_id, e.text) == e.should_match);
  }
}

TEST_CASE("every built-in rule has at least one example") {
  auto g = Grammar::builtin();
  auto examples = g->examples();
  for (const auto& id : g->rule_ids()) {
    bool has = false;
    for (const auto& e : examples) has |= (e.rule_id == id && e.should_match);
    CAPTURE(id);
    CHECK(has);
  }
}

TEST_CASE("an invalid pattern is reported as file:line:col with the line and a caret") {
  std::string bad =
      "markers:\n"
      "  - id: broken\n"
      "    level: 2\n"
      "    pattern: '(?P<num>[一二'\n";
  try {
    Grammar::from_files({{"numbering.yaml", bad}}, "mygrammars");
    FAIL("expected an error");
  } catch (const plancmp::InputError& e) {
    std::string msg = e.what();
    CHECK(msg.find("mygrammars/numbering.yaml:4:14: error: invalid pattern") == 0);
    CHECK(msg.find("pattern: '(?P<num>") != std::string::npos);
    CHECK(msg.find('^') != std::string::npos);
  }
}

TEST_CASE("the task note: the built-in one compiles, a broken one in a grammar directory is reported on load") {
  const plancmp::TaskNote& note = Grammar::builtin()->impl().task_note;
  REQUIRE_FALSE(note.id.empty());
  CHECK(note.re().ok());
  CHECK(note.re().pattern() == note.pattern);
  const std::string bad =
      "task_note:\n"
      "  id: note\n"
      "  pattern: '(牵头单位[^。]{0,80}$'\n"
      "markers: []\n";
  CHECK_THROWS_WITH_AS(Grammar::from_files({{"numbering.yaml", bad}}, "g"),
                       doctest::Contains("g/numbering.yaml:3:12: error: invalid pattern: missing )"),
                       plancmp::InputError);
  // The built-in file's text from a directory: known to compile as well.
  auto copy = Grammar::from_files({{"numbering.yaml", plancmp::builtin_grammar_files().at("numbering.yaml")}}, "g");
  CHECK(copy->rule_matches("task-note", "推进治理。(牵头单位:市水利局)"));
  CHECK_FALSE(copy->rule_matches("task-note", "持续改善生态环境质量。"));
}

TEST_CASE("malformed YAML and a missing key are reported with their position") {
  CHECK_THROWS_WITH_AS(Grammar::from_files({{"numbering.yaml", "markers: [\n"}}, "g"),
                       doctest::Contains("g/numbering.yaml:2:"), plancmp::InputError);
  CHECK_THROWS_WITH_AS(
      Grammar::from_files({{"numbering.yaml", "markers:\n  - id: x\n    pattern: 'a'\n"}}, "g"),
      doctest::Contains("missing `level`"), plancmp::InputError);
}

TEST_CASE("a grammar directory replaces the built-in rules of the same file") {
  std::string custom =
      "markers:\n"
      "  - id: section.chapter\n"
      "    level: 1\n"
      "    pattern: '第(?P<num>[一二三四五六七八九十]+)章'\n"
      "    numeral: chinese\n"
      "    at: boundary\n"
      "    examples: ['第一章 总则']\n";
  auto g = Grammar::from_files({{"numbering.yaml", custom}});
  auto ids = g->rule_ids();
  CHECK(std::find(ids.begin(), ids.end(), "section.chapter") != ids.end());
  CHECK(std::find(ids.begin(), ids.end(), "section.chinese") == ids.end());  // replaced
  CHECK(std::find(ids.begin(), ids.end(), "cmp.at-most") != ids.end());      // other files kept
  CHECK(g->rule_matches("section.chapter", "第三章 保障措施"));
}

TEST_CASE("pattern_token_end steps over whole escapes and classes, and gives up where scans cannot follow") {
  using plancmp::pattern_token_end;
  constexpr auto kNone = std::string_view::npos;
  CHECK(pattern_token_end("\\d+", 0) == 2);
  CHECK(pattern_token_end("\\p{Han}x", 0) == 7);
  CHECK(pattern_token_end("a\\x{4E00}", 1) == 9);
  CHECK(pattern_token_end("[^]a\\]]b", 0) == 7);  // leading ] literal, escaped ] inside
  CHECK(pattern_token_end("[\\p{^Han}(]x", 0) == 11);
  CHECK(pattern_token_end("[[:alpha:]]", 0) == kNone);
  CHECK(pattern_token_end("\\Qa.b\\E", 0) == kNone);
  CHECK(pattern_token_end("[abc", 0) == kNone);
  CHECK(pattern_token_end("\\p{Han", 0) == kNone);
  CHECK(pattern_token_end("a\\", 1) == kNone);
}
