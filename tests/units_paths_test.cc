// The units stage's shortcuts against its general paths (src/units.cc,
// src/units_lists.h, src/units_patterns.h): the pattern facts it reads on
// cases, the list cut from the right against the cut from the left, and the
// whole stage with a grammar that takes every shortcut out of play against
// the built-in one, on real plans.
#include <doctest/doctest.h>
#include <re2/re2.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <string>
#include <vector>

#include "grammar_internal.h"
#include "plancmp/grammar.h"
#include "plancmp/output.h"
#include "plancmp/pipeline.h"
#include "test_support.h"
#include "units_lists.h"
#include "units_patterns.h"

namespace {

bool ends_at_end(const std::string& pattern) { return plancmp::units::ends_at_text_end(RE2(pattern)); }
std::string opening(const std::string& pattern) { return plancmp::units::opening_literal(RE2(pattern)); }

}  // namespace

TEST_CASE("a pattern ends every match at the text's end only with a last `$` outside alternations and (?m)") {
  CHECK(ends_at_end("(?P<units>[^;]+?)(?P<kw>负责)$"));
  CHECK(ends_at_end("a(?:b|c)$"));
  CHECK(ends_at_end("a\\\\$"));  // an escaped backslash, then the anchor
  CHECK_FALSE(ends_at_end("a|b$"));
  CHECK_FALSE(ends_at_end("(?m)a$"));
  CHECK_FALSE(ends_at_end("(?m:a)b$"));
  CHECK_FALSE(ends_at_end("a\\$"));
  CHECK_FALSE(ends_at_end("[a$]"));
  CHECK_FALSE(ends_at_end("(?:a$)"));
  CHECK_FALSE(ends_at_end("a(?:$|,)"));
  CHECK_FALSE(ends_at_end("a$\\Q\\E"));
}

TEST_CASE("a note rule's opening literal is what every match starts with") {
  CHECK(opening("\\((?P<body>(?:[^()\\n]|\\([^()\\n]{1,12}\\))+)\\)") == "(");
  CHECK(opening("〔(?P<body>[^〔〕\\n]+)〕") == "〔");
  CHECK(opening("各(?:a|b)") == "各");
  CHECK(opening("ab?c") == "a");
  CHECK(opening("(?P<body>[【\\[](?:牵头|责任)单位[】\\]])").empty());
  CHECK(opening("(?P<body>[^。]+?)$").empty());
  CHECK(opening("(?i)a").empty());
  CHECK(opening("\\ba").empty());  // asserts what precedes: no test
  CHECK(opening("a|b").empty());
  CHECK(opening("a*").empty());  // matches ""
}

TEST_CASE("the pattern after its opening group, only where every match is that group and then the rest") {
  using plancmp::units::after_opening_group;
  CHECK(after_opening_group("(?P<units>[^;)]+?)(?P<kw>负责)$") == "(?P<kw>负责)$");
  CHECK(after_opening_group("(a(b)c)d") == "d");
  CHECK(after_opening_group("(?:a|b)c|d").empty());  // an alternation at the top
  CHECK(after_opening_group("(a)+b").empty());       // the group repeats
  CHECK(after_opening_group("(a){2}b").empty());
  CHECK(after_opening_group("(a)?b").empty());
  CHECK(after_opening_group("(?i)ab").empty());      // flags, not a group
  CHECK(after_opening_group("(?i:a)b").empty());
  CHECK(after_opening_group("(a)").empty());         // nothing after it
  CHECK(after_opening_group("a(b)c").empty());
  CHECK(after_opening_group("([)])b") == "b");       // a ")" in a class
  CHECK(after_opening_group("(\\))b") == "b");      // an escaped ")" in the group
  CHECK(after_opening_group("(a))b").empty());       // unbalanced
  CHECK(after_opening_group("(a\\)b)c") == "c");
  CHECK(after_opening_group("(a\\Qb)c").empty());   // \Q quoting: not followed
}

