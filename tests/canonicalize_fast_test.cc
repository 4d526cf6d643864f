// The shortcuts of indicator matching (src/canonicalize.cc) against the plain
// computations they stand for: normalizing without the steps a phrase does
// not need, scoring aliases from bigram postings, filtering veto words, and
// the Unicode facts the NFKC shortcuts rest on.
#include <doctest/doctest.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "canonicalize_tree.h"
#include "plancmp/canonicalize.h"
#include "plancmp/diagnostic.h"
#include "plancmp/grammar.h"
#include "t2s.h"
#include "test_support.h"
#include "utf8_util.h"
#include "yaml_tree.h"

using plancmp::Catalogue;
using plancmp::Grammar;
using plancmp::IndicatorMatch;

namespace {

namespace utf8 = plancmp::utf8;

std::shared_ptr<const Catalogue> builtin() { return Catalogue::from_grammar(*Grammar::builtin()); }

// ---- base_form() as it was written before its shortcuts (every step always runs)

std::u32string reference_nfkc_casefold(const std::u32string& s) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFKCCasefoldInstance(status);
  const icu::UnicodeString out = n->normalize(
      icu::UnicodeString::fromUTF32(reinterpret_cast<const UChar32*>(s.data()), static_cast<int32_t>(s.size())),
      status);
  std::u32string r(static_cast<std::size_t>(out.countChar32()), U'\0');
  UErrorCode copy_status = U_ZERO_ERROR;
  out.toUTF32(reinterpret_cast<UChar32*>(r.data()), static_cast<int32_t>(r.size()), copy_status);
  return r;
}

