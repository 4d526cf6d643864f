// Shared by the tests of the line pass (line_rules_test, line_rules_windows_test):
// each line's lists must hold what every rule set finds on the line, and
// find_dates with the lists must find what it finds without them.
#pragma once
#include <doctest/doctest.h>

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <vector>

#include "grammar_internal.h"
#include "plancmp/extract.h"
#include "plancmp/normalize.h"

namespace plancmp_test {

// For each line of `nt`: lines.dates holds every dates rule matching the line
// without its break, lines.values every values rule matching it with its
// break. Returns how many rules the lists hold in all.
inline std::size_t check_lines_hold_own_answers(const plancmp::NormalizedText& nt, const plancmp::LineRules& lines,
                                                const plancmp::Grammar& grammar) {
  const plancmp::RuleSet& dates = grammar.impl().rule_set("dates.yaml", "dates");
  const plancmp::RuleSet& values = grammar.impl().rule_set("targets.yaml", "values");
  const std::string& text = nt.text();
  std::size_t listed = 0;
  for (std::size_t k = 0; k < lines.line_begin.size(); ++k) {
    const std::size_t b = lines.line_begin[k];
    const std::size_t e = k + 1 < lines.line_begin.size() ? lines.line_begin[k + 1] : text.size();
    const std::string_view with_break(text.data() + b, e - b);
    const std::string_view without(text.data() + b, e - b - (text[e - 1] == '\n' ? 1 : 0));
    CAPTURE(with_break);
    const std::vector<int> own_dates = dates.matching(without), own_values = values.matching(with_break);
    CHECK(std::includes(lines.dates[k].begin(), lines.dates[k].end(), own_dates.begin(), own_dates.end()));
    CHECK(std::includes(lines.values[k].begin(), lines.values[k].end(), own_values.begin(), own_values.end()));
    listed += lines.dates[k].size() + lines.values[k].size();
  }
  return listed;
}

// Every mention, in order: the same place, rule and date.
inline void check_same_dates(const std::vector<plancmp::DateMention>& own,
                             const std::vector<plancmp::DateMention>& shared) {
  REQUIRE(own.size() == shared.size());
  for (std::size_t i = 0; i < own.size(); ++i) {
    CHECK(own[i].begin == shared[i].begin);
    CHECK(own[i].end == shared[i].end);
    CHECK(own[i].rule == shared[i].rule);
    CHECK(own[i].date == shared[i].date);
  }
}

}  // namespace plancmp_test
