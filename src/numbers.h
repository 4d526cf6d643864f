// Reading numbers out of user text (private to src/): never throws.
#pragma once
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

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

}  // namespace plancmp
