// Unit notes: lead/support per clause, document-wide implementers
// (src/units.cc, grammars/units.yaml). Small made-up plans run through the
// whole pipeline, so clause assignment is checked too.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "groups_check.h"
#include "plancmp/pipeline.h"

using namespace plancmp;
using Units = std::vector<std::string>;

namespace {

Document run(const std::string& text) { return extract_bytes(text, "plan.txt"); }

const Clause& clause(const Document& doc, const std::string& title) {
  for (const Clause& c : doc.clauses)
    if (c.title == title) return c;
  FAIL("no clause titled " << title);
  static Clause none;
  return none;
}

// A plan with one section holding the given task paragraphs.
std::string plan(const std::string& tasks) {
  return "某县环境整治方案\n一、重点任务\n" + tasks;
}

}  // namespace

TEST_CASE("a bracketed 按职责分工负责 note makes every listed unit lead") {
  Document doc = run(plan("(一)加强水体治理。推进治理。〔县水务局、县气象局、县文化局按职责分工负责〕\n"));
  const Clause& c = clause(doc, "加强水体治理");
  CHECK(c.lead == Units{"县水务局", "县气象局", "县文化局"});
  CHECK(c.support.empty());
}

TEST_CASE("X牵头 with Y配合 or Y参与 puts Y under support") {
  Document doc = run(plan(
      "(一)加强水体治理。推进治理。(县水务局牵头,县气象局配合)\n"
      "(二)加强大气治理。推进治理。(县环保局牵头,县应急指挥部成员单位参与)\n"));
  CHECK(clause(doc, "加强水体治理").lead == Units{"县水务局"});
  CHECK(clause(doc, "加强水体治理").support == Units{"县气象局"});
  CHECK(clause(doc, "加强大气治理").lead == Units{"县环保局"});
  CHECK(clause(doc, "加强大气治理").support == Units{"县应急指挥部成员单位"});
}

TEST_CASE("labelled notes: 牵头单位/责任单位 lead, 配合单位/协办单位 support") {
  Document doc = run(plan(
      "(一)加强水体治理。推进治理。(牵头单位:县水务局,配合单位:县财政局、县审计局)\n"
      "(二)加强大气治理。推进治理。责任单位:县环保局;协办单位:县气象局\n"
      "(三)加强土壤治理。推进治理。【牵头部门】县农业局、县林业局\n"));
  CHECK(clause(doc, "加强水体治理").lead == Units{"县水务局"});
  CHECK(clause(doc, "加强水体治理").support == Units{"县财政局", "县审计局"});
  CHECK(clause(doc, "加强大气治理").lead == Units{"县环保局"});
  CHECK(clause(doc, "加强大气治理").support == Units{"县气象局"});
  CHECK(clause(doc, "加强土壤治理").lead == Units{"县农业局", "县林业局"});
}

TEST_CASE("X牵头 then Y按职责分工负责, and A牵头、B、C等按职责分工负责, make every unit lead") {
  Document doc = run(plan(
      "(一)加强水体治理。推进治理。县水务局、县气象局牵头,县财政局、县审计局按职责分工负责\n"
      "(二)加强大气治理。推进治理。县环保局牵头、县气象局、县交通局等按职责分工负责\n"));
  CHECK(clause(doc, "加强水体治理").lead == Units{"县水务局", "县气象局", "县财政局", "县审计局"});
  CHECK(clause(doc, "加强水体治理").support.empty());
  CHECK(clause(doc, "加强大气治理").lead == Units{"县环保局", "县气象局", "县交通局"});
}

TEST_CASE("a note that lost its brackets, or one of them, is read at the end of the paragraph") {
  Document doc = run(plan(
      "(一)加强水体治理。推进治理。县水务局、县气象局按职责分工负责\n"
      "(二)加强大气治理。推进治理。(县环保局、县交通局按职责分工负责\n"
      "(三)加强土壤治理。推进治理。县农业局、县林业局按职责分工负责)。\n"));
  CHECK(clause(doc, "加强水体治理").lead == Units{"县水务局", "县气象局"});
  CHECK(clause(doc, "加强大气治理").lead == Units{"县环保局", "县交通局"});
  CHECK(clause(doc, "加强土壤治理").lead == Units{"县农业局", "县林业局"});
}

