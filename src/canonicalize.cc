// Stage 5: the indicator catalogue (grammars/indicators.yaml) and the matching
// of extracted indicator phrases to catalogue ids. See
// include/plancmp/canonicalize.h and grammars/README.md ("indicators.yaml").
#include "plancmp/canonicalize.h"

#include "yaml_error.h"
#include "yaml_load.h"
#include "yaml_tree.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <span>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <yaml-cpp/yaml.h>

#include "canonicalize_tree.h"
#include "grammar_internal.h"
#include "plancmp/diagnostic.h"
#include "t2s.h"
#include "utf8_util.h"

namespace plancmp {

namespace {

constexpr const char* kFileName = "indicators.yaml";

// ------------------------------------------------------------ text helpers

std::string normalize_with(const icu::Normalizer2* n, UErrorCode status, const std::string& utf8) {
  if (U_FAILURE(status)) return utf8;
  icu::UnicodeString out = n->normalize(icu::UnicodeString::fromUTF8(utf8), status);
  if (U_FAILURE(status)) return utf8;
  std::string s;
  out.toUTF8String(s);
  return s;
}

// NFKC only (units keep their case: "mg/L"). ASCII and the CJK Unified
// Ideographs have no NFKC mappings and compose with none of them: a unit of
// only these ("%", "微克/立方米") is its own NFKC form (tests check).
bool nfkc_inert(std::string_view utf8) {
  bool inert = true;
  for (std::size_t i = 0; i < utf8.size() && inert;) {
    const char32_t c = utf8::next(utf8, i);
    inert = c < 0x80 || (c >= 0x4E00 && c <= 0x9FFF);
  }
  return inert;
}

std::string nfkc(const std::string& utf8) {
  if (nfkc_inert(utf8)) return utf8;
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFKCInstance(status);
  return normalize_with(n, status, utf8);
}

// Characters NFKC with case folding leaves as they are, also next to each
// other: ASCII but A-Z (no mappings, nothing composes), the CJK Unified
// Ideographs. A phrase of only these skips ICU (tests check the claim).
bool nfkc_casefold_inert(char32_t c) {
  return c < 0x80 ? !(c >= U'A' && c <= U'Z') : (c >= 0x4E00 && c <= 0x9FFF);
}

// NFKC with case folding (full-width -> half-width, "PM₂.₅" -> "pm2.5"), in
// place. A phrase of inert characters and A-Z ("PM2.5年均浓度") is only
// lower-cased: A-Z fold to a-z and compose with none of them (tests check).
void nfkc_casefold(std::u32string& s) {
  bool upper = false, ascii_fold = true;
  for (char32_t c : s) {
    if (nfkc_casefold_inert(c)) continue;
    if (c < U'A' || c > U'Z') {
      ascii_fold = false;
      break;
    }
    upper = true;
  }
  if (ascii_fold) {
    if (upper)
      for (char32_t& c : s)
        if (c >= U'A' && c <= U'Z') c += U'a' - U'A';
    return;
  }
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) return;
  const icu::UnicodeString in =
      icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(s.data()), static_cast<int32_t>(s.size()));
  const icu::UnicodeString out = n->normalize(in, status);
  if (U_FAILURE(status)) return;
  s.resize(static_cast<std::size_t>(out.countChar32()));
  UErrorCode copy_status = U_ZERO_ERROR;
  out.toUTF32(reinterpret_cast<UChar32*>(s.data()), static_cast<int32_t>(s.size()), copy_status);
}

// Unicode Roman numerals Ⅰ–Ⅻ / ⅰ–ⅻ as Arabic digits (water classes: Ⅲ类 -> 3类).
std::u32string roman_chars_to_digits(const std::u32string& s) {
  std::u32string out;
  out.reserve(s.size() + 2);
  for (char32_t c : s) {
    int n = 0;
    if (c >= 0x2160 && c <= 0x216B) n = static_cast<int>(c - 0x2160) + 1;
    else if (c >= 0x2170 && c <= 0x217B) n = static_cast<int>(c - 0x2170) + 1;
    if (n == 0) {
      out.push_back(c);
      continue;
    }
    for (char d : std::to_string(n)) out.push_back(static_cast<char32_t>(d));
  }
  return out;
}

// Value of an ASCII Roman numeral 1..12 ("iii" -> 3), 0 when it is not one.
int roman_value(std::u32string_view token) {
  static constexpr std::u32string_view kRoman[] = {U"i",   U"ii", U"iii", U"iv", U"v",  U"vi",
                                                   U"vii", U"viii", U"ix", U"x",  U"xi", U"xii"};
  for (int i = 0; i < 12; ++i)
    if (kRoman[i] == token) return i + 1;
  return 0;
}

bool is_ascii_letter(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'); }
bool is_ascii_digit(char32_t c) { return c >= U'0' && c <= U'9'; }
bool is_range_dash(char32_t c) {
  return c == U'-' || c == U'~' || c == 0x2014 || c == 0x2013 || c == 0x2012 || c == 0xFF5E ||
         c == 0x301C || c == U'至' || c == U'到';
}

// u_isalnum, without the ICU call for ASCII and Han (tests check they agree).
bool is_alnum(char32_t c) {
  if (c < 0x80) return is_ascii_letter(c) || is_ascii_digit(c);
  if (c >= 0x4E00 && c <= 0x9FFF) return true;  // Han: letters (Lo)
  return u_isalnum(static_cast<UChar32>(c));
}

// Could t2s::convert() change `s`? Not when no rule matches anywhere in it:
// then it copies `s`. A rule matches only where its first character stands
// and, when longer, where its second one follows; a one-character rule that
// maps a character to itself changes nothing either way. Most Simplified
// phrases meet none, and this costs a lookup or two a character: a byte of
// flags, and for a pair a bit (by hash) that rules most out before the search.
bool t2s_may_change(std::u32string_view s) {
  enum : std::uint8_t { kSingle = 1, kLonger = 2 };
  static constexpr unsigned kPairSlotBits = 16;  // a 64K-bit filter: 8 KB
  struct Starts {
    std::vector<std::uint8_t> flags;   // by first character: some rule of one (that changes it), of more
    std::vector<std::uint64_t> pairs;  // the first two characters of the longer rules, sorted
    std::array<std::uint64_t, (1u << kPairSlotBits) / 64> pair_bits{};  // a bit per pair_slot() of those pairs
    bool empty_rule = false;           // a rule of no characters matches anywhere
  };
  static constexpr auto pair_slot = [](char32_t a, char32_t b) {
    return static_cast<std::uint32_t>(a * 0x9E3779B1u + b * 0x85EBCA6Bu) >> (32 - kPairSlotBits);
  };
  static const Starts starts = [] {
    Starts out;
    char32_t top = 0;
    for (std::size_t r = 0; r < t2s::kRuleCount; ++r) top = std::max(top, t2s::kRules[r].from[0]);
    out.flags.resize(static_cast<std::size_t>(top) + 1, 0);
    for (std::size_t r = 0; r < t2s::kRuleCount; ++r) {
      const std::u32string_view from = t2s::kRules[r].from, to = t2s::kRules[r].to;
      if (from.size() >= 2) {
        out.flags[from[0]] |= kLonger;
        out.pairs.push_back(static_cast<std::uint64_t>(from[0]) << 32 | from[1]);
        const std::uint32_t k = pair_slot(from[0], from[1]);
        out.pair_bits[k >> 6] |= std::uint64_t{1} << (k & 63);
      } else if (from.size() == 1 && from != to) {
        out.flags[from[0]] |= kSingle;
      } else if (from.empty()) {
        out.empty_rule = true;
      }
    }
    std::sort(out.pairs.begin(), out.pairs.end());
    return out;
  }();
  if (starts.empty_rule) return true;
  const std::size_t n = s.size(), top = starts.flags.size();
  for (std::size_t i = 0; i < n; ++i) {
    const char32_t c = s[i];
    if (c >= top) continue;
    const std::uint8_t f = starts.flags[c];
    if (f & kSingle) return true;
    if (!(f & kLonger) || i + 1 == n) continue;
    const std::uint32_t k = pair_slot(c, s[i + 1]);
    if (starts.pair_bits[k >> 6] >> (k & 63) & 1 &&
        std::binary_search(starts.pairs.begin(), starts.pairs.end(), static_cast<std::uint64_t>(c) << 32 | s[i + 1]))
      return true;
  }
  return false;
}

// ASCII Roman numerals standing alone ("i-iii类", "劣v类") -> digits: each
// token of ASCII letters and digits that opens with a letter and is a Roman
// numeral. False (and `out` untouched) when `s` has none.
bool ascii_romans_to_digits(const std::u32string& s, std::u32string& out) {
  auto token_end = [&](std::size_t i) {
    while (i < s.size() && (is_ascii_letter(s[i]) || is_ascii_digit(s[i]))) ++i;
    return i;
  };
  auto token = [&](std::size_t i, std::size_t j) { return std::u32string_view(s).substr(i, j - i); };
  bool any = false;
  for (std::size_t i = 0; i < s.size() && !any;) {
    if (!is_ascii_letter(s[i])) {
      ++i;
      continue;
    }
    const std::size_t j = token_end(i);
    any = roman_value(token(i, j)) > 0;
    i = j;
  }
  if (!any) return false;
  out.clear();
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (!is_ascii_letter(s[i])) {
      out.push_back(s[i++]);
      continue;
    }
    const std::size_t j = token_end(i);
    if (int v = roman_value(token(i, j)); v > 0) {
      for (char d : std::to_string(v)) out.push_back(static_cast<char32_t>(d));
    } else {
      out += token(i, j);
    }
    i = j;
  }
  return true;
}

