#include "regex_shortcuts.h"

#include <algorithm>
#include <cstring>
#include <optional>
#include <string_view>

#include <re2/filtered_re2.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "derived_cache.h"
#include "grammar_internal.h"
#include "pair_scan.h"
#include "pattern_syntax.h"

namespace plancmp {

namespace {

constexpr std::size_t kNone = std::string::npos;

using pattern_syntax::alternatives;
using pattern_syntax::group_end;

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

// Bytes of the UTF-8 character whose lead byte is c.
std::size_t char_bytes(unsigned char c) { return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4; }

// The one character a pattern piece matches when it is a single literal one.
std::optional<std::string> one_char(std::string_view s) {
  std::optional<std::string> t = literal_text(s);
  if (!t || t->empty() || t->size() != char_bytes(static_cast<unsigned char>((*t)[0]))) return std::nullopt;
  return t;
}

// Does the class `cls` (a pattern piece `[…]`) match the character c?
bool class_has(const std::string& cls, const std::string& c, const RE2::Options& o) {
  // Rules share their classes (a grammar's name characters, costly to
  // compile in UTF-8): each is compiled once per process.
  static DerivedCache<RE2> built;
  const auto re = built.get(cls + '\0' + options_key(o), [&] { return std::make_shared<const RE2>(cls, o); });
  return !re->ok() || RE2::FullMatch(c, *re);  // unsure counts as yes
}

// The loop of a lazy head, `(?:X)` or `[…]`, as its alternatives: true when
// X never matches a proper prefix of what it matches (see regex_shortcuts.h);
// `single`: every alternative is one character; `long_firsts`: the first
// characters of the others.
bool prefix_free(const std::string& loop, const RE2::Options& o, bool& single, std::vector<std::string>& long_firsts) {
  std::vector<std::string> alts;
  if (loop[0] == '[') {
    alts.push_back(loop);
  } else if (auto a = alternatives(loop.substr(3, loop.size() - 4))) {
    alts = std::move(*a);
  } else {
    return false;
  }
  std::vector<std::string> classes, firsts;  // one-character alternatives; the others' first characters
  for (const std::string& a : alts) {
    if (!a.empty() && a[0] == '[' && pattern_token_end(a, 0) == a.size()) {
      classes.push_back(a);
      continue;
    }
    if (one_char(a)) {
      classes.push_back(a);
      continue;
    }
    // a[…]{m,n}b
    const std::size_t k = a.find('[');
    const std::size_t ce = k == kNone ? kNone : pattern_token_end(a, k);
    if (ce == kNone || ce >= a.size()) return false;
    std::optional<std::string> first = one_char(std::string_view(a).substr(0, k));
    std::size_t q = ce;
    if (a[q] == '+' || a[q] == '*') {
      ++q;
    } else if (a[q] == '{') {
      while (q < a.size() && a[q] != '}') {
        if (!(a[q] == '{' || a[q] == ',' || (a[q] >= '0' && a[q] <= '9'))) return false;
        ++q;
      }
      ++q;
    } else {
      return false;
    }
    if (q >= a.size() || a[q] == '?' || a[q] == '+') return false;
    std::optional<std::string> last = one_char(std::string_view(a).substr(q));
    if (!first || !last || class_has(a.substr(k, ce - k), *last, o)) return false;
    for (const std::string& f : firsts)
      if (f == *first) return false;
    firsts.push_back(*first);
  }
  single = classes.size() == alts.size();
  // No one-character alternative may start where a longer one does.
  for (const std::string& f : firsts)
    for (const std::string& c : classes)
      if (c[0] == '[' ? class_has(c, f, o) : one_char(c) == f) return false;
  long_firsts = firsts;
  return true;
}

}  // namespace

std::shared_ptr<const MatchGroups> MatchGroups::of(const RE2& re, const std::vector<std::string>& names) {
  std::string key = regex_key(re);
  for (const std::string& n : names) key += n + '\0';
  static DerivedCache<MatchGroups> built;
  return built.get(key, [&] { return std::shared_ptr<const MatchGroups>(build(re, names)); });
}

std::unique_ptr<const MatchGroups> MatchGroups::build(const RE2& re, const std::vector<std::string>& names) {
  return std::unique_ptr<const MatchGroups>(new MatchGroups(re, names));
}

MatchGroups::MatchGroups(const RE2& re, const std::vector<std::string>& names) {
  const std::string& p = re.pattern();
  const RE2::Options& o = re.options();
  // Leftmost-first matching of a pattern as written (literal_text and the
  // lazy loop assume it).
  const bool plain = !o.longest_match() && !o.literal() && !o.posix_syntax() && o.case_sensitive() &&
                     o.encoding() == RE2::Options::EncodingUTF8;  // the group reads step over UTF-8
  std::size_t lazy_group_end = kNone;  // where the lazy head group ends in p
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
      } else if (at == 0 && !lazy_) {
        // H, then the loop `(?:X)` or `[…]`, then `+?` or `*?`.
        std::size_t k = 0;
        while (k < body.size() && body[k] != '(' && body[k] != '[') k += body[k] == '\\' ? 2 : 1;
        const std::size_t loop_end = k >= body.size() ? kNone
                                     : body[k] == '[' ? pattern_token_end(body, k)
                                     : body.compare(k, 3, "(?:") == 0 ? group_end(body, k)
                                                                      : kNone;
        const std::optional<std::string> lit = literal_text(std::string_view(body).substr(0, std::min(k, body.size())));
        // The rest has one alternative (tested below): its text as it
        // stands is a pattern of its own, and its groups' shapes can be read
        // from it (rest_groups).
        const std::string rest = p.substr(end);
        const auto rest_alts = alternatives(p.substr(end));
        bool single = false;
        std::vector<std::string> long_firsts;
        if (lit && loop_end != kNone && loop_end + 2 == body.size() && body[loop_end + 1] == '?' &&
            (body[loop_end] == '+' || body[loop_end] == '*') && rest_alts && rest_alts->size() == 1 &&
            prefix_free(body.substr(k, loop_end - k), o, single, long_firsts)) {
          auto h = std::make_unique<LazyHead>();
          h->head = lit->size();
          h->at_least_one = body[loop_end] == '+';
          h->rest = std::make_unique<RE2>(rest, o);
          h->single = single;
          h->loop_pattern = body.substr(0, loop_end + 1);
          h->loop_options = o;
          h->loop_options.set_log_errors(false);
          h->long_firsts = std::move(long_firsts);
          RE2::Options quiet = o;
          quiet.set_log_errors(false);
          quiet.set_never_capture(true);  // asked for the match, not for groups
          h->rest_to_end = shared_regex("(?:" + rest + ")$", quiet);
          if (!h->rest_to_end->ok()) h->rest_to_end.reset();
          h->rest_context_free = pattern_context_free(p.substr(end));
          if (h->rest->ok()) {
            g.shape = Group::Shape::kLazyHead;
            lazy_ = std::move(h);
            lazy_group_end = end;
          }
        }
      }
    }
    if (g.index >= 0) ncapture_ = std::max(ncapture_, g.index + 1);
    groups_.push_back(std::move(g));
  }
  // The other groups after the lazy head are read from its rest.
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    Group& g = groups_[i];
    if (g.shape != Group::Shape::kOpen || g.index < 0 || !lazy_) continue;
    const std::string open = "(?P<" + names[i] + ">";
    const std::size_t at = p.find(open);
    auto it = lazy_->rest->NamedCapturingGroups().find(names[i]);
    if (at != kNone && at >= lazy_group_end && it != lazy_->rest->NamedCapturingGroups().end()) {
      g.shape = Group::Shape::kInRest;
      g.rest_index = static_cast<int>(lazy_->rest_names.size());
      lazy_->rest_names.push_back(names[i]);
    }
  }
  if (lazy_ && !lazy_->rest_names.empty()) lazy_->rest_groups = build(*lazy_->rest, lazy_->rest_names);
  bool open = false;
  for (const Group& g : groups_) open |= g.index >= 0 && g.shape == Group::Shape::kOpen;
  if (open && plain && !lazy_) find_closing(p, o, names);
  for (const Group& g : groups_) capture_ |= g.index >= 0 && g.shape == Group::Shape::kOpen;
}

