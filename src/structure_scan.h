// Every place in a text where a byte of a set stands, for find_markers
// (markers.cc), which looks at some three thousand such places in 100 KB of
// plan. Thirty-two bytes a step with AVX2, sixteen with SSSE3 (two table
// lookups by nibble) where the CPU has them and the set can be told by
// nibbles; otherwise byte_scan.h's find_byte_in(). Private to src/.
//
// The nibble test is byte_scan.h's NibbleTables: a set with more than eight
// distinct rows is scanned byte by byte.
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
#define PLANCMP_NIBBLE_SCAN 1
#include <immintrin.h>
#endif

namespace plancmp {

class ByteSetScanner {
 public:
  explicit ByteSetScanner(const ByteSet& set) : set_(set) { nibbles_ = tables_.from(set); }

  // How to scan: the widest way the CPU and the set allow, or (for the
  // tests) a narrower one.
  enum class Way { kWidest, kSixteen, kBytes };

  // Calls visit(pos) for each position of `text` whose byte is in the set,
  // in order.
  template <class Visit>
  void for_each(std::string_view text, Visit&& visit, Way way = Way::kWidest) const {
#ifdef PLANCMP_NIBBLE_SCAN
    if (way != Way::kBytes && nibbles_ && (cpu::has_avx2() || cpu::has_ssse3())) {
      const bool wide = way == Way::kWidest && cpu::has_avx2();
      std::uint64_t bits[kChunk / 64];
      for (std::size_t start = 0; start < text.size(); start += kChunk) {
        const std::size_t n = std::min(kChunk, text.size() - start);
        if (wide) mark_avx2(text.data() + start, n, bits);
        else mark(text.data() + start, n, bits);
        for (std::size_t w = 0; w * 64 < n; ++w)
          for (std::uint64_t b = bits[w]; b != 0; b &= b - 1)
            visit(start + w * 64 + static_cast<std::size_t>(std::countr_zero(b)));
      }
      return;
    }
#else
    (void)way;
#endif
    for (std::size_t i = find_byte_in(text, 0, text.size(), set_); i < text.size();
         i = find_byte_in(text, i + 1, text.size(), set_))
      visit(i);
  }

  bool nibble_test() const { return nibbles_; }  // for the tests

 private:
  static constexpr std::size_t kChunk = 4096;

#ifdef PLANCMP_NIBBLE_SCAN
  // The bytes p[i, n) (fewer than 64, i a multiple of 64) byte by byte, for
  // the vector marks' last step.
  void mark_rest(const char* p, std::size_t i, std::size_t n, std::uint64_t* bits) const {
    if (i == n) return;
    std::uint64_t last = 0;
    for (std::size_t k = i; k < n; ++k)
      if (set_[static_cast<unsigned char>(p[k])]) last |= std::uint64_t{1} << (k - i);
    bits[i / 64] = last;
  }

  // mark() thirty-two bytes a step.
  __attribute__((target("avx2"))) static std::uint64_t block32(const char* q, __m256i lo_table, __m256i hi_table) {
    const __m256i low_nibble = _mm256_set1_epi8(0x0F);
    const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q));
    const __m256i lo = _mm256_shuffle_epi8(lo_table, _mm256_and_si256(x, low_nibble));
    const __m256i hi = _mm256_shuffle_epi8(hi_table, _mm256_and_si256(_mm256_srli_epi16(x, 4), low_nibble));
    const __m256i none = _mm256_cmpeq_epi8(_mm256_and_si256(lo, hi), _mm256_setzero_si256());
    return static_cast<std::uint32_t>(~_mm256_movemask_epi8(none));
  }
  __attribute__((target("avx2"))) void mark_avx2(const char* p, std::size_t n, std::uint64_t* bits) const {
    // The tables in both 128-bit lanes (vpshufb looks up within a lane).
    const __m128i lo128 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(tables_.lo.data()));
    const __m128i hi128 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(tables_.hi.data()));
    const __m256i lo_table = _mm256_broadcastsi128_si256(lo128);
    const __m256i hi_table = _mm256_broadcastsi128_si256(hi128);
    std::size_t i = 0;
    for (; i + 64 <= n; i += 64)
      bits[i / 64] = block32(p + i, lo_table, hi_table) | block32(p + i + 32, lo_table, hi_table) << 32;
    mark_rest(p, i, n, bits);
  }

  // The set's bytes among the sixteen at q, a bit each.
  __attribute__((target("ssse3"))) static std::uint64_t block(const char* q, __m128i lo_table, __m128i hi_table) {
    const __m128i low_nibble = _mm_set1_epi8(0x0F);
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const __m128i lo = _mm_shuffle_epi8(lo_table, _mm_and_si128(x, low_nibble));
    const __m128i hi = _mm_shuffle_epi8(hi_table, _mm_and_si128(_mm_srli_epi16(x, 4), low_nibble));
    const __m128i none = _mm_cmpeq_epi8(_mm_and_si128(lo, hi), _mm_setzero_si128());
    return static_cast<std::uint16_t>(~_mm_movemask_epi8(none));
  }

  // Bit i % 64 of bits[i / 64]: byte i of p[0, n) is in the set (n <= kChunk;
  // the bits past n are clear).
  __attribute__((target("ssse3"))) void mark(const char* p, std::size_t n, std::uint64_t* bits) const {
    const __m128i lo_table = _mm_loadu_si128(reinterpret_cast<const __m128i*>(tables_.lo.data()));
    const __m128i hi_table = _mm_loadu_si128(reinterpret_cast<const __m128i*>(tables_.hi.data()));
    std::size_t i = 0;
    for (; i + 64 <= n; i += 64)
      bits[i / 64] = block(p + i, lo_table, hi_table) | block(p + i + 16, lo_table, hi_table) << 16 |
                     block(p + i + 32, lo_table, hi_table) << 32 | block(p + i + 48, lo_table, hi_table) << 48;
    mark_rest(p, i, n, bits);
  }
#endif

  ByteSet set_;
  bool nibbles_ = false;
  NibbleTables tables_;
};

}  // namespace plancmp
