// Stage 4c: quantified targets. See include/plancmp/extract.h; the patterns are
// in grammars/targets.yaml.
//
// A plan states a target in one comma-separated segment: indicator, comparator,
// value, qualifier ("细颗粒物年平均浓度 | 不高于 | 29微克/立方米"). For each region
// (a paragraph, cut at clause starts, so a date in one task does not govern the
// next) the extractor splits segments, finds the values, groups enumerations
// ("分别削减3895吨、190吨"), reads the comparator before and the qualifier after,
// takes the indicator from what is left, and gives each target the deadline of
// the last "by" date before it in the region.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <tuple>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <re2/re2.h>

#include "byte_scan.h"
#include "derived_cache.h"
#include "grammar_internal.h"
#include "numbers.h"
#include "plancmp/extract.h"
#include "targets_internal.h"
#include "targets_mask.h"
#include "targets_numbers.h"
#include "targets_text.h"
#include "targets_patterns.h"
#include "regex_shortcuts.h"
#include "utf8_util.h"

namespace plancmp {

namespace {

constexpr const char* kFile = "targets.yaml";
constexpr std::size_t kFarReachChars = 12;  // characters between a far comparator and its value
constexpr std::size_t kLongIndicatorChars = 16;
// A phrase short enough to look through for a rule's required characters
// before running the rule from its start (a longer one is left to the rule).
constexpr std::size_t kShortPhraseBytes = 256;

struct Span {
  std::size_t begin = 0, end = 0;
  bool empty() const { return begin >= end; }
};

// A piece of text built from spans of the normalized text, with where each
// part came from, so what is cut from it still maps back to the source.
struct Phrase {
  std::string s;
  // s[at, next run's at) was text[origin, …). A run never goes on where the
  // one before it ended in the text (it would be part of that one): each run
  // is a piece show() displays whole.
  struct Run {
    std::size_t at, origin;
  };
  std::vector<Run> runs;

  void append(const std::string& text, Span span) {
    if (span.empty()) return;
    add_run(s.size(), span.begin);
    s.append(text, span.begin, span.end - span.begin);
  }
  // Appends p's text and runs.
  void append(const Phrase& p) {
    for (const Run& r : p.runs) add_run(s.size() + r.at, r.origin);
    s += p.s;
  }
  Phrase sub(std::size_t b, std::size_t e) const {
    Phrase p;
    sub_into(p, b, e);
    return p;
  }
  // sub(b, e) written into `out` (another phrase), whose room is reused.
  void sub_into(Phrase& out, std::size_t b, std::size_t e) const {
    out.s.assign(s, b, e - b);
    out.runs.clear();
    for (std::size_t k = 0; k < runs.size(); ++k) {
      const std::size_t from = std::max(runs[k].at, b), to = std::min(run_end(k), e);
      if (from < to) out.runs.push_back({from - b, runs[k].origin + (from - runs[k].at)});
    }
  }
  bool empty() const { return s.empty(); }
  // Keeps the first n bytes.
  void truncate(std::size_t n) {
    if (n >= s.size()) return;
    s.resize(n);
    while (!runs.empty() && runs.back().at >= n) runs.pop_back();
  }
  // The text byte s starts from (s must not be empty).
  std::size_t origin_front() const { return runs.front().origin; }
  std::size_t run_end(std::size_t k) const { return k + 1 < runs.size() ? runs[k + 1].at : s.size(); }

 private:
  void add_run(std::size_t at, std::size_t origin) {
    if (!runs.empty() && runs.back().origin + (at - runs.back().at) == origin) return;  // goes on
    runs.push_back({at, origin});
  }
};

std::size_t char_count(const std::string& s) { return utf8::length(s); }

// Does s hold fewer than n characters? Counts no further than n.
bool fewer_chars_than(std::string_view s, std::size_t n) {
  // A character (or invalid byte) takes one to four bytes.
  if (s.size() < n) return true;
  if (s.size() >= 4 * n) return false;
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size() && count < n; ++count) utf8::next(s, i);
  return count < n;
}

constexpr std::size_t kNoRule = static_cast<std::size_t>(-1);

// The first (or last) characters of a list of words, as a table; `any`: an
// empty word is listed, which every text opens (and closes) with.
struct EdgeChars {
  EdgeChars(const std::vector<std::string>& words, bool last) : table(of(words, last, any)) {}
  bool any = false;
  CharTable table;

