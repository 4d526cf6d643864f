// Reading numbers out of user text (private to src/): never throws.
#pragma once
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "utf8_util.h"

namespace plancmp {

// "1,200" and "29.5" as doubles; nullopt for anything out of range or not a
// number (a 400-digit run in a damaged file must not stop the plan).
inline std::optional<double> parse_number(std::string_view text) {
  std::string digits;
  for (char c : text)
    if (c != ',') digits.push_back(c);
  if (digits.empty() || digits.size() > 30) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(digits.c_str(), &end);
  if (errno == ERANGE || end != digits.c_str() + digits.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Chinese numerals: "三" -> 3, "二十五" -> 25, "一百二十" -> 120, "九十五点五" ->
// 95.5, "两" -> 2. Strict: two digits in a row before 点 ("二三") or a
// repeated magnitude ("十十") is not a numeral.
inline std::optional<double> parse_chinese_number(std::string_view s) {
  // 零..九 -> 0..9 (两 reads as 二), -1 for any other character.
  auto digit_of = [](char32_t c) {
    switch (c) {
      case U'零': return 0;
      case U'一': return 1;
      case U'二': case U'两': return 2;
      case U'三': return 3;
      case U'四': return 4;
      case U'五': return 5;
      case U'六': return 6;
      case U'七': return 7;
      case U'八': return 8;
      case U'九': return 9;
      default: return -1;
    }
  };
  double whole = 0, fraction = 0, scale = 0.1;
  int digit = -1;
  double last_unit = 1e9;  // magnitudes must fall: 千 > 百 > 十
  bool after_point = false;
  for (std::size_t i = 0; i < s.size();) {  // code point by code point, no copy
    const char32_t c = utf8::next(s, i);
    if (const int at = digit_of(c); at >= 0) {
      if (after_point) {
        fraction += static_cast<double>(at) * scale;
        scale /= 10;
      } else {
        if (digit >= 0) return std::nullopt;
        digit = at;
      }
    } else if (c == U'点' && !after_point) {
      after_point = true;
    } else if (!after_point && (c == U'十' || c == U'百' || c == U'千')) {
      const double unit = c == U'十' ? 10 : c == U'百' ? 100 : 1000;
      if (unit >= last_unit) return std::nullopt;
      last_unit = unit;
      whole += (digit < 0 ? 1 : digit) * unit;
      digit = -1;
    } else {
      return std::nullopt;
    }
  }
  if (digit > 0) whole += digit;
  const double total = whole + fraction;
  return total > 0 ? std::optional<double>(total) : std::nullopt;
}

// A water-quality class as printed ("Ⅲ", "III", "V") -> 1..5; 0 when not one.
inline int water_class_number(std::string_view cls) {
  static const std::pair<const char*, int> table[] = {{"Ⅰ", 1}, {"Ⅱ", 2}, {"Ⅲ", 3}, {"Ⅳ", 4}, {"Ⅴ", 5},
                                                      {"I", 1}, {"II", 2}, {"III", 3}, {"IV", 4}, {"V", 5}};
  for (auto [name, n] : table)
    if (cls == name) return n;
  return 0;
}

}  // namespace plancmp
