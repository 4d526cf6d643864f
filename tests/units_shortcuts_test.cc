// The units stage's per-document shortcuts against their general paths:
// the hash tables of names and pieces (src/units_names.h), WordFinder
// against RequiredWords (src/units_patterns.h), and the whole stage with
// the piece memo and the lazy tails on and off (src/units_testing.h).
#include <doctest/doctest.h>

#include <filesystem>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "grammar_internal.h"
#include "plancmp/grammar.h"
#include "plancmp/output.h"
#include "plancmp/pipeline.h"
#include "regex_shortcuts.h"
#include "test_support.h"
#include "units_names.h"
#include "units_patterns.h"
#include "units_testing.h"

namespace {

// Random text from tokens: CJK words the rules look for, punctuation, and
// bytes that are not whole characters.
std::string random_text(plancmp_test::Lcg& rng, unsigned max_tokens) {
  const char* const tokens[] = {"市", "局", "、", ",", ";", ":", "。", "牵头", "负责", "落实", "配合", "单位", "部门",
                                "按职责分工负责", "各", "下同", "以下", "参与", "(", ")", "〔", "〕", "【", "】", "[",
                                "]", "[牵头单位]", "【责任单位】", "a", " ", "\n", "é", "𠀀", "\xE4", "\xB8", "\xE5\x8D",
                                "\x95", "\xE9\x83"};
  std::string t;
  for (unsigned n = rng.next(max_tokens); n > 0; --n) t += tokens[rng.next(std::size(tokens))];
  return t;
}

// The built-in units.yaml with a tail rule whose match may end with a
// bracketed aside ("X负责(Y牵头)"): its body stops before the aside, which is
// a note of its own.
std::shared_ptr<const plancmp::Grammar> units_with_aside_tail() {
  std::string yaml = plancmp::builtin_grammar_files().at("units.yaml");
  const std::string tail = "'(?P<body>[^。!?\\n]+?)[\\s)〕】。;,]*$'";
  const std::size_t at = yaml.find(tail);
  REQUIRE(at != std::string::npos);
  yaml.replace(at, tail.size(), "'(?P<body>[^。!?\\n]+?)(?:\\([^()\\n]*\\))?[\\s)〕】。;,]*$'");
  return plancmp::Grammar::from_files({{"units.yaml", yaml}}, "g");
}

}  // namespace

TEST_CASE("NameSet holds exactly the names it was given") {
  plancmp_test::Lcg rng{20261201};
  for (int round = 0; round < 50; ++round) {
    std::vector<std::string> texts;
    for (unsigned n = rng.next(60); n > 0; --n) texts.push_back(random_text(rng, 4));
    std::vector<std::string_view> names;
    std::set<std::string> want;
    for (std::size_t i = 0; i < texts.size(); i += 2) {
      names.push_back(texts[i]);
      want.insert(texts[i]);
    }
    plancmp::units::NameSet set;
    set.assign(names);
    for (const std::string& t : texts) {
      CAPTURE(t);
      CHECK(set.contains(t) == (want.count(t) > 0));
    }
    CHECK_FALSE(set.contains("not a name at all, and longer than every name"));
  }
  plancmp::units::NameSet empty;
  CHECK_FALSE(empty.contains(""));
  empty.assign({std::string_view()});
  CHECK(empty.contains(""));  // an empty name is a name
}

TEST_CASE("TextMap finds what was added under equal text, across growth") {
  plancmp_test::Lcg rng{20261202};
  std::vector<std::string> texts;
  for (int n = 0; n < 2000; ++n) texts.push_back(random_text(rng, 6));
  plancmp::units::TextMap<int> map;
  std::map<std::string, int> want;
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (want.count(texts[i])) continue;
    want[texts[i]] = static_cast<int>(i);
    map.add(texts[i], static_cast<int>(i));
  }
  CHECK(map.size() == want.size());
  for (const std::string& t : texts) {
    const std::string copy = t;  // another view of equal text
    const int* got = map.find(copy);
    REQUIRE(got != nullptr);
    CHECK(*got == want[t]);
  }
  CHECK(map.find("absent, surely") == nullptr);
}

