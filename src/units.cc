// Unit notes -> clause lead/support and document-wide implementers.
// See include/plancmp/extract.h and grammars/units.yaml.
//
// The text is cut into segments (paragraphs, further cut where a numbered item
// or a section starts). In each segment the `notes` rules find note bodies:
// bracketed spans anywhere, and the segment's last sentence (a note that lost
// its brackets). The `roles` rules read a body; every match names a list of
// units next to a keyword. The list is split into names on separators and at
// glued boundaries, then read from the keyword outwards: a name that does not
// look like a unit ends the list, and a sentence fragment glued to the far end
// ("…达到90%以上市生态环境分局") is trimmed off.
//
// Speed: RE2 does all the pattern matching. A rule is searched only where
// the words it requires occur (RequiredWords), a note rule only from where
// its opening literal stands; a match is first tried anchored where the
// search stands (RE2's forward DFA alone), and its groups are read from the
// whole match (MatchGroups). A short segment's tail is searched only when
// role words are in the segment. A tail is kept as its whole match, its body
// read only when a bracket note overlaps the match or role keywords are in
// it, and searched for role matches only when some role rule can match up
// to its end. Both passes over the notes share the matches and readings,
// and each distinct piece of a list is read once per document (its reading
// depends on its bytes alone). The rules' and lists' tables are built once
// per grammar (UnitsTables), a role rule's helpers on first use. (What is
// read from the patterns: src/units_patterns.h; the switch that turns the
// per-document shortcuts off for tests: src/units_testing.h.)
#include <algorithm>
#include <array>
#include <bit>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "grammar_internal.h"
#include "plancmp/extract.h"
#include "regex_shortcuts.h"
#include "targets_patterns.h"
#include "units_lists.h"
#include "units_names.h"
#include "units_patterns.h"
#include "units_testing.h"
#include "utf8_util.h"

namespace plancmp {

namespace units {

namespace {
std::atomic<bool> shortcuts{true};
}  // namespace

void use_shortcuts(bool on) { shortcuts.store(on, std::memory_order_relaxed); }

}  // namespace units

namespace {

constexpr const char* kFile = "units.yaml";
constexpr std::size_t kMaxUnitChars = 25;   // longest plausible unit name, in code points
constexpr std::size_t kShortUnitChars = 6;  // a name this short may start anyhow ("发改局")

std::uint16_t key2(std::string_view s, std::size_t i) {
  return static_cast<std::uint16_t>((static_cast<unsigned char>(s[i]) << 8) | static_cast<unsigned char>(s[i + 1]));
}

using units::same_bytes;
bool ends_with_at(std::string_view s, std::size_t end, std::size_t begin, std::string_view w);

// One bit per first (or last) two bytes of a list's words: most places in
// a text start (or end) none of them, and one bit tells. The two bytes are
// folded to their low six bits each (a three-byte character's first two
// bytes keep all their payload): 512 bytes that stay in cache, where a bit
// per pair took 8 KB a list (perf: the lookups missed). A bit may stand for
// several pairs: every caller compares the words themselves after it.
class KeyBits {
 public:
  KeyBits(const std::vector<std::string>& words, bool last) {
    for (const std::string& w : words) {
      if (w.size() < 2) {
        all_ = true;  // a one-byte word: no test
        continue;
      }
      const std::uint32_t k = fold(w, last ? w.size() - 2 : 0);
      bits_[k / 64] |= std::uint64_t{1} << (k % 64);
    }
  }
  // May a word start at s[i]?
  bool may_start(std::string_view s, std::size_t i) const {
    return all_ || (i + 2 <= s.size() && has_at(s, i));
  }
  // May a word end at s[end] (and start at or after begin)?
  bool may_end(std::string_view s, std::size_t end, std::size_t begin) const {
    return all_ || (end >= begin + 2 && has_at(s, end - 2));
  }
  // May a word's first (or last) two bytes be s[i, i + 2)?
  bool has_at(std::string_view s, std::size_t i) const {
    const std::uint32_t k = fold(s, i);
    return bits_[k / 64] >> (k % 64) & 1;
  }

 private:
  static std::uint32_t fold(std::string_view s, std::size_t i) {
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[i]) & 0x3F) << 6) |
           (static_cast<unsigned char>(s[i + 1]) & 0x3F);
  }
  std::array<std::uint64_t, 4096 / 64> bits_{};
  bool all_ = false;
};

// A list's words by their first (or last) two bytes, sorted: the few words
// a two-byte key can belong to, found by binary search. A word of under two
// bytes has no key: has_short_words() tells the caller to compare them all.
class KeyedWords {
 public:
  KeyedWords(const std::vector<std::string>& words, bool last) {
    for (const std::string& w : words) {
      if (w.size() < 2) {
        short_words_ = true;
        continue;
      }
      keyed_.emplace_back(key2(w, last ? w.size() - 2 : 0), w);
    }
    std::sort(keyed_.begin(), keyed_.end());
  }
  bool has_short_words() const { return short_words_; }
  // Does `test` hold for one of the words keyed k?
  template <class Test>
  bool any(std::uint16_t k, Test&& test) const {
    auto it = std::lower_bound(keyed_.begin(), keyed_.end(), k,
                               [](const std::pair<std::uint16_t, std::string_view>& a, std::uint16_t v) {
                                 return a.first < v;
                               });
    for (; it != keyed_.end() && it->first == k; ++it)
      if (test(it->second)) return true;
    return false;
  }

 private:
  std::vector<std::pair<std::uint16_t, std::string_view>> keyed_;
  bool short_words_ = false;
};

// A list of words, indexed by their first two bytes, to ask "does any occur
// in this short span" by checking each position against the few words that
// can start there (rather than one find() per word).
class WordIndex {
 public:
  explicit WordIndex(const std::vector<std::string>& words)
      : words_(words), keyed_(words, false), first_keys_(words, false) {}

  // May one of the words start at s[i]?
  bool may_start(std::string_view s, std::size_t i) const { return first_keys_.may_start(s, i); }
  // Is there a word of under two bytes (which may_start() and word_at() do not index)?
  bool has_short_words() const { return keyed_.has_short_words(); }
  // Does one of the (indexed) words start at s[i] and end by s[end]?
  bool word_at(std::string_view s, std::size_t i, std::size_t end) const {
    if (i + 2 > end || !first_keys_.has_at(s, i)) return false;
    return keyed_.any(key2(s, i), [&](std::string_view w) {
      return i + w.size() <= end && same_bytes(s.data() + i, w.data(), w.size());
    });
  }

  // Does any of the words occur in s?
  bool any_in(std::string_view s) const {
    if (keyed_.has_short_words()) {
      for (const auto& w : words_)
        if (s.find(w) != std::string_view::npos) return true;
      return false;
    }
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
      // Most positions start no word: one bit tells.
      if (first_keys_.has_at(s, i) && keyed_.any(key2(s, i), [&](std::string_view w) { return s.compare(i, w.size(), w) == 0; }))
        return true;
    }
    return false;
  }

 private:
  const std::vector<std::string>& words_;
  KeyedWords keyed_;
  KeyBits first_keys_;
};

// A list of words indexed by their last two bytes, to ask "does one of
// them end here" with a compare for the few that can (rather than one per
// word).
class EndingIndex {
 public:
  explicit EndingIndex(const std::vector<std::string>& words)
      : words_(words), keyed_(words, true), last_keys_(words, true) {}

  // Does one of the words end at s[end] and start at or after s[begin]?
  bool ends_at(std::string_view s, std::size_t end, std::size_t begin) const {
    if (keyed_.has_short_words()) {
      for (const std::string& w : words_)
        if (ends_with_at(s, end, begin, w)) return true;
      return false;
    }
    if (!last_keys_.may_end(s, end, begin)) return false;
    return keyed_.any(key2(s, end - 2), [&](std::string_view w) { return ends_with_at(s, end, begin, w); });
  }

 private:
  const std::vector<std::string>& words_;
  KeyedWords keyed_;
  KeyBits last_keys_;
};

struct Lexicon {
  const std::vector<std::string>& suffixes;
  const std::vector<std::string>& glue_starts;
  const std::vector<std::string>& unit_starts;
  const std::vector<std::string>& not_in_unit;
  const std::vector<std::string>& soft_separators;
  const std::vector<std::string>& strip_leading;
  const std::vector<std::string>& strip_trailing;
  const std::vector<std::string>& shared_suffixes;
  const std::vector<std::string>& place_endings;

  explicit Lexicon(const Grammar::Impl& g)
      : suffixes(g.list(kFile, "suffixes")),
        glue_starts(g.list(kFile, "glue_starts")),
        unit_starts(g.list(kFile, "unit_starts")),
        not_in_unit(g.list(kFile, "not_in_unit")),
        soft_separators(g.list(kFile, "soft_separators")),
        strip_leading(g.list(kFile, "strip_leading")),
        strip_trailing(g.list(kFile, "strip_trailing")),
        shared_suffixes(g.list(kFile, "shared_suffixes")),
        place_endings(g.list(kFile, "place_endings")),
        not_in_unit_index(not_in_unit),
        suffix_index(suffixes),
        glue_keys(glue_starts, false),
        unit_keys(unit_starts, false),
        soft_keys(soft_separators, false),
        lead_keys(strip_leading, false),
        trail_ends(strip_trailing, true),
        shared_ends(shared_suffixes, true) {}
  WordIndex not_in_unit_index;
  EndingIndex suffix_index;
  KeyBits glue_keys, unit_keys, soft_keys, lead_keys, trail_ends, shared_ends;
};

