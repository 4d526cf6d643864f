// Which dates and values rules can match in each line: one RE2::Set pass per
// line for both stages. See LineRules in include/plancmp/extract.h.
#include "line_rules.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include <re2/re2.h>
#include <re2/set.h>

#include "grammar_internal.h"
#include "plancmp/extract.h"
#include "utf8_util.h"

namespace plancmp {

namespace {

constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();

// pattern_shape() by recursive descent; failure through ok_.
class ShapeReader {
 public:
  explicit ShapeReader(std::string_view p) : p_(p) {}
  std::optional<PatternShape> read() {
    const Shape s = alternation();
    if (!ok_ || i_ != p_.size()) return std::nullopt;
    PatternShape out;
    if (s.max != kUnbounded) out.max_chars = s.max;
    out.digit = s.digit;
    return out;
  }

 private:
  // Of a piece of the pattern: the most characters it matches, and whether
  // it always matches an ASCII digit.
  struct Shape {
    std::size_t max = 0;
    bool digit = false;
  };
  static std::size_t add(std::size_t a, std::size_t b) { return a == kUnbounded || b == kUnbounded ? kUnbounded : a + b; }
  static std::size_t times(std::size_t a, std::size_t n) {
    if (a == 0 || n == 0) return 0;
    return a == kUnbounded || n == kUnbounded || a > (1u << 20) / n ? kUnbounded : a * n;
  }
  bool at_end() const { return i_ >= p_.size(); }
  Shape fail() {
    ok_ = false;
    i_ = p_.size();
    return {};
  }

  Shape alternation() {
    Shape s = sequence();
    while (ok_ && !at_end() && p_[i_] == '|') {
      ++i_;
      const Shape other = sequence();
      s = {std::max(s.max, other.max), s.digit && other.digit};
    }
    return s;
  }

  Shape sequence() {
    Shape s;
    while (ok_ && !at_end() && p_[i_] != '|' && p_[i_] != ')') {
      const Shape item = quantified(atom());
      s = {add(s.max, item.max), s.digit || item.digit};
    }
    return s;
  }

  // The item under the quantifiers that follow it.
  Shape quantified(Shape item) {
    while (ok_ && !at_end()) {
      const char c = p_[i_];
      if (c == '?' || c == '*') {
        ++i_;
        item = {c == '*' ? times(item.max, kUnbounded) : item.max, false};
      } else if (c == '+') {
        ++i_;
        item.max = times(item.max, kUnbounded);
      } else if (c == '{') {
        std::size_t min = 0, max = 0;
        if (!repetition(min, max)) return fail();
        item = {times(item.max, max), item.digit && min > 0};
      } else {
        break;
      }
      if (!at_end() && p_[i_] == '?') ++i_;  // lazy
    }
    return item;
  }

  // {n}, {n,} or {n,m} at i_ (max: kUnbounded for {n,}). Anything else is
  // given up (RE2 reads a '{' that opens no repetition as a literal).
  bool repetition(std::size_t& min, std::size_t& max) {
    const std::size_t close = p_.find('}', i_);
    if (close == std::string_view::npos) return false;
    const std::string_view body = p_.substr(i_ + 1, close - i_ - 1);
    i_ = close + 1;
    const std::size_t comma = body.find(',');
    const std::string_view low = body.substr(0, comma);
    const std::string_view high = comma == std::string_view::npos ? low : body.substr(comma + 1);
    if (low.empty() || !number(low, min) || (!high.empty() && !number(high, max))) return false;
    if (high.empty()) max = kUnbounded;
    return true;
  }
  static bool number(std::string_view s, std::size_t& n) {
    n = 0;
    for (char d : s) {
      if (d < '0' || d > '9') return false;
      n = std::min<std::size_t>(n * 10 + static_cast<std::size_t>(d - '0'), 100000);
    }
    return true;
  }

