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
  static const std::u32string digits = U"零一二三四五六七八九";
  double whole = 0, fraction = 0, scale = 0.1;
  int digit = -1;
  double last_unit = 1e9;  // magnitudes must fall: 千 > 百 > 十
  bool after_point = false;
  for (char32_t c : utf8::decode(s)) {
    if (c == U'两') c = U'二';
    if (auto at = digits.find(c); at != std::u32string::npos) {
      if (after_point) {
        fraction += static_cast<double>(at) * scale;
        scale /= 10;
      } else {
        if (digit >= 0) return std::nullopt;
        digit = static_cast<int>(at);
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
