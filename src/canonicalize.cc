// Stage 5: the indicator catalogue (grammars/indicators.yaml) and the matching
// of extracted indicator phrases to catalogue ids. See
// include/plancmp/canonicalize.h and grammars/README.md ("indicators.yaml").
#include "plancmp/canonicalize.h"

#include "yaml_error.h"
#include "yaml_load.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include <fmt/format.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <yaml-cpp/yaml.h>

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

// NFKC only (units keep their case: "mg/L").
std::string nfkc(const std::string& utf8) {
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
// place.
void nfkc_casefold(std::u32string& s) {
  if (std::all_of(s.begin(), s.end(), nfkc_casefold_inert)) return;
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

// The script- and punctuation-independent form, before prefixes and folds:
// Simplified, Roman numerals as digits, NFKC + case fold, letters and digits
// only ("-" kept between digits: 1-3类).
std::u32string base_form(const std::string& phrase) {
  std::u32string s = utf8::decode(phrase);
  // Traditional -> Simplified, phrase-level, so multi-character conversions
  // apply (ICU's rules, tabled at build time: see t2s.h). ASCII has none.
  if (std::any_of(s.begin(), s.end(), [](char32_t c) { return c >= 0x80; })) s = t2s::convert(s);
  if (std::any_of(s.begin(), s.end(), [](char32_t c) { return c >= 0x2160 && c <= 0x217B; }))
    s = roman_chars_to_digits(s);
  nfkc_casefold(s);
  // ASCII Roman numerals standing alone ("i-iii类", "劣v类") -> digits.
  std::u32string r;
  r.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    if (!is_ascii_letter(s[i])) {
      r.push_back(s[i++]);
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && (is_ascii_letter(s[j]) || is_ascii_digit(s[j]))) ++j;
    const std::u32string_view token = std::u32string_view(s).substr(i, j - i);
    if (int v = roman_value(token); v > 0) {
      for (char d : std::to_string(v)) r.push_back(static_cast<char32_t>(d));
    } else {
      r += token;
    }
    i = j;
  }
  std::u32string out;
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
  return out;
}

// Character bigrams, each packed into one integer and sorted, so the Dice
// count below is a merge: no allocation per comparison (it runs for every
// alias of every target).
using Grams = std::vector<std::uint64_t>;

Grams bigrams(const std::u32string& s) {
  Grams out;
  if (s.size() < 2) {
    if (!s.empty()) out.push_back(static_cast<std::uint64_t>(s[0]) << 32);
    return out;
  }
  for (std::size_t i = 0; i + 1 < s.size(); ++i)
    out.push_back((static_cast<std::uint64_t>(s[i]) << 32) | static_cast<std::uint64_t>(s[i + 1]));
  std::sort(out.begin(), out.end());
  return out;
}

// Character-bigram Dice coefficient of two normalized strings, as
// ../shared/tools/score.py's dice() (bigrams counted as a multiset).
double dice(const std::u32string& a, const Grams& ba, const std::u32string& b, const Grams& bb) {
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
double similar(const std::u32string& a, const Grams& ba, const std::u32string& b, const Grams& bb) {
  if (a.empty() || b.empty()) return 0.0;
  double d = dice(a, ba, b, bb);
  if (a.find(b) != std::u32string::npos || b.find(a) != std::u32string::npos) return std::max(0.75, d);
  return d;
}

// ------------------------------------------------------------ YAML errors


struct Source {
  std::string path;
  std::string text;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    throw_at_mark(path, text, node.Mark(), message);
  }
};

void check_keys(const Source& f, const YAML::Node& node, std::initializer_list<const char*> allowed,
                const std::string& what) {
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
      std::string list;
      for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      throw_at_mark(f.path, f.text, kv.first.Mark(), fmt::format("unknown key `{}` in {}; expected {}", key, what, list));
    }
  }
}

std::string scalar(const Source& f, const YAML::Node& node, const std::string& what) {
  if (!node.IsScalar()) f.fail(node, fmt::format("`{}` must be a string", what));
  return node.as<std::string>();
}

double number(const Source& f, const YAML::Node& node, const std::string& what) {
  if (!node.IsScalar()) f.fail(node, fmt::format("`{}` must be a number", what));
  try {
    return node.as<double>();
  } catch (const YAML::BadConversion&) {
    f.fail(node, fmt::format("`{}` must be a number, not `{}`", what, node.as<std::string>()));
  }
}