 private:
  static CharSet of(const std::vector<std::string>& words, bool last, bool& any) {
    CharSet set;
    for (const std::string& w : words) {
      if (w.empty()) {
        any = true;
        continue;
      }
      std::size_t i = 0;
      if (last) {
        i = w.size() - 1;
        while (i > 0 && (static_cast<unsigned char>(w[i]) & 0xC0) == 0x80) --i;
      }
      set.add(utf8::next(w, i));
    }
    return set;
  }
};

// Could a word whose first character is one of `firsts` open s?
bool opens_with_one_of(const EdgeChars& firsts, std::string_view s) {
  if (firsts.any) return true;
  if (s.empty()) return false;
  std::size_t i = 0;
  return firsts.table.contains(utf8::next(s, i));
}

// Could a word whose last character is one of `lasts` close s?
bool closes_with_one_of(const EdgeChars& lasts, std::string_view s) {
  if (lasts.any) return true;
  if (s.empty()) return false;
  std::size_t i = s.size() - 1;
  while (i > 0 && s.size() - i < 4 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return lasts.table.contains(utf8::next(s, i));
}

// Both first compare up to three bytes inline (a CJK character's lead byte
// alone tells little): they run over word lists for every phrase.
bool starts_with(std::string_view s, std::string_view p) {
  if (s.size() < p.size()) return false;
  const std::size_t head = std::min<std::size_t>(p.size(), 3);
  for (std::size_t i = 0; i < head; ++i)
    if (s[i] != p[i]) return false;
  return p.size() == head || std::memcmp(s.data() + head, p.data() + head, p.size() - head) == 0;
}
bool ends_with(std::string_view s, std::string_view p) {
  if (s.size() < p.size()) return false;
  const std::size_t tail = std::min<std::size_t>(p.size(), 3);
  for (std::size_t i = 1; i <= tail; ++i)
    if (s[s.size() - i] != p[p.size() - i]) return false;
  return p.size() == tail || std::memcmp(s.data() + s.size() - p.size(), p.data(), p.size() - tail) == 0;
}

struct ValueHit {
  Span span;                 // the value and its unit
  double value = 0;
  std::string unit;
  const PatternRule* rule = nullptr;
  bool water_class = false;
  bool unitless = false;
  bool in_parens = false;    // inside "(…)" within its segment
  Span verb;                 // water class: its holding verb
};

struct Group {
  std::span<const ValueHit> hits;  // consecutive values of the segment's list
  Span qualifier;            // "以上" after the last value
  const PatternRule* qualifier_rule = nullptr;
  std::size_t qualifier_index = kNoRule;
};

// The named groups a values rule may have, in the order find_values reads them.
const std::vector<std::string> kValueGroups = {"num", "cn", "cls", "verb", "unit"};
enum ValueGroup { kNum, kCn, kCls, kVerb, kUnit, kValueGroupCount };

// What the extractor reads from the grammar's patterns: built once per
// grammar, cached by the patterns it is made of.
struct GrammarFacts {
  explicit GrammarFacts(const RuleSet& not_target_rules) : not_targets(not_target_rules) {}
  NotTargetScan not_targets;
  std::vector<StartTest> values;  // per values rule
  // Per values rule: the first rule with the same start test ("\d" opens
  // more than one), whose place in starts_ it shares.
  std::vector<std::size_t> same_start;
  // Per values rule: its groups (kValueGroups), read from a match found
  // without captures (most of them need no capture engine at all); made
  // only for a rule without value_sequences.
  std::vector<std::shared_ptr<const MatchGroups>> value_groups;
  // Per values rule: its groups read by scanning the match's characters, when
  // its pattern allows (null otherwise).
  std::vector<std::unique_ptr<const SequenceGroups>> value_sequences;
  // Per values rule: characters one of which every match holds (none: not known).
  std::vector<std::optional<CharTable>> value_required;
  // Per values rule: the characters its matches are made of, when it has no
  // empty match (none: not known, or it has one).
  std::vector<std::optional<CharTable>> value_alphabet;
  // Which comparators and indicator leads can match in a phrase: a cheap
  // test in place of a set pass (or a regex call per rule) on every phrase.
  // Made only where asked: comparators without comparator_scan, leads
  // without lead_first.
  std::shared_ptr<const RequiredWords> comparator_words, lead_words;
  // Comparators that are all lists of words: found in one pass over a phrase
  // without RE2 (null otherwise).
  std::vector<WordList> comparator_lists;
  std::unique_ptr<WordScanner> comparator_scan;
  // Qualifiers that are all lists of words, matched by comparing (empty otherwise).
  std::vector<WordList> qualifier_lists;
  // The bytes their words open with, and whether a word is empty (it opens every text).
  ByteSet qualifier_first{};
  bool qualifier_empty_word = false;
  // Per indicator lead: the characters a non-empty match opens with (none:
  // not read; the lead words decide).
  std::vector<std::optional<CharSet>> lead_first;
  // Per creating verb: characters one of which every match holds (none: not known).
  std::vector<std::optional<CharTable>> verb_required;
};

// The word lists of every rule of `rs`, or none if a rule is no word list.
std::vector<WordList> word_lists(const RuleSet& rs) {
  std::vector<WordList> out;
  for (const PatternRule& r : rs.rules) {
    std::optional<WordList> words = word_list(*r.re);
    if (!words) return {};
    out.push_back(std::move(*words));
  }
  return out;
}

std::shared_ptr<const GrammarFacts> grammar_facts(const RuleSet& not_targets, const RuleSet& values,
                                                  const RuleSet& comparators, const RuleSet& leads,
                                                  const RuleSet& qualifiers, const RuleSet& verbs) {
  std::string key;
  for (const RuleSet* rs : {&not_targets, &values, &comparators, &leads, &qualifiers, &verbs}) {
    for (const PatternRule& r : rs->rules) key += regex_key(*r.re);
    key += '\1';
  }
  static DerivedCache<GrammarFacts> cache;
  return cache.get(key, [&] {
    auto facts = std::make_shared<GrammarFacts>(not_targets);
    for (const PatternRule& r : values.rules) {
      facts->values.emplace_back(*r.re);
      const StartTest& test = facts->values.back();
      std::size_t same = facts->values.size() - 1;
      for (std::size_t j = 0; j + 1 < facts->values.size(); ++j) {
        const StartTest& other = facts->values[j];
        if (!test.first_chars && !other.first_chars && test.literal == other.literal && test.lo == other.lo &&
            test.hi == other.hi && test.any_byte == other.any_byte && test.first == other.first) {
          same = j;
          break;
        }
      }
      facts->same_start.push_back(same);
      facts->value_sequences.push_back(SequenceGroups::of(*r.re, kValueGroups));
      facts->value_groups.push_back(facts->value_sequences.back() ? nullptr : MatchGroups::of(*r.re, kValueGroups));
      const std::optional<PatternChars> chars = pattern_chars(*r.re);
      if (chars && chars->required && !chars->required->is_everything()) facts->value_required.emplace_back(*chars->required);
      else facts->value_required.emplace_back();
      if (chars && !chars->nullable && !chars->alphabet.is_everything()) facts->value_alphabet.emplace_back(chars->alphabet);
      else facts->value_alphabet.emplace_back();
    }
    facts->comparator_lists = word_lists(comparators);
    bool unanchored = !facts->comparator_lists.empty();
    std::vector<const WordList*> lists;
    for (const WordList& l : facts->comparator_lists) {
      unanchored = unanchored && !l.anchored;
      lists.push_back(&l);
    }
    if (unanchored) {
      facts->comparator_scan = std::make_unique<WordScanner>(lists);
      if (!facts->comparator_scan->usable()) facts->comparator_scan.reset();
    }
    if (!facts->comparator_scan) facts->comparator_words = RequiredWords::of(comparators.regexes());
    facts->qualifier_lists = word_lists(qualifiers);
    for (const WordList& l : facts->qualifier_lists)
      for (const std::string& w : l.words) {
        if (w.empty()) facts->qualifier_empty_word = true;
        else facts->qualifier_first[static_cast<unsigned char>(w[0])] = true;
      }
    for (const PatternRule& r : leads.rules) {
      std::optional<PatternChars> chars = pattern_chars(*r.re);
      facts->lead_first.push_back(chars ? std::optional<CharSet>(std::move(chars->first)) : std::nullopt);
      if (!facts->lead_first.back() && !facts->lead_words) facts->lead_words = RequiredWords::of(leads.regexes());
    }
    for (const PatternRule& r : verbs.rules) {
      const std::optional<PatternChars> chars = pattern_chars(*r.re);
      if (chars && chars->required && !chars->required->is_everything()) facts->verb_required.emplace_back(*chars->required);
      else facts->verb_required.emplace_back();
    }
    return std::shared_ptr<const GrammarFacts>(std::move(facts));
  });
}

// Per values rule: its attributes.
struct ValueRule {
  bool has_class;  // a cls group (its value starts at the class, not the match)
  std::string unit_attr, unit_suffix;
  bool unitless;
};

// Per comparator: reach far, op, op for a lower-is-better indicator.
struct ComparatorRule {
  bool far;
  std::string op, op_if_lower_better;
};

// What the extractor reads from a grammar's targets.yaml: its sets and lists
// (looked up once), what their attributes and words say, and what their
// patterns tell (GrammarFacts, built on first use: a text without a value
// needs none of it). Made once per grammar and kept in it.
struct TargetFacts {
  explicit TargetFacts(const Grammar::Impl& g)
      : values(g.rule_set(kFile, "values")),
        not_targets(g.rule_set(kFile, "not_targets")),
        qualifiers(g.rule_set(kFile, "qualifiers")),
        indicator_leads(g.rule_set(kFile, "indicator_leads")),
        comparators(g.rule_set(kFile, "comparators")),
        create_verbs(g.rule_set(kFile, "create_verbs")),
        enumeration_separators(g.list(kFile, "enumeration_separators")),
        indicator_prefixes(g.list(kFile, "indicator_prefixes")),
        indicator_suffixes(g.list(kFile, "indicator_suffixes")),
        clause_verbs(g.list(kFile, "clause_verbs")),
        per_period_words(g.list(kFile, "per_period_words")),
        measure_words(g.list(kFile, "measure_words")),
        unitless_indicators(g.list(kFile, "unitless_indicators")),
        lower_is_better(g.list(kFile, "lower_is_better")),
        prefix_firsts(indicator_prefixes, /*last=*/false),
        suffix_lasts(indicator_suffixes, /*last=*/true) {
    for (const PatternRule& r : values.rules)
      value_rules.push_back({r.re->NamedCapturingGroups().count("cls") > 0, r.attr("unit"), r.attr("unit_suffix"),
                             r.attr("unitless") == "true"});
    for (const PatternRule& r : comparators.rules)
      comparator_rules.push_back({r.attr("reach") == "far", r.attr("op"), r.attr("op_if_lower_better")});
    for (const PatternRule& r : qualifiers.rules) qualifier_ops.push_back(r.attr("op"));
    for (const PatternRule& r : create_verbs.rules)
      if (r.re->Match(re2::StringPiece(), 0, 0, RE2::ANCHOR_START, nullptr, 0)) verb_takes_empty = true;
    for (const std::string& w : per_period_words) longest_per_period = std::max(longest_per_period, w.size());
    // The lower-is-better words, found in one pass over an indicator (a
    // scan per word cost more).
    // (An empty word, which every indicator holds, is left to the plain
    // search: the scanner files words by their first character.)
    if (!lower_is_better.empty() &&
        std::none_of(lower_is_better.begin(), lower_is_better.end(), [](const std::string& w) { return w.empty(); })) {
      const WordList words{lower_is_better, false};
      lower_scan = std::make_unique<WordScanner>(std::vector<const WordList*>{&words});
      if (!lower_scan->usable()) lower_scan.reset();
    }
    for (const std::string& w : measure_words) {
      if (w.empty()) measure_empty = true;
      else measure_last[static_cast<unsigned char>(w.back())] = true;
    }
    for (const std::string& verb : clause_verbs) {
      // An empty verb ends everywhere: the cut it makes leaves nothing, so none is made.
      if (verb.empty()) empty_clause_verb = true;
      else clause_verb_last[static_cast<unsigned char>(verb.back())] = true;
      if (verb.size() < 2) clause_verbs_two_bytes = false;
      else clause_verb_before_last[static_cast<unsigned char>(verb[verb.size() - 2])] = true;
      longest_clause_verb = std::max(longest_clause_verb, verb.size());
    }
    for (const std::string& sep : enumeration_separators) {
      if (sep.empty()) separator_first.fill(true);
      else separator_first[static_cast<unsigned char>(sep[0])] = true;
      if (sep.size() < 2) short_separator = true;
      else separator_second[static_cast<unsigned char>(sep[1])] = true;
    }
  }

  const RuleSet &values, &not_targets, &qualifiers, &indicator_leads, &comparators, &create_verbs;
  const std::vector<std::string> &enumeration_separators, &indicator_prefixes, &indicator_suffixes, &clause_verbs,
      &per_period_words, &measure_words, &unitless_indicators, &lower_is_better;
  std::vector<ValueRule> value_rules;
  std::vector<ComparatorRule> comparator_rules;
  std::vector<std::string> qualifier_ops;  // per qualifier
  std::unique_ptr<const WordScanner> lower_scan;  // lower_is_better's words (null: not usable)
  ByteSet separator_first{};               // the bytes an enumeration separator opens with
  ByteSet separator_second{};              // and its second bytes
  bool short_separator = false;            // a separator of less than two bytes
  // The characters the indicator prefixes open with and the suffixes close with.
  EdgeChars prefix_firsts, suffix_lasts;
  std::size_t longest_per_period = 0;    // bytes
  ByteSet measure_last{};                // the bytes a measure word ends with
  bool measure_empty = false;            // a measure word is empty (every text ends with it)
  ByteSet clause_verb_last{};            // the bytes a clause verb ends with
  ByteSet clause_verb_before_last{};     // and the bytes before them
  bool clause_verbs_two_bytes = true;    // every verb has two bytes or more
  bool empty_clause_verb = false;        // the list holds "" (then no cut is ever made)
  bool verb_takes_empty = false;         // a create verb matches the empty text
  std::size_t longest_clause_verb = 0;   // bytes

  const GrammarFacts& patterns() const {
    std::call_once(patterns_once_, [&] {
      patterns_ = grammar_facts(not_targets, values, comparators, indicator_leads, qualifiers, create_verbs);
    });
    return *patterns_;
  }

 private:
  mutable std::once_flag patterns_once_;
  mutable std::shared_ptr<const GrammarFacts> patterns_;
};

// The grammar's TargetFacts, made on first use.
const TargetFacts& target_facts(const Grammar::Impl& g) {
  std::call_once(g.target_facts_once, [&] { g.target_facts = std::make_shared<const TargetFacts>(g); });
  return *static_cast<const TargetFacts*>(g.target_facts.get());
}

class TargetExtractor {
 public:
  TargetExtractor(const NormalizedText& nt, const Grammar::Impl& g, const std::vector<DateMention>& dates,
                  Document& doc)
      : nt_(nt), text_(nt.text()), g_(g), dates_(dates), doc_(doc),
        // The plan's city as rules see it (Simplified), to strip from indicators.
        city_(doc.city ? NormalizedText::build(*doc.city).text() : std::string()),
        tf_(target_facts(g)),
        values_(tf_.values),
        not_targets_(tf_.not_targets),
        qualifiers_(tf_.qualifiers),
        indicator_leads_(tf_.indicator_leads),
        comparators_(tf_.comparators),
        create_verbs_(tf_.create_verbs),
        enumeration_separators_(tf_.enumeration_separators),
        indicator_prefixes_(tf_.indicator_prefixes),
        indicator_suffixes_(tf_.indicator_suffixes),
        clause_verbs_(tf_.clause_verbs),
        per_period_words_(tf_.per_period_words),
        measure_words_(tf_.measure_words),
        unitless_indicators_(tf_.unitless_indicators),
        lower_is_better_(tf_.lower_is_better),
        value_rules_(tf_.value_rules),
        comparator_rules_(tf_.comparator_rules),
        qualifier_ops_(tf_.qualifier_ops),
        prefix_firsts_(tf_.prefix_firsts),
        suffix_lasts_(tf_.suffix_lasts) {
    // For last_scoping_date(): dates come sorted by position from find_dates().
    dates_sorted_ = std::is_sorted(dates_.begin(), dates_.end(),
                                   [](const DateMention& a, const DateMention& b) { return a.begin < b.begin; });
    int last = -1;
    for (std::size_t i = 0; i < dates_.size(); ++i) {
      if (dates_[i].scopes_targets) last = static_cast<int>(i);
      last_scoping_.push_back(last);
    }
  }

  void run(const LineRules* lines);

 private:
  std::vector<Span> regions() const;
  void mask_non_targets();
  // The mask, made if need be, with its literals' rules run where they
  // could reach the segment (segments come in text order).
  NotTargetMask& mask_for(Span seg) {
    if (!mask_) mask_non_targets();
    mask_->cover(seg.begin, seg.end);
    return *mask_;
  }
  // `rules`: the values rules that match somewhere in the segment's
  // paragraph, or null to find out per segment.
  void segment_targets(Span region, Span segment, const std::vector<int>* rules);
  // The segment's values (in segment_hits_), in order, not overlapping.
  const std::vector<ValueHit>& find_values(Span segment, const std::vector<int>* rules);
  // The end of the run of `alphabet`'s characters from `pos` (before `end`)
  // when every byte of it is masked; `pos` otherwise.
  std::size_t masked_run_end(const CharTable& alphabet, std::size_t pos, std::size_t end) const;
  // The first place in `segment` where rule k could start (its StartTest), or
  // the segment's end; from the rule's place in the paragraph (starts_).
  std::size_t next_start(std::size_t k, Span segment);
  // What the rules' places (starts_) say of a segment ending at `end`: none
  // of them starts in it, none starts in the rest of the paragraph, or not
  // known (a place not yet looked for, or one before `end`).
  // On kNone, `first` is the first of the places (no rule starts before it).
  enum class Placed { kNone, kNoneLeft, kMaybe };
  Placed rule_places(const std::vector<int>& rules, std::size_t end, std::size_t& first) const {
    if (!facts_ || TargetsTesting::straightforward) return Placed::kMaybe;
    std::size_t least = kUnknown;
    for (int k : rules) {
      const std::size_t start = starts_[facts_->same_start[static_cast<std::size_t>(k)]];
      if (start == kUnknown || start < end) return Placed::kMaybe;
      least = std::min(least, start);
    }
    if (least >= region_.end) return Placed::kNoneLeft;
    first = least;
    return Placed::kNone;
  }
  // The values grouped (in groups_).
  const std::vector<Group>& group_values(Span segment, const std::vector<ValueHit>& hits);
  std::pair<std::size_t, std::size_t> qualifier_at(std::string_view text) const;
  bool emit_group(Span region, Span segment, Span anchor, const Group& group);
  std::optional<int> year_for(Span region, std::size_t pos) const;
  // The last date that scopes targets and starts in [from, to), or null. A
  // binary search, not a scan of every date: a one-line dump has 10^5 of them.
  const DateMention* last_scoping_date(std::size_t from, std::size_t to) const;
  void note_lead_in(Span region);

  bool in_list(const std::vector<std::string>& words, std::string_view s, bool suffix) const;
  // Does s end with a measure word? Most texts end with a byte none ends with.
  bool measured(std::string_view s) const {
    if (!tf_.measure_empty && (s.empty() || !tf_.measure_last[static_cast<unsigned char>(s.back())])) return false;
    return in_list(measure_words_, s, /*suffix=*/true);
  }
  // A comma between a digit and exactly three digits ("1,200") groups thousands.
  bool is_thousands_comma(std::size_t at) const {
    auto digit = [&](std::size_t i) { return i < text_.size() && text_[i] >= '0' && text_[i] <= '9'; };
    return text_[at] == ',' && at > 0 && digit(at - 1) && digit(at + 1) && digit(at + 2) && digit(at + 3) &&
           !digit(at + 4);
  }
  // An indicator cleaned: strips leading filler, a leading date and trailing
  // adverbs; cuts a baseline ("比2020年") off the end and reports its year.
  // What is kept of text[lo, hi), as a range of it.
  // `free`, if given, tells a stretch of the text that holds no clause verb
  // (and learns more): the search for the last verb then stops there.
  struct VerbFree {
    std::size_t from = 0, upto = 0;  // no clause verb lies within text[from, upto)
    std::size_t stable = 0;          // text[0, stable) stays as it is for later calls
  };
  std::pair<std::size_t, std::size_t> clean_range(std::string_view text, std::size_t lo, std::size_t hi,
                                                  std::optional<int>* baseline, VerbFree* free = nullptr) const;
  // The end in v of the last clause verb that starts at or after `from`
  // (the largest end of any verb's last occurrence), or 0 if none.
  std::size_t last_verb_end(std::string_view v, std::size_t from) const {
    std::size_t e = v.size();
    for (; e > from; --e) {
      if (!tf_.clause_verb_last[static_cast<unsigned char>(v[e - 1])]) continue;
      // Most bytes that end a verb end many characters; the one before tells more.
      if (tf_.clause_verbs_two_bytes && (e - from < 2 || !tf_.clause_verb_before_last[static_cast<unsigned char>(v[e - 2])]))
        continue;
      if (std::any_of(clause_verbs_.begin(), clause_verbs_.end(), [&](const std::string& verb) {
            return verb.size() <= e - from && ends_with(v.substr(0, e), verb);
          }))
        break;
    }
    TargetsTesting::scanned_bytes += v.size() - (e > from ? e - 1 : e);  // once: the count is thread-local
    return e > from ? e : 0;
  }
  const std::vector<Span>& enumeration_parts(std::string_view s);
  std::vector<Span> part_spans_;  // enumeration_parts()' answer, kept for its room
  // emit_group()'s cleaned forms of its pre-text's heads: the cleaned form
  // of the first n bytes (a range of them), and the baseline cut off it.
  struct Cleaned {
    std::size_t n, lo, hi;
    std::optional<int> baseline;
    bool empty() const { return lo >= hi; }
  };
  std::vector<Cleaned> cleaned_heads_;  // kept for its room

  std::string show(const Phrase& p) const;

  const NormalizedText& nt_;
  const std::string& text_;
  const Grammar::Impl& g_;
  const std::vector<DateMention>& dates_;
  bool dates_sorted_ = false;
  std::vector<int> last_scoping_;  // per date: index of the last scoping date up to it, -1 if none
  Document& doc_;
  const std::string city_;
  const TargetFacts& tf_;
  const RuleSet& values_;
  const RuleSet& not_targets_;
  const RuleSet& qualifiers_;
  const RuleSet& indicator_leads_;
  const RuleSet& comparators_;
  const RuleSet& create_verbs_;
  const std::vector<std::string>& enumeration_separators_;
  const std::vector<std::string>& indicator_prefixes_;
  const std::vector<std::string>& indicator_suffixes_;
  const std::vector<std::string>& clause_verbs_;
  const std::vector<std::string>& per_period_words_;
  const std::vector<std::string>& measure_words_;
  const std::vector<std::string>& unitless_indicators_;
  const std::vector<std::string>& lower_is_better_;
  // The patterns' readings, taken from tf_ when a segment is first looked at
  // for values (a text without one needs none of them).
  const GrammarFacts* facts_ = nullptr;
  const std::vector<ValueRule>& value_rules_;
  const std::vector<ComparatorRule>& comparator_rules_;
  const std::vector<std::string>& qualifier_ops_;  // per qualifier
  const EdgeChars& prefix_firsts_;
  const EdgeChars& suffix_lasts_;
  inline static const std::string kNoOp;
  bool is_per_period(std::string_view gap) const {
    return std::find(per_period_words_.begin(), per_period_words_.end(), gap) != per_period_words_.end();
  }
  std::optional<NotTargetMask> mask_;
  std::vector<ValueHit> segment_hits_;  // every value of the current segment
  std::vector<Group> groups_;           // and their groups
  // Per values rule: the first place at or after some point of the current
  // region where it could start (StartTest, up to the region's end), or
  // kUnknown. A segment before it holds none: most segments of a line with a
  // value are passed over without a look, and no byte is scanned twice.
  static constexpr std::size_t kUnknown = static_cast<std::size_t>(-1);
  std::vector<std::size_t> starts_;
  Span region_;
  // text_before()'s scan, taken up by the next group with the same anchor.
  struct PreText {
    std::size_t segment = std::string::npos, anchor = std::string::npos;
    std::size_t scanned = 0, run = 0, open = 0;  // the scan's place, kept run, outer "(" open
    int depth = 0;
    Phrase phrase;         // what is kept for good, then the rest up to the value
    std::size_t kept = 0;  // bytes of phrase kept for good
    VerbFree verbs;        // how much of phrase is known to hold no clause verb
  } pre_text_;
  const Phrase& text_before(Span seg, Span anchor, std::size_t value_begin);
  struct RawMatch {
    std::size_t rule, b, e;
  };
  std::vector<RawMatch> raw_matches_;  // find_values' buffers, kept for their capacity
  std::vector<Span> raw_spans_;
  // Carried from the previous target of the region: its indicator (for "…提升
  // 10个百分点,达到75%以上") and whether a creating verb opened it (for
  // "创建A30家、B5个").
  Phrase last_indicator_;
  Phrase indicator_;  // emit_group()'s indicator, then kept as last_indicator_ (swapped)
  Span last_region_;
  bool last_by_verb_ = false;
  struct LeadIn {
    std::optional<int> year;
    int section = -1;
  } lead_in_;  // the dated lead-in ("…要求如下:") of the items being read
};

// Paragraphs, cut again wherever a clause or section starts.
std::vector<Span> TargetExtractor::regions() const {
  // The clause and section starts in text order (as they are kept), merged
  // with the line starts as the lines are found.
  std::vector<std::size_t> starts;
  starts.reserve(doc_.clauses.size() + doc_.sections.size());
  for (const Clause& c : doc_.clauses) starts.push_back(c.text_begin);
  const auto mid = static_cast<std::ptrdiff_t>(starts.size());
  for (const Section& s : doc_.sections) starts.push_back(s.text_begin);
  if (!std::is_sorted(starts.begin(), starts.begin() + mid)) std::sort(starts.begin(), starts.begin() + mid);
  if (!std::is_sorted(starts.begin() + mid, starts.end())) std::sort(starts.begin() + mid, starts.end());
  std::inplace_merge(starts.begin(), starts.begin() + mid, starts.end());
  // The cuts, in order, each once: a region between each two.
  std::vector<Span> out;
  bool any = false;
  std::size_t last = 0, k = 0;
  auto cut = [&](std::size_t at) {
    if (any && at == last) return;
    if (any) out.push_back({last, at});
    last = at;
    any = true;
  };
  auto cut_upto = [&](std::size_t at) {
    for (; k < starts.size() && starts[k] <= at; ++k) cut(starts[k]);
    cut(at);
  };
  cut_upto(0);
  for (std::size_t i = text_.find('\n'); i != std::string::npos; i = text_.find('\n', i + 1)) cut_upto(i + 1);
  cut_upto(text_.size());
  for (; k < starts.size(); ++k) cut(starts[k]);
  return out;
}

// The not_targets rules' spans (found where values are asked about) and the dates.
void TargetExtractor::mask_non_targets() {
  mask_.emplace(not_targets_, facts_->not_targets, text_);
  for (const DateMention& d : dates_) mask_->mark(d.begin, d.end);
}

std::size_t TargetExtractor::next_start(std::size_t k, Span seg) {
  const StartTest& test = facts_->values[k];
  const std::string_view view(text_);
  // The region-wide place is taken when the segment ends between characters
  // (always, in valid UTF-8): then a character that could open a match in
  // the segment reads the same up to the region's end.
  // Then the region-wide place is the segment's, unless a literal found
  // there runs past the segment's end.
  std::size_t& start = starts_[facts_->same_start[k]];
  const bool whole_chars = seg.end >= text_.size() || (static_cast<unsigned char>(text_[seg.end]) & 0xC0) != 0x80;
  if (whole_chars && !TargetsTesting::straightforward) {
    if (start == kUnknown || start < seg.begin) start = test.next(view, seg.begin, region_.end);
    if (start >= seg.end) return seg.end;
    if (test.literal.size() <= seg.end - start) return start;
    return test.next(view, start, seg.end);
  }
  return test.next(view, seg.begin, seg.end);
}

std::size_t TargetExtractor::masked_run_end(const CharTable& alphabet, std::size_t pos, std::size_t end) const {
  const std::string_view bounded = std::string_view(text_).substr(0, end);
  std::size_t i = pos;
  while (i < end) {
    std::size_t j = i;
    const int32_t c = utf8::next_or_invalid(bounded, j);
    if (c < 0 || !alphabet.contains(static_cast<char32_t>(c))) break;
    i = j;
  }
  // The run [pos, i) must be masked throughout, each byte.
  return mask_->all_masked(pos, i) ? i : pos;
}

const std::vector<ValueHit>& TargetExtractor::find_values(Span seg, const std::vector<int>* rules) {
  const RuleSet& rs = values_;
  std::string_view view(text_);
  std::string_view segment = view.substr(seg.begin, seg.end - seg.begin);
  std::vector<ValueHit>& hits = segment_hits_;
  hits.clear();
  if (!facts_) facts_ = &tf_.patterns();
  std::vector<int> listed;
  if (!rules) {
    if (!rs.any(segment)) return hits;  // most segments hold no value: a yes/no pass, no match list
    listed = rs.matching(segment);
    rules = &listed;
  }
  // Every rule's matches, rule by rule (the order hits keep until sorted).
  std::vector<RawMatch>& raw = raw_matches_;
  raw.clear();
  for (int index : *rules) {
    const auto k = static_cast<std::size_t>(index);
    // The rule is only run from where it could start: not at all in most
    // segments, and not once more after its last value.
    const StartTest& test = facts_->values[k];
    std::size_t from = next_start(k, seg);
    if (from == seg.end) continue;
    const PatternRule& r = rs.rules[k];
    re2::StringPiece input(text_.data(), seg.end);
    re2::StringPiece match;
    // The next match from `from` (a place where one can start): anchored
    // searches from each place where one can start, in order. The first
    // found is the leftmost, and the one an unanchored search finds (the
    // straightforward path); most start right at `from`. No search then
    // needs the reverse program and the unanchored DFA, which the first
    // document would build (2M instructions).
    // A match holds one of the rule's required characters: without one from
    // `from` on, there is none (most segments with digits and no unit).
    // (match_at_starts: anchored at the places the start test allows.)
    const std::optional<CharTable>& required = facts_->value_required[k];
    // A place inside a masked span (a date) where the run of the rule's
    // characters from it is all masked: every match from there to the run's
    // end lies in the run and is dropped (masked), and the scan goes on at
    // the first place after the run either way.
    const CharTable* alphabet =
        value_rules_[k].has_class || TargetsTesting::straightforward || !facts_->value_alphabet[k]
            ? nullptr
            : &*facts_->value_alphabet[k];
    if (alphabet) mask_for(seg);
    auto unmasked = [&](std::size_t pos) {
      while (alphabet && pos < seg.end && mask_->masked(pos, pos + 1)) {
        const std::size_t r = masked_run_end(*alphabet, pos, seg.end);
        if (r == pos) break;
        pos = test.next(view, r, seg.end);
      }
      return pos;
    };
    from = unmasked(from);
    auto next_match = [&] {
      if (required && !holds_any(*required, view, from, seg.end)) return false;
      return match_at_starts(*r.re, input, from, seg.end - 1, seg.end,
                             [&](std::size_t pos) { return unmasked(test.next(view, pos, seg.end)); }, &match,
                             TargetsTesting::straightforward ? 1 : 8);
    };
    while (from < seg.end && next_match()) {
      std::size_t b = static_cast<std::size_t>(match.data() - text_.data());
      std::size_t e = b + match.size();
      from = unmasked(test.next(view, e > b ? e : b + 1, seg.end));
      raw.push_back({k, b, e});
    }
  }
  if (raw.empty()) return hits;
  // The mask made exact where the matches lie, asked in text order.
  std::vector<Span>& spans = raw_spans_;
  spans.clear();
  for (const RawMatch& m : raw) spans.push_back({m.b, m.e});
  std::sort(spans.begin(), spans.end(), [](Span x, Span y) { return x.begin < y.begin; });
  mask_for(seg);
  for (Span sp : spans) mask_->prepare(sp.begin, sp.end);
  auto masked = [&](std::size_t b, std::size_t e) { return mask_->masked(b, e); };
  std::array<re2::StringPiece, kValueGroupCount> sub;
  const re2::StringPiece input(text_.data(), seg.end);
  for (const RawMatch& m : raw) {
    const std::size_t k = m.rule, b = m.b, e = m.e;
    const PatternRule& r = rs.rules[k];
    const ValueRule& vr = value_rules_[k];
    auto group = [&](ValueGroup g) -> std::optional<Span> {
      if (sub[g].data() == nullptr) return std::nullopt;
      std::size_t b = static_cast<std::size_t>(sub[g].data() - text_.data());
      return Span{b, b + sub[g].size()};
    };
    // A value in a masked span is dropped: known before its groups are read
    // when the value spans the whole match (no class moves its start).
    if (!vr.has_class && masked(b, e)) continue;
    if (const SequenceGroups* sequence = facts_->value_sequences[k].get()) {
      sequence->read(text_, b, e, sub.data());
    } else if (!facts_->value_groups[k]->read(*r.re, input, b, e, sub.data())) {
      continue;  // not reached: [b, e) is a match
    }
    ValueHit hit;
    hit.rule = &r;
    hit.span = {b, e};
    auto num = group(kNum);
    auto cn = group(kCn);
    auto cls = group(kCls);
    if (cls) {
      hit.water_class = true;
      hit.value = water_class_number(view.substr(cls->begin, cls->end - cls->begin));
      hit.verb = group(kVerb).value_or(Span{});
      hit.span.begin = cls->begin;
    } else if (num) {
      auto v = parse_value_number(view.substr(num->begin, num->end - num->begin));
      if (!v) continue;
      hit.value = *v;
      // Digits glued to Latin letters, digits or a dot are part of a token ("VOCs2.0").
      if (num->begin > 0) {
        unsigned char before = static_cast<unsigned char>(text_[num->begin - 1]);
        if (std::isalnum(before) || before == '.' || before == '/' || before == '-') continue;
      }
    } else if (cn) {
      auto v = parse_chinese_number(view.substr(cn->begin, cn->end - cn->begin));
      if (!v) continue;
      hit.value = *v;
    } else {
      continue;
    }
    // As printed (SPEC): a Traditional plan keeps 萬噸, which is also what
    // scale folding (萬/万) in consumers expects to see.
    if (auto u = group(kUnit)) hit.unit = nt_.display(u->begin, u->end);
    if (!vr.unit_attr.empty()) hit.unit = vr.unit_attr;
    else hit.unit += vr.unit_suffix;
    hit.unitless = vr.unitless;
    if (masked(hit.span.begin, hit.span.end)) continue;
    hits.push_back(std::move(hit));
  }
  // Overlaps: the earliest, then the longest, wins (the others are dropped in place).
  std::sort(hits.begin(), hits.end(), [](const ValueHit& a, const ValueHit& b) {
    if (a.span.begin != b.span.begin) return a.span.begin < b.span.begin;
    return a.span.end > b.span.end;
  });
  std::size_t kept = 0;
  for (std::size_t i = 0; i < hits.size(); ++i)
    if (kept == 0 || hits[i].span.begin >= hits[kept - 1].span.end) {
      if (i != kept) hits[kept] = std::move(hits[i]);
      ++kept;
    }
  hits.resize(kept);
  // Which values sit inside parentheses of this segment: one pass, the
  // values in order (a scan from the segment start per value was quadratic).
  int depth = 0;
  std::size_t at = seg.begin;
  for (ValueHit& h : hits) {
    for (; (at = find_byte_in_range(text_, at, h.span.begin, '(', ')')) < h.span.begin; ++at) {
      if (text_[at] == '(') ++depth;
      if (text_[at] == ')' && depth > 0) --depth;
    }
    h.in_parens = depth > 0;
  }
  return hits;
}

bool TargetExtractor::in_list(const std::vector<std::string>& words, std::string_view s, bool suffix) const {
  for (const std::string& w : words)
    if (suffix ? ends_with(s, w) : starts_with(s, w)) return true;
  return false;
}

// Values separated only by an enumeration separator form one group
// ("3895吨、190吨、800吨", "95%和80%"); a qualifier after the last applies to all.
// The first qualifier matching at the start of `text`: its index and size.
std::pair<std::size_t, std::size_t> TargetExtractor::qualifier_at(std::string_view text) const {
  const std::vector<WordList>& lists = facts_->qualifier_lists;
  // No word opens the text.
  if (!lists.empty() && !facts_->qualifier_empty_word &&
      (text.empty() || !facts_->qualifier_first[static_cast<unsigned char>(text[0])]))
    return {kNoRule, 0};
  for (std::size_t i = 0; i < qualifiers_.rules.size(); ++i) {
    if (!lists.empty()) {  // the rules' words, compared (as RE2 would match them at the start)
      for (const std::string& w : lists[i].words)
        if (starts_with(text, w)) return {i, w.size()};
      continue;
    }
    const re2::StringPiece piece(text.data(), text.size());  // the whole text: ^ holds at its start
    re2::StringPiece m;
    if (qualifiers_.rules[i].re->Match(piece, 0, piece.size(), RE2::ANCHOR_START, &m, 1)) return {i, m.size()};
  }
  return {kNoRule, 0};
}

const std::vector<Group>& TargetExtractor::group_values(Span seg, const std::vector<ValueHit>& hits) {
  std::vector<Group>& groups = groups_;
  groups.clear();
  const std::string_view text(text_);
  for (const ValueHit& h : hits) {
    if (!groups.empty() && !h.water_class && !groups.back().hits.back().water_class &&
        groups.back().hits.back().in_parens == h.in_parens) {
      std::size_t gap_begin = groups.back().hits.back().span.end;
      std::string_view between = text.substr(gap_begin, h.span.begin - gap_begin);
      // "95%以上、80%" still enumerates; a qualifier may sit between.
      if (const auto [rule, size] = qualifier_at(between); rule != kNoRule) between.remove_prefix(size);
      const auto& seps = enumeration_separators_;
      if (between.empty() || std::find(seps.begin(), seps.end(), between) != seps.end()) {
        const std::span<const ValueHit> run = groups.back().hits;
        groups.back().hits = {run.data(), run.size() + 1};  // h follows the run in `hits`
        continue;
      }
    }
    groups.push_back({{&h, 1}, {}, nullptr, kNoRule});
  }
  for (Group& gr : groups) {
    std::size_t after = gr.hits.back().span.end;
    if (const auto [rule, size] = qualifier_at(text.substr(after, seg.end - after)); rule != kNoRule) {
      gr.qualifier = {after, after + size};
      gr.qualifier_rule = &qualifiers_.rules[rule];
      gr.qualifier_index = rule;
    }
  }
  return groups;
}

// The length of the run of separators, closing brackets, quotes and spaces
// opening s: what the pattern [,;:、。)“”"'\s]+ matches there (RE2's \s is
// \t \n \f \r and the space), without a regex call.
std::size_t leading_junk(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == ',' || c == ';' || c == ':' || c == ')' || c == '"' || c == '\'' || c == '\t' || c == '\n' ||
        c == '\f' || c == '\r' || c == ' ') {
      ++i;
    } else if (const std::string_view rest = s.substr(i);
               starts_with(rest, "、") || starts_with(rest, "。") || starts_with(rest, "“") || starts_with(rest, "”")) {
      i += 3;
    } else {
      break;
    }
  }
  return i;
}

