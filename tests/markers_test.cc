// The structure stage's fast paths held against plain ones: LeadingAtoms
// (a place RE2 would match at is never turned down), find_markers (the same
// matches as RE2 tried at every place), numeral_readings (the same numbers
// as numeral_fragment_fits one by one) and RunningBest (the same bests as a
// full recompute) and ByteSetScanner (every byte of its set, each way it scans).
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "markers.h"
#include "plancmp/grammar.h"
#include "plancmp/normalize.h"
#include "structure_scan.h"
#include "utf8_util.h"

using namespace plancmp;

namespace {

// A small deterministic generator (the same texts on every run).
struct Random {
  std::uint64_t state;
  std::size_t below(std::size_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>((state >> 33) % n);
  }
};

std::string random_text(Random& rng, const std::vector<std::string>& pieces, std::size_t max_pieces) {
  std::string text;
  for (std::size_t n = rng.below(max_pieces + 1); n > 0; --n) text += pieces[rng.below(pieces.size())];
  return text;
}

// Plan-like pieces: markers whole and damaged, boundaries, numbers, words.
const std::vector<std::string> kPlanPieces = {
    "一、", "二、", "十二、", "、", "(一)", "(二十", "三十六)", "十)", ")", "(", "(-)", "()", "(—)",
    "1.", "2 .", "12、", "H .", "l.", "|.", "I .", "(1)", "(12)", "①", "⑳", "。", "\n", ";", ":",
    "!", "?", "”", "〕", "】", "市生态环境局", "总体要求", "2025年", "PM2.5", "VOCs", "9持续", "30%",
    " ", "一", "十", "二十", "0", "9", ".", "号", "加强", "\xFF", "\xE4\xB8", "按职责分工负责"};

}  // namespace

TEST_CASE("LeadingAtoms never turns down a place where RE2 matches, and bounds the match") {
  std::vector<std::string> patterns = {
      R"((?P<num>[一二三四五六七八九十]{1,3})、(?P<body>[^一二三四五六七八九十、]))",
      R"(\((?P<num>[一二三四五六七八九十]{1,4})\))",
      R"(\((?P<num>[-—–]?)\))",
      R"((?P<num>[0-9HlI|]{1,3}) ?[.、](?P<body>[^0-9%.]))",
      R"((?P<num>[0-9]{1,2})(?P<body>[^\P{Han}年月日号]))",
      R"(a|b)", R"((?:ab|cd)e)", R"((ab)?c)", R"(x(ab)*c)", R"([a-c]+d?e{2,3})", R"([]a]b)",
      R"([a-]c)", R"([^\n]x)", R"(\.\*)", R"((?i)abc)", R"(a{2}b)", R"(ab{0}c)", R"([\d]x)",
      R"(\pN+x)", R"(.a)", R"(^ab)", R"(a$)", R"(\Qa.b\E)", R"((?P<x>a(?P<y>b))c)", R"(、)", R"(\))",
      R"([①-⑳])", R"(a*b*c*d*e*x*)", R"(a{1,9}b)", R"((a)(b)(c)(d)(e)(x)(1)(2)(9))", R"([a-e]{0,3}?x)",
      R"((?:a)b(?:c(?:d))e)", R"(\t\n\r)", R"([\-\]])", R"(一{2,}二)", R"([\p{Han}a]b)", R"(x[^\P{Han}一]{1,2})",
      R"([^\p{Han}]x)", R"([\P{Han}]x)", R"((?P<n>[0-9])[^\P{Han}年]?[、.])"};
  for (const MarkerRule& rule : Grammar::builtin()->impl().markers) patterns.push_back(rule.re->pattern());
  const std::vector<std::string> pieces = {"a", "b", "c", "d", "e", "x", "1", "2", "9", "(", ")", "一",
                                           "二", "十", "、", "。", "\n", " ", ".", "*", "-", "—", "H",
                                           "|", "]", "①", "⑳", "年", "总", "\t", "\xFF", "\xE4\xB8",
                                           "é", "，", "—"};
  Random rng{42};
  std::size_t turned_down = 0;
  for (const std::string& pattern : patterns) {
    CAPTURE(pattern);
    const RE2 re(pattern);
    REQUIRE(re.ok());
    const LeadingAtoms atoms(re);
    for (int round = 0; round < 300; ++round) {
      const std::string text = random_text(rng, round % 2 ? pieces : kPlanPieces, 12);
      CAPTURE(text);
      for (std::size_t p = 0; p <= text.size(); ++p) {
        re2::StringPiece match;
        const bool matches = re.Match(text, p, text.size(), RE2::ANCHOR_START, &match, 1);
        const bool may = atoms.may_start_at(text, p);
        turned_down += !may;
        if (!matches) continue;
        CHECK(may);
        if (atoms.max_match_bytes() > 0) CHECK(match.size() <= atoms.max_match_bytes());
        if (!match.empty()) CHECK(atoms.first_bytes()[static_cast<unsigned char>(text[p])]);
      }
    }
  }
  CHECK(turned_down > 0);
}

