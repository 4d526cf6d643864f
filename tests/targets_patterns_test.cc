// The target extractor's readings of pattern text (src/targets_patterns.h):
// what they claim of a pattern must hold of every match RE2 finds.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <iterator>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cpu_features.h"
#include "grammar_internal.h"
#include "plancmp/grammar.h"
#include "plancmp/normalize.h"
#include "targets_patterns.h"
#include "test_support.h"
#include "utf8_util.h"

using namespace plancmp;

namespace {

// Every pattern of the built-in grammars.
std::vector<const RE2*> grammar_patterns() {
  const Grammar::Impl& g = Grammar::builtin()->impl();
  std::vector<const RE2*> out;
  for (const auto& [file, rf] : g.files)
    for (const auto& [name, rs] : rf.sets)
      for (const PatternRule& r : rs.rules) out.push_back(r.re.get());
  for (const MarkerRule& m : g.markers) out.push_back(m.re.get());
  return out;
}

// Texts to match in: the corpus, normalized, and text made of the patterns'
// own characters (so that rare rules match too).
std::vector<std::string> sample_texts(const std::vector<const RE2*>& patterns) {
  std::vector<std::string> texts;
  for (const auto& entry : std::filesystem::directory_iterator(PLANCMP_SOURCE_DIR "/corpus")) {
    // A part of each plan: every start position of it is tried.
    std::string text = NormalizedText::build(plancmp_test::slurp(entry.path())).text();
    std::size_t cut = std::min<std::size_t>(text.size(), 6000);
    while (cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) ++cut;
    texts.push_back(text.substr(0, cut));
  }
  std::vector<std::string> pieces = {"\n", " ", ",", "。", "2025", "1.5", "%", "Ⅲ", "(", ")", "a", "Z"};
  for (const RE2* re : patterns) {
    const std::string& p = re->pattern();
    for (std::size_t i = 0; i < p.size();) {
      const std::size_t start = i;
      utf8::next(p, i);
      pieces.push_back(p.substr(start, i - start));
    }
  }
  plancmp_test::Lcg rng{7};
  for (int t = 0; t < 40; ++t) {
    std::string s;
    for (int k = 0; k < 400; ++k) s += pieces[rng.next(static_cast<unsigned>(pieces.size()))];
    texts.push_back(s);
  }
  return texts;
}

// Calls found(text, at, match) for RE2's match anchored at each character
// start of each text (one match a start).
template <class Found>
void for_each_anchored_match(const RE2& re, const std::vector<std::string>& texts, Found&& found) {
  for (const std::string& text : texts) {
    const re2::StringPiece input(text);
    re2::StringPiece m;
    for (std::size_t at = 0; at < text.size();) {
      std::size_t next = at;
      utf8::next(text, next);
      if (re.Match(input, at, text.size(), RE2::ANCHOR_START, &m, 1)) found(text, at, std::string(m.data(), m.size()));
      at = next;
    }
  }
}

// Checks what pattern_chars says of `re` against RE2's match at each start
// position of each text (anchored there: one match a start).
void check_chars(const RE2& re, const PatternChars& pc, const std::vector<std::string>& texts, int& matches) {
  for_each_anchored_match(re, texts, [&](const std::string&, std::size_t, const std::string& match) {
    ++matches;
    CAPTURE(match);
    if (match.empty()) CHECK(pc.nullable);
    // The prefix opens every match; an exact one is the match.
    CHECK(match.compare(0, pc.prefix.size(), pc.prefix) == 0);
    if (pc.exact) CHECK(match == pc.prefix);
    bool holds_required = false;
    for (std::size_t i = 0; i < match.size();) {
      const bool first = i == 0;
      const char32_t c = utf8::next(match, i);
      CHECK(pc.alphabet.contains(c));
      if (first) CHECK(pc.first.contains(c));
      holds_required = holds_required || (pc.required && pc.required->contains(c));
    }
    if (pc.required) CHECK(holds_required);
  });
}

}  // namespace