// Strips leading filler, a leading date and trailing adverbs; cuts a baseline
// ("比2020年") off the end and reports its year.
std::pair<std::size_t, std::size_t> TargetExtractor::clean_range(std::string_view text, std::size_t lo, std::size_t hi,
                                                                 std::optional<int>* baseline, VerbFree* free) const {
  // Every match holds a 年 (the pre-check where it is used relies on it),
  // and none is longer than kBaselineBytes.
  static const RE2 baseline_re(R"((?:比|较|相比|相较于?|与)((?:19|20)\d\d)年(?:末|底)?(?:相比)?(?:基础上)?$)");
  constexpr std::size_t kBaselineBytes = 9 + 4 + 3 + 3 + 6 + 9;  // 相较于 2020 年 末 相比 基础上
  // What is left: text[lo, hi). Each step looks at its ends only (but the cut
  // by clause verb below), so a long text costs no more than a short one.
  auto view = [&] { return text.substr(lo, hi - lo); };
  // Leads whose first characters are not known are ruled out by their words.
  // The view only shrinks in the loop: a lead ruled out on all of it stays
  // out, so the words are looked for once.
  std::uint64_t leads = 0;
  for (const auto& first : facts_->lead_first)
    if (!first) {
      leads = facts_->lead_words->may_match(view());
      break;
    }
  bool changed = true;
  while (changed && lo < hi) {
    changed = false;
    if (const std::size_t junk = leading_junk(view())) {
      lo += junk;
      changed = true;
    }
    // The view's first character, decoded once for all leads (again only
    // when a lead takes something).
    char32_t head = 0;
    bool head_known = false;
    auto head_char = [&] {
      if (!head_known) {
        std::size_t at = 0;
        head = utf8::next(view(), at);
        head_known = true;
      }
      return head;
    };
    for (std::size_t i = 0; i < indicator_leads_.rules.size(); ++i) {
      // A lead counts only when it takes something: its first character must be there.
      if (const auto& first = facts_->lead_first[i]) {
        if (lo >= hi || !first->contains(head_char())) continue;
      } else if (!RequiredWords::may(leads, i)) {
        continue;
      }
      const PatternRule& r = indicator_leads_.rules[i];
      const re2::StringPiece p(view().data(), view().size());
      re2::StringPiece m;
      if (r.re->Match(p, 0, p.size(), RE2::ANCHOR_START, &m, 1) && !m.empty()) {
        lo += m.size();
        changed = true;
        head_known = false;
      }
    }
    if (!city_.empty() && starts_with(view(), city_) && hi - lo > city_.size() + 3) {
      lo += city_.size();  // "磐石市党政机关…" names the plan's own city
      changed = true;
    }
    // Whether a prefix can open the view is asked again only when it changes.
    bool prefix_may = opens_with_one_of(prefix_firsts_, view());
    for (const std::string& w : indicator_prefixes_) {
      if (!prefix_may) break;  // nor does any other prefix
      if (starts_with(view(), w) && hi - lo > w.size() + 3) {
        lo += w.size();
        changed = true;
        prefix_may = opens_with_one_of(prefix_firsts_, view());
      }
    }
    // Cut where the baseline phrase starts ("铁路货运量占比|较2020年"), not
    // at a lead word found elsewhere ("占比" holds a 比 too). It ends the
    // view: only its last kBaselineBytes are searched, and only if they hold a 年.
    const std::string_view v = view();
    const std::size_t tail = v.size() > kBaselineBytes ? v.size() - kBaselineBytes : 0;
    re2::StringPiece groups[2];
    const re2::StringPiece p(v.data() + tail, v.size() - tail);
    if (find_literal(v, "年", tail) != std::string_view::npos &&
        baseline_re.Match(p, 0, p.size(), RE2::UNANCHORED, groups, 2)) {
      if (baseline) *baseline = static_cast<int>(parse_number(std::string(groups[1].data(), groups[1].size())).value_or(0));
      hi = lo + static_cast<std::size_t>(groups[0].data() - v.data());
      changed = true;
    }
    bool suffix_may = closes_with_one_of(suffix_lasts_, view());
    for (const std::string& w : indicator_suffixes_) {
      if (!suffix_may) break;  // nor does any other suffix
      if (ends_with(view(), w) && hi - lo > w.size()) {
        hi -= w.size();
        changed = true;
        suffix_may = closes_with_one_of(suffix_lasts_, view());
      }
    }
  }
  // A run-on indicator (its comma lost) starts after the last clause verb in
  // it, when what follows the verb is a measured indicator (so it must end
  // with a measure word, as the whole does):
  // "…全面达到国家二级标准重污染天气基本消除国控考核断面水体比例".
  if (!tf_.empty_clause_verb && measured(view()) &&
      !fewer_chars_than(view(), kLongIndicatorChars + 1)) {
    const std::string_view v = view();
    // Where the last verb ends (the last end of any verb's last occurrence).
    // No verb lies within text[free->from, free->upto): starts that would
    // put one there are not looked at.
    std::size_t from = 0;  // in v: the first start looked at
    std::size_t known_from = lo;  // after the search: text[known_from, hi) holds no verb, if none found
    if (free && free->upto > free->from && lo >= free->from && !TargetsTesting::straightforward) {
      const std::size_t first_start = free->upto > tf_.longest_clause_verb ? free->upto - tf_.longest_clause_verb + 1 : 0;
      if (first_start >= lo) {
        from = std::min(first_start - lo, v.size());
        known_from = free->from;
      }
    }
    const std::size_t cut = last_verb_end(v, from);
    if (cut == 0 && free) {
      free->from = known_from;
      free->upto = std::min(hi, free->stable);
    }
    if (cut > 0 && !fewer_chars_than(v.substr(cut), 4) && measured(v.substr(cut))) lo += cut;
  }
  return {lo, hi};
}

