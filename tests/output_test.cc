// The YAML and JSON writers: both must read back (yaml-cpp here, PyYAML and
// Python's json module when python3 is installed) to exactly the fields of the
// Document, with strings that look like numbers, dates or YAML syntax intact.
#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "plancmp/output.h"

namespace {

using plancmp::Clause;
using plancmp::Deadline;
using plancmp::Document;
using plancmp::Section;
using plancmp::Target;
using plancmp::Warning;

// A small hand-made document holding the awkward cases.
Document sample_document() {
  Document doc;
  doc.document = "testcity-2024";
  doc.source = "plans/testcity-2024.txt";
  doc.encoding = "GB18030";
  doc.city = "测试市";
  doc.province = std::nullopt;
  doc.title = "测试市\"蓝天\"行动方案: 2024\\2025";
  doc.issuer = std::nullopt;
  doc.date = "2024-01-05";

  doc.sections.push_back({1, "一、", "总体要求", 3, 1});
  doc.sections.push_back({2, "", "2025", 9, 1});  // number lost; numeric-looking title

  Clause c1;
  c1.id = 1;
  c1.printed = "(一)";
  c1.section = 2;
  c1.title = "yes";
  c1.line = 10;
  c1.column = 1;
  c1.level = 2;
  c1.lead = {"市发改委", "市生态环境局"};
  c1.support = {};
  doc.clauses.push_back(c1);

  Clause c2;
  c2.id = 24;
  c2.parent = 1;
  c2.printed = "20.";
  c2.section = 2;
  c2.title = "第一行\n第二行\t- [x]: #注释";
  c2.line = 11;
  c2.column = 3;
  c2.level = 3;
  c2.lead = {"null", "a, b", "[c]"};
  c2.support = {"市公安局"};
  doc.clauses.push_back(c2);

  doc.implementers = {"各县(市、区)人民政府", "true"};

  Target t1;
  t1.section = 1;
  t1.indicator = "细颗粒物(PM2.5)年平均浓度";
  t1.op = "<=";
  t1.value = 29;
  t1.unit = "微克/立方米";
  t1.year = 2025;
  t1.line = 4;
  t1.quote = "不高于29微克/立方米";
  t1.rule = "target.not-above";
  doc.targets.push_back(t1);

  Target t2;
  t2.clause = 24;
  t2.section = 2;
  t2.indicator = "单位GDP能耗系数";
  t2.op = "-";
  t2.value = 0.604;
  t2.unit = "";
  t2.baseline_year = 2020;
  t2.line = 11;
  t2.quote = " 0.604 ";
  t2.rule = "target.change";
  doc.targets.push_back(t2);

  Target t3 = t2;
  t3.value = 0.00001;
  t3.op = "~";
  t3.unit = "%";
  doc.targets.push_back(t3);

  Deadline d1;
  d1.section = 1;
  d1.date = "2025";
  d1.kind = "by";
  d1.line = 4;
  d1.quote = "到2025年";
  d1.rule = "deadline.by";
  doc.deadlines.push_back(d1);

  Deadline d2;
  d2.clause = 24;
  d2.section = 2;
  d2.date = "2023-07";
  d2.kind = "from";
  d2.line = 11;
  d2.quote = "2023年7月起";
  d2.rule = "deadline.from";
  doc.deadlines.push_back(d2);

  doc.warnings.push_back({"numbering-repaired", "clause \"(二十)\" is the 24th item", 11, 3, 812});
  doc.warnings.push_back({"encoding-guessed", "ctrl\x01" "char", 0, 0, -1});
  return doc;
}

// Writes `text` to a fresh temporary file and returns its path.
std::filesystem::path write_temp(const std::string& text, const std::string& suffix) {
  static int counter = 0;
  auto path = std::filesystem::temp_directory_path() /
              ("plancmp_output_test_" + std::to_string(::getpid()) + "_" +
               std::to_string(counter++) + suffix);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

bool have_python_yaml() {
  return std::system("python3 -c 'import yaml, json' >/dev/null 2>&1") == 0;
}

// Runs a python3 snippet with the file as sys.argv[1]; returns its exit status.
int run_python(const std::string& code, const std::filesystem::path& file) {
  auto script = write_temp(code, ".py");
  const std::string cmd = "python3 '" + script.string() + "' '" + file.string() + "'";
  const int rc = std::system(cmd.c_str());
  std::filesystem::remove(script);
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

void check_common_fields(const YAML::Node& y) {
  CHECK(y["schema"].as<std::string>() == "plancmp/1");
  CHECK(y["document"].as<std::string>() == "testcity-2024");
  CHECK(y["source"].as<std::string>() == "plans/testcity-2024.txt");
  CHECK(y["encoding"].as<std::string>() == "GB18030");
  CHECK(y["city"].as<std::string>() == "测试市");
  CHECK(y["province"].IsNull());
  CHECK(y["title"].as<std::string>() == "测试市\"蓝天\"行动方案: 2024\\2025");
  CHECK(y["issuer"].IsNull());
  CHECK(y["date"].as<std::string>() == "2024-01-05");

  REQUIRE(y["sections"].size() == 2);
  CHECK(y["sections"][0]["printed"].as<std::string>() == "一、");
  CHECK(y["sections"][1]["printed"].IsScalar());
  CHECK_FALSE(y["sections"][1]["printed"].IsNull());  // "" stays an empty string
  CHECK(y["sections"][1]["printed"].as<std::string>() == "");
  CHECK(y["sections"][1]["title"].as<std::string>() == "2025");

  REQUIRE(y["clauses"].size() == 2);
  const auto c1 = y["clauses"][0];
  CHECK(c1["id"].as<int>() == 1);
  CHECK(c1["parent"].IsNull());
  CHECK(c1["printed"].as<std::string>() == "(一)");
  CHECK(c1["title"].as<std::string>() == "yes");
  CHECK(c1["level"].as<int>() == 2);
  REQUIRE(c1["lead"].size() == 2);
  CHECK(c1["lead"][1].as<std::string>() == "市生态环境局");
  CHECK(c1["support"].IsSequence());
  CHECK(c1["support"].size() == 0);
  const auto c2 = y["clauses"][1];
  CHECK(c2["parent"].as<int>() == 1);
  CHECK(c2["printed"].as<std::string>() == "20.");
  CHECK(c2["title"].as<std::string>() == "第一行\n第二行\t- [x]: #注释");
  REQUIRE(c2["lead"].size() == 3);
  CHECK_FALSE(c2["lead"][0].IsNull());
  CHECK(c2["lead"][0].as<std::string>() == "null");
  CHECK(c2["lead"][1].as<std::string>() == "a, b");
  CHECK(c2["lead"][2].as<std::string>() == "[c]");

  REQUIRE(y["implementers"].size() == 2);
  CHECK(y["implementers"][0].as<std::string>() == "各县(市、区)人民政府");

  REQUIRE(y["targets"].size() == 3);
  CHECK(y["targets"][0]["clause"].IsNull());
  CHECK(y["targets"][0]["value"].as<double>() == 29);
  CHECK(y["targets"][0]["year"].as<int>() == 2025);
  CHECK(y["targets"][0]["baseline_year"].IsNull());
  CHECK(y["targets"][0]["op"].as<std::string>() == "<=");
  CHECK(y["targets"][1]["clause"].as<int>() == 24);
  CHECK(y["targets"][1]["value"].as<double>() == 0.604);
  CHECK(y["targets"][1]["unit"].as<std::string>() == "");
  CHECK(y["targets"][1]["quote"].as<std::string>() == " 0.604 ");
  CHECK(y["targets"][1]["op"].as<std::string>() == "-");
  CHECK(y["targets"][2]["value"].as<double>() == 0.00001);
  CHECK(y["targets"][2]["op"].as<std::string>() == "~");

  REQUIRE(y["deadlines"].size() == 2);
  CHECK(y["deadlines"][0]["date"].as<std::string>() == "2025");
  CHECK(y["deadlines"][1]["date"].as<std::string>() == "2023-07");
  CHECK(y["deadlines"][1]["kind"].as<std::string>() == "from");

  REQUIRE(y["warnings"].size() == 2);
  CHECK(y["warnings"][0]["message"].as<std::string>() == "clause \"(二十)\" is the 24th item");
  CHECK(y["warnings"][0]["byte"].as<long long>() == 812);
  CHECK(y["warnings"][1]["message"].as<std::string>() == "ctrl\x01" "char");
  CHECK_FALSE(y["warnings"][1]["byte"].IsDefined());  // byte only when known
}

std::vector<std::string> top_level_keys(const YAML::Node& y) {
  std::vector<std::string> keys;
  for (const auto& kv : y) keys.push_back(kv.first.as<std::string>());
  return keys;
}

const std::vector<std::string> kTopLevelKeys = {
    "schema", "document", "source",   "encoding", "city",         "province",
    "title",  "issuer",   "date",     "sections", "clauses",      "implementers", "units",
    "targets", "deadlines", "warnings"};

// PyYAML is YAML 1.1: it reads yes/no/on/off, 1:30 and dates as non-strings,
// so it is the stricter check of the quoting.
const char* kPythonCheck = R"PY(
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
if sys.argv[1].endswith(".json"):
    d = json.loads(text)
else:
    import yaml
    d = yaml.safe_load(text)
assert d["schema"] == "plancmp/1", d["schema"]
assert d["date"] == "2024-01-05", repr(d["date"])
assert d["province"] is None
assert d["title"] == '测试市"蓝天"行动方案: 2024\\2025', d["title"]
assert d["sections"][1]["printed"] == "", repr(d["sections"][1]["printed"])
assert d["sections"][1]["title"] == "2025", repr(d["sections"][1]["title"])
assert d["clauses"][0]["printed"] == "(一)"
assert d["clauses"][0]["title"] == "yes", repr(d["clauses"][0]["title"])
assert d["clauses"][0]["parent"] is None
assert d["clauses"][1]["title"] == "第一行\n第二行\t- [x]: #注释", repr(d["clauses"][1]["title"])
assert d["clauses"][1]["lead"] == ["null", "a, b", "[c]"], d["clauses"][1]["lead"]
assert d["implementers"][1] == "true", repr(d["implementers"][1])
v = d["targets"][0]["value"]
assert v == 29 and isinstance(v, int), repr(v)
assert d["targets"][1]["value"] == 0.604, repr(d["targets"][1]["value"])
assert d["targets"][2]["value"] == 0.00001, repr(d["targets"][2]["value"])
assert d["deadlines"][0]["date"] == "2025", repr(d["deadlines"][0]["date"])
assert d["deadlines"][1]["date"] == "2023-07", repr(d["deadlines"][1]["date"])
assert d["warnings"][1]["message"] == "ctrl\x01char"
assert "byte" not in d["warnings"][1]
assert list(d.keys())[0] == "schema" and list(d.keys())[-1] == "warnings"
)PY";

}  // namespace

TEST_CASE("YAML output reads back to the same fields with awkward strings intact") {
  const Document doc = sample_document();
  const std::string text = plancmp::to_yaml(doc);
  YAML::Node y;
  REQUIRE_NOTHROW(y = YAML::Load(text));
  check_common_fields(y);
  CHECK(top_level_keys(y) == kTopLevelKeys);
}

TEST_CASE("JSON output reads back to the same fields with awkward strings intact") {
  const std::string text = plancmp::to_json(sample_document());
  YAML::Node y;  // JSON is YAML: yaml-cpp reads it
  REQUIRE_NOTHROW(y = YAML::Load(text));
  check_common_fields(y);
  CHECK(top_level_keys(y) == kTopLevelKeys);
}

TEST_CASE("YAML prints integers without .0, null for missing values, printed and date quoted") {
  const std::string text = plancmp::to_yaml(sample_document());
  CHECK(text.rfind("schema: plancmp/1\n", 0) == 0);
  CHECK(text.find("value: 29\n") != std::string::npos);
  CHECK(text.find("29.0") == std::string::npos);
  CHECK(text.find("value: 0.604\n") != std::string::npos);
  CHECK(text.find("value: 0.00001\n") != std::string::npos);
  CHECK(text.find("parent: null\n") != std::string::npos);
  CHECK(text.find("province: null\n") != std::string::npos);
  CHECK(text.find(": ~") == std::string::npos);
  CHECK(text.find("printed: \"(一)\"") != std::string::npos);
  CHECK(text.find("printed: \"\"") != std::string::npos);
  CHECK(text.find("date: \"2024-01-05\"") != std::string::npos);
  CHECK(text.find("date: \"2025\"") != std::string::npos);
  CHECK(text.find("title: \"2025\"") != std::string::npos);
  CHECK(text.find("lead: [市发改委, 市生态环境局]") != std::string::npos);  // UTF-8, not escaped
  CHECK(text.back() == '\n');
}

TEST_CASE("JSON escapes quotes, backslashes, newlines and control characters") {
  const std::string text = plancmp::to_json(sample_document());
  CHECK(text.rfind("{\n  \"schema\": \"plancmp/1\",\n", 0) == 0);
  CHECK(text.find(R"("title": "测试市\"蓝天\"行动方案: 2024\\2025")") != std::string::npos);
  CHECK(text.find(R"("title": "第一行\n第二行\t- [x]: #注释")") != std::string::npos);
  CHECK(text.find(R"("message": "ctrl\u0001char")") != std::string::npos);
  CHECK(text.find("\"value\": 29,") != std::string::npos);
  CHECK(text.find("\"value\": 0.604,") != std::string::npos);
  CHECK(text.find("\"parent\": null,") != std::string::npos);
  CHECK(text.find("\"support\": []") != std::string::npos);
  CHECK(text.find("\n    {\n      \"n\": 1,\n") != std::string::npos);  // 2-space indent
  bool raw_control = false;
  for (unsigned char c : text) raw_control = raw_control || (c < 0x20 && c != '\n');
  CHECK_FALSE(raw_control);
}

TEST_CASE("JSON replaces invalid UTF-8 and escapes characters JSON readers reject") {
  Document doc = sample_document();
  doc.title = std::string("bad\xff\xfe byte \xe2\x80\xa8 sep \x7f del");
  const std::string text = plancmp::to_json(doc);
  CHECK(text.find("bad\xef\xbf\xbd\xef\xbf\xbd byte \\u2028 sep \\u007f del") != std::string::npos);
  YAML::Node y;
  REQUIRE_NOTHROW(y = YAML::Load(text));
  CHECK(y["title"].as<std::string>() == "bad\xef\xbf\xbd\xef\xbf\xbd byte \xe2\x80\xa8 sep \x7f del");
}

TEST_CASE("YAML output of invalid UTF-8 is still valid UTF-8") {
  Document doc = sample_document();
  doc.title = std::string("bad\xff byte");
  doc.sections[0].title = std::string("x\x7fy");
  const std::string text = plancmp::to_yaml(doc);
  YAML::Node y;
  REQUIRE_NOTHROW(y = YAML::Load(text));
  CHECK(y["title"].as<std::string>() == "bad\xef\xbf\xbd byte");
  CHECK(y["sections"][0]["title"].as<std::string>() == "x\xef\xbf\xbdy");
}

TEST_CASE("an empty document renders with empty lists in both formats") {
  Document doc;
  doc.document = "empty";
  doc.source = "empty.txt";
  doc.encoding = "UTF-8";
  const YAML::Node y = YAML::Load(plancmp::to_yaml(doc));
  CHECK(y["sections"].IsSequence());
  CHECK(y["sections"].size() == 0);
  CHECK(y["date"].IsNull());
  CHECK(y["warnings"].size() == 0);
  const std::string json = plancmp::to_json(doc);
  CHECK(json.find("\"sections\": [],") != std::string::npos);
  CHECK(json.find("\"warnings\": []\n}") != std::string::npos);
  CHECK(top_level_keys(YAML::Load(json)) == kTopLevelKeys);
}

TEST_CASE("render picks the writer by format") {
  const Document doc = sample_document();
  CHECK(plancmp::render(doc, plancmp::OutputFormat::kYaml) == plancmp::to_yaml(doc));
  CHECK(plancmp::render(doc, plancmp::OutputFormat::kJson) == plancmp::to_json(doc));
}

TEST_CASE("PyYAML and Python json read the output with the same types") {
  if (!have_python_yaml()) {
    MESSAGE("python3 with PyYAML not installed; skipped");
    return;
  }
  const Document doc = sample_document();
  const auto yaml_file = write_temp(plancmp::to_yaml(doc), ".yaml");
  const auto json_file = write_temp(plancmp::to_json(doc), ".json");
  CHECK(run_python(kPythonCheck, yaml_file) == 0);
  CHECK(run_python(kPythonCheck, json_file) == 0);
  std::filesystem::remove(yaml_file);
  std::filesystem::remove(json_file);
}
