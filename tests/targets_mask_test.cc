// The not_targets mask (src/targets_mask.h): scanned only around the spans
// asked about, it must agree there with a scan of the whole text.
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <tuple>
#include <utility>
#include <string>
#include <vector>

#include "grammar_internal.h"
#include "plancmp/grammar.h"
#include "plancmp/normalize.h"
#include "targets_mask.h"
#include "test_support.h"

using namespace plancmp;

namespace {

// The built-in grammar with `rules` (YAML list items) first in targets.yaml's
// not_targets.
std::shared_ptr<const Grammar> with_not_targets(const std::string& rules) {
  std::string yaml = builtin_grammar_files().at("targets.yaml");
  const std::string from = "  not_targets:\n";
  const std::size_t at = yaml.find(from);
  REQUIRE(at != std::string::npos);
  yaml.insert(at + from.size(), rules);
  return Grammar::from_files({{"targets.yaml", yaml}});
}

// The next span to ask about after `at`: it starts up to `gap` bytes on and
// holds 1 to `length` + 1 bytes, both ends moved to character starts (as
// segments' are). A start at the text's end means none is left.
std::pair<std::size_t, std::size_t> next_span(const std::string& text, std::size_t at, plancmp_test::Lcg& rng,
                                              unsigned gap, unsigned length) {
  auto to_char_start = [&](std::size_t k) {
    while (k < text.size() && (static_cast<unsigned char>(text[k]) & 0xC0) == 0x80) ++k;
    return k;
  };
  at = to_char_start(at + rng.next(gap));
  const std::size_t end = to_char_start(std::min(text.size(), at + 1 + rng.next(length)));
  return {at, end};
}

// Asks the lazy mask about spans of `text` (in order, from `rng`) and checks
// each byte of them against the mask built by scanning everything.
void check_lazy_like_eager(const RuleSet& rules, const std::string& text, plancmp_test::Lcg& rng,
                           std::size_t& scanned, std::size_t& asked) {
  const NotTargetScan scan(rules);
  const NotTargetMask eager(rules, scan, text, /*lazy=*/false);
  NotTargetMask lazy(rules, scan, text, /*lazy=*/true);
  // The literals found by find_literal alone: the same marks.
  const NotTargetMask plain(rules, scan, text, /*lazy=*/false, /*pair_scan=*/false);
  for (std::size_t i = 0; i < text.size(); ++i) {
    CAPTURE(i);
    REQUIRE(plain.masked(i, i + 1) == eager.masked(i, i + 1));
  }
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = 0;
    std::tie(at, end) = next_span(text, at, rng, 200, 60);
    if (at >= text.size()) break;
    lazy.prepare(at, end);
    asked += end - at;
    for (std::size_t i = at; i < end; ++i) {
      CAPTURE(i);
      REQUIRE(lazy.masked(i, i + 1) == eager.masked(i, i + 1));
    }
    at = end;
  }
  scanned += lazy.scanned_bytes();
}

std::string random_text(plancmp_test::Lcg& rng, const std::vector<std::string>& pieces, int n) {
  std::string s;
  for (int k = 0; k < n; ++k) s += pieces[rng.next(static_cast<unsigned>(pieces.size()))];
  return s;
}

}  // namespace

TEST_CASE("not_targets mask: lazy scanning agrees with a whole-text scan") {
  const Grammar::Impl& g = Grammar::builtin()->impl();
  const RuleSet& rules = g.rule_set("targets.yaml", "not_targets");
  const NotTargetScan scan(rules);
  REQUIRE(!scan.per_rule);
  REQUIRE(scan.alphabet.has_value());  // the built-in rules are read: the lazy path runs
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  // 《 of not.book-title is found by the pair scan, which the checks below
  // compare with find_literal's.
  if (__builtin_cpu_supports("avx2")) REQUIRE((!scan.literal_pairs.empty() && scan.literal_pairs.front() != nullptr));
#endif
  plancmp_test::Lcg rng{3};
  std::size_t scanned = 0, asked = 0, total = 0;
  for (const auto& entry : std::filesystem::directory_iterator(PLANCMP_SOURCE_DIR "/corpus")) {
    const std::string text = NormalizedText::build(plancmp_test::slurp(entry.path())).text();
    check_lazy_like_eager(rules, text, rng, scanned, asked);
    total += text.size();
  }
  CHECK(scanned < total / 2);  // it did skip most of the text
  // Text dense with the rules' characters, matches across lines and spans
  // asked about in the middle of a match.
  const std::vector<std::string> pieces = {"2021", "〕", "〔", "[", "]", "(", ")", "号", "\n", " ", "40", "国",
                                           "六", "b", "G", "5", "+", "N", "个", "百分之百", "100%", "的", "工作",
                                           "PM", "pm", "2.5", "O3", "SO2", "《", "》", "标题", "森林", ",", "。",
                                           "19", "1"};
  for (int t = 0; t < 200; ++t) check_lazy_like_eager(rules, random_text(rng, pieces, 300), rng, scanned, asked);
}