std::string TargetExtractor::show(const Phrase& p) const {
  if (p.runs.size() == 1) return nt_.display(p.runs[0].origin, p.runs[0].origin + p.s.size());  // most are one piece
  std::string out;
  for (std::size_t k = 0; k < p.runs.size(); ++k) {
    const std::size_t origin = p.runs[k].origin;
    out += nt_.display(origin, origin + (p.run_end(k) - p.runs[k].at));
  }
  return out;
}

// "A、B" / "A和B" into parts, outside parentheses: their ranges in s.
const std::vector<Span>& TargetExtractor::enumeration_parts(std::string_view s) {
  std::vector<Span>& parts = part_spans_;
  parts.clear();
  const auto& seps = enumeration_separators_;
  // Most indicators hold no separator at all: one part, without a scan.
  if (std::none_of(seps.begin(), seps.end(), [&](const std::string& sep) {
        return find_literal(s, sep, 0) != std::string_view::npos;
      })) {
    parts.push_back({0, s.size()});
    return parts;
  }
  std::size_t start = 0, i = 0;
  int depth = 0;
  while (i < s.size()) {
    if (s[i] == '(') ++depth;
    if (s[i] == ')' && depth > 0) --depth;
    bool cut = false;
    // A separator's first two bytes must be there (most CJK characters share
    // a lead byte with one).
    if (depth == 0 && tf_.separator_first[static_cast<unsigned char>(s[i])] &&
        (tf_.short_separator || (i + 1 < s.size() && tf_.separator_second[static_cast<unsigned char>(s[i + 1])])))
      for (const std::string& sep : seps)
        if (starts_with(s.substr(i), sep) && !starts_with(s.substr(i + sep.size()), "以上") &&
            !starts_with(s.substr(i + sep.size()), "以下")) {
          parts.push_back({start, i});
          i += sep.size();
          start = i;
          cut = true;
          break;
        }
    if (!cut) ++i;
  }
  parts.push_back({start, s.size()});
  return parts;
}

