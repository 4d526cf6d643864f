// Stage 3: sections and clauses with repaired numbering. See include/plancmp/structure.h.
//
// How it works:
//  1. Candidates. Every marker the numbering grammar finds is a candidate item
//     at its rule's level. Paragraphs without a marker can be items too: a short
//     standalone heading line (level 1 or 2) and a task paragraph that ends with a
//     unit note (the deepest level whose items open paragraphs).
//  2. Sequence check, one level at a time, top down. A dynamic programme picks
//     the chain of candidates whose numbers run 1, 2, 3... (restarting at 1 is
//     allowed when the parent item changes), maximising the evidence: a marker
//     read exactly scores its rule weight, a marker read as a truncated number
//     ("(二十)" for 24) scores half, an unnumbered candidate scores little or
//     nothing, and every number the chain skips costs kMissingPenalty.
//  3. Items of one level are the parents of the next level's candidates.
#include "plancmp/structure.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>
#include <re2/re2.h>
#include <re2/set.h>

#include "derived_cache.h"
#include "grammar_internal.h"
#include "markers.h"
#include "structure_tail.h"
#include "utf8_util.h"

namespace plancmp {

namespace {

constexpr int kMinNumberRange = 120;  // numbers a series may reach beyond what is printed
constexpr int kNumberSlack = 20;
constexpr int kMaxSeriesNumber = 10000;  // no plan numbers a series past this
constexpr double kMissingPenalty = 1.5;  // per number a chain skips
constexpr double kMaxStartPenalty = 4.5; // a series may open late (an excerpt)
constexpr double kNegInf = -std::numeric_limits<double>::infinity();
constexpr int kMaxHeadingChars = 40;
constexpr int kMaxTitleChars = 30;

struct Paragraph {
  std::size_t begin, end;  // text bytes, end excludes '\n'
};

struct Candidate {
  int level = 0;
  std::size_t begin = 0;     // where the item starts (marker or paragraph start)
  std::size_t body = 0;      // where its title starts
  std::size_t para_end = 0;  // end of the paragraph it opens or sits in
  const MarkerMatch* marker = nullptr;  // null: an unnumbered paragraph (nothing printed)
  double weight = 0;                    // evidence when read as printed
  bool heading_line = false;            // a short title alone on its line
  int parent = -1;                      // index of the enclosing chosen item
};

// A chosen item of any level.
struct Item {
  Candidate cand;
  int value = 0;
  std::size_t end = 0;  // end of its range in the text
};

// The messages below joined from text and numbers (as fmt's "{}" prints
// them): there are dozens per plan, and fmt's parsing of a format string
// costs several times the joining.
void append_part(std::string& out, std::string_view text) { out += text; }
void append_part(std::string& out, int number) { out += std::to_string(number); }
std::size_t part_size(std::string_view text) { return text.size(); }
std::size_t part_size(int) { return 11; }  // "-2147483648"

template <class... Parts>
std::string join(const Parts&... parts) {
  std::string out;
  out.reserve((part_size(parts) + ...));
  (append_part(out, parts), ...);
  return out;
}

// Why an item's number differs from its print, or "" when the print is sound.
std::string repair_reason(const Item& item) {
  const MarkerMatch* m = item.cand.marker;
  if (!m) return join("no number printed; the sequence makes it number ", item.value);
  if (m->misread && m->value && *m->value == item.value)
    return join("printed \"", m->printed, "\" is an OCR misreading of number ", item.value);
  if (!m->value)
    return join("printed \"", m->printed, "\" lost its numeral; the sequence makes it number ", item.value);
  if (*m->value != item.value)
    return join("printed \"", m->printed, "\" but it is number ", item.value,
                " of its series (the print is damaged)");
  if (m->rule->damaged)
    return join("printed \"", m->printed, "\" is a damaged marker (", m->rule->description,
                "); read as number ", item.value);
  return {};
}

const std::string& printed_of(const Candidate& c) {
  static const std::string none;
  return c.marker ? c.marker->printed : none;
}

std::string rule_of(const Item& item) {
  if (item.cand.marker) return item.cand.marker->rule->id;
  return item.cand.heading_line ? "heading-line" : "task-paragraph";
}

std::vector<Paragraph> split_paragraphs(const std::string& text) {
  std::vector<Paragraph> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back({start, nl});
    start = nl + 1;
  }
  return out;
}

std::size_t count_chars(std::string_view s) { return utf8::length(s); }

std::string_view trim_view(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return c != ' ' && c != '\t'; };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

// A line that is only a heading: short, no sentence inside it, mostly Chinese.
bool is_heading_line(std::string_view line) {
  std::size_t chars = count_chars(line);
  if (chars < 2 || chars > kMaxHeadingChars) return false;
  if (line.find("。") != std::string_view::npos || line.find(':') != std::string_view::npos)
    return false;
  int han = 0, digits = 0;
  for (std::size_t i = 0; i < line.size();) {
    char32_t c = utf8::next(line, i);
    han += is_han(c);
    digits += (c >= U'0' && c <= U'9');
  }
  // Captions of tables and figures ("表1 主要指标") head no item.
  static const RE2 caption(R"(^(?:附?表|图)\s*[0-9一二三四五六七八九十]+)");
  return han >= 2 && digits < 4 && !RE2::PartialMatch(line, caption);
}

// How the task note is looked for in a paragraph's tail. A pattern that ends
// in `$` (the note's "…[^。]{0,80}$") RE2 searches backwards from the end,
// and the states of that reverse DFA over a counted repeat cost far more to
// build than the forward DFA of an RE2::Set holding the same pattern. The
// set holds the pattern with its long counted repeats open-ended
// (open_counted_repeats: a twentieth of the compile), which answers for the
// pattern on a text of at most `bound` characters and rules out matches on
// any text; the note's own regex answers for the rest. Built once per
// pattern for the process.
// Before either, the words every match holds (required_words_of) rule out
// most paragraph tails: a task paragraph that carries no unit note ends in
// none of them.
struct SomewhereSearch {
  std::unique_ptr<RE2::Set> set;  // null: no set
  std::size_t bound = 0;          // the set answers alone on texts of at most this many characters
  std::unique_ptr<const RequiredWords> words;  // null: no test
};

// The key of the task note's readings: its pattern and options (as regex_key).
std::string key_of(const TaskNote& note) { return note.pattern + '\0' + options_key(note.options) + '\0'; }

std::shared_ptr<const SomewhereSearch> search_of(const TaskNote& note) {
  static DerivedCache<SomewhereSearch> searches;
  return searches.get(key_of(note), [&] {
    auto search = std::make_shared<SomewhereSearch>();
    OpenedRepeats opened = open_counted_repeats(note.pattern);
    if (opened.pattern.empty()) opened = {note.pattern, std::string::npos};  // (not followed: as written)
    auto set = std::make_unique<RE2::Set>(note.options, RE2::UNANCHORED);
    if (set->Add(opened.pattern, nullptr) == 0 && set->Compile()) {
      search->set = std::move(set);
      search->bound = opened.bound;
    }
    search->words = required_words_of(note.pattern, note.options);
    return search;
  });
}

// end_anchored_stops of the task note, read once per pattern for the process.
std::shared_ptr<const std::vector<std::string>> stops_of(const TaskNote& note) {
  static DerivedCache<std::vector<std::string>> stops;
  return stops.get(key_of(note), [&] {
    return std::make_shared<const std::vector<std::string>>(end_anchored_stops(note.pattern, note.options));
  });
}

// Does the task note match somewhere in `text`? `search` is search_of(note),
// looked up once by the caller; the note's regex is compiled only when the
// set cannot answer alone.
bool matches_somewhere(const TaskNote& note, const SomewhereSearch& search, std::string_view text) {
  if (search.words && !RequiredWords::may(search.words->may_match(text), 0)) return false;
  if (search.set) {
    RE2::Set::ErrorInfo error{};
    const bool found = search.set->Match(re2::StringPiece(text.data(), text.size()), nullptr, &error);
    if (error.kind == RE2::Set::kNoError) {
      if (!found) return false;
      const std::size_t chars =
          note.options.encoding() == RE2::Options::EncodingUTF8 ? utf8::length(text) : text.size();
      if (chars <= search.bound) return true;
    }
  }
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), note.re());
}

