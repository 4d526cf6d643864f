// Every rule's own examples must match and its counterexamples must not
// (the OpenCC way: rules are data, and the data carries its tests).
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "plancmp/diagnostic.h"
#include "plancmp/extract.h"
#include "plancmp/grammar.h"
#include "plancmp/normalize.h"
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

// The built-in files are read from their pre-parsed trees (TreeView); the
// same texts given as a --grammars folder go through yaml-cpp. Both readings
// must build the same grammar, field by field.
namespace {

// Every rule, marker, list and example of `tree` is in `plain`, in the same
// order; returns how many set rules were compared.
std::size_t check_same_rules(const Grammar::Impl& tree, const Grammar::Impl& plain) {
  CHECK(tree.confusables == plain.confusables);
  CHECK(tree.task_note.id == plain.task_note.id);
  CHECK(tree.task_note.description == plain.task_note.description);
  CHECK(tree.task_note.pattern == plain.task_note.pattern);
  REQUIRE(tree.markers.size() == plain.markers.size());
  for (std::size_t i = 0; i < tree.markers.size(); ++i) {
    const auto& a = tree.markers[i];
    const auto& b = plain.markers[i];
    CAPTURE(a.id);
    CHECK(a.id == b.id);
    CHECK(a.description == b.description);
    CHECK(a.level == b.level);
    CHECK(a.re->pattern() == b.re->pattern());
    CHECK(a.position == b.position);
    CHECK(a.numeral == b.numeral);
    CHECK(a.fragment == b.fragment);
    CHECK(a.weight == b.weight);
    CHECK(a.damaged == b.damaged);
  }
  REQUIRE(tree.files.size() == plain.files.size());
  std::size_t rules = 0;
  for (const auto& file : tree.files) {
    const std::string& name = file.first;
    const auto& rf = file.second;
    CAPTURE(name);
    REQUIRE(plain.files.count(name) == 1);
    const auto& other = plain.files.at(name);
    CHECK(rf.lists == other.lists);
    REQUIRE(rf.sets.size() == other.sets.size());
    for (const auto& named_set : rf.sets) {
      const std::string& set_name = named_set.first;
      const auto& set = named_set.second;
      CAPTURE(set_name);
      REQUIRE(other.sets.count(set_name) == 1);
      const auto& o = other.sets.at(set_name);
      CHECK(set.context_free == o.context_free);
      REQUIRE(set.rules.size() == o.rules.size());
      for (std::size_t i = 0; i < set.rules.size(); ++i, ++rules) {
        CHECK(set.rules[i].id == o.rules[i].id);
        CHECK(set.rules[i].description == o.rules[i].description);
        CHECK(set.rules[i].re->pattern() == o.rules[i].re->pattern());
        CHECK(set.rules[i].attrs == o.rules[i].attrs);
      }
    }
  }
  const auto a = tree.examples;
  const auto b = plain.examples;
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].file == b[i].file);
    CHECK(a[i].rule_id == b[i].rule_id);
    CHECK(a[i].text == b[i].text);
    CHECK(a[i].should_match == b[i].should_match);
  }
  return rules;
}

}  // namespace

TEST_CASE("built-in grammar read from pre-parsed trees equals the yaml-cpp reading") {
  std::map<std::string, std::string> files;
  for (const auto& [name, text] : plancmp::builtin_grammar_files())
    if (name.find('/') == std::string::npos && name != "indicators.yaml") files[name] = text;
  REQUIRE(files.size() >= 5);
  const auto& tree = Grammar::builtin()->impl();
  const auto plain_grammar = Grammar::from_files(files, "g");
  const auto& plain = plain_grammar->impl();
  CHECK(tree.builtin_files.size() == files.size() + 1);  // all of them, and indicators.yaml
  CHECK(plain.builtin_files.size() == 1);                // indicators.yaml only
  CHECK(check_same_rules(tree, plain) > 50);
}