const DateMention* TargetExtractor::last_scoping_date(std::size_t from, std::size_t to) const {
  if (!dates_sorted_) {
    const DateMention* found = nullptr;
    for (const DateMention& d : dates_)
      if (d.scopes_targets && d.begin >= from && d.begin < to) found = &d;
    return found;
  }
  auto end = std::lower_bound(dates_.begin(), dates_.end(), to,
                              [](const DateMention& d, std::size_t p) { return d.begin < p; });
  if (end == dates_.begin()) return nullptr;
  const int k = last_scoping_[static_cast<std::size_t>(end - dates_.begin()) - 1];
  if (k < 0 || dates_[static_cast<std::size_t>(k)].begin < from) return nullptr;
  return &dates_[static_cast<std::size_t>(k)];
}

std::optional<int> TargetExtractor::year_for(Span region, std::size_t pos) const {
  std::optional<int> year;
  if (const DateMention* d = last_scoping_date(region.begin, pos)) year = d->year;
  // "到2025年,…要求如下:" ending a paragraph dates the items listed under it.
  if (!year && lead_in_.year && lead_in_.section == locate(doc_, region.begin).section) year = lead_in_.year;
  return year;
}

// After a region: a paragraph that ends with a colon and carries a scoping
// date introduces the items below it; a new section ends that.
void TargetExtractor::note_lead_in(Span region) {
  // The region's section is looked up only when something depends on it: a
  // lead-in to end, or one to start.
  const bool none = !lead_in_.year && lead_in_.section == -1;
  if (!none && locate(doc_, region.begin).section != lead_in_.section) lead_in_ = {};
  std::size_t end = region.end;
  while (end > region.begin && (text_[end - 1] == '\n' || text_[end - 1] == ' ')) --end;
  if (end == region.begin || text_[end - 1] != ':') return;
  if (const DateMention* d = last_scoping_date(region.begin, end)) lead_in_ = {d->year, locate(doc_, region.begin).section};
}

