// units::same_bytes (src/units_names.h: word compares of the first and last
// bytes, overlapping) against memcmp: every length up to past two 8-byte
// words, a difference at every place, and bytes past the end that differ.
#include <doctest/doctest.h>

#include <cstring>
#include <string>

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
