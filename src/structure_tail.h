// Where a pattern whose matches end at the end of the text can match: only
// after the last character none of its matches holds. The task note
// ("…(牵头单位|…)[^。]{0,80}$") is tried on every paragraph that may be a
// task; RE2 then reads the last sentence, not the whole paragraph. A pattern
// reading that only rules places out: RE2 decides the match. Private to
// src/ (structure.cc and its tests).
#pragma once
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <re2/re2.h>

#include "grammar_internal.h"
#include "pattern_syntax.h"
#include "regex_shortcuts.h"
#include "utf8_util.h"

namespace plancmp {

namespace tail_reading {

using Ranges = std::vector<std::pair<char32_t, char32_t>>;  // inclusive

using pattern_syntax::read_char;

// \d \s \w (RE2's Perl classes, ASCII only) at p[i], as ranges; false for
// any other escape.
inline bool read_perl_class(std::string_view p, std::size_t& i, Ranges& out) {
  if (i + 1 >= p.size() || p[i] != '\\') return false;
  switch (p[i + 1]) {
    case 'd': out.insert(out.end(), {{U'0', U'9'}}); break;
    case 's': out.insert(out.end(), {{U'\t', U'\n'}, {U'\f', U'\r'}, {U' ', U' '}}); break;
    case 'w': out.insert(out.end(), {{U'0', U'9'}, {U'A', U'Z'}, {U'_', U'_'}, {U'a', U'z'}}); break;
    default: return false;
  }
  i += 2;
  return true;
}

// A repeat {n}, {n,} or {n,m} at p[i] (then past it); false for anything else.
inline bool skip_repeat(std::string_view p, std::size_t& i) {
  std::size_t j = i + 1;
  auto digits = [&] {
    const std::size_t start = j;
    while (j < p.size() && p[j] >= '0' && p[j] <= '9') ++j;
    return j > start;
  };
  if (!digits()) return false;
  if (j < p.size() && p[j] == ',') {
    ++j;
    digits();
  }
  if (j >= p.size() || p[j] != '}') return false;
  i = j + 1;
  return true;
}

// A class at p[i] ("[" …): its members, whether it is negated, and past it.
// False where the reading cannot follow (nested brackets, \p{…}, a Perl
// class in a negated class).
inline bool read_class(std::string_view p, std::size_t& i, Ranges& members, bool& negated) {
  std::size_t j = i + 1;
  negated = j < p.size() && p[j] == '^';
  if (negated) ++j;
  for (bool first = true;; first = false) {
    if (j >= p.size() || p[j] == '[') return false;
    if (p[j] == ']' && !first) break;
    if (!negated && read_perl_class(p, j, members)) continue;
    char32_t lo = 0, hi = 0;
    if (!read_char(p, j, lo)) return false;
    hi = lo;
    if (j + 1 < p.size() && p[j] == '-' && p[j + 1] != ']') {
      ++j;
      if (p[j] == '[' || !read_char(p, j, hi) || hi < lo) return false;
    }
    members.emplace_back(lo, hi);
  }
  i = j + 1;
  return true;
}

inline bool in(const Ranges& ranges, char32_t c) {
  for (const auto& [lo, hi] : ranges)
    if (c >= lo && c <= hi) return true;
  return false;
}

}  // namespace tail_reading

// The characters (as UTF-8) no match of `re` can hold, when every match ends
// at the end of the text: the pattern ends in `$` outside any group and
// alternative, and asserts nothing else of its surroundings (no ^ \b \B \A
// \z, no flags, RE2's default options). A match then lies wholly after the
// last of them in a text. Some negated class or `.` must leave them out;
// at most kMaxStops are kept track of. Empty when the pattern is not of that
// shape or the reading cannot follow it.
// (Of a pattern that compiles with options `o`.)
inline std::vector<std::string> end_anchored_stops(std::string_view p, const RE2::Options& o) {
  using namespace tail_reading;
  constexpr std::size_t kMaxStops = 8;
  if (!o.case_sensitive() || o.literal() || o.posix_syntax() || o.never_nl() || o.dot_nl() ||
      o.encoding() != RE2::Options::EncodingUTF8)
    return {};
  if (p.empty() || p.back() != '$') return {};
  Ranges held;                   // characters the parts that name theirs may hold
  std::vector<char32_t> missed;  // the only characters the other parts ('.', [^…]) may miss
  bool narrowed = false;         // some part missed characters
  auto miss_only = [&](const std::vector<char32_t>& chars) {
    if (!narrowed) {
      missed = chars;
    } else {
      std::erase_if(missed, [&](char32_t c) { return std::find(chars.begin(), chars.end(), c) == chars.end(); });
    }
    narrowed = true;
  };
  int depth = 0;
  std::size_t i = 0;
  const std::size_t last = p.size() - 1;  // the final $
  while (i < last) {
    const char c = p[i];
    if (c == '(') {
      if (p.compare(i, 3, "(?:") == 0) {
        i += 3;
      } else if (p.compare(i, 4, "(?P<") == 0) {
        const std::size_t close = p.find('>', i);
        if (close == std::string_view::npos) return {};
        i = close + 1;
      } else if (i + 1 < p.size() && p[i + 1] == '?') {
        return {};  // flags, or a group of another kind
      } else {
        ++i;
      }
      ++depth;
    } else if (c == ')') {
      if (depth-- == 0) return {};
      ++i;
    } else if (c == '|') {
      if (depth == 0) return {};  // the $ would close one alternative only
      ++i;
    } else if (c == '*' || c == '+' || c == '?') {
      ++i;
    } else if (c == '{') {
      if (!skip_repeat(p, i)) return {};
    } else if (c == '^' || c == '$') {
      return {};
    } else if (c == '.') {
      miss_only({U'\n'});
      ++i;
    } else if (c == '[') {
      Ranges members;
      bool negated = false;
      if (!read_class(p, i, members, negated)) return {};
      if (!negated) {
        held.insert(held.end(), members.begin(), members.end());
        continue;
      }
      std::vector<char32_t> chars;
      for (const auto& [lo, hi] : members)
        for (char32_t x = lo; x <= hi; ++x) {
          if (chars.size() == kMaxStops) return {};
          chars.push_back(x);
        }
      miss_only(chars);
    } else if (c == '\\' && read_perl_class(p, i, held)) {
      // (read)
    } else {
      char32_t x = 0;
      if (!read_char(p, i, x)) return {};  // \b \A \z \p{…} \x{…} \Q…: not followed
      held.emplace_back(x, x);
    }
  }
  // The $ must be no escaped character ("\\$" is read above, ending at `last` + 1).
  if (i != last || depth != 0 || !narrowed) return {};
  std::vector<std::string> stops;
  for (char32_t x : missed) {
    if (in(held, x)) continue;
    std::string bytes;
    utf8::append(bytes, x);
    stops.push_back(std::move(bytes));
  }
  return stops;
}

// A pattern with its long counted repeats of one character written
// open-ended: x{n,m} and x{m} (m >= min_bound; x a class, an escape that
// reads one character, '.' or a plain character) become x{n,}. It matches
// wherever the pattern does, and, in a text of at most `bound` characters
// (the least m opened), nowhere else: no repeat there can take more than the
// text's characters. A counted repeat of a wide class is costly to compile
// (the task note's "[^。]{0,80}", ~5M instructions; open-ended, ~0.25M).
struct OpenedRepeats {
  std::string pattern;  // "" when the scan cannot follow the pattern
  std::size_t bound = std::string::npos;  // npos: nothing opened
};

inline OpenedRepeats open_counted_repeats(std::string_view p, std::size_t min_bound = 16) {
  OpenedRepeats out;
  std::string& q = out.pattern;
  bool one_char = false;  // the token just written reads exactly one character
  for (std::size_t i = 0; i < p.size();) {
    const char c = p[i];
    if (c == '\\' || c == '[') {
      const std::size_t end = pattern_token_end(p, i);
      if (end == std::string_view::npos) return {};
      // \b \B \A \z read no character, \C one byte (not one character).
      one_char = c == '[' || std::string_view("bBAzC").find(p[i + 1]) == std::string_view::npos;
      q.append(p, i, end - i);
      i = end;
      continue;
    }
    if (c == '{') {
      std::size_t lo = 0, hi = 0, end = 0;
      if (pattern_syntax::read_repeat(p, i, lo, hi, end)) {
        if (one_char && hi != std::string::npos && hi >= min_bound) {
          q += '{' + std::to_string(lo) + ",}";
          out.bound = std::min(out.bound, hi);
        } else {
          q.append(p, i, end - i);
        }
        one_char = false;
        i = end;
        continue;
      }
      // Not a repeat: RE2 reads a literal '{'.
    }
    if (c == '(' || c == ')' || c == '|' || c == '^' || c == '$' || c == '*' || c == '+' || c == '?') {
      one_char = false;
      q += c;
      ++i;
      continue;
    }
    // '.', a literal '{', or a plain character (whole, with its UTF-8 tail).
    std::size_t end = i + 1;
    while (end < p.size() && (static_cast<unsigned char>(p[end]) & 0xC0) == 0x80) ++end;
    q.append(p, i, end - i);
    one_char = true;
    i = end;
  }
  return out;
}

// The words every match of `pattern` holds (RequiredWords, rule 0), read
// from the pattern with its long counted repeats open-ended (its matches
// hold the pattern's) and its negated classes as \C (what RequiredWords
// reads in any case: the same words, from a cheaper compile). Null when
// the reading cannot follow the pattern or it does not compile so.
inline std::unique_ptr<const RequiredWords> required_words_of(const std::string& pattern, const RE2::Options& options) {
  OpenedRepeats opened = open_counted_repeats(pattern);
  if (opened.pattern.empty()) return nullptr;
  if (std::string cheaper = negated_classes_as_any_byte(opened.pattern); !cheaper.empty())
    opened.pattern = std::move(cheaper);
  RE2::Options quiet = options;
  quiet.set_log_errors(false);
  const RE2 loose(opened.pattern, quiet);
  if (!loose.ok()) return nullptr;
  return RequiredWords::build({&loose});
}

inline std::vector<std::string> end_anchored_stops(const RE2& re) {
  if (!re.ok()) return {};
  return end_anchored_stops(re.pattern(), re.options());
}

// The end of the last occurrence of `word` in `text` (0: none).
inline std::size_t end_of_last(std::string_view text, std::string_view word) {
  if (word.empty()) return 0;
  for (std::size_t end = text.size(); end >= word.size();) {
    const std::size_t at = text.rfind(word.back(), end - 1);  // the word's last byte
    if (at == std::string_view::npos || at + 1 < word.size()) return 0;
    if (text.compare(at + 1 - word.size(), word.size(), word) == 0) return at + 1;
    end = at;
  }
  return 0;
}

// What follows the last of `stops` in `text` (all of it when none occurs):
// where end_anchored_stops(re)'s matches of `re` lie.
inline std::string_view after_last_stop(std::string_view text, const std::vector<std::string>& stops) {
  std::size_t from = 0;
  for (const std::string& stop : stops) from = std::max(from, end_of_last(text, stop));
  return text.substr(from);
}

}  // namespace plancmp