std::vector<std::string> string_list(const Source& f, const YAML::Node& node, const std::string& what) {
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

}  // namespace

// ------------------------------------------------------------ the catalogue

struct Catalogue::Data {
  std::vector<std::u32string> strip_prefixes;                    // normalized
  std::vector<std::pair<std::u32string, std::u32string>> folds;  // normalized, in order
  std::map<std::string, std::string> unit_aliases;               // NFKC spelling -> unit
  std::map<std::string, std::string> unit_family;                // unit -> family
  struct Alias {
    std::u32string text;
    Grams grams;
    int indicator = 0;
  };
  std::vector<Alias> aliases;                                 // every alias and name, normalized
  // (bigram, alias) pairs, sorted: the aliases a phrase shares a bigram with.
  // An alias sharing none scores 0 (no Dice hit, and neither string contains
  // the other), so fuzzy matching scores only these, plus the one-character
  // aliases, which have no bigram.
  std::vector<std::pair<std::uint64_t, int>> gram_aliases;
  std::vector<int> short_aliases;
  std::unordered_map<std::string, int> alias_index;           // normalized UTF-8 -> indicator
  std::unordered_map<std::string, int> id_index;
  std::vector<std::vector<std::u32string>> excludes;          // per indicator, normalized
  std::vector<std::vector<std::u32string>> requires_any;      // per indicator, normalized
  std::vector<std::set<std::string>> families;                // per indicator: accepted unit families
  // The same, by family: which indicators accept it (one lookup per phrase
  // instead of one per indicator).
  std::map<std::string, std::vector<char>> accepting;
  std::vector<int> vetoable;  // indicators with excludes or requires words

