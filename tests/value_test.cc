// Value and its YAML/JSON serializers: key order, quoting, numbers, escaping
// and nesting, and both texts reading back (yaml-cpp; Python when installed)
// to the tree that was written.
#include <doctest/doctest.h>

#include "test_support.h"
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

#include "plancmp/value.h"
#include "utf8_util.h"

namespace {

using plancmp::to_json_text;
using plancmp::to_yaml_text;
using plancmp::Value;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string yaml_of(const std::string& key, const Value& v) {
  return to_yaml_text(Value::object().set(key, v));
}

// Checks that a parsed node holds exactly the tree `v` (strings given valid).
void check_same(const YAML::Node& n, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: CHECK(n.IsNull()); break;
    case Value::Kind::kBool: CHECK(n.as<bool>() == v.as_bool()); break;
    case Value::Kind::kInteger: CHECK(n.as<long long>() == v.as_integer()); break;
    case Value::Kind::kNumber: CHECK(n.as<double>() == v.as_number()); break;
    case Value::Kind::kString:
      REQUIRE(n.IsScalar());
      CHECK(n.as<std::string>() == v.as_string());
      break;
    case Value::Kind::kArray:
      REQUIRE(n.IsSequence());
      REQUIRE(n.size() == v.size());
      for (std::size_t i = 0; i < v.size(); ++i) check_same(n[i], v[i]);
      break;
    case Value::Kind::kObject: {
      REQUIRE(n.IsMap());
      REQUIRE(n.size() == v.size());
      std::size_t i = 0;
      for (const auto& kv : n) {  // yaml-cpp keeps the document's key order
        CHECK(kv.first.as<std::string>() == v.key(i));
        check_same(kv.second, v[i]);
        ++i;
      }
      break;
    }
  }
}

// Strings YAML readers take for something else when written plain.
const std::vector<std::string> kTrickyStrings = {
    "", " lead", "trail ", "yes", "No", "ON", "off", "y", "n", "~", "null", "True",
    "2025", "1.5", "-3", "+1", ".inf", "2024-01-05", "12:30", "-", "a: b", "#c",
    "x #y", "a, b", "[c]", "{d}", "&e", "*f", "!g", "|", ">", "'", "\"", "%", "@",
    "`", "?", "\\", "<<", "=", "<=", "line\nbreak", "tab\there", "中文 text"};

// A tree using every kind, nesting and awkward string.
Value sample_tree() {
  Value strings = Value::array();
  for (const auto& s : kTrickyStrings) strings.push(s);
  return Value::object()
      .set("name", "plancmp")
      .set("n", 3)
      .set("ratio", 0.604)
      .set("small", 0.00001)
      .set("whole", 29.0)
      .set("negative", -12)
      .set("ok", true)
      .set("missing", nullptr)
      .set("date", Value::quoted("2024-01-05"))
      .set("strings", strings)
      .set("empty_list", std::vector<std::string>{})
      .set("records", Value::array()
                          .push(Value::object().set("id", 1).set("tags", std::vector<std::string>{"a", "b"}))
                          .push(Value::object().set("id", 2).set("nested", Value::object().set("deep", Value::array().push(Value::array().push(1).push(2))))))
      .set("no_records", Value::array())
      .set("empty_object", Value::object());
}

std::filesystem::path write_temp(const std::string& text, const std::string& suffix) {
  static int counter = 0;
  auto path = std::filesystem::temp_directory_path() /
              ("plancmp_value_test_" + std::to_string(::getpid()) + "_" +
               std::to_string(counter++) + suffix);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// Runs `python3 -c code file...` and returns its standard output, or nullopt
// when it fails (or python3 or PyYAML is missing).
std::optional<std::string> run_python(const std::string& code,
                                      const std::vector<std::filesystem::path>& files) {
  std::string cmd = "python3 -c '" + code + "'";
  for (const auto& f : files) cmd += " '" + f.string() + "'";
  cmd += " 2>/dev/null";
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return std::nullopt;
  std::string out;
  char buf[256];
  while (std::fgets(buf, sizeof buf, p)) out += buf;
  if (::pclose(p) != 0) return std::nullopt;
  return out;
}

bool have_python_yaml() {
  return std::system("python3 -c 'import yaml, json' >/dev/null 2>&1") == 0;
}

}  // namespace