// The script- and punctuation-independent form, before prefixes and folds:
// Simplified, Roman numerals as digits, NFKC + case fold, letters and digits
// only ("-" kept between digits: 1-3类). Into `out`; it runs for every
// phrase of every plan, so the steps a phrase does not need cost a scan.
void base_form_into(std::string_view phrase, std::u32string& out) {
  thread_local std::u32string s, romans;
  s.resize(phrase.size());  // a code point per byte at most
  std::size_t length = 0;
  bool wide = false;
  for (std::size_t i = 0; i < phrase.size();) {
    const char32_t c = utf8::next(phrase, i);
    wide |= c >= 0x80;
    s[length++] = c;
  }
  s.resize(length);
  if (wide) {
    // Traditional -> Simplified, phrase-level, so multi-character conversions
    // apply (ICU's rules, tabled at build time: see t2s.h). ASCII has none.
    if (t2s_may_change(s)) s = t2s::convert(s);
    if (std::any_of(s.begin(), s.end(), [](char32_t c) { return c >= 0x2160 && c <= 0x217B; }))
      s = roman_chars_to_digits(s);
  }
  nfkc_casefold(s);
  const std::u32string& r = ascii_romans_to_digits(s, romans) ? romans : s;
  out.clear();
  out.reserve(r.size());
  for (std::size_t i = 0; i < r.size(); ++i) {
    char32_t c = r[i];
    if (is_alnum(c)) {
      out.push_back(c);
    } else if (is_range_dash(c) && !out.empty() && is_ascii_digit(out.back()) && i + 1 < r.size() &&
               is_ascii_digit(r[i + 1])) {
      out.push_back(U'-');
    }
    // everything else (spaces, punctuation, brackets, symbols) is dropped
  }
}

std::u32string base_form(std::string_view phrase) {
  std::u32string out;
  base_form_into(phrase, out);
  return out;
}

// Character bigrams, each packed into one integer and sorted, so the Dice
// count below is a merge: no allocation per comparison (it runs for every
// alias of every target).
using Grams = std::vector<std::uint64_t>;

void bigrams_into(std::u32string_view s, Grams& out) {
  out.clear();
  out.reserve(s.size());
  if (s.size() < 2) {
    if (!s.empty()) out.push_back(static_cast<std::uint64_t>(s[0]) << 32);
    return;
  }
  for (std::size_t i = 0; i + 1 < s.size(); ++i)
    out.push_back((static_cast<std::uint64_t>(s[i]) << 32) | static_cast<std::uint64_t>(s[i + 1]));
  std::sort(out.begin(), out.end());
}

Grams bigrams(std::u32string_view s) {
  Grams out;
  bigrams_into(s, out);
  return out;
}

// Bit c % 64 for each character c of s: a word whose first character's bit
// is clear is not in s (one test instead of a search).
std::uint64_t char_bits(std::u32string_view s) {
  std::uint64_t bits = 0;
  for (char32_t c : s) bits |= std::uint64_t{1} << (c & 63);
  return bits;
}

// Which words a phrase may contain, told from its characters and character
// pairs (a bit each, by hash) before searching it: a word's first character
// or pair with a clear bit is not in the phrase.
class WordFilter {
 public:
  explicit WordFilter(std::u32string_view s) : chars_(char_bits(s)) {
    for (std::size_t i = 0; i + 1 < s.size(); ++i) set(slot(s[i], s[i + 1]));
  }
  bool may_contain(std::u32string_view word) const {
    if (word.empty()) return true;
    if (!(chars_ >> (word[0] & 63) & 1)) return false;
    return word.size() < 2 || test(slot(word[0], word[1]));
  }

 private:
  static std::size_t slot(char32_t a, char32_t b) { return (a * 31u + b) & 255u; }
  void set(std::size_t k) { pairs_[k >> 6] |= std::uint64_t{1} << (k & 63); }
  bool test(std::size_t k) const { return pairs_[k >> 6] >> (k & 63) & 1; }
  std::uint64_t chars_;
  std::uint64_t pairs_[4] = {};
};

