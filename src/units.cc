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
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "grammar_internal.h"
#include "plancmp/extract.h"
#include "regex_shortcuts.h"
#include "utf8_util.h"

namespace plancmp {

namespace {

constexpr const char* kFile = "units.yaml";
constexpr std::size_t kMaxUnitChars = 25;   // longest plausible unit name, in code points
constexpr std::size_t kShortUnitChars = 6;  // a name this short may start anyhow ("发改局")

std::uint16_t key2(std::string_view s, std::size_t i) {
  return static_cast<std::uint16_t>((static_cast<unsigned char>(s[i]) << 8) | static_cast<unsigned char>(s[i + 1]));
}

// One bit per first (or last) two bytes of a list's words: most places in
// a text start (or end) none of them, and one bit tells.
class KeyBits {
 public:
  KeyBits(const std::vector<std::string>& words, bool last) : bits_(65536 / 64) {
    for (const std::string& w : words) {
      if (w.size() < 2) {
        all_ = true;  // a one-byte word: no test
        continue;
      }
      const std::uint16_t k = key2(w, last ? w.size() - 2 : 0);
      bits_[k / 64] |= std::uint64_t{1} << (k % 64);
    }
  }
  // May a word start at s[i]?
  bool may_start(std::string_view s, std::size_t i) const {
    return all_ || (i + 2 <= s.size() && has(key2(s, i)));
  }
  // May a word end at s[end] (and start at or after begin)?
  bool may_end(std::string_view s, std::size_t end, std::size_t begin) const {
    return all_ || (end >= begin + 2 && has(key2(s, end - 2)));
  }
  bool has(std::uint16_t k) const { return bits_[k / 64] >> (k % 64) & 1; }

 private:
  std::vector<std::uint64_t> bits_;
  bool all_ = false;
};

// A list of words, indexed by their first two bytes, to ask "does any occur
// in this short span" by checking each position against the few words that
// can start there (rather than one find() per word).
class WordIndex {
 public:
  explicit WordIndex(const std::vector<std::string>& words) : words_(words), first_keys_(words, false) {
    for (const std::string& w : words) {
      if (w.size() < 2) {
        short_word_ = true;
        continue;
      }
      keyed_.emplace_back(key2(w, 0), w);
    }
    std::sort(keyed_.begin(), keyed_.end());
  }

  // May one of the words start at s[i]?
  bool may_start(std::string_view s, std::size_t i) const { return first_keys_.may_start(s, i); }

  // Does any of the words occur in s?
  bool any_in(std::string_view s) const {
    if (short_word_) {
      for (const auto& w : words_)
        if (s.find(w) != std::string_view::npos) return true;
      return false;
    }
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {
      const std::uint16_t k = key2(s, i);
      // Most positions start no word: one bit tells.
      if (!first_keys_.has(k)) continue;
      auto it = std::lower_bound(keyed_.begin(), keyed_.end(), k,
                                 [](const std::pair<std::uint16_t, std::string_view>& a, std::uint16_t v) {
                                   return a.first < v;
                                 });
      for (; it != keyed_.end() && it->first == k; ++it)
        if (s.compare(i, it->second.size(), it->second) == 0) return true;
    }
    return false;
  }