TEST_CASE("a unit list glued to the previous sentence is trimmed to where the units start") {
  Document doc = run(plan(
      "(一)加强水体治理。推进治理,到2025年水质达标率达到80%以上县水务局、县气象局按职责分工负责\n"
      "(二)加强大气治理。推进治理,落实上级要求住建局、县交通局按职责分工负责\n"
      "(三)加强监管。提升“智慧监管”县环保局负责\n"));
  CHECK(clause(doc, "加强水体治理").lead == Units{"县水务局", "县气象局"});
  CHECK(clause(doc, "加强大气治理").lead == Units{"住建局", "县交通局"});
  CHECK(clause(doc, "加强监管").lead == Units{"县环保局"});
}

TEST_CASE("two names glued without a separator are split at an institution suffix") {
  Document doc = run(plan("(一)加强水体治理。推进治理。县水务局县财政局、县委办县政府办按职责分工负责\n"));
  CHECK(clause(doc, "加强水体治理").lead == Units{"县水务局", "县财政局", "县委办", "县政府办"});
}

TEST_CASE("names keep their inner 和 and parentheses; 及 splits between whole names") {
  Document doc = run(plan(
      "(一)加强水体治理。推进治理。〔县经济和信息化局、县自然资源和规划局及各乡(镇、街道)人民政府按职责分工负责〕\n"));
  CHECK(clause(doc, "加强水体治理").lead ==
        Units{"县经济和信息化局", "县自然资源和规划局", "各乡(镇、街道)人民政府"});
}

TEST_CASE("trailing 等 is stripped and abbreviations are kept as printed") {
  Document doc = run(plan("(一)加强水体治理。推进治理。(发改局、县水务局等按职责分工负责)\n"));
  CHECK(clause(doc, "加强水体治理").lead == Units{"发改局", "县水务局"});
}

TEST_CASE("a document-wide implementer note goes to implementers once, not to the clause") {
  Document doc = run(plan(
      "(一)加强水体治理。推进治理。〔县水务局按职责分工负责;甲新区、乙园区管委会及各乡(镇、街道)人民政府落实,下同,不再一一列出〕\n"
      "(二)加强大气治理。推进治理。(牵头单位:县环保局;均需各乡镇人民政府、开发区管委会负责落实,以下不再列出)\n"
      "(三)加强土壤治理。推进治理。〔县农业局牵头负责;甲新区、乙园区管委会落实,下同〕\n"));
  CHECK(clause(doc, "加强水体治理").lead == Units{"县水务局"});
  CHECK(clause(doc, "加强大气治理").lead == Units{"县环保局"});
  CHECK(clause(doc, "加强土壤治理").lead == Units{"县农业局"});
  // The shared suffix is distributed over the places that lack one.
  CHECK(doc.implementers == Units{"甲新区管委会", "乙园区管委会", "各乡(镇、街道)人民政府",
                                  "各乡镇人民政府", "开发区管委会"});
}

TEST_CASE("a general 各…负责落实 note closing a note is an implementer note") {
  Document doc = run(plan("(一)加强水体治理。推进治理。(县水务局牵头,各乡镇政府负责落实)\n"));
  CHECK(clause(doc, "加强水体治理").lead == Units{"县水务局"});
  CHECK(doc.implementers == Units{"各乡镇政府"});
}

TEST_CASE("X负责 closes a task as a lead note; 负责 in prose is no note") {
  Document doc = run(plan(
      "(一)加强水体治理。推进治理。县水务局负责\n"
      "(二)加强大气治理。各级政府对本地空气质量负责\n"
      "(三)加强协作。各部门要密切配合,形成合力。\n"));
  CHECK(clause(doc, "加强水体治理").lead == Units{"县水务局"});
  CHECK(clause(doc, "加强大气治理").lead.empty());
  CHECK(clause(doc, "加强协作").support.empty());
}