void MatchGroups::find_closing(const std::string& p, const RE2::Options& o, const std::vector<std::string>& names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (groups_[i].index < 0) continue;
    const std::string open = "(?P<" + names[i] + ">";
    const std::size_t at = p.find(open);
    if (at == kNone || at == 0 || p.find(open, at + 1) != kNone || group_end(p, at) != p.size()) continue;
    // L whole at the top: balanced, one alternative, and no flags (a `(?i)`
    // there would reach into R).
    const std::string left = p.substr(0, at);
    const auto alts = alternatives(left);
    bool flags = false;
    for (std::size_t f = left.find("(?"); f != kNone; f = left.find("(?", f + 1))
      flags |= left.compare(f, 3, "(?:") != 0 && left.compare(f, 4, "(?P<") != 0;
    if (!alts || alts->size() != 1 || flags) continue;
    RE2::Options quiet = o;
    quiet.set_log_errors(false);
    auto c = std::make_unique<ClosingGroup>();
    c->head = std::make_unique<RE2>(left, quiet);
    RE2::Options bare = quiet;
    bare.set_never_capture(true);  // R is asked whether it matches, not for groups
    c->tail = shared_regex("(?:" + p.substr(at + open.size(), p.size() - 1 - at - open.size()) + ")", bare);
    if (!c->head->ok() || !c->tail->ok()) continue;
    // The other open groups must be L's.
    std::vector<int> head_index(names.size(), -1);
    bool all = true;
    for (std::size_t j = 0; j < names.size(); ++j) {
      if (j == i || groups_[j].index < 0 || groups_[j].shape != Group::Shape::kOpen) continue;
      auto it = c->head->NamedCapturingGroups().find(names[j]);
      if (it == c->head->NamedCapturingGroups().end()) {
        all = false;
        break;
      }
      head_index[j] = it->second;
      c->nhead = std::max(c->nhead, it->second + 1);
    }
    if (!all || c->nhead > 8) continue;
    groups_[i].shape = Group::Shape::kClosing;
    for (std::size_t j = 0; j < names.size(); ++j)
      if (head_index[j] >= 0) {
        groups_[j].shape = Group::Shape::kInHead;
        groups_[j].rest_index = head_index[j];
      }
    closing_ = std::move(c);
    return;
  }
}