TEST_CASE("LeadingAtoms reads what it can follow and gives up on the rest") {
  auto atoms_of = [](const char* pattern) { return LeadingAtoms(RE2(pattern)).size(); };
  CHECK(atoms_of(R"((?P<num>[一二三]{1,3})、(?P<body>[^一二三、]))") == 3);
  CHECK(atoms_of("a|b") == 0);          // alternation at the top: nothing is sure
  CHECK(atoms_of("x(?:ab|cd)e") == 1);  // up to the group that alternates
  CHECK(atoms_of("x(ab)?c") == 1);      // or repeats
  CHECK(atoms_of(R"(a\pN)") == 1);      // Unicode classes are not followed
  // but Han, as the non-ASCII characters (a class that holds it)
  CHECK(atoms_of(R"((?P<num>[0-9]{1,2})(?P<body>[^\P{Han}年月日号]))") == 2);
  CHECK(LeadingAtoms(RE2(R"((?P<num>[0-9]{1,2})(?P<body>[^\P{Han}年月]))")).max_match_bytes() == 4 * 3);
  CHECK(atoms_of(R"([^\p{Han}]x)") == 0);
  CHECK(atoms_of(R"([\P{Han}]x)") == 0);
  CHECK(atoms_of("(?i)abc") == 0);      // nor flags
  RE2::Options fold;
  fold.set_case_sensitive(false);
  CHECK(LeadingAtoms(RE2("abc", fold)).size() == 0);
  CHECK(LeadingAtoms(RE2(R"(\((?P<n>[0-9]{1,3})\))")).max_match_bytes() == 4 * 5);
  CHECK(LeadingAtoms(RE2("a+b")).max_match_bytes() == 0);  // unbounded
  CHECK(LeadingAtoms(RE2(R"(a\pN)")).max_match_bytes() == 0);  // not read whole
}