TEST_CASE("a note belongs to the innermost clause whose text holds it") {
  // One line holding a group and its numbered tasks, as in a web copy.
  Document doc = run(
      "某县环境整治方案\n一、重点任务\n"
      "(一)健全制度1.压实责任。落实责任制。(牵头单位:县委办)2.加强考核。完善考核。(牵头单位:县审计局)"
      "(二)改善环境3.治理水体。推进治理。(牵头单位:县水务局)\n");
  CHECK(clause(doc, "压实责任").lead == Units{"县委办"});
  CHECK(clause(doc, "加强考核").lead == Units{"县审计局"});
  CHECK(clause(doc, "治理水体").lead == Units{"县水务局"});
  CHECK(clause(doc, "健全制度").lead.empty());
  CHECK(clause(doc, "改善环境").lead.empty());
}

TEST_CASE("a note in section text outside every clause is not given to a clause") {
  Document doc = run(
      "某县环境整治方案\n一、重点任务\n统筹推进各项工作(县水务局负责)。全面开展。\n"
      "(一)加强水体治理。推进治理。〔县气象局按职责分工负责〕\n");
  CHECK(clause(doc, "加强水体治理").lead == Units{"县气象局"});
  for (const Clause& c : doc.clauses)
    CHECK(std::find(c.lead.begin(), c.lead.end(), "县水务局") == c.lead.end());
}

TEST_CASE("full-width punctuation, OCR spaces and Traditional script are read; names keep their script") {
  Document doc = run(plan("(一)加強水體治理。推進治理。（縣水務局牽頭，縣氣 象局配合）\n"));
  REQUIRE(doc.clauses.size() == 1);
  CHECK(doc.clauses[0].lead == Units{"縣水務局"});
  CHECK(doc.clauses[0].support == Units{"縣氣象局"});
}

TEST_CASE("a note outside every clause is kept under the document's units with its role and line") {
  Document doc = extract_bytes(
      "到2025年,全市森林覆盖率达到60%。\n"
      "(市林业局牵头,市自然资源局配合)\n",
      "excerpt.txt");
  REQUIRE(doc.units.size() == 2);
  CHECK(doc.units[0].unit == "市林业局");
  CHECK(doc.units[0].role == "lead");
  CHECK(doc.units[0].line == 2);
  CHECK(doc.units[1].unit == "市自然资源局");
  CHECK(doc.units[1].role == "support");
}

TEST_CASE("a 协作部门 label names supporting units") {
  Document doc = extract_bytes("一、任务\n(一)治理。推进治理。(牵头单位:市水务局;协作部门:市环保局、市农业局)\n", "x.txt");
  REQUIRE(doc.clauses.size() == 1);
  CHECK(doc.clauses[0].lead == std::vector<std::string>{"市水务局"});
  CHECK(doc.clauses[0].support == std::vector<std::string>{"市环保局", "市农业局"});
}

// MatchGroups (src/regex_shortcuts.h) reads groups from a pattern's shape
// instead of RE2's capture engines: it must give RE2's groups exactly.
#include "regex_shortcuts.h"

namespace {

void check_groups_like_re2(const std::string& pattern, const std::vector<std::string>& names,
                           const std::vector<std::string>& texts) {
  RE2 re(pattern);
  REQUIRE(re.ok());
  plancmp_test::check_groups_like_re2(re, names, texts);
}

}  // namespace

TEST_CASE("MatchGroups reads a group framed by literals as RE2 captures it") {
  check_groups_like_re2("〔(?P<body>[^〔〕\\n]+)〕", {"body"}, {"加强监管。〔市生态环境局负责〕又〔市水利局〕", "〔〕〔a〕", "无"});
  check_groups_like_re2("\\((?P<body>(?:[^()\\n]|\\([^()\\n]{1,12}\\))+)\\)", {"body", "none"},
                        {"推进(牵头单位:市水利局)和(县(市、区)政府配合)", "(()", "(a(b)c)"});
  check_groups_like_re2("(?P<body>[【\\[](?:牵头|责任)单位[】\\]][^。\\n]+)", {"body"}, {"【责任单位】市发改委。[牵头单位]县局"});
}

