// Every place in a text where a byte of one set stands right after a byte of
// another (private to src/): where one of a few three-byte characters can
// end (its last two bytes), for RequiredWords::hits() and the not_targets
// literals. One pass for all the characters instead of one memchr pass
// each: a memchr for a character's last byte stops at about one character
// in 64 of Chinese text, and each stop is a call (its set-up and branch
// mispredictions cost more time than its instructions say).
//
// Thirty-two bytes a step with AVX2: each set by two table lookups by
// nibble (byte_scan.h's NibbleTables, exact for at most eight distinct
// rows). usable() is false without AVX2 or for a set that has more rows:
// the caller then takes its plain path.
#pragma once
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "byte_scan.h"
#include "cpu_features.h"

#ifdef PLANCMP_X86_DISPATCH
#define PLANCMP_PAIR_SCAN 1
#include <immintrin.h>
#endif

namespace plancmp {

class BytePairScanner {
 public:
  BytePairScanner(const ByteSet& before, const ByteSet& last) {
#ifdef PLANCMP_PAIR_SCAN
    usable_ = cpu::has_avx2() && before_.from(before) && last_.from(last);
    one_before_ = only_byte(before);
    one_last_ = only_byte(last);
#else
    (void)before;
    (void)last;
#endif
  }

  bool usable() const { return usable_; }

  // Calls visit(i) for each i in [1, text.size()) with text[i - 1] in
  // `before` and text[i] in `last`, in order. Only when usable().
  template <class Visit>
  void for_each(std::string_view text, Visit&& visit) const {
#ifdef PLANCMP_PAIR_SCAN
    std::uint64_t bits[kChunk / 64];
    // Chunks start at 1: each step also reads the byte before it.
    for (std::size_t start = 1; start < text.size(); start += kChunk) {
      const std::size_t n = std::min(kChunk, text.size() - start);
      mark_any(text.data() + start, n, bits);
      for (std::size_t w = 0; w * 64 < n; ++w)
        for (std::uint64_t b = bits[w]; b != 0; b &= b - 1)
          visit(start + w * 64 + static_cast<std::size_t>(std::countr_zero(b)));
    }
#else
    (void)text;
    (void)visit;
#endif
  }

 private:
  bool usable_ = false;

#ifdef PLANCMP_PAIR_SCAN
  static constexpr std::size_t kChunk = 4096;

  // Not zero where the byte is in the set of the tables.
  __attribute__((target("avx2"))) static __m256i in_set(__m256i x, __m256i lo_table, __m256i hi_table) {
    const __m256i low_nibble = _mm256_set1_epi8(0x0F);
    const __m256i lo = _mm256_shuffle_epi8(lo_table, _mm256_and_si256(x, low_nibble));
    const __m256i hi = _mm256_shuffle_epi8(hi_table, _mm256_and_si256(_mm256_srli_epi16(x, 4), low_nibble));
    return _mm256_and_si256(lo, hi);
  }

  // Not zero where x's byte is in the set: equal to `a` (the set's one
  // byte, broadcast) or by the nibble tables a, b.
  template <bool kOne>
  __attribute__((target("avx2"))) static __m256i test(__m256i x, __m256i a, __m256i b) {
    if constexpr (kOne) return _mm256_cmpeq_epi8(x, a);
    else return in_set(x, a, b);
  }

  // The wanted pairs ending among the 32 bytes at q, a bit each.
  template <bool kOneBefore, bool kOneLast>
  __attribute__((target("avx2"))) static std::uint64_t block32(const char* q, __m256i before_a, __m256i before_b,
                                                               __m256i last_a, __m256i last_b) {
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
    const __m256i y = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q - 1));
    // Both tests not zero: their smaller is not zero (two equality tests:
    // all ones or zero).
    const __m256i both = _mm256_min_epu8(test<kOneLast>(x, last_a, last_b), test<kOneBefore>(y, before_a, before_b));
    if constexpr (kOneBefore && kOneLast) return static_cast<std::uint32_t>(_mm256_movemask_epi8(both));
    return static_cast<std::uint32_t>(~_mm256_movemask_epi8(_mm256_cmpeq_epi8(both, _mm256_setzero_si256())));
  }

  // Bit i % 64 of bits[i / 64]: the pair ending at p[i] is wanted, for i in
  // [0, n) (n <= kChunk; the bits past n are clear). Reads p[-1].
  template <bool kOneBefore, bool kOneLast>
  __attribute__((target("avx2"))) void mark(const char* p, std::size_t n, std::uint64_t* bits) const {
    // The tables in both 128-bit lanes (vpshufb looks up within a lane),
    // or the one byte.
    auto lanes = [](const std::array<std::uint8_t, 16>& t) {
      return _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data()));
    };
    const __m256i before_a = kOneBefore ? _mm256_set1_epi8(static_cast<char>(one_before_))
                                        : _mm256_broadcastsi128_si256(lanes(before_.lo));
    const __m256i before_b = _mm256_broadcastsi128_si256(lanes(before_.hi));
    const __m256i last_a = kOneLast ? _mm256_set1_epi8(static_cast<char>(one_last_))
                                    : _mm256_broadcastsi128_si256(lanes(last_.lo));
    const __m256i last_b = _mm256_broadcastsi128_si256(lanes(last_.hi));
    std::size_t i = 0;
    for (; i + 64 <= n; i += 64)
      bits[i / 64] = block32<kOneBefore, kOneLast>(p + i, before_a, before_b, last_a, last_b) |
                     block32<kOneBefore, kOneLast>(p + i + 32, before_a, before_b, last_a, last_b) << 32;
    if (i == n) return;
    std::uint64_t rest = 0;
    for (std::size_t k = i; k < n; ++k)
      if (in(before_, p[static_cast<std::ptrdiff_t>(k) - 1]) && in(last_, p[k])) rest |= std::uint64_t{1} << (k - i);
    bits[i / 64] = rest;
  }

  // mark() for the sets at hand.
  void mark_any(const char* p, std::size_t n, std::uint64_t* bits) const {
    if (one_before_ >= 0 && one_last_ >= 0) mark<true, true>(p, n, bits);
    else if (one_before_ >= 0) mark<true, false>(p, n, bits);
    else if (one_last_ >= 0) mark<false, true>(p, n, bits);
    else mark<false, false>(p, n, bits);
  }

  // The set's byte when it holds one, else -1.
  static int only_byte(const ByteSet& set) {
    int only = -1;
    for (int b = 0; b < 256; ++b)
      if (set[static_cast<std::size_t>(b)]) {
        if (only >= 0) return -1;
        only = b;
      }
    return only;
  }

  static bool in(const NibbleTables& set, char c) {
    const auto b = static_cast<unsigned char>(c);
    return (set.lo[b & 15] & set.hi[b >> 4]) != 0;
  }

  NibbleTables before_, last_;
  int one_before_ = -1, one_last_ = -1;
#endif
};

}  // namespace plancmp
