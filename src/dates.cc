// Date phrases and deadlines. See include/plancmp/extract.h and grammars/dates.yaml.
//
// Every rule of the `dates` set is run over each paragraph (the RE2::Set says
// which can match there). Overlapping candidates are resolved greedily: the one
// that starts first, then the longest, then the earlier rule. Rules of kind
// `none` only block (a publication date, "截至2022年底"); they are not returned.
#include <algorithm>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <re2/re2.h>

#include "dates_internal.h"
#include "grammar_internal.h"
#include "line_rules.h"
#include "plancmp/extract.h"
#include "utf8_util.h"

namespace plancmp {

namespace {

constexpr const char* kFile = "dates.yaml";

struct Candidate {
  std::size_t begin, end;
  int rule;
  int year = 0, month = 0, day = 0;
};

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + (c - '0');
  }
  return v;
}

int chinese_digit(char32_t c) {
  switch (c) {
    case U'〇': case U'零': case U'○': return 0;
    case U'一': return 1; case U'二': return 2; case U'三': return 3;
    case U'四': return 4; case U'五': return 5; case U'六': return 6;
    case U'七': return 7; case U'八': return 8; case U'九': return 9;
    default: return -1;
  }
}

// "二〇二五" -> 2025 (digit by digit).
int chinese_year(std::string_view s) {
  int v = 0;
  for (std::size_t i = 0; i < s.size();) {
    int d = chinese_digit(utf8::next(s, i));
    if (d < 0) return 0;
    v = v * 10 + d;
  }
  return v;
}

// The ordinal of a five-year plan ("十四") -> its last year (2025).
int five_year_plan_end(std::string_view s) {
  int n = 0;
  for (std::size_t i = 0; i < s.size();) {
    char32_t c = utf8::next(s, i);
    if (c == U'十') n += 10;
    else if (int d = chinese_digit(c); d > 0) n += d;
  }
  if (n == 0 || n > 30) return 0;
  return 1955 + 5 * n;  // the 1st plan ran 1953-1957
}

// "YYYY", "YYYY-MM" or "YYYY-MM-DD"; y in [1900, 2100], m in [0, 12], d in
// [0, 31], d 0 when m is (read_date checks them).
std::string format_date(int y, int m, int d) {
  char buf[10];
  auto put = [&buf](std::size_t at, int v, int digits) {
    for (int k = digits - 1; k >= 0; --k, v /= 10) buf[at + static_cast<std::size_t>(k)] = static_cast<char>('0' + v % 10);
  };
  put(0, y, 4);
  std::size_t n = 4;
  for (int part : {m, d}) {
    if (part <= 0) break;
    buf[n] = '-';
    put(n + 1, part, 2);
    n += 3;
  }
  return std::string(buf, n);
}

// a == b for the short names and values read here, compared in place (a
// call to memcmp costs more than the few bytes).
bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// The capture indices of a rule's date groups (-1: the rule has none), read
// once per rule and document rather than by name per match.
struct DateGroups {
  int count = 0;  // capturing groups + the whole match
  int y = -1, y2 = -1, yc = -1, fyp = -1, m = -1, m2 = -1, d = -1, d2 = -1, ye = -1, ye2 = -1, y1 = -1, q = -1;

  explicit DateGroups(const RE2& re) : count(re.NumberOfCapturingGroups() + 1) {
    // Each of the rule's few groups against the short names, compared in
    // place (the map looked up by name cost a string, strlen and memcmp
    // calls per name and rule, every document).
    const std::pair<std::string_view, int*> wanted[] = {
        {"y", &y},   {"y2", &y2}, {"yc", &yc}, {"fyp", &fyp}, {"m", &m},   {"m2", &m2},
        {"d", &d},   {"d2", &d2}, {"ye", &ye}, {"ye2", &ye2}, {"y1", &y1}, {"q", &q}};
    for (const auto& [name, index] : re.NamedCapturingGroups())
      for (const auto& [w, slot] : wanted)
        if (same(name, w)) {
          *slot = index;
          break;
        }
  }

};