TEST_CASE("MatchGroups reads a lazy class at the head of a pattern as RE2 captures it") {
  const std::string tail = "(?P<body>[^。!?\\n]+?)[\\s)〕】。;,]*$";
  check_groups_like_re2(tail, {"body"},
                        {"加强管控。县水务局负责", "推进治理。(县环保局牵头,县水务局参与", "a;,;)", "句。", ";", "一。二;三,", "(x)"});
  // The rest can match inside the group's run: the first place it ends the match wins.
  check_groups_like_re2("(?P<g>[a-z]+?)(?:b|ab)c", {"g"}, {"xaabc", "abc", "zabcabc"});
}

TEST_CASE("MatchGroups reads a lazy class group of a match that starts inside a character as RE2 does") {
  // Found by fuzz/regex_shortcuts_fuzz.cc. \C{2} moves the matches two bytes a
  // step, so the third starts in the second character of 【【: the class
  // takes nothing there, and the group is empty, though the rest also
  // matches (\B) at the end of the text, after a whole character.
  check_groups_like_re2("(?P<body>[^。]*?)(?:\\C{2}|\\B)", {"body"}, {"【【", "a【【", "【a"});
}

TEST_CASE("MatchGroups reads a lazy loop of alternatives at the head, and the groups after it, as RE2 captures them") {
  // The rest can start inside a parenthesised insertion, where the loop's
  // iterations never end: the group goes on to the next place it can.
  check_groups_like_re2("(?P<units>(?:[^;:。()]|\\([^()]{1,12}\\))+?)(?P<kw>牵头(?:负责)?)(?:$|[,;、])", {"units", "kw"},
                        {"县环保局牵头,县水务局参与", "A(B牵头,C)牵头,", "市局牵头负责", "(牵头)牵头", "牵头牵头", "(x)牵头;"});
  check_groups_like_re2("(?P<units>各(?:[^;:。()]|\\([^()]{1,12}\\))*?)(?P<kw>(?:负责)?落实)$", {"units", "kw"},
                        {"市局牵头,各区(县)政府负责落实", "各落实", "各(负责落实)负责落实", "各县落实。各区落实"});
  check_groups_like_re2("(?P<units>(?:[^;]|\\([^()]{1,12}\\))+?)等?(?P<kw>按职责分工负责|分工负责)", {"units", "kw"},
                        {"A、B等按职责分工负责", "A按职责分工负责;B分工负责", "等按职责分工负责"});
  check_groups_like_re2("(?P<g>(?:a|[b-d]|x[^y]*y)+?)(?P<k>yz|c)", {"g", "k"}, {"abcyz", "xcyzcyz", "xyyz", "axcyc"});
}

TEST_CASE("MatchGroups reads a lazy head's end from the rest's place before the match's end, as RE2 captures it") {
  // The rest spans the match's tail from its leftmost place on the loop's
  // chain; a place inside a parenthesised insertion is none, nor is one
  // the rest reaches only with a `$` the cut text would fake.
  check_groups_like_re2("(?P<units>(?:[^;:。()]|\\([^()]{1,12}\\))+?)等?(?P<kw>按职责分工负责|分工负责|负责)",
                        {"units", "kw"},
                        {"A(B按职责分工负责)按职责分工负责", "A(按职责)分工负责", "A等分工负责;B负责", "(A负责)"});
  check_groups_like_re2("(?P<units>(?:[^;:。()]|\\([^()]{1,12}\\))+?)(?P<kw>牵头)(?:$|[,;、])", {"units", "kw"},
                        {"A牵头,B牵头", "A(牵头,)牵头、", "A牵头牵头"});
  check_groups_like_re2("(?P<g>[^;]+?)(?P<k>ab|b)\\b", {"g", "k"}, {"xab b", "xabab;cb", "a b"});
  // A rest that can also span the match's tail from inside an insertion.
  check_groups_like_re2("(?P<units>(?:[^;()]|\\([^()]{1,12}\\))+?)(?P<kw>负责[^;]*)", {"units", "kw"},
                        {"A(负责)负责x", "A(B负责)C负责;D", "(负责)负责"});
}