TEST_CASE("pattern_chars: the characters of every grammar rule's matches are in its alphabet") {
  const std::vector<const RE2*> patterns = grammar_patterns();
  const std::vector<std::string> texts = sample_texts(patterns);
  int read = 0, matches = 0;
  for (const RE2* re : patterns) {
    const std::optional<PatternChars> pc = pattern_chars(*re);
    if (!pc) continue;
    ++read;
    const std::string pattern = re->pattern();
    CAPTURE(pattern);
    check_chars(*re, *pc, texts, matches);
  }
  CHECK(read > 20);        // most of the grammar is read
  CHECK(matches > 1000);   // and the check saw matches
}

// StartTest's literal and first-byte range, read from the pattern text (or
// from RE2's PossibleMatchRange when the reading gives up): every match must
// start where next() stops, and the literal must agree with RE2's reading of
// the range (one a prefix of the other: both open every match).
TEST_CASE("StartTest: every match starts where next() stops; the literal agrees with PossibleMatchRange") {
  std::vector<const RE2*> patterns = grammar_patterns();
  std::vector<std::unique_ptr<RE2>> own;
  for (const char* p : {"每立方米\\d+", "百分之[一二]", "(?:ab|ac)d", "(?:国家|国际)标准", "a{3}x", "x+y", "(?:森林|)覆盖",
                        "(?i:pm)2", "号\\d", "[〔\\[(](?:19|20)\\d\\d", "\\d+(?:万|亿)?吨", "《[^》]{0,9}》", "(?:)ab",
                        "(?:a|b)(?:c|d)", "第[一二三]条", "ab?c", "\\x{4E00}\\x41", "[a]b[c]"})
    patterns.push_back(own.emplace_back(std::make_unique<RE2>(p)).get());
  const std::vector<std::string> texts = sample_texts(patterns);
  int matches = 0, read = 0, longer = 0;
  for (const RE2* re : patterns) {
    const std::string pattern = re->pattern();
    CAPTURE(pattern);
    const StartTest test(*re);
    std::string min, max;
    if (pattern_context_free(pattern) && !RE2::FullMatch("", *re) && re->PossibleMatchRange(&min, &max, 6) &&
        !min.empty()) {
      std::size_t common = 0;
      while (common < min.size() && common < max.size() && min[common] == max[common]) ++common;
      const std::string theirs = min.substr(0, common);
      const std::string& ours = test.literal;
      CAPTURE(theirs);
      CAPTURE(ours);
      CHECK((theirs.compare(0, ours.size(), ours) == 0 || ours.compare(0, theirs.size(), theirs) == 0));
      longer += ours.size() > theirs.size();
      // RE2's first-byte range holds the reading's.
      CHECK(test.lo <= static_cast<unsigned char>(min[0]));
      if (!max.empty()) CHECK(test.hi >= static_cast<unsigned char>(max[0]));
    }
    read += pattern_chars(*re).has_value();
    for_each_anchored_match(*re, texts, [&](const std::string& text, std::size_t at, const std::string& match) {
      if (match.empty()) return;
      ++matches;
      CHECK(test.next(text, at, text.size()) == at);
    });
  }
  CHECK(read > 30);
  CHECK(matches > 1000);
  CHECK(longer > 3);  // the reading finds longer literals than RE2's six bytes
}