// Concatenates display pieces: `head` then `tail` (for shared heads/tails).
Phrase join(const Phrase& a, const Phrase& b) {
  Phrase out = a;
  out.append(b);
  return out;
}

// The first `n` characters of s, in bytes.
std::size_t char_bytes(const std::string& s, std::size_t n) {
  std::size_t i = 0;
  while (n-- > 0 && i < s.size()) utf8::next(s, i);
  return i;
}

// The text before a group's values, from the anchor, without the notes in
// parentheses that hold a value of their own ("(达到或优于Ⅲ类)"; "(PM2.5)"
// stays). The groups of a segment that share an anchor each extend it: the
// scan goes on from where it stopped, and what no later ")" can take out is
// kept, so a line of values that are no targets costs no rescan per value.
const Phrase& TargetExtractor::text_before(Span seg, Span anchor, std::size_t value_begin) {
  PreText& p = pre_text_;
  if (p.segment != seg.begin || p.anchor != anchor.begin || value_begin < p.scanned ||
      TargetsTesting::straightforward) {
    Phrase phrase = std::move(p.phrase);  // its room is kept
    p = PreText{};
    p.phrase = std::move(phrase);
    p.phrase.s.clear();
    p.phrase.runs.clear();
    p.segment = seg.begin;
    p.anchor = anchor.begin;
    p.scanned = p.run = anchor.begin;
  }
  p.phrase.truncate(p.kept);
  TargetsTesting::scanned_bytes += value_begin - p.scanned;
  // From bracket to bracket: nothing else changes the scan's state.
  for (std::size_t i = p.scanned; (i = find_byte_in_range(text_, i, value_begin, '(', ')')) < value_begin; ++i) {
    if (text_[i] == '(' && p.depth++ == 0) p.open = i;
    if (text_[i] == ')' && p.depth > 0 && --p.depth == 0) {
      // Does a value lie inside? The segment's values are in order and do
      // not overlap (find_values), so their ends rise with their starts:
      // the first value after the "(" is the one to test.
      auto after_open = std::partition_point(segment_hits_.begin(), segment_hits_.end(),
                                             [&](const ValueHit& h) { return h.span.begin <= p.open; });
      if (after_open != segment_hits_.end() && after_open->span.end <= i) {
        p.phrase.append(text_, {p.run, p.open});
        p.run = i + 1;
      }
    }
  }
  p.scanned = value_begin;
  // Kept for good: all before the scan's place, or before the "(" still open.
  const std::size_t keep_to = p.depth == 0 ? value_begin : p.open;
  p.phrase.append(text_, {p.run, keep_to});
  p.run = keep_to;
  p.kept = p.phrase.s.size();
  p.verbs.stable = p.kept;
  p.verbs.upto = std::min(p.verbs.upto, p.kept);
  p.verbs.from = std::min(p.verbs.from, p.verbs.upto);
  p.phrase.append(text_, {p.run, value_begin});
  return p.phrase;
}

