// three_byte_scan.h: clean_run() (one branch-free look-up a character)
// against the character-by-character definition, on random tables and on
// bytes that mix free and other leads, continuation bytes and not, at every
// offset of its eight characters.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "three_byte_scan.h"

namespace three_byte = plancmp::three_byte;

namespace {

// A table as the contract wants it: 0xFFFF where the two bytes are no two
// continuation bytes, elsewhere each lead's bit set with `per_mille` chance.
std::vector<std::uint16_t> random_table(std::mt19937& rng, unsigned per_mille) {
  std::vector<std::uint16_t> table(three_byte::kTableSize, 0xFFFF);
  for (unsigned b1 = 0x80; b1 < 0xC0; ++b1)
    for (unsigned b2 = 0x80; b2 < 0xC0; ++b2) {
      std::uint16_t bits = 0;
      for (unsigned lead = 0; lead < 16; ++lead)
        if (rng() % 1000 < per_mille) bits = static_cast<std::uint16_t>(bits | 1u << lead);
      table[b1 | b2 << 8] = bits;
    }
  return table;
}

// The definition: a well-formed 3-byte character (utf8::kLeads' kThree
// leads E1-EC, EE, EF) with no bit in the table.
std::size_t plain_run(const unsigned char* p, const std::vector<std::uint16_t>& table) {
  std::size_t n = 0;
  for (; n < three_byte::kStep; ++n, p += 3) {
    const unsigned lead = p[0];
    const bool three = lead >= 0xE1 && lead <= 0xEF && lead != 0xED;
    if (!three || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80) break;
    if ((table[p[1] | p[2] << 8] >> (lead - 0xE0) & 1) != 0) break;
  }
  return n;
}

unsigned char random_byte(std::mt19937& rng) {
  switch (rng() % 8) {
    case 0: return static_cast<unsigned char>(rng());                  // anything
    case 1: return static_cast<unsigned char>(0xE0 | (rng() % 16));     // any E lead
    case 2: return static_cast<unsigned char>(rng() % 2 ? 0xE0 : 0xED);  // the excluded leads
    case 3: return static_cast<unsigned char>(0xC0 + rng() % 0x40);     // no continuation byte, near
    default: return static_cast<unsigned char>(0x80 + rng() % 0x40);    // continuation
  }
}

// Mostly free characters, now and then one random byte in place.
std::string random_text(std::mt19937& rng, std::size_t chars, unsigned odd_per_mille) {
  std::string s;
  for (std::size_t k = 0; k < chars; ++k) {
    const unsigned char lead = static_cast<unsigned char>(0xE1 + rng() % 15);
    s += static_cast<char>(lead == 0xED ? 0xE4 : lead);
    s += static_cast<char>(0x80 + rng() % 0x40);
    s += static_cast<char>(0x80 + rng() % 0x40);
  }
  for (char& c : s)
    if (rng() % 1000 < odd_per_mille) c = static_cast<char>(random_byte(rng));
  return s + std::string(three_byte::kReads, '\xE4');
}

}  // namespace

TEST_CASE("three_byte: clean_run agrees with the definition") {
  std::mt19937 rng(20261124);
  std::size_t full = 0, partial = 0, none = 0;
  for (int round = 0; round < 300; ++round) {
    const unsigned density = std::vector<unsigned>{0, 1, 20, 200, 1000}[round % 5];
    const std::vector<std::uint16_t> table = random_table(rng, density);
    const std::string text = random_text(rng, 64, std::vector<unsigned>{0, 5, 30, 300}[round % 4]);
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    for (std::size_t at = 0; at + three_byte::kReads <= text.size(); ++at) {
      const std::size_t want = plain_run(p + at, table);
      CAPTURE(round);
      CAPTURE(at);
      REQUIRE(three_byte::clean_run(p + at, table.data()) == want);
      (want == three_byte::kStep ? full : want == 0 ? none : partial) += 1;
    }
  }
  CHECK(full > 1000);
  CHECK(partial > 1000);
  CHECK(none > 1000);
}

TEST_CASE("three_byte: every lead and every table bit, in each lane") {
  std::mt19937 rng(7);
  std::vector<std::uint16_t> table = random_table(rng, 0);
  // One pair of trail bytes gets each single bit in turn.
  const unsigned b1 = 0x9A, b2 = 0xBF;
  for (unsigned bit = 0; bit <= 16; ++bit) {
    table[b1 | b2 << 8] = bit == 16 ? 0 : static_cast<std::uint16_t>(1u << bit);
    for (unsigned lead = 0x00; lead < 0x100; lead += (lead >= 0xD0 && lead < 0xF8) ? 1 : 7)
      for (std::size_t lane = 0; lane < three_byte::kStep; ++lane) {
        std::string text;
        for (std::size_t k = 0; k < three_byte::kStep; ++k) text += "\xE4\xB8\xAD";  // 中, free
        text[3 * lane] = static_cast<char>(lead);
        text[3 * lane + 1] = static_cast<char>(b1);
        text[3 * lane + 2] = static_cast<char>(b2);
        text += std::string(8, 'x');
        const auto* p = reinterpret_cast<const unsigned char*>(text.data());
        const std::size_t want = plain_run(p, table);
        CAPTURE(bit);
        CAPTURE(lead);
        CAPTURE(lane);
        REQUIRE(three_byte::clean_run(p, table.data()) == want);
        const bool free = lead >= 0xE1 && lead <= 0xEF && lead != 0xED && (bit == 16 || bit != (lead & 15));
        REQUIRE(want == (free ? three_byte::kStep : lane));
      }
  }
}