bool MatchGroups::read_head(re2::StringPiece text, std::size_t b, std::size_t e, re2::StringPiece* caps) const {
  // L's highest-priority parse from b that ends by e; the match took it if
  // R spans the rest exactly.
  if (!closing_->head->Match(text, b, e, RE2::ANCHOR_START, caps, closing_->nhead)) return false;
  const std::size_t l_end = static_cast<std::size_t>(caps[0].data() - text.data()) + caps[0].size();
  return closing_->tail->Match(text, l_end, e, RE2::ANCHOR_BOTH, nullptr, 0);
}

bool MatchGroups::capture(const RE2& re, re2::StringPiece text, std::size_t b, std::size_t e, re2::StringPiece* out) const {
  re2::StringPiece sub[8];
  std::vector<re2::StringPiece> many;
  re2::StringPiece* s = sub;
  if (ncapture_ > 8) {
    many.resize(static_cast<std::size_t>(ncapture_));
    s = many.data();
  }
  // The match is known: the capture engine runs on it alone. Its first
  // parse that ends at e is the one the unanchored search chose.
  if (!re.Match(text, b, e, RE2::ANCHOR_BOTH, s, ncapture_)) return false;
  for (std::size_t i = 0; i < groups_.size(); ++i)
    out[i] = groups_[i].index >= 0 ? s[groups_[i].index] : re2::StringPiece();
  return true;
}

const RE2* MatchGroups::LazyHead::loop() const {
  std::call_once(loop_once_, [&] {
    loop_ = shared_regex(loop_pattern, loop_options);
    if (!loop_->ok()) loop_.reset();
  });
  return loop_.get();
}