// Where the title of an item that starts at `body` ends: at the first 。, the
// end of the paragraph, or the next item; a heading that runs into its body
// (its 。 lost) is cut at the first comma when it grows too long. Every
// search stays within the title's bounds: a text short of line breaks or
// 。 must not make each item scan on to its end.
std::size_t title_end(std::string_view text, std::size_t body, std::size_t limit, bool* run_in) {
  *run_in = false;
  std::size_t end = limit;
  if (body >= end) return end;
  if (std::size_t nl = text.substr(body, end - body).find('\n'); nl != std::string_view::npos)
    end = body + nl;
  // A 。 that starts before `end` (it may reach past a limit inside a character).
  if (std::size_t stop = text.substr(body, end - body + 2).find("。"); stop != std::string_view::npos &&
                                                                      body + stop < end)
    end = body + stop;
  if (count_chars(text.substr(body, end - body)) > kMaxTitleChars) {
    for (char cut : {',', ';'}) {
      if (std::size_t c = text.substr(body, end - body).find(cut); c != std::string_view::npos) {
        end = body + c;
        *run_in = true;
      }
    }
  }
  return end;
}

// The DP of step 2 over one level's candidates (sorted by position). Returns
// (candidate index, number) pairs of the best chain.
// Gives up (empty chain, *over_budget set) once it would keep more than
// `max_states` (candidate, number) states: each costs memory until the end.
std::vector<std::pair<int, int>> best_chain(const std::vector<Candidate>& cands,
                                            bool restart_on_new_parent, std::size_t max_states,
                                            bool* over_budget) {
  *over_budget = false;
  const int m = static_cast<int>(cands.size());
  if (m == 0) return {};
  // Long project lists run past 100: the range follows the largest printed number.
  int V = kMinNumberRange;
  for (const Candidate& c : cands)
    if (c.marker && c.marker->value) V = std::max(V, *c.marker->value + kNumberSlack);
  // A custom grammar may read any digit string as an item number; the tables
  // below are O(V), so a printed "123456789." must not size them.
  V = std::min(V, kMaxSeriesNumber);
  const auto columns = static_cast<std::size_t>(V) + 1;

  // The numbers a printed marker can be read as depend only on its rule and
  // what it prints: worked out once per distinct form for the thread
  // (shared_numeral_readings), not per candidate. An unnumbered paragraph,
  // or a marker whose number is lost, may be any number (null: 1..V).
  std::vector<std::shared_ptr<const std::vector<int>>> held;  // what `only` points into
  held.reserve(cands.size());
  std::vector<const std::vector<int>*> only(static_cast<std::size_t>(m), nullptr);
  std::size_t state_count = 0;
  for (std::size_t j = 0; j < only.size(); ++j) {
    const MarkerMatch* mm = cands[j].marker;
    if (mm && !mm->number_text.empty()) {
      held.push_back(shared_numeral_readings(*mm, V));
      only[j] = held.back().get();
    }
    state_count += only[j] ? only[j]->size() : static_cast<std::size_t>(V);
    if (state_count > max_states) {
      *over_budget = true;
      return {};
    }
  }

  // One state per (candidate, number it is read as), kept sparse: a printed
  // number allows few readings. The states of candidate i are
  // states[row_start[i] .. row_start[i + 1]), by number: the k-th reads
  // (*only[i])[k], or k + 1 when only[i] is null. A state keeps only the link
  // back (its score lives in the running bests; the chain is read back by
  // links alone), so the rows the DP writes take a third of the memory.
  struct State {
    int prev_i, prev_v;  // (candidate, number) before it, (-1,-1) at a chain start
  };
  // Every state is written once, in place (no zeroing first: State is
  // trivial, so new[] leaves it untouched; a std::pair member would not).
  static_assert(std::is_trivially_default_constructible_v<State>);
  const std::unique_ptr<State[]> states(new State[state_count]);
  std::vector<std::size_t> row_start{0};
  row_start.reserve(static_cast<std::size_t>(m) + 1);
  // Best over the candidates processed so far (all i < j), so each transition
  // costs O(1) instead of a scan over every earlier candidate:
  //   column[v]   best state reading number v (continue with v + 1);
  //   gap         best over u <= k of column[u].score + penalty * u (skip
  //               numbers), with the first u that has it;
  //   top/second  best chain ends under two different parents (restart at a new parent).
  struct Best {
    double score = kNegInf;  // -inf exactly when empty (i < 0)
    int i = -1;
  };
  std::vector<Best> column(columns);
  RunningBest gap(columns);
  struct End {
    double score = kNegInf;
    int i = -1, v = -1, parent = -2;
  };
  End top, second;
  End overall;

  for (int j = 0; j < m; ++j) {
    const Candidate& cand = cands[static_cast<std::size_t>(j)];
    const int parent = cand.parent;
    const End& other_parent = top.parent != parent ? top : second;
    End row_best;
    // Chaining on from the best end under another parent (-inf: none).
    const double other_score = restart_on_new_parent && other_parent.i >= 0 ? other_parent.score : kNegInf;
    // A printed number is read only as what it can be, at half weight when
    // only a fragment of it fits.
    const std::vector<int>* row = only[static_cast<std::size_t>(j)];
    const int exact = row && cand.marker->value ? *cand.marker->value : -1;
    const std::size_t count = row ? row->size() : static_cast<std::size_t>(V);
    State* const row_states = states.get() + row_start.back();
    Best* const col = column.data();
    const int other_i = other_parent.i, other_v = other_parent.v;
    double best_score = kNegInf;  // the row's best state (its lowest number among equals)
    int best_v = -1;
    // Writes the row's k-th state and lets it join the row's best and the
    // running bests of its number.
    auto settle = [&](std::size_t k, int v, double score, int prev_i, int prev_v) {
      row_states[k] = {prev_i, prev_v};
      if (score >= best_score) {
        best_score = score;
        best_v = v;
      }
      if (score > col[v].score) {
        col[v] = {score, j};
        gap.raise(static_cast<std::size_t>(v), score + kMissingPenalty * static_cast<double>(v));
      }
    };
    // The state reading number v at weight w, k-th of the row.
    auto step = [&](std::size_t k, int v, double w) {
      const double start_penalty = std::min(kMissingPenalty * (v - 1), kMaxStartPenalty);
      double score = w - start_penalty;  // start a chain here
      int prev_i = -1, prev_v = -1;
      // (A best that is empty scores -inf: no chain from it beats a start.)
      if (v >= 2) {
        const Best c = col[v - 1];
        if (c.score + w > score) {
          score = c.score + w;
          prev_i = c.i;
          prev_v = v - 1;
        }
      }
      if (v >= 3) {
        const auto [best, from] = gap.at(static_cast<std::size_t>(v) - 2);
        if (const double sc = best - kMissingPenalty * (v - 1) + w; sc > score) {
          score = sc;
          prev_i = col[from].i;
          prev_v = from;
        }
      }
      if (other_score + w - start_penalty > score) {
        score = other_score + w - start_penalty;
        prev_i = other_i;
        prev_v = other_v;
      }
      settle(k, v, score, prev_i, prev_v);
    };
    // By number downwards, so each state joins the running bests at once: a
    // state reads only the bests of lower numbers, which the row has not
    // touched yet. (Among equal scores the row's best is its lowest number.)
    if (row) {
      for (std::size_t k = count; k-- > 0;) {
        const int v = (*row)[k];
        step(k, v, v == exact ? cand.weight : cand.weight * 0.5);
      }
    } else {
      // Any number: from 4 on the start penalty is the same, and the bests
      // of the numbers below are read straight (raises in the row are at
      // higher numbers than those it reads).
      const double w = cand.weight;
      const double start = w - kMaxStartPenalty, other = other_score + w - kMaxStartPenalty;
      const auto [gap_best, gap_from] = gap.upto(count >= 3 ? count - 2 : 0);
      std::size_t k = count;
      for (; k-- > 3;) {
        const int v = static_cast<int>(k) + 1;
        double score = start;
        int prev_i = -1, prev_v = -1;
        const Best c = col[v - 1];
        if (c.score + w > score) {
          score = c.score + w;
          prev_i = c.i;
          prev_v = v - 1;
        }
        if (const double sc = gap_best[v - 2] - kMissingPenalty * (v - 1) + w; sc > score) {
          score = sc;
          prev_i = col[gap_from[v - 2]].i;
          prev_v = gap_from[v - 2];
        }
        if (other > score) {
          score = other;
          prev_i = other_i;
          prev_v = other_v;
        }
        settle(k, v, score, prev_i, prev_v);
      }
      for (++k; k-- > 0;) step(k, static_cast<int>(k) + 1, w);
    }
    if (best_v >= 0) row_best = {best_score, j, best_v, parent};
    row_start.push_back(row_start.back() + count);
    if (row_best.i >= 0) {
      if (row_best.score > overall.score) overall = row_best;
      if (row_best.parent == top.parent) {
        if (row_best.score > top.score) top = row_best;
      } else if (row_best.score > top.score) {
        second = top;
        top = row_best;
      } else if (row_best.score > second.score) {
        second = row_best;
      }
    }
  }
  std::vector<std::pair<int, int>> chain;
  if (overall.score <= 0) return chain;  // no evidence of a numbered series at this level
  auto state_of = [&](int i, int v) -> const State& {
    const auto row = static_cast<std::size_t>(i);
    const State* first = states.get() + row_start[row];
    const std::vector<int>* numbers = only[row];
    if (!numbers) return first[v - 1];
    return first[std::lower_bound(numbers->begin(), numbers->end(), v) - numbers->begin()];
  };
  for (std::pair<int, int> at{overall.i, overall.v}; at.first >= 0;) {
    chain.push_back(at);
    const State& st = state_of(at.first, at.second);
    at = {st.prev_i, st.prev_v};
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

class StructureFinder {
 public:
  StructureFinder(const NormalizedText& text, const Grammar::Impl& grammar, std::size_t max_states)
      : nt_(text), text_(text.text()), g_(grammar), max_states_(max_states) {}

  Structure run();

 private:
  static constexpr std::size_t kLevels = 10;  // marker levels are 1-9
  void collect_candidates();
  void weigh_heading_lines();
  // `seen[l]`: how many items of level l start at or before an earlier
  // `pos` of the same caller (0 at first): positions asked in order only
  // move them on.
  int enclosing_item(std::size_t pos, int below_level, std::array<std::size_t, kLevels>& seen) const;
  // "(三)标题。正文…": the item's paragraph goes on after its title sentence.
  bool has_body_after_title(const Candidate& c) const {
    if (c.body >= c.para_end) return false;
    std::size_t stop = std::string_view(text_).substr(c.body, c.para_end - c.body).find("。");
    return stop != std::string_view::npos && c.body + stop + 3 < c.para_end;
  }
  bool starts_paragraph(std::size_t pos) const { return pos == 0 || text_[pos - 1] == '\n'; }
  void choose_level(int level, bool restart_on_new_parent);
  void build_output(Structure& out);
  // The first item before item i (a scan back) that encloses it, or -1.
  int enclosing_by_scan(std::size_t i) const {
    const Item& item = items_[i];
    for (std::size_t j = i; j-- > 0;) {
      const Item& p = items_[j];
      if (p.cand.level < item.cand.level && p.cand.begin <= item.cand.begin && item.cand.begin < p.end)
        return static_cast<int>(j);
    }
    return -1;
  }
  std::string title_of(std::size_t i, bool* run_in) const;  // of items_[i]

  const NormalizedText& nt_;
  const std::string& text_;
  const Grammar::Impl& g_;
  const std::size_t max_states_;     // see best_chain()
  std::vector<Warning> limit_warnings_;
  std::vector<Paragraph> paragraphs_;
  std::vector<MarkerMatch> markers_;
  std::vector<Candidate> candidates_;
  std::vector<Item> items_;  // chosen, all levels, kept sorted by position
  std::vector<std::vector<int>> by_level_;    // see choose_level()
  // The candidates of each level (indices into candidates_, in order), and
  // the copies choose_level() hands to best_chain().
  std::array<std::vector<std::uint32_t>, kLevels> cands_of_level_;
  std::vector<Candidate> level_cands_;
};

void StructureFinder::collect_candidates() {
  paragraphs_ = split_paragraphs(text_);
  markers_ = find_markers(g_, text_);
  candidates_.reserve(markers_.size() + 2 * paragraphs_.size());  // a heading line is a candidate twice
  std::vector<bool> para_has_marker(paragraphs_.size(), false);
  std::size_t pi = 0;
  int paragraph_markers_by_level[10] = {0};
  for (const MarkerMatch& m : markers_) {
    while (pi + 1 < paragraphs_.size() && paragraphs_[pi].end < m.begin) ++pi;
    Candidate c;
    c.level = m.rule->level;
    c.begin = m.begin;
    c.body = m.body;
    c.para_end = paragraphs_[pi].end;
    c.marker = &m;
    c.weight = m.rule->weight;
    if (m.rule->position == MarkerPosition::kBoundaryPreferred && !m.at_boundary) c.weight *= 0.5;
    if (m.begin == paragraphs_[pi].begin) {
      para_has_marker[pi] = true;
      if (m.value && c.level < 10) ++paragraph_markers_by_level[c.level];
    }
    candidates_.push_back(c);
  }
  // Unnumbered task paragraphs join the deepest level whose items open paragraphs.
  int task_level = 0;
  for (int level = 2; level < 10; ++level)
    if (paragraph_markers_by_level[level] >= 3) task_level = level;
  const bool task_note = !g_.task_note.id.empty();
  const std::shared_ptr<const SomewhereSearch> task_note_search = task_note ? search_of(g_.task_note) : nullptr;
  // A task note ends at its paragraph's end and holds none of these ("。"):
  // it is looked for only after the last of them.
  const std::shared_ptr<const std::vector<std::string>> task_note_stops =
      task_note ? stops_of(g_.task_note) : nullptr;
  for (std::size_t p = 0; p < paragraphs_.size(); ++p) {
    if (para_has_marker[p]) continue;
    const Paragraph& para = paragraphs_[p];
    const std::string_view line =
        trim_view(std::string_view(text_).substr(para.begin, para.end - para.begin));
    if (line.empty()) continue;
    Candidate c;
    c.begin = c.body = para.begin;
    c.para_end = para.end;
    if (is_heading_line(line)) {
      c.heading_line = true;
      for (int level : {1, 2}) {
        c.level = level;
        candidates_.push_back(c);
      }
      continue;
    }
    if (task_level == 0) continue;
    c.level = task_level;
    std::size_t first_stop = line.find("。");
    bool short_heading = first_stop != std::string_view::npos && first_stop + 3 < line.size() &&
                         count_chars(line.substr(0, first_stop)) <= 25 &&
                         line.substr(0, first_stop).find(',') == std::string::npos;
    if (task_note && matches_somewhere(g_.task_note, *task_note_search, after_last_stop(line, *task_note_stops)))
      c.weight = 1.0;
    else if (short_heading)
      c.weight = -0.2;  // only to fill a gap the numbering shows
    else
      continue;
    candidates_.push_back(c);
  }
  // Both runs are in position order (the markers are found in order, the
  // paragraphs are): a stable merge, as a stable sort of the whole would give.
  std::inplace_merge(candidates_.begin(), candidates_.begin() + static_cast<std::ptrdiff_t>(markers_.size()),
                     candidates_.end(), [](const Candidate& a, const Candidate& b) { return a.begin < b.begin; });
  weigh_heading_lines();
}

// A heading line is the parent of the items after it when they carry their
// text inline ("(三十)强化…。正文…"), and a peer when the next item is a bare
// heading line too ("指导思想" before "(二)基本原则").
void StructureFinder::weigh_heading_lines() {
  for (std::size_t k = 0; k < candidates_.size(); ++k) {
    Candidate& c = candidates_[k];
    if (!c.heading_line) continue;
    const Candidate* next = nullptr;
    for (std::size_t n = k + 1; n < candidates_.size(); ++n) {
      const Candidate& d = candidates_[n];
      if (d.begin == c.begin) continue;
      if (d.level == 1 && d.marker) break;
      if (d.level >= 2 && (d.marker == nullptr || starts_paragraph(d.begin))) {
        next = &d;
        break;
      }
    }
    bool next_inline = next && !next->heading_line && has_body_after_title(*next);
    // As a clause it opens its section ("一、总体要求" then "指导思想") or fills a gap.
    bool opens_section = false;
    for (std::size_t p = k; p-- > 0;) {
      const Candidate& d = candidates_[p];
      if (d.begin == c.begin) continue;
      opens_section = d.level == 1 && d.marker && starts_paragraph(d.begin);
      break;
    }
    if (c.level == 1) c.weight = next_inline ? 1.0 : -0.5;
    else c.weight = (next && !next_inline && opens_section) ? 0.5 : -0.3;
  }
}

int StructureFinder::enclosing_item(std::size_t pos, int below_level,
                                    std::array<std::size_t, kLevels>& seen) const {
  // Items of one level do not overlap (each runs to the next item of its level
  // or above), so the innermost enclosing item is, for the deepest level that
  // has one, the last item of that level starting at or before `pos`: found
  // per level a few steps on from the last answer (predictable branches), or
  // by a binary search over the rest, not by a scan of every item.
  if (by_level_.size() == kLevels) {
    for (int level = std::min(below_level, static_cast<int>(kLevels)) - 1; level >= 0; --level) {
      const std::vector<int>& at_level = by_level_[static_cast<std::size_t>(level)];
      auto starts_after = [&](std::size_t p, int i) { return p < items_[static_cast<std::size_t>(i)].cand.begin; };
      auto it = at_level.begin() + static_cast<std::ptrdiff_t>(seen[static_cast<std::size_t>(level)]);
      for (int steps = 0; it != at_level.end() && !starts_after(pos, *it); ++it)
        if (++steps > 4) {
          it = std::upper_bound(it, at_level.end(), pos, starts_after);
          break;
        }
      seen[static_cast<std::size_t>(level)] = static_cast<std::size_t>(it - at_level.begin());
      if (it != at_level.begin() && pos < items_[static_cast<std::size_t>(*(it - 1))].end) return *(it - 1);
    }
    return -1;
  }
  int found = -1;
  for (std::size_t i = 0; i < items_.size(); ++i) {
    const Item& it = items_[i];
    if (it.cand.level < below_level && it.cand.begin <= pos && pos < it.end &&
        (found < 0 || it.cand.level > items_[found].cand.level))
      found = static_cast<int>(i);
  }
  return found;
}

void StructureFinder::choose_level(int level, bool restart_on_new_parent) {
  std::vector<Candidate>& cands = level_cands_;  // kept from level to level: no reallocation
  cands.clear();
  const bool has_sections = !items_.empty();
  // Indices of the chosen items by level, in position order (enclosing_item()).
  by_level_.resize(kLevels);  // kept from level to level: no reallocation
  for (std::vector<int>& at_level : by_level_) at_level.clear();
  for (std::size_t i = 0; i < items_.size(); ++i) {
    const int l = items_[i].cand.level;
    if (l < 0 || l >= static_cast<int>(kLevels)) {
      by_level_.clear();  // not expected: fall back to the plain scan
      break;
    }
    by_level_[static_cast<std::size_t>(l)].push_back(static_cast<int>(i));
  }
  if (level < 0 || static_cast<std::size_t>(level) >= kLevels) return;  // (no candidates: see run())
  // items_ and the candidates are sorted by position, so the first item at or
  // after a candidate only moves on: a few steps from the last one (each
  // branch predictable, unlike a binary search's), or a binary search over
  // the rest when it is further.
  auto at = items_.begin();
  std::array<std::size_t, kLevels> seen{};  // enclosing_item()'s places, moving on likewise
  for (const std::uint32_t k : cands_of_level_[static_cast<std::size_t>(level)]) {
    const Candidate& c = candidates_[k];
    for (int steps = 0; at != items_.end() && at->cand.begin < c.begin; ++at)
      if (++steps > 4) {
        at = std::lower_bound(at, items_.end(), c.begin,
                              [](const Item& it, std::size_t pos) { return it.cand.begin < pos; });
        break;
      }
    bool taken = at != items_.end() && at->cand.begin == c.begin;
    if (taken) continue;
    Candidate copy = c;
    copy.parent = enclosing_item(c.begin, level, seen);
    // Unnumbered text before the first section is preamble (addressees, title,
    // signature), not an item.
    if (!c.marker && level > 1 && copy.parent < 0 && has_sections) continue;
    cands.push_back(copy);
  }
  bool over_budget = false;
  auto chain = best_chain(cands, restart_on_new_parent, max_states_, &over_budget);
  if (over_budget) {
    // Too many readings to weigh (tens of thousands of unnumbered or damaged
    // candidates): keep the items whose number is printed and readable.
    const std::size_t all = cands.size();
    cands.erase(std::remove_if(cands.begin(), cands.end(),
                               [](const Candidate& c) { return !c.marker || !c.marker->value; }),
                cands.end());
    chain = best_chain(cands, restart_on_new_parent, max_states_, &over_budget);
    limit_warnings_.push_back(
        {"numbering-limit",
         over_budget ? fmt::format("level {} has {} candidate items, more than the numbering check can "
                                   "weigh ({} states); no items of this level were read",
                                   level, all, max_states_)
                     : fmt::format("level {} has {} candidate items, more than the numbering check can "
                                   "weigh ({} states); only the {} with a readable printed number were "
                                   "considered",
                                   level, all, max_states_, cands.size()),
         0, 0, -1});
    if (over_budget) chain.clear();
  }
  if (chain.empty()) return;  // no item at this level: items_ and their ends stand
  // Both runs are in position order (cands is): a stable merge, as a stable
  // sort of the whole would give.
  const auto chosen_before = static_cast<std::ptrdiff_t>(items_.size());
  for (auto [index, value] : chain) items_.push_back({cands[index], value, text_.size()});
  std::inplace_merge(items_.begin(), items_.begin() + chosen_before, items_.end(),
                     [](const Item& a, const Item& b) { return a.cand.begin < b.cand.begin; });
  // An item runs to the next item of its level or above.
  for (std::size_t i = 0; i < items_.size(); ++i) {
    items_[i].end = text_.size();
    for (std::size_t j = i + 1; j < items_.size(); ++j)
      if (items_[j].cand.level <= items_[i].cand.level) {
        items_[i].end = items_[j].cand.begin;
        break;
      }
  }
}

std::string StructureFinder::title_of(std::size_t i, bool* run_in) const {
  const Item& item = items_[i];
  std::size_t limit = item.end;
  // The first item after this one: items_ is sorted by position, so it is
  // the first past i that starts further on (most often i + 1).
  auto next = items_.begin() + static_cast<std::ptrdiff_t>(i) + 1;
  while (next != items_.end() && next->cand.begin <= item.cand.begin) ++next;
  if (next != items_.end()) limit = std::min(limit, next->cand.begin);
  std::size_t end = title_end(text_, item.cand.body, limit, run_in);
  return trim(nt_.display(item.cand.body, end));
}

void StructureFinder::build_output(Structure& out) {
  std::vector<int> clause_index_of_item(items_.size(), -1);
  const auto sections = static_cast<std::size_t>(
      std::count_if(items_.begin(), items_.end(), [](const Item& it) { return it.cand.level == 1; }));
  out.sections.reserve(sections);
  out.clauses.reserve(items_.size() - sections);
  // The last item so far of each level: an item's parent and its predecessor
  // in its series are then found in a step per level, not by a scan back
  // over its siblings (unless a level is out of range).
  std::array<int, kLevels> last_of_level;
  last_of_level.fill(-1);
  const bool levels_in_range = std::all_of(items_.begin(), items_.end(), [](const Item& it) {
    return it.cand.level >= 0 && it.cand.level < static_cast<int>(kLevels);
  });
  auto last_below = [&](int level) {  // the last item of a level under `level`
    int j = -1;
    for (int l = 0; l < level; ++l) j = std::max(j, last_of_level[static_cast<std::size_t>(l)]);
    return j;
  };
  int section_n = 0;
  for (std::size_t i = 0; i < items_.size(); ++i) {
    const Item& item = items_[i];
    const int level = item.cand.level;
    // The innermost item that encloses this one, and the one before it in
    // its series (-1: none). A scan back meets the last item of a lower
    // level first, and that one encloses this one (it runs to the next item
    // of its level or above); the one before in the series is the last of
    // this level, unless an item of a lower level (its parent) came after it.
    auto encloses = [&](const Item& p) {
      return p.cand.level < level && p.cand.begin <= item.cand.begin && item.cand.begin < p.end;
    };
    int parent = -1, before = -1;
    if (levels_in_range) {
      const int below = last_below(level), same = last_of_level[static_cast<std::size_t>(level)];
      // (No item of a lower level before: none encloses this one.)
      if (below >= 0)
        parent = encloses(items_[static_cast<std::size_t>(below)]) ? below : enclosing_by_scan(i);
      if (same > below) before = same;
      last_of_level[static_cast<std::size_t>(level)] = static_cast<int>(i);
    } else {
      parent = enclosing_by_scan(i);
      for (std::size_t j = i; j-- > 0;) {
        if (items_[j].cand.level < level) break;  // first item under its parent
        if (items_[j].cand.level != level) continue;
        before = static_cast<int>(j);
        break;
      }
    }
    SourcePosition pos = nt_.position(item.cand.begin);
    bool run_in = false;
    std::string title = title_of(i, &run_in);
    if (std::string why = repair_reason(item); !why.empty())
      out.warnings.push_back({"numbering-repaired",
                              join(item.cand.level == 1 ? "section" : "clause", " \"", title, "\": ", why),
                              pos.line, pos.column, -1});
    if (run_in)
      out.warnings.push_back({"heading-runs-into-body",
                              join("heading has no 。 before its body; title cut at the first comma: ",
                                   title),
                              pos.line, pos.column, -1});
    if (item.cand.level == 1) {
      section_n = item.value;
      out.sections.push_back({item.value, printed_of(item.cand), std::move(title), pos.line, pos.column,
                              rule_of(item), item.cand.begin, item.end});
      continue;
    }
    clause_index_of_item[i] = static_cast<int>(out.clauses.size());
    Clause& c = out.clauses.emplace_back();  // (reserved: no reallocation)
    c.id = item.value;
    c.printed = printed_of(item.cand);
    c.section = section_n;
    c.line = pos.line;
    c.column = pos.column;
    c.level = item.cand.level;
    c.rule = rule_of(item);
    c.text_begin = item.cand.begin;
    c.text_end = item.end;
    if (parent >= 0 && items_[static_cast<std::size_t>(parent)].cand.level >= 2) {
      c.parent = items_[static_cast<std::size_t>(parent)].value;
      c.parent_index = clause_index_of_item[static_cast<std::size_t>(parent)];
    }
    // A number the series skips ("(一)" then "(三)") is reported, not invented.
    if (before >= 0) {
      const Item& prev = items_[static_cast<std::size_t>(before)];
      if (item.value > prev.value + 1)
        out.warnings.push_back({"numbering-gap",
                                join("clause \"", title, "\" is number ", item.value, ", but number",
                                     item.value - prev.value > 2 ? "s" : "", " ",
                                     item.value - prev.value > 2 ? join(prev.value + 1, "–", item.value - 1)
                                                                 : std::to_string(prev.value + 1),
                                     " of its series ", item.value - prev.value > 2 ? "are" : "is",
                                     " missing"),
                                pos.line, pos.column, -1});
    }
    c.title = std::move(title);
  }
}

Structure StructureFinder::run() {
  collect_candidates();
  for (std::size_t k = 0; k < candidates_.size(); ++k)
    if (const int level = candidates_[k].level; level >= 0 && static_cast<std::size_t>(level) < kLevels)
      cands_of_level_[static_cast<std::size_t>(level)].push_back(static_cast<std::uint32_t>(k));
  items_.reserve(candidates_.size());
  choose_level(1, /*restart_on_new_parent=*/false);
  for (int level = 2; level < 10; ++level) choose_level(level, /*restart_on_new_parent=*/true);
  Structure out;
  build_output(out);
  out.warnings.insert(out.warnings.end(), limit_warnings_.begin(), limit_warnings_.end());
  return out;
}

}  // namespace

Structure find_structure(const NormalizedText& text, const Grammar& grammar, std::size_t max_states) {
  return StructureFinder(text, grammar.impl(), max_states).run();
}

}  // namespace plancmp
