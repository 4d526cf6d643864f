// src/units_names.h: same_bytes (word compares of the first and last
// bytes, overlapping) against memcmp: every length up to past two 8-byte
// words, a difference at every place, and bytes past the end that differ;
// TextMap::reserve against a map grown key by key.
#include <doctest/doctest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "test_support.h"
#include "units_names.h"

TEST_CASE("same_bytes agrees with memcmp at every length and every place of a difference") {
  plancmp_test::Lcg rng{20261124};
  for (std::size_t n = 0; n <= 24; ++n) {
    for (int round = 0; round < 40; ++round) {
      std::string a;
      for (std::size_t i = 0; i < n; ++i) a += static_cast<char>(rng.next(2) ? 0xE5 + rng.next(3) : rng.next(256));
      // Equal, then one byte changed at each place in turn; past the end the
      // two buffers differ, which must not count.
      std::string b = a;
      const std::string pa = a + "zzzzzzzz";
      for (std::size_t at = 0; at <= n; ++at) {
        std::string c = b;
        if (at < n) c[at] = static_cast<char>(c[at] ^ static_cast<char>(1 + rng.next(255)));
        const std::string pc = c + "yyyyyyyy";
        CAPTURE(n);
        CAPTURE(at);
        const bool same = std::memcmp(pa.data(), pc.data(), n) == 0;
        CHECK(plancmp::units::same_bytes(pa.data(), pc.data(), n) == same);
        CHECK(plancmp::units::same_bytes(pc.data(), pa.data(), n) == same);
      }
    }
  }
}

TEST_CASE("a TextMap reserved for n keys finds what a grown one does, with fewer or more keys added") {
  plancmp_test::Lcg rng{20261127};
  for (const std::size_t reserved : {0u, 1u, 7u, 8u, 9u, 100u, 1000u}) {
    for (const std::size_t added : {0u, 1u, 5u, 8u, 9u, 300u, 2000u}) {
      std::vector<std::string> texts;
      for (std::size_t i = 0; i < added; ++i) {
        std::string t;
        for (unsigned n = 1 + rng.next(12); n > 0; --n) t += static_cast<char>(rng.next(2) ? 'a' + rng.next(3) : 0xE5);
        texts.push_back(t);
      }
      plancmp::units::TextMap<int> map;
      map.reserve(reserved);
      std::map<std::string, int> want;
      for (std::size_t i = 0; i < texts.size(); ++i) {
        if (want.count(texts[i])) continue;
        want[texts[i]] = static_cast<int>(i);
        map.add(texts[i], static_cast<int>(i));
      }
      map.reserve(reserved + 5000);  // holds keys: left as it is
      CAPTURE(reserved);
      CAPTURE(added);
      CHECK(map.size() == want.size());
      for (const auto& [text, index] : want) {
        const std::string copy = text;
        const int* got = map.find(copy);
        REQUIRE(got != nullptr);
        CHECK(*got == index);
      }
      CHECK(map.find("absent: no text above is this long") == nullptr);
    }
  }
}
