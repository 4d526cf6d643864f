// The lead bits of 64 bytes of UTF-8 (private to src/): bit b set when
// byte b is no continuation byte (10xxxxxx), and how many are set. The
// normalizer counts code points with them (columns), a word per 64 bytes.
#pragma once
#include <cstdint>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "cpu_features.h"
#ifdef PLANCMP_X86_DISPATCH
#include <immintrin.h>
#endif

namespace plancmp::lead_bits {

struct Word {
  std::uint64_t bits;
  std::uint32_t count;  // bits set
};

// Byte by byte.
inline Word word_plain(const unsigned char* p) {
  Word w{0, 0};
  for (int b = 0; b < 64; ++b)
    if ((p[b] & 0xC0) != 0x80) {
      w.bits |= std::uint64_t{1} << b;
      ++w.count;
    }
  return w;
}

#if defined(__SSE2__)
// Sixteen bytes a step, the counts summed by one sum of absolute
// differences.
inline Word word_sse2(const unsigned char* p) {
  std::uint64_t continuation = 0;
  __m128i counts = _mm_setzero_si128();
  for (int q = 0; q < 4; ++q) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * q));
    const __m128i is_continuation = _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(0xC0)));
    continuation |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(is_continuation))) << (16 * q);
    counts = _mm_sub_epi8(counts, is_continuation);
  }
  const __m128i sums = _mm_sad_epu8(counts, _mm_setzero_si128());
  return {~continuation, static_cast<std::uint32_t>(64 - _mm_cvtsi128_si32(sums) - _mm_extract_epi16(sums, 4))};
}
#endif

#ifdef PLANCMP_X86_DISPATCH
// Thirty-two bytes a step.
__attribute__((target("avx2"))) inline Word word_avx2(const unsigned char* p) {
  const __m256i c0 = _mm256_set1_epi8(static_cast<char>(0xC0));
  // Signed: the continuation bytes 0x80-0xBF are the ones below 0xC0.
  const __m256i a = _mm256_cmpgt_epi8(c0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  const __m256i b = _mm256_cmpgt_epi8(c0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32)));
  const std::uint64_t continuation = static_cast<std::uint32_t>(_mm256_movemask_epi8(a)) |
                                     std::uint64_t{static_cast<std::uint32_t>(_mm256_movemask_epi8(b))} << 32;
  const __m256i sums = _mm256_sad_epu8(_mm256_sub_epi8(_mm256_setzero_si256(), _mm256_add_epi8(a, b)),
                                       _mm256_setzero_si256());
  const __m128i half = _mm_add_epi64(_mm256_castsi256_si128(sums), _mm256_extracti128_si256(sums, 1));
  return {~continuation, static_cast<std::uint32_t>(64 - _mm_cvtsi128_si32(half) - _mm_extract_epi16(half, 4))};
}
#endif

}  // namespace plancmp::lead_bits