bool letter(char32_t c) { return (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z'); }
bool digit(char32_t c) { return c >= U'0' && c <= U'9'; }

std::u32string reference_base_form(const std::string& phrase) {
  std::u32string s = plancmp::t2s::convert(utf8::decode(phrase));
  std::u32string romans;
  for (char32_t c : s) {
    int n = c >= 0x2160 && c <= 0x216B ? static_cast<int>(c - 0x2160) + 1
            : c >= 0x2170 && c <= 0x217B ? static_cast<int>(c - 0x2170) + 1
                                         : 0;
    if (n == 0) romans.push_back(c);
    else
      for (char d : std::to_string(n)) romans.push_back(static_cast<char32_t>(d));
  }
  s = reference_nfkc_casefold(romans);
  static const std::vector<std::u32string> kRoman = {U"i",   U"ii",   U"iii", U"iv", U"v",  U"vi",
                                                     U"vii", U"viii", U"ix",  U"x",  U"xi", U"xii"};
  std::u32string r;
  for (std::size_t i = 0; i < s.size();) {
    if (!letter(s[i])) {
      r.push_back(s[i++]);
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && (letter(s[j]) || digit(s[j]))) ++j;
    const std::u32string token = s.substr(i, j - i);
    auto at = std::find(kRoman.begin(), kRoman.end(), token);
    if (at != kRoman.end()) {
      for (char d : std::to_string(at - kRoman.begin() + 1)) r.push_back(static_cast<char32_t>(d));
    } else {
      r += token;
    }
    i = j;
  }
  auto dash = [](char32_t c) {
    return c == U'-' || c == U'~' || c == 0x2014 || c == 0x2013 || c == 0x2012 || c == 0xFF5E || c == 0x301C ||
           c == U'至' || c == U'到';
  };
  std::u32string out;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (u_isalnum(static_cast<UChar32>(r[i]))) out.push_back(r[i]);
    else if (dash(r[i]) && !out.empty() && digit(out.back()) && i + 1 < r.size() && digit(r[i + 1]))
      out.push_back(U'-');
  }
  return out;
}

// The indicator phrases of the golden extractions.
std::vector<std::string> golden_phrases() {
  std::vector<std::string> out;
  for (const char* name : {"ankang-2023", "maanshan-2023", "panshi-2022"}) {
    std::ifstream in(std::string(PLANCMP_SOURCE_DIR) + "/tests/golden/" + name + ".yaml");
    for (std::string line; std::getline(in, line);)
      if (auto at = line.find("indicator: "); at != std::string::npos) out.push_back(line.substr(at + 11));
  }
  return out;
}

// Every wording of the built-in catalogue, and the words of its normalize
// section and vetoes.
std::vector<std::string> catalogue_wordings() {
  std::vector<std::string> out;
  for (const auto& ind : builtin()->indicators()) {
    out.push_back(ind.name);
    out.insert(out.end(), ind.aliases.begin(), ind.aliases.end());
    out.insert(out.end(), ind.excludes.begin(), ind.excludes.end());
    out.insert(out.end(), ind.requires_any.begin(), ind.requires_any.end());
  }
  return out;
}

// Phrases made from pieces that exercise every step: Traditional rule texts,
// Roman numerals of both kinds, full-width and upper-case letters, dashes,
// digits, punctuation, sub- and superscripts, and catalogue words.
std::vector<std::string> generated_phrases(std::size_t count) {
  std::vector<std::string> pieces = {"PM", "pm", "Ⅲ", "ⅳ", "I", "iii", "V", "v", "x2", "劣", "类", "-", "—", "~",
                                     "至", "到", "1", "23", "2.5", "₂", ".", "(", ")", "ＰＭ", "２", "Ｖ", " ",
                                     "、", "全市", "提升", "比率", "GDP", "单位", "万元", "μ", "ß", "İ", "é",
                                     "e\u0301", "ﬁ", "Ⅻ", "ⅻ", "XII", "xii", "vi", "VOCs", "COD", "\xE2\x80\x8B"};
  const auto& rules = plancmp::t2s::kRules;
  for (std::size_t r = 0; r < plancmp::t2s::kRuleCount; r += 37) pieces.push_back(utf8::encode(rules[r].from));
  for (const std::string& w : catalogue_wordings()) pieces.push_back(w);
  plancmp_test::Lcg rng{12345};
  std::vector<std::string> out;
  for (std::size_t k = 0; k < count; ++k) {
    std::string phrase;
    for (unsigned n = 1 + rng.next(5); n > 0; --n) phrase += pieces[rng.next(static_cast<unsigned>(pieces.size()))];
    out.push_back(phrase);
  }
  return out;
}

// ---- match_detail() as a plain scan of every wording of every indicator

using Grams = std::vector<std::uint64_t>;

Grams grams_of(const std::u32string& s) {
  Grams out;
  if (s.size() < 2) {
    if (!s.empty()) out.push_back(static_cast<std::uint64_t>(s[0]) << 32);
    return out;
  }
  for (std::size_t i = 0; i + 1 < s.size(); ++i) out.push_back(static_cast<std::uint64_t>(s[i]) << 32 | s[i + 1]);
  std::sort(out.begin(), out.end());
  return out;
}

double reference_similar(const std::u32string& a, const std::u32string& b) {
  if (a.empty() || b.empty()) return 0.0;
  const Grams ga = grams_of(a), gb = grams_of(b);
  Grams common;
  std::set_intersection(ga.begin(), ga.end(), gb.begin(), gb.end(), std::back_inserter(common));
  double d = a == b ? 1.0 : 2.0 * static_cast<double>(common.size()) / static_cast<double>(ga.size() + gb.size());
  if (a.find(b) != std::u32string::npos || b.find(a) != std::u32string::npos) d = std::max(0.75, d);
  return d;
}

IndicatorMatch reference_match(const Catalogue& cat, const std::string& phrase, const std::string& unit) {
  static const Catalogue plain;  // no normalize section: normalize() is the base form
  IndicatorMatch result;
  const auto& inds = cat.indicators();
  auto norm = [&](const std::string& s) { return utf8::decode(cat.normalize(s)); };
  const std::u32string n = norm(phrase);
  if (n.empty()) {
    result.why = "empty";
    return result;
  }
  std::vector<std::vector<std::u32string>> wordings(inds.size());
  for (std::size_t i = 0; i < inds.size(); ++i) {
    wordings[i].push_back(norm(inds[i].name));
    for (const auto& a : inds[i].aliases) wordings[i].push_back(norm(a));
  }
  for (std::size_t i = 0; i < inds.size(); ++i) {
    if (std::find(wordings[i].begin(), wordings[i].end(), n) == wordings[i].end()) continue;
    if (!cat.unit_compatible(inds[i], unit)) break;  // an alias names one indicator only
    result.id = inds[i].id;
    result.method = "alias";
    result.score = result.best_score = 1.0;
    result.best = inds[i].id;
    return result;
  }
  std::vector<double> best(inds.size(), -2.0);
  std::vector<char> inside(inds.size(), 0);
  auto contains = [&](const std::string& word) {
    const std::u32string w = utf8::decode(plain.normalize(word));
    return !w.empty() && n.find(w) != std::u32string::npos;
  };
  for (std::size_t i = 0; i < inds.size(); ++i) {
    if (!cat.unit_compatible(inds[i], unit)) continue;
    if (std::any_of(inds[i].excludes.begin(), inds[i].excludes.end(), contains)) continue;
    bool any_required = false;
    for (const auto& r : inds[i].requires_any) any_required |= !utf8::decode(plain.normalize(r)).empty();
    if (any_required && std::none_of(inds[i].requires_any.begin(), inds[i].requires_any.end(), contains)) continue;
    best[i] = -1.0;
    for (const auto& w : wordings[i]) {
      best[i] = std::max(best[i], reference_similar(n, w));
      if (w.find(n) != std::u32string::npos) inside[i] = 1;
    }
  }
  int top = -1, second = -1;
  for (int i = 0; i < static_cast<int>(best.size()); ++i) {
    if (best[i] < 0) continue;
    if (top < 0 || best[i] > best[top]) {
      second = top;
      top = i;
    } else if (second < 0 || best[i] > best[second]) {
      second = i;
    }
  }
  if (top < 0) {
    result.why = "no compatible indicator";
    return result;
  }
  result.best = inds[top].id;
  result.best_score = best[top];
  if (second >= 0) {
    result.runner_up = inds[second].id;
    result.runner_up_score = best[second];
  }
  if (result.best_score < cat.threshold()) result.why = "below threshold";
  else if (second >= 0 && result.best_score - result.runner_up_score < cat.margin()) result.why = "ambiguous";
  else if (inside[top] && std::count(inside.begin(), inside.end(), 1) > 1) result.why = "ambiguous";
  else {
    result.id = result.best;
    result.method = "fuzzy";
    result.score = result.best_score;
  }
  return result;
}

void check_same(const IndicatorMatch& got, const IndicatorMatch& want) {
  CHECK(got.id == want.id);
  CHECK(got.method == want.method);
  CHECK(got.score == want.score);
  CHECK(got.best == want.best);
  CHECK(got.best_score == want.best_score);
  CHECK(got.runner_up == want.runner_up);
  CHECK(got.runner_up_score == want.runner_up_score);
  CHECK(got.why == want.why);
}

}  // namespace