using units::Piece;
using units::TextMap;
using units::facts_of;
using units::PatternFacts;
using units::leftmost_match;
using units::to_end_of;
using units::WordFinder;

bool starts_with_at(std::string_view s, std::size_t pos, std::string_view w) {
  return pos + w.size() <= s.size() && same_bytes(s.data() + pos, w.data(), w.size());
}

bool ends_with_at(std::string_view s, std::size_t end, std::size_t begin, std::string_view w) {
  return end >= begin + w.size() && same_bytes(s.data() + end - w.size(), w.data(), w.size());
}

// Bytes of the UTF-8 character whose first byte is c (the text is valid UTF-8).
std::size_t char_bytes(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0xC0 ? 1 : u < 0xE0 ? 2 : u < 0xF0 ? 3 : 4;
}

std::size_t code_points(std::string_view s, std::size_t b, std::size_t e) {
  return utf8::length(s.substr(b, e - b));
}

// Byte offsets of the code point starts in [b, e), plus e, into out (the
// text is valid UTF-8).
void boundaries(std::string_view s, std::size_t b, std::size_t e, std::vector<std::size_t>& out) {
  out.clear();
  for (std::size_t i = b; i < e; ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
  out.push_back(e);
}

// The display texts of a document's names, without a string each: most
// are a view of the source as it is (NormalizedText::display_view); the
// others (changed characters, a shared suffix added) are written into one
// buffer. A Ref is read back with view() once the buffer has stopped
// growing.
class NameTexts {
 public:
  struct Ref {
    std::uint32_t at, size;
    bool written;  // in the buffer, else in nt.source()
  };
  // display(b, e).
  Ref add(const NormalizedText& nt, std::size_t b, std::size_t e) {
    if (const std::optional<std::string_view> v = nt.display_view(b, e))
      return v->empty() ? Ref{0, 0, false}
                        : Ref{static_cast<std::uint32_t>(v->data() - nt.source().data()),
                              static_cast<std::uint32_t>(v->size()), false};
    const std::size_t at = buffer_.size();
    nt.display_append(buffer_, b, e);
    return {static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(buffer_.size() - at), true};
  }
  // display(b, e) + display(b2, e2).
  Ref add_joined(const NormalizedText& nt, std::size_t b, std::size_t e, std::size_t b2, std::size_t e2) {
    const std::size_t at = buffer_.size();
    nt.display_append(buffer_, b, e);
    nt.display_append(buffer_, b2, e2);
    return {static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(buffer_.size() - at), true};
  }
  std::string_view view(const NormalizedText& nt, Ref r) const {
    return std::string_view(r.written ? buffer_ : nt.source()).substr(r.at, r.size);
  }

 private:
  std::string buffer_;
};

class UnitReader {
 public:
  UnitReader(std::string_view text, const Lexicon& lex) : t_(text), lex_(lex) {}

  // Names read elsewhere in the document; a fragment glued to one of them can
  // be trimmed even when it starts with no unit prefix ("…要求发改局").
  void set_known(const std::vector<std::string_view>& known) { known_.assign(known); }
  // Has trim() looked a name up in the known names (whatever they were)?
  bool consulted_known() const { return consults_ > 0; }
  // How often it has: a read() that leaves this unchanged did not depend on
  // the known names.
  std::size_t consults() const { return consults_; }

  bool has_suffix(const Piece& p) const { return lex_.suffix_index.ends_at(t_, p.e, p.b); }
  bool starts_unit(const Piece& p) const {
    if (!lex_.unit_keys.may_start(t_, p.b)) return false;
    for (const auto& w : lex_.unit_starts)
      if (p.b + w.size() < p.e && starts_with_at(t_, p.b, w)) return true;
    return false;
  }
  std::size_t chars(const Piece& p) const { return code_points(t_, p.b, p.e); }

  // Looks like one unit name: short, no digits or sentence punctuation, no
  // role or sentence words, parentheses balanced.
  bool plausible(const Piece& p) const {
    const WordIndex& banned = lex_.not_in_unit_index;
    if (banned.has_short_words()) return plausible_slow(p);
    // One pass: the characters (a word starts at one, the text being valid
    // UTF-8), counted up to one past the longest name.
    std::size_t n = 0;
    int depth = 0;
    for (std::size_t i = p.b; i < p.e;) {
      const std::size_t at = i;
      if (++n > kMaxUnitChars || !plausible_char(utf8::next(t_, i), depth)) return false;
      if (banned.word_at(t_, at, p.e)) return false;
    }
    return n >= 2 && depth == 0;
  }
  // One character of a name, read left to right with the parenthesis depth
  // so far: ASCII letters, CJK characters, and CJK punctuation only inside
  // parentheses; a ")" without its "(" ends the name.
  static bool plausible_char(char32_t c, int& depth) {
    if (c == U'(') return ++depth, true;
    if (c == U')') return --depth >= 0;
    if (c < 0x80) return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z');
    return !(is_cjk_punct(c) && depth == 0);
  }
  // plausible() as it reads with words of a byte among not_in_unit.
  bool plausible_slow(const Piece& p) const {
    std::size_t n = chars(p);
    if (n < 2 || n > kMaxUnitChars) return false;
    int depth = 0;
    for (std::size_t i = p.b; i < p.e;)
      if (!plausible_char(utf8::next(t_, i), depth)) return false;
    if (depth != 0) return false;
    return !lex_.not_in_unit_index.any_in(t_.substr(p.b, p.e - p.b));
  }

  // Byte offset of the last code point of a non-empty piece.
  std::size_t last_char_start(const Piece& p) const {
    std::size_t i = p.e - 1;
    while (i > p.b && (static_cast<unsigned char>(t_[i]) & 0xC0) == 0x80) --i;
    return i;
  }

  // Strips spaces, quotes, stray brackets and the strip_* words from the edges.
  Piece clean(Piece p) const {
    bool changed = true;
    while (changed && p.b < p.e) {
      changed = false;
      std::size_t i = p.b;
      char32_t c = utf8::next(t_, i);
      if (c == U' ' || c == U'\t' || c == U'“' || c == U'”' || c == U'"' || c == U'‘' ||
          c == U'’' || c == U'《' || c == U'》' ||
          (c == U'(' && t_.substr(i, p.e - i).find(')') == std::string_view::npos)) {
        p.b = i;
        changed = true;
        continue;
      }
      std::size_t last = last_char_start(p);
      std::size_t j = last;
      char32_t d = utf8::next(t_, j);
      if (d == U' ' || d == U'\t' || d == U'“' || d == U'”' || d == U'"' || d == U'‘' ||
          d == U'’' || d == U'《' || d == U'》' ||
          (d == U')' && t_.substr(p.b, last - p.b).find('(') == std::string_view::npos)) {
        p.e = last;
        changed = true;
        continue;
      }
      if (lex_.lead_keys.may_start(t_, p.b))
        for (const auto& w : lex_.strip_leading)
          if (p.b + w.size() < p.e && starts_with_at(t_, p.b, w)) {
            p.b += w.size();
            changed = true;
            break;
          }
      if (changed || !lex_.trail_ends.may_end(t_, p.e, p.b)) continue;
      for (const auto& w : lex_.strip_trailing)
        if (p.e >= p.b + w.size() + 1 && ends_with_at(t_, p.e, p.b, w)) {
          p.e -= w.size();
          changed = true;
          break;
        }
    }
    return p;
  }

  // The list in [b, e) as raw pieces (units::split_list). refine() splits
  // each further; read() refines only the raw pieces it reaches.
  // Into a buffer of the reader's, valid until the next call.
  const std::vector<Piece>& split(std::size_t b, std::size_t e, bool weak_start) const {
    units::split_list(t_, b, e, weak_start, raw_);
    return raw_;
  }

  // A raw piece as names: cleaned, then split at glued name boundaries and
  // at 及/和 between names.
  // Into out, cleared first.
  void refine(Piece p, std::vector<Piece>& out) const {
    out.clear();
    p = clean(p);
    if (p.b >= p.e) return;
    if (!may_split(p)) {
      out.push_back(p);  // what both splits leave of it (clean() changes a clean piece no more)
      return;
    }
    soft_.clear();
    split_soft(p, soft_);
    for (const Piece& q : soft_) split_glued(q, out);
  }

  // Can split_soft() or split_glued() cut p: does a soft separator or a
  // glue start begin at a character after its first? (Most names hold
  // neither: one look at each character's first two bytes tells.)
  bool may_split(const Piece& p) const {
    for (std::size_t at = p.b + char_bytes(t_[p.b]); at < p.e; at += char_bytes(t_[at]))
      if (lex_.soft_keys.may_start(t_, at) || lex_.glue_keys.may_start(t_, at)) return true;
    return false;
  }

  // "市自然资源局市财政局" -> two names: a suffix followed by a name start.
  // Appends the names, cleaned, to out.
  void split_glued(Piece p, std::vector<Piece>& out) const {
    int depth = 0;
    std::size_t start = p.b, start_k = 0;  // start is code point start_k of p
    const std::size_t total = code_points(t_, p.b, p.e);
    std::size_t at = p.b;  // code point k of p
    for (std::size_t k = 1; k < total; ++k) {
      char32_t c = utf8::next(t_, at);
      if (c == U'(') ++depth;
      if (c == U')' && depth > 0) --depth;
      if (depth > 0) continue;
      if (k - start_k < 2 || total - k < 2) continue;
      // Both tests must hold; the glue start is the rarer and cheaper one.
      if (!lex_.glue_keys.may_start(t_, at)) continue;
      bool glue = false;
      for (const auto& w : lex_.glue_starts) glue |= starts_with_at(t_, at, w) && at + w.size() < p.e;
      if (!glue) continue;
      if (!lex_.suffix_index.ends_at(t_, at, start)) continue;
      out.push_back(clean({start, at, start == p.b ? p.weak : false}));
      start = at;
      start_k = k;
    }
    out.push_back(clean({start, p.e, start == p.b ? p.weak : false}));
  }

  // "…管委会及各县(市、区)人民政府" -> two names, but "市经济和信息化局" stays.
  // Appends the parts to out.
  void split_soft(Piece p, std::vector<Piece>& out) const {
    int depth = 0;
    for (std::size_t at = p.b, after = p.b; at < p.e; at = after) {
      char32_t c = utf8::next(t_, after);
      if (c == U'(') ++depth;
      if (c == U')' && depth > 0) --depth;
      if (depth > 0 || at == p.b || !lex_.soft_keys.may_start(t_, at)) continue;
      for (const auto& w : lex_.soft_separators) {
        if (!starts_with_at(t_, at, w) || at + w.size() >= p.e) continue;
        Piece left{p.b, at, p.weak}, right{at + w.size(), p.e, false};
        if (has_suffix(left) && plausible(right)) {
          out.push_back(left);
          split_soft(right, out);
          return;
        }
      }
    }
    out.push_back(p);
  }

  // The longest tail of p that starts like a unit and is a whole unit name;
  // else the longest tail that is a name known from the rest of the document.
  std::optional<Piece> trim(const Piece& p) const {
    std::vector<std::size_t>& cps = cps_;
    boundaries(t_, p.b, p.e, cps);
    for (std::size_t k = 1; k + 1 < cps.size(); ++k) {
      Piece q{cps[k], p.e, false};
      if (starts_unit(q) && plausible(q) && has_suffix(q)) return q;
    }
    ++consults_;
    for (std::size_t k = 1; k + 1 < cps.size(); ++k) {
      Piece q{cps[k], p.e, false};
      if (known_.contains(t_.substr(q.b, q.e - q.b)) && plausible(q) &&
          has_suffix(q))
        return q;
    }
    // A short name right after the last thing no name holds ("…要求发改局").
    std::size_t cut = p.b;
    for (std::size_t k = 0; k + 1 < cps.size(); ++k) {
      std::size_t i = cps[k];
      char32_t c = utf8::next(t_, i);
      if (c < 0x80 || is_cjk_punct(c)) cut = cps[k + 1];
      if (!lex_.not_in_unit_index.may_start(t_, cps[k])) continue;
      for (const auto& w : lex_.not_in_unit)
        if (starts_with_at(t_, cps[k], w) && cps[k] + w.size() <= p.e) cut = std::max(cut, cps[k] + w.size());
    }
    if (cut > p.b && cut < p.e) {
      Piece q{cut, p.e, false};
      if (plausible(q) && has_suffix(q) && chars(q) <= kShortUnitChars) return q;
    }
    return std::nullopt;
  }

  // The longest head of p that is a whole unit name: a label's list that runs
  // into the next label with no separator ("市生态环境局配合单位").
  std::optional<Piece> trim_right(const Piece& p) const {
    std::vector<std::size_t>& cps = cps_;
    boundaries(t_, p.b, p.e, cps);
    for (std::size_t k = cps.size() - 1; k-- > 1;) {
      Piece q{p.b, cps[k], p.weak};
      if (plausible(q) && has_suffix(q)) return q;
    }
    return std::nullopt;
  }

  // A raw piece as read() takes it: refine()'s names, at offsets from the
  // piece's start, with the tests read() makes of each.
  struct Name {
    std::uint32_t b, e;
    bool weak;
    bool plausible, suffix, unit_start;
    bool long_weak;  // weak, not starting like a unit, and longer than a short name
    // Whole name accepted? `nearest`: next to the keyword (a list ends with a
    // complete name, so it needs a suffix).
    bool accepted(bool from_right, bool nearest) const {
      if (!from_right) return plausible && (suffix || unit_start);
      return plausible && (!nearest || suffix) && !long_weak;
    }
  };
  // refine() and the tests look at nothing but the piece's bytes (and its
  // `weak`), and a plan names the same units over and over: each distinct
  // raw piece is read once per document.
  std::span<const Name> names_of(const Piece& piece) const {
    TextMap<std::pair<std::size_t, std::size_t>>& memo = read_[piece.weak ? 1 : 0];
    const std::string_view text = t_.substr(piece.b, piece.e - piece.b);
    const bool memo_on = units::shortcuts.load(std::memory_order_relaxed);
    if (const auto* at = memo_on ? memo.find(text) : nullptr) return {read_names_.data() + at->first, at->second};
    refine(piece, pieces_);
    const std::size_t first = read_names_.size();
    for (const Piece& p : pieces_) {
      const bool unit_start = starts_unit(p);
      read_names_.push_back({static_cast<std::uint32_t>(p.b - piece.b), static_cast<std::uint32_t>(p.e - piece.b),
                             p.weak, plausible(p), has_suffix(p), unit_start,
                             p.weak && !unit_start && chars(p) > kShortUnitChars});
    }
    if (memo_on) memo.add(text, {first, pieces_.size()});
    return {read_names_.data() + first, pieces_.size()};
  }

  // Reads the names of a list: from the keyword outwards (`from_right`: the
  // keyword follows the list) until something is not a name.
  // The list is [b, e) (`weak_start`: see split()); its raw pieces are
  // refined one at a time from the keyword's side.
  // Appends them to `kept`, in text order.
  void read(std::size_t b, std::size_t e, bool weak_start, bool from_right, std::vector<Piece>& kept) const {
    const std::size_t begin = kept.size();
    std::size_t step = 0;  // pieces looked at so far
    // Reads one raw piece's names; false once a piece is not a name.
    auto take = [&](const Piece& piece) {
      const std::span<const Name> names = names_of(piece);
      const std::size_t n = names.size();
      for (std::size_t k = 0; k < n; ++k, ++step) {
        const Name& name = names[from_right ? n - 1 - k : k];
        const Piece p{piece.b + name.b, piece.b + name.e, name.weak};
        if (name.accepted(from_right, from_right && step == 0)) {
          kept.push_back(p);
          continue;
        }
        if (auto q = from_right ? trim(p) : trim_right(p)) kept.push_back(*q);
        return false;
      }
      return true;
    };
    if (from_right && std::memchr(t_.data() + b, '(', e - b) == nullptr) {
      // No parenthesis: every separator splits, so the raw pieces can be cut
      // off from the keyword's side as they are read (split()'s, in reverse).
      units::pieces_from_right(t_, b, e, weak_start, take);
    } else {
      const std::vector<Piece>& raw = split(b, e, weak_start);
      for (std::size_t r = 0; r < raw.size(); ++r)
        if (!take(raw[from_right ? raw.size() - 1 - r : r])) break;
    }
    units::sort_by_start(kept, begin);
  }


  // Names with "A、B、C管委会" distributed: A and B (places without a suffix)
  // take C's shared suffix.
  // Into out, cleared first (their texts as NameTexts::add() keeps them).
  void names(std::span<const Piece> kept, const NormalizedText& nt, NameTexts& texts,
             std::vector<NameTexts::Ref>& out) const {
    out.clear();
    for (const Piece& p : kept) out.push_back(texts.add(nt, p.b, p.e));
    for (std::size_t i = 0; i < kept.size(); ++i) {
      const Piece& p = kept[i];
      if (!lex_.shared_ends.may_end(t_, p.e, p.b)) continue;  // (most names end with none)
      for (const auto& s : lex_.shared_suffixes) {
        if (!ends_with_at(t_, p.e, p.b, s)) continue;
        Piece stem{p.b, p.e - s.size(), false};
        if (!ends_in_place(stem)) break;
        for (std::size_t j = i; j-- > 0;) {
          const Piece& q = kept[j];
          if (has_suffix(q) || !ends_in_place(q) || !separated_by_list_mark(q.e, kept[j + 1].b))
            break;
          out[j] = texts.add_joined(nt, q.b, q.e, p.e - s.size(), p.e);
        }
        break;
      }
    }
  }

 private:
  bool ends_in_place(const Piece& p) const {
    for (const auto& w : lex_.place_endings)
      if (p.e > p.b + w.size() && ends_with_at(t_, p.e, p.b, w)) return true;
    return false;
  }
  bool separated_by_list_mark(std::size_t a, std::size_t b) const {
    std::string_view between = t_.substr(a, b - a);
    return between == "、" || between == ",";
  }

  std::string_view t_;
  const Lexicon& lex_;
  units::NameSet known_;
  mutable std::size_t consults_ = 0;  // this reader is local to one document
  // Scratch buffers, reused from call to call.
  mutable std::vector<std::size_t> cps_;      // trim, trim_right
  mutable std::vector<Piece> pieces_, soft_, raw_;  // names_of, refine, split
  // names_of's raw pieces read so far (weak ones apart), and their names.
  mutable TextMap<std::pair<std::size_t, std::size_t>> read_[2];
  mutable std::vector<Name> read_names_;
};

struct NoteBody {
  std::size_t b, e;
  bool tail;
  // A tail is kept as its rule's whole match, its body read from it only
  // when read_pass needs it: most tails are covered by a bracket note or
  // hold no role keyword. (b, e: the whole match until then.)
  // A tail of a short segment is not even searched for until read_pass
  // asks (kUnsearched; b, e: the segment): most such segments hold no role
  // rule's words, and then no tail of theirs is ever read.
  // A tail of a longer segment is searched for only when read_pass cannot
  // tell it is covered by a bracket note read before it (kDeferred; b, e:
  // the segment).
  enum class State : std::uint8_t { kBody, kMatch, kUnsearched, kDeferred, kNone } state = State::kBody;
  std::uint32_t match = 0;  // kMatch, kUnsearched, kDeferred: in Notes::tail_matches
};

// Where notes are looked for: paragraphs, cut where an item or section starts.
std::vector<std::pair<std::size_t, std::size_t>> segments(const std::string& text, const Document& doc) {
  // Three runs, each in text order (clauses and sections are, mostly): two
  // merges, not a sort whose last pass carries every clause's and section's
  // cut back past the lines' one by one.
  std::vector<std::size_t> cuts{0};
  for (std::size_t i = text.find('\n'); i != std::string::npos; i = text.find('\n', i + 1))
    cuts.push_back(i);
  cuts.push_back(text.size());
  const auto lines_end = static_cast<std::ptrdiff_t>(cuts.size());
  for (const Clause& c : doc.clauses) cuts.push_back(c.text_begin);
  const auto clauses_end = static_cast<std::ptrdiff_t>(cuts.size());
  for (const Section& s : doc.sections) cuts.push_back(s.text_begin);
  const auto lines = cuts.begin() + lines_end, clauses = cuts.begin() + clauses_end;
  if (!std::is_sorted(lines, clauses)) std::sort(lines, clauses);
  if (!std::is_sorted(clauses, cuts.end())) std::sort(clauses, cuts.end());
  std::inplace_merge(lines, clauses, cuts.end());
  std::inplace_merge(cuts.begin(), lines, cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
    std::size_t b = cuts[k], e = std::min(cuts[k + 1], text.size());
    if (b < text.size() && text[b] == '\n') ++b;
    if (b < e) out.emplace_back(b, e);
  }
  return out;
}

// Is the text just left of `pos` a sentence (so the list there may carry a
// glued fragment) rather than a bracket, label or list separator?
bool weak_left(std::string_view text, std::size_t pos, std::size_t body_begin, bool tail) {
  if (pos == body_begin) return tail;
  std::size_t i = pos;
  // Step back one code point.
  do {
    --i;
  } while (i > 0 && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80);
  std::size_t j = i;
  char32_t c = utf8::next(text, j);
  return !(c == U'(' || c == U'〔' || c == U'【' || c == U':' || c == U';' || c == U'、');
}

struct RoleMatch {
  int rule;
  std::size_t b, e;          // whole match
  std::size_t kw_b, kw_e;    // keyword
  std::size_t units_b, units_e;
};

// A label's list ("牵头单位:A,B配合") ends before the name another keyword
// speaks for: at the last list separator before that keyword.
std::size_t clip_at_keyword(std::string_view text, const RoleMatch& m, std::span<const RoleMatch> all) {
  std::size_t end = m.units_e;
  for (const RoleMatch& o : all) {
    if (&o == &m || o.kw_b <= m.units_b || o.kw_b >= end) continue;
    std::size_t cut = m.units_b;
    for (std::size_t i = m.units_b; i < o.kw_b;) {
      char32_t c = utf8::next(text, i);
      if (c == U'、' || c == U',' || c == U';') cut = i;
    }
    if (cut > m.units_b) {
      // Exclude the separator itself.
      std::size_t j = cut;
      do {
        --j;
      } while (j > m.units_b && (static_cast<unsigned char>(text[j]) & 0xC0) == 0x80);
      end = j;
    } else {
      end = m.units_b;
    }
  }
  return end;
}

// A helper a rule derives from its pattern, built on first use: a run
// whose texts never need it (a rule that never matches, a tail it never
// closes) does not pay for it at start-up.
template <class T>
class Lazy {
 public:
  explicit Lazy(std::function<std::shared_ptr<const T>()> build)
      : build_(std::move(build)), state_(std::make_unique<State>()) {}
  const T* get() const {
    // (call_once costs a library call each time: checked first.)
    if (!state_->built.load(std::memory_order_acquire))
      std::call_once(state_->once, [&] {
        state_->value = build_();
        state_->built.store(true, std::memory_order_release);
      });
    return state_->value.get();
  }

 private:
  struct State {
    std::once_flag once;
    std::atomic<bool> built{false};
    std::shared_ptr<const T> value;
  };
  std::function<std::shared_ptr<const T>()> build_;
  std::unique_ptr<State> state_;
};

// Where a role rule's match may start, read from its pattern: where its
// StartTest allows (the literal or the characters every match opens with),
// and only where a character starts when every match opens with one (a
// non-empty match of a UTF-8 pattern whose first characters pattern_chars
// follows). An anchored search at each such place finds the leftmost match.
struct RoleStarts {
  StartTest test;
  bool char_starts;

  // Null when neither narrows the places (the test alone would allow each).
  static std::shared_ptr<const RoleStarts> of(const RE2& re) {
    const std::optional<PatternChars> chars = pattern_chars(re);
    const bool char_starts =
        chars && !chars->nullable && re.options().encoding() == RE2::Options::EncodingUTF8;
    auto starts = std::make_shared<const RoleStarts>(RoleStarts{StartTest(re), char_starts});
    if (starts->test.literal.empty() && !starts->test.first_chars && !char_starts) return nullptr;
    return starts;
  }
  // The first place in [from, body.size()) where a match may start, or
  // body.size() (the body is valid UTF-8).
  std::size_t next(std::string_view body, std::size_t from) const {
    std::size_t at = test.next(body, from, body.size());
    if (char_starts)
      while (at < body.size() && (static_cast<unsigned char>(body[at]) & 0xC0) == 0x80)
        at = test.next(body, at + 1, body.size());
    return at;
  }
};

// A role rule as role_matches and read_pass use it, prepared once per grammar.
struct RoleRule {
  const PatternRule& rule;
  Lazy<MatchGroups> groups;  // units, kw
  bool usable;         // the rule has both groups
  // The keyword ends every match of the rule ("…负责$"): a match that ends
  // inside a kept keyword ("…按职责分工负责") is dropped, so it is not worth
  // its groups.
  bool kw_closes;
  // ... and every match ends at the body's end ("…负责$"): when that lies in
  // a kept keyword, the rule is not searched at all.
  bool closes_at_end;
  bool anchor_first;   // see leftmost_match
  // Where a match may start, when the pattern tells and its matches need not
  // end at the body's end (a `$` rule's unanchored search is its reverse
  // program alone, which may_close builds anyway): searched anchored at
  // those places (match_at_starts), without the reverse program an
  // unanchored search that reports the start needs. Null: no such test.
  Lazy<RoleStarts> starts;
  // The literal every keyword of the rule opens with (the kw group's own
  // opening_literal); null when there is none. Built once a search after
  // other rules' matches has kept nothing (`kw_wanted`): a rule whose
  // searches there always keep something does not pay for it.
  Lazy<std::string> kw_opening;
  std::shared_ptr<std::atomic<bool>> kw_wanted;
  Lazy<RE2> to_end;    // to_end_of (the rule's own pattern when it ends with `$`); null: none
  bool from_right;     // the keyword follows the list
  const std::string& role;
  bool implementers, support;  // role is "implementers", "support"
};

std::vector<RoleRule> prepare_role_rules(const RuleSet& roles) {
  std::vector<RoleRule> out;
  out.reserve(roles.rules.size());
  for (std::size_t i = 0; i < roles.rules.size(); ++i) {
    const PatternRule& rule = roles.rules[i];
    const auto& names = rule.re->NamedCapturingGroups();
    const std::string& role = rule.attr("role");
    const bool kw_closes = roles.closing_group(i) == "kw";
    // (Not facts_of: a role rule's opening literal is never asked for.)
    const bool ends_at_end = units::ends_at_text_end(*rule.re);
    const RE2& re = *rule.re;
    out.push_back({rule, Lazy<MatchGroups>([&re] { return MatchGroups::of(re, {"units", "kw"}); }),
                   names.count("units") && names.count("kw"), kw_closes, kw_closes && ends_at_end, !ends_at_end,
                   Lazy<RoleStarts>([&re, ends_at_end]() -> std::shared_ptr<const RoleStarts> {
                     return ends_at_end ? nullptr : RoleStarts::of(re);
                   }),
                   Lazy<std::string>([&re]() -> std::shared_ptr<const std::string> {
                     const std::string group = units::named_group_text(re.pattern(), "kw");
                     if (group.empty()) return nullptr;
                     RE2::Options options = re.options();
                     options.set_log_errors(false);
                     const RE2 kw(group, options);
                     std::string opening = kw.ok() ? units::opening_literal(kw) : "";
                     return opening.empty() ? nullptr : std::make_shared<const std::string>(std::move(opening));
                   }),
                   std::make_shared<std::atomic<bool>>(false),
                   Lazy<RE2>([&re, ends_at_end]() -> std::shared_ptr<const RE2> {
                     // (to_end_of's helpers live as long as the process: not owned here.)
                     return std::shared_ptr<const RE2>(std::shared_ptr<const RE2>(), ends_at_end ? &re : to_end_of(re));
                   }),
                   rule.attr("anchor") != "left", role,
                   role == "implementers", role == "support"});
  }
  return out;
}

// Which role rules may match in a span of the text: the words each requires.
class RoleFilter {
 public:
  RoleFilter(const WordFinder& words, std::string_view text) : words_(words), text_(text) {}
  // Bit i: rule i may match in text[b, e) (see RequiredWords::may).
  std::uint64_t may_match(std::size_t b, std::size_t e) const { return words_.may_match(text_, b, e); }

 private:
  const WordFinder& words_;
  std::string_view text_;
};

// Calls visit(idx) for each rule among `candidates` (RequiredWords::may), in
// order, until it returns false; false then. The bits are walked: a rule
// the words rule out is not even looked at (a RoleRule spans cache lines).
template <class Visit>
bool each_candidate(std::size_t rules, std::uint64_t candidates, Visit&& visit) {
  if (rules < 64) candidates &= (std::uint64_t{1} << rules) - 1;
  for (; candidates != 0; candidates &= candidates - 1)
    if (!visit(static_cast<std::size_t>(std::countr_zero(candidates)))) return false;
  for (std::size_t idx = 64; idx < rules; ++idx)
    if (!visit(idx)) return false;
  return true;
}

// Is some usable rule among `candidates`?
bool may_match_any(const std::vector<RoleRule>& rules, std::uint64_t candidates) {
  return !each_candidate(rules.size(), candidates, [&](std::size_t idx) { return !rules[idx].usable; });
}

// Can some rule among `candidates` match a span that ends at the end of
// `input`? (Else no match of theirs closes a tail.)
bool may_close(const std::vector<RoleRule>& rules, std::uint64_t candidates, const re2::StringPiece& input) {
  return !each_candidate(rules.size(), candidates, [&](std::size_t idx) {
    const RoleRule& rule = rules[idx];
    if (!rule.usable) return true;
    const RE2* to_end = rule.to_end.get();
    return to_end && !to_end->Match(input, 0, input.size(), RE2::UNANCHORED, nullptr, 0);
  });
}

// May a keyword that opens with `opening` stand in the body [b, e) without
// overlapping one of `kept`'s keywords? Only where no kept keyword is: in
// the gaps between them, each a span of its own that must hold the opening.
bool keyword_room(std::string_view opening, std::string_view text, std::size_t b, std::size_t e,
                  std::span<const RoleMatch> kept) {
  std::array<std::pair<std::size_t, std::size_t>, 8> taken;
  std::size_t n = 0;
  for (const RoleMatch& m : kept) {
    if (m.kw_b >= m.kw_e) continue;  // (an empty one is left out: more room, never less)
    if (n == taken.size()) return true;
    // (In order of their starts: a few, mostly in order already.)
    std::size_t k = n++;
    for (; k > 0 && taken[k - 1].first > m.kw_b; --k) taken[k] = taken[k - 1];
    taken[k] = {m.kw_b, m.kw_e};
  }
  auto room = [&](std::size_t from, std::size_t to) {
    return from < to && units::find_opening(text.substr(from, to - from), opening, 0) != std::string_view::npos;
  };
  std::size_t from = b;
  for (std::size_t k = 0; k < n; ++k) {
    if (room(from, taken[k].first)) return true;
    from = std::max(from, taken[k].second);
  }
  return room(from, e);
}

// The role matches of the body [b, e), appended to `kept`. `candidates`:
// the rules that may match in it (RoleFilter's answer for the body or a
// span around it). `must_close`: the body counts only if a match ends at
// its end (a tail), so none is looked for when no rule can match there.
void role_matches(const std::vector<RoleRule>& rules, std::uint64_t candidates, const RoleFilter& filter,
                  std::string_view text, std::size_t b, std::size_t e, bool must_close, std::vector<RoleMatch>& kept) {
  const std::size_t first = kept.size();  // this body's matches start here
  std::string_view body = text.substr(b, e - b);
  const re2::StringPiece input(body.data(), body.size());
  auto off = [&](const re2::StringPiece& s) { return static_cast<std::size_t>(s.data() - text.data()); };
  // Priority: a keyword already claimed by an earlier rule is not read again.
  // Rules come in order and each rule's matches left to right, so `kept`
  // grows in priority order.
  // Each rule is searched on its own, unless the filter rules it out: the
  // set of all the rules would tell which match, but its DFA keeps building
  // states and costs more than the few rules' own DFAs.
  if (must_close && !may_close(rules, candidates, input)) return;
  each_candidate(rules.size(), candidates, [&](std::size_t idx) {
    const RoleRule& rule = rules[idx];
    if (!rule.usable) return true;
    if (rule.closes_at_end) {
      bool taken = false;
      for (std::size_t k = first; k < kept.size(); ++k) taken |= kept[k].kw_b < e && e <= kept[k].kw_e;
      if (taken) return true;
    }
    // A match whose keyword overlaps one kept before is dropped: when no
    // keyword of this rule fits outside those, none of its matches counts
    // ("牵头单位:…" read by a label rule leaves no "…牵头" to a later rule).
    const bool after_others = kept.size() > first && units::shortcuts.load(std::memory_order_relaxed);
    if (after_others && rule.kw_wanted->load(std::memory_order_relaxed))
      if (const std::string* opening = rule.kw_opening.get();
          opening && !keyword_room(*opening, text, b, e, {kept.data() + first, kept.size() - first}))
        return true;
    const std::size_t kept_before = kept.size();
    // A match, in the body: kept unless its keyword is taken.
    auto consider = [&](std::size_t start, std::size_t end, auto&& groups) {
      if (rule.kw_closes) {
        bool dropped = false;
        for (std::size_t k = first; k < kept.size(); ++k) dropped |= kept[k].kw_b < b + end && b + end <= kept[k].kw_e;
        if (dropped) return;
      }
      std::size_t units_b = 0, units_e = 0, kw_b = 0, kw_e = 0;
      if (!groups(units_b, units_e, kw_b, kw_e)) return;
      RoleMatch m{static_cast<int>(idx), b + start, b + end, b + kw_b, b + kw_e, b + units_b, b + units_e};
      bool overlap = false;
      for (std::size_t k = first; k < kept.size(); ++k) overlap |= m.kw_b < kept[k].kw_e && kept[k].kw_b < m.kw_e;
      if (!overlap) kept.push_back(m);
    };
    const RE2& re = *rule.rule.re;
    re2::StringPiece whole, g[2];
    std::size_t pos = 0;
    // After a match, the next one needs the rule's words in what is left.
    const RoleStarts* starts = units::shortcuts.load(std::memory_order_relaxed) ? rule.starts.get() : nullptr;
    auto find_match = [&](std::size_t from) {
      if (!starts) return leftmost_match(re, input, from, body.size(), rule.anchor_first, &whole);
      // (Every match opens with a character: it starts before the body's
      // end.)
      auto next = [&](std::size_t at) { return starts->next(body, at); };
      from = next(from);
      // Two anchored tries, then one unanchored search: a match mostly
      // starts at `from` or the next place, and each failed try scans on
      // as far as the rule's class of name characters reaches (measured:
      // 2 tries saves the most).
      return !body.empty() && match_at_starts(re, input, from, body.size() - 1, body.size(), next, &whole, 2);
    };
    while (pos <= body.size() && (pos == 0 || RequiredWords::may(filter.may_match(b + pos, e), idx)) &&
           find_match(pos)) {
      const std::size_t start = static_cast<std::size_t>(whole.data() - body.data());
      const std::size_t end = start + whole.size();
      consider(start, end, [&](std::size_t& ub, std::size_t& ue, std::size_t& kb, std::size_t& ke) {
        if (!rule.groups.get()->read(re, input, start, end, g)) return false;
        const re2::StringPiece& units = g[0];
        const re2::StringPiece& kw = g[1];
        if (!units.data() || !kw.data()) return false;
        ub = off(units) - b, ue = ub + units.size(), kb = off(kw) - b, ke = kb + kw.size();
        return true;
      });
      pos = end > pos ? end : pos + 1;
    }
    if (after_others && kept.size() == kept_before) rule.kw_wanted->store(true, std::memory_order_relaxed);
    return true;
  });
}

}  // namespace

