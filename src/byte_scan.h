// A scan for the first byte of a set, shared by the stages that look for
// where something can start (private to src/).
#pragma once
#include <array>
#include <cstddef>
#include <string_view>

namespace plancmp {

using ByteSet = std::array<bool, 256>;  // [b]: byte b is wanted

// The first position in [pos, end) of `text` whose byte is in `set`, or `end`.
// Eight bytes a step: most bytes of a text start nothing that is looked for.
inline std::size_t find_byte_in(std::string_view text, std::size_t pos, std::size_t end, const ByteSet& set) {
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
  while (pos + 8 <= end && !(set[t[pos]] | set[t[pos + 1]] | set[t[pos + 2]] | set[t[pos + 3]] |
                             set[t[pos + 4]] | set[t[pos + 5]] | set[t[pos + 6]] | set[t[pos + 7]]))
    pos += 8;
  while (pos < end && !set[t[pos]]) ++pos;
  return pos;
}

}  // namespace plancmp
