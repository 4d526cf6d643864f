// Phrase-level Traditional -> Simplified from the generated rule table. See t2s.h.
#include "t2s.h"

#include <algorithm>
#include <vector>

#include "utf8_util.h"

namespace plancmp::t2s {

namespace {

// Bit c set: some rule starts with BMP character c. Most characters of a
// phrase start none and skip the search of the table.
const std::vector<bool>& rule_starts() {
  static const std::vector<bool> starts = [] {
    std::vector<bool> bits(0x10000, false);
    for (std::size_t k = 0; k < kRuleCount; ++k)
      if (kRules[k].from[0] < 0x10000) bits[kRules[k].from[0]] = true;
    return bits;
  }();
  return starts;
}

}  // namespace

std::u32string convert(std::u32string_view s) {
  const Rule* begin = kRules;
  const Rule* end = kRules + kRuleCount;
  const std::vector<bool>& starts = rule_starts();
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const char32_t c = s[i];
    if (c < 0x10000 && !starts[c]) {
      out.push_back(c);
      ++i;
      continue;
    }
    // Rules starting with c, in rule order.
    const Rule* r = std::lower_bound(begin, end, c, [](const Rule& x, char32_t v) { return x.from[0] < v; });
    bool matched = false;
    for (; r != end && r->from[0] == c; ++r) {
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