namespace {

// find_markers as it was before its shortcuts: RE2 tried at every place a
// rule's position allows (rules that may match anywhere: at every byte past
// the first character of their match before).
char32_t char_before(std::string_view text, std::size_t pos) {
  if (pos == 0) return U'\n';
  std::size_t start = pos - 1;
  while (start > 0 && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80) --start;
  return utf8::next(text, start);
}

bool boundary_char(char32_t c) {
  return std::u32string_view(U"\n。;!?:)〕】”").find(c) != std::u32string_view::npos;
}

bool allowed(const MarkerRule& rule, std::string_view text, std::size_t pos) {
  const char32_t before = char_before(text, pos);
  switch (rule.position) {
    case MarkerPosition::kLineStart: return before == U'\n';
    case MarkerPosition::kBoundary: return boundary_char(before);
    default: return !(before < 0x80 && std::isalnum(static_cast<unsigned char>(before)));
  }
}

std::optional<MarkerMatch> match_here(const Grammar::Impl& g, const MarkerRule& rule, std::string_view text,
                                      std::size_t pos, bool* matched) {
  const int groups = rule.re->NumberOfCapturingGroups() + 1;
  std::vector<re2::StringPiece> sub(static_cast<std::size_t>(groups));
  *matched = rule.re->Match(re2::StringPiece(text.data(), text.size()), pos, text.size(), RE2::ANCHOR_START,
                            sub.data(), groups);
  if (!*matched) return std::nullopt;
  const auto& names = rule.re->NamedCapturingGroups();
  auto group = [&](const char* name) -> re2::StringPiece {
    auto it = names.find(name);
    return it == names.end() ? re2::StringPiece() : sub[static_cast<std::size_t>(it->second)];
  };
  MarkerMatch m;
  m.rule = &rule;
  m.begin = pos;
  m.body = static_cast<std::size_t>(sub[0].data() - text.data()) + sub[0].size();
  if (group("body").data()) m.body = static_cast<std::size_t>(group("body").data() - text.data());
  if (const re2::StringPiece num = group("num"); num.data()) {
    std::string s(num.data(), num.size());
    for (const auto& [from, to] : g.confusables)
      for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
    m.misread = s != std::string(num.data(), num.size());
    m.number_text = s;
  }
  m.printed = std::string(text.substr(pos, m.body - pos));
  while (!m.printed.empty() && m.printed.back() == ' ') m.printed.pop_back();
  const std::string& d = m.number_text;
  if (!d.empty()) {
    if (rule.numeral == NumeralKind::kArabic && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; }))
      m.value = std::stoi(d);
    if (rule.numeral == NumeralKind::kChinese) m.value = parse_chinese_numeral(d);
    if (rule.numeral == NumeralKind::kCircled) {
      std::size_t i = 0;
      const char32_t c = utf8::next(d, i);
      if (c >= U'①' && c <= U'⑳') m.value = static_cast<int>(c - U'①') + 1;
    }
  }
  m.at_boundary = boundary_char(char_before(text, pos));
  if (rule.numeral != NumeralKind::kNone && !m.number_text.empty() && !m.value) return std::nullopt;
  return m;
}

std::vector<MarkerMatch> plain_find_markers(const Grammar::Impl& g, std::string_view text) {
  std::vector<MarkerMatch> found;
  for (const MarkerRule& rule : g.markers) {
    const bool anywhere =
        rule.position == MarkerPosition::kAnywhere || rule.position == MarkerPosition::kBoundaryPreferred;
    std::size_t resume = 0;
    for (std::size_t p = 0; p <= text.size(); ++p) {
      if (anywhere ? p < resume : !allowed(rule, text, p)) continue;
      // (No built-in pattern starts inside a character: a refused place is passed over.)
      const bool ok = allowed(rule, text, p);
      if (!ok) continue;
      bool matched = false;
      auto m = match_here(g, rule, text, p, &matched);
      if (m) found.push_back(*m);
      if (matched && anywhere) {
        resume = p;
        if (p < text.size()) utf8::next(text, resume);
        else resume = p + 1;
      }
    }
  }
  std::stable_sort(found.begin(), found.end(), [](const MarkerMatch& a, const MarkerMatch& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.rule->level != b.rule->level) return a.rule->level < b.rule->level;
    return a.rule->weight > b.rule->weight;
  });
  std::vector<MarkerMatch> kept;
  for (auto& m : found)
    if (kept.empty() || kept.back().begin != m.begin || kept.back().rule->level != m.rule->level)
      kept.push_back(m);
  return kept;
}

void check_same_markers(const Grammar::Impl& g, std::string_view text) {
  const std::vector<MarkerMatch> fast = find_markers(g, text), plain = plain_find_markers(g, text);
  REQUIRE(fast.size() == plain.size());
  for (std::size_t i = 0; i < fast.size(); ++i) {
    CAPTURE(i);
    CHECK(fast[i].rule == plain[i].rule);
    CHECK(fast[i].begin == plain[i].begin);
    CHECK(fast[i].body == plain[i].body);
    CHECK(fast[i].printed == plain[i].printed);
    CHECK(fast[i].number_text == plain[i].number_text);
    CHECK(fast[i].value == plain[i].value);
    CHECK(fast[i].at_boundary == plain[i].at_boundary);
    CHECK(fast[i].misread == plain[i].misread);
  }
}

}  // namespace

