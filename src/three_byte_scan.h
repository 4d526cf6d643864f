// How many 3-byte characters in a row need nothing (private to src/): the
// normalizer's reading pass takes the bulk of a plan -- Chinese text that
// is its own rule view -- eight characters a call, with one table look-up
// each. (An AVX2 version gathering the eight entries at once took fewer
// instructions but more time: gathers are slow on some CPUs.)
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace plancmp::three_byte {

// The most characters one call takes, and the bytes it may read from p.
inline constexpr std::size_t kStep = 8;
inline constexpr std::size_t kReads = 3 * kStep;

// `attention`: a table of kTableSize entries, by the second byte | the
// third byte << 8 of a 3-byte character;
// bit (lead & 15) set when the character with that lead needs attention.
// Entries for bytes that are no two continuation bytes must be 0xFFFF.
inline constexpr std::size_t kTableSize = std::size_t{1} << 16;

// Bit (lead & 15) of every entry for the bytes that are no lead of a
// well-formed 3-byte character whatever two continuation bytes follow (all
// but 0xE1-0xEC, 0xEE, 0xEF: not 0xE0, overlong forms, nor 0xED,
// surrogates): a character with such a lead always needs attention.
// (All 32 bits: the shift below takes lead & 31, which is lead & 15 for
// the leads that are not blocked.)
inline constexpr std::array<std::uint32_t, 256> kBlocked = [] {
  std::array<std::uint32_t, 256> blocked{};
  for (unsigned b = 0; b < 256; ++b)
    blocked[b] = (b >= 0xE1 && b <= 0xEF && b != 0xED) ? 0 : 0xFFFFFFFF;
  return blocked;
}();

// The number of characters (0 to kStep) from p on that need nothing: each a
// lead 0xE1-0xEC, 0xEE or 0xEF and two bytes with no bit for it in
// `attention`. One look-up a character, no branch but the one that ends the
// run. Reads p[0, 3 * kStep) at most.
inline std::size_t clean_run(const unsigned char* p, const std::uint16_t* attention) {
#pragma GCC unroll 8
  for (std::size_t n = 0; n < kStep; ++n) {
    const unsigned lead = p[3 * n];
    std::uint16_t trail;  // the second and third bytes
    std::memcpy(&trail, p + 3 * n + 1, 2);
    if (((attention[trail] | kBlocked[lead]) >> (lead & 31) & 1) != 0) return n;
  }
  return kStep;
}

}  // namespace plancmp::three_byte