TEST_CASE("`(?:rule)$` matches a text wherever the rule's scan ends a match at the text's end") {
  const plancmp::Grammar::Impl& g = plancmp::Grammar::builtin()->impl();
  const char* const tokens[] = {"市", "局", "、", ",", ";", ":", "。", "牵头", "负责", "落实", "配合", "单位",
                                "按职责分工负责", "等", "各", "下同", "参与", "(", ")", "a"};
  plancmp_test::Lcg rng{20261127};
  std::size_t closing = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string t;
    for (unsigned n = 1 + rng.next(12); n > 0; --n) t += tokens[rng.next(std::size(tokens))];
    for (const plancmp::PatternRule& r : g.rule_set("units.yaml", "roles").rules) {
      const RE2* to_end = plancmp::units::to_end_of(*r.re);
      REQUIRE(to_end != nullptr);
      const bool may = to_end->Match(t, 0, t.size(), RE2::UNANCHORED, nullptr, 0);
      re2::StringPiece whole;
      for (std::size_t pos = 0; pos <= t.size() && r.re->Match(t, pos, t.size(), RE2::UNANCHORED, &whole, 1);) {
        const std::size_t end = static_cast<std::size_t>(whole.data() - t.data()) + whole.size();
        if (end == t.size()) {
          CAPTURE(r.id);
          CAPTURE(t);
          CHECK(may);
          ++closing;
        }
        pos = end > pos ? end : pos + 1;
      }
    }
  }
  CHECK(closing > 100);
}

TEST_CASE("a match tried anchored first is the unanchored search's leftmost match") {
  const plancmp::Grammar::Impl& g = plancmp::Grammar::builtin()->impl();
  const char* const tokens[] = {"市", "局", "、", ",", ";", "。", "牵头", "负责", "落实", "配合", "单位", "〔",
                                "〕", "(", ")", "按职责分工负责", "各", "a", "\n"};
  plancmp_test::Lcg rng{20261129};
  std::size_t found = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string t;
    for (unsigned n = rng.next(12); n > 0; --n) t += tokens[rng.next(std::size(tokens))];
    const re2::StringPiece input(t);
    for (const char* set : {"notes", "roles"})
      for (const plancmp::PatternRule& r : g.rule_set("units.yaml", set).rules)
        for (std::size_t pos = 0; pos <= t.size(); pos += 1 + rng.next(4)) {
          re2::StringPiece want, got;
          const bool any = r.re->Match(input, pos, t.size(), RE2::UNANCHORED, &want, 1);
          CAPTURE(r.id);
          CAPTURE(t);
          REQUIRE(plancmp::units::leftmost_match(*r.re, input, pos, t.size(), true, &got) == any);
          if (!any) continue;
          CHECK(got.data() == want.data());
          CHECK(got.size() == want.size());
          ++found;
        }
  }
  CHECK(found > 1000);
}

TEST_CASE("a list without parentheses is cut from the right into split_list's pieces") {
  using plancmp::units::Piece;
  // (丁, ぁ and 䀁 end with 、's last byte, 䀁 with its last two; 。 shares
  // its first two. Lists of up to 40 tokens take the vector scan's blocks.)
  const char* const tokens[] = {"市", "局", "、", ",", ";", " ", "\t", "a", "é", "𠀀", "县政府", ",", ":", "丁", "ぁ", "䀁", "。"};
  plancmp_test::Lcg rng{20261128};
  for (int i = 0; i < 6000; ++i) {
    std::string t;
    for (unsigned n = rng.next(i % 2 == 0 ? 14 : 40); n > 0; --n) t += tokens[rng.next(std::size(tokens))];
    // The list is a tail of the text, after a character.
    const std::size_t b = t.empty() ? 0 : std::string(tokens[0]).size() * (rng.next(2) == 0 ? 0 : 1);
    if (b > t.size() || (b > 0 && t.compare(0, b, tokens[0]) != 0)) continue;
    const bool weak = rng.next(2) == 0;
    std::vector<Piece> left;
    plancmp::units::split_list(t, b, t.size(), weak, left);
    const std::size_t stop = 1 + rng.next(static_cast<unsigned>(left.size()) + 1);  // take() says no at the stop-th
    for (const bool vector : {true, false}) {
      std::vector<Piece> right;
      plancmp::units::pieces_from_right(
          t, b, t.size(), weak,
          [&](const Piece& p) {
            right.push_back(p);
            return right.size() < stop;
          },
          vector);
      CAPTURE(t);
      CAPTURE(vector);
      REQUIRE(right.size() == std::min(stop, left.size()));
      for (std::size_t k = 0; k < right.size(); ++k) {
        const Piece& want = left[left.size() - 1 - k];
        CHECK(right[k].b == want.b);
        CHECK(right[k].e == want.e);
        CHECK(right[k].weak == want.weak);
      }
    }
  }
}

