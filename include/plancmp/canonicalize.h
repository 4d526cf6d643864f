// Stage 5: canonical indicators. The catalogue (grammars/indicators.yaml, see
// grammars/README.md) names the indicators of Chinese environmental plans with
// their aliases, category, canonical unit and conversions, better direction and
// national 2025 value. canonicalize() gives each extracted target its catalogue
// id: alias match first, then a scored fuzzy match above a threshold; distinct
// indicators stay distinct (城市 vs 县城 污水处理率).
//
// How op '-' and '+' read against `better` (see grammars/README.md):
//  - measure: level (most indicators) — the value is a level of the indicator
//    (29 微克/立方米, 95%); `better` says which way a level improves. A target
//    with op '-' or '+' is a change of that level from baseline_year (PM2.5
//    浓度下降10% is a '-' on a lower-is-better level: an improvement); it is
//    compared with other changes, never with levels.
//  - measure: change — the indicator IS a change from a baseline (单位GDP二氧化
//    碳排放下降率, 单位GDP能耗降低率). Its value is the size of the change, and
//    `better` (higher) applies to that size: "下降17%" (op '-', 17) and
//    "下降率不低于17%" (op '>=', 17) both state a reduction of 17, and 18 is
//    stricter than 17.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "plancmp/document.h"
#include "plancmp/grammar.h"

namespace plancmp {

struct UnitConversion {
  std::string from;     // a unit as printed, e.g. "万亩"
  double factor = 1.0;  // value_in_canonical = value * factor
};

struct NationalTarget {
  std::string op;       // as in targets: <=, >=, =, ~, -, +
  double value = 0;
  std::string unit;
  int year = 2025;
  std::optional<int> baseline_year;
  std::string scope;    // whom it binds, when narrower than the country ("地级及以上城市")
  std::string source;   // the document that sets it
};

struct Indicator {
  std::string id;                    // snake_case English
  std::string name;                  // Chinese name
  std::vector<std::string> aliases;  // wording variants (Simplified)
  std::string category;              // air | water | soil | solid_waste | ecology | climate_energy | rural | urban | governance
  std::string unit;                  // canonical unit ("%", "微克/立方米", "" ...)
  std::vector<UnitConversion> conversions;
  std::string measure = "level";     // level | change (see above)
  bool relative_change = false;      // a % value reads as a relative change (排放量下降8%)
  std::string better;                // higher | lower
  std::optional<NationalTarget> national_2025;
  std::vector<std::string> excludes; // words whose presence rules this indicator out (县城 for city sewage)
  std::vector<std::string> requires_any; // YAML `requires`: a fuzzy match needs one of these words (县城 for county sewage)
};

// How a phrase matched (Catalogue::match_detail), for tests and --explain.
struct IndicatorMatch {
  std::optional<std::string> id;  // the match, or nullopt
  std::string method;             // "alias" | "fuzzy" | "" (no match)
  double score = 0;               // 1 for an alias; the fuzzy score otherwise
  std::string best;               // best fuzzy candidate id, also when below threshold
  double best_score = 0;
  std::string runner_up;          // best candidate of another id
  double runner_up_score = 0;
  std::string why;                // when unmatched: "empty", "no compatible indicator",
                                  // "below threshold", "ambiguous"
};

class Catalogue {
 public:
  // From the grammar's indicators.yaml (built-in or --grammars DIR); cached
  // per grammar, so calling it for every document is cheap. A malformed file
  // throws InputError with `file:line:col: error: ...`.
  static std::shared_ptr<const Catalogue> from_grammar(const Grammar& grammar);
  // From the text of an indicators.yaml; `path` names it in messages.
  // `embedded` is for plancmp's own built-in file only: it skips the YAML
  // alias-budget pass that guards files read from disk.
  static std::shared_ptr<const Catalogue> from_text(const std::string& text, const std::string& path,
                                                    bool embedded = false);

  const std::vector<Indicator>& indicators() const { return indicators_; }
  const Indicator* find(const std::string& id_or_alias) const;

  // The catalogue id for an indicator phrase as extracted, or nullopt.
  // `unit` (as printed) helps tell apart indicators that share words; an
  // empty unit vetoes nothing.
  std::optional<std::string> match(const std::string& phrase, const std::string& unit = {}) const;
  IndicatorMatch match_detail(const std::string& phrase, const std::string& unit = {}) const;

  // value in the indicator's canonical unit, or nullopt when no conversion applies.
  std::optional<double> to_canonical(const Indicator& ind, double value, const std::string& unit) const;

  // The form phrases and aliases are compared in (Simplified, NFKC, lower
  // case, no punctuation, scope prefixes stripped, folds applied).
  std::string normalize(const std::string& phrase) const;
  // How alike two indicator phrases are (0..1): bigram Dice of their
  // normalized forms, at least 0.75 when one contains the other.
  double similarity(const std::string& a, const std::string& b) const;
  // Can a value in `unit` (as printed) be a value of `ind`?
  bool unit_compatible(const Indicator& ind, const std::string& unit) const;
  double threshold() const { return threshold_; }
  double margin() const { return margin_; }

  struct Data;  // parsed extras (normalization, unit tables, alias index); src/canonicalize.cc

 private:
  std::vector<Indicator> indicators_;
  double threshold_ = 0.66;
  double margin_ = 0.04;
  std::shared_ptr<const Data> data_;
};

// Fills Target::indicator_id for every target of `doc`.
void canonicalize(const Catalogue& catalogue, Document& doc);

}  // namespace plancmp