// Character-bigram Dice coefficient of two normalized strings, as
// ../shared/tools/score.py's dice() (bigrams counted as a multiset).
double dice(std::u32string_view a, std::span<const std::uint64_t> ba, std::u32string_view b,
            std::span<const std::uint64_t> bb) {
  if (a.empty() || b.empty()) return 0.0;
  if (a == b) return 1.0;
  std::size_t i = 0, j = 0;
  int hit = 0;
  while (i < ba.size() && j < bb.size()) {
    if (ba[i] == bb[j]) {
      ++hit;
      ++i;
      ++j;
    } else if (ba[i] < bb[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return 2.0 * hit / static_cast<double>(ba.size() + bb.size());
}

// score.py's similar(): Dice, or at least 0.75 when one contains the other.
double similar(std::u32string_view a, std::span<const std::uint64_t> ba, std::u32string_view b,
               std::span<const std::uint64_t> bb) {
  if (a.empty() || b.empty()) return 0.0;
  double d = dice(a, ba, b, bb);
  if (a.find(b) != std::u32string_view::npos || b.find(a) != std::u32string_view::npos) return std::max(0.75, d);
  return d;
}

// A 64-bit hash of a normalized string (for HashSlots).
// Two characters (or eight bytes) a step.
std::uint64_t hash_step(std::uint64_t h, std::uint64_t word) {
  h = (h ^ word) * 0xFF51AFD7ED558CCDull;
  return h ^ (h >> 29);
}

std::uint64_t hash_chars(std::u32string_view s) {
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
  std::size_t i = 0;
  for (; i + 2 <= s.size(); i += 2) h = hash_step(h, static_cast<std::uint64_t>(s[i]) << 32 | s[i + 1]);
  if (i < s.size()) h = hash_step(h, s[i]);
  return h * 0xC4CEB9FE1A85EC53ull ^ (h >> 32);
}

std::uint64_t hash_bytes(std::string_view s) {
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    h = hash_step(h, word);
  }
  if (i < s.size()) {
    std::uint64_t word = 0;
    std::memcpy(&word, s.data() + i, s.size() - i);
    h = hash_step(h, word);
  }
  return h * 0xC4CEB9FE1A85EC53ull ^ (h >> 32);
}

std::uint64_t hash_gram(std::uint64_t gram) {
  std::uint64_t h = gram * 0x9E3779B97F4A7C15ull;
  return h ^ (h >> 31);
}

// An open-addressing table of indices by a 64-bit hash of their keys, for the
// lookups of every phrase: one flat array (a probe costs a cache line, not a
// bucket, a node and a string on the heap as in std::unordered_map). A slot
// holds the hash's upper half and index + 1 (0: empty); the caller's `same`
// confirms the key of a slot whose hash agrees. At most half full.
class HashSlots {
 public:
  // The index whose key `same` accepts, or -1.
  template <class Same>
  int find(std::uint64_t h, Same&& same) const {
    if (slots_.empty()) return -1;
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    for (std::size_t k = h & mask_;; k = (k + 1) & mask_) {
      const std::uint64_t slot = slots_[k];
      if (slot == 0) return -1;
      if (static_cast<std::uint32_t>(slot >> 32) == tag) {
        const auto index = static_cast<std::uint32_t>(slot) - 1;
        if (same(index)) return static_cast<int>(index);
      }
    }
  }
  // Starts loading the slot find(h) reads first (a likely cache miss), so
  // that other work can overlap it.
  void prefetch(std::uint64_t h) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[h & mask_]);
  }
  // Adds the next index (0, 1, 2, ...: the number added so far), whose key
  // is not in the table yet, under hash `h`.
  void push(std::uint64_t h) {
    hashes_.push_back(h);
    if (hashes_.size() * 2 > slots_.size()) {
      slots_.assign(std::max<std::size_t>(16, slots_.size() * 2), 0);
      mask_ = slots_.size() - 1;
      for (std::size_t i = 0; i < hashes_.size(); ++i) place(hashes_[i], static_cast<std::uint32_t>(i));
    } else {
      place(h, static_cast<std::uint32_t>(hashes_.size() - 1));
    }
  }

 private:
  void place(std::uint64_t h, std::uint32_t index) {
    std::size_t k = h & mask_;
    while (slots_[k] != 0) k = (k + 1) & mask_;
    slots_[k] = (h >> 32) << 32 | (static_cast<std::uint64_t>(index) + 1);
  }
  std::vector<std::uint64_t> slots_;
  std::vector<std::uint64_t> hashes_;  // by index, to place them again when the table grows
  std::size_t mask_ = 0;
};

// The postings rows by bigram, in open addressing on the bigram itself: a
// slot holds the bigram and its row, so one load both confirms a probe and
// gives the row (HashSlots takes two dependent loads, each a likely cache
// miss: rank() runs after the other stages have filled the cache). At most
// half full; built once (rows are added, then frozen).
class GramRows {
 public:
  struct Row {
    std::uint64_t gram = 0;
    std::uint32_t from = 0, to = 0;  // postings[from .. to); to == 0: an empty slot
  };
  // The slot to read first for `gram`, to prefetch before find().
  const Row* first_slot(std::uint64_t gram) const {
    return slots_.empty() ? nullptr : &slots_[hash_gram(gram) & mask_];
  }
  // The row of `gram`, or null.
  const Row* find(std::uint64_t gram) const {
    if (slots_.empty()) return nullptr;
    for (std::size_t k = hash_gram(gram) & mask_;; k = (k + 1) & mask_) {
      const Row& r = slots_[k];
      if (r.to == 0) return nullptr;
      if (r.gram == gram) return &r;
    }
  }
  // Builds the table from rows with distinct bigrams, each with to > 0.
  void build(const std::vector<Row>& rows) {
    std::size_t size = 16;
    while (size < rows.size() * 2) size *= 2;
    slots_.assign(size, Row{});
    mask_ = size - 1;
    for (const Row& r : rows) {
      std::size_t k = hash_gram(r.gram) & mask_;
      while (slots_[k].to != 0) k = (k + 1) & mask_;
      slots_[k] = r;
    }
  }

 private:
  std::vector<Row> slots_;
  std::size_t mask_ = 0;
};

// ------------------------------------------------------------ YAML errors


struct Source {
  std::string path;
  std::string text;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    throw_at_mark(path, text, node.Mark(), message);
  }
  // The pre-parsed form keeps no positions: the file is read again through
  // yaml-cpp, which reports the error where it stands.
  [[noreturn]] void fail(const TreeView::Node&, const std::string&) const { throw TreeViewFallback{}; }
};

// The catalogue reader below takes either kind of node (YAML::Node or
// TreeView::Node), which answer alike.
// A key's text: the pre-parsed tree's own bytes (no copy); yaml-cpp's
// conversion, with its errors, otherwise.
std::string_view key_text(const TreeView::Node& key) { return key.as<std::string_view>(); }
std::string key_text(const YAML::Node& key) { return key.as<std::string>(); }

template <class Node>
void check_keys(const Source& f, const Node& node, std::initializer_list<const char*> allowed,
                const std::string& what) {
  for (const auto& kv : node) {
    const auto key = key_text(kv.first);
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      f.fail(kv.first, fmt::format("unknown key `{}` in {}; expected {}", key, what, list));
    }
  }
}

template <class Node>
std::string scalar(const Source& f, const Node& node, const std::string& what) {
  if (!node.IsScalar()) f.fail(node, fmt::format("`{}` must be a string", what));
  return node.template as<std::string>();
}

template <class Node>
double number(const Source& f, const Node& node, const std::string& what) {
  if (!node.IsScalar()) f.fail(node, fmt::format("`{}` must be a number", what));
  try {
    return node.template as<double>();
  } catch (const YAML::BadConversion&) {
    f.fail(node, fmt::format("`{}` must be a number, not `{}`", what, node.template as<std::string>()));
  }
}

template <class Node>
std::vector<std::string> string_list(const Source& f, const Node& node, const std::string& what) {
  if (!node.IsSequence()) f.fail(node, fmt::format("`{}` must be a list", what));
  std::vector<std::string> out;
  for (const auto& item : node) out.push_back(scalar(f, item, what + " item"));
  return out;
}

const std::set<std::string> kCategories = {"air",     "water",          "soil",  "solid_waste", "ecology",
                                           "climate_energy", "rural", "urban", "governance"};
const std::set<std::string> kOps = {"<=", ">=", "=", "~", "-", "+"};

bool snake_case(const std::string& id) {
  if (id.empty() || !(id[0] >= 'a' && id[0] <= 'z')) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// Per-thread working memory of Data::rank() (memory only: nothing of one
// phrase is read by the next).
struct RankScratch {
  std::u32string phrase;
  Grams grams;
  std::vector<double> best;
  std::vector<char> inside;
  std::vector<std::uint32_t> hits;  // per alias, 0 between calls
  std::vector<std::uint32_t> touched;
  // The phrase's distinct bigrams and how often each occurs; those the
  // catalogue has, by their row (score_by_postings).
  std::vector<std::pair<std::uint64_t, std::uint32_t>> distinct_grams;
  std::vector<std::pair<const GramRows::Row*, std::uint32_t>> gram_rows;
};

}  // namespace

// ------------------------------------------------------------ the catalogue