TEST_CASE("WordFinder answers as RequiredWords does, on plans and on random bytes, vector scan on and off") {
  const plancmp::Grammar::Impl& g = plancmp::Grammar::builtin()->impl();
  std::vector<std::vector<const RE2*>> lists;
  for (const char* set : {"notes", "roles"}) lists.push_back(g.rule_set("units.yaml", set).regexes());
  // A word of one byte and words that start with two- and four-byte
  // characters (found by find(), not by their first character).
  RE2 ascii("x[ab]yz"), latin("éa+b"), astral("𠀀c|𠀀d"), han("(?:牵头|主办)(?:单位|部门)");
  lists.push_back({&ascii, &latin, &astral, &han});
  std::vector<std::string> texts;
  for (const auto& f : std::filesystem::directory_iterator(std::string(PLANCMP_SOURCE_DIR) + "/corpus"))
    texts.push_back(plancmp_test::slurp(f.path()));
  plancmp_test::Lcg rng{20261203};
  for (int n = 0; n < 300; ++n) texts.push_back(random_text(rng, 40) + "xayz" + random_text(rng, 10) + "éaab");
  // Characters whose last two bytes are a first character's (牵 U+7275,
  // 负 U+8D1F), which WordFinder's bitmap of low bits lets through.
  const char* const siblings[] = {"䉵头", "創头单位", "扵", "艵头", "崟责", "鴟责", "牵头", "负责", "、"};
  for (int n = 0; n < 100; ++n) {
    std::string t;
    for (int k = 0; k < 30; ++k) t += siblings[rng.next(std::size(siblings))];
    texts.push_back(t);
  }
  std::size_t some = 0;
  for (const auto& rules : lists) {
    const auto required = plancmp::RequiredWords::build(rules);
    const plancmp::units::WordFinder finder(*required);
    for (const std::string& text : texts)
      for (int k = 0; k < 40; ++k) {
        const std::size_t b = rng.next(static_cast<unsigned>(text.size() + 1));
        const std::size_t e = b + rng.next(static_cast<unsigned>(std::min<std::size_t>(text.size() - b, 400) + 1));
        const std::string_view span(text.data() + b, e - b);
        const std::uint64_t want = required->may_match(span);
        CAPTURE(span);
        // Vector scan on and off; on the span alone and reading past its
        // end (the scan's last block masked).
        for (const bool vector : {true, false}) {
          plancmp::units::WordFinder::use_vector(vector);
          REQUIRE(finder.may_match(span) == want);
          REQUIRE(finder.may_match(text, b, e) == want);
        }
        some += want != required->always();
      }
  }
  plancmp::units::WordFinder::use_vector(true);
  CHECK(some > 1000);
}

