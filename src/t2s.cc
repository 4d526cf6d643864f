// Phrase-level Traditional -> Simplified from the generated rule table. See t2s.h.
#include "t2s.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "utf8_util.h"

namespace plancmp::t2s {

namespace {

// rules_from()[c] .. rules_from()[c + 1]: the rules starting with BMP
// character c, in rule order (kRules is grouped by first character). Most
// characters of a phrase start none: two loads tell.
const std::vector<std::uint32_t>& rules_from() {
  static const std::vector<std::uint32_t> from = [] {
    std::vector<std::uint32_t> at(0x10001);
    std::size_t k = 0;
    for (char32_t c = 0; c <= 0x10000; ++c) {
      while (k < kRuleCount && kRules[k].from[0] < c) ++k;
      at[c] = static_cast<std::uint32_t>(k);
    }
    return at;
  }();
  return from;
}

}  // namespace

std::u32string convert(std::u32string_view s) {
  const Rule* begin = kRules;
  const Rule* end = kRules + kRuleCount;
  const std::uint32_t* from_bmp = rules_from().data();
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const char32_t c = s[i];
    // Rules starting with c, in rule order.
    const Rule* r;
    const Rule* r_end;
    if (c < 0x10000) {
      r = begin + from_bmp[c];
      r_end = begin + from_bmp[c + 1];
    } else {
      r = std::lower_bound(begin, end, c, [](const Rule& x, char32_t v) { return x.from[0] < v; });
      r_end = end;
    }
    bool matched = false;
    for (; r != r_end && r->from[0] == c; ++r) {
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