  std::u32string normalize(const std::string& phrase) const {
    std::u32string s = base_form(phrase);
    for (bool changed = true; changed;) {
      changed = false;
      for (const auto& p : strip_prefixes)
        if (s.size() > p.size() && s.compare(0, p.size(), p) == 0) {
          s.erase(0, p.size());
          changed = true;
        }
    }
    for (const auto& [from, to] : folds)
      for (std::size_t pos = s.find(from); pos != std::u32string::npos; pos = s.find(from, pos + to.size()))
        s.replace(pos, from.size(), to);
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
};

std::shared_ptr<const Catalogue> Catalogue::from_text(const std::string& text, const std::string& path,
                                                     bool embedded) {
  const Source f{path, text};
  YAML::Node root;
  try {
    root = embedded ? load_yaml_builtin(text) : load_yaml_bounded(path, text);
  } catch (const YAML::ParserException& e) {
    throw_at_mark(path, text, e.mark, e.msg);
  }
  auto cat = std::make_shared<Catalogue>();
  auto data = std::make_shared<Data>();
  try {
    if (!root.IsMap()) f.fail(root, "indicators.yaml must be a map with an `indicators` list");
    check_keys(f, root, {"normalize", "match", "units", "indicators"}, "indicators.yaml");

    if (const YAML::Node norm = root["normalize"]) {
      if (!norm.IsMap()) f.fail(norm, "`normalize` must be a map");
      check_keys(f, norm, {"strip_prefixes", "folds"}, "`normalize`");
      if (const YAML::Node p = norm["strip_prefixes"])
        for (const std::string& s : string_list(f, p, "strip_prefixes")) {
          std::u32string n = base_form(s);
          if (!n.empty()) data->strip_prefixes.push_back(n);
        }
      // Longest first, so 全市域 goes before 全市.
      std::stable_sort(data->strip_prefixes.begin(), data->strip_prefixes.end(),
                       [](const auto& a, const auto& b) { return a.size() > b.size(); });
      if (const YAML::Node folds = norm["folds"]) {
        if (!folds.IsMap()) f.fail(folds, "`folds` must be a map (wording: replacement)");
        for (const auto& kv : folds) {
          std::u32string from = base_form(scalar(f, kv.first, "fold"));
          if (from.empty()) f.fail(kv.first, "a fold must not be empty");
          data->folds.emplace_back(from, base_form(scalar(f, kv.second, "fold")));
        }
      }
    }

    if (const YAML::Node m = root["match"]) {
      if (!m.IsMap()) f.fail(m, "`match` must be a map");
      check_keys(f, m, {"threshold", "margin"}, "`match`");
      if (m["threshold"]) {
        cat->threshold_ = number(f, m["threshold"], "threshold");
        if (cat->threshold_ <= 0 || cat->threshold_ > 1) f.fail(m["threshold"], "`threshold` must be in (0, 1]");
      }
      if (m["margin"]) {
        cat->margin_ = number(f, m["margin"], "margin");
        if (cat->margin_ < 0 || cat->margin_ >= 1) f.fail(m["margin"], "`margin` must be in [0, 1)");
      }
    }

    if (const YAML::Node units = root["units"]) {
      if (!units.IsMap()) f.fail(units, "`units` must be a map");
      check_keys(f, units, {"aliases", "families"}, "`units`");
      if (const YAML::Node a = units["aliases"]) {
        if (!a.IsMap()) f.fail(a, "`units.aliases` must be a map (spelling: unit)");
        for (const auto& kv : a) {
          std::string from = nfkc(scalar(f, kv.first, "unit alias"));
          data->unit_aliases[from] = nfkc(scalar(f, kv.second, "unit alias"));
        }
      }
      if (const YAML::Node fam = units["families"]) {
        if (!fam.IsMap()) f.fail(fam, "`units.families` must be a map (family: [units])");
        for (const auto& kv : fam) {
          const std::string name = scalar(f, kv.first, "family");
          if (!kv.second.IsSequence()) f.fail(kv.second, fmt::format("family `{}` must be a list of units", name));
          for (const auto& item : kv.second) {
            const std::string u = data->fold_unit(scalar(f, item, "unit"));
            auto [it, fresh] = data->unit_family.emplace(u, name);
            if (!fresh && it->second != name)
              f.fail(item, fmt::format("unit `{}` is already in family `{}`", u, it->second));
          }
        }
      }
    }

    const YAML::Node list = root["indicators"];
    if (!list || !list.IsSequence()) f.fail(list ? list : root, "missing `indicators` list");
    for (const auto& node : list) {
      if (!node.IsMap()) f.fail(node, "each indicator must be a map");
      check_keys(f, node,
                 {"id", "name", "category", "unit", "conversions", "measure", "relative_change", "better",
                  "aliases", "excludes", "requires", "national_2025"},
                 "an indicator");
      Indicator ind;
      auto required = [&](const char* key) -> YAML::Node {
        const YAML::Node v = node[key];
        if (!v) f.fail(node, fmt::format("indicator is missing `{}`", key));
        return v;
      };
      ind.id = scalar(f, required("id"), "id");
      if (!snake_case(ind.id)) f.fail(node["id"], fmt::format("id `{}` must be snake_case ([a-z][a-z0-9_]*)", ind.id));
      if (data->id_index.count(ind.id)) f.fail(node["id"], fmt::format("duplicate id `{}`", ind.id));
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
      if (const YAML::Node m = node["measure"]) {
        ind.measure = scalar(f, m, "measure");
        if (ind.measure != "level" && ind.measure != "change")
          f.fail(m, fmt::format("`measure` is `{}`; expected level or change", ind.measure));
      }
      if (const YAML::Node r = node["relative_change"]) {
        try {
          ind.relative_change = r.as<bool>();
        } catch (const YAML::BadConversion&) {
          f.fail(r, "`relative_change` must be true or false");
        }
      }
      if (const YAML::Node c = node["conversions"]) {
        if (!c.IsMap()) f.fail(c, "`conversions` must be a map (unit: factor)");
        for (const auto& kv : c) {
          UnitConversion conv{nfkc(scalar(f, kv.first, "conversion unit")), number(f, kv.second, "factor")};
          if (!(conv.factor > 0)) f.fail(kv.second, "a conversion factor must be positive");
          ind.conversions.push_back(conv);
        }
      }
      if (const YAML::Node a = node["aliases"]) ind.aliases = string_list(f, a, "aliases");
      if (const YAML::Node e = node["excludes"]) ind.excludes = string_list(f, e, "excludes");
      if (const YAML::Node r = node["requires"]) ind.requires_any = string_list(f, r, "requires");
      if (const YAML::Node n = node["national_2025"]) {
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

      const int index = static_cast<int>(cat->indicators_.size());
      data->id_index[ind.id] = index;
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
      // The name is an alias too.
      std::vector<std::pair<std::string, YAML::Node>> all{{ind.name, node["name"]}};
      if (const YAML::Node a = node["aliases"])
        for (std::size_t i = 0; i < a.size(); ++i) all.emplace_back(ind.aliases[i], a[i]);
      for (const auto& [text_alias, alias_node] : all) {
        std::u32string n = data->normalize(text_alias);
        if (n.empty()) f.fail(alias_node, fmt::format("alias `{}` is empty once normalized", text_alias));
        const std::string key = utf8::encode(n);
        auto [it, fresh] = data->alias_index.emplace(key, index);
        if (!fresh && it->second != index)
          f.fail(alias_node, fmt::format("alias `{}` (normalized `{}`) already belongs to `{}`", text_alias, key,
                                         cat->indicators_[static_cast<std::size_t>(it->second)].id));
        for (const auto& e : excl)
          if (n.find(e) != std::u32string::npos)
            f.fail(alias_node, fmt::format("alias `{}` contains `{}`, one of its own excludes", text_alias,
                                           utf8::encode(e)));
        if (!req.empty() && std::none_of(req.begin(), req.end(), [&](const std::u32string& r) {
              return n.find(r) != std::u32string::npos;
            }))
          f.fail(alias_node, fmt::format("alias `{}` contains none of the indicator's `requires` words", text_alias));
        if (fresh) data->aliases.push_back({n, bigrams(n), index});
      }
      data->excludes.push_back(std::move(excl));
      data->requires_any.push_back(std::move(req));
      std::set<std::string> fams{data->family(data->fold_unit(ind.unit))};
      for (const auto& c : ind.conversions) fams.insert(data->family(data->fold_unit(c.from)));
      if (ind.measure == "change" || ind.relative_change) fams.insert(data->family("%"));
      data->families.push_back(std::move(fams));
      cat->indicators_.push_back(std::move(ind));
    }
  } catch (const YAML::RepresentationException& e) {
    throw_at_mark(path, text, e.mark, e.msg);
  }
  for (std::size_t i = 0; i < data->families.size(); ++i) {
    for (const std::string& family : data->families[i]) {
      std::vector<char>& row = data->accepting[family];
      row.resize(data->families.size(), 0);
      row[i] = 1;
    }
    if (!data->excludes[i].empty() || !data->requires_any[i].empty()) data->vetoable.push_back(static_cast<int>(i));
  }
  for (std::size_t k = 0; k < data->aliases.size(); ++k) {
    const Data::Alias& a = data->aliases[k];
    if (a.text.size() < 2) {
      data->short_aliases.push_back(static_cast<int>(k));
      continue;
    }
    for (std::size_t g = 0; g < a.grams.size(); ++g)
      if (g == 0 || a.grams[g] != a.grams[g - 1]) data->gram_aliases.emplace_back(a.grams[g], static_cast<int>(k));
  }
  std::sort(data->gram_aliases.begin(), data->gram_aliases.end());
  cat->data_ = std::move(data);
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
  if (auto it = data_->alias_index.find(utf8::encode(data_->normalize(id_or_alias)));
      it != data_->alias_index.end())
    return &indicators_[static_cast<std::size_t>(it->second)];
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
  const std::u32string n = data_->normalize(phrase);
  if (n.empty()) {
    result.why = "empty";
    return result;
  }
  // unit_compatible(), with the unit folded once rather than per indicator.
  const std::string folded_unit = data_->fold_unit(unit);
  const std::vector<char>* accepting = nullptr;  // null: no indicator accepts the unit
  if (!folded_unit.empty())
    if (auto it = data_->accepting.find(data_->family(folded_unit)); it != data_->accepting.end())
      accepting = &it->second;
  auto compatible = [&](int i) {
    return folded_unit.empty() || (accepting && (*accepting)[static_cast<std::size_t>(i)]);
  };

  // 1. An alias, exactly (its unit permitting).
  if (auto it = data_->alias_index.find(utf8::encode(n)); it != data_->alias_index.end() && compatible(it->second)) {
    result.id = indicators_[static_cast<std::size_t>(it->second)].id;
    result.method = "alias";
    result.score = result.best_score = 1.0;
    result.best = *result.id;
    return result;
  }

  // 2. Fuzzy: each indicator's best alias score; excludes and units veto.
  const Grams grams = bigrams(n);
  std::vector<double> best(indicators_.size(), -1.0);
  for (std::size_t i = 0; i < indicators_.size(); ++i)
    if (!compatible(static_cast<int>(i))) best[i] = -2.0;
  for (int vi : data_->vetoable) {
    const auto i = static_cast<std::size_t>(vi);
    bool vetoed = false;
    for (const auto& e : data_->excludes[i])
      if (n.find(e) != std::u32string::npos) vetoed = true;
    const auto& req = data_->requires_any[i];
    if (!req.empty() &&
        std::none_of(req.begin(), req.end(), [&](const std::u32string& r) { return n.find(r) != std::u32string::npos; }))
      vetoed = true;
    if (vetoed) best[i] = -2.0;
  }
  // inside[i]: the phrase is part of one of indicator i's wordings (a
  // truncated or generic phrase, "安全利用率").
  std::vector<char> inside(indicators_.size(), 0);
  auto score = [&](const Data::Alias& a) {
    const auto i = static_cast<std::size_t>(a.indicator);
    if (best[i] < -1.5) return;
    best[i] = std::max(best[i], similar(n, grams, a.text, a.grams));
    if (a.text.find(n) != std::u32string::npos) inside[i] = 1;
  };
  if (n.size() < 2) {
    for (const auto& a : data_->aliases) score(a);
  } else {
    // Every alias scores at least 0; only those sharing a bigram (or of one
    // character) can score more, or contain the phrase.
    for (const auto& a : data_->aliases) {
      double& b = best[static_cast<std::size_t>(a.indicator)];
      if (b > -1.5) b = std::max(b, 0.0);
    }
    std::vector<char> done(data_->aliases.size(), 0);
    for (int k : data_->short_aliases) {
      done[static_cast<std::size_t>(k)] = 1;
      score(data_->aliases[static_cast<std::size_t>(k)]);
    }
    for (std::size_t g = 0; g < grams.size(); ++g) {
      if (g > 0 && grams[g] == grams[g - 1]) continue;
      auto it = std::lower_bound(data_->gram_aliases.begin(), data_->gram_aliases.end(),
                                 std::pair<std::uint64_t, int>(grams[g], -1));
      for (; it != data_->gram_aliases.end() && it->first == grams[g]; ++it) {
        auto k = static_cast<std::size_t>(it->second);
        if (done[k]) continue;
        done[k] = 1;
        score(data_->aliases[k]);
      }
    }
  }
  int top = -1, second = -1;
  for (int i = 0; i < static_cast<int>(best.size()); ++i) {
    if (best[static_cast<std::size_t>(i)] < 0) continue;
    if (top < 0 || best[static_cast<std::size_t>(i)] > best[static_cast<std::size_t>(top)]) {
      second = top;
      top = i;
    } else if (second < 0 || best[static_cast<std::size_t>(i)] > best[static_cast<std::size_t>(second)]) {
      second = i;
    }
  }
  if (top < 0) {
    result.why = "no compatible indicator";
    return result;
  }
  result.best = indicators_[static_cast<std::size_t>(top)].id;
  result.best_score = best[static_cast<std::size_t>(top)];
  if (second >= 0) {
    result.runner_up = indicators_[static_cast<std::size_t>(second)].id;
    result.runner_up_score = best[static_cast<std::size_t>(second)];
  }
  if (result.best_score < threshold_) {
    result.why = "below threshold";
  } else if (second >= 0 && result.best_score - result.runner_up_score < margin_) {
    result.why = "ambiguous";
  } else if (inside[static_cast<std::size_t>(top)] &&
             std::count(inside.begin(), inside.end(), 1) > 1) {
    // Part of the wordings of several indicators: the phrase does not say which.
    result.why = "ambiguous";
  } else {
    result.id = result.best;
    result.method = "fuzzy";
    result.score = result.best_score;
  }
  return result;
}

std::optional<std::string> Catalogue::match(const std::string& phrase, const std::string& unit) const {
  return match_detail(phrase, unit).id;
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
  // A plan repeats its indicators: each distinct (phrase, unit) is matched once.
  std::map<std::pair<std::string, std::string>, std::optional<std::string>> seen;
  for (Target& t : doc.targets) {
    auto [it, fresh] = seen.try_emplace({t.indicator, t.unit});
    if (fresh) it->second = catalogue.match(t.indicator, t.unit);
    t.indicator_id = it->second;
  }
}

}  // namespace plancmp
