// Phrase-level Traditional -> Simplified from the generated rule table. See t2s.h.
#include "t2s.h"

#include <cstdint>
#include <vector>

#include "utf8_util.h"

namespace plancmp::t2s {

namespace {

// The rules starting with character c, lo <= c < hi: kRules[at[c - lo]] up
// to kRules[at[c - lo + 1]] (kRules is grouped by first character, in rule
// order). Outside [lo, hi) no rule starts. Most characters of a phrase start
// none: two loads tell.
struct RuleIndex {
  char32_t lo = 0, hi = 0;
  std::vector<std::uint32_t> at;
};

const RuleIndex& rule_index() {
  static const RuleIndex index = [] {
    RuleIndex r;
    if (kRuleCount == 0) return r;
    r.lo = kRules[0].from[0];
    r.hi = kRules[kRuleCount - 1].from[0] + 1;
    r.at.resize(r.hi - r.lo + 1);
    std::size_t k = 0;
    for (char32_t c = r.lo; c <= r.hi; ++c) {
      while (k < kRuleCount && kRules[k].from[0] < c) ++k;
      r.at[c - r.lo] = static_cast<std::uint32_t>(k);
    }
    return r;
  }();
  return index;
}

}  // namespace

std::u32string convert(std::u32string_view s) {
  const RuleIndex& index = rule_index();
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const char32_t c = s[i];
    // Rules starting with c, in rule order.
    const Rule* r = kRules;
    const Rule* r_end = kRules;
    if (c >= index.lo && c < index.hi) {
      r = kRules + index.at[c - index.lo];
      r_end = kRules + index.at[c - index.lo + 1];
    }
    bool matched = false;
    for (; r != r_end; ++r) {
      std::u32string_view from(r->from);
      if (s.substr(i, from.size()) != from) continue;
      out += r->to;
      i += from.size();
      matched = true;
      break;
    }
    if (!matched) out.push_back(s[i++]);
  }
  return out;
}

std::string convert_utf8(std::string_view utf8) {
  return utf8::encode(convert(utf8::decode(utf8)));
}

}  // namespace plancmp::t2s
