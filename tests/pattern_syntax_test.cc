// pattern_syntax.h: the pattern-text steps the readings share. Each must
// find a group's or repeat's end where RE2 does, and give up (npos or
// nullopt) on what it does not follow rather than guess.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "pattern_syntax.h"

namespace ps = plancmp::pattern_syntax;

namespace {
constexpr auto kNone = std::string_view::npos;
}  // namespace

TEST_CASE("group_end steps over escapes and classes that hold parentheses") {
  CHECK(ps::group_end("(ab)c", 0) == 4);
  CHECK(ps::group_end("(a(b)c)d", 0) == 7);
  CHECK(ps::group_end("(a(b)c)d", 2) == 5);
  CHECK(ps::group_end(R"((\)x)y)", 0) == 5);         // an escaped ")"
  CHECK(ps::group_end("([)]x)y", 0) == 6);           // ")" inside a class
  CHECK(ps::group_end("([])]x)y", 0) == 7);          // a leading "]" is literal
  CHECK(ps::group_end(R"((\p{Han}+)x)", 0) == 10);   // \p{…} whole
  CHECK(ps::group_end("(ab", 0) == kNone);           // never closed
  CHECK(ps::group_end(R"((\Q)\E))", 0) == kNone);     // \Q quoting: not followed
  CHECK(ps::group_end("([[:alpha:]])", 0) == kNone);  // nested brackets: not followed
}

TEST_CASE("alternatives cut at the top-level bars only") {
  using V = std::vector<std::string>;
  CHECK(ps::alternatives("a|b|c") == V{"a", "b", "c"});
  CHECK(ps::alternatives("(a|b)c|d") == V{"(a|b)c", "d"});
  CHECK(ps::alternatives("[|]x|y") == V{"[|]x", "y"});
  CHECK(ps::alternatives(R"(\|x|y)") == V{R"(\|x)", "y"});
  CHECK(ps::alternatives("abc") == V{"abc"});
  CHECK(ps::alternatives("") == V{""});
  CHECK_FALSE(ps::alternatives("a)|b"));    // closes a group it did not open
  CHECK_FALSE(ps::alternatives("(a|b"));    // never closed
  CHECK_FALSE(ps::alternatives(R"(\Qa|b)"));
  CHECK_FALSE(ps::alternatives("(?i)a|b"));  // the flag reaches b too
  CHECK(ps::alternatives("(?i:a)|b") == V{"(?i:a)", "b"});
}

TEST_CASE("read_repeat reads the counted repeats RE2 reads, and nothing else") {
  std::size_t lo = 0, hi = 0, end = 0;
  CHECK(ps::read_repeat("a{3}", 1, lo, hi, end));
  CHECK((lo == 3 && hi == 3 && end == 4));
  CHECK(ps::read_repeat("a{2,}b", 1, lo, hi, end));
  CHECK((lo == 2 && hi == kNone && end == 5));
  CHECK(ps::read_repeat("a{0,80}", 1, lo, hi, end));
  CHECK((lo == 0 && hi == 80 && end == 7));
  for (const char* literal : {"a{", "a{x}", "a{,3}", "a{3", "a{1,x}", "a{1234567}", "a}"})
    CHECK_FALSE(ps::read_repeat(literal, 1, lo, hi, end));
}

TEST_CASE("each alternative and group read agrees with RE2 on random patterns") {
  // Pieces that nest, hold bars and parentheses inside classes and escapes.
  const char* pieces[] = {"a", "b", "一", R"(\()", R"(\))", R"(\|)", "[()|]", "[^)]", "[]a]",
                          R"(\p{Han})", "x*", "y+?", "z{1,2}", "(?:c|d)", "(e)", "(?:f|g)"};
  std::mt19937 rng(20261123);
  auto random_piece_run = [&](int n) {
    std::string s;
    for (int k = 0; k < n; ++k) s += pieces[rng() % std::size(pieces)];
    return s;
  };
  const char* texts[] = {"", "a", "b", "一", "(", ")", "|", "ab", "cd", "e", "f", "g", "xx", "y", "z", "zz", "a)"};
  int checked = 0;
  for (int round = 0; round < 300; ++round) {
    // Branches of the whole pattern match, together, what it matches.
    std::vector<std::string> branches;
    for (int k = 1 + static_cast<int>(rng() % 3); k > 0; --k) branches.push_back(random_piece_run(1 + rng() % 3));
    std::string p;
    for (const std::string& b : branches) p += (p.empty() ? "" : "|") + b;
    const auto cut = ps::alternatives(p);
    REQUIRE(cut);
    CHECK(*cut == branches);
    RE2 whole(p);
    REQUIRE(whole.ok());
    for (const char* t : texts) {
      bool any = false;
      for (const std::string& b : *cut) any = any || RE2::FullMatch(t, RE2(b));
      CHECK(any == RE2::FullMatch(t, whole));
      ++checked;
    }
    // A group wrapped around the pattern ends where the wrapping put its ")".
    const std::string wrapped = "(" + p + ")" + random_piece_run(1);
    CHECK(ps::group_end(wrapped, 0) == p.size() + 2);
  }
  CHECK(checked > 1000);
}