struct Catalogue::Data {
  std::vector<std::u32string> strip_prefixes;                    // normalized
  std::uint64_t prefix_firsts = 0;  // char_bits() of the prefixes' first characters
  std::vector<std::pair<std::u32string, std::u32string>> folds;  // normalized, in order
  std::map<std::string, std::string> unit_aliases;               // NFKC spelling -> unit
  std::map<std::string, std::string> unit_family;                // unit -> family
  // Every distinct alias and name, normalized. The texts and bigrams of all
  // sit in two arrays (alias_chars, alias_grams) rather than a string and a
  // vector each on the heap: rank() reads many of them a phrase.
  struct Alias {
    std::uint32_t at = 0, size = 0;        // its text: alias_chars[at .. at + size)
    std::uint32_t grams_at = 0, grams = 0;  // its sorted bigrams: alias_grams[grams_at ..]
    int indicator = 0;
  };
  std::vector<Alias> aliases;
  std::u32string alias_chars;
  Grams alias_grams;
  HashSlots alias_slots;  // the aliases by text
  // The aliases by bigram: for a distinct bigram, gram_rows finds the row
  // whose postings[from .. to) are the aliases that have it and how often. An alias sharing no bigram with a
  // phrase scores 0 (no Dice hit, and neither string contains the other), so
  // fuzzy matching scores only those the phrase's bigrams list, plus the
  // one-character aliases, which have no bigram.
  struct Posting {
    std::uint32_t alias, count;
  };
  GramRows gram_rows;
  std::vector<Posting> postings;
  std::vector<int> short_aliases;
  std::unordered_map<std::string, int> id_index;
  std::vector<std::vector<std::u32string>> excludes;          // per indicator, normalized
  std::vector<std::vector<std::u32string>> requires_any;      // per indicator, normalized
  // The same words of the indicators that have any (vetoable), in one array
  // each for rank(): a Veto's excludes are veto_words[from .. requires_from),
  // its requires words veto_words[requires_from .. to), each word
  // veto_chars[at .. at + size).
  struct VetoWord {
    std::uint32_t at, size;
  };
  struct Veto {
    std::uint32_t indicator, from, requires_from, to;
  };
  std::vector<Veto> vetoes;
  std::vector<VetoWord> veto_words;
  std::u32string veto_chars;
  std::vector<std::set<std::string>> families;                // per indicator: accepted unit families
  // The same, by family: which indicators accept it (one lookup per phrase
  // instead of one per indicator).
  // A row: whether each indicator accepts the family (1/0), and the score
  // each starts fuzzy matching from (rank(): -2 vetoed by the unit, 0 with
  // an alias, -1 without), copied in one go instead of computed per phrase.
  struct AcceptRow {
    std::vector<char> accepts;
    std::vector<double> start;
  };
  std::map<std::string, AcceptRow> accepting;
  std::vector<char> has_alias;  // per indicator (every one has: its name)
  AcceptRow all_accept, none_accept;  // accepting rows of no unit, of a unit none accepts
  // The accepting row of every folded unit (NFKC, no spaces) that leads to
  // one through unit_aliases, unit_family and accepting: one lookup instead
  // of three (accepting_of()).
  // Kept as the aliases are: keys in one array, a flat table to find them.
  struct UnitRow {
    std::uint32_t at, size;  // the folded unit: unit_chars[at .. at + size)
    const AcceptRow* row;
  };
  std::vector<UnitRow> unit_rows;
  std::string unit_chars;
  HashSlots unit_slots;

  std::u32string_view text(const Alias& a) const { return {alias_chars.data() + a.at, a.size}; }
  std::span<const std::uint64_t> grams_of(const Alias& a) const { return {alias_grams.data() + a.grams_at, a.grams}; }
  std::u32string_view word(const VetoWord& w) const { return {veto_chars.data() + w.at, w.size}; }
  // The alias whose text is `n`, or -1.
  int alias_of(std::u32string_view n) const { return alias_of(n, hash_chars(n)); }
  int alias_of(std::u32string_view n, std::uint64_t hash) const {
    return alias_slots.find(hash, [&](std::uint32_t k) { return text(aliases[k]) == n; });
  }
  void add_alias(std::u32string_view n, int indicator) {
    const Grams g = bigrams(n);
    aliases.push_back({static_cast<std::uint32_t>(alias_chars.size()), static_cast<std::uint32_t>(n.size()),
                       static_cast<std::uint32_t>(alias_grams.size()), static_cast<std::uint32_t>(g.size()),
                       indicator});
    alias_chars += n;
    alias_grams.insert(alias_grams.end(), g.begin(), g.end());
    alias_slots.push(hash_chars(n));
  }
  const UnitRow* unit_row(std::string_view u) const {
    const int k = unit_slots.find(hash_bytes(u), [&](std::uint32_t i) {
      return std::string_view(unit_chars.data() + unit_rows[i].at, unit_rows[i].size) == u;
    });
    return k < 0 ? nullptr : &unit_rows[static_cast<std::size_t>(k)];
  }
  void index_vetoes() {
    auto add_words = [&](const std::vector<std::u32string>& words) {
      for (const std::u32string& w : words) {
        veto_words.push_back({static_cast<std::uint32_t>(veto_chars.size()), static_cast<std::uint32_t>(w.size())});
        veto_chars += w;
      }
    };
    for (std::size_t i = 0; i < excludes.size(); ++i) {
      if (excludes[i].empty() && requires_any[i].empty()) continue;
      Veto v{static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(veto_words.size()), 0, 0};
      add_words(excludes[i]);
      v.requires_from = static_cast<std::uint32_t>(veto_words.size());
      add_words(requires_any[i]);
      v.to = static_cast<std::uint32_t>(veto_words.size());
      vetoes.push_back(v);
    }
  }

  // accepting[family(fold_unit(unit))], all_accept for no unit, none_accept
  // for a unit no indicator accepts.
  const AcceptRow& accepting_of(const std::string& unit) const {
    std::string_view folded = unit;
    std::string storage;  // fold_unit's steps, where they change something
    if (!nfkc_inert(unit) || unit.find_first_of(" \t") != std::string::npos) {
      storage = nfkc(unit);
      storage.erase(std::remove_if(storage.begin(), storage.end(), [](char c) { return c == ' ' || c == '\t'; }),
                    storage.end());
      folded = storage;
    }
    if (folded.empty()) return all_accept;
    const UnitRow* r = unit_row(folded);
    return r ? *r->row : none_accept;
  }
  void index_units() {
    auto row_of = [&](const std::string& u) -> const AcceptRow* {
      auto alias = unit_aliases.find(u);
      const std::string& a = alias == unit_aliases.end() ? u : alias->second;
      if (a.empty()) return &all_accept;  // fold_unit gives "": no unit
      auto it = accepting.find(family(a));
      return it == accepting.end() ? &none_accept : &it->second;
    };
    auto add = [&](const std::string& u) {  // the first row of a unit stays, as with emplace
      if (unit_row(u)) return;
      unit_rows.push_back({static_cast<std::uint32_t>(unit_chars.size()), static_cast<std::uint32_t>(u.size()), row_of(u)});
      unit_chars += u;
      unit_slots.push(hash_bytes(u));
    };
    for (const auto* keys : {&unit_aliases, &unit_family})
      for (const auto& kv : *keys) add(kv.first);
    for (const auto& kv : accepting) add(kv.first);
  }