TEST_CASE("RequiredWords' hits answer as may_match does on every span, with and without the first clauses' words") {
  const plancmp::Grammar::Impl& g = plancmp::Grammar::builtin()->impl();
  std::vector<std::vector<const RE2*>> lists;
  for (const char* set : {"notes", "roles"}) lists.push_back(g.rule_set("units.yaml", set).regexes());
  // Two clauses each ("[x" or "【x", and "单位" or "部门"), one found by
  // find() and one by its first character; and more first characters than
  // the memchr scan takes (the other path).
  RE2 label("[\\[【](?:牵头|配合)(?:单位|部门)"), ascii("x[ab]yz"), other("a(?:bc|de)f");
  lists.push_back({&label, &ascii, &other});
  std::vector<const RE2*> many;
  std::vector<std::unique_ptr<RE2>> owned;
  for (const char* p : {"一(?:二|三)", "四五", "六七", "八九", "十百", "千万", "亿兆", "甲乙", "丙丁", "戊己(?:庚|辛)"}) {
    owned.push_back(std::make_unique<RE2>(p));
    many.push_back(owned.back().get());
  }
  many.push_back(&label);
  lists.push_back(many);
  std::vector<std::string> texts;
  for (const auto& f : std::filesystem::directory_iterator(std::string(PLANCMP_SOURCE_DIR) + "/corpus"))
    texts.push_back(plancmp_test::slurp(f.path()));
  plancmp_test::Lcg rng{20261205};
  const char* const tokens[] = {"[", "【", "牵头", "配合", "单位", "部门", "x", "a", "b", "yz", "bc", "f", "一", "二三",
                                "四五", "六", "七八九", "十百千万", "亿兆", "甲乙丙丁", "戊己", "庚", "。", "市"};
  for (int n = 0; n < 400; ++n) {
    std::string t;
    for (unsigned k = rng.next(60); k > 0; --k) t += tokens[rng.next(std::size(tokens))];
    texts.push_back(t);
  }
  std::size_t some = 0;
  for (const auto& rules : lists) {
    const auto required = plancmp::RequiredWords::build(rules);
    for (const std::string& text : texts) {
      const plancmp::RequiredWords::Hits hits = required->hits(text);
      for (int k = 0; k < 40; ++k) {
        const std::size_t b = rng.next(static_cast<unsigned>(text.size() + 1));
        const std::size_t e = b + rng.next(static_cast<unsigned>(std::min<std::size_t>(text.size() - b, 400) + 1));
        const std::uint64_t want = required->may_match(std::string_view(text).substr(b, e - b));
        CAPTURE(text.substr(b, e - b));
        REQUIRE(hits.may_match(b, e) == want);
        some += want != required->always();
      }
      REQUIRE(hits.may_match(0, text.size()) == required->may_match(text));
      // The memchr path (no pair scan) answers the same.
      const plancmp::RequiredWords::Hits plain = required->hits(text, /*pair_scan=*/false);
      for (int k = 0; k < 20; ++k) {
        const std::size_t b = rng.next(static_cast<unsigned>(text.size() + 1));
        const std::size_t e = b + rng.next(static_cast<unsigned>(text.size() - b + 1));
        REQUIRE(plain.may_match(b, e) == hits.may_match(b, e));
      }
    }
  }
  CHECK(some > 1000);
}

TEST_CASE("with the units shortcuts off (no piece memo, no lazy tails), the plans' units are the same") {
  std::size_t plans = 0, units = 0;
  auto compare = [&](const std::string& bytes, const std::string& name) {
    plancmp::units::use_shortcuts(false);
    const plancmp::Document plain = plancmp::extract_bytes(bytes, name);
    plancmp::units::use_shortcuts(true);
    const plancmp::Document fast = plancmp::extract_bytes(bytes, name);
    CAPTURE(name);
    CHECK(plancmp::to_yaml(fast) == plancmp::to_yaml(plain));
    for (const plancmp::Clause& c : fast.clauses) units += c.lead.size() + c.support.size();
    units += fast.implementers.size() + fast.units.size();
    ++plans;
  };
  for (const auto& f : plancmp_test::sample_plan_files()) compare(plancmp_test::slurp(f), f.filename().string());
  // A name read whole where it stands after a bracket, but trimmed to the
  // part that starts like a unit after a sentence: a piece reads by its
  // text and by what stands to its left.
  compare("某县方案\n一、任务\n(1)加强治理〔中心城区管理委员会负责〕\n(2)推进〔推进治理工作,中心城区管理委员会负责〕\n",
          "weak-after-strong.txt");
  compare("某县方案\n一、任务\n(1)推进〔推进治理工作,中心城区管理委员会负责〕\n(2)加强治理〔中心城区管理委员会负责〕\n",
          "strong-after-weak.txt");
  // Generated plans: the same names over and over, in every place a piece
  // can stand (after a sentence, a label, a separator; before every
  // keyword), in brackets or as the tail of an item, and tails that a
  // bracket note covers or that hold no keyword at all.
  const char* const names[] = {"市发改委", "财政局", "县(市、区)人民政府", "发改局", "市生态环境局市水利局",
                               "高新区管委会", "各乡镇", "达到90%以上市住建局", "要求发改局", "市委办", "生态环境局",
                               "生态环境保护委员会", "中心城区管理委员会"};
  const char* const seps[] = {"、", ",", ";", "及", "和", " ", ""};
  const char* const before[] = {"牵头单位:", "配合单位:", "责任单位】", "", "推进治理工作,"};
  const char* const after[] = {"牵头", "配合", "负责", "按职责分工负责", "牵头负责", "负责落实,下同", "参与", ""};
  const char* const brackets[][2] = {{"(", ")"}, {"〔", "〕"}, {"【", "】"}, {"", ""}, {"。", ""}, {"(", ""}};
  plancmp_test::Lcg rng{20261204};
  for (int p = 0; p < 60; ++p) {
    std::string plan = "某县环境整治方案\n一、重点任务\n";
    for (int c = 1; c <= 8; ++c) {
      plan += "(" + std::to_string(c) + ")加强治理。推进工作";
      for (unsigned notes = rng.next(3); notes > 0; --notes) {
        const auto& br = brackets[rng.next(std::size(brackets))];
        std::string list = before[rng.next(std::size(before))];
        for (unsigned n = 1 + rng.next(4); n > 0; --n) {
          list += names[rng.next(std::size(names))];
          if (n > 1) list += seps[rng.next(std::size(seps))];
        }
        plan += std::string(br[0]) + list + after[rng.next(std::size(after))] + br[1];
      }
      if (rng.next(3) == 0) plan += "。全面提升治理水平";  // a tail with no keyword
      plan += "\n";
    }
    compare(plan, "generated-" + std::to_string(p) + ".txt");
  }
  CHECK(plans > 80);
  CHECK(units > 400);
}

