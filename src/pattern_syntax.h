// Pieces of RE2 pattern syntax that several pattern readings share (the
// readings that only rule places out: markers.cc's LeadingAtoms,
// structure_tail.h, regex_shortcuts.cc, units_patterns.cc). They step over
// escapes and classes with pattern_token_end (grammar_internal.h) and give
// up (npos / nullopt) where it does. Private to src/.
#pragma once
#include <cctype>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grammar_internal.h"
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

// Index past the `)` closing the group that opens at p[i]; npos when not followed.
inline std::size_t group_end(std::string_view p, std::size_t i) {
  int depth = 0;
  for (std::size_t j = i; j < p.size();) {
    const char c = p[j];
    if (c == '\\' || c == '[') {
      j = pattern_token_end(p, j);
      if (j == std::string_view::npos) return j;
      continue;
    }
    if (c == '(') ++depth;
    else if (c == ')' && --depth == 0) return j + 1;
    ++j;
  }
  return std::string_view::npos;
}

// A pattern piece cut at its top-level `|`; nullopt where the scan cannot
// follow it, a `)` closes a group it did not open, or a top-level flag
// setting such as `(?i)` reaches past the bars (`(?i)a|b` folds b's case
// too: no branch stands alone).
inline std::optional<std::vector<std::string>> alternatives(std::string_view p) {
  std::vector<std::string> out;
  std::size_t from = 0;
  for (std::size_t j = 0; j < p.size();) {
    const char c = p[j];
    if (c == '(' && p.substr(j, 2) == "(?") {
      std::size_t k = j + 2;
      while (k < p.size() && std::string_view("imsU-").find(p[k]) != std::string_view::npos) ++k;
      if (k > j + 2 && k < p.size() && p[k] == ')') return std::nullopt;
    }
    if (c == '\\' || c == '[' || c == '(') {
      j = c == '(' ? group_end(p, j) : pattern_token_end(p, j);
      if (j == std::string_view::npos) return std::nullopt;
      continue;
    }
    if (c == ')') return std::nullopt;
    if (c == '|') {
      out.emplace_back(p.substr(from, j - from));
      from = j + 1;
    }
    ++j;
  }
  out.emplace_back(p.substr(from));
  return out;
}

// A counted repeat {n}, {n,} or {n,m} at p[i]: its bounds (hi npos: none)
// and the index past its "}". False for anything else, which RE2 reads as
// a literal '{' (numbers of over six digits are not read: RE2 allows 1000).
inline bool read_repeat(std::string_view p, std::size_t i, std::size_t& lo, std::size_t& hi, std::size_t& end) {
  if (i >= p.size() || p[i] != '{') return false;
  std::size_t j = i + 1;
  auto number = [&](std::size_t& n) {
    const std::size_t start = j;
    n = 0;
    while (j < p.size() && p[j] >= '0' && p[j] <= '9' && j - start < 6) n = n * 10 + static_cast<std::size_t>(p[j++] - '0');
    return j > start && !(j < p.size() && p[j] >= '0' && p[j] <= '9');
  };
  if (!number(lo)) return false;
  hi = lo;
  if (j < p.size() && p[j] == ',') {
    ++j;
    if (j < p.size() && p[j] == '}') hi = std::string_view::npos;
    else if (!number(hi)) return false;
  }
  if (j >= p.size() || p[j] != '}') return false;
  end = j + 1;
  return true;
}

}  // namespace plancmp::pattern_syntax
