// Shared by the tests of MatchGroups' users (units, targets): the groups
// MatchGroups reads from each whole match must be the ones RE2's own capture
// gives, position for position.
#pragma once
#include <doctest/doctest.h>
#include <re2/re2.h>

#include <cstddef>
#include <string>
#include <vector>

#include "regex_shortcuts.h"

namespace plancmp_test {

// Every match of `re` in each text, found as its scan would (each from the
// end of the one before); returns how many were compared.
inline std::size_t check_groups_like_re2(const RE2& re, const std::vector<std::string>& names,
                                         const std::vector<std::string>& texts) {
  const std::shared_ptr<const plancmp::MatchGroups> groups = plancmp::MatchGroups::of(re, names);
  const int n = re.NumberOfCapturingGroups() + 1;
  std::size_t matches = 0;
  for (const std::string& t : texts) {
    CAPTURE(re.pattern());
    CAPTURE(t);
    const re2::StringPiece text(t);
    std::size_t pos = 0;
    re2::StringPiece whole;
    while (pos <= t.size() && re.Match(text, pos, t.size(), RE2::UNANCHORED, &whole, 1)) {
      std::vector<re2::StringPiece> want(static_cast<std::size_t>(n));
      REQUIRE(re.Match(text, pos, t.size(), RE2::UNANCHORED, want.data(), n));
      REQUIRE(want[0].data() == whole.data());
      REQUIRE(want[0].size() == whole.size());
      const std::size_t b = static_cast<std::size_t>(whole.data() - t.data()), e = b + whole.size();
      std::vector<re2::StringPiece> got(names.size());
      REQUIRE(groups->read(re, text, b, e, got.data()));
      for (std::size_t i = 0; i < names.size(); ++i) {
        auto it = re.NamedCapturingGroups().find(names[i]);
        const re2::StringPiece w = it == re.NamedCapturingGroups().end() ? re2::StringPiece() : want[it->second];
        CHECK(got[i].data() == w.data());
        CHECK(got[i].size() == w.size());
      }
      ++matches;
      pos = e > pos ? e : pos + 1;
    }
  }
  return matches;
}

}  // namespace plancmp_test