  Shape atom() {
    const char c = p_[i_];
    if (c == '(') return group();
    if (c == '^' || c == '$') return ++i_, Shape{};
    if (c == '[' || c == '\\') return escape_or_class();
    if (c == '*' || c == '+' || c == '?' || c == '{') return fail();
    std::size_t next = i_;
    utf8::next(p_, next);
    i_ = next;
    return {1, c >= '0' && c <= '9'};
  }

  // A class or an escape: one character (none for an assertion).
  Shape escape_or_class() {
    if (p_[i_] == '\\') {
      if (i_ + 1 >= p_.size()) return fail();
      const char e = p_[i_ + 1];
      if (e == 'b' || e == 'B' || e == 'A' || e == 'z') return i_ += 2, Shape{};
      if (e == 'C' || e == 'Q' || (e >= '0' && e <= '9')) return fail();
    }
    const std::size_t end = pattern_token_end(p_, i_);
    if (end == std::string_view::npos) return fail();
    const std::string_view token = p_.substr(i_, end - i_);
    i_ = end;
    return {1, token == "\\d" || token == "[0-9]" || token == "[\\d]"};
  }

  // (…), (?:…), (?P<name>…), (?flags) and (?flags:…).
  Shape group() {
    ++i_;
    if (!at_end() && p_[i_] == '?') {
      ++i_;
      if (!at_end() && p_[i_] == 'P') {
        const std::size_t close = p_.find('>', i_);
        if (close == std::string_view::npos) return fail();
        i_ = close + 1;
      } else {
        while (!at_end() && p_[i_] != ')' && p_[i_] != ':') ++i_;
        if (at_end()) return fail();
        if (p_[i_++] == ')') return {};  // (?flags): flags on, no characters
      }
    }
    const Shape s = alternation();
    if (!ok_ || at_end() || p_[i_] != ')') return fail();
    ++i_;
    return s;
  }