TEST_CASE("objects keep keys in insertion order in YAML and JSON") {
  const Value v = Value::object().set("zeta", 1).set("alpha", 2).set("mid", 3);
  CHECK(to_yaml_text(v) == "zeta: 1\nalpha: 2\nmid: 3\n");
  CHECK(to_json_text(v) == "{\n  \"zeta\": 1,\n  \"alpha\": 2,\n  \"mid\": 3\n}\n");
}

TEST_CASE("setting an existing key replaces its value where it first appeared") {
  const Value v = Value::object().set("a", 1).set("b", 2).set("a", "again");
  REQUIRE(v.size() == 2);
  CHECK(v.key(0) == "a");
  CHECK(v.find("a")->as_string() == "again");
  CHECK(v.find("c") == nullptr);
  CHECK(to_json_text(v, 0) == "{\"a\": \"again\", \"b\": 2}\n");
}

TEST_CASE("builders convert optionals, vectors and C++ scalars") {
  CHECK(Value(std::optional<int>()).is_null());
  CHECK(Value(std::optional<int>(7)).as_integer() == 7);
  CHECK(Value(std::optional<std::string>("x")).as_string() == "x");
  CHECK(Value(std::size_t{5}).kind() == Value::Kind::kInteger);
  CHECK(Value(1.5f).kind() == Value::Kind::kNumber);
  CHECK(Value(false).kind() == Value::Kind::kBool);
  CHECK(Value("text").kind() == Value::Kind::kString);
  CHECK(Value::quoted(std::optional<std::string>()).is_null());
  CHECK(Value::quoted("x").is_quoted());
  const Value list = std::vector<std::string>{"a", "b"};
  REQUIRE(list.is_array());
  CHECK(list.size() == 2);
  CHECK(list[1].as_string() == "b");
  CHECK(Value().set("k", 1).is_object());  // null grows into an object
  CHECK(Value().push(1).is_array());
  Value s = "scalar";
  CHECK_THROWS_AS(s.set("k", 1), std::logic_error);
  CHECK_THROWS_AS(s.push(1), std::logic_error);
}

TEST_CASE("YAML quotes strings a reader could misread and leaves plain text plain") {
  CHECK(yaml_of("k", "plancmp/1") == "k: plancmp/1\n");
  CHECK(yaml_of("k", "总体要求") == "k: 总体要求\n");
  CHECK(yaml_of("k", "section.chinese") == "k: section.chinese\n");
  for (const std::string s : {"", " lead", "trail ", "yes", "No", "y", "n", "~", "null", "True",
                              "2025", "1.5", "-3", ".inf", "a: b", "#c", "a, b", "[c]", "<<"}) {
    CAPTURE(s);
    const std::string text = yaml_of("k", s);
    CHECK(text.rfind("k: \"", 0) == 0);
    CHECK(YAML::Load(text)["k"].as<std::string>() == s);
  }
}