TEST_CASE("find_markers finds what RE2 tried at every allowed place finds") {
  const Grammar::Impl& g = Grammar::builtin()->impl();
  Random rng{7};
  for (int round = 0; round < 400; ++round) {
    const std::string text = random_text(rng, kPlanPieces, 40);
    CAPTURE(text);
    check_same_markers(g, text);
  }
  for (const char* name : {"ankang-2023.txt", "maanshan-2023.txt"}) {
    std::ifstream in(std::string(PLANCMP_SOURCE_DIR) + "/corpus/" + name, std::ios::binary);
    std::stringstream source;
    source << in.rdbuf();
    CAPTURE(name);
    check_same_markers(g, NormalizedText::build(source.str()).text());
  }
}

TEST_CASE("find_markers tries rules past the 64th of a kind one by one, as RE2 at every place would") {
  // The built-in marker rules 25 times over (ids and weights changed): more than 64
  // rules both of those tried anywhere and of those tried at their places,
  // past what the scan's bit tables hold.
  std::ifstream in(std::string(PLANCMP_SOURCE_DIR) + "/grammars/numbering.yaml", std::ios::binary);
  std::stringstream source;
  source << in.rdbuf();
  const std::string yaml = source.str();
  const std::size_t list = yaml.find("\nmarkers:\n");
  REQUIRE(list != std::string::npos);
  const std::size_t rules_at = list + std::string("\nmarkers:\n").size();
  std::string text = yaml.substr(0, rules_at);
  for (int copy = 0; copy < 25; ++copy) {
    std::string rules = yaml.substr(rules_at);
    const std::string id = "  - id: ";
    for (std::size_t at = rules.find(id); at != std::string::npos; at = rules.find(id, at + id.size()))
      rules.insert(at + id.size(), "copy" + std::to_string(copy) + "-");
    // Each copy weighs more than the one before ("weight: 3" -> "weight: 73"
    // in copy 7): at a place the last copy of a rule that matches is kept,
    // not the first.
    const std::string weight = "    weight: ";
    for (std::size_t at = rules.find(weight); at != std::string::npos; at = rules.find(weight, at + weight.size()))
      rules.insert(at + weight.size(), std::to_string(copy));
    text += rules + "\n";
  }
  const auto grammar = Grammar::from_files({{"numbering.yaml", text}}, "many");
  const Grammar::Impl& g = grammar->impl();
  REQUIRE(g.markers.size() > 200);
  Random rng{17};
  for (int round = 0; round < 60; ++round) {
    const std::string sample = random_text(rng, kPlanPieces, 40);
    CAPTURE(sample);
    check_same_markers(g, sample);
  }
}