TEST_CASE("pattern_chars: hand-made patterns, read or refused") {
  struct Case {
    const char* pattern;
    bool read;
    const char* in;   // characters that must be in the alphabet
    const char* out;  // characters that must not
  };
  const Case cases[] = {
      {R"(\d+G)", true, "0123456789G", "gH"},
      {R"((?i:PM)\s?\d+)", true, "pPmM \n\t09", "qN"},
      {R"([〔\[(]?(?:19|20)\d\d[〕\])]\s?\d+号)", true, "〔[(〕])号 \n", "《{"},
      {R"(《[^》]{0,80}》)", true, "《》森\n", ""},  // a negated class: any character
      {R"(a.b)", true, "ab森\t", ""},
      {R"(\pN)", true, "1一Ⅲ", ""},
      {R"(\D)", true, "a森", ""},
      {R"(\p{Han}+)", true, "森林", "a1"},
      {R"(\123)", false, "", ""},
      {R"((?i)k)", true, "kK\u212A", "j"},
      {R"((?i)ſ)", false, "", ""},           // folding outside ASCII/CJK is not followed
      {R"((?i:国)六)", true, "国六", "七"},
      {R"([a-c\-x]|\x{4E00}|\x41)", true, "abc-x一A", "d"},
      {R"([]a])", true, "]a", "b"},
      {R"(a{2,3}|b{,2})", true, "ab{,2}", "3"},  // {,2} is literal text to RE2
      {R"(\Qa.b\E)", false, "", ""},
      {R"(\bfoo\b)", true, "fo", "x"},
      {R"((?P<n>x)|(?:y)|(?-i:z))", true, "xyz", "n"},
      {R"([[:digit:]])", false, "", ""},
  };
  for (const Case& c : cases) {
    const std::string pattern = c.pattern;
    CAPTURE(pattern);
    const RE2 re(c.pattern);
    REQUIRE(re.ok());
    const std::optional<PatternChars> pc = pattern_chars(re);
    CHECK(pc.has_value() == c.read);
    if (!pc) continue;
    for (std::string_view in = c.in; !in.empty();) {
      std::size_t i = 0;
      const char32_t ch = utf8::next(in, i);
      CHECK(pc->alphabet.contains(ch));
      in.remove_prefix(i);
    }
    for (std::string_view out = c.out; !out.empty();) {
      std::size_t i = 0;
      const char32_t ch = utf8::next(out, i);
      CHECK(!pc->alphabet.contains(ch));
      out.remove_prefix(i);
    }
  }
  // First characters and empty matches.
  const RE2 lead(R"(^(?:到|至)?(?:19|20)\d\d年)");
  const auto pc = pattern_chars(lead);
  REQUIRE(pc);
  CHECK(!pc->nullable);
  CHECK(pc->first.contains(U'到'));
  CHECK(pc->first.contains(U'1'));
  CHECK(!pc->first.contains(U'9'));
  CHECK(!pc->first.contains(U'年'));
  const auto opt = pattern_chars(RE2("a?b*"));
  REQUIRE(opt);
  CHECK(opt->nullable);
  CHECK(!opt->required);
  // Required characters: the cheaper of a sequence's parts, all of an alternation's.
  const auto doc_number = pattern_chars(RE2(R"([〔\[(]?(?:19|20)\d\d[〕\])]\s?\d+号|x+)"));
  REQUIRE(doc_number);
  REQUIRE(doc_number->required);
  CHECK(doc_number->required->contains(U'号'));
  CHECK(doc_number->required->contains(U'x'));
  CHECK(!doc_number->required->contains(U'2'));
  CHECK(!pattern_chars(RE2("a|b?"))->required);
  // Options the reading does not follow.
  RE2::Options latin1;
  latin1.set_encoding(RE2::Options::EncodingLatin1);
  CHECK(!pattern_chars(RE2("abc", latin1)));
  RE2::Options fold;
  fold.set_case_sensitive(false);
  const auto folded = pattern_chars(RE2("ab", fold));
  REQUIRE(folded);
  CHECK(folded->alphabet.contains(U'B'));
}

TEST_CASE("find_byte_in_range: the first byte in a range, as a plain loop finds it") {
  plancmp_test::Lcg rng{13};
  std::string text;
  for (int k = 0; k < 300; ++k) text += static_cast<char>(rng.next(256));
  for (int lo = 0; lo < 256; lo += 7)
    for (int hi = lo; hi < 256; hi += 11)
      for (std::size_t from = 0; from < text.size(); from += 37)
        for (std::size_t end : {from, from + 1, from + 15, from + 16, from + 17, from + 40, text.size()}) {
          end = std::min(end, text.size());
          const auto l = static_cast<unsigned char>(lo), h = static_cast<unsigned char>(hi);
          std::size_t want = from;
          while (want < end && (static_cast<unsigned char>(text[want]) < l || static_cast<unsigned char>(text[want]) > h))
            ++want;
          CHECK(find_byte_in_range(text, from, end, l, h) == want);
        }
}