TEST_CASE("normalizing with shortcuts gives the base form of every step") {
  const Catalogue plain;
  std::vector<std::string> phrases = golden_phrases();
  for (const std::string& w : catalogue_wordings()) phrases.push_back(w);
  for (const std::string& p : generated_phrases(4000)) phrases.push_back(p);
  phrases.push_back("");
  phrases.push_back("\xFF\xFE bad bytes \xE4\xB8");
  for (const std::string& p : phrases) {
    CAPTURE(p);
    CHECK(plain.normalize(p) == utf8::encode(reference_base_form(p)));
  }
}

TEST_CASE("the Traditional-rule filter lets through every place a rule matches") {
  // Each rule's text alone, amid other text and cut short, and each longer
  // rule's first character before random others (pairs the filter's hashed
  // bits must rule in or out as the sorted pairs do).
  const Catalogue plain;
  const auto& rules = plancmp::t2s::kRules;
  plancmp_test::Lcg rng{777};
  std::vector<std::u32string> firsts;
  for (std::size_t r = 0; r < plancmp::t2s::kRuleCount; ++r) {
    const std::u32string from = rules[r].from;
    if (from.size() >= 2) firsts.push_back(from.substr(0, 1));
    for (const std::u32string& text : {from, U"水" + from + U"a", U"PM" + from, from.substr(0, from.size() - 1),
                                       from.substr(0, 1) + U"水"}) {
      const std::string p = utf8::encode(text);
      CAPTURE(p);
      CHECK(plain.normalize(p) == utf8::encode(reference_base_form(p)));
    }
  }
  REQUIRE(!firsts.empty());
  for (int k = 0; k < 20000; ++k) {
    std::u32string text = firsts[rng.next(static_cast<unsigned>(firsts.size()))];
    text += static_cast<char32_t>(0x4E00 + rng.next(0x9FFF - 0x4E00 + 1));
    if (k % 3 == 0) text += firsts[rng.next(static_cast<unsigned>(firsts.size()))];
    const std::string p = utf8::encode(text);
    CAPTURE(p);
    CHECK(plain.normalize(p) == utf8::encode(reference_base_form(p)));
  }
}

