// How many 3-byte characters in a row need nothing (private to src/): the
// normalizer's reading pass takes the bulk of a plan -- Chinese text that
// is its own rule view -- eight characters a step with AVX2 instead of one.
#pragma once
#include <bit>
#include <cstddef>
#include <cstdint>

#include "cpu_features.h"
#ifdef PLANCMP_X86_DISPATCH
#include <immintrin.h>
#endif

namespace plancmp::three_byte {

// The most characters one call takes, and the bytes it may read from p.
inline constexpr std::size_t kStep = 8;
inline constexpr std::size_t kReads = 28;

// `attention`: a table of kTableSize entries (the last only read, never
// used), by the second byte | the third byte << 8 of a 3-byte character;
// bit (lead & 15) set when the character with that lead needs attention.
// Entries for bytes that are no two continuation bytes must be 0xFFFF.
inline constexpr std::size_t kTableSize = (std::size_t{1} << 16) + 1;

// Leads 0xE0-0xEF but for 0xE0 (overlong forms) and 0xED (surrogates):
// with two continuation bytes a well-formed character, whatever they are.
inline constexpr unsigned kFreeLeads = 0xDFFE;  // bit (lead & 15)

// The number of characters (0 to kStep) from p on that need nothing: each a
// lead from kFreeLeads and two bytes with no bit for it in `attention`.
// Reads p[0, 3 * kStep) at most.
inline std::size_t clean_run(const unsigned char* p, const std::uint16_t* attention) {
  std::size_t n = 0;
  for (; n < kStep; ++n, p += 3) {
    const unsigned lead = p[0];
    if ((lead & 0xF0) != 0xE0 || (kFreeLeads >> (lead & 15) & 1) == 0) break;
    if ((attention[p[1] | p[2] << 8] >> (lead & 15) & 1) != 0) break;
  }
  return n;
}

#ifdef PLANCMP_X86_DISPATCH
// clean_run() in one step: the eight characters' leads and trail bytes
// into eight lanes each, their table entries gathered. Reads p[0, kReads)
// (16 bytes at p and at p + 12).
__attribute__((target("avx2"))) inline std::size_t clean_run_avx2(const unsigned char* p, const std::uint16_t* attention) {
  const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 12));
  const __m256i v = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
  // Character k of each half: its lead (byte 3k) in one lane, its second
  // and third bytes in another.
  const __m256i lead = _mm256_shuffle_epi8(v, _mm256_setr_epi8(0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1,
                                                                0, -1, -1, -1, 3, -1, -1, -1, 6, -1, -1, -1, 9, -1, -1, -1));
  const __m256i trail = _mm256_shuffle_epi8(v, _mm256_setr_epi8(1, 2, -1, -1, 4, 5, -1, -1, 7, 8, -1, -1, 10, 11, -1, -1,
                                                                 1, 2, -1, -1, 4, 5, -1, -1, 7, 8, -1, -1, 10, 11, -1, -1));
  // Two entries a lane: the lane's in the low half (the next, garbage, is
  // masked off by kFreeLeads).
  const __m256i entry = _mm256_i32gather_epi32(reinterpret_cast<const int*>(attention), trail, 2);
  // Free: kFreeLeads and not the entry's. Bit (lead ^ 0xE0): leads outside
  // 0xE0-0xEF shift by 16 or more, past every bit.
  const __m256i free = _mm256_andnot_si256(entry, _mm256_set1_epi32(static_cast<int>(kFreeLeads)));
  const __m256i clean = _mm256_slli_epi32(_mm256_srlv_epi32(free, _mm256_xor_si256(lead, _mm256_set1_epi32(0xE0))), 31);
  const auto mask = static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(clean)));
  return static_cast<std::size_t>(std::countr_zero(~mask));  // (bit 8 up: never all ones)
}
#endif

}  // namespace plancmp::three_byte
