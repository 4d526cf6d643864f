// `plancmp indicators [--format table|yaml|json] [--category NAME] [--grammars DIR]`:
// lists the indicator catalogue (grammars/indicators.yaml).
#include <cmath>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "commands.h"
#include "plancmp/canonicalize.h"
#include "plancmp/diagnostic.h"
#include "plancmp/grammar.h"
#include "plancmp/value.h"

namespace plancmp::cli {
namespace {

struct IndicatorsArgs {
  std::string format = "table";  // table | yaml | json
  std::string category;          // empty: all
  std::string grammars;          // empty: built-in
};

// Terminal columns of UTF-8 text: East Asian wide and full-width characters
// take two, combining marks none.
std::size_t columns(const std::string& s) {
  std::size_t width = 0;
  int32_t i = 0;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const auto n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c < 0) {
      ++width;
      continue;
    }
    const int type = u_charType(c);
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || c == 0x200B) continue;
    const int ea = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
    width += (ea == U_EA_WIDE || ea == U_EA_FULLWIDTH) ? 2 : 1;
  }
  return width;
}

std::string number_text(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{}", v);
}

// "<= 1%", "- 18% vs 2020 (地级及以上城市)".
std::string national_text(const Indicator& ind) {
  if (!ind.national_2025) return "";
  const NationalTarget& t = *ind.national_2025;
  std::string s = t.op + " " + number_text(t.value) + t.unit;
  if (t.year != 2025) s += fmt::format(" by {}", t.year);
  if (t.baseline_year) s += fmt::format(" vs {}", *t.baseline_year);
  if (!t.scope.empty()) s += " (" + t.scope + ")";
  return s;
}

std::string table(const std::vector<const Indicator*>& list) {
  const std::vector<std::string> header{"id", "name", "category", "unit", "better", "aliases", "national 2025"};
  std::vector<std::vector<std::string>> rows;
  for (const Indicator* ind : list)
    rows.push_back({ind->id, ind->name, ind->category, ind->unit.empty() ? "-" : ind->unit, ind->better,
                    std::to_string(ind->aliases.size()), national_text(*ind)});
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) width[c] = columns(header[c]);
  for (const auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], columns(r[c]));
  std::ostringstream out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      text += cells[c];
      if (c + 1 < cells.size()) text += std::string(width[c] - columns(cells[c]) + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out << text << '\n';
  };
  line(header);
  std::vector<std::string> rule;
  for (std::size_t w : width) rule.push_back(std::string(w, '-'));
  line(rule);
  for (const auto& r : rows) line(r);
  out << list.size() << " indicators\n";
  return out.str();
}

Value indicator_value(const Indicator& ind) {
  Value conversions = Value::array();
  for (const UnitConversion& c : ind.conversions)
    conversions.push(Value::object().set("from", c.from).set("factor", c.factor));
  Value national;
  if (ind.national_2025) {
    const NationalTarget& t = *ind.national_2025;
    national = Value::object()
                   .set("op", Value::quoted(t.op))
                   .set("value", t.value)
                   .set("unit", t.unit)
                   .set("year", t.year)
                   .set("baseline_year", t.baseline_year)
                   .set("scope", t.scope.empty() ? Value() : Value(t.scope))
                   .set("source", t.source);
  }
  return Value::object()
      .set("id", Value::quoted(ind.id))
      .set("name", ind.name)
      .set("category", ind.category)
      .set("unit", ind.unit)
      .set("conversions", std::move(conversions))
      .set("measure", ind.measure)
      .set("relative_change", ind.relative_change)
      .set("better", ind.better)
      .set("aliases", ind.aliases)
      .set("excludes", ind.excludes)
      .set("national_2025", std::move(national));
}

int run_indicators(const IndicatorsArgs& args, std::ostream& out, std::ostream& err) {
  std::shared_ptr<const Catalogue> catalogue;
  try {
    std::shared_ptr<const Grammar> grammar =
        args.grammars.empty() ? Grammar::builtin() : Grammar::load(args.grammars);
    catalogue = Catalogue::from_grammar(*grammar);
  } catch (const InputError& e) {
    err << "plancmp: " << e.what() << '\n';
    return kExitInputError;
  }
  std::vector<const Indicator*> list;
  for (const Indicator& ind : catalogue->indicators())
    if (args.category.empty() || ind.category == args.category) list.push_back(&ind);

  if (args.format == "table") {
    out << table(list);
  } else {
    Value items = Value::array();
    for (const Indicator* ind : list) items.push(indicator_value(*ind));
    Value doc = Value::object()
                    .set("threshold", catalogue->threshold())
                    .set("margin", catalogue->margin())
                    .set("count", static_cast<long long>(list.size()))
                    .set("indicators", std::move(items));
    out << (args.format == "json" ? to_json_text(doc) : to_yaml_text(doc));
  }
  out.flush();
  return kExitOk;
}

}  // namespace

void add_indicators_command(CLI::App& app, int& status) {
  auto args = std::make_shared<IndicatorsArgs>();
  CLI::App* sub = app.add_subcommand(
      "indicators", "List the indicator catalogue: ids, names, units, better direction, national 2025 targets");
  sub->add_option("-f,--format", args->format, "Output format")
      ->check(CLI::IsMember({"table", "yaml", "json"}))
      ->capture_default_str();
  sub->add_option("--category", args->category, "Only this category")
      ->check(CLI::IsMember({"air", "water", "soil", "solid_waste", "ecology", "climate_energy", "rural", "urban",
                             "governance"}))
      ->type_name("NAME");
  sub->add_option("--grammars", args->grammars,
                  "Load rule files from DIR; its indicators.yaml replaces the built-in catalogue")
      ->type_name("DIR");
  sub->footer(
      "The catalogue is grammars/indicators.yaml (see grammars/README.md); every\n"
      "extracted target whose indicator phrase matches an entry gets its id.\n"
      "\n"
      "Examples:\n"
      "  plancmp indicators\n"
      "  plancmp indicators --category water\n"
      "  plancmp indicators --format json > indicators.json");
  sub->callback([args, &status] { status = run_indicators(*args, std::cout, std::cerr); });
}

}  // namespace plancmp::cli