TEST_CASE("not_targets mask: rules that match across lines and long runs") {
  // A user grammar whose rule spans lines and runs of digits of any length.
  const auto grammar = with_not_targets("    - id: not.test-run\n"
                                        "      pattern: '\\d[\\d\\s]*号|[甲乙]\\s+[甲乙]'\n");
  const RuleSet& rules = grammar->impl().rule_set("targets.yaml", "not_targets");
  REQUIRE(NotTargetScan(rules).alphabet.has_value());  // a rule of the alternation
  plancmp_test::Lcg rng{5};
  std::size_t scanned = 0, asked = 0;
  const std::vector<std::string> pieces = {"1", "2", "\n", " ", "号", "甲", "乙", "森林", "〕", "2021", "PM"};
  for (int t = 0; t < 300; ++t) check_lazy_like_eager(rules, random_text(rng, pieces, 200), rng, scanned, asked);
  // A long run of the alphabet's characters is scanned once, not per span.
  const std::string digits(100000, '7');
  const NotTargetScan scan(rules);
  NotTargetMask lazy(rules, scan, digits);
  for (std::size_t b = 0; b + 10 < digits.size(); b += 1000) lazy.prepare(b, b + 10);
  CHECK(lazy.scanned_bytes() <= digits.size());
}

TEST_CASE("not_targets mask: rules the pattern reading refuses are scanned whole") {
  const auto grammar = with_not_targets("    - id: not.test-any\n"
                                        "      pattern: '\\d.号'\n");
  const RuleSet& rules = grammar->impl().rule_set("targets.yaml", "not_targets");
  const NotTargetScan scan(rules);
  CHECK(!scan.alphabet.has_value());
  const std::string text = "森林覆盖率1x号达到60%,2021〕40号";
  NotTargetMask mask(rules, scan, text);
  mask.prepare(0, 3);
  CHECK(mask.masked(text.find("1x号"), text.find("1x号") + 1));
  CHECK(mask.masked(text.find("2021"), text.find("2021") + 1));
  CHECK(!mask.masked(text.find("60"), text.find("60") + 1));
}

TEST_CASE("NotTargetMask: marked spans answer masked() and all_masked() for every span, as a byte-per-byte list does") {
  const RuleSet none;  // no rules: only what mark() marks
  const NotTargetScan scan(none);
  plancmp_test::Lcg rng{29};
  for (int round = 0; round < 40; ++round) {
    const std::string text(1 + rng.next(400), 'x');
    NotTargetMask mask(none, scan, text);
    std::vector<bool> want(text.size() + 1, false);
    for (unsigned n = rng.next(6); n > 0; --n) {
      const std::size_t b = rng.next(static_cast<unsigned>(text.size() + 1));
      const std::size_t e = std::min(text.size() + 1, b + rng.next(150));
      mask.mark(b, e);
      for (std::size_t i = b; i < e; ++i) want[i] = true;
    }
    for (int probe = 0; probe < 300; ++probe) {
      const std::size_t b = rng.next(static_cast<unsigned>(text.size() + 1));
      const std::size_t e = std::min(text.size() + 1, b + rng.next(200));
      bool expected = false, all = true;
      for (std::size_t i = b; i < e; ++i) {
        expected = expected || want[i];
        all = all && want[i];
      }
      CAPTURE(b);
      CAPTURE(e);
      CHECK(mask.masked(b, e) == expected);
      CHECK(mask.all_masked(b, e) == all);
    }
  }
}