TEST_CASE("numeral_readings and shared_numeral_readings give the numbers numeral_fragment_fits allows, one by one") {
  std::vector<MarkerRule> rules;
  for (NumeralKind numeral : {NumeralKind::kChinese, NumeralKind::kArabic, NumeralKind::kCircled})
    for (Fragment fragment : {Fragment::kExact, Fragment::kPrefix, Fragment::kSuffix}) {
      MarkerRule rule;
      rule.numeral = numeral;
      rule.fragment = fragment;
      rules.push_back(std::move(rule));
    }
  std::vector<std::string> prints = {"", "H", "一百二十三四", "0", "00", "十十", "九十九", "一千", "1000",
                                     "10000", "123456789", "①"};
  for (int v = 1; v <= 130; ++v) {
    for (const std::string& form : {chinese_numeral(v), std::to_string(v)}) {
      prints.push_back(form);
      for (std::size_t k = 1; k < form.size(); ++k) {  // byte fragments, whole characters or not
        prints.push_back(form.substr(0, k));
        prints.push_back(form.substr(k));
      }
    }
  }
  for (const MarkerRule& rule : rules) {
    for (const std::string& print : prints) {
      MarkerMatch m;
      m.rule = &rule;
      m.number_text = print;
      if (rule.numeral == NumeralKind::kChinese) m.value = parse_chinese_numeral(print);
      else if (!print.empty() && print.size() < 9 && std::all_of(print.begin(), print.end(), [](char c) { return c >= '0' && c <= '9'; }))
        m.value = std::stoi(print);
      for (int max_value : {1, 12, 120, 999, 1000, 1030}) {
        std::vector<int> plain;
        for (int v = 1; v <= max_value; ++v)
          if (numeral_fragment_fits(m, v)) plain.push_back(v);
        CAPTURE(print);
        CAPTURE(max_value);
        CHECK(numeral_readings(m, max_value) == plain);
        // The shared readings, worked out or kept from before (the circled
        // rules read the Arabic forms' texts without a value: the key holds it).
        CHECK(*shared_numeral_readings(m, max_value) == plain);
        CHECK(*shared_numeral_readings(m, max_value) == plain);
      }
    }
  }
}

TEST_CASE("shared_numeral_readings keeps apart prints that differ only in their value") {
  // A circled rule reads "①" as 1, an Arabic one reads it as nothing: both
  // use the Arabic forms, so the kept readings must be told apart by value.
  for (Fragment fragment : {Fragment::kExact, Fragment::kPrefix, Fragment::kSuffix}) {
    MarkerRule circled, arabic;
    circled.numeral = NumeralKind::kCircled;
    arabic.numeral = NumeralKind::kArabic;
    circled.fragment = arabic.fragment = fragment;
    for (const std::string print : {"①", "1", "12"}) {
      for (int round = 0; round < 2; ++round) {
        for (const MarkerRule* rule : {&circled, &arabic}) {
          for (const std::optional<int> value : {std::optional<int>(), std::optional<int>(1), std::optional<int>(12)}) {
            MarkerMatch m;
            m.rule = rule;
            m.number_text = print;
            m.value = value;
            CAPTURE(print);
            CHECK(*shared_numeral_readings(m, 120) == numeral_readings(m, 120));
          }
        }
      }
    }
  }
}

TEST_CASE("RunningBest keeps the bests a full recompute gives, first number on ties") {
  Random rng{11};
  for (int round = 0; round < 200; ++round) {
    const std::size_t size = 2 + rng.below(150);
    RunningBest best(size);
    std::vector<double> reach(size, -std::numeric_limits<double>::infinity());
    for (int batch = 0; batch < 40; ++batch) {
      // A few numbers (in increasing order), or every one, each raised.
      const bool every = rng.below(8) == 0;
      for (std::size_t u = 1 + rng.below(size - 1); u < size; u += every ? 1 : 1 + rng.below(20)) {
        const double higher = reach[u] + 1 + static_cast<double>(rng.below(6));  // small steps: many ties
        const double r = reach[u] == -std::numeric_limits<double>::infinity()
                             ? static_cast<double>(rng.below(10)) * 1.5 - 6 : higher;
        reach[u] = r;
        best.raise(u, r);
      }
      best.settle();
      std::vector<double> running(size, -std::numeric_limits<double>::infinity());
      std::vector<int> from(size, -1);
      for (std::size_t k = 1; k < size; ++k) {
        running[k] = running[k - 1];
        from[k] = from[k - 1];
        if (reach[k] > running[k]) {
          running[k] = reach[k];
          from[k] = static_cast<int>(k);
        }
      }
      // Asked about a few numbers in any order (the bests are worked out
      // lazily), or about every one in turn.
      const bool all = rng.below(3) == 0;
      for (std::size_t q = 0; q < (all ? size - 1 : 4); ++q) {
        const std::size_t k = all ? q + 1 : 1 + rng.below(size - 1);
        CAPTURE(k);
        CHECK(best.best(k) == running[k]);
        CHECK(best.from(k) == from[k]);
      }
    }
  }
}