  void normalize_into(std::string_view phrase, std::u32string& s) const {
    base_form_into(phrase, s);
    for (bool changed = true; changed;) {
      changed = false;
      if (s.empty() || !(prefix_firsts >> (s[0] & 63) & 1)) break;  // no prefix can start it
      for (const auto& p : strip_prefixes)
        if (s.size() > p.size() && s[0] == p[0] && s.compare(0, p.size(), p) == 0) {
          s.erase(0, p.size());
          changed = true;
        }
    }
    std::uint64_t chars = char_bits(s);  // a superset once folds replace
    for (const auto& [from, to] : folds) {
      if (!(chars >> (from[0] & 63) & 1)) continue;
      for (std::size_t pos = s.find(from); pos != std::u32string::npos; pos = s.find(from, pos + to.size())) {
        s.replace(pos, from.size(), to);
        chars |= char_bits(to);
      }
    }
  }

  std::u32string normalize(std::string_view phrase) const {
    std::u32string s;
    normalize_into(phrase, s);
    return s;
  }

  std::string fold_unit(const std::string& unit) const {
    std::string u = nfkc(unit);
    u.erase(std::remove_if(u.begin(), u.end(), [](char c) { return c == ' ' || c == '\t'; }), u.end());
    auto it = unit_aliases.find(u);
    return it == unit_aliases.end() ? u : it->second;
  }

  std::string family(const std::string& folded_unit) const {
    auto it = unit_family.find(folded_unit);
    return it == unit_family.end() ? folded_unit : it->second;
  }

  // How a phrase ranks against the indicators (indices into them).
  struct Ranking {
    enum Kind { kEmpty, kAlias, kNoneCompatible, kBelowThreshold, kAmbiguous, kFuzzy } kind = kEmpty;
    int top = -1, second = -1;
    double top_score = 0, second_score = 0;
  };
  Ranking rank(const std::string& phrase, const std::string& unit, double threshold, double margin) const;

 private:
  void score_by_postings(const std::u32string& n, const Grams& grams, std::vector<double>& best,
                         std::vector<char>& inside, RankScratch& scratch) const;
};

// Scores the aliases (of two characters or more) that share a bigram with the
// phrase `n` (of two or more): the Dice hits of each come from the postings
// of n's bigrams (the multiset intersection dice()'s merge counts), and a
// containment is looked for only where the hits allow one (each bigram of
// the shorter string is one of the other's).
void Catalogue::Data::score_by_postings(const std::u32string& n, const Grams& grams, std::vector<double>& best,
                                        std::vector<char>& inside, RankScratch& scratch) const {
  std::vector<std::uint32_t>& hits = scratch.hits;
  if (hits.size() != aliases.size()) hits.assign(aliases.size(), 0);
  std::vector<std::uint32_t>& touched = scratch.touched;
  touched.clear();
  // Three passes over the phrase's bigrams instead of one: a lookup is a
  // chain of dependent loads (slot, postings, hits) that miss the cache
  // when the catalogue has gone cold, and touching each step's memory for
  // all bigrams before reading any lets those misses overlap.
  auto& distinct = scratch.distinct_grams;
  distinct.clear();
  for (std::size_t g = 0; g < grams.size();) {
    std::size_t next = g + 1;
    while (next < grams.size() && grams[next] == grams[g]) ++next;
    distinct.emplace_back(grams[g], static_cast<std::uint32_t>(next - g));
    __builtin_prefetch(gram_rows.first_slot(grams[g]));
    g = next;
  }
  auto& rows = scratch.gram_rows;
  rows.clear();
  for (const auto& [gram, times] : distinct) {
    const GramRows::Row* row = gram_rows.find(gram);
    if (!row) continue;
    __builtin_prefetch(postings.data() + row->from);
    rows.emplace_back(row, times);
  }
  for (const auto& [row, times] : rows) {
    for (std::uint32_t p = row->from; p < row->to; ++p) {
      const Posting& post = postings[p];
      if (hits[post.alias] == 0) touched.push_back(post.alias);
      hits[post.alias] += std::min(times, post.count);
    }
  }
  const std::size_t ng = grams.size();
  for (std::uint32_t k : touched) {
    const std::uint32_t hit = hits[k];
    hits[k] = 0;
    const Alias& a = aliases[k];
    const auto i = static_cast<std::size_t>(a.indicator);
    if (best[i] < -1.5) continue;
    const std::size_t na = a.grams;
    const std::u32string_view t = text(a);
    const bool n_in_alias = hit == ng && t.find(n) != std::u32string_view::npos;
    const bool alias_in_n = hit == na && std::u32string_view(n).find(t) != std::u32string_view::npos;
    // dice() and similar() of the two.
    double d = ng == na && hit == ng && t == n ? 1.0 : 2.0 * hit / static_cast<double>(ng + na);
    if (n_in_alias || alias_in_n) d = std::max(0.75, d);
    best[i] = std::max(best[i], d);
    if (n_in_alias) inside[i] = 1;
  }
}

Catalogue::Data::Ranking Catalogue::Data::rank(const std::string& phrase, const std::string& unit, double threshold,
                                               double margin) const {
  thread_local RankScratch scratch;
  Ranking out;
  std::u32string& n = scratch.phrase;
  normalize_into(phrase, n);
  if (n.empty()) return out;
  const std::uint64_t n_hash = hash_chars(n);
  alias_slots.prefetch(n_hash);  // read in step 1, after the unit's lookup
  // unit_compatible(), with the unit folded once rather than per indicator.
  const AcceptRow& accepting_row = accepting_of(unit);
  auto compatible = [&](int i) { return accepting_row.accepts[static_cast<std::size_t>(i)] != 0; };

  // 1. An alias, exactly (its unit permitting).
  if (const int k = alias_of(n, n_hash); k >= 0 && compatible(aliases[static_cast<std::size_t>(k)].indicator)) {
    out.kind = Ranking::kAlias;
    out.top = aliases[static_cast<std::size_t>(k)].indicator;
    return out;
  }

  // 2. Fuzzy: each indicator's best alias score; excludes and units veto
  // (-2), and every alias scores at least 0 (an indicator without one: -1).
  const std::size_t count = families.size();
  std::vector<double>& best = scratch.best;
  const bool scored_by_grams = n.size() >= 2;
  if (scored_by_grams) {
    best.assign(accepting_row.start.begin(), accepting_row.start.end());
  } else {
    best.resize(count);
    for (std::size_t i = 0; i < count; ++i) best[i] = !accepting_row.accepts[i] ? -2.0 : -1.0;
  }
  const WordFilter filter(n);
  // Plain loops: most words are ruled out by the filter, before any call.
  auto any_in_phrase = [&](std::uint32_t from, std::uint32_t to) {
    for (std::uint32_t k = from; k < to; ++k) {
      const std::u32string_view w = word(veto_words[k]);
      if (filter.may_contain(w) && n.find(w) != std::u32string::npos) return true;
    }
    return false;
  };
  for (const Veto& v : vetoes) {
    if (best[v.indicator] < -1.5) continue;  // vetoed by the unit already
    if (any_in_phrase(v.from, v.requires_from) || (v.requires_from < v.to && !any_in_phrase(v.requires_from, v.to)))
      best[v.indicator] = -2.0;
  }
  // inside[i]: the phrase is part of one of indicator i's wordings (a
  // truncated or generic phrase, "安全利用率").
  std::vector<char>& inside = scratch.inside;
  inside.assign(count, 0);
  Grams& grams = scratch.grams;
  bigrams_into(n, grams);
  auto score = [&](const Alias& a) {
    const auto i = static_cast<std::size_t>(a.indicator);
    if (best[i] < -1.5) return;
    const std::u32string_view t = text(a);
    best[i] = std::max(best[i], similar(n, grams, t, grams_of(a)));
    if (t.find(n) != std::u32string_view::npos) inside[i] = 1;
  };
  if (!scored_by_grams) {
    for (const auto& a : aliases) score(a);
  } else {
    for (int k : short_aliases) score(aliases[static_cast<std::size_t>(k)]);
    score_by_postings(n, grams, best, inside, scratch);
  }
  int top = -1, second = -1;
  for (int i = 0; i < static_cast<int>(count); ++i) {
    if (best[static_cast<std::size_t>(i)] < 0) continue;
    if (top < 0 || best[static_cast<std::size_t>(i)] > best[static_cast<std::size_t>(top)]) {
      second = top;
      top = i;
    } else if (second < 0 || best[static_cast<std::size_t>(i)] > best[static_cast<std::size_t>(second)]) {
      second = i;
    }
  }
  if (top < 0) {
    out.kind = Ranking::kNoneCompatible;
    return out;
  }
  out.top = top;
  out.top_score = best[static_cast<std::size_t>(top)];
  out.second = second;
  if (second >= 0) out.second_score = best[static_cast<std::size_t>(second)];
  if (out.top_score < threshold) {
    out.kind = Ranking::kBelowThreshold;
  } else if (second >= 0 && out.top_score - out.second_score < margin) {
    out.kind = Ranking::kAmbiguous;
  } else if (inside[static_cast<std::size_t>(top)] && std::count(inside.begin(), inside.end(), 1) > 1) {
    // Part of the wordings of several indicators: the phrase does not say which.
    out.kind = Ranking::kAmbiguous;
  } else {
    out.kind = Ranking::kFuzzy;
  }
  return out;
}

