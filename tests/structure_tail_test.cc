// structure_tail.h: a pattern whose matches end at the end of the text is
// looked for only after the last character none of its matches holds. The
// reading must find those characters only where it follows the pattern, and
// the search on what follows them must agree with RE2's on the whole text.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "structure_tail.h"

using plancmp::after_last_stop;
using plancmp::end_anchored_stops;

namespace {

std::vector<std::string> stops(const char* pattern) { return end_anchored_stops(RE2(pattern)); }

using Stops = std::vector<std::string>;

}  // namespace

TEST_CASE("end_anchored_stops reads the characters no match holds") {
  CHECK(stops("(牵头单位|责任单位|牵头[,，;；、])[^。]{0,80}$") == Stops{"。"});
  CHECK(stops("x[^。\\n]{0,3}$") == Stops{"。", "\n"});
  CHECK(stops("a.*$") == Stops{"\n"});
  CHECK(stops("(?:a|b)[^ab]$") == Stops{});        // a and b are held by the group
  CHECK(stops("[^a]x$") == Stops{"a"});
  CHECK(stops("[^a][^b]$") == Stops{});            // each class may hold the other's
  CHECK(stops("x[^。]\\$") == Stops{});            // an escaped $ is a character
  CHECK(stops("x[^。]\\\\$") == Stops{"。"});        // an escaped backslash, then the end
  CHECK(stops("\\\\[^。]$") == Stops{"。"});
  // Shapes it does not take: no end anchor, an alternative the $ does not
  // close, assertions about the start, flags, Unicode classes, wide classes.
  CHECK(stops("x[^。]") == Stops{});
  CHECK(stops("a|b[^。]$") == Stops{});
  CHECK(stops("^x[^。]$") == Stops{});
  CHECK(stops("\\bx[^。]$") == Stops{});
  CHECK(stops("(?i)x[^。]$") == Stops{});
  CHECK(stops("\\p{Han}[^。]$") == Stops{});
  CHECK(stops("x[^a-z]$") == Stops{});
  CHECK(stops("x[^。]{2$") == Stops{});
  CHECK(stops("x[^。]$$") == Stops{});
  CHECK(stops("(x[^。]$)") == Stops{});
  RE2::Options latin1;
  latin1.set_encoding(RE2::Options::EncodingLatin1);
  CHECK(end_anchored_stops(RE2("x[^y]$", latin1)) == Stops{});
}

TEST_CASE("after_last_stop cuts after the last stop") {
  const Stops s{"。", "\n"};
  CHECK(after_last_stop("甲。乙\n丙。丁", s) == "丁");
  CHECK(after_last_stop("甲乙", s) == "甲乙");
  CHECK(after_last_stop("甲。", s) == "");
  CHECK(after_last_stop("", s) == "");
  CHECK(after_last_stop("。。", Stops{}) == "。。");
}

TEST_CASE("a search after the last stop agrees with RE2 on the whole text") {
  const char* patterns[] = {
      "(按职责分工负责|分工负责|牵头负责|负责落实|牵头单位|责任单位|牵头[,，;；、]|配合单位)[^。]{0,80}$",
      "负责[^。\\n]{0,5}$",
      "(?P<w>牵头|配合)[^。;]*$",
      "单位.{0,3}$",
      "[^。]$",
  };
  const std::vector<std::string> pieces = {"牵头", "单位", "负责", "配合", "。", "\n", ";", "市", "局",
                                           "，", "、", "a", " ", "牵头单位", "按职责分工负责"};
  std::mt19937 rng(2026);
  for (const char* pattern : patterns) {
    const RE2 re(pattern);
    REQUIRE(re.ok());
    const Stops s = end_anchored_stops(re);
    CAPTURE(pattern);
    REQUIRE_FALSE(s.empty());
    for (int round = 0; round < 2000; ++round) {
      std::string text;
      const std::size_t n = rng() % 30;
      for (std::size_t k = 0; k < n; ++k) text += pieces[rng() % pieces.size()];
      CAPTURE(text);
      CHECK(RE2::PartialMatch(text, re) == RE2::PartialMatch(after_last_stop(text, s), re));
    }
  }
}