bool TargetExtractor::emit_group(Span region, Span seg, Span anchor, const Group& gr) {
  const ValueHit& first = gr.hits.front();
  Phrase water_pre;
  if (first.water_class) {  // the class's own verb is its comparator
    std::size_t b = anchor.begin;
    std::size_t paren = text_.rfind('(', first.verb.begin);
    if (first.in_parens && paren != std::string::npos && paren >= seg.begin) water_pre.append(text_, {seg.begin, paren});
    else water_pre.append(text_, {b, first.verb.begin});
  }
  const Phrase& pre = first.water_class ? water_pre : text_before(seg, anchor, first.span.begin);
  // Nothing before the value (a list number, "9、"): no comparator, no
  // verb unless one matches the empty text, no indicator unless one
  // follows the value after a 的 or a qualifier: what the steps below would
  // end with, told before them (most such values are item numbers).
  if (pre.empty() && !first.water_class && !gr.qualifier_rule && !tf_.verb_takes_empty &&
      !starts_with(std::string_view(text_).substr(gr.hits.back().span.end), "的") && !TargetsTesting::straightforward)
    return false;

  // The cleaned form of pre's first n bytes, asked for the same n by the
  // comparator search and then for the indicator: kept in cleaned_heads_.
  std::vector<Cleaned>& cleaned_heads = cleaned_heads_;
  cleaned_heads.clear();
  auto clean_head = [&](std::size_t n) -> Cleaned {
    for (const Cleaned& c : cleaned_heads)
      if (c.n == n) return c;
    std::optional<int> baseline;
    const auto [lo, hi] = clean_range(pre.s, 0, n, &baseline, first.water_class ? nullptr : &pre_text_.verbs);
    return cleaned_heads.emplace_back(Cleaned{n, lo, hi, baseline});
  };

  // Comparator: the rightmost in the pre-text that touches the value, or a
  // two-character one a few characters before it.
  // The op and the ids of the rules read: the ids joined by "+" only for a target.
  std::string_view op;  // of the grammar's strings or a literal
  std::array<std::string_view, 6> rule_parts;
  std::size_t rule_count = 0;
  auto add_rule = [&](std::string_view id) { rule_parts[rule_count++] = id; };
  add_rule(first.rule->id);
  std::size_t indicator_end = pre.s.size();
  std::size_t comparator_size = 0;
  const PatternRule* comparator_rule = nullptr;
  std::size_t comparator_index = kNoRule;
  bool comparator_touching = false;
  bool counted_after = false;  // the indicator follows the value
  if (first.water_class) {
    op = "<=";
    comparator_touching = true;  // its holding verb ("保持", "达到或优于") is the comparator
  } else {
    const RuleSet& cmps = comparators_;
    std::size_t best_end = 0, best_begin = 0, best = kNoRule;
    const std::string_view text = pre.s;
    // A comparator match [b, e) of rule `index`: does it stand for the value?
    auto consider = [&](std::size_t index, std::size_t b, std::size_t e) {
      const std::string_view gap = text.substr(e);
      // "达每日30公吨": a per-period word between comparator and value still touches.
      if (!gap.empty() && !is_per_period(gap)) {
        // A comparator a few characters before its value ("达到旱田播种面积50%")
        // needs an indicator before it and no 的 in the gap: "低于标准的企业整改率"
        // opens a modifier, not a comparison.
        const bool far_ok = comparator_rules_[index].far && !fewer_chars_than(text.substr(b, e - b), 2) &&
                            fewer_chars_than(gap, kFarReachChars + 1) && gap.find("的") == std::string_view::npos &&
                            !clean_head(b).empty();
        if (!far_ok) return;
      }
      if (best == kNoRule || e > best_end || (e == best_end && b < best_begin)) {
        best = index;
        best_end = e;
        best_begin = b;
      }
    };
    if (const WordScanner* words = facts_->comparator_scan.get()) {
      // Only a match that ends a few characters before the value can count
      // (touching, or at most kFarReachChars away): the scans are taken up
      // where they stand as a scan from the start would, shortly before.
      const std::size_t reach = std::max(4 * kFarReachChars, tf_.longest_per_period) + words->longest_word();
      const std::size_t from = text.size() > reach && !TargetsTesting::straightforward
                                   ? words->sync_point(text, text.size() - reach)
                                   : 0;
      TargetsTesting::scanned_bytes += text.size() - from;
      words->scan(text, consider, from);
    } else {
      const std::uint64_t candidates = facts_->comparator_words->may_match(pre.s);
      for (std::size_t index = 0; index < cmps.rules.size(); ++index) {
        if (!RequiredWords::may(candidates, index)) continue;
        const PatternRule& r = cmps.rules[index];
        re2::StringPiece m;
        std::size_t from = 0;
        while (from < pre.s.size() && r.re->Match(pre.s, from, pre.s.size(), RE2::UNANCHORED, &m, 1)) {
          std::size_t b = static_cast<std::size_t>(m.data() - pre.s.data()), e = b + m.size();
          from = e > b ? e : b + 1;
          consider(index, b, e);
        }
      }
    }
    if (best != kNoRule) {
      // Far comparators do not touch.
      comparator_touching = best_end == text.size() || is_per_period(text.substr(best_end));
      comparator_rule = &cmps.rules[best];
      comparator_index = best;
      op = comparator_rules_[best].op;
      add_rule(comparator_rule->id);
      comparator_size = best_end - best_begin;
      indicator_end = best_begin;
    }
  }
  // The indicator, as a range [ind_lo, ind_hi) of a phrase (pre unless said
  // otherwise): made a phrase of its own only for a target.
  const Phrase* ind_base = &pre;
  std::size_t ind_lo = 0, ind_hi = indicator_end;
  auto indicator_view = [&] { return std::string_view(ind_base->s).substr(ind_lo, ind_hi - ind_lo); };
  bool indicator_is_head = true;  // indicator is still pre's first indicator_end bytes
  // A comparator that opens the segment: the indicator is between it and the value.
  if (!first.water_class && !op.empty() && clean_head(indicator_end).empty()) {
    ind_lo = indicator_end + comparator_size;
    ind_hi = pre.s.size();
    indicator_is_head = false;
  }
  // "创建A30家、B5个": a verb carries over an enumeration of counts.
  const bool same_region = last_region_.begin == region.begin && last_region_.end == region.end;
  if (op.empty() && last_by_verb_ && same_region && starts_with(pre.s, "、")) {
    op = "+";
    add_rule("verb.carried");
    const Cleaned c = clean_head(pre.s.size());
    ind_lo = c.lo;
    ind_hi = c.hi;
    indicator_is_head = false;
  }
  bool by_verb = false;
  Phrase counted;  // the text after the value, for a verb that counts what follows
  // Verb-object-number: "创建绿色工厂5个".
  if (op.empty()) {
    const RuleSet& verbs = create_verbs_;
    const Cleaned c = clean_head(pre.s.size());
    const std::string_view cleaned = std::string_view(pre.s).substr(c.lo, c.hi - c.lo);
    for (std::size_t k = 0; k < verbs.rules.size(); ++k) {
      const PatternRule& v = verbs.rules[k];
      // A match holds one of the verb's required characters (looked for in a
      // short phrase only: the match itself runs from the phrase's start).
      if (const auto& required = facts_->verb_required[k];
          required && cleaned.size() <= kShortPhraseBytes && !holds_any(*required, cleaned, 0, cleaned.size()))
        continue;
      const re2::StringPiece piece(cleaned.data(), cleaned.size());  // the whole text: ^ holds at its start
      re2::StringPiece m;
      if (v.re->Match(piece, 0, piece.size(), RE2::ANCHOR_START, &m, 1)) {
        op = v.attr("op");
        add_rule(v.id);
        by_verb = true;
        ind_lo = c.lo + m.size();
        ind_hi = c.hi;
        indicator_is_head = false;
        // Verb-number-object: "建成10个美丽示范村" names what it counts after the value.
        std::size_t after = gr.hits.back().span.end;
        if (ind_lo >= ind_hi && gr.hits.size() == 1 && gr.qualifier.empty() && after < seg.end &&
            text_[after] != '(') {
          counted.append(text_, {after, seg.end});
          ind_base = &counted;
          ind_lo = 0;
          ind_hi = counted.s.size();
          counted_after = true;
        }
        break;
      }
    }
  }
  const std::string& qual_op = gr.qualifier_rule ? qualifier_ops_[gr.qualifier_index] : kNoOp;
  if (gr.qualifier_rule) add_rule(gr.qualifier_rule->id);
  const bool had_comparator = !op.empty();

  std::optional<int> baseline;
  if (indicator_is_head) {
    const Cleaned c = clean_head(indicator_end);
    ind_lo = c.lo;
    ind_hi = c.hi;
    baseline = c.baseline;
  } else {
    std::tie(ind_lo, ind_hi) = clean_range(ind_base->s, ind_lo, std::max(ind_lo, ind_hi), &baseline,
                                           ind_base == &pre && !first.water_class ? &pre_text_.verbs : nullptr);
  }
  // "95%以上的自然村…": the indicator follows the value.
  std::size_t tail_end = gr.qualifier.empty() ? gr.hits.back().span.end : gr.qualifier.end;
  Phrase after;
  if (counted_after) {
    tail_end = seg.end;
  } else if (ind_lo >= ind_hi && starts_with(std::string_view(text_).substr(tail_end), "的")) {
    after.append(text_, {tail_end + 3, seg.end});
    std::tie(ind_lo, ind_hi) = clean_range(after.s, 0, after.s.size(), nullptr);
    ind_base = &after;
    tail_end = seg.end;
  } else if (starts_with(std::string_view(text_).substr(tail_end), "的")) {
    return false;  // "20%的企业": the value modifies a noun
  }
  // "…较2020年提升10个百分点,达到75%以上": the indicator of the target before.
  if (ind_lo >= ind_hi && had_comparator && same_region && !last_indicator_.empty()) {
    ind_base = &last_indicator_;
    ind_lo = 0;
    ind_hi = last_indicator_.s.size();
    add_rule("indicator.carried");
  }
  if (ind_lo >= ind_hi) return false;

  // Threshold that only scopes a rule: "20平方公里以上河流", "35蒸吨以下燃煤锅炉".
  if (!comparator_touching && !counted_after && !gr.qualifier.empty() && qual_op != "~" && tail_end < seg.end) {
    std::size_t i = tail_end;
    char32_t next = utf8::next(text_, i);
    if (is_han(next)) return false;
  }
  // A count that modifies the noun after it is no target: "完成沿海5个县(区)排查".
  if (!comparator_touching && !counted_after && gr.qualifier.empty() && tail_end < seg.end) {
    std::size_t i = tail_end;
    if (is_han(utf8::next(text_, i))) return false;
  }
  // Plausibility: a comparator, a qualifier, or a measured indicator with a level.
  if (!had_comparator && gr.qualifier.empty() && !first.water_class && !measured(indicator_view())) return false;
  // A bare number needs an indicator that takes one: 系数, 指数, or an acronym "(PUE)".
  static const RE2 acronym(R"(\([A-Za-z][A-Za-z0-9.]*\)$)");
  if (first.unitless && !in_list(unitless_indicators_, indicator_view(), /*suffix=*/true) &&
      !RE2::PartialMatch(re2::StringPiece(indicator_view().data(), indicator_view().size()), acronym))
    return false;
  // Made in a kept phrase, which becomes last_indicator_ (and that one the
  // next kept phrase): no allocation once their room suffices.
  Phrase& indicator = indicator_;
  ind_base->sub_into(indicator, ind_lo, ind_hi);

  // Op from comparator and qualifier.
  if (qual_op == "~") op = "~";
  else if (op.empty() || (op == "=" && !qual_op.empty())) op = qual_op.empty() ? std::string_view("=") : qual_op;
  if (comparator_rule && !comparator_rules_[comparator_index].op_if_lower_better.empty() &&
      op == comparator_rules_[comparator_index].op &&
      [&] {
        if (tf_.lower_scan && !TargetsTesting::straightforward) {
          bool found = false;
          tf_.lower_scan->scan(indicator.s, [&](std::size_t, std::size_t, std::size_t) { found = true; });
          return found;
        }
        for (const std::string& w : lower_is_better_)
          if (find_literal(indicator.s, w, 0) != std::string_view::npos) return true;
        return false;
      }())
    op = comparator_rules_[comparator_index].op_if_lower_better;

  // Indicators for each value; none: `indicator` for all. The parts are made
  // phrases only when there are several.
  std::vector<Phrase> indicators;
  const std::vector<Span>& cuts = enumeration_parts(indicator.s);
  if (cuts.size() > 1) {
    std::vector<Phrase> parts;
    for (const Span& c : cuts) parts.push_back(indicator.sub(c.begin, c.end));
    bool all_long = std::all_of(parts.begin(), parts.end(), [](const Phrase& p) { return char_count(p.s) >= 2; });
    if (gr.hits.size() > 1 && parts.size() == gr.hits.size() && all_long) {
      indicators = std::move(parts);
    } else if (gr.hits.size() == 1 && all_long && indicator.s.find("的") == std::string::npos &&
               indicator.s.find("等") == std::string::npos &&
               std::all_of(parts.begin(), parts.end() - 1, [](const Phrase& p) { return char_count(p.s) >= 3; })) {
      // "医疗废物、危险废物处置率": objects of 3+ characters sharing a measure. An
      // aggregate ("国考、省考断面…", "黄柏河、香溪河等…") stays one target.
      indicators = std::move(parts);  // shared-tail case handled below
    } else if (gr.hits.size() == 1 && parts.size() == 2 && all_long &&
               measured(parts[0].s) && measured(parts[1].s) &&
               char_count(parts[1].s) <= 4 && char_count(parts[0].s) > char_count(parts[1].s)) {
      // "公众对…的满意度和参与度": later parts share the first part's head.
      std::size_t head = char_bytes(parts[0].s, char_count(parts[0].s) - char_count(parts[1].s));
      indicators = {parts[0], join(parts[0].sub(0, head), parts[1])};
    }
  }
  // Shared tail: "废旧放射源、放射性废物收贮率" -> 废旧放射源收贮率, 放射性废物收贮率.
  if (indicators.size() > 1) {
    const Phrase& last = indicators.back();
    bool earlier_unmeasured = true;
    std::size_t longest = 0;
    for (std::size_t k = 0; k + 1 < indicators.size(); ++k) {
      earlier_unmeasured &= !measured(indicators[k].s);
      longest = std::max(longest, char_count(indicators[k].s));
    }
    if (earlier_unmeasured && measured(last.s) && char_count(last.s) > longest) {
      Phrase tail = last.sub(char_bytes(last.s, longest), last.s.size());
      for (std::size_t k = 0; k + 1 < indicators.size(); ++k) indicators[k] = join(indicators[k], tail);
    }
    if (gr.hits.size() == 1 && !earlier_unmeasured) {
      // Several measured indicators, one value: keep them apart only when each is measured.
      bool each_measured = std::all_of(indicators.begin(), indicators.end(),
                                       [&](const Phrase& p) { return measured(p.s); });
      if (!each_measured) indicators.clear();
    }
  }

  std::size_t quote_begin = indicator.empty() ? first.span.begin : indicator.origin_front();
  if (!pre.empty()) quote_begin = std::min(quote_begin, pre.origin_front());
  std::string quote = nt_.quote(quote_begin, tail_end);
  SourcePosition pos = nt_.position(first.span.begin);
  Location loc = locate(doc_, first.span.begin);
  std::optional<int> year = year_for(region, first.span.begin);
  const int column = nt_.source_position(nt_.source_offset(quote_begin)).column;
  std::string rule_ids(rule_parts[0]);
  for (std::size_t k = 1; k < rule_count; ++k) (rule_ids += '+') += rule_parts[k];
  for (std::size_t k = 0; k < gr.hits.size() || k < indicators.size(); ++k) {
    const ValueHit& hit = gr.hits[std::min(k, gr.hits.size() - 1)];
    const Phrase& ind = indicators.empty() ? indicator : indicators[std::min(k, indicators.size() - 1)];
    Target& t = doc_.targets.emplace_back();  // filled in place: no move of its strings
    t.clause = loc.clause;
    t.section = loc.section;
    t.indicator = show(ind);
    t.op = std::string(op);
    t.value = hit.value;
    t.unit = hit.unit;
    t.year = year;
    t.baseline_year = baseline;
    t.line = pos.line;
    t.column = column;
    const bool last = k + 1 >= gr.hits.size() && k + 1 >= indicators.size();
    t.quote = last ? std::move(quote) : quote;
    t.rule = last ? std::move(rule_ids) : rule_ids;
    if (last) last_by_verb_ = by_verb || t.rule.find("verb.carried") != std::string::npos;
  }
  std::swap(last_indicator_, indicator_);
  last_region_ = region;
  return true;
}

