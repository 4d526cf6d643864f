// Grammar, profile and catalogue files are untrusted too (issue 7): invalid
// patterns, YAML alias bombs, deep nesting, huge repetition counts and huge
// files get clear file:line:col errors within bounded memory.
#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <fstream>
#include <string>

#include "plancmp/canonicalize.h"
#include "plancmp/check.h"
#include "plancmp/diagnostic.h"
#include "plancmp/grammar.h"
#include "plancmp/pipeline.h"
#include "test_support.h"

using namespace plancmp;
using plancmp_test::contains;
using plancmp_test::TempDir;

namespace {

// Nine levels of nine aliases each: 9^9 (387 million) leaves from ~1 KB.
std::string laughs(const std::string& indent) {
  std::string y = indent + "l0: &l0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n";
  for (int i = 1; i <= 9; ++i) {
    const std::string prev = "*l" + std::to_string(i - 1);
    y += indent + "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int k = 0; k < 9; ++k) y += (k ? ", " : "") + prev;
    y += "]\n";
  }
  return y;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

const Catalogue& catalogue() {
  static auto c = Catalogue::from_grammar(*Grammar::builtin());
  return *c;
}

std::string units_with_pattern(const std::string& pattern) {
  return "sets:\n"
         "  notes:\n"
         "    - id: note.test\n"
         "      pattern: '" + pattern + "'\n"
         "      examples: ['x']\n";
}

}  // namespace

TEST_CASE("grammar: a billion-laughs alias bomb is refused at the alias, file:line:col") {
  // Under `lists:` the loader converts every item, so each alias would be walked.
  const std::string bomb = "lists:\n" + laughs("  ") + "  suffixes: [*l9]\n";
  const std::string msg = error_of([&] { Grammar::from_files({{"units.yaml", bomb}}, "g"); });
  CHECK(msg.rfind("g/units.yaml:", 0) == 0);
  CHECK(contains(msg, "error: YAML aliases expand this file past"));
}

TEST_CASE("grammar: one large string named by many aliases is refused too") {
  std::string y = "lists:\n  big: &big [\"" + std::string(100000, 'x') + "\"]\n  many: [";
  for (int i = 0; i < 2000; ++i) y += (i ? ", " : "") + std::string("*big");
  y += "]\n";
  const std::string msg = error_of([&] { Grammar::from_files({{"places.yaml", y}}, "g"); });
  CHECK(msg.rfind("g/places.yaml:3:", 0) == 0);
  CHECK(contains(msg, "aliases expand"));
}

TEST_CASE("grammar: a few aliases within the budget still load") {
  const std::string y =
      "lists:\n"
      "  a: &a [局, 委]\n"
      "  b: *a\n"
      "sets:\n"
      "  notes:\n"
      "    - id: note.alias\n"
      "      pattern: &p '〔(?P<body>[^〔〕]+)〕'\n"
      "    - id: note.alias2\n"
      "      pattern: *p\n";
  auto g = Grammar::from_files({{"units.yaml", y}}, "g");
  CHECK(g->rule_matches("note.alias2", "〔市局〕"));
}

TEST_CASE("grammar: an alias cycle and deep nesting are refused with their position") {
  CHECK_THROWS_WITH_AS(Grammar::from_files({{"units.yaml", "lists:\n  a: &a [x, *a]\n"}}, "g"),
                       doctest::Contains("g/units.yaml:2:"), InputError);
  std::string deep = "lists:\n  a: " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  const std::string msg = error_of([&] { Grammar::from_files({{"units.yaml", deep}}, "g"); });
  CHECK(msg.rfind("g/units.yaml:2:", 0) == 0);
  CHECK(contains(msg, "nested more than"));
}

TEST_CASE("grammar: huge repetition counts and patterns too large are refused at the pattern") {
  for (const std::string pattern : {"(a{1000}){1000}", "a{100000}", "((a{100}){100}){100}"}) {
    CAPTURE(pattern);
    const std::string msg = error_of([&] { Grammar::from_files({{"units.yaml", units_with_pattern(pattern)}}, "g"); });
    CHECK(msg.rfind("g/units.yaml:4:16: error: invalid pattern: ", 0) == 0);
    CHECK(contains(msg, "repetition"));
  }
  for (const std::string pattern : {"\\pL{1000}", "[\\p{Han}\\pL\\pN]{999}"}) {
    CAPTURE(pattern);
    const std::string msg = error_of([&] { Grammar::from_files({{"units.yaml", units_with_pattern(pattern)}}, "g"); });
    CHECK(msg.rfind("g/units.yaml:4:16: error: invalid pattern: pattern too large", 0) == 0);
  }
  // An invalid pattern in numbering.yaml, as before: position and caret.
  const std::string msg = error_of([&] { Grammar::from_files({{"units.yaml", units_with_pattern("(?P<body>[")}}, "g"); });
  CHECK(msg.rfind("g/units.yaml:4:16: error: invalid pattern: missing ]", 0) == 0);
  CHECK(contains(msg, "^"));
}

TEST_CASE("grammar: a grammar file over the size limit is refused naming it") {
  const std::string huge = "lists:\n  a: [\"" + std::string(9u << 20, 'x') + "\"]\n";
  CHECK_THROWS_WITH_AS(Grammar::from_files({{"units.yaml", huge}}, "g"),
                       doctest::Contains("g/units.yaml: error: file too large"), InputError);
}

TEST_CASE("grammar: a grammar directory entry that is not a regular file is refused naming it") {
  TempDir dir;
  std::filesystem::create_directories(dir.path / "units.yaml");
  CHECK_THROWS_WITH_AS(Grammar::load(dir.path.string()), doctest::Contains("units.yaml: error: cannot read"),
                       InputError);
}

TEST_CASE("catalogue: an alias bomb in indicators.yaml is refused at the alias") {
  const std::string bomb = "x:\n" + laughs("  ") + "indicators: [*l9]\n";
  const std::string msg = error_of([&] { (void)Catalogue::from_text(bomb, "g/indicators.yaml"); });
  CHECK(msg.rfind("g/indicators.yaml:", 0) == 0);
  CHECK(contains(msg, "aliases expand"));
}

TEST_CASE("profile: an alias bomb, deep nesting and a huge file are refused naming the profile") {
  TempDir dir;
  const std::string bomb = "name: bomb\nx:\n" + laughs("  ") + "requirements: [*l9]\n";
  const std::string path = dir.write("bomb.yaml", bomb).string();
  std::string msg = error_of([&] { (void)load_profile(path, catalogue()); });
  CHECK(msg.rfind(path + ":", 0) == 0);
  CHECK(contains(msg, "aliases expand"));

  const std::string deep = dir.write("deep.yaml", "requirements: " + std::string(3000, '[')).string();
  msg = error_of([&] { (void)load_profile(deep, catalogue()); });
  CHECK(msg.rfind(deep + ":1:", 0) == 0);

  const std::string big = dir.write("big.yaml", "name: big\n#" + std::string(9u << 20, 'x') + "\n").string();
  CHECK_THROWS_WITH_AS((void)load_profile(big, catalogue()), doctest::Contains("file too large"), InputError);
  CHECK_THROWS_WITH_AS((void)load_profile("/dev/zero", catalogue()),
                       doctest::Contains("/dev/zero: error: file too large"), InputError);
}

TEST_CASE("profile: the command exits 2 on an alias bomb profile, naming it") {
  TempDir dir;
  dir.write("plan.txt", "一、目标\n(一)空气。到2025年,空气质量优良天数比率达到85%。\n");
  dir.write("bomb.yaml", "name: bomb\nx:\n" + laughs("  ") + "requirements: [*l9]\n");
  const auto r = plancmp_test::run_plancmp(dir, "check plan.txt --profile bomb.yaml");
  CHECK(r.signal == 0);
  CHECK(r.status == kExitInputError);
  CHECK(contains(r.err, "bomb.yaml:"));
  CHECK(contains(r.err, "aliases expand"));
}

TEST_CASE("grammar: a marker rule reading nine-digit numbers does not size the numbering check by them") {
  // Regression: the numbering check's tables had one entry per number up to the
  // largest printed one; "123456789." from a custom rule meant gigabytes.
  const std::string numbering =
      "markers:\n"
      "  - id: section.chinese\n"
      "    level: 1\n"
      "    pattern: '(?P<num>[一二三四五六七八九十]{1,3})、(?P<body>[^、])'\n"
      "    numeral: chinese\n"
      "    at: line_start\n"
      "  - id: task.long\n"
      "    level: 3\n"
      "    pattern: '(?P<num>[0-9]{1,9})\\.(?P<body>[^0-9])'\n"
      "    numeral: arabic\n"
      "    at: line_start\n";
  ExtractOptions options;
  options.grammar = Grammar::from_files({{"numbering.yaml", numbering}}, "g");
  const Document doc = extract_bytes(
      "一、任务\n1.推进甲。\n2.推进乙。\n123456789.推进丙。\n3.推进丁。\n", "long.txt", options);
  REQUIRE(doc.sections.size() == 1);
  REQUIRE(doc.clauses.size() >= 3);
  CHECK(doc.clauses[0].title == "推进甲");
  CHECK(doc.clauses[1].title == "推进乙");
}
