// Phrase-level Traditional -> Simplified from the generated rule table. See t2s.h.
#include "t2s.h"

#include <algorithm>

#include "utf8_util.h"

namespace plancmp::t2s {

std::u32string convert(std::u32string_view s) {
  const Rule* begin = kRules;
  const Rule* end = kRules + kRuleCount;
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const char32_t c = s[i];
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
