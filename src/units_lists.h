// How src/units.cc cuts a list of unit names into raw pieces (private to
// src/; here so tests can hold the two cuts against each other).
//
// A list is cut at 、 , ; and blanks outside parentheses. split_list() cuts a
// whole list from the left; a list read from its keyword's side and holding
// no parenthesis is cut by pieces_from_right() instead, one piece at a time
// from the right, as far as its reader goes (a long sentence before a note's
// keyword is mostly never read).
#pragma once
#include <cstddef>
#include <string_view>
#include <vector>

#include "utf8_util.h"

namespace plancmp::units {

// A candidate unit name: bytes [b, e) of the normalized text. `weak` when what
// stands to its left is a sentence (not a list separator, bracket or label), so
// a fragment of that sentence may be glued to it.
struct Piece {
  std::size_t b = 0, e = 0;
  bool weak = false;
};

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

// split_list()'s pieces of a list with no '(' in it, last first, each passed
// to take() until it returns false.
template <class Take>
void pieces_from_right(std::string_view t, std::size_t b, std::size_t e, bool weak_start, Take&& take) {
  for (std::size_t z = e;;) {
    std::size_t i = z;
    char32_t sep = 0;
    while (i > b) {
      // The character before i (a 3-byte one mostly: its lead 3 back).
      std::size_t j =
          i >= b + 3 && utf8::kLeads[static_cast<unsigned char>(t[i - 3])] == utf8::Lead::kThree ? i - 3 : i - 1;
      while (j > b && (static_cast<unsigned char>(t[j]) & 0xC0) == 0x80) --j;
      std::size_t k = j;
      const char32_t c = utf8::next(t, k);
      if (is_separator(c)) {
        sep = c;
        break;
      }
      i = j;
    }
    if (i == b && sep == 0) {
      take(Piece{b, z, weak_start});
      return;
    }
    if (!take(Piece{i, z, sep == U','})) return;
    z = i - utf8::encoded_size(sep);
  }
}

}  // namespace plancmp::units