namespace {

// The note bodies of a document (every segment's, in order: brackets first,
// then the tail), the role matches of each once computed, and the reading
// of each match once done. Both passes of read_notes share it.
struct Notes {
  std::vector<NoteBody> bodies;
  std::vector<std::size_t> segment_ends;  // segment k's bodies end at segment_ends[k]
  // A tail's match, to read its body from.
  struct TailMatch {
    const RE2* re;
    const MatchGroups* groups;  // its body
    std::size_t sb, se;         // the segment searched
    bool anchor_first;          // the rule's (see leftmost_match)
    const RE2* rest_end;        // the rule's (see NoteRule); null: none
    // Where rest_end's leftmost match in the segment starts: kNotYet, or
    // kNone when it has none.
    std::size_t rest_from;
    // The body found to cover the tail (covered_unsearched), or kNotYet:
    // it covers it in either pass.
    std::size_t covered_by = kNotYet;
  };
  std::vector<TailMatch> tail_matches;
  // Per body: its matches, matches[match_begin, match_end), once computed.
  static constexpr std::size_t kNotYet = static_cast<std::size_t>(-1);
  static constexpr std::size_t kNone = static_cast<std::size_t>(-2);
  std::vector<std::size_t> match_begin, match_end;
  std::vector<RoleMatch> matches;
  // Per match: its names, pieces[begin, end), and whether they depended on
  // the names known from the first pass.
  struct Reading {
    bool done = false, used_known = false;
    std::size_t begin = 0, end = 0;
  };
  std::vector<Reading> readings;
  std::vector<Piece> pieces;

