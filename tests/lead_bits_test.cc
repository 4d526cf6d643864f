// lead_bits.h: each way of taking 64 bytes' lead bits (SSE2, AVX2 where the
// CPU has it) against the byte-by-byte one, on random bytes and on runs of
// each byte class.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "lead_bits.h"

namespace lead_bits = plancmp::lead_bits;

namespace {

void check_ways(const unsigned char* p) {
  const lead_bits::Word want = lead_bits::word_plain(p);
#if defined(__SSE2__)
  const lead_bits::Word sse2 = lead_bits::word_sse2(p);
  REQUIRE(sse2.bits == want.bits);
  REQUIRE(sse2.count == want.count);
#endif
#ifdef PLANCMP_X86_DISPATCH
  if (plancmp::cpu::has_avx2()) {
    const lead_bits::Word avx2 = lead_bits::word_avx2(p);
    REQUIRE(avx2.bits == want.bits);
    REQUIRE(avx2.count == want.count);
  }
#endif
}

}  // namespace

TEST_CASE("lead_bits: SSE2 and AVX2 words agree with the byte-by-byte word") {
  std::mt19937 rng(64);
  std::vector<unsigned char> bytes(64 + 64);
  // The edges of the continuation bytes, and every count from 0 to 64.
  const unsigned char edges[] = {0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xE4, 0xFF};
  for (int round = 0; round < 4000; ++round) {
    const unsigned share = static_cast<unsigned>(round % 65);  // of 64: continuation bytes
    for (unsigned char& b : bytes) {
      if (rng() % 64 < share) b = static_cast<unsigned char>(0x80 + rng() % 0x40);
      else if (rng() % 4 == 0) b = edges[rng() % sizeof edges];
      else b = static_cast<unsigned char>(rng() % 256);
    }
    CAPTURE(round);
    check_ways(bytes.data() + round % 64);
  }
  for (unsigned char b : edges) {
    std::vector<unsigned char> same(64, b);
    check_ways(same.data());
  }
  const lead_bits::Word all_leads = lead_bits::word_plain(std::vector<unsigned char>(64, 'a').data());
  CHECK(all_leads.count == 64);
  CHECK(all_leads.bits == ~std::uint64_t{0});
  CHECK(lead_bits::word_plain(std::vector<unsigned char>(64, 0x80).data()).count == 0);
}
