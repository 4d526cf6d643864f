// The byte-pair scan (src/pair_scan.h) against a byte-by-byte reading of the
// same sets, on random bytes and random sets.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "pair_scan.h"
#include "test_support.h"

using plancmp::BytePairScanner;
using plancmp::ByteSet;

TEST_CASE("BytePairScanner visits exactly the places a byte of one set follows one of the other") {
  plancmp_test::Lcg rng{20261124};
  std::size_t usable = 0, visits = 0, singles = 0;
  for (int round = 0; round < 400; ++round) {
    // Sets of one byte, a few continuation bytes (a CJK character's last
    // two), or any bytes (some with more than eight rows: not usable).
    auto random_set = [&](unsigned kind) {
      ByteSet set{};
      const unsigned count = kind == 0 ? 1 : 1 + rng.next(kind == 1 ? 6 : 40);
      for (unsigned k = 0; k < count; ++k) set[kind == 2 ? rng.next(256) : 0x80 + rng.next(64)] = true;
      return set;
    };
    const ByteSet before = random_set(rng.next(3)), last = random_set(rng.next(3));
    const BytePairScanner scanner(before, last);
    if (!scanner.usable()) continue;
    ++usable;
    // Text drawn mostly from the sets' bytes, of every length around the
    // chunk and block sizes.
    std::string text;
    const unsigned size = round % 4 == 0 ? 4096 + rng.next(200) : rng.next(300);
    std::vector<unsigned> members;
    for (unsigned b = 0; b < 256; ++b)
      if (before[b] || last[b]) members.push_back(b);
    for (unsigned k = 0; k < size; ++k)
      text += static_cast<char>(rng.next(2) == 0 ? members[rng.next(static_cast<unsigned>(members.size()))] : rng.next(256));
    std::vector<std::size_t> want, got;
    for (std::size_t i = 1; i < text.size(); ++i)
      if (before[static_cast<unsigned char>(text[i - 1])] && last[static_cast<unsigned char>(text[i])]) want.push_back(i);
    scanner.for_each(text, [&](std::size_t i) { got.push_back(i); });
    CAPTURE(round);
    REQUIRE(got == want);
    visits += got.size();
    int count_before = 0, count_last = 0;
    for (bool b : before) count_before += b;
    for (bool b : last) count_last += b;
    singles += count_before == 1 || count_last == 1;
  }
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (__builtin_cpu_supports("avx2")) {
    CHECK(usable > 200);
    CHECK(visits > 1000);
    CHECK(singles > 50);
  }
#endif
}