TEST_CASE("ByteSetScanner finds every byte of its set, in order, whichever way it scans") {
  Random rng{99};
  std::size_t nibble_sets = 0;
  for (int round = 0; round < 200; ++round) {
    ByteSet set{};
    // A few bytes, or a few ranges (sets of more than eight nibble rows are scanned byte by byte).
    for (std::size_t n = rng.below(round % 3 == 0 ? 40 : 8); n > 0; --n) {
      const std::size_t b = rng.below(256), len = rng.below(4) == 0 ? rng.below(40) : 0;
      for (std::size_t k = b; k <= std::min<std::size_t>(255, b + len); ++k) set[k] = true;
    }
    const ByteSetScanner scanner(set);
    nibble_sets += scanner.nibble_test();
    std::string text;
    const std::size_t size = rng.below(3) == 0 ? 4096 * 2 + rng.below(200) : rng.below(300);
    for (std::size_t i = 0; i < size; ++i)
      text.push_back(static_cast<char>(rng.below(4) == 0 ? rng.below(256) : "ab(1\n\xE3\xE4"[rng.below(7)]));
    std::vector<std::size_t> want;
    for (std::size_t i = 0; i < text.size(); ++i)
      if (set[static_cast<unsigned char>(text[i])]) want.push_back(i);
    for (auto way : {ByteSetScanner::Way::kWidest, ByteSetScanner::Way::kSixteen, ByteSetScanner::Way::kBytes}) {
      std::vector<std::size_t> got;
      scanner.for_each(text, [&](std::size_t i) { got.push_back(i); }, way);
      CHECK(got == want);
    }
  }
  CHECK(nibble_sets > 50);
  CHECK(nibble_sets < 200);
}

TEST_CASE("find_markers' opening test agrees with RE2 for literal openings of every length") {
  // Openings of 1 to 9 bytes (the range test reads up to 7 of them and the
  // next byte as one eight-byte word; longer ones, and places near the end of
  // a text, take the plain compare), at every position kind.
  const std::string yaml = R"(markers:
  - id: a.one
    level: 1
    pattern: '#(?P<num>[0-9]{1,2})'
    numeral: arabic
    at: anywhere
  - id: a.three
    level: 2
    pattern: '第(?P<num>[一二三四五六七八九十]{1,3})章'
    numeral: chinese
    at: boundary_preferred
  - id: a.six
    level: 3
    pattern: '附件(?P<num>[0-9]{1,2})'
    numeral: arabic
    at: anywhere
  - id: a.seven
    level: 4
    pattern: 'ABCDEFG(?P<num>[0-9])'
    numeral: arabic
    at: boundary
  - id: a.eight
    level: 5
    pattern: 'ABCDEFGH(?P<num>[0-9])'
    numeral: arabic
    at: anywhere
  - id: a.nine
    level: 6
    pattern: '项目ABC(?P<num>[0-9])'
    numeral: arabic
    at: line_start
  - id: a.bare
    level: 7
    pattern: 'XYZ'
    numeral: none
    at: anywhere
)";
  const auto grammar = Grammar::from_files({{"numbering.yaml", yaml}}, "openings");
  const Grammar::Impl& g = grammar->impl();
  REQUIRE(g.markers.size() == 7);
  const std::vector<std::string> pieces = {
      "#", "#1", "#12", "第", "第三章", "第十二", "章", "附件", "附件3", "附", "件", "ABCDEFG", "ABCDEFG5",
      "ABCDEFGH", "ABCDEFGH7", "ABCDEF", "项目ABC", "项目ABC9", "项目AB", "XYZ", "XY", "。", "\n", ";", "A",
      "B", "C", "1", "9", "三", "\xFF", "\xE9\xA1", " "};
  Random rng{23};
  for (int round = 0; round < 400; ++round) {
    const std::string text = random_text(rng, pieces, round % 4 ? 30 : 4);
    CAPTURE(text);
    check_same_markers(g, text);
  }
}