TEST_CASE("MatchGroups reads a group closing the pattern from its head's parse, as RE2 captures it") {
  const std::string label =
      "(?P<kw>(?:牵头|责任|主办|主责|主体责任|负责)(?:单位|部门))(?:[:】)]|\\s)*(?P<units>(?:[^;:。!?()〔〕【】\\n]|"
      "\\([^()\\n]{1,12}\\))+)";
  check_groups_like_re2(label, {"kw", "units"},
                        {"(牵头单位:市生态环境局、市委办)", "责任单位: 市发改委;负责部门】县局", "主体责任单位  ", "牵头单位:"});
  // The head's own first parse leaves the group nothing it can span: the
  // match took another one.
  check_groups_like_re2("(?P<k>ab|a)(?P<g>bc)", {"k", "g"}, {"abc", "xababc"});
  check_groups_like_re2("(?P<k>a*)(?P<g>a+)", {"k", "g"}, {"aaa", "a", "baab"});
  check_groups_like_re2("(?P<k>a|ab)(?P<g>b*)$", {"k", "g"}, {"abb", "ab", "a"});
  // Flags at the head's top reach into the group: no shape, the same groups.
  check_groups_like_re2("(?i)x(?P<g>a+)", {"g"}, {"xAa", "XA"});
  // A group inside the closing one, and one the head does not hold.
  check_groups_like_re2("a(?P<g>b(?P<h>c+))", {"g", "h"}, {"abcc abc"});
  check_groups_like_re2("(?P<k>a)?(?P<g>b)", {"k", "g"}, {"ab b"});
}

TEST_CASE("MatchGroups falls back to RE2's capture for other shapes") {
  // A loop that can end at two places after one iteration ("a" and "ab").
  check_groups_like_re2("(?P<g>(?:ab|a)+?)(?P<k>bc|c)", {"g", "k"}, {"abc", "aabc", "ababc"});
  // A rest with two alternatives at its top: the group may not take part.
  check_groups_like_re2("(?P<g>[a-z]+?)x|y(?P<k>z)", {"g", "k"}, {"abx yz", "yz"});
  check_groups_like_re2("(?P<a>x)?y(?P<b>z)", {"a", "b"}, {"yz xyz"});
}

TEST_CASE("RequiredWords rules out only the rules whose words are all missing") {
  RE2 duty("(?P<units>[^;]+?)(?P<kw>按职责分工负责|牵头)");
  RE2 tail("(?P<body>[^。]+?)$");       // no word: always may match
  RE2 latin("(?P<units>.+)Office");    // a word with case: not tested
  RE2 bracket("〔(?P<body>[^〔〕]+)〕");
  auto words = RequiredWords::of({&duty, &tail, &latin, &bracket});
  CHECK(words->may_match("县水务局按职责分工负责") == 0b0111);
  CHECK(words->may_match("县环保局牵头") == 0b0111);
  CHECK(words->may_match("推进治理") == 0b0110);
  CHECK(words->may_match("〔县水务局〕") == 0b1110);
  CHECK(words->may_match("") == 0b0110);
  // The same patterns give the same (shared) words.
  CHECK(RequiredWords::of({&duty, &tail, &latin, &bracket}) == words);
}

TEST_CASE("RequiredWords needs a word of each of a rule's clauses") {
  // Too many spellings for whole words: the words are "单位", "部门" and
  // "【牵头", "[牵头", "【责任"…, and a match holds one of each kind.
  RE2 label("(?P<body>[【\\[](?:牵头|责任|主办|主责|配合|协办|参与)(?:单位|部门)[】\\]][^。]+)");
  RE2 lead("(?P<kw>(?:牵头|责任)(?:单位|部门)):(?P<units>[^;]+)");
  auto words = RequiredWords::of({&label, &lead});
  CHECK(words->may_match("【牵头单位】县水务局") == 0b01);
  CHECK(words->may_match("[配合部门]县水务局") == 0b01);
  CHECK(words->may_match("牵头单位:县水务局") == 0b10);
  // A word of one kind only.
  CHECK(words->may_match("各单位【要求】") == 0b00);
  CHECK(words->may_match("【牵头") == 0b00);
  CHECK(words->may_match("") == 0);
}

// Every units rule on real plans and on random texts of its characters:
// the groups read from each whole match are RE2's own.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "grammar_internal.h"
#include "plancmp/normalize.h"
#include "test_support.h"