  // Empties every member above (the buffers stay).
  void clear() {
    bodies.clear();
    segment_ends.clear();
    tail_matches.clear();
    match_begin.clear();
    match_end.clear();
    matches.clear();
    readings.clear();
    pieces.clear();
  }
  // Frees the buffers when one document made them large (a 10 MB file's
  // are ~5 MB): a thread then keeps a typical plan's worth between
  // documents, and a big file's notes do not stay for the stages after
  // units, where they would add to the peak.
  void release_if_large() {
    constexpr std::size_t kKeepBytes = 1 << 20;
    const std::size_t bytes = bodies.capacity() * sizeof(NoteBody) + segment_ends.capacity() * sizeof(std::size_t) +
                              tail_matches.capacity() * sizeof(TailMatch) +
                              (match_begin.capacity() + match_end.capacity()) * sizeof(std::size_t) +
                              matches.capacity() * sizeof(RoleMatch) + readings.capacity() * sizeof(Reading) +
                              pieces.capacity() * sizeof(Piece);
    if (bytes > kKeepBytes) *this = Notes{};
  }

  std::span<const RoleMatch> matches_of(std::size_t body) const {
    return {matches.data() + match_begin[body], match_end[body] - match_begin[body]};
  }
  std::span<const Piece> pieces_of(std::size_t match) const {
    return {pieces.data() + readings[match].begin, readings[match].end - readings[match].begin};
  }
};

// A note rule as find_note_bodies uses it, prepared once per grammar: how
// to read its body group, and whether it reads a tail.
struct NoteRule {
  const RE2* re;
  std::shared_ptr<const MatchGroups> body;
  bool tail;
  std::size_t index;           // in the notes
  const std::string& opening;  // every match opens with it (may be empty)
  bool anchor_first;           // see leftmost_match
  // A tail rule `(?P<body>…)R` (every match is the body group followed by a
  // match of R, after_opening_group): `(?:R)$`, whose leftmost match in a
  // segment starts at or before the body's end of every match that closes
  // the segment. Null for other rules.
  std::shared_ptr<const RE2> rest_end;
};

std::vector<NoteRule> prepare_note_rules(const RuleSet& notes) {
  std::vector<NoteRule> rules;
  rules.reserve(notes.rules.size());
  for (std::size_t i = 0; i < notes.rules.size(); ++i) {
    const RE2& re = *notes.rules[i].re;
    if (re.NamedCapturingGroups().count("body") == 0) continue;
    const bool tail = notes.rules[i].attr("tail") == "true";
    std::shared_ptr<const RE2> rest_end;
    const std::string& p = re.pattern();
    if (tail && facts_of(re).ends_at_end && !re.options().literal() && p.rfind("(?P<body>", 0) == 0) {
      if (const std::string rest = units::after_opening_group(p); !rest.empty()) {
        RE2::Options options = re.options();
        options.set_never_capture(true);
        options.set_log_errors(false);
        rest_end = shared_regex("(?:" + rest + ")$", options);
        if (!rest_end->ok()) rest_end.reset();
      }
    }
    rules.push_back({&re, MatchGroups::of(re, {"body"}), tail, i, facts_of(re).opening, !facts_of(re).ends_at_end,
                     std::move(rest_end)});
  }
  return rules;
}

// The longest segment whose tail find_note_bodies leaves to read_pass
// (cost only: finding a segment's role words costs about a third of the
// tail search a byte, and short segments mostly hold none; measured on the
// plans, 128 to 256 bytes pay about alike).
constexpr std::size_t kDeferredTailSegment = 192;

// `words`: the note rules' RequiredWords.
// Into `out`, cleared first (its buffers kept: a thread reads plan after
// plan, and these grow to the same few hundred entries each time).
void find_note_bodies(const std::string& text, const std::vector<NoteRule>& rules, const RequiredWords& words,
                      const Document& doc, Notes& out) {
  // A rule whose words are not in a segment is not searched there: most
  // segments hold no bracket or label, and a rule that cannot skip ahead
  // (a class first) would scan all of them.
  const RequiredWords::Hits note_words = words.hits(text);
  out.clear();
  for (const auto& segment : segments(text, doc)) {
    const std::size_t sb = segment.first, se = segment.second;
    std::string_view seg(text.data() + sb, se - sb);
    const re2::StringPiece input(seg.data(), seg.size());
    const std::uint64_t in_seg = note_words.may_match(sb, se);
    // Note bodies: brackets first, then the tail sentence unless a bracket
    // note already covers it. Each rule is searched on its own (its DFA
    // skips to the rule's first bytes), for the whole match only; the body
    // is then read from that match.
    const std::size_t first = out.bodies.size();
    std::vector<NoteBody>& bodies = out.bodies;
    for (const NoteRule& rule : rules) {
      if (!RequiredWords::may(in_seg, rule.index)) continue;
      // (A tail only counts when a role rule matches in it.)
      const RE2& re = *rule.re;
      re2::StringPiece whole, body;
      // After a match, the next one needs the rule's words in what is left;
      // it starts where the rule's opening literal does.
      auto next_start = [&](std::size_t from) {
        if (from > 0 && !RequiredWords::may(note_words.may_match(sb + from, se), rule.index)) return seg.size() + 1;
        return rule.opening.empty() ? from : std::min(units::find_opening(seg, rule.opening, from), seg.size() + 1);
      };
      // A short segment's tail is searched for later, if at all (the cost
      // of finding the segment's role words is its length's, the search's
      // the tail's: in a long segment the tail is a small part).
      if (rule.tail && rule.opening.empty() && seg.size() <= kDeferredTailSegment &&
          units::shortcuts.load(std::memory_order_relaxed)) {
        bodies.push_back({sb, se, true, NoteBody::State::kUnsearched,
                          static_cast<std::uint32_t>(out.tail_matches.size())});
        out.tail_matches.push_back({&re, rule.body.get(), sb, se, rule.anchor_first, rule.rest_end.get(), Notes::kNotYet});
        continue;
      }
      // A longer segment's tail: searched for when read_pass needs it (a
      // tail covered by a bracket note read before it mostly is not).
      if (rule.tail && rule.opening.empty() && rule.rest_end && units::shortcuts.load(std::memory_order_relaxed)) {
        bodies.push_back({sb, se, true, NoteBody::State::kDeferred,
                          static_cast<std::uint32_t>(out.tail_matches.size())});
        out.tail_matches.push_back({&re, rule.body.get(), sb, se, rule.anchor_first, rule.rest_end.get(), Notes::kNotYet});
        continue;
      }
      // The leftmost match from pos (moved to where it starts, or past the
      // end). Every match opens with the opening literal: the first place
      // where it stands and an anchored search matches is the leftmost match
      // (opening_literal() reads a literal only for context-free patterns,
      // which assert nothing of what precedes), found without the unanchored
      // search, whose reverse program and DFA states the first document
      // would pay for (match_at_starts).
      const bool by_opening = !rule.opening.empty() && units::shortcuts.load(std::memory_order_relaxed);
      auto find_match = [&](std::size_t& pos) {
        if (by_opening) return match_at_starts(re, input, pos, seg.size(), seg.size(), next_start, &whole);
        return leftmost_match(re, input, pos, seg.size(), rule.anchor_first, &whole);
      };
      for (std::size_t pos = next_start(0); pos <= seg.size() && find_match(pos);) {
        const std::size_t start = static_cast<std::size_t>(whole.data() - seg.data());
        const std::size_t end = start + whole.size();
        if (rule.tail) {
          // (A tail body only counts when a role note closes it: read_pass
          // tells, and skips it cheaply when no role rule's words are in it.)
          bodies.push_back({sb + start, sb + end, true, NoteBody::State::kMatch,
                            static_cast<std::uint32_t>(out.tail_matches.size())});
          out.tail_matches.push_back({&re, rule.body.get(), sb, se, rule.anchor_first, rule.rest_end.get(), Notes::kNotYet});
          break;
        }
        if (rule.body->read(re, input, start, end, &body) && body.data() && !body.empty()) {
          std::size_t b = static_cast<std::size_t>(body.data() - text.data());
          bodies.push_back({b, b + body.size(), false});
        }
        pos = next_start(end > pos ? end : pos + 1);
      }
    }
    if (bodies.size() == first) continue;
    // (Mostly in that order already: the tail rule comes last.)
    auto tails_last = [](const NoteBody& a, const NoteBody& b) { return !a.tail && b.tail; };
    const auto from = bodies.begin() + static_cast<std::ptrdiff_t>(first);
    if (!std::is_sorted(from, bodies.end(), tails_last)) std::stable_sort(from, bodies.end(), tails_last);
    out.segment_ends.push_back(bodies.size());
  }
  out.match_begin.assign(out.bodies.size(), Notes::kNotYet);
  out.match_end.assign(out.bodies.size(), Notes::kNotYet);
}

// Reads the body of a tail kept as its whole match (state kMatch): kBody,
// or kNone when the match sets no body or an empty one.
void read_tail_body(const std::string& text, const Notes& notes, NoteBody& body) {
  const Notes::TailMatch& m = notes.tail_matches[body.match];
  const re2::StringPiece input(text.data() + m.sb, m.se - m.sb);
  re2::StringPiece got;
  body.state = NoteBody::State::kNone;
  if (m.groups->read(*m.re, input, body.b - m.sb, body.e - m.sb, &got) && got.data() && !got.empty()) {
    body.b = static_cast<std::size_t>(got.data() - text.data());
    body.e = body.b + got.size();
    body.state = NoteBody::State::kBody;
  }
}

// Searches the tail a segment kept unsearched (state kUnsearched): kMatch
// with the whole match, or kNone when the tail rule does not match there.
void search_tail(const std::string& text, const Notes& notes, NoteBody& body) {
  const Notes::TailMatch& m = notes.tail_matches[body.match];
  const re2::StringPiece input(text.data() + m.sb, m.se - m.sb);
  re2::StringPiece whole;
  body.state = NoteBody::State::kNone;
  if (leftmost_match(*m.re, input, 0, input.size(), m.anchor_first, &whole)) {
    body.b = static_cast<std::size_t>(whole.data() - text.data());
    body.e = body.b + whole.size();
    body.state = NoteBody::State::kMatch;
  }
}

// Is the tail a segment kept unsearched (kDeferred) covered
// by a body read before it, read, told without the tail's search? True only
// when a read body [bb, be) has (1) a match of the tail rule starting in it
// (anchored at its last character: the leftmost match, at p, starts there
// or before, so p < be) and (2) bb before where the rule's rest can first
// span to the segment's end (the body ends where the rest starts: q > bb).
// Then whatever the tail's body [p, q) is, it overlaps [bb, be) (and when
// the tail has no body, it is not read either). False: search it.
bool covered_unsearched(const std::string& text, Notes& notes, const NoteBody& body, std::span<const std::size_t> read) {
  Notes::TailMatch& m = notes.tail_matches[body.match];
  if (!m.rest_end || read.empty()) return false;
  const re2::StringPiece input(text.data() + m.sb, m.se - m.sb);
  // The read body nearest the segment's end: the shortest anchored search.
  const NoteBody* last = nullptr;
  std::size_t last_index = 0;
  for (const std::size_t r : read) {
    if (r == m.covered_by) return true;
    if (!last || notes.bodies[r].e > last->e) last = &notes.bodies[r], last_index = r;
  }
  if (last->b >= last->e || last->b < m.sb || last->e > m.se) return false;
  if (m.rest_from == Notes::kNotYet) {
    re2::StringPiece rest;
    m.rest_from = m.rest_end->Match(input, 0, input.size(), RE2::UNANCHORED, &rest, 1)
                      ? static_cast<std::size_t>(rest.data() - text.data())
                      : Notes::kNone;
  }
  if (m.rest_from == Notes::kNone || m.rest_from <= last->b) return false;
  std::size_t y = last->e - 1;
  while (y > last->b && (static_cast<unsigned char>(text[y]) & 0xC0) == 0x80) --y;
  if (!m.re->Match(input, y - m.sb, input.size(), RE2::ANCHOR_START, nullptr, 0)) return false;
  m.covered_by = last_index;
  return true;
}

// Does a body read before it in its segment, read[from, end), overlap [b, e)?
bool covered(const Notes& notes, std::span<const std::size_t> read, std::size_t b, std::size_t e) {
  bool covered = false;
  for (const std::size_t r : read) covered |= b < notes.bodies[r].e && notes.bodies[r].b < e;
  return covered;
}

// One pass over the notes: which bodies are read (in order, into `read`),
// their role matches and readings computed as needed. A body is read when
// no body read before it in its segment overlaps it, a role keyword is in
// it (a tail's must close it), and some match names a unit.
void read_pass(const std::string& text, Notes& notes, const std::vector<RoleRule>& rules, const RoleFilter& filter,
               const UnitReader& reader, std::vector<std::size_t>& read) {
  read.clear();
  std::size_t bi = 0;
  for (const std::size_t segment_end : notes.segment_ends) {
    const std::size_t read_from = read.size();  // this segment's bodies read
    for (; bi < segment_end; ++bi) {
      NoteBody& note = notes.bodies[bi];
      const std::span<const std::size_t> read_before(read.data() + read_from, read.size() - read_from);
      // A tail not yet searched: not worth it when no role rule's words are
      // in its segment (no match of theirs can close it, in either pass).
      if (note.state == NoteBody::State::kUnsearched) {
        if (may_match_any(rules, filter.may_match(note.b, note.e)))
          search_tail(text, notes, note);
        else
          note.state = NoteBody::State::kNone;
      }
      // A longer segment's tail not yet searched: not when it is covered.
      if (note.state == NoteBody::State::kDeferred) {
        if (covered_unsearched(text, notes, note, read_before)) continue;
        search_tail(text, notes, note);
      }
      if (note.state == NoteBody::State::kMatch && !units::shortcuts.load(std::memory_order_relaxed))
        read_tail_body(text, notes, note);
      if (note.state == NoteBody::State::kNone) continue;
      // A tail kept as its whole match: one not covered by what was read
      // before it has no body covered either; else its body tells.
      if (note.state == NoteBody::State::kMatch && covered(notes, read_before, note.b, note.e)) read_tail_body(text, notes, note);
      if (note.state == NoteBody::State::kNone || covered(notes, read_before, note.b, note.e)) continue;
      if (notes.match_begin[bi] == Notes::kNotYet) {
        notes.match_begin[bi] = notes.matches.size();
        // A tail's role keywords are looked for in its whole match: with
        // none, its body is not even read.
        const std::uint64_t candidates = filter.may_match(note.b, note.e);
        if (note.state == NoteBody::State::kMatch && may_match_any(rules, candidates)) read_tail_body(text, notes, note);
        if (note.state == NoteBody::State::kBody)
          role_matches(rules, candidates, filter, text, note.b, note.e, note.tail, notes.matches);
        notes.match_end[bi] = notes.matches.size();
        notes.readings.resize(notes.matches.size());
      }
      if (note.state != NoteBody::State::kBody) continue;
      const NoteBody body = note;
      const std::span<const RoleMatch> matches = notes.matches_of(bi);
      if (matches.empty()) continue;
      if (body.tail) {
        // A sentence is a note only when a role keyword closes it.
        bool closes = false;
        for (const RoleMatch& m : matches) closes |= m.e == body.e;
        if (!closes) continue;
      }
      bool any = false;
      for (std::size_t mi = notes.match_begin[bi]; mi < notes.match_end[bi]; ++mi) {
        Notes::Reading& reading = notes.readings[mi];
        if (!reading.done || reading.used_known) {
          const RoleMatch& m = notes.matches[mi];
          const bool from_right = rules[static_cast<std::size_t>(m.rule)].from_right;
          const bool weak = weak_left(text, m.units_b, body.b, body.tail);
          const std::size_t units_e = from_right ? m.units_e : clip_at_keyword(text, m, matches);
          const std::size_t consults = reader.consults();
          reading.begin = notes.pieces.size();
          reader.read(m.units_b, units_e, weak, from_right, notes.pieces);
          reading.end = notes.pieces.size();
          reading.done = true;
          reading.used_known = reader.consults() != consults;
        }
        any |= reading.end > reading.begin;
      }
      if (any) read.push_back(bi);
    }
  }
}

// The innermost clause whose text holds pos, or -1 (locate()'s clause,
// without its strings).
int clause_at(const Document& doc, std::size_t pos) {
  auto clause = std::upper_bound(doc.clauses.begin(), doc.clauses.end(), pos,
                                 [](std::size_t p, const Clause& c) { return p < c.text_begin; });
  int i = static_cast<int>(clause - doc.clauses.begin()) - 1;
  while (i >= 0) {
    const Clause& c = doc.clauses[static_cast<std::size_t>(i)];
    if (pos < c.text_end) return i;
    i = c.parent_index;
  }
  return -1;
}

// Is `name` among `names`? (A few names each: a look at each.)
template <class Texts>
bool holds(const Texts& names, std::string_view name) {
  for (const auto& n : names)
    if (units::same_text(n, name)) return true;
  return false;
}

// A name read for a clause (lead or support), for the document's
// implementers, or outside every clause (loose).
struct Named {
  enum Kind : int { kLead, kSupport, kImplementers, kLoose } kind;
  int clause;  // kLead, kSupport
  std::size_t pos;
  std::size_t name;         // in the list of names
  const std::string* role;  // kLoose
};

// `named` by kind, then clause, in the order read within each group: a
// stable counting sort (the groups are few and known).
std::vector<Named> grouped(std::vector<Named> named, std::size_t clauses) {
  auto group = [&](const Named& n) {
    return static_cast<std::size_t>(n.kind) * (clauses + 1) + static_cast<std::size_t>(n.clause + 1);
  };
  std::vector<std::size_t> start(4 * (clauses + 1) + 1, 0);
  for (const Named& n : named) ++start[group(n) + 1];
  for (std::size_t k = 1; k < start.size(); ++k) start[k] += start[k - 1];
  std::vector<Named> out(named.size());
  for (const Named& n : named) out[start[group(n)]++] = n;
  return out;
}

// Names in text order, each once (the first place it is read), into out
// (cleared first).
void ordered(std::vector<Named>::iterator b, std::vector<Named>::iterator e,
             const std::vector<std::string_view>& names, std::vector<std::string_view>& out) {
  auto by_pos = [](const Named& x, const Named& y) { return x.pos < y.pos; };
  if (!std::is_sorted(b, e, by_pos)) std::stable_sort(b, e, by_pos);  // (a sort's buffer for nothing)
  out.clear();
  for (auto it = b; it != e; ++it)
    if (!holds(out, names[it->name])) out.push_back(names[it->name]);
}

}  // namespace