MatchGroups::Chain MatchGroups::on_chain(re2::StringPiece text, std::size_t b, std::size_t at) const {
  const LazyHead& h = *lazy_;
  auto chain = [](bool on) { return on ? Chain::kOn : Chain::kOff; };
  // One character per iteration: the places after whole characters, and
  // the loop's start (`*?`), which a match that starts inside a character
  // (with `\C`, or an empty rest) has as its only place.
  if (h.single)
    return chain(at == b + h.head || at == text.size() || (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80);
  // Callers ask only for places up to the group's end, so the loop's
  // iterations cover the text up to `at`. Where none of them can be longer
  // than a character (no long alternative's first character), each takes
  // one whole character (a class matches only valid UTF-8): every
  // character's start is a place.
  if (at > b + h.head && (at == text.size() || (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80)) {
    const std::string_view run(text.data() + b + h.head, at - b - h.head);
    bool long_start = false;
    for (const std::string& f : h.long_firsts) long_start = long_start || run.find(f) != std::string_view::npos;
    if (!long_start) return Chain::kOn;
  }
  const RE2* loop = h.loop();
  return loop ? chain(loop->Match(text, b, at, RE2::ANCHOR_BOTH, nullptr, 0)) : Chain::kUnknown;
}

std::size_t MatchGroups::lazy_end(re2::StringPiece text, std::size_t b, std::size_t e) const {
  const LazyHead& h = *lazy_;
  std::size_t s = b + h.head;
  if (s > e || (h.at_least_one && s >= e)) return kNone;
  // The first iteration takes a character at least.
  if (h.at_least_one) s += char_bytes(static_cast<unsigned char>(text[s]));
  re2::StringPiece m;
  // The loop stops at the first place on its chain where the rest matches
  // at all, and the rest from there is the match's end. So the group ends
  // at the leftmost place from which the rest spans [place, e) exactly,
  // when that place is on the chain (else at a later one): one backward
  // pass of the rest's reverse DFA from e, on the text cut at e. The cut
  // changes nothing for a rest that asserts nothing of what follows it.
  if (h.rest_to_end && s <= e && (h.rest_context_free || e == text.size()) &&
      h.rest_to_end->Match(re2::StringPiece(text.data(), e), s, e, RE2::UNANCHORED, &m, 1)) {
    const std::size_t at = static_cast<std::size_t>(m.data() - text.data());
    const Chain chain = on_chain(text, b, at);
    if (chain == Chain::kUnknown) return kNone;
    if (chain == Chain::kOn) return at;
  }
  // The whole text, as the search that found the match saw it (for `$`).
  while (s <= e && h.rest->Match(text, s, text.size(), RE2::UNANCHORED, &m, 1)) {
    const std::size_t at = static_cast<std::size_t>(m.data() - text.data());
    if (at > e) return kNone;
    const Chain chain = on_chain(text, b, at);
    if (chain == Chain::kUnknown) return kNone;
    if (chain == Chain::kOn) return at + m.size() == e ? at : kNone;
    s = at + 1;
  }
  return kNone;
}

bool MatchGroups::read(const RE2& re, re2::StringPiece text, std::size_t b, std::size_t e, re2::StringPiece* out) const {
  if (capture_) return capture(re, text, b, e, out);
  std::size_t lazy_at = kNone;
  if (lazy_) {
    lazy_at = lazy_end(text, b, e);
    if (lazy_at == kNone) return capture(re, text, b, e, out);
  }
  re2::StringPiece head[8];
  std::vector<re2::StringPiece> rest;
  bool rest_read = false;
  if (closing_ && !read_head(text, b, e, head)) return capture(re, text, b, e, out);
  for (std::size_t i = 0; i < groups_.size(); ++i) {
    const Group& g = groups_[i];
    out[i] = re2::StringPiece();
    if (g.index < 0) continue;
    switch (g.shape) {
      case Group::Shape::kLiteralFrame:
        if (e - b < g.head + g.tail) return false;
        out[i] = re2::StringPiece(text.data() + b + g.head, e - b - g.head - g.tail);
        break;
      case Group::Shape::kLazyHead:
        out[i] = re2::StringPiece(text.data() + b, lazy_at - b);
        break;
      case Group::Shape::kInRest:
        if (!rest_read) {
          // R's first parse from where the group ends is the one the match
          // took: [lazy_at, e) is R's match there.
          rest.resize(lazy_->rest_names.size());
          if (!lazy_->rest_groups->read(*lazy_->rest, text, lazy_at, e, rest.data()))
            return capture(re, text, b, e, out);
          rest_read = true;
        }
        out[i] = rest[g.rest_index];
        break;
      case Group::Shape::kClosing:
        out[i] = re2::StringPiece(head[0].data() + head[0].size(), text.data() + e - head[0].data() - head[0].size());
        break;
      case Group::Shape::kInHead:
        out[i] = head[g.rest_index];
        break;
      case Group::Shape::kOpen:
        break;  // not reached: capture_
    }
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

std::string negated_classes_as_any_byte(const std::string& p) {
  std::string out;
  for (std::size_t i = 0; i < p.size();) {
    if (p[i] != '\\' && p[i] != '[') {
      out += p[i++];
      continue;
    }
    const std::size_t end = pattern_token_end(p, i);
    if (end == std::string::npos) return "";
    if (p[i] == '[' && i + 1 < p.size() && p[i + 1] == '^') out += "\\C";
    else out.append(p, i, end - i);
    i = end;
  }
  return out;
}

std::string without_group_names(const std::string& p) {
  std::string out;
  for (std::size_t i = 0; i < p.size();) {
    if (p[i] == '\\' || p[i] == '[') {
      const std::size_t end = pattern_token_end(p, i);
      if (end == std::string::npos) return p;
      out.append(p, i, end - i);
      i = end;
    } else if (p.compare(i, 4, "(?P<") == 0) {
      const std::size_t close = p.find('>', i);
      if (close == std::string::npos) return p;
      out += "(?:";
      i = close + 1;
    } else {
      out += p[i++];
    }
  }
  return out;
}

std::shared_ptr<const RE2> shared_regex(const std::string& pattern, const RE2::Options& options) {
  static DerivedCache<RE2> built;
  return built.get(pattern + '\0' + options_key(options), [&] { return std::make_shared<const RE2>(pattern, options); });
}

bool may_match_empty(const std::string& pattern, RE2::Options options) {
  options.set_never_capture(true);
  options.set_log_errors(false);
  if (!options.literal()) {
    const std::string cheaper = negated_classes_as_any_byte(pattern);
    if (!cheaper.empty()) {
      const auto any = shared_regex("(?:" + cheaper + ")", options);
      if (any->ok()) return RE2::FullMatch("", *any);
    }
  }
  const auto re = shared_regex("(?:" + pattern + ")", options);
  return !re->ok() || RE2::FullMatch("", *re);
}

std::shared_ptr<const RequiredWords> RequiredWords::of(const std::vector<const RE2*>& rules) {
  std::string key;
  for (const RE2* re : rules) key += regex_key(*re);
  static DerivedCache<RequiredWords> built;
  return built.get(key, [&] { return std::shared_ptr<const RequiredWords>(build(rules)); });
}

std::unique_ptr<const RequiredWords> RequiredWords::build(const std::vector<const RE2*>& rules) {
  return std::unique_ptr<const RequiredWords>(new RequiredWords(rules));
}

RequiredWords::RequiredWords(const std::vector<const RE2*>& rules) : first_bits_(65536 / 64) {
  // Rules past the 64th get no bit: callers take them as always possible.
  for (std::size_t i = 0; i < rules.size() && i < 64; ++i) {
    const std::uint64_t bit = std::uint64_t{1} << i;
    std::vector<std::string> atoms;
    re2::FilteredRE2 filter;
    int id = 0;
    const RE2::Options& options = rules[i]->options();
    RE2::Options quiet = options;
    quiet.set_log_errors(false);
    const std::string cheaper = options.literal() ? "" : negated_classes_as_any_byte(rules[i]->pattern());
    bool filtered = (!cheaper.empty() && filter.Add(cheaper, quiet, &id) == RE2::NoError) ||
                    filter.Add(rules[i]->pattern(), options, &id) == RE2::NoError;
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
      always_ |= bit;
      continue;
    }
    // A clause: words whose absence alone rules the rule out, kept minimal
    // by dropping words while that holds. Dropping the shorter words first
    // and then the longer ones tends to find two different clauses.
    auto passes_without = [&](const std::vector<bool>& absent) {
      std::vector<int> present, passed;
      for (std::size_t a = 0; a < atoms.size(); ++a)
        if (!absent[a]) present.push_back(static_cast<int>(a));
      filter.AllPotentials(present, &passed);
      return !passed.empty();
    };
    auto clause = [&](bool shorter_first) {
      std::vector<std::size_t> order(atoms.size());
      for (std::size_t a = 0; a < order.size(); ++a) order[a] = a;
      std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        return shorter_first ? atoms[x].size() < atoms[y].size() : atoms[x].size() > atoms[y].size();
      });
      std::vector<bool> in(atoms.size(), true);  // all the words: a clause, as no word at all fails
      for (std::size_t a : order) {
        in[a] = false;
        if (passes_without(in)) in[a] = true;
      }
      return in;
    };
    const std::vector<bool> first = clause(true), second = clause(false);
    for (std::size_t a = 0; a < atoms.size(); ++a) {
      if (!first[a] && !second[a]) continue;
      auto it = std::find_if(words_.begin(), words_.end(), [&](const Word& w) { return w.text == atoms[a]; });
      if (it == words_.end()) it = words_.insert(words_.end(), Word{atoms[a]});
      if (first[a]) it->first |= bit;
      if (second[a]) it->second |= bit;
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
  std::vector<char> first_clause(words_.size()), second_clause(words_.size());
  for (std::size_t w = 0; w < words_.size(); ++w) {
    first_clause[w] = words_[w].first != 0;
    second_clause[w] = !first_clause[w];
  }
  first_clause_pairs_ = pair_scanner(first_clause);
  second_clause_pairs_ = pair_scanner(second_clause);
}

std::shared_ptr<const BytePairScanner> RequiredWords::pair_scanner(const std::vector<char>& want) const {
  ByteSet before{}, last{};
  bool any = false;
  for (const First& f : firsts_)
    for (std::size_t w = f.first; w < f.last; ++w)
      if (want[w]) {
        before[0x80 | ((f.c >> 6) & 0x3F)] = true;
        last[0x80 | (f.c & 0x3F)] = true;
        any = true;
      }
  if (!any) return nullptr;
  auto pairs = std::make_shared<const BytePairScanner>(before, last);
  return pairs->usable() ? pairs : nullptr;
}

// Up to this many distinct first characters, hits() finds each with memchr.
constexpr std::size_t kMemchrFirsts = 8;

template <class Found>
void RequiredWords::scan_other_words(std::string_view text, Found&& found, const std::vector<char>* want) const {
  // The words that share a first byte ("[牵头", "[配合"…) in one pass for it.
  auto wanted = [&](std::size_t w) { return !want || (*want)[w]; };
  for (std::size_t w = 0; w < other_words_; ++w) {
    if (!wanted(w)) continue;
    const char first = words_[w].text[0];
    bool seen = false;  // an earlier word's pass looked for this byte
    for (std::size_t v = 0; v < w && !seen; ++v) seen = wanted(v) && words_[v].text[0] == first;
    if (seen) continue;
    for (std::size_t at = text.find(first); at != std::string_view::npos; at = text.find(first, at + 1))
      for (std::size_t v = w; v < other_words_; ++v)
        if (wanted(v) && words_[v].text[0] == first && text.compare(at, words_[v].text.size(), words_[v].text) == 0)
          found(v, at);
  }
}

template <class Found>
void RequiredWords::scan(std::string_view text, Found&& found, const std::vector<char>* want) const {
  scan_other_words(text, found, want);
  if (firsts_.empty()) return;
  // Each three-byte character once (no word starts inside one), and every
  // other byte.
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  const std::uint64_t* bits = first_bits_.data();
  for (std::size_t i = 0; i + 2 < n;) {
    const unsigned b0 = t[i], b1 = t[i + 1], b2 = t[i + 2];
    if ((b0 & 0xF0) != 0xE0 || (b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80) {
      ++i;
      continue;
    }
    const unsigned c = (b0 & 0x0F) << 12 | (b1 & 0x3F) << 6 | (b2 & 0x3F);
    const std::size_t at = i;
    i += 3;
    if (!(bits[c >> 6] >> (c & 63) & 1)) continue;
    auto f = std::lower_bound(firsts_.begin(), firsts_.end(), static_cast<int>(c),
                              [](const First& a, int v) { return a.c < v; });
    // The first character is the same: the rest of each word, byte by byte.
    for (std::size_t w = f->first; w < f->last; ++w) {
      const std::string& word = words_[w].text;
      if (at + word.size() > n || (want && !(*want)[w])) continue;
      std::size_t k = 3;
      while (k < word.size() && t[at + k] == static_cast<unsigned char>(word[k])) ++k;
      if (k == word.size()) found(w, at);
    }
  }
}

std::vector<RequiredWords::WordClauses> RequiredWords::word_clauses() const {
  std::vector<WordClauses> out;
  for (const Word& w : words_) out.push_back({w.text, w.first, w.second});
  return out;
}

std::uint64_t RequiredWords::may_match(std::string_view span) const {
  std::uint64_t first = 0, second = 0;  // the clauses that have a word in span
  scan(span, [&](std::size_t w, std::size_t) {
    first |= words_[w].first;
    second |= words_[w].second;
  });
  return always_ | (first & second);
}

template <class Found>
void RequiredWords::find_wanted(std::string_view text, const std::vector<char>& want, const BytePairScanner* pairs,
                                Found&& found) const {
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
  if (pairs) {
    // Every place one of the wanted first characters can end, in one pass
    // (as many first characters as there are: the scan's cost does not
    // grow with them); the character and the words checked here.
    scan_other_words(text, found, &want);
    pairs->for_each(text, [&](std::size_t last) {
      if (last < 2 || (t[last - 2] & 0xF0) != 0xE0) return;
      const std::size_t at = last - 2;
      const int c = three_byte_char(t + at);
      const auto f = std::lower_bound(firsts_.begin(), firsts_.end(), c, [](const First& a, int v) { return a.c < v; });
      if (f == firsts_.end() || f->c != c) return;
      for (std::size_t w = f->first; w < f->last; ++w)
        if (want[w] && text.compare(at, words_[w].text.size(), words_[w].text) == 0) found(w, at);
    });
    return;
  }
  if (firsts_.size() > kMemchrFirsts) {
    scan(text, found, &want);
    return;
  }
  // Few first characters: each is found by memchr on its last byte (a
  // continuation byte, rarer than any lead byte), a few times faster over
  // a whole document than decoding every character. In valid UTF-8 (the
  // normalized text) a lead byte starts a character wherever it occurs.
  scan_other_words(text, found, &want);
  const std::size_t n = text.size();
  for (const First& f : firsts_) {
    if (std::find(want.begin() + static_cast<std::ptrdiff_t>(f.first), want.begin() + static_cast<std::ptrdiff_t>(f.last),
                  char{1}) == want.begin() + static_cast<std::ptrdiff_t>(f.last))
      continue;
    const auto b0 = static_cast<unsigned char>(0xE0 | (f.c >> 12));
    const auto b1 = static_cast<unsigned char>(0x80 | ((f.c >> 6) & 0x3F));
    const auto b2 = static_cast<unsigned char>(0x80 | (f.c & 0x3F));
    for (std::size_t i = 2; i < n;) {
      const void* hit = std::memchr(t + i, b2, n - i);
      if (!hit) break;
      const auto last = static_cast<std::size_t>(static_cast<const unsigned char*>(hit) - t);
      i = last + 1;
      if (t[last - 1] != b1 || t[last - 2] != b0) continue;
      const std::size_t at = last - 2;
      for (std::size_t w = f.first; w < f.last; ++w)
        if (want[w] && text.compare(at, words_[w].text.size(), words_[w].text) == 0) found(w, at);
    }
  }
}

RequiredWords::Hits RequiredWords::hits(std::string_view text, bool pair_scan) const {
  Hits out;
  out.always_ = always_;
  std::uint64_t present = 0;  // the rules with a word of their first clause in the text
  auto found = [&](std::size_t w, std::size_t at) {
    present |= words_[w].first;
    out.hits_.push_back({at, at + words_[w].text.size(), words_[w].first, words_[w].second});
  };
  // The words of first clauses; then those of second clauses alone, only
  // for the rules whose first clause is in the text: a rule with a clause
  // that has no word in the text may match nowhere in it, and may_match()
  // answers the same without its other words.
  std::vector<char> want(words_.size());
  for (std::size_t w = 0; w < words_.size(); ++w) want[w] = words_[w].first != 0;
  find_wanted(text, want, pair_scan ? first_clause_pairs_.get() : nullptr, found);
  bool more = false;
  for (std::size_t w = 0; w < words_.size(); ++w) {
    want[w] = words_[w].first == 0 && (words_[w].second & present) != 0;
    more |= want[w] != 0;
  }
  if (more) find_wanted(text, want, pair_scan ? second_clause_pairs_.get() : nullptr, found);
  std::sort(out.hits_.begin(), out.hits_.end(), [](const Hits::Hit& a, const Hits::Hit& b) { return a.begin < b.begin; });
  return out;
}

std::uint64_t RequiredWords::Hits::may_match(std::size_t begin, std::size_t end) const {
  std::uint64_t first = 0, second = 0;
  auto it = std::lower_bound(hits_.begin(), hits_.end(), begin,
                             [](const Hit& h, std::size_t b) { return h.begin < b; });
  for (; it != hits_.end() && it->begin < end; ++it)
    if (it->end <= end) {
      first |= it->first;
      second |= it->second;
    }
  return always_ | (first & second);
}

}  // namespace plancmp