TEST_CASE("a tail whose match, not body, overlaps a bracket note read before it is read with the shortcuts as without") {
  // A tail rule whose match may end with a bracketed aside: the aside is a
  // note of its own ("(Y牵头)"), and the tail's body ("X负责") stops before it.
  plancmp::ExtractOptions options;
  options.grammar = units_with_aside_tail();
  const std::string plan = "某县方案\n一、任务\n(1)加强治理。市水利局负责(市林业局牵头)\n(2)推进工作。市财政局配合(县政府牵头)\n";
  plancmp::units::use_shortcuts(false);
  const plancmp::Document plain = plancmp::extract_bytes(plan, "aside.txt", options);
  plancmp::units::use_shortcuts(true);
  const plancmp::Document fast = plancmp::extract_bytes(plan, "aside.txt", options);
  CHECK(plancmp::to_yaml(fast) == plancmp::to_yaml(plain));
  std::size_t leads = 0;
  for (const plancmp::Clause& c : fast.clauses) leads += c.lead.size();
  CHECK(leads >= 3);  // the tails' units and the asides'
}

TEST_CASE("tails of short segments, searched only when role words are in them, read as without the shortcuts") {
  // Random segments, short and long, with and without role keywords, after
  // numbered items and bracket notes: a tail left unsearched must be one
  // that is never read.
  plancmp_test::Lcg rng{20261123};
  const char* const tails[] = {"市水利局负责", "各县政府负责落实", "推进治理", "牵头单位:市财政局", "(市林业局牵头)",
                               "市发改委牵头,市财政局配合", "。", ""};
  std::size_t units = 0, plans = 0;
  for (int p = 0; p < 150; ++p) {
    std::string plan = "某县方案\n一、任务\n";
    for (int c = 1; c <= 6; ++c) {
      plan += "(" + std::to_string(c) + ")";
      // Lengths on both sides of the deferred segments' bound.
      for (unsigned k = rng.next(4); k > 0; --k) plan += random_text(rng, 30);
      plan += tails[rng.next(std::size(tails))];
      if (rng.next(2) == 0) plan += random_text(rng, 8);
      plan += tails[rng.next(std::size(tails))];
      plan += "\n";
    }
    plancmp::units::use_shortcuts(false);
    const plancmp::Document plain = plancmp::extract_bytes(plan, "tails.txt");
    plancmp::units::use_shortcuts(true);
    const plancmp::Document fast = plancmp::extract_bytes(plan, "tails.txt");
    CAPTURE(plan);
    REQUIRE(plancmp::to_yaml(fast) == plancmp::to_yaml(plain));
    for (const plancmp::Clause& c : fast.clauses) units += c.lead.size() + c.support.size();
    units += fast.implementers.size() + fast.units.size();
    ++plans;
  }
  CHECK(plans == 150);
  CHECK(units > 100);
}