TEST_CASE("find_literal: where std::string_view::find finds it") {
  const std::string text = "《规划》和《方案》,《《》》abc《x";
  for (const std::string literal : {"《", "》", "《《", "abc", "c", "x", "《x", "zz", ""})
    for (std::size_t from = 0; from <= text.size() + 1; ++from) {
      CAPTURE(literal);
      CAPTURE(from);
      CHECK(find_literal(text, literal, from) == std::string_view(text).find(literal, from));
    }
  // Long texts (the sixteen-place steps): literals at every offset of a
  // step, near misses sharing their last bytes, and text ends cutting them.
  std::string filler;
  for (int i = 0; i < 12; ++i) filler += "、号》a";  // 》 shares 《's first two bytes, 号 its last
  for (std::size_t shift = 0; shift < 20; ++shift)
    for (const std::string literal : {"《", "》", "号》", "a", "《x", "zz"}) {
      const std::string long_text = std::string(shift, 'y') + filler + "《方案》" + filler + "《x";
      for (std::size_t cut : {long_text.size(), long_text.size() - 1, long_text.size() - 2, long_text.size() / 2})
        for (std::size_t from = 0; from <= cut + 1; from += 1 + from % 7) {
          const std::string_view view = std::string_view(long_text).substr(0, cut);
          CAPTURE(literal);
          CAPTURE(from);
          CHECK(find_literal(view, literal, from) == view.find(literal, from));
        }
    }
}

TEST_CASE("word_list: lists of literal words are read, anything else refused") {
  auto words = [](const char* p) { return word_list(RE2(p)); };
  const auto cmp = words("(?:不高于|不超过|低于)");
  REQUIRE(cmp);
  CHECK(!cmp->anchored);
  CHECK(cmp->words == std::vector<std::string>{"不高于", "不超过", "低于"});
  const auto qual = words("^(?:及以上|以上)");
  REQUIRE(qual);
  CHECK(qual->anchored);
  CHECK(qual->words.size() == 2);
  CHECK(words("^左右"));
  CHECK(words(R"(a\+b|c)")->words[0] == "a+b");
  for (const char* refused : {"(?:a|b)c", "a|", "a*", "(a|b)", "a.b", "[ab]", "a{2}", R"(\d)", "(?:a|(?:b))", "a$"})
    CHECK_MESSAGE(!words(refused), refused);
  RE2::Options longest;
  longest.set_longest_match(true);
  CHECK(!word_list(RE2("a|ab", longest)));
}

TEST_CASE("WordScanner finds what RE2's scan of each list finds") {
  const Grammar::Impl& g = Grammar::builtin()->impl();
  const RuleSet& cmps = g.rule_set("targets.yaml", "comparators");
  std::vector<WordList> lists;
  std::vector<const RE2*> res;
  for (const PatternRule& r : cmps.rules) {
    auto l = word_list(*r.re);
    REQUIRE(l);  // the built-in comparators are word lists
    lists.push_back(*l);
    res.push_back(r.re.get());
  }
  // Two more lists with words that are prefixes of each other.
  const RE2 prefixes("(?:达|达到|达到或)");
  const RE2 longer("(?:达到或|达到|达)");
  for (const RE2* re : {&prefixes, &longer}) {
    lists.push_back(*word_list(*re));
    res.push_back(re);
  }
  std::vector<const WordList*> ptrs;
  for (const WordList& l : lists) ptrs.push_back(&l);
  const WordScanner scanner(ptrs);
  REQUIRE(scanner.usable());
  std::vector<std::string> pieces = {"达", "到", "或", "不", "高于", "控制", "在", "以", "的", "1", "%", ",", "\xE8", "\x80"};
  for (const WordList& l : lists)
    for (const std::string& w : l.words) pieces.push_back(w);
  plancmp_test::Lcg rng{11};
  for (int t = 0; t < 300; ++t) {
    std::string s;
    for (int k = 0; k < 30; ++k) s += pieces[rng.next(static_cast<unsigned>(pieces.size()))];
    std::vector<std::vector<std::pair<std::size_t, std::size_t>>> got(lists.size()), want(lists.size());
    scanner.scan(s, [&](std::size_t l, std::size_t b, std::size_t e) { got[l].push_back({b, e}); });
    for (std::size_t l = 0; l < lists.size(); ++l) {
      re2::StringPiece m;
      for (std::size_t from = 0; from < s.size() && res[l]->Match(s, from, s.size(), RE2::UNANCHORED, &m, 1);) {
        const auto b = static_cast<std::size_t>(m.data() - s.data());
        want[l].push_back({b, b + m.size()});
        from = b + m.size();
      }
      CAPTURE(s);
      CAPTURE(l);
      CHECK(got[l] == want[l]);
    }
    // Scans taken up at a sync point find what the whole scans find after it.
    for (std::size_t at = 0; at <= s.size(); at += 1 + rng.next(10)) {
      const std::size_t from = scanner.sync_point(s, at);
      CHECK(from <= at);
      std::vector<std::vector<std::pair<std::size_t, std::size_t>>> part(lists.size());
      scanner.scan(s, [&](std::size_t l, std::size_t b, std::size_t e) { part[l].push_back({b, e}); }, from);
      for (std::size_t l = 0; l < lists.size(); ++l) {
        std::vector<std::pair<std::size_t, std::size_t>> after;
        for (const auto& m : got[l])
          if (m.first >= from) after.push_back(m);
        CAPTURE(s);
        CAPTURE(at);
        CHECK(part[l] == after);
      }
    }
  }
}