TEST_CASE("files loaded side by side, in any order, make the same grammar and report the first bad file") {
  std::map<std::string, std::string> files;
  for (const auto& [name, text] : plancmp::builtin_grammar_files())
    if (name.find('/') == std::string::npos) files[name] = text;
  files["numbering.yaml"] += "\n# not the built-in text: its task note compiles on load\n";
  // Last task first, each on a thread of its own, all started before any ends.
  const plancmp::RunTasks reversed_on_threads = [](std::size_t count, const std::function<void(std::size_t)>& task) {
    std::vector<std::thread> threads;
    for (std::size_t i = count; i-- > 0;) threads.emplace_back([&task, i] { task(i); });
    for (std::thread& t : threads) t.join();
  };
  const auto one_by_one = Grammar::from_files(files, "g");
  const auto side_by_side = Grammar::from_files(files, "g", reversed_on_threads);
  CHECK(check_same_rules(one_by_one->impl(), side_by_side->impl()) > 50);
  CHECK(one_by_one->rule_ids() == side_by_side->rule_ids());
  CHECK(one_by_one->impl().task_note.compiled != nullptr);
  CHECK(side_by_side->impl().task_note.compiled != nullptr);
  CHECK(side_by_side->impl().raw_files == one_by_one->impl().raw_files);

  // Two bad files: the first by name is reported, whichever task failed first.
  files["dates.yaml"] = "sets:\n  d:\n    - id: a\n      pattern: '(unclosed'\n";
  files["units.yaml"] = "sets:\n  u:\n    - id: b\n      pattern: '[unclosed'\n";
  std::string expected;
  try {
    Grammar::from_files(files, "g");
  } catch (const plancmp::InputError& e) {
    expected = e.what();
  }
  CHECK(expected.find("g/dates.yaml:4:") != std::string::npos);
  CHECK_THROWS_WITH_AS(Grammar::from_files(files, "g", reversed_on_threads), expected.c_str(), plancmp::InputError);
}

TEST_CASE("the built-in grammar is one instance that outlives its users") {
  const Grammar* first = nullptr;
  {
    const auto g = Grammar::builtin();
    first = g.get();
    CHECK(g.use_count() >= 2);  // the process keeps its own reference
  }
  const auto again = Grammar::builtin();
  CHECK(again.get() == first);
  CHECK(!again->rule_ids().empty());
}

TEST_CASE("closing_group names a closing group only when it can never be empty") {
  // The check compiles the group as the whole pattern is compiled (UTF-8):
  // read byte by byte, "牵*" would bind its * to the last byte of 牵 and
  // never match "" (a rule whose keyword may be empty would be taken to
  // close with it).
  auto closing = [](const std::string& pattern) {
    plancmp::RuleSet set;
    plancmp::PatternRule rule;
    rule.id = "r";
    rule.re = std::make_unique<RE2>(pattern);
    REQUIRE(rule.re->ok());
    set.rules.push_back(std::move(rule));
    return set.closing_group(0);
  };
  CHECK(closing("(?P<units>.+?)(?P<kw>牵头)") == "kw");
  CHECK(closing("(?P<units>.+?)(?P<kw>牵头)$") == "kw");
  CHECK(closing(R"((?P<units>.+?)(?P<kw>\x{7275}+))") == "kw");
  CHECK(closing("(?P<units>.+?)(?P<kw>牵*)") == "");
  CHECK(closing("(?P<units>.+?)(?P<kw>牵?头?)") == "");
  CHECK(closing("(?P<units>.+?)(?P<kw>牵{0,3})") == "");
  CHECK(closing("(?P<units>.+?)(?P<kw>(?i)é*)") == "");
  CHECK(closing("(?P<units>.+?)(?P<kw>牵头)。") == "");  // something follows the group
}

TEST_CASE("named groups spelled (?<name>…) are rewritten (?P<name>…), and read the same") {
  using plancmp::with_p_named_groups;
  CHECK(with_p_named_groups("(?<y>20\\d{2})年") == "(?P<y>20\\d{2})年");
  CHECK(with_p_named_groups("(?P<y>\\d+)(?<m>\\d+)") == "(?P<y>\\d+)(?P<m>\\d+)");
  // Escapes, classes and lookbehind-like openings stay as written.
  CHECK(with_p_named_groups("\\(?<x") == "\\(?<x");
  CHECK(with_p_named_groups("[(?<]a") == "[(?<]a");
  CHECK(with_p_named_groups("(?<=a)b") == "(?<=a)b");
  CHECK(with_p_named_groups("[[:alpha:]](?<y>a)") == "[[:alpha:]](?<y>a)");  // not followed: as written

  // A user rule in either spelling finds the same dates (the readings that
  // narrow where RE2 runs know the (?P< spelling only).
  auto dates_with = [](const std::string& open) {
    const std::string user = "sets:\n  dates:\n    - id: date.user\n      kind: by\n      commitment: \"true\"\n"
                             "      pattern: '(?:到|至)?" + open + "y>(?:19|20)\\d{2})年(?:底|末)?前'\n";
    const auto grammar = Grammar::from_files({{"dates.yaml", user}}, "user");
    const plancmp::NormalizedText text = plancmp::NormalizedText::build(
        "一、目标\n到2025年底前，完成改造。全县于2030年前建成。2024年底前完成。2026年。\n");
    std::vector<std::string> out;
    for (const plancmp::DateMention& d : plancmp::find_dates(text, *grammar))
      out.push_back(d.date + "@" + std::to_string(d.begin) + "-" + std::to_string(d.end));
    return out;
  };
  const std::vector<std::string> p_form = dates_with("(?P<");
  CHECK(p_form.size() == 3);
  CHECK(dates_with("(?<") == p_form);
}
