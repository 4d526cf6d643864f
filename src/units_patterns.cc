#include "units_patterns.h"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cstring>
#include <memory>

#include "derived_cache.h"
#include "grammar_internal.h"
#include "pattern_syntax.h"
#include "regex_shortcuts.h"

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

std::string after_opening_group(const std::string& p) {
  // A group, not flags: "(", "(?:" or "(?P<".
  if (p.empty() || p[0] != '(' ||
      (p.compare(0, 2, "(?") == 0 && p.compare(0, 3, "(?:") != 0 && p.compare(0, 4, "(?P<") != 0))
    return "";
  const std::size_t end = pattern_syntax::group_end(p, 0);  // past the group's ")"
  if (end == std::string::npos || end >= p.size() || std::strchr("*+?{", p[end])) return "";
  // An alternation at the top would take the group into one branch only.
  const auto branches = pattern_syntax::alternatives(p);
  if (!branches || branches->size() != 1) return "";
  return p.substr(end);
}

std::string named_group_text(const std::string& p, const std::string& name) {
  const std::string open = "(?P<" + name + ">";
  const std::size_t at = p.find(open);
  if (at == std::string::npos || p.find(open, at + 1) != std::string::npos) return {};
  for (std::size_t f = p.find("(?"); f != std::string::npos; f = p.find("(?", f + 1))
    if (p.compare(f, 3, "(?:") != 0 && p.compare(f, 4, "(?P<") != 0) return {};
  const std::size_t end = pattern_syntax::group_end(p, at);
  return end == std::string::npos ? std::string() : p.substr(at, end - at);
}

const RE2* to_end_of(const RE2& re) {
  static DerivedCache<RE2> built;
  return built
      .get(regex_key(re),
           [&] {
             RE2::Options options = re.options();
             options.set_never_capture(true);
             options.set_log_errors(false);
             // A lazy opening group (a rule's list of names, `(…+?)`) is
             // left out: most of the pattern to compile, and little of
             // what a match needs at its end.
             const std::string& p = re.pattern();
             std::string rest = options.literal() ? "" : after_opening_group(p);
             const std::size_t head = p.size() - rest.size();
             if (!rest.empty() && !(head >= 4 && p.compare(head - 2, 2, "?)") == 0 && std::strchr("+*}", p[head - 3])))
               rest.clear();
             auto to_end = shared_regex("(?:" + (rest.empty() ? re.pattern() : rest) + ")$", options);
             return to_end->ok() ? to_end : nullptr;
           })
      .get();
}

}  // namespace plancmp::units

namespace plancmp::units {

namespace {

// The code point of the three-byte character t[0..2] (lead 1110xxxx, two
// continuation bytes), or -1 when t holds none (RequiredWords' reading).
int three_byte_char(const unsigned char* t) {
  if ((t[0] & 0xF0) != 0xE0 || (t[1] & 0xC0) != 0x80 || (t[2] & 0xC0) != 0x80) return -1;
  return ((t[0] & 0x0F) << 12) | ((t[1] & 0x3F) << 6) | (t[2] & 0x3F);
}

std::size_t first_slot(char32_t c, std::size_t mask) { return (c * 0x9E3779B1u >> 12) & mask; }

}  // namespace

WordFinder::WordFinder(const RequiredWords& words) : always_(words.always()), first_bits_(65536 / 64) {
  auto first_of = [](const Word& w) {
    return w.text.size() >= 3 ? three_byte_char(reinterpret_cast<const unsigned char*>(w.text.data())) : -1;
  };
  for (const RequiredWords::WordClauses& w : words.word_clauses()) {
    Word word{std::string(w.text), w.first, w.second};
    (first_of(word) >= 0 ? words_ : other_).push_back(std::move(word));
  }
  std::stable_sort(words_.begin(), words_.end(), [&](const Word& a, const Word& b) { return first_of(a) < first_of(b); });
  std::size_t distinct = 0;
  for (std::size_t i = 0; i < words_.size(); ++i) distinct += i == 0 || first_of(words_[i]) != first_of(words_[i - 1]);
  std::size_t size = 8;
  while (size < 2 * distinct) size *= 2;
  firsts_.assign(size, First{});
  for (std::size_t i = 0; i < words_.size();) {
    const auto c = static_cast<char32_t>(first_of(words_[i]));
    std::size_t j = i;
    while (j < words_.size() && first_of(words_[j]) == static_cast<int>(c)) ++j;
    std::size_t slot = first_slot(c, size - 1);
    while (firsts_[slot].end != 0) slot = (slot + 1) & (size - 1);
    firsts_[slot] = {c, static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j)};
    first_bits_[c / 64] |= std::uint64_t{1} << (c % 64);
    last_byte_[static_cast<unsigned char>(words_[i].text[2])] = true;
    i = j;
  }
}

std::uint64_t WordFinder::may_match(std::string_view span) const {
  std::uint64_t first = 0, second = 0;  // the clauses that have a word in span
  for (const Word& w : other_)
    if (span.find(w.text) != std::string_view::npos) {
      first |= w.first;
      second |= w.second;
    }
  const auto* t = reinterpret_cast<const unsigned char*>(span.data());
  const std::size_t n = span.size();
  const std::size_t mask = firsts_.size() - 1;
  // Character by character (no word starts inside one): a three-byte one
  // is ruled out by its last byte mostly, decoded only when that byte ends
  // some first character.
  // (Where four bytes fit, the lead and its two continuation bytes are
  // tested with one mask.)
  auto three_byte_at = [&](std::size_t i) {
    if (std::endian::native == std::endian::little && i + 3 < n) {
      std::uint32_t w;
      std::memcpy(&w, t + i, 4);
      return (w & 0x00C0C0F0u) == 0x008080E0u;
    }
    return (t[i] & 0xF0) == 0xE0 && (t[i + 1] & 0xC0) == 0x80 && (t[i + 2] & 0xC0) == 0x80;
  };
  for (std::size_t i = 0; i + 2 < n;) {
    if (!three_byte_at(i)) {
      ++i;
      continue;
    }
    const std::size_t at = i;
    i += 3;
    if (!last_byte_[t[at + 2]]) continue;
    const auto c = static_cast<char32_t>(((t[at] & 0x0F) << 12) | ((t[at + 1] & 0x3F) << 6) | (t[at + 2] & 0x3F));
    if (!(first_bits_[c >> 6] >> (c & 63) & 1)) continue;
    std::size_t slot = first_slot(c, mask);
    while (firsts_[slot].c != c) slot = (slot + 1) & mask;
    for (std::uint32_t w = firsts_[slot].begin; w < firsts_[slot].end; ++w) {
      const std::string& word = words_[w].text;
      if (at + word.size() > n) continue;
      std::size_t k = 3;
      while (k < word.size() && t[at + k] == static_cast<unsigned char>(word[k])) ++k;
      if (k < word.size()) continue;
      first |= words_[w].first;
      second |= words_[w].second;
    }
  }
  return always_ | (first & second);
}

}  // namespace plancmp::units
