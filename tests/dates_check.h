// Shared by the tests of the line pass (line_rules_test, line_rules_windows_test):
// find_dates with the line lists must find what it finds without them.
#pragma once
#include <doctest/doctest.h>

#include <cstddef>
#include <vector>

#include "plancmp/extract.h"

namespace plancmp_test {

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
