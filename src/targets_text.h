// Byte scans over the normalized text for the target extractor (private to
// src/): where a byte of a range, a literal or a segment separator is next.
#pragma once
#include <cstddef>
#include <cstring>
#include <string_view>
#include <utility>

#include "byte_scan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace plancmp {

// The first position in [pos, end) of `text` whose byte lies in [lo, hi], or
// `end`: sixteen bytes a step (end <= text.size()).
inline std::size_t find_byte_in_range(std::string_view text, std::size_t pos, std::size_t end, unsigned char lo,
                                      unsigned char hi) {
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
#if defined(__SSE2__)
  // Bytes shifted so that [lo, hi] is [-128, hi - lo - 128]: one signed compare.
  const __m128i shift = _mm_set1_epi8(static_cast<char>(0x80 - lo));
  const __m128i top = _mm_set1_epi8(static_cast<char>(hi - lo - 0x80));
  auto block = [&](std::size_t at) {
    const __m128i v = _mm_add_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(t + at)), shift);
    return ~static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpgt_epi8(v, top))) & 0xFFFF;
  };
  for (; pos + 16 <= end; pos += 16)
    if (const unsigned inside = block(pos)) return pos + static_cast<std::size_t>(__builtin_ctz(inside));
  // The last block may read past `end` (not past the text): bits beyond it are dropped.
  if (pos < end && pos + 16 <= text.size()) {
    const unsigned inside = block(pos) & ((1u << (end - pos)) - 1);
    return inside != 0 ? pos + static_cast<std::size_t>(__builtin_ctz(inside)) : end;
  }
#endif
  while (pos < end && (t[pos] < lo || t[pos] > hi)) ++pos;
  return pos;
}

// The bytes a segment separator (, ; 。 ! ? :) opens with.
inline constexpr ByteSet kSeparatorLead = [] {
  ByteSet lead{};
  for (unsigned char c : {',', ';', '!', '?', ':', '\xE3'}) lead[c] = true;
  return lead;
}();

// The first segment separator in [from, end) of the normalized text: its
// offset and size, or npos. A plain byte scan, sixteen bytes a step: it runs
// once per segment, where a regex call's setup costs more than the scan
// itself; and it stops only at a separator, not at every lead byte 。 shares
// with "、" and the quotes.
inline std::pair<std::size_t, std::size_t> next_segment_end(std::string_view t, std::size_t from, std::size_t end) {
#if defined(__SSE2__)
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  // The separators opening at the sixteen places from `at` (which has two
  // more bytes to read).
  auto block = [&](std::size_t at) {
    const __m128i v0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at));
    const __m128i v1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at + 1));
    const __m128i v2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + at + 2));
    auto eq = [](__m128i v, unsigned char b) { return _mm_cmpeq_epi8(v, _mm_set1_epi8(static_cast<char>(b))); };
    const __m128i ascii = _mm_or_si128(_mm_or_si128(_mm_or_si128(eq(v0, ','), eq(v0, ';')), _mm_or_si128(eq(v0, '!'), eq(v0, '?'))),
                                       eq(v0, ':'));
    const __m128i stop = _mm_and_si128(_mm_and_si128(eq(v0, 0xE3), eq(v1, 0x80)), eq(v2, 0x82));  // 。
    return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(ascii, stop)));
  };
  // The first separator in a block's mask: a 。 cut by `end` is none (the
  // scan below sees the rest).
  std::pair<std::size_t, std::size_t> found{std::string::npos, 0};
  auto first = [&](std::size_t at, unsigned mask) {
    at += static_cast<std::size_t>(__builtin_ctz(mask));
    if (t[at] != '\xE3') found = {at, 1};
    else if (at + 3 <= end) found = {at, 3};
    else from = at + 1;
  };
  // Whole blocks, then one cut by `end` (bits at or past it dropped); no
  // block reads past the text.
  for (; from + 16 <= end && from + 18 <= t.size(); from += 16)
    if (const unsigned mask = block(from)) {
      first(from, mask);
      if (found.second != 0) return found;
      break;
    }
  if (from < end && from + 16 > end && from + 18 <= t.size()) {
    if (const unsigned mask = block(from) & ((1u << (end - from)) - 1)) {
      first(from, mask);
      if (found.second != 0) return found;
    } else {
      from = end;
    }
  }
#endif
  for (std::size_t i = find_byte_in(t, from, end, kSeparatorLead); i < end;
       i = find_byte_in(t, i + 1, end, kSeparatorLead)) {
    const char c = t[i];
    if (c == ',' || c == ';' || c == '!' || c == '?' || c == ':') return {i, 1};
    if (c == '\xE3' && i + 3 <= end && t[i + 1] == '\x80' && t[i + 2] == '\x82') return {i, 3};  // 。
  }
  return {std::string::npos, 0};
}

// The last segment separator opening in [from, upto] of the normalized text
// (upto < end), as next_segment_end reads them (a 。 cut by `end` is none):
// its offset and size, or npos.
inline std::pair<std::size_t, std::size_t> last_segment_end(std::string_view t, std::size_t from, std::size_t upto,
                                                            std::size_t end) {
  for (std::size_t i = upto + 1; i-- > from;) {
    const char c = t[i];
    if (!kSeparatorLead[static_cast<unsigned char>(c)]) continue;
    if (c == ',' || c == ';' || c == '!' || c == '?' || c == ':') return {i, 1};
    if (i + 3 <= end && t[i + 1] == '\x80' && t[i + 2] == '\x82') return {i, 3};  // 。
  }
  return {std::string::npos, 0};
}

}  // namespace plancmp