// Reads the date groups of one match; false when the match names no valid date.
bool read_date(const DateGroups& dg, const re2::StringPiece* g, Candidate& c) {
  auto group = [&](int index) -> std::string_view {
    if (index < 0 || !g[index].data()) return {};
    return std::string_view(g[index].data(), g[index].size());
  };
  auto first = [&](int a, int b) {
    std::string_view v = group(a);
    return v.empty() ? group(b) : v;
  };
  if (auto y = first(dg.y, dg.y2); !y.empty()) c.year = to_int(y);
  else if (auto yc = group(dg.yc); !yc.empty()) c.year = chinese_year(yc);
  else if (auto f = group(dg.fyp); !f.empty()) c.year = five_year_plan_end(f);
  if (c.year < 1900 || c.year > 2100) return false;
  c.month = to_int(first(dg.m, dg.m2));
  c.day = to_int(first(dg.d, dg.d2));
  if (!first(dg.ye, dg.ye2).empty()) c.month = 12;
  if (c.month < 0 || c.month > 12 || c.day < 0 || c.day > 31) return false;
  if (c.month == 0) c.day = 0;
  if (auto y1 = group(dg.y1); !y1.empty() && to_int(y1) > c.year) return false;
  return true;
}

}  // namespace

std::vector<DateMention> find_dates(const NormalizedText& nt, const Grammar& grammar, const LineRules* lines) {
  const RuleSet& rules = grammar.impl().rule_set(kFile, "dates");
  std::vector<DateMention> out;
  if (rules.rules.empty()) return out;
  const std::string& text = nt.text();
  std::vector<Candidate> cands;
  std::vector<std::optional<DateGroups>> groups(rules.rules.size());  // of the rules that matched
  std::vector<re2::StringPiece> g;
  if (lines && !lines->usable) lines = nullptr;
  // Where the narrow rules can match, when match_lines() found out (its
  // windows come from the joint set's rules, the dates rules first).
  const LineWindows* windows = nullptr;
  if (lines && !lines->window_begin.empty())
    if (const Grammar::Impl::LineSet* joint = grammar.impl().line_set()) windows = joint->windows.get();
  // Where a rule is searched in a paragraph: [begin, end), and the places
  // where a match can start there, starts[first, last) (text positions).
  struct Place {
    std::size_t begin, end, first, last;
  };
  std::vector<Place> places;
  std::vector<std::size_t> starts;
  std::vector<int> listed;
  for (std::size_t pb = 0, line = 0; pb < text.size(); ++line) {
    // The paragraph: the line without its break.
    std::size_t pe;
    if (lines) {
      pe = line + 1 < lines->line_begin.size() ? lines->line_begin[line + 1] - 1 : text.size();
      if (lines->dates[line].empty()) {
        pb = pe + 1;
        continue;
      }
    } else {
      pe = text.find('\n', pb);
      if (pe == std::string::npos) pe = text.size();
    }
    std::string_view para(text.data() + pb, pe - pb);
    // The rules that may match here: match_lines()'s list when given (read
    // with the line break, a superset), else this set's own answer.
    const std::vector<int>& candidates = lines ? lines->dates[line] : (listed = rules.matching(para));
    for (int idx : candidates) {
      const RE2& re = *rules.rules[static_cast<std::size_t>(idx)].re;
      std::optional<DateGroups>& dg = groups[static_cast<std::size_t>(idx)];
      if (!dg) dg.emplace(re);
      g.resize(static_cast<std::size_t>(dg->count));
      // The places of the paragraph where the rule can match: the line's
      // windows (from the first place in each where a match can start),
      // else all of it. A match lies in one window, so a search that stops
      // at a window's end finds what one over the whole paragraph would (RE2
      // reads the context past it).
      places.clear();
      starts.clear();
      const bool narrow = windows && windows->narrow(static_cast<std::size_t>(idx));
      if (narrow) {
        for (std::size_t w = lines->window_begin[line]; w < lines->window_begin[line + 1]; ++w) {
          const ByteSpan window = lines->windows[w];
          const std::size_t from = starts.size();
          windows->rule_starts(static_cast<std::size_t>(idx), text, window, starts);
          if (starts.size() == from) continue;
          places.push_back({starts[from] - pb, std::min(window.second - pb, para.size()), from, starts.size()});
        }
      } else {
        places.push_back({0, para.size(), 0, 0});
      }
      const re2::StringPiece input(para.data(), para.size());
      std::size_t pos = 0;
      for (const Place& place : places) {
        const std::size_t span_begin = place.begin, span_end = place.end;  // (a lambda below reads them)
        pos = std::max(pos, span_begin);
        // A window's first match mostly starts where its first match can
        // start: a search anchored there finds it with the capture engine
        // alone (an unanchored one first runs the DFA forward and backward
        // to find the match). Each later search starts at the window's next
        // place where a match can start, if there is one: most windows hold
        // one match, and a search after it would find none.
        const bool fast = narrow && !DatesTesting::straightforward.load(std::memory_order_relaxed);
        bool first = fast && pos == span_begin;
        std::size_t next_start = place.first;  // of the window's starts, the first not passed
        auto search = [&] {
          if (first) {
            first = false;
            if (re.Match(input, pos, span_end, RE2::ANCHOR_START, g.data(), dg->count)) return true;
            ++pos;
          }
          if (fast) {
            while (next_start < place.last && starts[next_start] - pb < pos) ++next_start;
            if (next_start == place.last) return false;
            pos = starts[next_start] - pb;
            if (pos >= span_end) return false;
          }
          return pos < span_end && re.Match(input, pos, span_end, RE2::UNANCHORED, g.data(), dg->count);
        };
        // (A narrow rule's match is never empty: none at a window's end.)
        while ((pos < span_end || (pos == span_end && !narrow)) && search()) {
          const re2::StringPiece* span = &g[0];
          if (dg->q >= 0 && g[static_cast<std::size_t>(dg->q)].data()) span = &g[static_cast<std::size_t>(dg->q)];
          Candidate c{static_cast<std::size_t>(span->data() - text.data()), 0, idx};
          c.end = c.begin + span->size();
          if (read_date(*dg, g.data(), c) && c.end > c.begin) cands.push_back(c);
          std::size_t next = static_cast<std::size_t>(g[0].data() - para.data()) + g[0].size();
          // Rescan from inside the match: another rule's phrase may start there,
          // and this rule's own next phrase may share a context character.
          std::size_t inner = static_cast<std::size_t>(span->data() - para.data()) + 1;
          pos = std::max(pos + 1, std::min(next, inner));
        }
      }
    }
    pb = pe + 1;
  }
  std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
    if (a.begin != b.begin) return a.begin < b.begin;
    if (a.end != b.end) return a.end > b.end;
    return a.rule < b.rule;
  });
  // What a mention takes from its rule, read once per rule (its few
  // fields walked once, not looked up by name).
  struct Attrs {
    const std::string* kind;
    bool listed, commitment, scopes;  // listed: kind neither empty nor "none"
  };
  static const std::string no_kind;
  std::vector<std::optional<Attrs>> attrs(rules.rules.size());
  std::size_t taken_end = 0;
  for (const Candidate& c : cands) {
    if (c.begin < taken_end) continue;
    taken_end = c.end;
    const PatternRule& rule = rules.rules[static_cast<std::size_t>(c.rule)];
    std::optional<Attrs>& a = attrs[static_cast<std::size_t>(c.rule)];
    if (!a) {
      a = Attrs{&no_kind, false, false, false};
      for (const auto& [key, value] : rule.attrs) {
        if (same(key, "kind")) a->kind = &value;
        else if (same(key, "commitment")) a->commitment = same(value, "true");
        else if (same(key, "scopes")) a->scopes = same(value, "true");
      }
      a->listed = !a->kind->empty() && !same(*a->kind, "none");
      a->scopes = a->scopes || same(*a->kind, "by");
    }
    if (!a->listed) continue;
    DateMention& m = out.emplace_back();
    m.begin = c.begin;
    m.end = c.end;
    m.year = c.year;
    m.date = format_date(c.year, c.month, c.day);
    m.kind = *a->kind;
    m.commitment = a->commitment;
    m.scopes_targets = a->scopes;
    m.rule = rule.id;
  }
  return out;
}

void extract_deadlines(const NormalizedText& nt, const std::vector<DateMention>& dates, Document& doc) {
  // A plan does not commit to what was due before it was issued: such dates
  // describe the past ("2020年,全市…").
  int issued = 0;
  if (doc.date && doc.date->size() >= 4) issued = to_int(std::string_view(*doc.date).substr(0, 4));
  for (const DateMention& m : dates) {
    if (!m.commitment) continue;
    if (issued > 0 && m.year < issued) continue;
    Location loc = locate(doc, m.begin);
    Deadline d;
    d.clause = loc.clause;
    d.section = loc.section;
    d.date = m.date;
    d.kind = m.kind;
    const SourcePosition pos = nt.position(m.begin);
    d.line = pos.line;
    d.column = pos.column;
    d.quote = nt.quote(m.begin, m.end);
    d.rule = m.rule;
    doc.deadlines.push_back(std::move(d));
  }
}

}  // namespace plancmp