namespace {

// Every match of `re` in each text (as its scan finds them): the groups read
// by `groups` must be RE2's capture, position for position. Returns the count.
std::size_t check_sequence_like_re2(const RE2& re, const SequenceGroups& groups, const std::vector<std::string>& names,
                                    const std::vector<std::string>& texts) {
  const int n = re.NumberOfCapturingGroups() + 1;
  std::size_t matches = 0;
  for (const std::string& t : texts) {
    const re2::StringPiece text(t);
    std::vector<re2::StringPiece> want(static_cast<std::size_t>(n));
    for (std::size_t pos = 0; pos <= t.size() && re.Match(text, pos, t.size(), RE2::UNANCHORED, want.data(), n);) {
      const auto b = static_cast<std::size_t>(want[0].data() - t.data()), e = b + want[0].size();
      std::vector<re2::StringPiece> got(names.size());
      groups.read(t, b, e, got.data());
      for (std::size_t i = 0; i < names.size(); ++i) {
        auto it = re.NamedCapturingGroups().find(names[i]);
        const re2::StringPiece w = it == re.NamedCapturingGroups().end() ? re2::StringPiece() : want[it->second];
        CAPTURE(names[i]);
        CAPTURE(std::string(want[0].data(), want[0].size()));
        CHECK(got[i].data() == w.data());
        CHECK(got[i].size() == w.size());
      }
      ++matches;
      pos = e > pos ? e : pos + 1;
    }
  }
  return matches;
}

}  // namespace

TEST_CASE("SequenceGroups: groups read by scanning agree with RE2's capture") {
  const std::vector<std::string> names = {"num", "cn", "cls", "verb", "unit"};
  const Grammar::Impl& g = Grammar::builtin()->impl();
  std::vector<const RE2*> patterns;
  for (const PatternRule& r : g.rule_set("targets.yaml", "values").rules) patterns.push_back(r.re.get());
  const std::vector<std::string> texts = sample_texts(patterns);
  std::size_t read = 0, matches = 0;
  for (const RE2* re : patterns) {
    const auto groups = SequenceGroups::of(*re, names);
    if (!groups) continue;
    ++read;
    CAPTURE(re->pattern());
    matches += check_sequence_like_re2(*re, *groups, names, texts);
  }
  CHECK(read >= 4);  // number-unit, percent, per-cubic-metre, chinese-scaled, unitless
  CHECK(matches > 200);
  // Hand-made shapes: taken, or refused where the parts' ends are not forced.
  struct Case {
    const char* pattern;
    bool taken;
  };
  const Case cases[] = {
      {R"((?P<num>\d+)(?P<unit>[a-x]+)y)", true},
      {R"((?P<num>\d+)(?P<unit>[a-z]+)x)", false},   // x may end the unit or follow it
      {R"(a(?P<num>[0-9.]*)\s?(?P<unit>%|‰))", true},
      {R"(a(?P<num>[0-9.]*)\s?(?P<unit>%|‰)?)", false},  // the group may be absent
      {R"((?P<num>\d+)(?P<unit>\d))", false},        // a digit may end either
      {R"((?P<num>\d+)|(?P<unit>x))", false},        // an alternation at the top
      {R"((?:(?P<num>\d+))x)", false},               // the group is no part of its own
      {R"((?P<num>\d)+x)", false},                   // repeated
      {R"((?P<num>\d+)y?(?P<unit>[y\d]))", false},   // a digit or y may follow
      {R"((?P<cn>[一二]+)(?P<unit>万?亩))", true},
  };
  const std::vector<std::string> hand_texts = {"12ab x 3.5% 4‰ a7 a.. 12x 123 x9y2 3y5 一二万亩 二亩 一万万亩 12aby 3y",
                                               "a1.5 %a  2 %a3\t‰ 77xx 8y 9yy1"};
  for (const Case& c : cases) {
    const std::string pattern = c.pattern;
    CAPTURE(pattern);
    const RE2 re(c.pattern);
    REQUIRE(re.ok());
    const auto groups = SequenceGroups::of(re, names);
    CHECK((groups != nullptr) == c.taken);
    if (groups) check_sequence_like_re2(re, *groups, names, hand_texts);
  }
}