TEST_CASE("YAML quotes exactly the strings holding C1 controls, NBSP or the BOM, also after repair") {
  // The writer decides quoting and repair in one pass over the bytes; every
  // multi-byte form (inline-decoded 3-byte sequences, E0/ED range checks,
  // 2- and 4-byte ones, invalid bytes) must decide as a character-wise
  // reading does.
  const std::string pieces[] = {"中",           "\xc2\x85",     "\xc2\xa0", "\xc2\xa1",     "\xef\xbb\xbf",
                                "\xef\xbb\xbe", "\xe0\xa0\x80", "\xe0\x80\x80", "\xed\x9f\xbf", "\xed\xa0\x80",
                                "\xe2\x80\xa8", "\xef\xbf\xbf", "\xf0\x9f\x98\x80", "\xff", "\x7f", "a", ":"};
  for (const std::string& a : pieces) {
    for (const std::string& b : pieces) {
      const std::string s = "x" + a + b;
      bool must_quote = false, repaired = false;
      for (std::size_t i = 0; i < s.size();) {
        const int32_t cp = plancmp::utf8::next_or_invalid(s, i);
        if (cp < 0 || cp == 0x7F || cp == 0x2028 || cp == 0x2029 || cp == 0xFFFE || cp == 0xFFFF) repaired = true;
        else if ((cp >= 0x80 && cp <= 0xA0) || cp == 0xFEFF || cp == ':') must_quote = true;
      }
      const std::string text = to_yaml_text(Value(s));
      CAPTURE(s);
      CHECK((text[0] == '"') == must_quote);
      CHECK((text.find("\xef\xbf\xbd") != std::string::npos) == repaired);
    }
  }
}

TEST_CASE("YAML always double-quotes strings marked quoted") {
  CHECK(yaml_of("date", Value::quoted("2024-01-05")) == "date: \"2024-01-05\"\n");
  CHECK(yaml_of("quote", Value::quoted("到2025年")) == "quote: \"到2025年\"\n");
  CHECK(yaml_of("op", Value::quoted(std::optional<std::string>())) == "op: null\n");
  CHECK(to_json_text(Value::quoted("x"), 0) == "\"x\"\n");  // JSON quotes every string anyway
}

TEST_CASE("YAML keys stay plain unless a reader would misread them") {
  const Value v = Value::object().set("n", 1).set("baseline_year", 2).set("2025", 3).set("yes", 4);
  CHECK(to_yaml_text(v) == "n: 1\nbaseline_year: 2\n\"2025\": 3\n\"yes\": 4\n");
}

TEST_CASE("integers print without .0 and doubles in shortest form without exponent") {
  const Value v = Value::array()
                      .push(29)
                      .push(29.0)
                      .push(0.604)
                      .push(0.00001)
                      .push(-0.0)
                      .push(0.1 + 0.2)
                      .push(1e20)
                      .push(-2.5)
                      .push(9007199254740993LL);
  const std::string expected =
      "[29, 29, 0.604, 0.00001, 0, 0.30000000000000004, 100000000000000000000, -2.5, "
      "9007199254740993]\n";
  CHECK(to_yaml_text(v) == expected);
  CHECK(to_json_text(v) == expected);
}

TEST_CASE("non-finite numbers are .nan and .inf in YAML and null in JSON") {
  const double inf = std::numeric_limits<double>::infinity();
  const Value v = Value::array().push(std::nan("")).push(inf).push(-inf);
  CHECK(to_yaml_text(v) == "[.nan, .inf, -.inf]\n");
  CHECK(to_json_text(v) == "[null, null, null]\n");
}

TEST_CASE("booleans and null print as true, false and null") {
  const Value v = Value::array().push(true).push(false).push(nullptr);
  CHECK(to_yaml_text(v) == "[true, false, null]\n");
  CHECK(to_json_text(v) == "[true, false, null]\n");
}

TEST_CASE("JSON escapes quotes, backslashes, controls and line separators, keeps other text raw") {
  const Value v = std::string("q\"b\\n\nt\tr\rc\x01\x1f" "d\x7fls\u2028ps\u2029中é\U0001F600");
  CHECK(to_json_text(v) ==
        "\"q\\\"b\\\\n\\nt\\tr\\rc\\u0001\\u001fd\\u007fls\\u2028ps\\u2029中é\U0001F600\"\n");
  CHECK(to_json_text(Value::object().set("k\"ey", 1), 0) == "{\"k\\\"ey\": 1}\n");
}

TEST_CASE("invalid UTF-8 becomes one U+FFFD per bad byte in both formats") {
  const std::string bad = "a\xff" "b\xe2\x80" "c\xed\xa0\x80";
  const std::string fixed = "a\uFFFD" "b\uFFFD\uFFFD" "c\uFFFD\uFFFD\uFFFD";
  CHECK(to_json_text(bad) == "\"" + fixed + "\"\n");
  CHECK(YAML::Load(yaml_of("k", bad))["k"].as<std::string>() == fixed);
}

