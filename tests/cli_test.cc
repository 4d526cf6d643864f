// The plancmp command as a user runs it: the built binary (PLANCMP_BINARY) on
// temporary files, checking exit statuses, stdout, stderr and written files.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "test_support.h"

namespace fs = std::filesystem;
using namespace plancmp_test;

namespace {

bool have_python3() { return std::system("python3 -c 'import json' >/dev/null 2>&1") == 0; }

// Does python3's json module accept the file, with a top-level value of the
// given type ("dict" or "list") of `count` documents with schema plancmp/1?
int python_json_check(const fs::path& file, const std::string& type, int count) {
  const std::string code =
      "import json,sys\n"
      "d=json.load(open(sys.argv[1],encoding='utf-8'))\n"
      "docs=d if isinstance(d,list) else [d]\n"
      "assert type(d).__name__==sys.argv[2], type(d)\n"
      "assert len(docs)==int(sys.argv[3]), len(docs)\n"
      "assert all(x['schema']=='plancmp/1' for x in docs)\n";
  const std::string cmd = "python3 -c " + quote(code) + " " + quote(file.string()) + " " +
                          type + " " + std::to_string(count);
  const int rc = std::system(cmd.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

const std::string kBinaryBytes = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16) +
                                 std::string(200, '\0') + std::string("\xff\xd8\xff\xe0\x00\x10", 6);

}  // namespace

TEST_CASE("--version prints the program name and version") {
  TempDir dir;
  const Result r = run(dir, "--version");
  CHECK(r.status == 0);
  CHECK(r.out == std::string("plancmp ") + PLANCMP_VERSION + "\n");
}

TEST_CASE("--help describes the tool and lists the extract subcommand") {
  TempDir dir;
  const Result r = run(dir, "--help");
  CHECK(r.status == 0);
  CHECK(contains(r.out, "extract"));
  CHECK(contains(r.out, "Examples:"));
}

TEST_CASE("extract --help shows the options and examples") {
  TempDir dir;
  const Result r = run(dir, "extract --help");
  CHECK(r.status == 0);
  CHECK(contains(r.out, "--format"));
  CHECK(contains(r.out, "--grammars"));
  CHECK(contains(r.out, "Examples:"));
  CHECK(contains(r.out, "plancmp extract corpus/*.txt -o out/"));
}

TEST_CASE("usage errors exit with status 2") {
  TempDir dir;
  const auto plan = dir.write("plan.txt", kPlanText);
  CHECK(run(dir, "").status == 2);                          // no subcommand
  CHECK(run(dir, "extract").status == 2);                   // no files
  CHECK(run(dir, "extract --no-such-flag plan.txt").status == 2);
  CHECK(run(dir, "extract --format xml plan.txt").status == 2);
  CHECK(run(dir, "frobnicate").status == 2);
}

TEST_CASE("extract of a plan text prints a YAML document with schema plancmp/1") {
  TempDir dir;
  dir.write("testcity-2023.txt", kPlanText);
  const Result r = run(dir, "extract testcity-2023.txt");
  REQUIRE_MESSAGE(r.status == 0, r.err);
  YAML::Node y;
  REQUIRE_NOTHROW(y = YAML::Load(r.out));
  CHECK(y["schema"].as<std::string>() == "plancmp/1");
  CHECK(y["document"].as<std::string>() == "testcity-2023");
  CHECK(y["source"].as<std::string>() == "testcity-2023.txt");
  CHECK(y["encoding"].as<std::string>() == "UTF-8");
  CHECK(y["sections"].IsSequence());
  CHECK(y["clauses"].IsSequence());
  CHECK(y["targets"].IsSequence());
  CHECK(y["deadlines"].IsSequence());
  CHECK(y["warnings"].IsSequence());
}

TEST_CASE("extract reads standard input when the file is -") {
  TempDir dir;
  const auto plan = dir.write("plan.txt", kPlanText);
  const Result r = run(dir, "extract -", plan.string());
  REQUIRE_MESSAGE(r.status == 0, r.err);
  const YAML::Node y = YAML::Load(r.out);
  CHECK(y["schema"].as<std::string>() == "plancmp/1");
  CHECK(y["document"].as<std::string>() == "stdin");
}

TEST_CASE("several inputs on stdout are separate YAML documents") {
  TempDir dir;
  dir.write("a-2023.txt", kPlanText);
  dir.write("b-2024.txt", kPlanText);
  const Result r = run(dir, "extract a-2023.txt b-2024.txt");
  REQUIRE_MESSAGE(r.status == 0, r.err);
  CHECK(contains(r.out, "\n---\n"));
  const auto docs = YAML::LoadAll(r.out);
  REQUIRE(docs.size() == 2);
  CHECK(docs[0]["document"].as<std::string>() == "a-2023");
  CHECK(docs[1]["document"].as<std::string>() == "b-2024");
}

TEST_CASE("-o writes one <stem>.yaml per input and creates the directory") {
  TempDir dir;
  dir.write("a-2023.txt", kPlanText);
  dir.write("b-2024.txt", kPlanText);
  const Result r = run(dir, "extract a-2023.txt b-2024.txt -o out/nested");
  REQUIRE_MESSAGE(r.status == 0, r.err);
  CHECK(r.out.empty());
  for (const char* stem : {"a-2023", "b-2024"}) {
    const fs::path file = dir.path / "out" / "nested" / (std::string(stem) + ".yaml");
    REQUIRE(fs::exists(file));
    const YAML::Node y = YAML::Load(slurp(file));
    CHECK(y["schema"].as<std::string>() == "plancmp/1");
    CHECK(y["document"].as<std::string>() == stem);
  }
}

TEST_CASE("a missing file and a binary file exit 2 and name the file, good files are still written") {
  TempDir dir;
  dir.write("good-2023.txt", kPlanText);
  dir.write("picture.png", kBinaryBytes);
  const Result r = run(dir, "extract missing-2023.txt good-2023.txt picture.png -o out");
  CHECK(r.status == 2);
  CHECK(contains(r.err, "plancmp: "));
  CHECK(contains(r.err, "missing-2023.txt"));
  CHECK(contains(r.err, "picture.png"));
  CHECK_FALSE(contains(r.err, "good-2023.txt: error"));
  const fs::path good = dir.path / "out" / "good-2023.yaml";
  REQUIRE(fs::exists(good));
  CHECK(YAML::Load(slurp(good))["schema"].as<std::string>() == "plancmp/1");
  CHECK_FALSE(fs::exists(dir.path / "out" / "missing-2023.yaml"));
  CHECK_FALSE(fs::exists(dir.path / "out" / "picture.yaml"));
}

TEST_CASE("a failing input on stdout still lets the other documents print") {
  TempDir dir;
  dir.write("good-2023.txt", kPlanText);
  const Result r = run(dir, "extract nope.txt good-2023.txt");
  CHECK(r.status == 2);
  CHECK(contains(r.err, "nope.txt"));
  const YAML::Node y = YAML::Load(r.out);
  CHECK(y["document"].as<std::string>() == "good-2023");
}

TEST_CASE("--format json prints one object for one input and an array for several") {
  TempDir dir;
  dir.write("a-2023.txt", kPlanText);
  dir.write("b-2024.txt", kPlanText);

  const Result one = run(dir, "extract --format json a-2023.txt");
  REQUIRE_MESSAGE(one.status == 0, one.err);
  CHECK(one.out.rfind("{\n", 0) == 0);
  const YAML::Node y = YAML::Load(one.out);
  CHECK(y.IsMap());
  CHECK(y["schema"].as<std::string>() == "plancmp/1");

  const Result two = run(dir, "extract --format json a-2023.txt b-2024.txt");
  REQUIRE_MESSAGE(two.status == 0, two.err);
  CHECK(two.out.rfind("[\n", 0) == 0);
  const YAML::Node arr = YAML::Load(two.out);
  REQUIRE(arr.IsSequence());
  REQUIRE(arr.size() == 2);
  CHECK(arr[1]["document"].as<std::string>() == "b-2024");

  if (have_python3()) {
    const auto f1 = dir.write("one.json", one.out);
    const auto f2 = dir.write("two.json", two.out);
    CHECK(python_json_check(f1, "dict", 1) == 0);
    CHECK(python_json_check(f2, "list", 2) == 0);
  } else {
    MESSAGE("python3 not installed; JSON checked with yaml-cpp only");
  }
}

TEST_CASE("--format json with -o writes <stem>.json files") {
  TempDir dir;
  dir.write("a-2023.txt", kPlanText);
  const Result r = run(dir, "extract --format json -o out a-2023.txt");
  REQUIRE_MESSAGE(r.status == 0, r.err);
  const fs::path file = dir.path / "out" / "a-2023.json";
  REQUIRE(fs::exists(file));
  CHECK(YAML::Load(slurp(file))["document"].as<std::string>() == "a-2023");
  if (have_python3()) CHECK(python_json_check(file, "dict", 1) == 0);
}

TEST_CASE("warnings go to stderr as file:line:col and --quiet silences them") {
  TempDir dir;
  // Valid UTF-8 with one stray byte: decoded with U+FFFD and a warning.
  std::string text = kPlanText;
  text.insert(text.find("二、重点任务"), "\xff");
  dir.write("damaged-2023.txt", text);

  const Result loud = run(dir, "extract damaged-2023.txt -o out");
  CHECK(loud.status == 0);
  CHECK(contains(loud.err, "damaged-2023.txt:9:"));
  CHECK(contains(loud.err, ": warning: "));
  const YAML::Node y = YAML::Load(slurp(dir.path / "out" / "damaged-2023.yaml"));
  CHECK(y["warnings"].size() >= 1);

  const Result quiet = run(dir, "extract --quiet damaged-2023.txt -o out");
  CHECK(quiet.status == 0);
  CHECK_FALSE(contains(quiet.err, "warning"));
}

TEST_CASE("--encoding overrides detection") {
  TempDir dir;
  dir.write("plan-2023.txt", kPlanText);  // UTF-8, read as Latin-1 on request
  const Result r = run(dir, "extract --encoding ISO-8859-1 plan-2023.txt");
  REQUIRE_MESSAGE(r.status == 0, r.err);
  CHECK(contains(YAML::Load(r.out)["encoding"].as<std::string>(), "8859-1"));
}
