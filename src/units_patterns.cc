#include "units_patterns.h"

#include <cctype>
#include <memory>

#include "derived_cache.h"
#include "grammar_internal.h"

namespace plancmp::units {

bool ends_at_text_end(const RE2& re) {
  const std::string& p = re.pattern();
  if (p.empty() || p.back() != '$' || (re.options().posix_syntax() && !re.options().one_line())) return false;
  int depth = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' || c == '[') {
      const std::size_t end = pattern_token_end(p, i);
      if (end == std::string::npos || end >= p.size()) return false;  // the last `$` escaped or in a class
      i = end - 1;
    } else if (c == '(') {
      ++depth;
      // Flags: (?m) or (?m:…) makes `$` a line's end (any group's leading
      // letters are looked at: in doubt, false).
      for (std::size_t j = i + 1; j < p.size(); ++j) {
        const auto f = static_cast<unsigned char>(p[j]);
        if (f != '?' && f != '-' && !std::isalpha(f)) break;
        if (f == 'm') return false;
      }
    } else if (c == ')') {
      --depth;
    } else if (c == '|' && depth == 0) {
      return false;
    }
  }
  return true;
}

// PossibleMatchRange speaks of matches at the start of a text: it holds at
// any position only for a pattern that asserts nothing about what precedes.
std::string opening_literal(const RE2& re) {
  std::string min, max;
  if (!pattern_context_free(re.pattern()) || RE2::FullMatch("", re) || !re.PossibleMatchRange(&min, &max, 6))
    return "";
  std::size_t common = 0;
  while (common < min.size() && common < max.size() && min[common] == max[common]) ++common;
  return min.substr(0, common);
}

const PatternFacts& facts_of(const RE2& re) {
  static DerivedCache<PatternFacts> built;
  return *built.get(regex_key(re), [&] {
    return std::make_shared<const PatternFacts>(PatternFacts{opening_literal(re), ends_at_text_end(re)});
  });
}

const RE2* to_end_of(const RE2& re) {
  static DerivedCache<RE2> built;
  return built
      .get(regex_key(re),
           [&] {
             RE2::Options options = re.options();
             options.set_never_capture(true);
             options.set_log_errors(false);
             auto to_end = std::make_shared<const RE2>("(?:" + re.pattern() + ")$", options);
             return to_end->ok() ? to_end : nullptr;
           })
      .get();
}

}  // namespace plancmp::units