TEST_CASE("open_counted_repeats writes long counted repeats of one character open-ended") {
  using plancmp::open_counted_repeats;
  auto opened = [](const char* p) { return open_counted_repeats(p).pattern; };
  auto bound = [](const char* p) { return open_counted_repeats(p).bound; };
  CHECK(opened("(牵头单位|责任单位)[^。]{0,80}$") == "(牵头单位|责任单位)[^。]{0,}$");
  CHECK(bound("(牵头单位|责任单位)[^。]{0,80}$") == 80);
  CHECK(opened("a{2,30}?b.{16}\\d{3,20}") == "a{2,}?b.{16,}\\d{3,}");
  CHECK(bound("a{2,30}?b.{16}\\d{3,20}") == 16);
  CHECK(opened("\\p{Han}{1,40}") == "\\p{Han}{1,}");
  CHECK(opened("甲{0,99}") == "甲{0,}");
  // Short repeats, groups, assertions and open repeats stay as written.
  CHECK(opened("a{0,15}(ab){0,50}\\b{0,20}x{3,}") == "a{0,15}(ab){0,50}\\b{0,20}x{3,}");
  CHECK(bound("a{0,15}(ab){0,50}x{3,}") == std::string::npos);
  CHECK(opened("\\C{0,40}") == "\\C{0,40}");
  CHECK(opened("a{,40}") == "a{,40}");  // not a repeat: literal braces
  CHECK(opened("[{]{0,40}") == "[{]{0,}");
  CHECK(opened("\\Qa{0,40}\\E").empty());  // not followed
  CHECK(opened("[[:alpha:]]{0,40}").empty());
}

TEST_CASE("an opened pattern agrees with the pattern on short texts and holds its matches on any") {
  const char* patterns[] = {
      "(按职责分工负责|分工负责|牵头负责|负责落实|牵头单位|责任单位|牵头[,，;；、]|配合单位)[^。]{0,80}$",
      "负责[^。\\n]{0,16}$",
      "单位.{2,20}局",
      "^[^a]{16}$",
      "(?:牵头|配合)\\p{Han}{1,18}(?:局|委)",
      "a[^b]{0,17}?b{1,3}",
  };
  const std::vector<std::string> pieces = {"牵头", "单位", "负责", "配合", "。", "\n", ";", "市", "局", "委",
                                           "，", "、", "a", "b", " ", "牵头单位", "按职责分工负责"};
  std::mt19937 rng(7);
  for (const char* pattern : patterns) {
    const RE2 re(pattern);
    REQUIRE(re.ok());
    const plancmp::OpenedRepeats opened = plancmp::open_counted_repeats(pattern);
    CAPTURE(pattern);
    REQUIRE(opened.bound != std::string::npos);
    const RE2 loose(opened.pattern);
    REQUIRE(loose.ok());
    for (int round = 0; round < 3000; ++round) {
      std::string text;
      const std::size_t n = rng() % 40;
      for (std::size_t k = 0; k < n; ++k) text += pieces[rng() % pieces.size()];
      CAPTURE(text);
      const bool exact = RE2::PartialMatch(text, re), wide = RE2::PartialMatch(text, loose);
      if (exact) CHECK(wide);
      if (plancmp::utf8::length(text) <= opened.bound) CHECK(exact == wide);
    }
  }
}

TEST_CASE("required_words_of: its words stand in every text the pattern matches") {
  // structure.cc looks for these words in a paragraph's tail before it asks
  // RE2 about the task note: a tail without them must be one the note does
  // not match.
  const char* patterns[] = {
      "(按职责分工负责|分工负责|牵头负责|负责落实|牵头单位|责任单位|牵头[,，;；、]|配合单位)[^。]{0,80}$",
      "负责[^。\\n]{0,16}$",
      "(?:牵头|配合)\\p{Han}{1,18}(?:局|委)",
      "单位.{2,20}局",
      "[^。]{0,20}$",  // no word: every text may match
  };
  const std::vector<std::string> pieces = {"牵头", "单位", "负责", "配合", "分工", "落实", "责任", "。", "\n",
                                           ";", "，", "、", ",", "市", "局", "委", "a", " ", "按职责分工负责"};
  std::mt19937 rng(11);
  for (const char* pattern : patterns) {
    const RE2 re(pattern);
    REQUIRE(re.ok());
    const auto words = plancmp::required_words_of(pattern, re.options());
    REQUIRE(words != nullptr);
    CAPTURE(pattern);
    int matched = 0, ruled_out = 0;
    for (int round = 0; round < 3000; ++round) {
      std::string text;
      const std::size_t n = rng() % 25;
      for (std::size_t k = 0; k < n; ++k) text += pieces[rng() % pieces.size()];
      CAPTURE(text);
      const bool may = plancmp::RequiredWords::may(words->may_match(text), 0);
      const bool match = RE2::PartialMatch(text, re);
      if (match) CHECK(may);
      matched += match;
      ruled_out += !may;
    }
    CHECK(matched > 0);
    if (std::string_view(pattern).front() != '[') CHECK(ruled_out > 0);  // the patterns with words rule some out
  }
}