TEST_CASE("YAML replaces DEL, U+2028, U+2029, U+FFFE and U+FFFF with U+FFFD") {
  const std::string s = "a\x7f" "b\u2028c\u2029d\uFFFE" "e\uFFFF";
  const std::string text = yaml_of("k", s);
  CHECK_FALSE(contains(text, "\x7f"));
  CHECK(YAML::Load(text)["k"].as<std::string>() == "a\uFFFD" "b\uFFFDc\uFFFDd\uFFFD" "e\uFFFD");
}

TEST_CASE("arrays of scalars print inline and arrays of records as blocks") {
  const Value v = Value::object()
                      .set("lead", std::vector<std::string>{"市发改委", "null", "a, b"})
                      .set("rows", Value::array().push(Value::object().set("id", 1).set("tags", Value::array().push("x"))));
  CHECK(to_yaml_text(v) ==
        "lead: [市发改委, \"null\", \"a, b\"]\n"
        "rows:\n"
        "  - id: 1\n"
        "    tags: [x]\n");
  CHECK(to_json_text(v) ==
        "{\n"
        "  \"lead\": [\"市发改委\", \"null\", \"a, b\"],\n"
        "  \"rows\": [\n"
        "    {\n"
        "      \"id\": 1,\n"
        "      \"tags\": [\"x\"]\n"
        "    }\n"
        "  ]\n"
        "}\n");
}

TEST_CASE("empty scalar arrays print inline, empty record arrays on the next line") {
  const Value v = Value::object()
                      .set("support", std::vector<std::string>{})
                      .set("ids", Value::scalar_array())
                      .set("warnings", Value::array())
                      .set("meta", Value::object());
  CHECK(to_yaml_text(v) == "support: []\nids: []\nwarnings:\n  []\nmeta:\n  {}\n");
  CHECK(to_json_text(v) ==
        "{\n  \"support\": [],\n  \"ids\": [],\n  \"warnings\": [],\n  \"meta\": {}\n}\n");
}

TEST_CASE("nested arrays and objects indent two spaces per level") {
  const Value v = Value::object().set(
      "a", Value::object().set("b", Value::array().push(Value::array().push(1).push(2)).push(Value::object().set("c", "d"))));
  CHECK(to_yaml_text(v) ==
        "a:\n"
        "  b:\n"
        "    - [1, 2]\n"
        "    - c: d\n");
  CHECK(to_json_text(v) ==
        "{\n"
        "  \"a\": {\n"
        "    \"b\": [\n"
        "      [1, 2],\n"
        "      {\n"
        "        \"c\": \"d\"\n"
        "      }\n"
        "    ]\n"
        "  }\n"
        "}\n");
}

TEST_CASE("JSON indent 0 prints one line and other indents scale the nesting") {
  const Value v = Value::object().set("a", Value::array().push(Value::object().set("b", 1))).set("c", "d");
  CHECK(to_json_text(v, 0) == "{\"a\": [{\"b\": 1}], \"c\": \"d\"}\n");
  CHECK(to_json_text(v, 4) == "{\n    \"a\": [\n        {\n            \"b\": 1\n        }\n    ],\n    \"c\": \"d\"\n}\n");
}

TEST_CASE("YAML and JSON output read back with yaml-cpp to the same tree") {
  const Value v = sample_tree();
  YAML::Node from_yaml, from_json;
  REQUIRE_NOTHROW(from_yaml = YAML::Load(to_yaml_text(v)));
  REQUIRE_NOTHROW(from_json = YAML::Load(to_json_text(v)));  // JSON is YAML
  check_same(from_yaml, v);
  check_same(from_json, v);
}