#include "targets_numbers.h"

TEST_CASE("parse_value_number: what parse_number reads, without strtod for plain decimals") {
  plancmp_test::Lcg rng{17};
  std::vector<std::string> texts = {"0", "5.", ".5", ".", "", "1,200", "1,2,3", ",5", "00.50", "123456789012345",
                                    "1234567890123456", "0.1", "0.3", "2.675", "9007199254740993", "1e5", "-3", "1..2",
                                    "99999999999999.9", "0.000000000000001", "3.14159265358979"};
  const char alphabet[] = "0123456789012345678901234567890123456789.,";
  for (int t = 0; t < 20000; ++t) {
    std::string s;
    const unsigned n = 1 + rng.next(18);
    for (unsigned k = 0; k < n; ++k) s += alphabet[rng.next(sizeof alphabet - 1)];
    texts.push_back(s);
  }
  for (const std::string& s : texts) {
    CAPTURE(s);
    const std::optional<double> fast = parse_value_number(s), slow = parse_number(s);
    REQUIRE(fast.has_value() == slow.has_value());
    if (fast) CHECK(std::memcmp(&*fast, &*slow, sizeof(double)) == 0);  // the same bits
  }
}

#include "targets_text.h"

TEST_CASE("next_segment_end: the first , ; ! ? : or 。 as a plain scan finds it") {
  const std::vector<std::string> pieces = {"森林", "覆盖率", ",", ";", "!", "?", ":", "。", "、", "“", "”", "\xE3\x80",
                                           "\xE3", "\x82", "1", "a", "(", ")", "\n"};
  plancmp_test::Lcg rng{19};
  for (int t = 0; t < 400; ++t) {
    std::string text;
    const unsigned n = rng.next(40);
    for (unsigned k = 0; k < n; ++k) text += pieces[rng.next(static_cast<unsigned>(pieces.size()))];
    for (std::size_t from = 0; from <= text.size(); from += 1 + rng.next(7))
      for (std::size_t end = from; end <= text.size(); end += 1 + rng.next(9)) {
        std::pair<std::size_t, std::size_t> want{std::string::npos, 0};
        for (std::size_t i = from; i < end; ++i) {
          const char c = text[i];
          if (c == ',' || c == ';' || c == '!' || c == '?' || c == ':') {
            want = {i, 1};
            break;
          }
          if (c == '\xE3' && i + 3 <= end && text[i + 1] == '\x80' && text[i + 2] == '\x82') {
            want = {i, 3};
            break;
          }
        }
        CAPTURE(text);
        CAPTURE(from);
        CAPTURE(end);
        CHECK(next_segment_end(text, from, end) == want);
      }
  }
}

TEST_CASE("CharSet: ranges added in any order hold what was added, sorted, apart and merged") {
  plancmp_test::Lcg rng{31};
  for (int round = 0; round < 200; ++round) {
    CharSet set;
    std::vector<bool> want(300, false);
    for (unsigned n = 1 + rng.next(12); n > 0; --n) {
      const char32_t lo = rng.next(280), hi = lo + rng.next(rng.next(2) ? 3 : 20);
      set.add(lo, hi);
      for (char32_t c = lo; c <= hi; ++c) want[c] = true;
    }
    for (char32_t c = 0; c < 300; ++c) {
      CAPTURE(static_cast<unsigned>(c));
      CHECK(set.contains(c) == want[c]);
    }
    const auto& ranges = set.ranges();
    for (std::size_t k = 0; k < ranges.size(); ++k) {
      CHECK(ranges[k].first <= ranges[k].second);
      if (k > 0) CHECK(ranges[k - 1].second + 1 < ranges[k].first);  // neither touching nor overlapping
    }
  }
}

