// Stage 6: cross-plan comparison. Targets of several plans that measure the
// same thing (same catalogue id, or the same wording when uncatalogued) share a
// row; each plan's targets are the row's cells; the verdict names the
// strictest and loosest plan by the indicator's better direction, after
// converting units, and the deadlines that differ.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "plancmp/canonicalize.h"
#include "plancmp/document.h"
#include "plancmp/value.h"

namespace plancmp {

struct CompareCell {
  std::string op;
  double value = 0;
  std::string unit;
  std::optional<int> year;
  std::optional<int> baseline_year;
  int line = 0;
  std::string indicator;            // the plan's own wording
  std::optional<double> canonical;  // value in the row's unit, when convertible
};

struct Verdict {
  std::string basis;                     // what was compared: "level" or "change", "" when nothing
  std::vector<std::string> strictest;    // document ids (ties share)
  std::vector<std::string> loosest;
  std::vector<std::string> earliest;     // plans with the earliest deadline, when deadlines differ
  std::vector<std::string> latest;
  std::vector<std::string> conversions;  // "maanshan-2023: 3万亩 = 30000亩"
  std::vector<std::string> missing;      // plans that set no target for this indicator
  std::string note;                      // why there is no ranking, when there is none
};

struct CompareRow {
  std::optional<std::string> indicator;  // catalogue id; null when unmatched
  std::string name;                      // catalogue name, or the plan's wording
  std::string category;
  std::string unit;                      // canonical unit
  std::string better;                    // higher | lower | "" (unknown)
  std::map<std::string, std::vector<CompareCell>> cells;  // by document id
  Verdict verdict;
};

struct Comparison {
  std::vector<std::string> documents;  // document ids, input order
  std::vector<CompareRow> rows;        // catalogued rows first (by category, name), then the rest
  // Per document: catalogue ids other plans set and this one does not.
  std::map<std::string, std::vector<std::string>> lacking;
};

Comparison compare(const std::vector<Document>& documents, const Catalogue& catalogue);

enum class CompareFormat { kTable, kYaml, kJson, kCsv, kMarkdown, kHtml };

Value comparison_value(const Comparison& c);  // the JSON/YAML shape
std::string render(const Comparison& c, CompareFormat format);

// Display width of UTF-8 text in a terminal: East Asian wide characters count 2.
std::size_t display_width(const std::string& text);

}  // namespace plancmp