  std::string_view p_;
  std::size_t i_ = 0;
  bool ok_ = true;
};

// The start of the character `count` characters before the one at `at`
// (not before `begin`). Stray continuation bytes count for nothing: the
// reach only grows.
std::size_t chars_back(std::string_view text, std::size_t begin, std::size_t at, std::size_t count) {
  while (at > begin && count > 0) {
    --at;
    if ((static_cast<unsigned char>(text[at]) & 0xC0) != 0x80) --count;
  }
  while (at > begin && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) --at;
  return at;
}

// The end of the `count` characters from `at` on (not past `end`).
std::size_t chars_forward(std::string_view text, std::size_t at, std::size_t end, std::size_t count) {
  for (; at < end && count > 0; --count) {
    ++at;
    while (at < end && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
  }
  return at;
}

// Sorted, disjoint spans: `add` appended, touching or overlapping ones joined.
void append_merged(std::vector<ByteSpan>& out, ByteSpan add) {
  if (!out.empty() && add.first <= out.back().second) out.back().second = std::max(out.back().second, add.second);
  else out.push_back(add);
}

const char* const kDatesFile = "dates.yaml";
const char* const kTargetsFile = "targets.yaml";

// The two sets together hold twice the rules of one: twice the budget.
constexpr int64_t kLineSetMaxMem = 16 << 20;

}  // namespace

std::optional<PatternShape> pattern_shape(std::string_view pattern) { return ShapeReader(pattern).read(); }

bool pattern_tests_word_boundary(std::string_view p) {
  for (std::size_t i = 0; i < p.size();) {
    if (p[i] != '\\' && p[i] != '[') {
      ++i;
      continue;
    }
    if (p[i] == '\\' && i + 1 < p.size() && (p[i + 1] == 'b' || p[i + 1] == 'B')) return true;
    i = pattern_token_end(p, i);
    if (i == std::string_view::npos) return true;
  }
  return false;
}

std::unique_ptr<const LineWindows> LineWindows::of(const std::vector<const RE2*>& rules) {
  std::unique_ptr<LineWindows> out(new LineWindows());
  CharSet& alphabet = out->joint_[0];
  CharSet& first = out->joint_[1];
  CharSet& anchors = out->joint_[2];
  CharSet& wide_anchors = out->joint_[3];
  for (const RE2* re : rules) {
    const std::optional<PatternChars> chars = pattern_chars(*re);
    const std::optional<PatternShape> shape = pattern_shape(re->pattern());
    if (!chars || !shape || chars->nullable || pattern_tests_word_boundary(re->pattern())) return nullptr;
    // Every match holds a required character; with none known, any of its own.
    const CharSet& required = chars->required ? *chars->required : chars->alphabet;
    // Digits are few in a plan's text, and found a byte each.
    CharSet own;
    if (shape->digit) own.add('0', '9');
    else own = required;
    if (own.empty()) return nullptr;
    if (!chars->alphabet.is_everything()) {
      alphabet.add(chars->alphabet);
      first.add(chars->first);
      anchors.add(own);
      out->rules_.emplace_back(Narrow{CharTable(chars->first), CharTable(required)});
      continue;
    }
    if (!shape->max_chars || own.is_everything()) return nullptr;
    wide_anchors.add(own);
    out->wide_chars_ = std::max(out->wide_chars_, *shape->max_chars);
    out->rules_.emplace_back();
  }
  out->flags_.assign(0x10000, 0);
  for (std::size_t k = 0; k < kFlags; ++k)
    for (const auto& [lo, hi] : out->joint_[k].ranges())
      for (char32_t c = lo; c <= hi && c < 0x10000; ++c) out->flags_[c] |= static_cast<std::uint8_t>(1 << k);
  // The pairs of bytes an anchor can end with.
  out->anchor_ends_.assign(0x10000, 0);
  auto mark = [&](unsigned before, unsigned last) { out->anchor_ends_[before | last << 8] = 1; };
  for (const CharSet* set : {&anchors, &wide_anchors})
    for (const auto& [lo, hi] : set->ranges()) {
      for (char32_t c = lo; c <= hi && c < 0x80; ++c)
        for (unsigned before = 0; before < 256; ++before) mark(before, c);
      const char32_t from = std::max<char32_t>(lo, 0x80);
      if (from <= hi && hi - from >= 4096) {  // too many to list: any continuation byte, after anything
        for (unsigned last = 0x80; last < 0xC0; ++last)
          for (unsigned before = 0; before < 256; ++before) mark(before, last);
        continue;
      }
      for (char32_t c = from; c <= hi; ++c) {
        char buf[4];
        const std::size_t n = static_cast<std::size_t>(utf8::encode_to(buf, c) - buf);
        mark(static_cast<unsigned char>(buf[n - 2]), static_cast<unsigned char>(buf[n - 1]));
      }
    }
  return out;
}

void LineWindows::add_wide(std::string_view text, std::size_t begin, std::size_t end, std::size_t at,
                           std::vector<ByteSpan>& wide) const {
  append_merged(wide, {chars_back(text, begin, at, wide_chars_ - 1), chars_forward(text, at, end, wide_chars_)});
}

std::size_t LineWindows::read_run(std::string_view text, std::size_t begin, std::size_t end, std::size_t at,
                                  std::size_t stop, std::vector<ByteSpan>& narrow, std::vector<ByteSpan>& wide) const {
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
  const std::string_view bounded = text.substr(0, end);
  std::size_t open = std::string_view::npos;  // the run's first opening character
  // Back to the run's start (the characters before the anchor were passed
  // by the scan: their wide anchors are taken).
  for (std::size_t start = at; start > begin;) {
    std::size_t prev = start - 1;
    while (prev > begin && start - prev < 4 && (t[prev] & 0xC0) == 0x80) --prev;
    std::size_t next = prev;
    const std::uint8_t f = flags(utf8::next(bounded, next));
    if (next != start || !(f & kAlphabet)) break;
    start = prev;
    if (f & kFirst) open = start;
  }
  // On from the anchor to the run's end.
  std::size_t run_end = at;
  while (run_end < end) {
    std::size_t next = run_end;
    const std::uint8_t f = flags(utf8::next(bounded, next));
    if (!(f & kAlphabet)) break;
    if (open == std::string_view::npos && (f & kFirst)) open = run_end;
    if ((f & kWideAnchor) && run_end >= stop) add_wide(text, begin, end, run_end, wide);
    run_end = next;
  }
  if (open != std::string_view::npos) narrow.push_back({open, run_end});
  return run_end;
}

std::size_t LineWindows::next_anchor_end(std::string_view text, std::size_t from, std::size_t end) const {
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
  const std::uint8_t* const ends = anchor_ends_.data();
  if (from == 0 && from < end) {
    if (ends[t[0] << 8]) return 0;  // nothing before the text's first byte
    from = 1;
  }
  auto at = [&](std::size_t q) {
    if constexpr (std::endian::native == std::endian::little) {
      std::uint16_t pair;  // one load: t[q - 1] low, t[q] high
      std::memcpy(&pair, t + q - 1, 2);
      return ends[pair];
    } else {
      return ends[t[q - 1] | t[q] << 8];
    }
  };
  // Eight pairs a step: most of a plan's are no anchor's end.
  for (; from + 8 <= end; from += 8)
    if (at(from) | at(from + 1) | at(from + 2) | at(from + 3) | at(from + 4) | at(from + 5) | at(from + 6) |
        at(from + 7))
      break;
  for (; from < end; ++from)
    if (at(from)) return from;
  return end;
}

void LineWindows::find(std::string_view text, std::size_t begin, std::size_t end, std::vector<ByteSpan>& narrow,
                       std::vector<ByteSpan>& all) const {
  const std::size_t first_narrow = narrow.size();
  thread_local std::vector<ByteSpan> wide;  // the wide rules' windows, merged
  wide.clear();
  const auto* t = reinterpret_cast<const unsigned char*>(text.data());
  const std::string_view bounded = text.substr(0, end);
  for (std::size_t q = next_anchor_end(text, begin, end); q < end; q = next_anchor_end(text, q + 1, end)) {
    // The character that ends at q, if one does.
    std::size_t at = q;
    while (at > begin && q - at < 3 && (t[at] & 0xC0) == 0x80) --at;
    std::size_t stop = at;
    const std::uint8_t f = flags(utf8::next(bounded, stop));
    if (stop != q + 1) continue;
    if (f & kWideAnchor) add_wide(text, begin, end, at, wide);
    if (f & kAnchor) q = read_run(text, begin, end, at, stop, narrow, wide) - 1;
  }
  // Both lists are ascending: merge them.
  auto n = narrow.begin() + static_cast<std::ptrdiff_t>(first_narrow);
  auto w = wide.begin();
  while (n != narrow.end() || w != wide.end()) {
    if (w == wide.end() || (n != narrow.end() && n->first < w->first)) append_merged(all, *n++);
    else append_merged(all, *w++);
  }
}

std::size_t LineWindows::rule_start(std::size_t rule, std::string_view text, ByteSpan window) const {
  const Narrow& r = *rules_[rule];
  const std::string_view bounded = text.substr(0, window.second);
  std::size_t start = std::string_view::npos;
  for (std::size_t i = window.first; i < window.second;) {
    const std::size_t at = i;
    const char32_t c = utf8::next(bounded, i);
    if (start == std::string_view::npos && r.first.contains(c)) start = at;
    if (start != std::string_view::npos && r.required.contains(c)) return start;
  }
  return std::string_view::npos;
}

const Grammar::Impl::LineSet* Grammar::Impl::line_set() const {
  std::call_once(line_set_once, [this] {
    const RuleSet& dates = rule_set(kDatesFile, "dates");
    const RuleSet& values = rule_set(kTargetsFile, "values");
    // Lines are read with their break: a values list then covers every part
    // of the line only for rules that look at nothing around them, and a
    // dates list stays a superset of the list without the break only for
    // rules that never assert the end of the text.
    if (dates.rules.empty() || values.rules.empty() || !values.context_free) return;
    for (const PatternRule& r : dates.rules)
      if (pattern_asserts_text_end(r.re->pattern())) return;
    RE2::Options options;
    options.set_log_errors(false);
    options.set_max_mem(kLineSetMaxMem);
    auto joint = std::make_unique<LineSet>();
    joint->set = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
    joint->dates = dates.rules.size();
    std::vector<const RE2*> regexes;
    for (const RuleSet* rs : {&dates, &values})
      for (const PatternRule& r : rs->rules) {
        if (joint->set->Add(r.re->pattern(), nullptr) < 0) return;
        regexes.push_back(r.re.get());
      }
    if (!joint->set->Compile()) return;
    joint->windows = LineWindows::of(regexes);
    line_set_built = std::move(joint);
  });
  return line_set_built.get();
}

namespace {

// Between two windows in the joint set's input: a byte no UTF-8 pattern
// matches, so no match spans two windows.
constexpr char kSeparator = '\xFF';

// The text the joint set reads for a line: the line itself, or its windows
// (where a rule can match) one after the other, kSeparator between them,
// when they are much shorter. A match lies in one window, and no assertion
// tells a window's edge from the line's (a list may grow, it never loses a
// rule): ^ holds in the line only at its start, which a match using it
// puts in the first window; (?m)$ only before its last byte, a break, which
// a match using it puts in its window or leaves to the last one; and no
// rule tests a word boundary (LineWindows::of).
std::string_view set_input(std::string_view line, std::size_t line_begin, const std::vector<ByteSpan>& windows,
                           std::string& buffer) {
  std::size_t bytes = 0;
  for (const auto& [b, e] : windows) bytes += e - b + 1;
  if (bytes * 2 > line.size()) return line;
  buffer.clear();
  for (const auto& [b, e] : windows) {
    if (!buffer.empty()) buffer += kSeparator;
    buffer.append(line.substr(b - line_begin, e - b));
  }
  return buffer;
}

}  // namespace

LineRules match_lines(const NormalizedText& nt, const Grammar& grammar) {
  LineRules out;
  const Grammar::Impl& g = grammar.impl();
  const Grammar::Impl::LineSet* joint = g.line_set();
  if (!joint) return out;
  out.usable = true;
  const std::string& text = nt.text();
  const LineWindows* windows = joint->windows.get();
  std::vector<ByteSpan> all;  // the windows of the line being read
  std::string buffer;
  std::vector<int> hits;
  for (std::size_t begin = 0; begin < text.size();) {
    std::size_t end = text.find('\n', begin);
    end = end == std::string::npos ? text.size() : end + 1;  // with its break
    const std::string_view line(text.data() + begin, end - begin);
    out.line_begin.push_back(begin);
    std::vector<int>& dates = out.dates.emplace_back();
    std::vector<int>& values = out.values.emplace_back();
    std::string_view input = line;
    if (windows) {
      out.window_begin.push_back(out.windows.size());
      all.clear();
      windows->find(text, begin, end, out.windows, all);
      input = set_input(line, begin, all, buffer);
    }
    begin = end;
    if (input.empty()) continue;  // no window: no rule matches here
    RE2::Set::ErrorInfo error{RE2::Set::kNoError};
    hits.clear();
    if (joint->set->Match(re2::StringPiece(input.data(), input.size()), &hits, &error)) {
      std::sort(hits.begin(), hits.end());
      const auto first_value = static_cast<int>(joint->dates);
      const auto split = std::lower_bound(hits.begin(), hits.end(), first_value);
      dates.assign(hits.begin(), split);
      values.reserve(static_cast<std::size_t>(hits.end() - split));
      for (auto h = split; h != hits.end(); ++h) values.push_back(*h - first_value);
    } else if (error.kind != RE2::Set::kNoError) {
      // The joint DFA gave up on this line: each set answers for itself.
      dates = g.rule_set(kDatesFile, "dates").matching(line);
      values = g.rule_set(kTargetsFile, "values").matching(line);
    }
  }
  if (windows) out.window_begin.push_back(out.windows.size());
  return out;
}

}  // namespace plancmp