TEST_CASE("Python json and PyYAML read both outputs to the same data, keys in order") {
  if (!have_python_yaml()) {
    MESSAGE("python3 with PyYAML not installed; skipped");
    return;
  }
  const Value v = sample_tree();
  const auto yaml_file = write_temp(to_yaml_text(v), ".yaml");
  const auto json_file = write_temp(to_json_text(v), ".json");
  // PyYAML is YAML 1.1, the stricter check of the quoting.
  const std::string code =
      "import json, sys, yaml\n"
      "y = yaml.safe_load(open(sys.argv[1], encoding=\"utf-8\"))\n"
      "j = json.load(open(sys.argv[2], encoding=\"utf-8\"))\n"
      "assert y == j, (y, j)\n"
      "assert list(y) == list(j)\n"
      "print(\"|\".join(j[\"strings\"]), end=\"\")\n";
  const auto out = run_python(code, {yaml_file, json_file});
  std::filesystem::remove(yaml_file);
  std::filesystem::remove(json_file);
  REQUIRE(out.has_value());
  std::string expected;
  for (std::size_t i = 0; i < kTrickyStrings.size(); ++i) expected += (i ? "|" : "") + kTrickyStrings[i];
  CHECK(*out == expected);
}

TEST_CASE("next_or_invalid reports each invalid byte on its own") {
  const std::string s = "\xe4\xb8\xad\xe2\x80x";
  std::size_t i = 0;
  CHECK(plancmp::utf8::next_or_invalid(s, i) == 0x4E2D);
  CHECK(i == 3);
  CHECK(plancmp::utf8::next_or_invalid(s, i) == -1);
  CHECK(i == 4);
  CHECK(plancmp::utf8::next_or_invalid(s, i) == -1);
  CHECK(plancmp::utf8::next_or_invalid(s, i) == 'x');
  CHECK(i == s.size());
}

// ------------------------------------------------------------ yaml-cpp oracle
// plancmp writes YAML itself (yaml-cpp's Emitter cost a quarter of extraction
// time). Its layout and escaping must stay exactly yaml-cpp's, so existing
// outputs and golden files keep their bytes: random trees are written by both
// and compared. The oracle gets the same quoting decision through a forced
// double-quote whenever plancmp quotes.

namespace {

void oracle_emit(YAML::Emitter& out, const Value& v);

bool oracle_all_scalars(const Value& a) {
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!a[i].is_scalar()) return false;
  return true;
}

// plancmp's quoting decision, read back from its own output of the lone string.
bool plancmp_quotes(const std::string& s, bool is_key) {
  const std::string text = is_key ? to_yaml_text(Value::object().set(s, 1)) : to_yaml_text(Value(s));
  return !text.empty() && text[0] == '"';
}

void oracle_string(YAML::Emitter& out, const std::string& s, bool quoted, bool is_key) {
  if (quoted || plancmp_quotes(s, is_key)) out << YAML::DoubleQuoted;
  out << s;
}

void oracle_emit(YAML::Emitter& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull: out << YAML::Null; break;
    case Value::Kind::kBool: out << v.as_bool(); break;
    case Value::Kind::kInteger: out << v.as_integer(); break;
    case Value::Kind::kNumber: {
      // Same digits as plancmp (checked by other tests); written plain.
      std::string t = to_yaml_text(v);
      t.pop_back();
      out << t;
      break;
    }
    case Value::Kind::kString: oracle_string(out, v.as_string(), v.is_quoted(), false); break;
    case Value::Kind::kArray:
      if (oracle_all_scalars(v) && (v.size() > 0 || v.is_scalar_array())) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (std::size_t i = 0; i < v.size(); ++i) oracle_emit(out, v[i]);
      out << YAML::EndSeq;
      break;
    case Value::Kind::kObject:
      out << YAML::BeginMap;
      for (std::size_t i = 0; i < v.size(); ++i) {
        out << YAML::Key;
        oracle_string(out, v.key(i), false, true);
        out << YAML::Value;
        oracle_emit(out, v[i]);
      }
      out << YAML::EndMap;
      break;
  }
}

