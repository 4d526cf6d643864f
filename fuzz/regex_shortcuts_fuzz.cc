// Differential target for src/regex_shortcuts.h: MatchGroups and RequiredWords
// claim to give exactly what RE2 gives, for any pattern a grammar file holds.
// Each input is one pattern and one text; for every match RE2's unanchored
// search finds (iterated as src/units.cc does), MatchGroups::read must give
// each named group exactly as RE2's search with captures gives it (same
// offset and size, or both absent), and RequiredWords::may_match must not
// rule the pattern out of a text, or of a match, where RE2 finds it.
//
// Input: the first byte picks how the pattern is made.
//   - 0 mod 8: raw. The pattern is the bytes up to the next NUL, the text
//     the bytes after it (as they are when valid UTF-8, else read as below);
//     scripts/fuzz.sh seeds grammars/units.yaml's note and role patterns so.
//   - otherwise structured: the following bytes pick fragments from a small
//     vocabulary (the literals, classes and loops of the grammar's patterns)
//     into the shapes MatchGroups recognises, or near them: a literal frame
//     `L(?P<g>…)R`, a lazy head `(?P<g>H(?:X|…)+?)R`, a group closing the
//     pattern after a head `H(?P<g>…)`, groups of literal
//     alternatives in a row (RequiredWords' clauses), or any expression. The
//     text is the bytes left, each one a token of the same characters.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>
#include <unicode/utf8.h>

#include "regex_shortcuts.h"

namespace {

using re2::StringPiece;

// Reads the input byte by byte; past its end every choice is 0, which the
// generator takes as "the shortest option", so it always ends.
class Bytes {
 public:
  Bytes(const uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  unsigned pick(unsigned n) { return pos_ < size_ ? data_[pos_++] % n : 0; }
  template <std::size_t N>
  const char* pick(const char* const (&list)[N]) { return list[pick(N)]; }
  std::string_view rest() const { return {reinterpret_cast<const char*>(data_) + pos_, size_ - pos_}; }

 private:
  const uint8_t* data_;
  std::size_t size_, pos_ = 0;
};

// Pattern pieces matching fixed text (escaped where RE2 needs it).
const char* const kLiterals[] = {"a", "b", "x", "K", "〔", "〕", "牵头", "负责", "、", "按职责分工负责", "落实",
                                 "各", "配合", "单位", "。", ",", ";", "\\(", "\\)", "等", "【", "】", ":", "\\n"};
// One character each (a class, or a character alone).
const char* const kClasses[] = {"[^。]", "[\\p{Han}]", "[、,]", "[^;:。!?()〔〕【】\\n]", "[^()\\n]", "[^〔〕\\n]",
                                "[a-c]", "[^a]", ".", "\\s", "[\\s)〕】。;,]", "\\p{Han}", "[牵负]", "[(]", "[^、]",
                                "[\\]a]", "a", "、", "牵", "(", "\\("};
// Empty-width assertions, flags and other oddities.
const char* const kOthers[] = {"$", "^", "\\b", "\\B", "(?i)", "(?U)", "(?s)", "(?m)", "\\C", "(?:)", "\\A", "\\z"};
const char* const kQuantifiers[] = {"", "", "", "+", "*", "?", "+?", "*?", "??", "{0,80}", "{1,3}", "{1,12}",
                                    "{2}", "{1,3}?", "{0,80}?", "{,3}"};
// Loop bounds of an `a[…]{m,n}b` alternative.
const char* const kRepeats[] = {"{1,12}", "+", "*", "{0,3}", "{2}", "{1,}"};
// "g" is never read, but still numbers the captures.
const char* const kNames[] = {"units", "kw", "body", "g"};

// Text tokens: the characters the patterns name, and a few whole words.
const char* const kTokens[] = {"a", "b", "x", "K", "k", " ", "\n", "〔", "〕", "牵", "头", "负", "责", "、", "。",
                               ",", ";", ":", "(", ")", "(", ")", "【", "】", "县", "局", "各", "落", "实",
                               "等", "1", "牵头", "负责", "按职责分工负责", "配合", "单位", "落实", "é",
                               "[", "]", "责任", "部门"};

// Longer texts only slow each run down (captures cost per byte and match).
constexpr std::size_t kMaxText = 512;

// Each pick in a statement of its own: the operands of `a + b` are evaluated
// in no fixed order, and an input must stand for one pattern with any compiler.
class Generator {
 public:
  explicit Generator(Bytes& in) : in_(in) {}

