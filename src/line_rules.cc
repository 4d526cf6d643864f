// Which dates and values rules can match in each line: one RE2::Set pass per
// line for both stages. See LineRules in include/plancmp/extract.h.
#include <algorithm>
#include <string>
#include <string_view>

#include <re2/re2.h>
#include <re2/set.h>

#include "grammar_internal.h"
#include "plancmp/extract.h"

namespace plancmp {

namespace {

const char* const kDatesFile = "dates.yaml";
const char* const kTargetsFile = "targets.yaml";

// The two sets together hold twice the rules of one: twice the budget.
constexpr int64_t kLineSetMaxMem = 16 << 20;

}  // namespace

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
    for (const RuleSet* rs : {&dates, &values})
      for (const PatternRule& r : rs->rules)
        if (joint->set->Add(r.re->pattern(), nullptr) < 0) return;
    if (joint->set->Compile()) line_set_built = std::move(joint);
  });
  return line_set_built.get();
}

LineRules match_lines(const NormalizedText& nt, const Grammar& grammar) {
  LineRules out;
  const Grammar::Impl& g = grammar.impl();
  const Grammar::Impl::LineSet* joint = g.line_set();
  if (!joint) return out;
  out.usable = true;
  const std::string& text = nt.text();
  std::vector<int> hits;
  for (std::size_t begin = 0; begin < text.size();) {
    std::size_t end = text.find('\n', begin);
    end = end == std::string::npos ? text.size() : end + 1;  // with its break
    const std::string_view line(text.data() + begin, end - begin);
    out.line_begin.push_back(begin);
    std::vector<int>& dates = out.dates.emplace_back();
    std::vector<int>& values = out.values.emplace_back();
    RE2::Set::ErrorInfo error{RE2::Set::kNoError};
    hits.clear();
    if (joint->set->Match(re2::StringPiece(line.data(), line.size()), &hits, &error)) {
      std::sort(hits.begin(), hits.end());
      const auto first_value = static_cast<int>(joint->dates);
      for (int h : hits) {
        if (h < first_value) dates.push_back(h);
        else values.push_back(h - first_value);
      }
    } else if (error.kind != RE2::Set::kNoError) {
      // The joint DFA gave up on this line: each set answers for itself.
      dates = g.rule_set(kDatesFile, "dates").matching(line);
      values = g.rule_set(kTargetsFile, "values").matching(line);
    }
    begin = end;
  }
  return out;
}

}  // namespace plancmp
