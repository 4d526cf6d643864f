// Reading the numbers of values fast (private to src/).
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "numbers.h"

namespace plancmp {

// parse_number() for the common case without a call to strtod: digits, commas
// and one point, at most 15 digits. Then the digits as an integer and the
// power of ten they are scaled by are both exact doubles, and their quotient,
// rounded once, is what strtod (correctly rounded) gives.
inline std::optional<double> parse_value_number(std::string_view text) {
  std::uint64_t digits = 0;
  int count = 0, decimals = -1;  // decimals: digits after the point, -1 before it
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      digits = digits * 10 + static_cast<std::uint64_t>(c - '0');
      ++count;
      if (decimals >= 0) ++decimals;
    } else if (c == '.' && decimals < 0) {
      decimals = 0;
    } else if (c != ',') {
      return parse_number(text);
    }
  }
  if (count == 0 || count > 15 || decimals == 0) return parse_number(text);
  constexpr double kPowers[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  return static_cast<double>(digits) / kPowers[decimals < 0 ? 0 : decimals];
}

}  // namespace plancmp