  std::string pattern(unsigned mode) {
    switch (mode) {
      case 1:
      case 2: {  // literal frame
        std::string out = literal(2);
        out += named(expr(2));
        return out + literal(2);
      }
      case 3:
      case 4:
      case 5:  // lazy head
        return lazy_head();
      case 6:
        if (in_.pick(2) == 0) return words();
        return expr(3);
      case 7:  // a group closing the pattern after a head (and near misses)
        if (in_.pick(2) == 0) return sequence(2) + named(expr(1)) + (in_.pick(4) == 0 ? in_.pick(kOthers) : "");
        return expr(3);
      default:
        return expr(3);
    }
  }

 private:
  std::string literal(unsigned most) {
    std::string out;
    for (unsigned n = in_.pick(most + 1); n > 0; --n) out += in_.pick(kLiterals);
    return out;
  }

  std::string named(const std::string& body) { return std::string("(?P<") + in_.pick(kNames) + ">" + body + ")"; }

  std::string atom(unsigned depth) {
    switch (in_.pick(depth > 0 ? 6 : 4)) {
      case 0:
        return in_.pick(kLiterals);
      case 1:
      case 2:
        return in_.pick(kClasses);
      case 3:
        return in_.pick(kOthers);
      case 4:
        return "(?:" + expr(depth - 1) + ")";
      default:
        return named(expr(depth - 1));
    }
  }

  std::string sequence(unsigned depth) {
    std::string out;
    for (unsigned n = in_.pick(4) + 1; n > 0; --n) {
      out += atom(depth);
      out += in_.pick(kQuantifiers);
    }
    return out;
  }

  std::string expr(unsigned depth) {
    std::string out = sequence(depth);
    while (in_.pick(4) == 3) out += "|" + sequence(depth);
    return out;
  }

  // One alternative of a lazy loop: mostly the forms MatchGroups accepts.
  std::string loop_alternative() {
    switch (in_.pick(5)) {
      case 0:
      case 1:
        return in_.pick(kClasses);
      case 2:
      case 3: {  // a[…]{m,n}b
        std::string out = in_.pick(kClasses);
        out += in_.pick(kClasses);
        out += in_.pick(kRepeats);
        return out + in_.pick(kClasses);
      }
      default:
        return sequence(1);
    }
  }

  // `(?P<g>H(?:X)+?)R` and its near misses.
  std::string lazy_head() {
    std::string loop;
    if (in_.pick(3) == 0) {
      loop = in_.pick(kClasses);
    } else {
      loop = "(?:" + loop_alternative();
      for (unsigned n = in_.pick(4); n > 0; --n) loop += "|" + loop_alternative();
      loop += ")";
    }
    static const char* const kLazy[] = {"+?", "*?", "+?", "*?", "+", "{1,3}?"};
    std::string head = literal(1);
    head += loop;
    std::string out = named(head + in_.pick(kLazy));
    // The rest: groups, literals, loops and anchors, sometimes alternatives.
    for (unsigned n = in_.pick(4) + 1; n > 0; --n) {
      switch (in_.pick(5)) {
        case 0:
          out += named(expr(1));
          break;
        case 1:
          out += literal(2);
          break;
        case 2:
          out += in_.pick(kClasses);
          out += in_.pick(kQuantifiers);
          break;
        case 3:
          out += in_.pick(kOthers);
          break;
        default:
          out += "(?:$|[,;、])";
          break;
      }
    }
    if (in_.pick(8) == 0) out += "|" + expr(1);
    return out;
  }

  // Groups of literal alternatives in a row, with more spellings than
  // RequiredWords gets whole words for: its words then come in clauses
  // ("单位" or "部门", and "【牵头" or "[配合"…).
  std::string words() {
    std::string out = in_.pick(2) == 0 ? std::string(in_.pick(kClasses)) : literal(1);
    for (unsigned g = in_.pick(3) + 2; g > 0; --g) {
      out += "(?:" + literal(2);
      for (unsigned n = in_.pick(6) + 1; n > 0; --n) out += "|" + literal(2);
      out += ")";
      out += in_.pick(kQuantifiers);
    }
    return named(out + in_.pick(kClasses) + in_.pick(kQuantifiers));
  }

  Bytes& in_;
};

bool valid_utf8(std::string_view s) {
  for (int32_t i = 0, n = static_cast<int32_t>(s.size()); i < n;) {
    UChar32 c;
    U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), i, n, c);
    if (c < 0) return false;
  }
  return true;
}

std::string tokens(std::string_view bytes) {
  std::string out;
  for (char b : bytes) {
    if (out.size() >= kMaxText) break;
    out += kTokens[static_cast<uint8_t>(b) % std::size(kTokens)];
  }
  return out;
}

// Fixed rules beside the generated one, so RequiredWords shares and sorts
// words among several rules as it does for grammars/units.yaml's roles.
const char* const kFixedRules[] = {
    "(?P<units>(?:[^;:。!?()〔〕【】\\n]|\\([^()\\n]{1,12}\\))+?)(?P<kw>牵头(?:负责|落实|实施)?)(?:$|[,;、])",
    "〔(?P<body>[^〔〕\\n]+)〕",
    "(?P<body>[【\\[](?:牵头|责任|主办|主责|配合|协办|参与)(?:单位|部门)[】\\]][^。!?\\n]+)",
};