std::string oracle_yaml(const Value& v) {
  YAML::Emitter out;
  out.SetIndent(2);
  out.SetNullFormat(YAML::LowerNull);
  out.SetOutputCharset(YAML::EmitNonAscii);
  oracle_emit(out, v);
  return std::string(out.c_str(), out.size()) + "\n";
}

using plancmp_test::Lcg;

const std::vector<std::string> kPieces = {
    "a", "中", "文", " ", ":", "#", "-", "\n", "\t", "\"", "\\", "'", "1", "2025",
    "\x01", "\x1f", "\xc2\x85", "\xc2\xa0", "\xef\xbb\xbf",
    "yes", "null", ",", "[", "{", "&", "*", "!", "%", "@", "?", "é", "\xf0\x9f\x98\x80"};

// (Invalid UTF-8, DEL and U+2028 are left out: plancmp replaces them with
// U+FFFD before writing, which other tests check.)
std::string random_string(Lcg& rng) {
  std::string s;
  const unsigned n = rng.next(5);
  for (unsigned i = 0; i < n; ++i) s += kPieces[rng.next(static_cast<unsigned>(kPieces.size()))];
  return s;
}

Value random_value(Lcg& rng, int depth) {
  const unsigned kind = rng.next(depth > 3 ? 6 : 10);
  switch (kind) {
    case 0: return Value();
    case 1: return Value(rng.next(2) == 1);
    case 2: return Value(static_cast<int>(rng.next(3000)) - 1000);
    case 3: return Value(rng.next(10000) / 64.0);
    case 4: return Value(random_string(rng));
    case 5: return Value::quoted(random_string(rng));
    case 6: case 7: {
      Value a = rng.next(2) ? Value::array() : Value::scalar_array();
      const unsigned n = rng.next(4);
      for (unsigned i = 0; i < n; ++i) a.push(random_value(rng, depth + 1));
      return a;
    }
    default: {
      Value o = Value::object();
      const unsigned n = rng.next(4);
      for (unsigned i = 0; i < n; ++i) o.set(random_string(rng) + std::to_string(i), random_value(rng, depth + 1));
      return o;
    }
  }
}

// How many of `count` values from `make` (until the first difference) come
// out of our writer as yaml-cpp's Emitter writes them.
template <class Make>
int same_as_yaml_cpp(int count, Make&& make) {
  for (int i = 0; i < count; ++i) {
    const Value v = make();
    const std::string ours = to_yaml_text(v), theirs = oracle_yaml(v);
    if (ours != theirs) {
      INFO("ours:\n" << ours << "\nyaml-cpp:\n" << theirs);
      CHECK(ours == theirs);
      return i;
    }
  }
  return count;
}

}  // namespace

TEST_CASE("YAML output is byte-identical to yaml-cpp's Emitter on random trees") {
  Lcg rng{20261123};
  CHECK(same_as_yaml_cpp(3000, [&] { return random_value(rng, 0); }) == 3000);
}

// Long strings: the writers' runs (several bytes a step, vector blocks of 32)
// and what interrupts them at every offset, against yaml-cpp's escaping.
TEST_CASE("YAML output is byte-identical to yaml-cpp's Emitter on long strings") {
  Lcg rng{20261124};
  CHECK(same_as_yaml_cpp(3000, [&] {
          std::string s;
          const unsigned n = rng.next(60);
          // Mostly Chinese text or ASCII words, with a rare other piece.
          for (unsigned k = 0; k < n; ++k) {
            const unsigned r = rng.next(10);
            s += r < 5 ? "中" : r < 8 ? "ab" : kPieces[rng.next(static_cast<unsigned>(kPieces.size()))];
          }
          return rng.next(2) ? Value::quoted(s) : Value(s);
        }) == 3000);
}

TEST_CASE("YAML output is byte-identical to yaml-cpp's Emitter on the sample tree") {
  CHECK(to_yaml_text(sample_tree()) == oracle_yaml(sample_tree()));
}