namespace {

// The one-character aliases, and the postings of the others by bigram (see
// Catalogue::Data): each alias's distinct bigrams as (bigram, alias, times)
// runs, in alias order, sorted by bigram keeping that order (a byte-wise
// radix sort, ~5x cheaper here than a comparison sort and a search per run).
void index_aliases(Catalogue::Data& data) {
  struct Run {
    std::uint64_t gram;
    std::uint32_t alias, times;
  };
  std::vector<Run> runs;
  for (std::size_t k = 0; k < data.aliases.size(); ++k) {
    const Catalogue::Data::Alias& a = data.aliases[k];
    if (a.size < 2) {
      data.short_aliases.push_back(static_cast<int>(k));
      continue;
    }
    const std::span<const std::uint64_t> grams = data.grams_of(a);
    for (std::size_t g = 0; g < grams.size();) {
      std::size_t next = g + 1;
      while (next < grams.size() && grams[next] == grams[g]) ++next;
      runs.push_back({grams[g], static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(next - g)});
      g = next;
    }
  }
  // Least significant byte first, each pass stable; a byte all runs share
  // (most of a code point's high bytes) needs no pass. The counts of all
  // eight bytes come from one reading of the runs (a pass moves runs, it
  // does not change which bytes they hold).
  std::vector<std::array<std::size_t, 257>> counts(8);
  for (const Run& r : runs)
    for (int b = 0; b < 8; ++b) ++counts[static_cast<std::size_t>(b)][(r.gram >> (8 * b) & 0xFF) + 1];
  std::vector<Run> sorted(runs.size());
  for (int b = 0; b < 8; ++b) {
    std::array<std::size_t, 257>& at = counts[static_cast<std::size_t>(b)];
    if (std::find(at.begin(), at.end(), runs.size()) != at.end()) continue;
    for (std::size_t k = 1; k < at.size(); ++k) at[k] += at[k - 1];
    const int shift = 8 * b;
    for (const Run& r : runs) sorted[at[r.gram >> shift & 0xFF]++] = r;
    runs.swap(sorted);
  }
  data.postings.reserve(runs.size());
  std::vector<GramRows::Row> rows;
  for (const Run& r : runs) {
    if (rows.empty() || rows.back().gram != r.gram) {
      const auto at = static_cast<std::uint32_t>(data.postings.size());
      rows.push_back({r.gram, at, at});
    }
    data.postings.push_back({r.alias, r.times});
    rows.back().to = static_cast<std::uint32_t>(data.postings.size());
  }
  data.gram_rows.build(rows);
}

// What an indicators.yaml says, read from either kind of node.
struct CatalogueParts {
  double threshold = Catalogue().threshold();
  double margin = Catalogue().margin();
  std::vector<Indicator> indicators;
  std::shared_ptr<Catalogue::Data> data = std::make_shared<Catalogue::Data>();
};

template <class Node>
void read_catalogue(const Source& f, const Node& root, CatalogueParts& out) {
  Catalogue::Data& data = *out.data;
  if (!root.IsMap()) f.fail(root, "indicators.yaml must be a map with an `indicators` list");
  check_keys(f, root, {"normalize", "match", "units", "indicators"}, "indicators.yaml");

  if (const Node norm = root["normalize"]) {
    if (!norm.IsMap()) f.fail(norm, "`normalize` must be a map");
    check_keys(f, norm, {"strip_prefixes", "folds"}, "`normalize`");
    if (const Node p = norm["strip_prefixes"])
      for (const std::string& s : string_list(f, p, "strip_prefixes")) {
        std::u32string n = base_form(s);
        if (!n.empty()) data.strip_prefixes.push_back(n);
      }
    // Longest first, so 全市域 goes before 全市.
    std::stable_sort(data.strip_prefixes.begin(), data.strip_prefixes.end(),
                     [](const auto& a, const auto& b) { return a.size() > b.size(); });
    for (const std::u32string& p : data.strip_prefixes) data.prefix_firsts |= char_bits(p.substr(0, 1));
    if (const Node folds = norm["folds"]) {
      if (!folds.IsMap()) f.fail(folds, "`folds` must be a map (wording: replacement)");
      for (const auto& kv : folds) {
        std::u32string from = base_form(scalar(f, kv.first, "fold"));
        if (from.empty()) f.fail(kv.first, "a fold must not be empty");
        data.folds.emplace_back(from, base_form(scalar(f, kv.second, "fold")));
      }
    }
  }

  if (const Node m = root["match"]) {
    if (!m.IsMap()) f.fail(m, "`match` must be a map");
    check_keys(f, m, {"threshold", "margin"}, "`match`");
    if (m["threshold"]) {
      out.threshold = number(f, m["threshold"], "threshold");
      if (out.threshold <= 0 || out.threshold > 1) f.fail(m["threshold"], "`threshold` must be in (0, 1]");
    }
    if (m["margin"]) {
      out.margin = number(f, m["margin"], "margin");
      if (out.margin < 0 || out.margin >= 1) f.fail(m["margin"], "`margin` must be in [0, 1)");
    }
  }

  if (const Node units = root["units"]) {
    if (!units.IsMap()) f.fail(units, "`units` must be a map");
    check_keys(f, units, {"aliases", "families"}, "`units`");
    if (const Node a = units["aliases"]) {
      if (!a.IsMap()) f.fail(a, "`units.aliases` must be a map (spelling: unit)");
      for (const auto& kv : a) {
        std::string from = nfkc(scalar(f, kv.first, "unit alias"));
        data.unit_aliases[from] = nfkc(scalar(f, kv.second, "unit alias"));
      }
    }
    if (const Node fam = units["families"]) {
      if (!fam.IsMap()) f.fail(fam, "`units.families` must be a map (family: [units])");
      for (const auto& kv : fam) {
        const std::string name = scalar(f, kv.first, "family");
        if (!kv.second.IsSequence()) f.fail(kv.second, fmt::format("family `{}` must be a list of units", name));
        for (const auto& item : kv.second) {
          const std::string u = data.fold_unit(scalar(f, item, "unit"));
          auto [it, fresh] = data.unit_family.emplace(u, name);
          if (!fresh && it->second != name)
            f.fail(item, fmt::format("unit `{}` is already in family `{}`", u, it->second));
        }
      }
    }
  }

  const Node list = root["indicators"];
  if (!list || !list.IsSequence()) f.fail(list ? list : root, "missing `indicators` list");
  for (const auto& node : list) {
    if (!node.IsMap()) f.fail(node, "each indicator must be a map");
    check_keys(f, node,
               {"id", "name", "category", "unit", "conversions", "measure", "relative_change", "better",
                "aliases", "excludes", "requires", "national_2025"},
               "an indicator");
    Indicator ind;
    auto required = [&](const char* key) -> Node {
      const Node v = node[key];
      if (!v) f.fail(node, fmt::format("indicator is missing `{}`", key));
      return v;
    };
    ind.id = scalar(f, required("id"), "id");
    if (!snake_case(ind.id)) f.fail(node["id"], fmt::format("id `{}` must be snake_case ([a-z][a-z0-9_]*)", ind.id));
    if (data.id_index.count(ind.id)) f.fail(node["id"], fmt::format("duplicate id `{}`", ind.id));
    ind.name = scalar(f, required("name"), "name");
    ind.category = scalar(f, required("category"), "category");
    if (!kCategories.count(ind.category)) {
      std::string all;
      for (const auto& c : kCategories) all += (all.empty() ? "" : ", ") + c;
      f.fail(node["category"], fmt::format("category `{}` is not one of {}", ind.category, all));
    }
    ind.unit = nfkc(scalar(f, required("unit"), "unit"));
    ind.better = scalar(f, required("better"), "better");
    if (ind.better != "higher" && ind.better != "lower")
      f.fail(node["better"], fmt::format("`better` is `{}`; expected higher or lower", ind.better));
    if (const Node m = node["measure"]) {
      ind.measure = scalar(f, m, "measure");
      if (ind.measure != "level" && ind.measure != "change")
        f.fail(m, fmt::format("`measure` is `{}`; expected level or change", ind.measure));
    }
    if (const Node r = node["relative_change"]) {
      try {
        ind.relative_change = r.template as<bool>();
      } catch (const YAML::BadConversion&) {
        f.fail(r, "`relative_change` must be true or false");
      }
    }
    if (const Node c = node["conversions"]) {
      if (!c.IsMap()) f.fail(c, "`conversions` must be a map (unit: factor)");
      for (const auto& kv : c) {
        UnitConversion conv{nfkc(scalar(f, kv.first, "conversion unit")), number(f, kv.second, "factor")};
        if (!(conv.factor > 0)) f.fail(kv.second, "a conversion factor must be positive");
        ind.conversions.push_back(conv);
      }
    }
    if (const Node a = node["aliases"]) ind.aliases = string_list(f, a, "aliases");
    if (const Node e = node["excludes"]) ind.excludes = string_list(f, e, "excludes");
    if (const Node r = node["requires"]) ind.requires_any = string_list(f, r, "requires");
    if (const Node n = node["national_2025"]) {
      if (!n.IsMap()) f.fail(n, "`national_2025` must be a map");
      check_keys(f, n, {"op", "value", "unit", "year", "baseline_year", "scope", "source"}, "`national_2025`");
      NationalTarget t;
      if (!n["op"]) f.fail(n, "`national_2025` is missing `op`");
      t.op = scalar(f, n["op"], "op");
      if (!kOps.count(t.op)) f.fail(n["op"], fmt::format("op `{}` is not one of <=, >=, =, ~, -, +", t.op));
      if (!n["value"]) f.fail(n, "`national_2025` is missing `value`");
      t.value = number(f, n["value"], "value");
      if (n["unit"]) t.unit = nfkc(scalar(f, n["unit"], "unit"));
      if (n["year"]) t.year = static_cast<int>(number(f, n["year"], "year"));
      if (n["baseline_year"]) t.baseline_year = static_cast<int>(number(f, n["baseline_year"], "baseline_year"));
      if (n["scope"]) t.scope = scalar(f, n["scope"], "scope");
      if (!n["source"]) f.fail(n, "`national_2025` must name its `source` document");
      t.source = scalar(f, n["source"], "source");
      ind.national_2025 = t;
    }

    const int index = static_cast<int>(out.indicators.size());
    data.id_index[ind.id] = index;
    // Excludes, normalized like phrases (without prefix stripping).
    std::vector<std::u32string> excl;
    for (const std::string& e : ind.excludes) {
      std::u32string n = base_form(e);
      if (!n.empty()) excl.push_back(n);
    }
    std::vector<std::u32string> req;
    for (const std::string& r : ind.requires_any) {
      std::u32string n = base_form(r);
      if (!n.empty()) req.push_back(n);
    }
    // The name is an alias too (views of ind's strings, which stay put until ind is moved below).
    std::vector<std::pair<std::string_view, Node>> all{{ind.name, node["name"]}};
    if (const Node a = node["aliases"])
      for (std::size_t i = 0; i < a.size(); ++i) all.emplace_back(ind.aliases[i], a[i]);
    for (const auto& [text_alias, alias_node] : all) {
      std::u32string n = data.normalize(text_alias);
      if (n.empty()) f.fail(alias_node, fmt::format("alias `{}` is empty once normalized", text_alias));
      const int known = data.alias_of(n);
      const bool fresh = known < 0;
      if (!fresh && data.aliases[static_cast<std::size_t>(known)].indicator != index)
        f.fail(alias_node,
               fmt::format("alias `{}` (normalized `{}`) already belongs to `{}`", text_alias, utf8::encode(n),
                           out.indicators[static_cast<std::size_t>(data.aliases[static_cast<std::size_t>(known)].indicator)].id));
      for (const auto& e : excl)
        if (n.find(e) != std::u32string::npos)
          f.fail(alias_node, fmt::format("alias `{}` contains `{}`, one of its own excludes", text_alias,
                                         utf8::encode(e)));
      if (!req.empty() && std::none_of(req.begin(), req.end(), [&](const std::u32string& r) {
            return n.find(r) != std::u32string::npos;
          }))
        f.fail(alias_node, fmt::format("alias `{}` contains none of the indicator's `requires` words", text_alias));
      if (fresh) data.add_alias(n, index);
    }
    data.excludes.push_back(std::move(excl));
    data.requires_any.push_back(std::move(req));
    std::set<std::string> fams{data.family(data.fold_unit(ind.unit))};
    for (const auto& c : ind.conversions) fams.insert(data.family(data.fold_unit(c.from)));
    if (ind.measure == "change" || ind.relative_change) fams.insert(data.family("%"));
    data.families.push_back(std::move(fams));
    out.indicators.push_back(std::move(ind));
  }
  for (std::size_t i = 0; i < data.families.size(); ++i) {
    for (const std::string& family : data.families[i]) {
      std::vector<char>& row = data.accepting[family].accepts;
      row.resize(data.families.size(), 0);
      row[i] = 1;
    }
  }
  data.all_accept.accepts.assign(data.families.size(), 1);
  data.none_accept.accepts.assign(data.families.size(), 0);
  data.index_units();
  data.index_vetoes();
  data.has_alias.assign(data.families.size(), 0);
  for (const Catalogue::Data::Alias& a : data.aliases) data.has_alias[static_cast<std::size_t>(a.indicator)] = 1;
  auto starts = [&](Catalogue::Data::AcceptRow& row) {
    row.start.resize(row.accepts.size());
    for (std::size_t i = 0; i < row.accepts.size(); ++i)
      row.start[i] = !row.accepts[i] ? -2.0 : data.has_alias[i] ? 0.0 : -1.0;
  };
  for (auto& kv : data.accepting) starts(kv.second);
  starts(data.all_accept);
  starts(data.none_accept);
  index_aliases(data);
}

// The pre-parsed tree of `text` when it is a built-in grammar file's.
const std::string* builtin_tree_of(const std::string& text) {
  for (const auto& [name, builtin_text] : builtin_grammar_files())
    if (builtin_text.size() == text.size() && builtin_text == text) {
      auto tree = builtin_yaml_trees().find(name);
      if (tree != builtin_yaml_trees().end()) return &tree->second;
    }
  return nullptr;
}

}  // namespace