TEST_CASE("CharSet: disjoint_from and within agree with testing every character") {
  plancmp_test::Lcg rng{47};
  auto random_set = [&](std::vector<bool>& want) {
    CharSet set;
    want.assign(300, false);
    for (unsigned n = rng.next(6); n > 0; --n) {
      const char32_t lo = rng.next(280), hi = lo + rng.next(rng.next(2) ? 3 : 30);
      set.add(lo, hi);
      for (char32_t c = lo; c <= hi; ++c) want[c] = true;
    }
    return set;
  };
  for (int round = 0; round < 500; ++round) {
    std::vector<bool> in_a, in_b;
    const CharSet a = random_set(in_a), b = random_set(in_b);
    bool shared = false, all_in_b = true;
    for (char32_t c = 0; c < 300; ++c) {
      shared = shared || (in_a[c] && in_b[c]);
      all_in_b = all_in_b && (!in_a[c] || in_b[c]);
    }
    CHECK(a.disjoint_from(b) == !shared);
    CHECK(b.disjoint_from(a) == !shared);
    CHECK(a.within(b) == all_in_b);
  }
}

TEST_CASE("CharTable: contains agrees with its CharSet, small sets (filter) and large ones (bit table)") {
  plancmp_test::Lcg rng{53};
  const char32_t kBases[] = {0, 0x80, 0x3000, 0x4E00, 0x9F00, 0xFF00, 0xFFF0, 0x1F600, 0x20000, 0x10FF00};
  for (int round = 0; round < 300; ++round) {
    CharSet set;
    std::vector<std::pair<char32_t, char32_t>> added;
    const bool wide = rng.next(4) == 0;  // some sets past the filter's size
    for (unsigned n = rng.next(round % 3 == 0 ? 70 : 10); n > 0; --n) {
      const char32_t lo = kBases[rng.next(std::size(kBases))] + rng.next(0xF0);
      const char32_t hi = std::min<char32_t>(lo + (wide ? rng.next(300) : rng.next(3)), 0x10FFFF);
      set.add(lo, hi);
      added.push_back({lo, hi});
    }
    const CharTable table(set);
    auto check = [&](char32_t c) {
      CAPTURE(static_cast<unsigned>(c));
      CHECK(table.contains(c) == set.contains(c));
    };
    for (char32_t c = 0; c < 0x200; ++c) check(c);
    for (const auto& [lo, hi] : added)
      for (const char32_t c : std::array<char32_t, 6>{lo - 1, lo, lo + 1, hi - 1, hi, hi + 1})
        if (c <= 0x10FFFF) check(c);
    for (int k = 0; k < 2000; ++k) check(kBases[rng.next(std::size(kBases))] + rng.next(0x100));
    for (int k = 0; k < 2000; ++k) check(rng.next(0x110000));
  }
}

TEST_CASE("CharTable: exactly 64 and 65 non-ASCII characters, at the range edges, agree with the CharSet") {
  // 64 is the last size the filter takes, 65 the first the bit table does;
  // each set mixes ASCII, the 0x7F/0x80 edge, U+FFFF/U+10000 and U+10FFFF.
  for (const std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{65}}) {
    CharSet set;
    set.add(U'a', U'z');
    set.add(0x7F);
    std::vector<char32_t> edges = {0x80, 0xFFFF, 0x10000, 0x10FFFF, 0x4E00, 0xFFFD};
    std::size_t added = 0;
    for (const char32_t c : edges)
      if (added < n) set.add(c), ++added;
    for (char32_t c = 0x20000; added < n; c += 2, ++added) set.add(c);
    const CharTable table(set);
    CAPTURE(n);
    for (char32_t c = 0; c <= 0x10FFFF; ++c)
      if (table.contains(c) != set.contains(c)) {
        CAPTURE(static_cast<unsigned>(c));
        FAIL("CharTable and CharSet disagree");
      }
    CHECK(!table.contains(0x110000));
    CHECK(!table.contains(0xFFFFFFFF));
  }
}