// extract_units' tables for a grammar's units.yaml: what its rules and
// lists are read into, built once per grammar (Grammar::Impl::units_tables)
// rather than per document.
struct UnitsTables {
  explicit UnitsTables(const Grammar::Impl& g)
      : notes(g.rule_set(kFile, "notes")),
        roles(g.rule_set(kFile, "roles")),
        lex(g),
        note_rules(prepare_note_rules(notes)),
        note_words(RequiredWords::of(notes.regexes())),
        role_words(*RequiredWords::of(roles.regexes())) {}
  const RuleSet& notes;
  const RuleSet& roles;
  const Lexicon lex;
  const std::vector<NoteRule> note_rules;
  const std::shared_ptr<const RequiredWords> note_words;
  const WordFinder role_words;

  // The role rules, built on first use: their helpers are not built for a
  // run over texts without a note (start-up stays cheap).
  const std::vector<RoleRule>& role_rules() const {
    std::call_once(roles_once_, [&] { roles_ = std::make_unique<const std::vector<RoleRule>>(prepare_role_rules(roles)); });
    return *roles_;
  }

 private:
  mutable std::once_flag roles_once_;
  mutable std::unique_ptr<const std::vector<RoleRule>> roles_;
};

void extract_units(const NormalizedText& nt, const Grammar& grammar, Document& doc) {
  const Grammar::Impl& g = grammar.impl();
  if (g.rule_set(kFile, "notes").rules.empty() || g.rule_set(kFile, "roles").rules.empty()) return;
  std::call_once(g.units_tables_once, [&] { g.units_tables = std::make_shared<const UnitsTables>(g); });
  const UnitsTables& tables = *g.units_tables;
  const std::string& text = nt.text();
  UnitReader reader(text, tables.lex);
  const RoleFilter filter(tables.role_words, text);
  thread_local Notes notes;
  find_note_bodies(text, tables.note_rules, *tables.note_words, doc, notes);
  static const std::vector<RoleRule> no_rules;
  const std::vector<RoleRule>& rules = notes.bodies.empty() ? no_rules : tables.role_rules();
  // Two passes: the second knows every name the first read, so a name glued
  // to a sentence without any unit prefix can still be cut out. The regex
  // work is shared, and so is every reading that did not look for a known
  // name; when none did, the second pass would read exactly the same.
  std::vector<std::size_t> read;
  read_pass(text, notes, rules, filter, reader, read);
  if (reader.consulted_known()) {
    std::vector<std::string_view> known;
    for (std::size_t bi : read)
      for (std::size_t mi = notes.match_begin[bi]; mi < notes.match_end[bi]; ++mi)
        for (const Piece& p : notes.pieces_of(mi)) known.push_back(std::string_view(text).substr(p.b, p.e - p.b));
    reader.set_known(known);
    read_pass(text, notes, rules, filter, reader, read);
  }

  // The names, by where they go; each clause's first note for its rule and quote.
  std::vector<Named> named;
  NameTexts texts;
  std::vector<NameTexts::Ref> all_refs;  // what `named` refers to
  std::vector<const NoteBody*> first_note(doc.clauses.size(), nullptr);
  std::vector<const std::string*> first_rule(doc.clauses.size(), nullptr);
  std::vector<NameTexts::Ref> names;
  for (std::size_t bi : read) {
    const NoteBody& body = notes.bodies[bi];
    const int clause = clause_at(doc, body.b);
    for (std::size_t mi = notes.match_begin[bi]; mi < notes.match_end[bi]; ++mi) {
      const std::span<const Piece> kept = notes.pieces_of(mi);
      if (kept.empty()) continue;
      const RoleRule& rule = rules[static_cast<std::size_t>(notes.matches[mi].rule)];
      reader.names(kept, nt, texts, names);
      for (std::size_t i = 0; i < kept.size(); ++i) {
        const std::size_t name = all_refs.size();
        all_refs.push_back(names[i]);
        if (rule.implementers) {
          named.push_back({Named::kImplementers, -1, kept[i].b, name, nullptr});
        } else if (clause >= 0) {
          named.push_back({rule.support ? Named::kSupport : Named::kLead, clause, kept[i].b, name, nullptr});
          const auto c = static_cast<std::size_t>(clause);
          if (!first_note[c]) {
            first_note[c] = &body;
            first_rule[c] = &rule.rule.id;
          }
        } else {
          named.push_back({Named::kLoose, -1, kept[i].b, name, &rule.role});
        }
      }
    }
  }
  std::vector<std::string_view> all_names;
  all_names.reserve(all_refs.size());
  for (const NameTexts::Ref r : all_refs) all_names.push_back(texts.view(nt, r));
  // Grouped by kind and clause, in the order read within each group.
  std::vector<Named> loose;
  for (const Named& n : named)
    if (n.kind == Named::kLoose) loose.push_back(n);
  named = grouped(std::move(named), doc.clauses.size());
  // One pass over the clauses (a few cache lines each) for what every one
  // gets; the names go to the few that have some.
  for (std::size_t i = 0; i < doc.clauses.size(); ++i) {
    Clause& c = doc.clauses[i];
    c.lead.clear();
    c.support.clear();
    if (first_rule[i]) {
      c.units_rule = *first_rule[i];
      c.units_quote = nt.quote(first_note[i]->b, first_note[i]->e);
    } else {
      c.units_rule.clear();
      c.units_quote.clear();
    }
  }
  doc.implementers.clear();
  std::vector<std::string_view> group;
  for (auto it = named.begin(); it != named.end();) {
    auto end = it;
    while (end != named.end() && end->kind == it->kind && end->clause == it->clause) ++end;
    if (it->kind == Named::kLoose) break;  // (the last kind: read from `loose` below)
    ordered(it, end, all_names, group);
    std::vector<std::string>& out = it->kind == Named::kLead      ? doc.clauses[static_cast<std::size_t>(it->clause)].lead
                                    : it->kind == Named::kSupport ? doc.clauses[static_cast<std::size_t>(it->clause)].support
                                                                  : doc.implementers;
    const std::vector<std::string>* lead =
        it->kind == Named::kSupport ? &doc.clauses[static_cast<std::size_t>(it->clause)].lead : nullptr;
    out.reserve(group.size());
    for (const std::string_view name : group)
      if (!lead || !holds(*lead, name)) out.emplace_back(name);
    it = end;
  }
  doc.units.clear();
  for (const Named& n : loose) {
    Location loc = locate(doc, n.pos);
    doc.units.push_back({std::string(all_names[n.name]), *n.role, nt.position(n.pos).line, loc.section});
  }
  notes.release_if_large();
}

}  // namespace plancmp