TEST_CASE("find_opening finds what std::string_view::find finds, from every place") {
  // Texts of bytes that share an opening's first, middle or last byte, so
  // that near misses fall inside and across the sixteen-byte blocks.
  const std::vector<std::string> literals = {"【", "〔", "(", "ab", "a\xE3", "、(", "\xE3\x80", "【】", "", "aaaa"};
  const std::vector<std::string> tokens = {"【", "〔", "、", "。", "\xE3", "\x80", "\x90", "a", "b", "(", "中", "】"};
  plancmp_test::Lcg rng{17};
  int found = 0;
  for (int n = 0; n < 400; ++n) {
    std::string text;
    for (unsigned k = rng.next(40); k > 0; --k) text += tokens[rng.next(static_cast<unsigned>(tokens.size()))];
    for (const std::string& literal : literals)
      for (std::size_t from = 0; from <= text.size() + 1; ++from) {
        const std::size_t want = std::string_view(text).find(literal, from);
        CHECK(plancmp::units::find_opening(text, literal, from) == want);
        found += want != std::string_view::npos && !literal.empty();
      }
  }
  CHECK(found > 1000);  // (the texts do hold the literals)
}

TEST_CASE("bracket notes found from their opening literal alone read as the plain leftmost search finds them") {
  // Openings without their closing, nested and overlong insertions, and
  // notes after them in the same segment: a note rule with an opening
  // literal is tried anchored at each opening, never searched unanchored.
  plancmp_test::Lcg rng{20261124};
  const char* const pieces[] = {"(", ")", "〔", "〕", "【", "】", "(市林业局牵头)", "〔市水利局负责〕", "(各县(市、区)政府落实)",
                                "(牵头单位:市财政局", "市发改委牵头,市财政局配合", "按职责分工负责", "。", ";", "\n"};
  std::size_t units = 0, quotes = 0;
  for (int p = 0; p < 200; ++p) {
    std::string plan = "某县方案\n一、任务\n";
    for (int c = 1; c <= 5; ++c) {
      plan += "(" + std::to_string(c) + ")";
      for (unsigned k = 1 + rng.next(8); k > 0; --k)
        plan += rng.next(3) == 0 ? random_text(rng, 6) : pieces[rng.next(std::size(pieces))];
      plan += "\n";
    }
    plancmp::units::use_shortcuts(false);
    const plancmp::Document plain = plancmp::extract_bytes(plan, "brackets.txt");
    plancmp::units::use_shortcuts(true);
    const plancmp::Document fast = plancmp::extract_bytes(plan, "brackets.txt");
    CAPTURE(plan);
    REQUIRE(plancmp::to_yaml(fast) == plancmp::to_yaml(plain));
    for (const plancmp::Clause& c : fast.clauses) {
      units += c.lead.size() + c.support.size();
      quotes += !c.units_quote.empty();
    }
    units += fast.implementers.size() + fast.units.size();
  }
  CHECK(units > 200);
  CHECK(quotes > 100);
}

// may_match_empty reads negated classes as \C: the answer must be RE2's on
// the pattern as written, for patterns that can and cannot match "".
TEST_CASE("may_match_empty agrees with RE2 on random patterns") {
  plancmp_test::Lcg rng{20261123};
  const char* const atoms[] = {"a", "中", "[^a]", "[^()\\n]", "[^》]", "[ab]", "\\d", "\\p{Han}", "(?:)",
                               "^", "$", "\\b", "\\s", "[^\\p{Han}年]", "(?P<g>", "(?:", "(", ")", ")", "|"};
  const char* const repeats[] = {"", "", "", "*", "+", "?", "{0,3}", "{1,2}", "*?", "+?", "{2}"};
  std::size_t empty = 0, checked = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string p;
    int names = 0;
    for (unsigned n = 1 + rng.next(6); n > 0; --n) {
      std::string a = atoms[rng.next(std::size(atoms))];
      if (a == "(?P<g>") a = "(?P<g" + std::to_string(names++) + ">";
      p += a;
      if (a != "(?P<g0>" && a.back() != '(' && a != "|" && a != "(?:" && a.find("(?P<") == std::string::npos)
        p += repeats[rng.next(std::size(repeats))];
    }
    RE2::Options options;
    options.set_log_errors(false);
    if (!RE2(p, options).ok()) continue;  // the helper is asked of groups of patterns that compiled
    CAPTURE(p);
    const RE2 plain("(?:" + p + ")", options);
    const bool expected = !plain.ok() || RE2::FullMatch("", plain);
    CHECK(plancmp::may_match_empty(p, options) == expected);
    ++checked;
    empty += expected;
  }
  CHECK(checked > 1000);
  CHECK(empty > 100);
  CHECK(checked - empty > 100);
}