TEST_CASE("with every units shortcut out of play, the plans' units are the same") {
  // `\Q\E` (empty quoted text) after each pattern changes no rule's meaning
  // but leaves the scans of the pattern text nothing they follow: no opening
  // literal, no `$` at the end, no group shape for MatchGroups (RE2's
  // capture). A one-byte word among not_in_unit (which rejects every ASCII
  // mark anyway) sends plausible() down its general path, and a blank among
  // soft_separators and glue_starts (the lists are already cut at blanks
  // outside parentheses, and inside them no split looks) has every piece
  // go through both splits.
  std::string yaml = plancmp::builtin_grammar_files().at("units.yaml");
  std::size_t rewritten = 0;
  for (std::size_t at = yaml.find("pattern: '"); at != std::string::npos; at = yaml.find("pattern: '", at + 1)) {
    const std::size_t close = yaml.find('\'', at + 10);
    REQUIRE(close != std::string::npos);
    yaml.insert(close, "\\Q\\E");
    ++rewritten;
  }
  REQUIRE(rewritten > 10);
  for (const std::string list : {"not_in_unit: [", "soft_separators: [", "glue_starts: ["}) {
    const std::size_t at = yaml.find(list);
    REQUIRE(at != std::string::npos);
    yaml.insert(at + list.size(), list[0] == 'n' ? "'#', " : "' ', ");
  }
  plancmp::ExtractOptions general;
  general.grammar = plancmp::Grammar::from_files({{"units.yaml", yaml}}, "g");
  for (const char* set : {"notes", "roles"})
    for (const plancmp::PatternRule& r : general.grammar->impl().rule_set("units.yaml", set).rules) {
      CAPTURE(r.id);
      CHECK(plancmp::units::opening_literal(*r.re).empty());
      CHECK_FALSE(plancmp::units::ends_at_text_end(*r.re));
    }
  std::size_t plans = 0, units = 0;
  auto compare = [&](const std::string& bytes, const std::string& name) {
    const plancmp::Document fast = plancmp::extract_bytes(bytes, name);
    const plancmp::Document plain = plancmp::extract_bytes(bytes, name, general);
    CAPTURE(name);
    CHECK(plancmp::to_yaml(fast) == plancmp::to_yaml(plain));
    for (const plancmp::Clause& c : fast.clauses) units += c.lead.size() + c.support.size();
    ++plans;
  };
  for (const auto& f : plancmp_test::sample_plan_files()) compare(plancmp_test::slurp(f), f.filename().string());
  // Generated plans: clauses whose notes list names (with and without a
  // place first, glued, parenthesised, or after a sentence) joined by every
  // kind of separator, before or after every kind of keyword.
  const char* const names[] = {"市发改委", "财政局", "县(市、区)人民政府", "发改局", "市生态环境局市水利局",
                               "高新区管委会", "各乡镇", "达到90%以上市住建局", "要求发改局", "市委办", "A公司"};
  const char* const seps[] = {"、", ",", ";", "及", "和", "以及", "会同", " ", ""};
  const char* const before[] = {"牵头单位:", "配合单位:", "责任单位】", ""};
  const char* const after[] = {"牵头", "配合", "负责", "按职责分工负责", "牵头负责", "等按职责分工负责", "负责落实,下同",
                               "参与", ""};
  const char* const brackets[][2] = {{"(", ")"}, {"〔", "〕"}, {"【", "】"}, {"", ""}, {"。", ""}};
  plancmp_test::Lcg rng{20261130};
  for (int p = 0; p < 60; ++p) {
    std::string plan = "某县环境整治方案\n一、重点任务\n";
    for (int c = 1; c <= 6; ++c) {
      plan += "(" + std::to_string(c) + ")加强治理。推进工作";
      for (unsigned notes = 1 + rng.next(2); notes > 0; --notes) {
        const auto& br = brackets[rng.next(std::size(brackets))];
        std::string list = before[rng.next(std::size(before))];
        for (unsigned n = 1 + rng.next(4); n > 0; --n) {
          list += names[rng.next(std::size(names))];
          if (n > 1) list += seps[rng.next(std::size(seps))];
        }
        plan += std::string(br[0]) + list + after[rng.next(std::size(after))] + br[1];
      }
      plan += "\n";
    }
    compare(plan, "generated-" + std::to_string(p) + ".txt");
  }
  CHECK(plans > 80);
  CHECK(units > 400);
}