 private:
  const std::vector<std::string>& words_;
  std::vector<std::pair<std::uint16_t, std::string_view>> keyed_;  // sorted
  KeyBits first_keys_;
  bool short_word_ = false;  // a word of under two bytes: plain find()s
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
        suffix_ends(suffixes, true),
        glue_keys(glue_starts, false),
        unit_keys(unit_starts, false),
        soft_keys(soft_separators, false),
        lead_keys(strip_leading, false),
        trail_ends(strip_trailing, true) {}
  WordIndex not_in_unit_index;
  KeyBits suffix_ends, glue_keys, unit_keys, soft_keys, lead_keys, trail_ends;
};

// A candidate unit name: bytes [b, e) of the normalized text. `weak` when what
// stands to its left is a sentence (not a list separator, bracket or label), so
// a fragment of that sentence may be glued to it.
struct Piece {
  std::size_t b = 0, e = 0;
  bool weak = false;
};

bool starts_with_at(std::string_view s, std::size_t pos, std::string_view w) {
  return pos + w.size() <= s.size() && s.compare(pos, w.size(), w) == 0;
}

bool ends_with_at(std::string_view s, std::size_t end, std::size_t begin, std::string_view w) {
  return end >= begin + w.size() && s.compare(end - w.size(), w.size(), w) == 0;
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

class UnitReader {
 public:
  UnitReader(std::string_view text, const Lexicon& lex) : t_(text), lex_(lex) {}

  // Names read elsewhere in the document; a fragment glued to one of them can
  // be trimmed even when it starts with no unit prefix ("…要求发改局").
  // `known`: sorted.
  void set_known(std::vector<std::string_view> known) { known_ = std::move(known); }
  // Has trim() looked a name up in the known names (whatever they were)?
  bool consulted_known() const { return consults_ > 0; }
  // How often it has: a read() that leaves this unchanged did not depend on
  // the known names.
  std::size_t consults() const { return consults_; }

  bool has_suffix(const Piece& p) const {
    if (!lex_.suffix_ends.may_end(t_, p.e, p.b)) return false;
    for (const auto& w : lex_.suffixes)
      if (ends_with_at(t_, p.e, p.b, w)) return true;
    return false;
  }
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
    std::size_t n = chars(p);
    if (n < 2 || n > kMaxUnitChars) return false;
    int depth = 0;
    for (std::size_t i = p.b; i < p.e;) {
      char32_t c = utf8::next(t_, i);
      if (c == U'(') {
        ++depth;
      } else if (c == U')') {
        if (--depth < 0) return false;
      } else if (c < 0x80) {
        if (!((c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'))) return false;
      } else if (is_cjk_punct(c) && depth == 0) {
        return false;
      }
    }
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

  // The list in [b, e) as raw pieces: split at 、 , ; and spaces outside
  // parentheses. refine() splits each further; read() refines only the raw
  // pieces it reaches (a long sentence before a note's keyword is mostly
  // never read, so splitting all of it would be wasted).
  // `weak_start`: the list's left edge is a sentence, not a bracket or label.
  std::vector<Piece> split(std::size_t b, std::size_t e, bool weak_start) const {
    std::vector<Piece> raw;
    int depth = 0;
    std::size_t start = b;
    bool weak = weak_start;
    for (std::size_t i = b; i < e;) {
      std::size_t at = i;
      char32_t c = utf8::next(t_, i);
      if (c == U'(') ++depth;
      if (c == U')' && depth > 0) --depth;
      if (depth > 0) continue;
      if (c == U'、' || c == U',' || c == U';' || c == U' ' || c == U'\t') {
        raw.push_back({start, at, weak});
        start = i;
        weak = (c == U',');
      }
    }
    raw.push_back({start, e, weak});
    return raw;
  }

  // A raw piece as names: cleaned, then split at glued name boundaries and
  // at 及/和 between names.
  // Into out, cleared first.
  void refine(Piece p, std::vector<Piece>& out) const {
    out.clear();
    p = clean(p);
    if (p.b >= p.e) return;
    soft_.clear();
    split_soft(p, soft_);
    for (const Piece& q : soft_) split_glued(q, out);
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
      bool suffix = false;
      for (const auto& w : lex_.suffixes) suffix |= ends_with_at(t_, at, start, w);
      if (!suffix) continue;
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
      if (std::binary_search(known_.begin(), known_.end(), t_.substr(q.b, q.e - q.b)) && plausible(q) &&
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

  // Whole piece accepted as a name? `nearest`: next to the keyword (a list
  // ends with a complete name, so it needs a suffix).
  bool accept(const Piece& p, bool nearest) const {
    if (!plausible(p)) return false;
    if (nearest && !has_suffix(p)) return false;
    if (p.weak && !starts_unit(p) && chars(p) > kShortUnitChars) return false;
    return true;
  }

  // Reads the names of a list: from the keyword outwards (`from_right`: the
  // keyword follows the list) until something is not a name.
  // `raw`: split()'s pieces, refined here one at a time from the keyword's side.
  std::vector<Piece> read(const std::vector<Piece>& raw, bool from_right) const {
    std::vector<Piece> kept;
    std::size_t step = 0;  // pieces looked at so far
    auto done = [&] {
      std::sort(kept.begin(), kept.end(), [](const Piece& a, const Piece& b) { return a.b < b.b; });
      return kept;
    };
    std::vector<Piece>& pieces = pieces_;
    for (std::size_t r = 0; r < raw.size(); ++r) {
      refine(raw[from_right ? raw.size() - 1 - r : r], pieces);
      const std::size_t n = pieces.size();
      for (std::size_t k = 0; k < n; ++k, ++step) {
        const Piece& p = pieces[from_right ? n - 1 - k : k];
        bool nearest = from_right && step == 0;
        if (from_right ? accept(p, nearest) : plausible(p) && (has_suffix(p) || starts_unit(p))) {
          kept.push_back(p);
          continue;
        }
        if (auto q = from_right ? trim(p) : trim_right(p)) kept.push_back(*q);
        return done();
      }
    }
    return done();
  }

  // Names with "A、B、C管委会" distributed: A and B (places without a suffix)
  // take C's shared suffix.
  std::vector<std::string> names(const std::vector<Piece>& kept, const NormalizedText& nt) const {
    std::vector<std::string> out;
    for (const Piece& p : kept) out.push_back(nt.display(p.b, p.e));
    for (std::size_t i = 0; i < kept.size(); ++i) {
      const Piece& p = kept[i];
      for (const auto& s : lex_.shared_suffixes) {
        if (!ends_with_at(t_, p.e, p.b, s)) continue;
        Piece stem{p.b, p.e - s.size(), false};
        if (!ends_in_place(stem)) break;
        for (std::size_t j = i; j-- > 0;) {
          const Piece& q = kept[j];
          if (has_suffix(q) || !ends_in_place(q) || !separated_by_list_mark(q.e, kept[j + 1].b))
            break;
          out[j] = nt.display(q.b, q.e) + nt.display(p.e - s.size(), p.e);
        }
        break;
      }
    }
    return out;
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
  std::vector<std::string_view> known_;  // sorted
  mutable std::size_t consults_ = 0;  // this reader is local to one document
  // Scratch buffers, reused from call to call.
  mutable std::vector<std::size_t> cps_;      // trim, trim_right
  mutable std::vector<Piece> pieces_, soft_;  // read, refine
};

struct Found {
  std::size_t pos;
  std::string name;
};

struct NoteBody {
  std::size_t b, e;
  bool tail;
};

// Where notes are looked for: paragraphs, cut where an item or section starts.
std::vector<std::pair<std::size_t, std::size_t>> segments(const std::string& text, const Document& doc) {
  std::vector<std::size_t> cuts{0, text.size()};
  for (std::size_t i = text.find('\n'); i != std::string::npos; i = text.find('\n', i + 1))
    cuts.push_back(i);
  for (const Clause& c : doc.clauses) cuts.push_back(c.text_begin);
  for (const Section& s : doc.sections) cuts.push_back(s.text_begin);
  std::sort(cuts.begin(), cuts.end());
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
std::size_t clip_at_keyword(std::string_view text, const RoleMatch& m,
                            const std::vector<RoleMatch>& all) {
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

// A role rule as role_matches and read_notes use it, prepared once per document.
struct RoleRule {
  const PatternRule& rule;
  std::shared_ptr<const MatchGroups> groups;  // units, kw
  bool usable;         // the rule has both groups
  // The keyword ends every match of the rule ("…负责$"): a match that ends
  // inside a kept keyword ("…按职责分工负责") is dropped, so it is not worth
  // its groups.
  bool kw_closes;
  bool from_right;     // the keyword follows the list
  const std::string& role;
  bool implementers, support;  // role is "implementers", "support"
};

std::vector<RoleRule> role_rules(const RuleSet& roles) {
  std::vector<RoleRule> out;
  out.reserve(roles.rules.size());
  for (std::size_t i = 0; i < roles.rules.size(); ++i) {
    const PatternRule& rule = roles.rules[i];
    const auto& names = rule.re->NamedCapturingGroups();
    const std::string& role = rule.attr("role");
    out.push_back({rule, MatchGroups::of(*rule.re, {"units", "kw"}), names.count("units") && names.count("kw"),
                   roles.closing_group(i) == "kw", rule.attr("anchor") != "left", role, role == "implementers",
                   role == "support"});
  }
  return out;
}

std::vector<RoleMatch> role_matches(const std::vector<RoleRule>& rules, const RequiredWords& words,
                                    std::string_view text, std::size_t b, std::size_t e) {
  std::string_view body = text.substr(b, e - b);
  const re2::StringPiece input(body.data(), body.size());
  auto off = [&](const re2::StringPiece& s) { return static_cast<std::size_t>(s.data() - text.data()); };
  // Priority: a keyword already claimed by an earlier rule is not read again.
  // Rules come in order and each rule's matches left to right, so `kept`
  // grows in priority order.
  std::vector<RoleMatch> kept;
  // Each rule is searched on its own, unless it lacks a word it needs: the
  // set of all the rules would tell which match, but its DFA keeps building
  // states and costs more than the few rules' own DFAs.
  const std::uint64_t candidates = words.may_match(body);
  for (std::size_t idx = 0; idx < rules.size(); ++idx) {
    const RoleRule& rule = rules[idx];
    if (!rule.usable || !RequiredWords::may(candidates, idx)) continue;
    const RE2& re = *rule.rule.re;
    re2::StringPiece whole, g[2];
    std::size_t pos = 0;
    while (pos <= body.size() && re.Match(input, pos, body.size(), RE2::UNANCHORED, &whole, 1)) {
      const std::size_t start = static_cast<std::size_t>(whole.data() - body.data());
      const std::size_t end = start + whole.size();
      bool dropped = false;
      if (rule.kw_closes)
        for (const RoleMatch& k : kept) dropped |= k.kw_b < b + end && b + end <= k.kw_e;
      if (!dropped && rule.groups->read(re, input, start, end, g)) {
        const re2::StringPiece& units = g[0];
        const re2::StringPiece& kw = g[1];
        if (units.data() && kw.data()) {
          RoleMatch m{static_cast<int>(idx), b + start, b + end, off(kw), off(kw) + kw.size(), off(units), off(units) + units.size()};
          bool overlap = false;
          for (const RoleMatch& k : kept) overlap |= m.kw_b < k.kw_e && k.kw_b < m.kw_e;
          if (!overlap) kept.push_back(m);
        }
      }
      pos = end > pos ? end : pos + 1;
    }
  }
  return kept;
}

}  // namespace

namespace {

struct Readings {
  std::vector<std::vector<Found>> lead, support;
  std::vector<std::pair<std::string, std::string>> note;  // per clause: first note's rule and quote
  std::vector<std::pair<Found, std::string>> loose;       // outside clauses: (unit, role)
  std::vector<Found> implementers;
  std::vector<std::string_view> names;  // every name read, as normalized text
};

// The regex work of read_notes, done once and shared by both passes: the note
// bodies of each segment, and the role matches of a body once it is read.
// The reader's work on one role match is shared too, unless it depended on
// the names known from the first pass.
struct Reading {
  std::vector<Piece> kept;
  std::vector<std::string> names;
  bool used_known = false;
};

struct SegmentNotes {
  std::vector<NoteBody> bodies;
  std::vector<std::optional<std::vector<RoleMatch>>> matches;  // per body, on demand
  std::vector<std::vector<std::optional<Reading>>> readings;    // per body, per match
};

std::vector<SegmentNotes> find_note_bodies(const std::string& text, const RuleSet& notes, const RuleSet& roles,
                                           const RequiredWords& role_words, const Document& doc) {
  // Per rule, once: how to read its body group, and whether it reads a tail.
  struct NoteRule {
    const RE2* re;
    std::shared_ptr<const MatchGroups> body;
    bool tail;
    std::size_t index;  // in notes
  };
  std::vector<NoteRule> rules;
  rules.reserve(notes.rules.size());
  for (std::size_t i = 0; i < notes.rules.size(); ++i) {
    const RE2& re = *notes.rules[i].re;
    if (re.NamedCapturingGroups().count("body") == 0) continue;
    rules.push_back({&re, MatchGroups::of(re, {"body"}), notes.rules[i].attr("tail") == "true", i});
  }
  // A rule whose words are not in a segment is not searched there: most
  // segments hold no bracket or label, and a rule that cannot skip ahead
  // (a class first) would scan all of them.
  const RequiredWords::Hits note_words = RequiredWords::of(notes.regexes())->hits(text);
  std::vector<SegmentNotes> out;
  for (auto [sb, se] : segments(text, doc)) {
    std::string_view seg(text.data() + sb, se - sb);
    const re2::StringPiece input(seg.data(), seg.size());
    const std::uint64_t in_seg = note_words.may_match(sb, se);
    // Note bodies: brackets first, then the tail sentence unless a bracket
    // note already covers it. Each rule is searched on its own (its DFA
    // skips to the rule's first bytes), for the whole match only; the body
    // is then read from that match.
    std::vector<NoteBody> bodies;
    for (const NoteRule& rule : rules) {
      if (!RequiredWords::may(in_seg, rule.index)) continue;
      const RE2& re = *rule.re;
      re2::StringPiece whole, body;
      for (std::size_t pos = 0; pos <= seg.size() && re.Match(input, pos, seg.size(), RE2::UNANCHORED, &whole, 1);) {
        const std::size_t start = static_cast<std::size_t>(whole.data() - seg.data());
        const std::size_t end = start + whole.size();
        // A tail body only counts when a role note closes it. When no role
        // rule's words occur in the tail's whole match, its body is not
        // worth reading. Otherwise role_matches tells (a looser set of the
        // role rules, tried as a pre-test here, cost more than the rules'
        // own DFAs on the bodies it spared).
        if (rule.tail) {
          const std::string_view span(whole.data(), whole.size());
          const std::uint64_t roles_in = role_words.may_match(span);
          const bool any = roles_in != 0 || roles.rules.size() > 64;  // some role rule may match
          if (!any) break;
        }
        if (rule.body->read(re, input, start, end, &body) && body.data() && !body.empty()) {
          std::size_t b = static_cast<std::size_t>(body.data() - text.data());
          bodies.push_back({b, b + body.size(), rule.tail});
        }
        if (rule.tail) break;
        pos = end > pos ? end : pos + 1;
      }
    }
    if (bodies.empty()) continue;
    std::stable_sort(bodies.begin(), bodies.end(),
                     [](const NoteBody& a, const NoteBody& b) { return !a.tail && b.tail; });
    SegmentNotes sn;
    sn.matches.resize(bodies.size());
    sn.readings.resize(bodies.size());
    sn.bodies = std::move(bodies);
    out.push_back(std::move(sn));
  }
  return out;
}

Readings read_notes(const NormalizedText& nt, std::vector<SegmentNotes>& found, const std::vector<RoleRule>& rules,
                    const RequiredWords& role_words, const UnitReader& reader, const Document& doc) {
  const std::string& text = nt.text();
  Readings out;
  out.lead.resize(doc.clauses.size());
  out.support.resize(doc.clauses.size());
  out.note.resize(doc.clauses.size());
  for (SegmentNotes& sn : found) {
    std::vector<NoteBody> read;
    for (std::size_t bi = 0; bi < sn.bodies.size(); ++bi) {
      const NoteBody& body = sn.bodies[bi];
      bool covered = false;
      for (const NoteBody& r : read) covered |= body.b < r.e && r.b < body.e;
      if (covered) continue;
      if (!sn.matches[bi]) sn.matches[bi] = role_matches(rules, role_words, text, body.b, body.e);
      const std::vector<RoleMatch>& matches = *sn.matches[bi];
      if (matches.empty()) continue;
      if (body.tail) {
        // A sentence is a note only when a role keyword closes it.
        bool closes = false;
        for (const RoleMatch& m : matches) closes |= m.e == body.e;
        if (!closes) continue;
      }
      Location loc = locate(doc, body.b);
      bool any = false;
      std::vector<std::optional<Reading>>& readings = sn.readings[bi];
      readings.resize(matches.size());
      for (std::size_t mi = 0; mi < matches.size(); ++mi) {
        const RoleMatch& m = matches[mi];
        const RoleRule& rule = rules[static_cast<std::size_t>(m.rule)];
        const bool from_right = rule.from_right;
        std::optional<Reading>& reading = readings[mi];
        if (!reading || reading->used_known) {
          bool weak = weak_left(text, m.units_b, body.b, body.tail);
          std::size_t units_e = from_right ? m.units_e : clip_at_keyword(text, m, matches);
          const std::size_t consults = reader.consults();
          reading = Reading{reader.read(reader.split(m.units_b, units_e, weak), from_right), {}, false};
          reading->used_known = reader.consults() != consults;
          if (!reading->kept.empty()) reading->names = reader.names(reading->kept, nt);
        }
        const std::vector<Piece>& kept = reading->kept;
        if (kept.empty()) continue;
        any = true;
        const std::vector<std::string>& names = reading->names;
        for (std::size_t i = 0; i < kept.size(); ++i) {
          out.names.push_back(std::string_view(text).substr(kept[i].b, kept[i].e - kept[i].b));
          if (rule.implementers) {
            out.implementers.push_back({kept[i].b, names[i]});
          } else if (loc.clause_index >= 0) {
            auto& into = rule.support ? out.support : out.lead;
            into[static_cast<std::size_t>(loc.clause_index)].push_back({kept[i].b, names[i]});
            auto& note = out.note[static_cast<std::size_t>(loc.clause_index)];
            if (note.first.empty()) note = {rule.rule.id, nt.quote(body.b, body.e)};
          } else {
            out.loose.push_back({{kept[i].b, names[i]}, rule.role});
          }
        }
      }
      if (any) read.push_back(body);
    }
  }
  return out;
}

std::vector<std::string> ordered(std::vector<Found> v) {
  std::stable_sort(v.begin(), v.end(), [](const Found& a, const Found& b) { return a.pos < b.pos; });
  std::vector<std::string> out;
  for (const Found& f : v)
    if (std::find(out.begin(), out.end(), f.name) == out.end()) out.push_back(f.name);
  return out;
}

}  // namespace

void extract_units(const NormalizedText& nt, const Grammar& grammar, Document& doc) {
  const Grammar::Impl& g = grammar.impl();
  const RuleSet& notes = g.rule_set(kFile, "notes");
  const RuleSet& roles = g.rule_set(kFile, "roles");
  if (notes.rules.empty() || roles.rules.empty()) return;
  Lexicon lex(g);
  UnitReader reader(nt.text(), lex);
  // Two passes: the second knows every name the first read, so a name glued
  // to a sentence without any unit prefix can still be cut out. The regex work
  // is shared; when the first pass never looked for a known name, the second
  // would read exactly the same.
  const std::shared_ptr<const RequiredWords> role_words = RequiredWords::of(roles.regexes());
  std::vector<SegmentNotes> found = find_note_bodies(nt.text(), notes, roles, *role_words, doc);
  const std::vector<RoleRule> rules = role_rules(roles);
  Readings r = read_notes(nt, found, rules, *role_words, reader, doc);
  if (reader.consulted_known()) {
    std::sort(r.names.begin(), r.names.end());
    r.names.erase(std::unique(r.names.begin(), r.names.end()), r.names.end());
    reader.set_known(std::move(r.names));
    r = read_notes(nt, found, rules, *role_words, reader, doc);
  }

  for (std::size_t i = 0; i < doc.clauses.size(); ++i) {
    Clause& c = doc.clauses[i];
    c.lead = ordered(r.lead[i]);
    c.support.clear();
    for (const std::string& s : ordered(r.support[i]))
      if (std::find(c.lead.begin(), c.lead.end(), s) == c.lead.end()) c.support.push_back(s);
  }
  for (std::size_t i = 0; i < doc.clauses.size(); ++i) {
    doc.clauses[i].units_rule = r.note[i].first;
    doc.clauses[i].units_quote = r.note[i].second;
  }
  doc.implementers = ordered(r.implementers);
  doc.units.clear();
  for (const auto& [found, role] : r.loose) {
    Location loc = locate(doc, found.pos);
    doc.units.push_back({found.name, role, nt.position(found.pos).line, loc.section});
  }
}

}  // namespace plancmp
