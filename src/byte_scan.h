// Scans for the first byte of a set or the first place of a literal, shared
// by the stages that look for where something can start (private to src/).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace plancmp {

using ByteSet = std::array<bool, 256>;  // [b]: byte b is wanted

// The first position in [pos, end) of `text` whose byte is in `set`, or `end`.
// Eight bytes a step: most bytes of a text start nothing that is looked for.
inline std::size_t find_byte_in(std::string_view text, std::size_t pos, std::size_t end, const ByteSet& set) {
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
  // Bitwise or of the eight tests, not ||: no branch per byte.
  auto wanted = [&](std::size_t k) -> unsigned { return set[t[k]]; };
  while (pos + 8 <= end && !(wanted(pos) | wanted(pos + 1) | wanted(pos + 2) | wanted(pos + 3) | wanted(pos + 4) |
                             wanted(pos + 5) | wanted(pos + 6) | wanted(pos + 7)))
    pos += 8;
  while (pos < end && !set[t[pos]]) ++pos;
  return pos;
}

// text.find(literal, from), by memchr for the literal's last byte (a CJK
// character's lead byte is shared by most of the text; its last is not).
inline std::size_t find_literal(std::string_view text, std::string_view literal, std::size_t from) {
  if (literal.empty()) return from <= text.size() ? from : std::string_view::npos;
  const std::size_t last = literal.size() - 1;
  for (std::size_t at = from + last; at < text.size();) {
    const void* hit = std::memchr(text.data() + at, literal[last], text.size() - at);
    if (!hit) break;
    at = static_cast<std::size_t>(static_cast<const char*>(hit) - text.data());
    // The byte before tells most stops from a match without a call.
    if ((last == 0 || text[at - 1] == literal[last - 1]) && std::memcmp(text.data() + at - last, literal.data(), last) == 0)
      return at - last;
    ++at;
  }
  return std::string_view::npos;
}

// A byte set as two 16-entry tables for vector scans (two shuffles a
// block: structure_scan.h, pair_scan.h, line_rules.cc): byte b is in the set
// exactly when lo[b & 15] & hi[b >> 4] is not zero. Each distinct row of the
// set (the low nibbles that go with one high nibble) gets a bit of its own,
// so a set can be told this way when it has at most eight distinct rows.
struct NibbleTables {
  std::array<std::uint8_t, 16> lo{}, hi{};

  // Fills the tables for `set`; false (tables not to be used) when the set
  // has more than eight distinct rows.
  bool from(const ByteSet& set) {
    std::array<std::uint16_t, 16> rows{};  // by high nibble: its low nibbles in the set
    for (std::size_t b = 0; b < 256; ++b)
      if (set[b]) rows[b >> 4] |= static_cast<std::uint16_t>(1u << (b & 15));
    std::array<std::uint16_t, 8> distinct{};
    std::size_t count = 0;
    for (std::size_t h = 0; h < 16; ++h) {
      if (rows[h] == 0) continue;
      std::size_t bit = 0;
      while (bit < count && distinct[bit] != rows[h]) ++bit;
      if (bit == count) {
        if (count == distinct.size()) return false;
        distinct[count++] = rows[h];
      }
      hi[h] = static_cast<std::uint8_t>(1u << bit);
      for (std::size_t l = 0; l < 16; ++l)
        if (rows[h] >> l & 1) lo[l] |= static_cast<std::uint8_t>(1u << bit);
    }
    return true;
  }
};

}  // namespace plancmp
