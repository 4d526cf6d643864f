// How src/units.cc cuts a list of unit names into raw pieces (private to
// src/; here so tests can hold the two cuts against each other).
//
// A list is cut at 、 , ; and blanks outside parentheses. split_list() cuts a
// whole list from the left; a list read from its keyword's side and holding
// no parenthesis is cut by pieces_from_right() instead, one piece at a time
// from the right, as far as its reader goes (a long sentence before a note's
// keyword is mostly never read).
#pragma once
#include <algorithm>
#include <bit>
#include <cstddef>
#include <string_view>
#include <vector>

#include "utf8_util.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace plancmp::units {

// A candidate unit name: bytes [b, e) of the normalized text. `weak` when what
// stands to its left is a sentence (not a list separator, bracket or label), so
// a fragment of that sentence may be glued to it.
struct Piece {
  std::size_t b = 0, e = 0;
  bool weak = false;
};

// Sorts pieces[begin, end) by start, as std::sort would. A list's reader
// keeps them in order or in reverse: a reversal when they are strictly so
// (the one order a sort can give then), a sort only for the rest.
inline void sort_by_start(std::vector<Piece>& pieces, std::size_t begin) {
  const auto first = pieces.begin() + static_cast<std::ptrdiff_t>(begin);
  if (pieces.end() - first < 2) return;
  bool up = true, down = true;
  for (auto it = first + 1; it != pieces.end(); ++it) {
    up &= (it - 1)->b < it->b;
    down &= (it - 1)->b > it->b;
  }
  if (up) return;
  if (down) return std::reverse(first, pieces.end());
  std::sort(first, pieces.end(), [](const Piece& x, const Piece& y) { return x.b < y.b; });
}

// Where a list is cut (outside parentheses).
inline bool is_separator(char32_t c) { return c == U'、' || c == U',' || c == U';' || c == U' ' || c == U'\t'; }

// The raw pieces of the list t[b, e) (valid UTF-8), left to right, into out
// (cleared first). `weak_start`: the list's left edge is a sentence, not a
// bracket or label; a piece after a comma is weak too.
inline void split_list(std::string_view t, std::size_t b, std::size_t e, bool weak_start, std::vector<Piece>& out) {
  out.clear();
  int depth = 0;
  std::size_t start = b;
  bool weak = weak_start;
  for (std::size_t i = b; i < e;) {
    const std::size_t at = i;
    const char32_t c = utf8::next(t, i);
    if (c == U'(') ++depth;
    if (c == U')' && depth > 0) --depth;
    if (depth > 0) continue;
    if (is_separator(c)) {
      out.push_back({start, at, weak});
      start = i;
      weak = (c == U',');
    }
  }
  out.push_back({start, e, weak});
}

// The last separator in t[b, z) (valid UTF-8, b and z at characters):
// where the text after it starts and the separator, or {b, 0} when there is
// none. Byte by byte: an ASCII separator is a character of its own, and
// "、"'s three bytes, its lead first, are one.
struct SeparatorCut {
  std::size_t after;
  char32_t sep;
};
inline SeparatorCut last_separator_scalar(std::string_view t, std::size_t b, std::size_t z) {
  for (std::size_t q = z; q > b; --q) {
    const auto x = static_cast<unsigned char>(t[q - 1]);
    if (x == ',' || x == ';' || x == ' ' || x == '\t') return {q, x};
    if (x == 0x81 && q >= b + 3 && t[q - 3] == '\xE3' && t[q - 2] == '\x80') return {q, U'、'};
  }
  return {b, 0};
}

// The same, 16 bytes a step from the right (SSE2, which every x86-64 has):
// the bytes that may end a separator found at once, each checked as above.
inline SeparatorCut last_separator(std::string_view t, std::size_t b, std::size_t z) {
#ifdef __SSE2__
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  const __m128i comma = _mm_set1_epi8(','), semicolon = _mm_set1_epi8(';'), blank = _mm_set1_epi8(' '),
                tab = _mm_set1_epi8('\t'), last = _mm_set1_epi8(static_cast<char>(0x81));
  for (; z >= b + 16; z -= 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + z - 16));
    const __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, comma), _mm_cmpeq_epi8(x, semicolon)),
                     _mm_or_si128(_mm_cmpeq_epi8(x, blank), _mm_cmpeq_epi8(x, tab))),
        _mm_cmpeq_epi8(x, last));
    for (auto bits = static_cast<unsigned>(_mm_movemask_epi8(hit)); bits != 0;) {
      const int k = 31 - std::countl_zero(bits);
      const std::size_t q = z - 16 + static_cast<std::size_t>(k) + 1;  // after the byte
      if (p[q - 1] != 0x81) return {q, p[q - 1]};
      if (q >= b + 3 && p[q - 3] == 0xE3 && p[q - 2] == 0x80) return {q, U'、'};
      bits &= ~(1u << k);
    }
  }
#endif
  return last_separator_scalar(t, b, z);
}

// split_list()'s pieces of a list with no '(' in it, last first, each passed
// to take() until it returns false. (`vector`: last_separator's scan, else
// its scalar one; tests hold them against each other.)
template <class Take>
void pieces_from_right(std::string_view t, std::size_t b, std::size_t e, bool weak_start, Take&& take,
                       bool vector = true) {
  for (std::size_t z = e;;) {
    const SeparatorCut cut = vector ? last_separator(t, b, z) : last_separator_scalar(t, b, z);
    if (cut.sep == 0) {
      take(Piece{b, z, weak_start});
      return;
    }
    if (!take(Piece{cut.after, z, cut.sep == U','})) return;
    z = cut.after - utf8::encoded_size(cut.sep);
  }
}

}  // namespace plancmp::units
