// Traditional -> Simplified without ICU at run time: ICU's own
// Traditional-Simplified rules, dumped into a table at build time by
// src/gen/t2s_gen.cc. Immutable data, so safe from any thread.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace plancmp::t2s {

struct Rule {
  const char32_t* from;  // what the rule matches (1+ code points)
  const char32_t* to;    // its replacement
};

// Generated: ICU's rules grouped by first character (rule order kept within
// a group), and per-character results for [kSingleLo, kSingleHi).
extern const char32_t kSingleLo, kSingleHi;
extern const char16_t kSingle[];  // 0: unchanged
extern const Rule kRules[];
extern const std::size_t kRuleCount;

// One code point converted on its own (ICU transliterating just `c`);
// unchanged when ICU gives several code points.
inline char32_t convert_char(char32_t c) {
  if (c < kSingleLo || c >= kSingleHi) return c;
  const char16_t to = kSingle[c - kSingleLo];
  return to ? static_cast<char32_t>(to) : c;
}

// A whole phrase, as ICU's transliterate() converts it: at each position the
// first rule (in rule order) that matches there applies, and scanning goes on
// after its match.
std::u32string convert(std::u32string_view s);
std::string convert_utf8(std::string_view utf8);

}  // namespace plancmp::t2s