std::shared_ptr<const Catalogue> Catalogue::from_text(const std::string& text, const std::string& path,
                                                     bool embedded) {
  const Source f{path, text};
  CatalogueParts parts;
  bool read = false;
  // The built-in file straight from its pre-parsed tree; through yaml-cpp
  // when the view cannot answer (see canonicalize_tree.h).
  if (const std::string* form = embedded ? builtin_tree_of(text) : nullptr) {
    try {
      const TreeView tree(*form);
      read_catalogue(f, tree.root(), parts);
      read = true;
    } catch (const TreeViewFallback&) {
      parts = CatalogueParts();
    }
  }
  if (!read) {
    YAML::Node root;
    try {
      root = embedded ? load_yaml_builtin(text) : load_yaml_bounded(path, text);
    } catch (const YAML::ParserException& e) {
      throw_at_mark(path, text, e.mark, e.msg);
    }
    try {
      read_catalogue(f, root, parts);
    } catch (const YAML::RepresentationException& e) {
      throw_at_mark(path, text, e.mark, e.msg);
    }
  }
  auto cat = std::make_shared<Catalogue>();
  cat->threshold_ = parts.threshold;
  cat->margin_ = parts.margin;
  cat->indicators_ = std::move(parts.indicators);
  cat->data_ = std::move(parts.data);
  return cat;
}