TEST_CASE("WordScanner: words opening with astral characters and ASCII are found as RE2 finds them") {
  for (const char* pattern : {"(?:𠀀到|😀|a到|达到|\U0010FFFF)", "(?:𠀀|𠀁成)"}) {
    RE2 re(pattern);
    REQUIRE(re.ok());
    const std::optional<WordList> list = word_list(re);
    REQUIRE(list);
    const WordScanner scanner({&*list});
    REQUIRE(scanner.usable());
    const std::string text = "x𠀀到𠀁成😀a到\xFF达到\U0010FFFF\xED\xA0\x80𠀀";
    std::vector<std::pair<std::size_t, std::size_t>> found;
    scanner.scan(text, [&](std::size_t, std::size_t b, std::size_t e) { found.emplace_back(b, e); });
    std::vector<std::pair<std::size_t, std::size_t>> expected;
    re2::StringPiece input(text), m;
    for (std::size_t pos = 0; pos <= text.size() && re.Match(input, pos, text.size(), RE2::UNANCHORED, &m, 1);) {
      const std::size_t b = static_cast<std::size_t>(m.data() - text.data());
      expected.emplace_back(b, b + m.size());
      pos = b + std::max<std::size_t>(m.size(), 1);
    }
    CAPTURE(pattern);
    CHECK(found == expected);
  }
}

// StartTest's two-byte scan (by_pairs: lead byte and the byte after it)
// stops where the lead-byte scan would, once the opening characters are
// checked: next() the same with it as without, from every place, on random
// texts of the opening characters, characters that share their lead bytes
// and not their second ones, ASCII, and cut characters (invalid bytes).
TEST_CASE("StartTest: next() by byte pairs is next() by lead bytes") {
  std::vector<const RE2*> patterns = grammar_patterns();
  std::vector<std::unique_ptr<RE2>> own;
  for (const char* p : {"[一二三四五六七八九十两]+万", "(?:达到|优于|保持|无劣)\\d", "[森林]", "[\\x{4E00}-\\x{4FFF}]x",
                        "(?:中|国|\\x{1F600})a", "[Ⅰ-Ⅴ]类", "[\\x{FFF0}-\\x{FFFF}一]a"})
    patterns.push_back(own.emplace_back(std::make_unique<RE2>(p)).get());
  const std::vector<std::string> pieces = {"一", "二", "十", "两", "达", "优", "保", "无", "森", "林", "中", "国", "Ⅲ",
                                           "类", "万", "丁", "专", "乙", "务", "伐", "亿", "年", "的", "a", "1", ",",
                                           "\xF0\x9F\x98\x80", "\xE4\xB8", "\xE4"};
  std::uint32_t seed = 12345;
  auto random = [&](std::uint32_t n) {
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 8) % n;
  };
  int paired = 0, compared = 0;
  for (const RE2* re : patterns) {
    const StartTest test(*re);
    if (!test.by_pairs) continue;
    ++paired;
    StartTest plain = test;
    plain.by_pairs = false;
    const std::string pattern = re->pattern();
    CAPTURE(pattern);
    for (int round = 0; round < 200; ++round) {
      std::string text;
      const std::uint32_t count = random(40);
      // Now and then a cut character (invalid bytes), mostly at the end.
      for (std::uint32_t k = 0; k < count; ++k)
        text += pieces[random(static_cast<std::uint32_t>(pieces.size()) - (random(8) == 0 ? 0 : 2))];
      if (random(4) == 0) text += pieces[pieces.size() - 1 - random(2)];
      CAPTURE(text);
      for (std::size_t end = text.size(); end + 8 >= text.size() && end <= text.size(); --end) {
        for (std::size_t from = 0; from <= end; ++from) {
          CHECK(test.next(text, from, end) == plain.next(text, from, end));
          ++compared;
        }
        if (end == 0) break;
      }
    }
  }
  // The scan is taken for the patterns above (and the grammar's) only where
  // it can run: StartTest sets by_pairs on x86-64 with SSSE3, never elsewhere
  // (an aarch64 build, or a CPU without SSSE3, must not fail here).
#ifdef PLANCMP_X86_DISPATCH
  const bool pairs_possible = plancmp::cpu::has_ssse3();
#else
  const bool pairs_possible = false;
#endif
  if (pairs_possible) {
    CHECK(paired >= 4);
    CHECK(compared > 10000);
  } else {
    CHECK(paired == 0);
  }
}