TEST_CASE("units rules' groups read from the match agree with RE2's capture") {
  const Grammar::Impl& g = Grammar::builtin()->impl();
  std::vector<std::string> texts = {"【责任单位】市发改委、市财政局。[牵头部门]县局", "各区县政府负责落实",
                                    "市环保局牵头,各县(市、区)人民政府落实"};
  for (const auto& entry : std::filesystem::directory_iterator(PLANCMP_SOURCE_DIR "/corpus")) {
    std::ifstream in(entry.path(), std::ios::binary);
    texts.push_back(NormalizedText::build(std::string(std::istreambuf_iterator<char>(in), {})).text());
  }
  const char* const tokens[] = {"市", "局", "县", "(", ")", "(", "、", ",", ";", ":", "。", "牵头", "负责", "落实",
                                "配合", "单位", "部门", "按职责分工负责", "等", "各", "〔", "〕", "【", "】", " ",
                                "参与", "下同", "具体", "实施", "分工负责", "主体责任", "a"};
  plancmp_test::Lcg rng{20261126};
  for (int i = 0; i < 400; ++i) {
    std::string t;
    for (unsigned n = rng.next(24); n > 0; --n) t += tokens[rng.next(std::size(tokens))];
    texts.push_back(t);
  }
  for (const char* set : {"notes", "roles"})
    for (const PatternRule& r : g.rule_set("units.yaml", set).rules) {
      CAPTURE(r.id);
      CHECK(plancmp_test::check_groups_like_re2(*r.re, {"units", "kw", "body"}, texts) > 0);
    }
}

// What RequiredWords hands FilteredRE2: the built-in rules' words are the
// same as from their own patterns, and it matches wherever they do.
#include <re2/filtered_re2.h>

#include "regex_shortcuts.h"

TEST_CASE("negated classes written \\C: the same FilteredRE2 words, and a match wherever the pattern has one") {
  CHECK(negated_classes_as_any_byte("a[^b]+c") == "a\\C+c");
  CHECK(negated_classes_as_any_byte("[^]a](?:x|[^\\]y])") == "\\C(?:x|\\C)");
  CHECK(negated_classes_as_any_byte("[a^]\\[^a\\]") == "[a^]\\[^a\\]");  // no negated class
  CHECK(negated_classes_as_any_byte("\\p{^Han}[^\\p{Han}]") == "\\p{^Han}\\C");
  CHECK(negated_classes_as_any_byte("a\\Q[^b]\\E").empty());  // not followed
  CHECK(negated_classes_as_any_byte("[[:alpha:]]").empty());
  auto atoms = [](const std::string& pattern) {
    re2::FilteredRE2 filter;
    int id = 0;
    std::vector<std::string> out;
    if (filter.Add(pattern, RE2::Options(), &id) != RE2::NoError) return std::vector<std::string>{"(error)"};
    filter.Compile(&out);
    std::sort(out.begin(), out.end());
    return out;
  };
  const Grammar::Impl& g = Grammar::builtin()->impl();
  const char* const tokens[] = {"市", "局", "(", ")", "、", ",", ";", ":", "。", "\n", "牵头", "负责", "落实", "配合",
                                "单位", "部门", "按职责分工负责", "等", "各", "〔", "〕", "【", "】", "[", "]", " ",
                                "下同", "a", "\xE4", "\xB8"};
  plancmp_test::Lcg rng{20261203};
  std::vector<std::string> texts;
  for (int i = 0; i < 300; ++i) {
    std::string t;
    for (unsigned n = rng.next(16); n > 0; --n) t += tokens[rng.next(std::size(tokens))];
    texts.push_back(t);
  }
  std::size_t matched = 0;
  for (const char* set : {"notes", "roles"})
    for (const PatternRule& r : g.rule_set("units.yaml", set).rules) {
      CAPTURE(r.id);
      const std::string cheaper = negated_classes_as_any_byte(r.re->pattern());
      REQUIRE(!cheaper.empty());
      CHECK(atoms(cheaper) == atoms(r.re->pattern()));
      RE2 any(cheaper, r.re->options());
      REQUIRE(any.ok());
      for (const std::string& t : texts) {
        if (!RE2::PartialMatch(t, *r.re)) continue;
        CAPTURE(t);
        CHECK(RE2::PartialMatch(t, any));
        ++matched;
      }
    }
  CHECK(matched > 300);
}
