#include "units_regex.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>

#include <re2/filtered_re2.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace plancmp {

namespace {

constexpr std::size_t kNone = std::string::npos;

// Index past the `]` closing the class that opens at p[i]; kNone for what this
// scan does not follow (nested brackets such as [:alpha:], \Q quoting).
std::size_t class_end(const std::string& p, std::size_t i) {
  std::size_t j = i + 1;
  if (j < p.size() && p[j] == '^') ++j;
  if (j < p.size() && p[j] == ']') ++j;  // a leading ] is literal
  for (; j < p.size(); ++j) {
    if (p[j] == '\\') {
      if (j + 1 >= p.size() || p[j + 1] == 'Q') return kNone;
      ++j;
    } else if (p[j] == '[') {
      return kNone;
    } else if (p[j] == ']') {
      return j + 1;
    }
  }
  return kNone;
}

// Index past the `)` closing the group that opens at p[i]; kNone when not followed.
std::size_t group_end(const std::string& p, std::size_t i) {
  int depth = 0;
  for (std::size_t j = i; j < p.size(); ++j) {
    const char c = p[j];
    if (c == '\\') {
      if (j + 1 >= p.size() || p[j + 1] == 'Q') return kNone;
      ++j;
    } else if (c == '[') {
      const std::size_t k = class_end(p, j);
      if (k == kNone) return kNone;
      j = k - 1;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      return j + 1;
    }
  }
  return kNone;
}

// The text a pattern piece matches when it is plain literal text (escaped
// punctuation allowed), else nullopt.
std::optional<std::string> literal_text(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\\') {
      if (i + 1 >= s.size()) return std::nullopt;
      const unsigned char e = static_cast<unsigned char>(s[++i]);
      if (e >= 0x80 || !std::strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", e)) return std::nullopt;
      out += static_cast<char>(e);
    } else if (c < 0x80 && std::strchr(".+*?()|[]{}^$", c)) {
      return std::nullopt;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace

MatchGroups::MatchGroups(const RE2& re, const std::vector<std::string>& names) : re_(re) {
  const std::string& p = re.pattern();
  const RE2::Options& o = re.options();
  // Leftmost-first matching of a pattern as written (literal_text and the
  // lazy loop assume it).
  const bool plain = !o.longest_match() && !o.literal() && !o.posix_syntax() && o.case_sensitive();
  for (const std::string& name : names) {
    Group g;
    auto it = re.NamedCapturingGroups().find(name);
    if (it != re.NamedCapturingGroups().end()) g.index = it->second;
    const std::string open = "(?P<" + name + ">";
    const std::size_t at = p.find(open);
    const std::size_t end = at == kNone ? kNone : group_end(p, at);
    // The pattern names the group once; a second `open` could only be
    // inside a class or escaped, where find() might still see it: then no shape.
    if (g.index >= 0 && plain && end != kNone && p.find(open, at + 1) == kNone) {
      const std::optional<std::string> head = literal_text(std::string_view(p).substr(0, at));
      const std::optional<std::string> tail = literal_text(std::string_view(p).substr(end));
      const std::string body = p.substr(at + open.size(), end - 1 - at - open.size());
      if (head && tail) {
        g.shape = Group::Shape::kLiteralFrame;
        g.head = head->size();
        g.tail = tail->size();
      } else if (at == 0 && !body.empty() && body[0] == '[' && class_end(body, 0) == body.size() - 2 &&
                 body.compare(body.size() - 2, 2, "+?") == 0) {
        auto rest = std::make_unique<RE2>("(?:" + p.substr(end) + ")", o);
        if (rest->ok()) {
          g.shape = Group::Shape::kLazyClassHead;
          g.rest = std::move(rest);
        }
      }
    }
    if (g.index >= 0 && g.shape == Group::Shape::kOpen) {
      capture_ = true;
      ncapture_ = std::max(ncapture_, g.index + 1);
    }
    groups_.push_back(std::move(g));
  }
}

bool MatchGroups::read(re2::StringPiece text, std::size_t b, std::size_t e, re2::StringPiece* out) const {
  if (capture_) {
    re2::StringPiece sub[8];
    std::vector<re2::StringPiece> many;
    re2::StringPiece* s = sub;
    if (ncapture_ > 8) {
      many.resize(static_cast<std::size_t>(ncapture_));
      s = many.data();
    }
    // The match is known: the capture engine runs on it alone. Its first
    // parse that ends at e is the one the unanchored search chose.
    if (!re_.Match(text, b, e, RE2::ANCHOR_BOTH, s, ncapture_)) return false;
    for (std::size_t i = 0; i < groups_.size(); ++i)
      out[i] = groups_[i].index >= 0 ? s[groups_[i].index] : re2::StringPiece();
    return true;
  }
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    const Group& g = groups_[i];
    out[i] = re2::StringPiece();
    if (g.index < 0) continue;
    if (g.shape == Group::Shape::kLiteralFrame) {
      if (e - b < g.head + g.tail) return false;
      out[i] = re2::StringPiece(text.data() + b + g.head, e - b - g.head - g.tail);
      continue;
    }
    // kLazyClassHead: the group takes at least one character; the rest
    // starts at the leftmost place from which it ends the match.
    re2::StringPiece rest;
    const bool found = b < e && g.rest->Match(text, b + 1, e, RE2::UNANCHORED, &rest, 1);
    const std::size_t p = found ? static_cast<std::size_t>(rest.data() - text.data()) : 0;
    // Not where a character starts (inside the group's first character),
    // or no way found to end the match there: ask RE2.
    if (!found || p + rest.size() != e || (p < e && (static_cast<unsigned char>(text[p]) & 0xC0) == 0x80)) {
      std::vector<re2::StringPiece> all(static_cast<std::size_t>(g.index + 1));
      if (!re_.Match(text, b, e, RE2::ANCHOR_BOTH, all.data(), g.index + 1)) return false;
      out[i] = all[static_cast<std::size_t>(g.index)];
      continue;
    }
    out[i] = re2::StringPiece(text.data() + b, p - b);
  }
  return true;
}

}  // namespace plancmp

namespace plancmp {

namespace {

// Could a text hold this word in another case than the word's own? FilteredRE2
// gives its words lowercased, so a word that changes under case mapping is
// not compared byte for byte.
bool has_case(std::string_view w) {
  for (std::size_t i = 0; i < w.size();) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(w.data()), i, w.size(), c);
    if (c < 0 || u_hasBinaryProperty(c, UCHAR_CHANGES_WHEN_CASEMAPPED)) return true;
  }
  return false;
}

// The code point of a three-byte UTF-8 character at t (lead byte 1110xxxx
// checked by the caller), or -1 when t does not hold one.
int three_byte_char(const unsigned char* t) {
  if ((t[1] & 0xC0) != 0x80 || (t[2] & 0xC0) != 0x80) return -1;
  return ((t[0] & 0x0F) << 12) | ((t[1] & 0x3F) << 6) | (t[2] & 0x3F);
}

}  // namespace