TEST_CASE("shared_regex compiles each pattern and options once") {
  RE2::Options options;
  options.set_log_errors(false);
  const auto a = plancmp::shared_regex("(?:x[^y]+)$", options);
  CHECK(a->ok());
  CHECK(plancmp::shared_regex("(?:x[^y]+)$", options) == a);
  RE2::Options bare = options;
  bare.set_never_capture(true);
  CHECK(plancmp::shared_regex("(?:x[^y]+)$", bare) != a);
  CHECK(!plancmp::shared_regex("(", options)->ok());
}

TEST_CASE("named_group_text: the group's own text, or nothing where flags or a second opening could change it") {
  using plancmp::units::named_group_text;
  CHECK(named_group_text("(?P<units>[^;]+?)(?P<kw>牵头(?:负责|落实)?)(?:$|[,;])", "kw") == "(?P<kw>牵头(?:负责|落实)?)");
  CHECK(named_group_text("(?P<kw>(?:a|b)c)d", "kw") == "(?P<kw>(?:a|b)c)");
  CHECK(named_group_text("x(?P<kw>a)", "units").empty());
  CHECK(named_group_text("(?i)x(?P<kw>a)", "kw").empty());      // the flag reaches into the group
  CHECK(named_group_text("x(?P<kw>(?s:a.))", "kw").empty());
  CHECK(named_group_text("[(?P<kw>]x(?P<kw>a)", "kw").empty());  // which opening is the group's?
  CHECK(named_group_text("x(?P<kw>a", "kw").empty());
}

// 200 random plans of five clauses "(n)<head>…": each clause 1 to
// max_pieces of `pieces` (one in text_every a random text instead), half
// the time in brackets ("(" or the other pair), read with the units
// shortcuts off and on: the YAML must be the same. Returns the units found
// (callers require some, so the plans exercise the rules).
namespace {
template <std::size_t N>
std::size_t units_alike_with_shortcuts(plancmp_test::Lcg& rng, const char* const (&pieces)[N], const char* head,
                                       const char* other_open, const char* other_close, unsigned max_pieces,
                                       unsigned text_every, const char* name) {
  std::size_t units = 0;
  for (int p = 0; p < 200; ++p) {
    std::string plan = "某县方案\n一、任务\n";
    for (int c = 1; c <= 5; ++c) {
      plan += "(" + std::to_string(c) + ")" + head;
      const bool bracket = rng.next(2) == 0;
      if (bracket) plan += rng.next(2) == 0 ? "(" : other_open;
      for (unsigned k = 1 + rng.next(max_pieces); k > 0; --k)
        plan += rng.next(text_every) == 0 ? random_text(rng, 3) : pieces[rng.next(N)];
      if (bracket) plan += rng.next(2) == 0 ? ")" : other_close;
      plan += "\n";
    }
    plancmp::units::use_shortcuts(false);
    const plancmp::Document plain = plancmp::extract_bytes(plan, name);
    plancmp::units::use_shortcuts(true);
    const plancmp::Document fast = plancmp::extract_bytes(plan, name);
    CAPTURE(plan);
    REQUIRE(plancmp::to_yaml(fast) == plancmp::to_yaml(plain));
    for (const plancmp::Clause& c : fast.clauses) units += c.lead.size() + c.support.size();
    units += fast.implementers.size() + fast.units.size();
  }
  return units;
}
}  // namespace