TEST_CASE("prefix stripping with its first-character filter strips as the plain loop does") {
  // Prefixes whose first characters share a bit of the filter (c % 64) with
  // others, nest (全市 in 全市域), and repeat; phrases of them and others.
  const std::vector<std::string> prefixes = {"全市", "全市域", "年度", "PM", "a", "\xE4\xB9\x80", "X"};
  std::string text = "normalize:\n  strip_prefixes: [";
  for (const std::string& p : prefixes) text += "\"" + p + "\", ";
  text += "]\nindicators:\n  - {id: x, name: 甲乙, category: air, unit: \"%\", better: higher}\n";
  const auto cat = Catalogue::from_text(text, "t/indicators.yaml");
  std::vector<std::u32string> stripped;  // longest first, as the catalogue orders them
  for (const std::string& p : prefixes) stripped.push_back(reference_base_form(p));
  std::stable_sort(stripped.begin(), stripped.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  auto plain = [&](const std::string& phrase) {
    std::u32string s = reference_base_form(phrase);
    for (bool changed = true; changed;) {
      changed = false;
      for (const auto& p : stripped)
        if (s.size() > p.size() && s.compare(0, p.size(), p) == 0) {
          s.erase(0, p.size());
          changed = true;
        }
    }
    return utf8::encode(s);
  };
  std::vector<std::string> pieces = prefixes;
  for (const char* extra : {"水质", "全", "A", "pm", "2.5", "年", "域", "\xE5\x85\x80", "Ⅲ", ""}) pieces.push_back(extra);
  plancmp_test::Lcg rng{4242};
  int changed = 0;
  for (int k = 0; k < 5000; ++k) {
    std::string phrase;
    for (unsigned n = 1 + rng.next(4); n > 0; --n) phrase += pieces[rng.next(static_cast<unsigned>(pieces.size()))];
    CAPTURE(phrase);
    const std::string want = plain(phrase);
    CHECK(cat->normalize(phrase) == want);
    changed += want != utf8::encode(reference_base_form(phrase));
  }
  CHECK(changed > 500);  // the phrases do exercise stripping
}

TEST_CASE("the NFKC shortcuts: ASCII and CJK Unified Ideographs are left as they are, A-Z only lower-cased") {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(status);
  REQUIRE(U_SUCCESS(status));
  auto same = [](const icu::Normalizer2* n, const icu::UnicodeString& in, const icu::UnicodeString& want) {
    UErrorCode st = U_ZERO_ERROR;
    return n->normalize(in, st) == want && U_SUCCESS(st);
  };
  auto lower = [](UChar32 c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; };
  for (UChar32 c = 0x4E00; c <= 0x9FFF; ++c) CHECK(same(nfkc, icu::UnicodeString(c), icu::UnicodeString(c)));
  for (UChar32 a = 0; a < 0x80; ++a) {
    for (UChar32 b = 0; b < 0x80; ++b) {
      icu::UnicodeString pair(a);
      pair.append(b);
      CHECK(same(nfkc, pair, pair));
      CHECK(same(nfkc_cf, pair, icu::UnicodeString(lower(a)).append(lower(b))));
    }
    for (UChar32 han : {0x4E00, 0x6C34, 0x9FFF}) {
      CHECK(same(nfkc, icu::UnicodeString(a).append(han), icu::UnicodeString(a).append(han)));
      CHECK(same(nfkc, icu::UnicodeString(han).append(a), icu::UnicodeString(han).append(a)));
      CHECK(same(nfkc_cf, icu::UnicodeString(a).append(han), icu::UnicodeString(lower(a)).append(han)));
      CHECK(same(nfkc_cf, icu::UnicodeString(han).append(a), icu::UnicodeString(han).append(lower(a))));
    }
  }
  // Units of each kind keep or lose their forms as before.
  auto cat = builtin();
  const auto* pm25 = cat->find("pm25_annual_concentration");
  REQUIRE(pm25);
  CHECK(cat->unit_compatible(*pm25, "微克/立方米"));
  CHECK(cat->unit_compatible(*pm25, "μg/m3"));
  CHECK(cat->unit_compatible(*pm25, "μg/m³"));
  CHECK(cat->unit_compatible(*pm25, "ug/m3"));
  CHECK_FALSE(cat->unit_compatible(*pm25, "%"));
  CHECK_FALSE(cat->unit_compatible(*pm25, "％"));
}

TEST_CASE("matching by bigram postings agrees with scoring every wording of every indicator") {
  auto cat = builtin();
  std::vector<std::string> phrases = golden_phrases();
  const std::vector<std::string> wordings = catalogue_wordings();
  plancmp_test::Lcg rng{777};
  for (const std::string& w : wordings) {
    phrases.push_back(w);
    const std::u32string u = utf8::decode(w);
    // Truncations, and the wording inside a longer phrase.
    if (u.size() > 2) {
      phrases.push_back(utf8::encode(u.substr(1)));
      phrases.push_back(utf8::encode(u.substr(0, u.size() - 1)));
      phrases.push_back(utf8::encode(u.substr(1, u.size() - 2)));
    }
    phrases.push_back("全市" + w + "达到");
    phrases.push_back(w + wordings[rng.next(static_cast<unsigned>(wordings.size()))]);
  }
  for (const std::string& p : generated_phrases(1500)) phrases.push_back(p);
  for (const char* one : {"率", "水", "a", "1", "", "。"}) phrases.push_back(one);
  const std::vector<std::string> units = {"", "%", "％", "微克/立方米", "μg/m3", "万吨", "吨", "公顷", "个百分点",
                                          "平方公里", "mg/L", "天", "万立方米", "no-such-unit", " % ", "mg / L",
                                          "ｍｇ/Ｌ", "  ", "\t", "μg/m³", "km²", "t"};
  for (const std::string& p : phrases) {
    const std::string& unit = units[rng.next(static_cast<unsigned>(units.size()))];
    CAPTURE(p);
    CAPTURE(unit);
    const IndicatorMatch got = cat->match_detail(p, unit);
    check_same(got, reference_match(*cat, p, unit));
    CHECK(cat->match(p, unit) == got.id);
  }
}

// ---- the built-in catalogue read from its pre-parsed tree (canonicalize_tree.h)


namespace {

void check_same_indicators(const Catalogue& got, const Catalogue& want) {
  REQUIRE(got.indicators().size() == want.indicators().size());
  CHECK(got.threshold() == want.threshold());
  CHECK(got.margin() == want.margin());
  for (std::size_t i = 0; i < got.indicators().size(); ++i) {
    const plancmp::Indicator& a = got.indicators()[i];
    const plancmp::Indicator& b = want.indicators()[i];
    CAPTURE(b.id);
    CHECK(a.id == b.id);
    CHECK(a.name == b.name);
    CHECK(a.aliases == b.aliases);
    CHECK(a.category == b.category);
    CHECK(a.unit == b.unit);
    REQUIRE(a.conversions.size() == b.conversions.size());
    for (std::size_t c = 0; c < a.conversions.size(); ++c) {
      CHECK(a.conversions[c].from == b.conversions[c].from);
      CHECK(a.conversions[c].factor == b.conversions[c].factor);
    }
    CHECK(a.measure == b.measure);
    CHECK(a.relative_change == b.relative_change);
    CHECK(a.better == b.better);
    CHECK(a.excludes == b.excludes);
    CHECK(a.requires_any == b.requires_any);
    REQUIRE(a.national_2025.has_value() == b.national_2025.has_value());
    if (a.national_2025) {
      CHECK(a.national_2025->op == b.national_2025->op);
      CHECK(a.national_2025->value == b.national_2025->value);
      CHECK(a.national_2025->unit == b.national_2025->unit);
      CHECK(a.national_2025->year == b.national_2025->year);
      CHECK(a.national_2025->baseline_year == b.national_2025->baseline_year);
      CHECK(a.national_2025->scope == b.national_2025->scope);
      CHECK(a.national_2025->source == b.national_2025->source);
    }
  }
}

}  // namespace

TEST_CASE("the built-in catalogue read from its pre-parsed tree equals the one yaml-cpp reads") {
  const std::string& text = plancmp::builtin_grammar_files().at("indicators.yaml");
  auto from_tree = Catalogue::from_text(text, "grammars/indicators.yaml", /*embedded=*/true);
  auto from_yaml = Catalogue::from_text(text, "grammars/indicators.yaml", /*embedded=*/false);
  check_same_indicators(*from_tree, *from_yaml);
  std::vector<std::string> phrases = golden_phrases();
  for (const std::string& w : catalogue_wordings()) phrases.push_back(w);
  for (const std::string& p : generated_phrases(300)) phrases.push_back(p);
  for (const std::string& p : phrases) {
    CAPTURE(p);
    CHECK(from_tree->normalize(p) == from_yaml->normalize(p));
    for (const char* unit : {"", "%", "微克/立方米", "万吨"})
      check_same(from_tree->match_detail(p, unit), from_yaml->match_detail(p, unit));
  }
}

TEST_CASE("the tree view answers as YAML::Node does, and gives way where it cannot") {
  using plancmp::TreeView;
  using plancmp::TreeViewFallback;
  const char* yaml =
      "a: 0.66\nb: -12\nc: 1e3\nd: abc\ne: .inf\nf: [x, y, z]\ng: {k: v}\nh:\n"
      "a: second\ni: true\nj: '007'\nk: 2.\nl: -.5\n";
  const YAML::Node node = YAML::Load(yaml);
  const std::string form = plancmp::encode_yaml_tree(node);
  const TreeView tree(form);
  const TreeView::Node root = tree.root();
  CHECK(root.IsMap());
  CHECK(root.size() == node.size());
  CHECK(root["a"].as<double>() == node["a"].as<double>());  // the first of two `a` keys
  CHECK(root["a"].as<std::string>() == "0.66");
  for (const char* key : {"b", "c", "e", "j", "k", "l"}) {
    CAPTURE(key);
    CHECK(root[key].as<double>() == node[key].as<double>());
  }
  CHECK_THROWS_AS(root["d"].as<double>(), YAML::BadConversion);
  CHECK(root["i"].as<bool>());
  CHECK_FALSE(root["missing"]);
  CHECK(root["h"]);  // present, null
  CHECK_FALSE(root["h"].IsScalar());
  CHECK_THROWS_AS(root["h"].as<std::string>(), TreeViewFallback);
  CHECK_THROWS_AS(root["f"]["x"], TreeViewFallback);  // only maps are looked up by key
  const TreeView::Node f = root["f"];
  REQUIRE(f.IsSequence());
  std::vector<std::string> items;
  for (const auto& item : f) items.push_back(item.as<std::string>());
  CHECK(items == std::vector<std::string>{"x", "y", "z"});
  CHECK(f[2].as<std::string>() == "z");
  std::vector<std::string> keys;
  for (const auto& kv : root) keys.push_back(kv.first.as<std::string>());
  CHECK(keys.size() == 13);
  CHECK(keys[8] == "a");
  CHECK(root["g"]["k"].as<std::string>() == "v");
  CHECK_THROWS_AS(TreeView(form.substr(0, form.size() - 1)), TreeViewFallback);
  CHECK_THROWS_AS(TreeView(form + "N"), TreeViewFallback);
}

// ---- the flat tables (aliases by text, units by spelling) against plain maps

TEST_CASE("the flat alias table finds exactly the wordings a plain map of them holds") {
  // The built-in catalogue, and a generated one whose ~3,000 aliases make the
  // table grow many times and share hash slots.
  std::vector<std::shared_ptr<const Catalogue>> cats = {builtin()};
  std::string text = "indicators:\n";
  plancmp_test::Lcg rng{4242};
  const std::u32string han = U"水气土率排放浓度达标城市县污量";
  for (int i = 0; i < 30; ++i) {
    text += "  - id: gen_" + std::to_string(i) + "\n    name: 指标" + std::to_string(i) +
            "号\n    category: air\n    unit: '%'\n    better: higher\n    aliases: [";
    for (int k = 0; k < 100; ++k) {
      std::u32string a;
      for (unsigned n = 1 + rng.next(4); n > 0; --n) a += han[rng.next(static_cast<unsigned>(han.size()))];
      text += (k ? ", " : "") + utf8::encode(a) + std::to_string(i * 100 + k);
    }
    text += "]\n";
  }
  cats.push_back(Catalogue::from_text(text, "gen/indicators.yaml"));
  for (const auto& cat : cats) {
    // The plain map: normalized wording -> its indicator (the first keeps it).
    std::map<std::string, const plancmp::Indicator*> plain;
    std::vector<std::string> probes;
    for (const auto& ind : cat->indicators()) {
      probes.push_back(ind.name);
      probes.insert(probes.end(), ind.aliases.begin(), ind.aliases.end());
      plain.emplace(cat->normalize(ind.name), &ind);
      for (const auto& a : ind.aliases) plain.emplace(cat->normalize(a), &ind);
    }
    const std::size_t wordings = probes.size();
    for (std::size_t k = 0; k < wordings; ++k) {
      const std::u32string u = utf8::decode(probes[k]);
      if (u.size() > 1) probes.push_back(utf8::encode(u.substr(1)));
      probes.push_back(probes[k] + "率");
      probes.push_back("全市" + probes[k]);
    }
    for (const std::string& p : generated_phrases(500)) probes.push_back(p);
    std::size_t found = 0;
    for (const std::string& p : probes) {
      CAPTURE(p);
      auto it = plain.find(cat->normalize(p));
      const plancmp::Indicator* want = it == plain.end() ? nullptr : it->second;
      const plancmp::Indicator* got = cat->find(p);
      // find() takes an id first; no probe here is one.
      CHECK(got == want);
      found += got != nullptr;
    }
    CHECK(found >= wordings);  // every wording, and some of the variants
  }
  // A wording of two indicators is still refused.
  const std::string twice =
      "indicators:\n  - id: a_ratio\n    name: 某比例\n    category: air\n    unit: '%'\n    better: higher\n"
      "  - id: b_ratio\n    name: 他比例\n    category: air\n    unit: '%'\n    better: higher\n"
      "    aliases: [某 比例]\n";
  CHECK_THROWS_WITH_AS(Catalogue::from_text(twice, "g/indicators.yaml"), doctest::Contains("already belongs to `a_ratio`"),
                       plancmp::InputError);
}