std::shared_ptr<const Catalogue> Catalogue::from_grammar(const Grammar& grammar) {
  const Grammar::Impl& impl = grammar.impl();
  auto text_it = impl.raw_files.find(kFileName);
  static const std::shared_ptr<const Catalogue> empty = std::make_shared<Catalogue>();
  if (text_it == impl.raw_files.end()) return empty;
  // Cached in the grammar: built once (call_once; a throw leaves it unbuilt,
  // so the error is raised again next time), immutable afterwards.
  std::call_once(impl.catalogue_once, [&] {
    auto path_it = impl.file_paths.find(kFileName);
    const std::string path =
        path_it == impl.file_paths.end() ? std::string("grammars/") + kFileName : path_it->second;
    impl.catalogue = from_text(text_it->second, path, impl.builtin_files.count(kFileName) > 0);
  });
  return impl.catalogue;
}

double Catalogue::similarity(const std::string& a, const std::string& b) const {
  const std::u32string na = utf8::decode(normalize(a)), nb = utf8::decode(normalize(b));
  return similar(na, bigrams(na), nb, bigrams(nb));
}

std::string Catalogue::normalize(const std::string& phrase) const {
  if (!data_) return utf8::encode(base_form(phrase));
  return utf8::encode(data_->normalize(phrase));
}

const Indicator* Catalogue::find(const std::string& id_or_alias) const {
  if (!data_) return nullptr;
  if (auto it = data_->id_index.find(id_or_alias); it != data_->id_index.end())
    return &indicators_[static_cast<std::size_t>(it->second)];
  if (const int k = data_->alias_of(data_->normalize(id_or_alias)); k >= 0)
    return &indicators_[static_cast<std::size_t>(data_->aliases[static_cast<std::size_t>(k)].indicator)];
  return nullptr;
}

bool Catalogue::unit_compatible(const Indicator& ind, const std::string& unit) const {
  if (!data_) return true;
  const std::string u = data_->fold_unit(unit);
  if (u.empty()) return true;  // no unit given: nothing to veto
  auto it = data_->id_index.find(ind.id);
  if (it == data_->id_index.end()) return true;
  return data_->families[static_cast<std::size_t>(it->second)].count(data_->family(u)) > 0;
}

IndicatorMatch Catalogue::match_detail(const std::string& phrase, const std::string& unit) const {
  IndicatorMatch result;
  if (!data_ || indicators_.empty()) {
    result.why = "empty catalogue";
    return result;
  }
  using Ranking = Data::Ranking;
  const Ranking r = data_->rank(phrase, unit, threshold_, margin_);
  auto id_of = [&](int i) { return indicators_[static_cast<std::size_t>(i)].id; };
  switch (r.kind) {
    case Ranking::kEmpty: result.why = "empty"; return result;
    case Ranking::kAlias:
      result.id = id_of(r.top);
      result.method = "alias";
      result.score = result.best_score = 1.0;
      result.best = *result.id;
      return result;
    case Ranking::kNoneCompatible: result.why = "no compatible indicator"; return result;
    default: break;
  }
  result.best = id_of(r.top);
  result.best_score = r.top_score;
  if (r.second >= 0) {
    result.runner_up = id_of(r.second);
    result.runner_up_score = r.second_score;
  }
  if (r.kind == Ranking::kBelowThreshold) {
    result.why = "below threshold";
  } else if (r.kind == Ranking::kAmbiguous) {
    result.why = "ambiguous";
  } else {
    result.id = result.best;
    result.method = "fuzzy";
    result.score = result.best_score;
  }
  return result;
}

std::optional<std::string> Catalogue::match(const std::string& phrase, const std::string& unit) const {
  if (!data_ || indicators_.empty()) return std::nullopt;
  const Data::Ranking r = data_->rank(phrase, unit, threshold_, margin_);
  if (r.kind != Data::Ranking::kAlias && r.kind != Data::Ranking::kFuzzy) return std::nullopt;
  return indicators_[static_cast<std::size_t>(r.top)].id;
}

std::optional<double> Catalogue::to_canonical(const Indicator& ind, double value, const std::string& unit) const {
  auto fold = [&](const std::string& u) { return data_ ? data_->fold_unit(u) : nfkc(u); };
  const std::string u = fold(unit);
  const std::string canonical = fold(ind.unit);
  if (u == canonical) return value;
  for (const auto& c : ind.conversions)
    if (fold(c.from) == u) return value * c.factor;
  // Percentage points are the unit of a difference of percentages.
  if (canonical == "%" && u == "个百分点") return value;
  return std::nullopt;
}

void canonicalize(const Catalogue& catalogue, Document& doc) {
  // A plan repeats its indicators: each distinct (phrase, unit) is matched
  // once, and the later targets with it copy the first one's id. The first
  // of each key is found in a flat open-addressing table of target indices
  // (a slot: the key's hash's upper half and index + 1; 0 is empty), not a
  // map with a node on the heap per key. At most half full.
  const std::size_t count = doc.targets.size();
  if (count == 0) return;
  std::size_t size = 16;
  while (size < count * 2) size *= 2;
  thread_local std::vector<std::uint64_t> slots;
  slots.assign(size, 0);
  const std::size_t mask = size - 1;
  for (std::size_t i = 0; i < count; ++i) {
    Target& t = doc.targets[i];
    const std::uint64_t h = hash_step(hash_bytes(t.indicator), hash_bytes(t.unit));
    const std::uint64_t tag = h >> 32 << 32;
    for (std::size_t k = h & mask;; k = (k + 1) & mask) {
      const std::uint64_t slot = slots[k];
      if (slot == 0) {
        slots[k] = tag | (i + 1);
        t.indicator_id = catalogue.match(t.indicator, t.unit);
        break;
      }
      if ((slot & ~std::uint64_t{0xFFFFFFFF}) != tag) continue;
      const Target& first = doc.targets[static_cast<std::uint32_t>(slot) - 1];
      if (first.indicator == t.indicator && first.unit == t.unit) {
        t.indicator_id = first.indicator_id;
        break;
      }
    }
  }
}

}  // namespace plancmp