TEST_CASE("role rules whose every keyword would overlap one kept before are not searched: the same units as searched") {
  // Labels ("牵头单位:") whose keyword holds another rule's keyword opening
  // ("牵头"), that opening again where no kept keyword is, and lists with
  // both: a rule is passed over only when no keyword of its fits outside
  // the keywords already kept, which the plain path finds by searching.
  plancmp_test::Lcg rng{20261125};
  const char* const pieces[] = {"牵头单位:", "牵头部门:", "配合单位:", "责任单位:", "市水利局", "县财政局", "、", ",", ";",
                                "牵头", "牵头负责", "配合", "负责", "按职责分工负责", "各县政府落实", "(市林业局牵头)", "。"};
  CHECK(units_alike_with_shortcuts(rng, pieces, "推进治理", "〔", "〕", 7, 5, "labels.txt") > 200);
}

TEST_CASE("tails of longer segments, left unsearched when a bracket note read before them covers them, read as without") {
  // Long segments (past the short ones' bound) that end in bracket notes,
  // with and without more text after them; with the built-in tail rule and
  // with one whose rest takes a bracketed aside (its body then stops before
  // the aside: the aside's note does not cover it, and the tail must be
  // searched and read).
  plancmp::ExtractOptions with_aside;
  with_aside.grammar = units_with_aside_tail();
  const plancmp::ExtractOptions builtin;
  plancmp_test::Lcg rng{20261124};
  const char* const notes[] = {"(市林业局牵头)", "(牵头单位:市财政局)", "〔市水利局、市林业局按职责分工负责〕",
                               "【责任单位:县政府】", "(一)", "(市发改委牵头,市财政局配合)"};
  const char* const ends[] = {"", "。", ")", "推进治理", "市水利局负责", ";", "。市财政局配合"};
  std::size_t units = 0;
  for (int p = 0; p < 120; ++p) {
    std::string plan = "某县方案\n一、任务\n";
    for (int c = 1; c <= 6; ++c) {
      plan += "(" + std::to_string(c) + ")加强生态环境保护和综合治理工作,推进重点流域水污染防治,强化监督管理。";
      for (unsigned k = rng.next(3); k > 0; --k) plan += random_text(rng, 20);
      if (rng.next(2) == 0) plan += "县水务局负责";
      plan += notes[rng.next(std::size(notes))];
      if (rng.next(3) == 0) plan += notes[rng.next(std::size(notes))];
      plan += ends[rng.next(std::size(ends))];
      plan += "\n";
    }
    const plancmp::ExtractOptions* const grammars[] = {&builtin, &with_aside};
    for (const plancmp::ExtractOptions* options : grammars) {
      plancmp::units::use_shortcuts(false);
      const plancmp::Document plain = plancmp::extract_bytes(plan, "covered.txt", *options);
      plancmp::units::use_shortcuts(true);
      const plancmp::Document fast = plancmp::extract_bytes(plan, "covered.txt", *options);
      CAPTURE(plan);
      REQUIRE(plancmp::to_yaml(fast) == plancmp::to_yaml(plain));
      for (const plancmp::Clause& c : fast.clauses) units += c.lead.size() + c.support.size();
    }
  }
  CHECK(units > 500);
}

TEST_CASE("role rules searched anchored where their matches can start find the plain search's leftmost matches") {
  // A role rule whose pattern tells where a match starts (a label's first
  // characters, or a character's first byte) is tried anchored at two such
  // places, then searched unanchored: bodies with those first characters in
  // other words ("主要", "参加", "负担"), labels after them, breakers and
  // bracketed names before keywords, several matches a body, and bytes that
  // are not whole characters.
  plancmp_test::Lcg rng{20261126};
  const char* const pieces[] = {"主要", "参加", "负担", "支援", "协调", "责令", "牵头单位:", "配合部门:", "主办单位",
                                "协同责任部门", "市水利局", "县财政局(含分局)", "、", ",", ";", ":", "牵头", "配合",
                                "负责", "按职责分工负责", "各县政府落实", "(市林业局牵头)", "。", " ", "\xE4\xB8", "下同"};
  CHECK(units_alike_with_shortcuts(rng, pieces, "推进", "【", "】", 9, 6, "starts.txt") > 200);
}