void TargetExtractor::segment_targets(Span region, Span seg, const std::vector<int>* rules) {
  const std::vector<ValueHit>& hits = find_values(seg, rules);
  if (hits.empty()) return;
  const std::vector<Group>& groups = group_values(seg, hits);
  Span anchor{seg.begin, seg.end};
  for (const Group& gr : groups) {
    // The next group's indicator starts after this target, unless it sat in
    // parentheses (a note on the indicator that follows it). A value that was
    // no target ("100户以上" in "…的100户以上自然村寨120个") stays in the text.
    if (emit_group(region, seg, anchor, gr) && !gr.hits.front().in_parens)
      anchor.begin = gr.qualifier.empty() ? gr.hits.back().span.end : gr.qualifier.end;
  }
}

void TargetExtractor::run(const LineRules* lines) {
  std::vector<bool> table_lines;
  extract_table_targets(nt_, g_, lower_is_better_, doc_, table_lines);
  const std::vector<int>* rules = nullptr;
  std::vector<int> matched;  // rules found by a set pass
  // A plan without table rows needs no line numbers here.
  const bool has_table_rows = std::find(table_lines.begin(), table_lines.end(), true) != table_lines.end();
  std::size_t line = 0;  // of `lines`, holding the region
  for (Span region : regions()) {
    if (has_table_rows) {
      const auto line = static_cast<std::size_t>(nt_.position(region.begin).line);
      if (line < table_lines.size() && table_lines[line]) continue;  // read as a table row
    }
    note_lead_in(region);
    // One set pass over the paragraph rather than one per segment: the rules
    // that match somewhere in it are the only ones that can match in a part
    // of it (most paragraphs hold no value at all).
    if (lines) {
      // A region lies in one line, read with its break: the line's list (given
      // only for context-free values rules, so `rules` below is always used).
      while (line + 1 < lines->line_begin.size() && lines->line_begin[line + 1] <= region.begin) ++line;
      rules = &lines->values[line];
      if (rules->empty()) continue;
    } else if (values_.context_free) {
      matched = values_.matching(std::string_view(text_).substr(region.begin, region.end - region.begin));
      rules = &matched;
      if (rules->empty()) continue;
    }
    region_ = region;
    starts_.assign(values_.rules.size(), kUnknown);
    std::size_t start = region.begin;
    // No rule starts before this place: the places (starts_) change only in a
    // segment that ends past it, and segment ends only grow.
    std::size_t quiet_until = 0;
    while (start < region.end) {
      // Segments that end at or before quiet_until are passed over: the
      // segment after the last separator there is the next one looked at.
      for (std::size_t upto = std::min(quiet_until, region.end - 1); start < quiet_until && upto >= start;) {
        auto [at, size] = last_segment_end(text_, start, upto, region.end);
        if (at == std::string::npos) break;
        if (!is_thousands_comma(at)) {
          start = at + size;
          break;
        }
        if (at == start) break;
        upto = at - 1;
      }
      if (start >= region.end) break;
      std::size_t end = region.end, separator = 1;
      for (std::size_t from = start;;) {
        auto [at, size] = next_segment_end(text_, from, region.end);
        if (at == std::string::npos) break;
        if (!is_thousands_comma(at)) {  // "1,200": the comma is inside a number
          end = at;
          separator = size;
          break;
        }
        from = at + 1;
      }
      if (end > start) {
        const Placed placed = !values_.context_free ? Placed::kMaybe
                              : end <= quiet_until  ? Placed::kNone
                                                    : rule_places(*rules, end, quiet_until);
        if (placed == Placed::kNoneLeft) break;  // nor in the rest of the paragraph
        if (placed == Placed::kMaybe) segment_targets(region, {start, end}, values_.context_free ? rules : nullptr);
      }
      if (end == region.end) break;
      start = end + separator;
    }
  }
}

}  // namespace

void extract_targets(const NormalizedText& text, const Grammar& grammar,
                     const std::vector<DateMention>& dates, Document& doc, const LineRules* lines) {
  TargetExtractor(text, grammar.impl(), dates, doc).run(lines && lines->usable ? lines : nullptr);
}

}  // namespace plancmp
