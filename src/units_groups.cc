#include "units_groups.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>

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
