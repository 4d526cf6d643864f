// decode's validity pass reads 32-byte windows the widest way the CPU allows
// (one AVX2 step where it has AVX2): each way must give the verdicts and
// control bytes the SSE2 way gives, and both U8_NEXT's, on windows that hold
// every kind of character and error at every offset.
#include <doctest/doctest.h>

#include <unicode/utf8.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "utf8_util.h"

namespace utf8 = plancmp::utf8;

namespace {

const std::vector<std::string>& window_pieces() {
  static const std::vector<std::string> kPieces = {
      "a", "0", " ", "\t", "\n", "\r", std::string(1, '\0'), "\x1F", "\x7F",
      "\xC2\xA0", "\xDF\xBF",                                                 // 2-byte
      "中", "，", "\xE1\x80\x80", "\xEC\xBF\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF",  // 3-byte, leads E1-EF
      "\xE0\xA0\x80", "\xED\x9F\xBF", "\xF0\x9F\x98\x80",                     // E0, ED, 4-byte
      "\x80", "\xBF", "\xC0\x80", "\xE0\x80\x80", "\xED\xA0\x80", "\xE4\xB8", "\xE4", "\xF4\x90\x80\x80",
      "\xF8", "\xFF",  // ill-formed
  };
  return kPieces;
}

struct Verdict {
  bool valid = true;
  std::vector<std::size_t> controls;
};

Verdict by_u8_next(std::string_view s) {
  Verdict v;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto n = static_cast<int32_t>(s.size());
  for (int32_t i = 0; i < n;) {
    if (p[i] < 0x20) v.controls.push_back(static_cast<std::size_t>(i));
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) {
      v.valid = false;
      break;
    }
  }
  return v;
}

Verdict by_windows(std::string_view s, utf8::WindowWay way) {
  Verdict v;
  v.valid = utf8::is_valid(s, [&](std::size_t i) { v.controls.push_back(i); }, way);
  return v;
}

void check_ways(const std::string& s) {
  const Verdict want = by_u8_next(s);
  const Verdict widest = by_windows(s, utf8::WindowWay::kWidest);
  const Verdict sse2 = by_windows(s, utf8::WindowWay::kSse2);
  INFO("bytes: " << s.size());
  REQUIRE(widest.valid == want.valid);
  REQUIRE(sse2.valid == want.valid);
  // Either way reports the same control bytes (all of them when valid).
  CHECK(widest.controls == sse2.controls);
  if (want.valid) CHECK(widest.controls == want.controls);
}

}  // namespace

TEST_CASE("utf8::is_valid: the widest windows agree with SSE2's and U8_NEXT on each piece at every offset") {
  for (std::size_t pad = 0; pad < 66; ++pad)
    for (const std::string& a : window_pieces())
      check_ways(std::string(pad, 'x') + a + "中文，" + std::string(70, 'y') + a + "\n");
}

TEST_CASE("utf8::is_valid: the widest windows agree with SSE2's on long random text") {
  std::mt19937 rng(6006);
  const std::vector<std::string> common = {"中", "文", "，", "a", "1", "。", "\n", "\t"};
  for (int round = 0; round < 300; ++round) {
    std::string s;
    const std::size_t n = rng() % 400;
    for (std::size_t i = 0; i < n; ++i)
      s += rng() % 40 == 0 ? window_pieces()[rng() % window_pieces().size()] : common[rng() % common.size()];
    check_ways(s);
  }
}