std::string where(const StringPiece& s, const StringPiece& text) {
  if (s.data() == nullptr) return "null";
  return "[" + std::to_string(s.data() - text.data()) + ", +" + std::to_string(s.size()) + ")";
}

[[noreturn]] void fail(const std::string& pattern, const std::string& text, const std::string& what) {
  std::fprintf(stderr, "regex_shortcuts_fuzz: %s\n  pattern: %s\n  text: %s\n", what.c_str(), pattern.c_str(),
               text.c_str());
  std::abort();
}

// The pattern and text an input stands for.
void derive(const uint8_t* data, size_t size, std::string& pattern, std::string& text) {
  Bytes in(data + 1, size - 1);
  const unsigned mode = data[0] % 8;
  if (mode == 0) {
    const std::string_view raw = in.rest();
    const std::size_t nul = raw.find('\0');
    pattern = std::string(raw.substr(0, nul));
    const std::string_view t = nul == std::string_view::npos ? std::string_view() : raw.substr(nul + 1);
    text = valid_utf8(t) && t.size() <= kMaxText ? std::string(t) : tokens(t);
  } else {
    Generator gen(in);
    pattern = gen.pattern(mode);
    text = tokens(in.rest());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  std::string pattern, text;
  derive(data, size, pattern, text);

  // As src/grammar.cc compiles a grammar's patterns.
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(8 << 20);
  RE2 re(pattern, options);
  if (!re.ok()) return 0;

  const std::vector<std::string> names = {"units", "kw", "body"};
  const std::unique_ptr<const plancmp::MatchGroups> groups = plancmp::MatchGroups::build(re, names);
  static const std::vector<std::unique_ptr<RE2>> fixed = [&] {
    std::vector<std::unique_ptr<RE2>> out;
    for (const char* p : kFixedRules) out.push_back(std::make_unique<RE2>(p, options));
    return out;
  }();
  std::vector<const RE2*> rules;
  for (const auto& f : fixed) rules.push_back(f.get());
  // The generated rule's place in the list (its bit) varies with the input.
  const std::size_t self = data[0] / 8 % (rules.size() + 1);
  rules.insert(rules.begin() + static_cast<std::ptrdiff_t>(self), &re);
  const std::unique_ptr<const plancmp::RequiredWords> words = plancmp::RequiredWords::build(rules);

  const StringPiece input(text);
  const int ncap = re.NumberOfCapturingGroups() + 1;
  std::vector<StringPiece> want(static_cast<std::size_t>(ncap));
  StringPiece got[3];
  StringPiece whole;
  // As src/units.cc's role_matches and find_note_bodies iterate.
  for (std::size_t pos = 0; pos <= text.size() && re.Match(input, pos, text.size(), RE2::UNANCHORED, &whole, 1);) {
    const std::size_t b = static_cast<std::size_t>(whole.data() - input.data()), e = b + whole.size();
    // RE2's own groups of this match: the same search, with captures.
    if (!re.Match(input, pos, text.size(), RE2::UNANCHORED, want.data(), ncap) || want[0] != whole ||
        want[0].data() != whole.data())
      fail(pattern, text, "RE2's search with captures found another match than without, at " + where(whole, input));
    if (!groups->read(re, input, b, e, got))
      fail(pattern, text, "MatchGroups::read refused the match " + where(whole, input));
    for (std::size_t i = 0; i < names.size(); ++i) {
      const auto it = re.NamedCapturingGroups().find(names[i]);
      const StringPiece w = it == re.NamedCapturingGroups().end() ? StringPiece() : want[it->second];
      if (got[i].data() != w.data() || got[i].size() != w.size())
        fail(pattern, text,
             "group " + names[i] + " of match " + where(whole, input) + ": MatchGroups " + where(got[i], input) +
                 ", RE2 " + where(w, input));
    }
    // The words the rule needs are in every text it matches.
    if (!(words->may_match(std::string_view(whole.data(), whole.size())) >> self & 1))
      fail(pattern, text, "RequiredWords rules out the match " + where(whole, input));
    pos = e > pos ? e : pos + 1;
  }
  const std::uint64_t may = words->may_match(text);
  for (std::size_t i = 0; i < rules.size(); ++i)
    if (!(may >> i & 1) && rules[i]->Match(input, 0, text.size(), RE2::UNANCHORED, nullptr, 0))
      fail(pattern, text, "RequiredWords rules out rule " + std::to_string(i) + " (" + rules[i]->pattern() +
                              "), which RE2 finds in the text");
  return 0;
}
