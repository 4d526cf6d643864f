// utf8_util.h's fast paths against ICU's U8_NEXT read byte by byte: the
// inline next(), length() eight bytes a step, and is_valid() with its
// sixteen-byte windows, on inputs that cross the windows' edges at every
// offset with every kind of character and error.
#include <doctest/doctest.h>

#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "plancmp/decode.h"
#include "plancmp/diagnostic.h"
#include "utf8_util.h"

namespace utf8 = plancmp::utf8;

namespace {

const std::vector<std::string>& pieces() {
  static const std::vector<std::string> kPieces = {
      "a", "Z", "0", " ", "\t", "\n", "\r", "\f", std::string(1, '\0'), "\x01", "\x1F", "\x7F",
      "\xC2\xA0", "\xC3\xA9", "\xDF\xBF",                                      // 2-byte
      "中", "，", "\xE3\x80\x80", "\xE1\x80\x80", "\xEE\x80\x80", "\xEF\xBF\xBF",  // 3-byte, leads E1-EF
      "\xE0\xA0\x80", "\xED\x9F\xBF",                                          // E0 and ED, well-formed
      "\xF0\x90\x80\x80", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF",              // 4-byte
      "\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xC2", "\xE0\x80\x80", "\xE0\x9F\xBF", "\xED\xA0\x80",
      "\xED\xBF\xBF", "\xE4\xB8", "\xE4", "\xF0\x80\x80\x80", "\xF0\x9F\x98", "\xF4\x90\x80\x80",
      "\xF5\x80\x80\x80", "\xF8", "\xFE", "\xFF",  // ill-formed
  };
  return kPieces;
}

// Long runs of the common case, so that windows fill with it.
const std::vector<std::string>& common() {
  static const std::vector<std::string> kCommon = {"中", "文", "，", "a", "1", "。", "\n"};
  return kCommon;
}

std::string random_text(std::mt19937& rng, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) {
    if (rng() % 8 == 0) s += pieces()[rng() % pieces().size()];
    else s += common()[rng() % common().size()];
  }
  return s;
}

struct Reference {
  bool valid = true;
  std::vector<std::size_t> controls;  // before the first error
};

Reference reference_validate(std::string_view s) {
  Reference r;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    if (p[i] < 0x20) r.controls.push_back(static_cast<std::size_t>(i));
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) {
      r.valid = false;
      break;
    }
  }
  return r;
}

void check_validate(const std::string& s) {
  const Reference want = reference_validate(s);
  std::vector<std::size_t> controls;
  const bool valid = utf8::is_valid(s, [&](std::size_t i) { controls.push_back(i); });
  INFO("bytes: " << s.size());
  REQUIRE(valid == want.valid);
  // Valid input: every control byte reported once, in order. Otherwise only
  // a prefix of them is promised.
  if (valid) {
    CHECK(controls == want.controls);
  } else {
    REQUIRE(controls.size() <= want.controls.size());
    CHECK(std::equal(controls.begin(), controls.end(), want.controls.begin()));
  }
}

void check_next_and_length(const std::string& s) {
  std::size_t cps = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t fast = i, general = i;
    const char32_t a = utf8::next(s, fast);
    const char32_t b = utf8::next_general(s, general);
    REQUIRE(a == b);
    REQUIRE(fast == general);
    i = fast;
  }
  for (const char ch : s) cps += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  CHECK(utf8::length(s) == cps);
}

}  // namespace

TEST_CASE("utf8::is_valid agrees with U8_NEXT on every pair of pieces at every window offset") {
  for (std::size_t pad = 0; pad < 34; ++pad) {
    const std::string lead(pad, 'x');
    for (const std::string& a : pieces())
      for (const std::string& b : pieces()) check_validate(lead + a + "中文，" + b + std::string(40, 'y'));
  }
}

TEST_CASE("utf8::is_valid agrees with U8_NEXT on random text with and without errors") {
  std::mt19937 rng(12345);
  for (int round = 0; round < 3000; ++round) check_validate(random_text(rng, rng() % 80));
  // Long well-formed runs: every window taken by the fast path.
  std::string clean;
  for (int i = 0; i < 2000; ++i) clean += common()[rng() % common().size()];
  check_validate(clean);
  for (std::size_t cut = clean.size() - 40; cut < clean.size(); ++cut) check_validate(clean.substr(0, cut));
}

TEST_CASE("utf8::next and utf8::length agree with U8_NEXT and a byte count") {
  for (const std::string& a : pieces())
    for (const std::string& b : pieces()) check_next_and_length(a + b + "中" + a);
  std::mt19937 rng(99);
  for (int round = 0; round < 500; ++round) check_next_and_length(random_text(rng, rng() % 200));
}

TEST_CASE("decode: the fused validity and control check keeps its verdicts") {
  // Well-formed UTF-8 comes back as it is, whatever its length.
  std::mt19937 rng(5);
  for (int round = 0; round < 50; ++round) {
    std::string s;
    for (std::size_t i = 0, n = rng() % 300; i < n; ++i) s += common()[rng() % common().size()];
    if (s.empty()) continue;
    const plancmp::DecodedText d = plancmp::decode(s, "t.txt");
    CHECK(d.encoding == "UTF-8");
    CHECK(d.utf8 == s);
    CHECK(d.warnings.empty());
  }
  // A NUL after a long clean stretch is still found.
  std::string with_nul(1000, 'a');
  with_nul += "中文";
  with_nul += std::string(1, '\0');
  CHECK_THROWS_AS(plancmp::decode(with_nul, "t.txt"), plancmp::InputError);
  // Control bytes counted in the windows: 10% is text, more is not.
  std::string controls;
  for (int i = 0; i < 100; ++i) controls += i % 10 == 0 ? "\x01" : "中";
  CHECK_NOTHROW(plancmp::decode(controls, "t.txt"));
  controls += "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01";
  CHECK_THROWS_AS(plancmp::decode(controls, "t.txt"), plancmp::InputError);
}