// Rules are sorted into the literal path (a literal of three bytes or more
// opens every match) or the alternation by their StartTest, whose literal is
// read from the pattern: whichever path a rule takes, the mask must be what
// scanning each rule alone over the whole text gives (per_rule).
TEST_CASE("not_targets mask: the literal and alternation paths mark what a scan per rule marks") {
  const auto grammar = with_not_targets("    - id: not.test-repeat\n"
                                        "      pattern: 'a{3}x\\d'\n"
                                        "    - id: not.test-short\n"
                                        "      pattern: 'ab\\d+'\n"
                                        "    - id: not.test-long\n"
                                        "      pattern: '号码\\d{2}'\n"
                                        "    - id: not.test-either\n"
                                        "      pattern: '(?:编号|编码)\\d'\n"
                                        "    - id: not.test-plus\n"
                                        "      pattern: 'x+y\\d'\n");
  const RuleSet& rules = grammar->impl().rule_set("targets.yaml", "not_targets");
  const NotTargetScan scan(rules);
  REQUIRE(!scan.per_rule);
  CHECK(!scan.by_literal.empty());
  CHECK(!scan.by_alternation.empty());
  NotTargetScan plain(rules);
  plain.per_rule = true;
  const std::vector<std::string> pieces = {"a", "aa", "aaa", "x", "xx", "y", "b", "1", "23", "号码", "号", "编号",
                                           "编码", "编", "〔2021〕", "5", "号", "《", "》", " ", "\n", "PM"};
  plancmp_test::Lcg rng{31};
  std::size_t marked = 0;
  for (int t = 0; t < 200; ++t) {
    const std::string text = random_text(rng, pieces, 150);
    const NotTargetMask want(rules, plain, text, /*lazy=*/false);
    const NotTargetMask eager(rules, scan, text, /*lazy=*/false);
    NotTargetMask lazy(rules, scan, text, /*lazy=*/true);
    lazy.prepare(0, text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
      CAPTURE(i);
      REQUIRE(eager.masked(i, i + 1) == want.masked(i, i + 1));
      REQUIRE(lazy.masked(i, i + 1) == want.masked(i, i + 1));
      marked += want.masked(i, i + 1);
    }
  }
  CHECK(marked > 1000);
}

// A literal's rule whose matches are short (their reach read from the
// pattern) runs only where a match could reach a span asked about, or could
// hide the next occurrence: what it marks in the spans is what running it at
// every occurrence marks, also for occurrences inside another's match and
// for spans asked out of order.
TEST_CASE("not_targets mask: a literal's rule run only near the spans asked about marks what it marks everywhere") {
  const auto grammar = with_not_targets("    - id: not.test-code\n"
                                        "      pattern: '号码[\\d号码]{0,3}'\n");
  const RuleSet& rules = grammar->impl().rule_set("targets.yaml", "not_targets");
  const NotTargetScan scan(rules);
  REQUIRE(!scan.per_rule);
  REQUIRE(scan.literal_reach.size() == scan.by_literal.size());
  bool short_reach = false;
  for (std::size_t k = 0; k < scan.by_literal.size(); ++k) {
    CHECK(scan.literal_reach[k] > 0);
    if (scan.by_literal[k].second == "号码") short_reach = scan.literal_reach[k] > 0 && scan.literal_reach[k] <= 6 * 4;
  }
  CHECK(short_reach);
  const std::vector<std::string> pieces = {"号码", "号", "码", "1", "23", "森林覆盖率达到", "《", "》", "标题", ",", "\n", "2021", "〕",
                                           "森林", "比例", "以上"};
  plancmp_test::Lcg rng{43};
  std::size_t lazy_runs = 0, eager_runs = 0;
  for (int t = 0; t < 300; ++t) {
    const std::string text = random_text(rng, pieces, 120);
    const NotTargetMask eager(rules, scan, text, /*lazy=*/false);
    NotTargetMask lazy(rules, scan, text, /*lazy=*/true);
    const bool backwards = t % 10 == 9;  // one span then an earlier one: everything
    std::size_t at = backwards ? text.size() / 2 : 0;
    while (at < text.size()) {
      std::size_t end = 0;
      std::tie(at, end) = next_span(text, at, rng, 150, 30);
      if (at >= text.size()) break;
      lazy.cover(at, end);
      lazy.prepare(at, end);
      for (std::size_t i = at; i < end; ++i) {
        CAPTURE(i);
        REQUIRE(lazy.masked(i, i + 1) == eager.masked(i, i + 1));
      }
      if (backwards) {
        lazy.prepare(0, text.size());
        for (std::size_t i = 0; i < text.size(); ++i) {
          CAPTURE(i);
          REQUIRE(lazy.masked(i, i + 1) == eager.masked(i, i + 1));
        }
        break;
      }
      at = end;
    }
    if (backwards) continue;
    lazy_runs += lazy.literal_runs();
    eager_runs += eager.literal_runs();
  }
  CHECK(lazy_runs < eager_runs * 3 / 4);  // many occurrences were passed over
}