std::shared_ptr<const RequiredWords> RequiredWords::of(const std::vector<const RE2*>& rules) {
  std::string key;
  for (const RE2* re : rules) {
    key += re->pattern();
    key += '\0';
  }
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const RequiredWords>> built;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = built[key];
  if (!slot) slot.reset(new RequiredWords(rules));
  return slot;
}

RequiredWords::RequiredWords(const std::vector<const RE2*>& rules) : first_bits_(65536 / 64) {
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const std::uint64_t bit = std::uint64_t{1} << i;
    std::vector<std::string> atoms;
    re2::FilteredRE2 filter;
    int id = 0;
    bool filtered = i < 64 && filter.Add(rules[i]->pattern(), rules[i]->options(), &id) == RE2::NoError;
    if (filtered) {
      filter.Compile(&atoms);
      std::vector<int> passed;
      filter.AllPotentials({}, &passed);
      // Passing with no word at all, or a word that is empty or could be
      // written in another case: no test for this rule.
      filtered = passed.empty() && !atoms.empty();
      for (const std::string& a : atoms) filtered = filtered && !a.empty() && !has_case(a);
    }
    if (!filtered) {
      if (i < 64) always_ |= bit;
      continue;
    }
    for (const std::string& a : atoms) {
      auto it = std::find_if(words_.begin(), words_.end(), [&](const Word& w) { return w.text == a; });
      if (it == words_.end()) it = words_.insert(words_.end(), Word{a, 0});
      it->rules |= bit;
    }
  }
  // Words that start with another character first, then by first character.
  auto key = [](const Word& w) {
    const auto* t = reinterpret_cast<const unsigned char*>(w.text.data());
    return w.text.size() >= 3 && (t[0] & 0xF0) == 0xE0 ? three_byte_char(t) : -1;
  };
  std::sort(words_.begin(), words_.end(), [&](const Word& a, const Word& b) { return key(a) < key(b); });
  for (std::size_t i = 0; i < words_.size(); ++i) {
    const int k = key(words_[i]);
    if (k < 0) {
      other_words_ = i + 1;
      continue;
    }
    if (firsts_.empty() || firsts_.back().c != k) firsts_.push_back({k, i, i});
    firsts_.back().last = i + 1;
    first_bits_[static_cast<std::size_t>(k) / 64] |= std::uint64_t{1} << (k % 64);
  }
}

std::uint64_t RequiredWords::may_match(std::string_view span) const {
  std::uint64_t out = always_;
  for (std::size_t i = 0; i < other_words_; ++i)
    if (span.find(words_[i].text) != std::string_view::npos) out |= words_[i].rules;
  if (firsts_.empty()) return out;
  // Each three-byte character once (no word starts inside one), and every
  // other byte.
  const auto* t = reinterpret_cast<const unsigned char*>(span.data());
  for (std::size_t i = 0; i + 2 < span.size();) {
    const int c = (t[i] & 0xF0) == 0xE0 ? three_byte_char(t + i) : -1;
    if (c < 0) {
      ++i;
      continue;
    }
    const std::size_t at = i;
    i += 3;
    if (!(first_bits_[static_cast<std::size_t>(c) / 64] >> (c % 64) & 1)) continue;
    auto f = std::lower_bound(firsts_.begin(), firsts_.end(), c, [](const First& a, int v) { return a.c < v; });
    for (std::size_t w = f->first; w < f->last; ++w)
      if (span.compare(at, words_[w].text.size(), words_[w].text) == 0) out |= words_[w].rules;
  }
  return out;
}

}  // namespace plancmp
