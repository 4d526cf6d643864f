// Pieces of RE2 pattern syntax that several pattern readings share (the
// readings that only rule places out: markers.cc's LeadingAtoms,
// structure_tail.h). Private to src/.
#pragma once
#include <cctype>
#include <cstddef>
#include <string_view>

#include "utf8_util.h"

namespace plancmp::pattern_syntax {

// One character of a pattern at p[i] (outside or inside a class): a plain
// UTF-8 character, an escaped punctuation mark, or \n \t \r \f; i moves past
// it. False for anything else (\d, \p{Han}, \b, \x{…}, ill-formed bytes…),
// which the caller reads itself or gives up on.
inline bool read_char(std::string_view p, std::size_t& i, char32_t& c) {
  if (i >= p.size()) return false;
  if (p[i] != '\\') {
    std::size_t j = i;
    const int32_t cp = utf8::next_or_invalid(p, j);
    if (cp < 0) return false;
    c = static_cast<char32_t>(cp);
    i = j;
    return true;
  }
  if (i + 1 >= p.size()) return false;
  const auto e = static_cast<unsigned char>(p[i + 1]);
  if (e < 0x80 && std::ispunct(e)) c = e;
  else if (e == 'n') c = U'\n';
  else if (e == 't') c = U'\t';
  else if (e == 'r') c = U'\r';
  else if (e == 'f') c = U'\f';
  else return false;
  i += 2;
  return true;
}

}  // namespace plancmp::pattern_syntax
