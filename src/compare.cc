// Stage 6: aligning targets across plans and judging them. See include/plancmp/compare.h.
#include "plancmp/compare.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "plancmp/normalize.h"
#include "utf8_util.h"

namespace plancmp {

namespace {

bool is_change(const std::string& op) { return op == "-" || op == "+"; }

// Rows of uncatalogued indicators are keyed by their wording without
// punctuation or spaces.
std::string wording_key(const std::string& indicator) {
  std::string key;
  for (std::size_t i = 0; i < indicator.size();) {
    std::size_t start = i;
    char32_t c = utf8::next(indicator, i);
    if (c < 0x80 ? std::isalnum(static_cast<int>(c)) != 0 : !is_cjk_punct(c))
      key.append(indicator, start, i - start);
  }
  return "text:" + key;
}

const std::vector<std::string>& category_order() {
  static const std::vector<std::string> order = {"air",   "water", "soil",  "solid_waste", "ecology",
                                                 "climate_energy", "rural", "urban", "governance"};
  return order;
}

std::size_t category_rank(const std::string& c) {
  const auto& order = category_order();
  return static_cast<std::size_t>(std::find(order.begin(), order.end(), c) - order.begin());
}

// The cell of one plan that speaks for it in the verdict: one of the row's
// majority kind (level or change), preferring the year most cells share.
const CompareCell* headline(const std::vector<CompareCell>& cells, bool change, std::optional<int> modal_year) {
  const CompareCell* best = nullptr;
  for (const CompareCell& c : cells) {
    if (is_change(c.op) != change || !c.canonical) continue;
    if (!best || (c.year == modal_year && best->year != modal_year)) best = &c;
  }
  return best;
}

// Is value a stricter than b for this row? (equal values are not stricter)
bool stricter(double a, double b, const std::string& direction) {
  return direction == "lower" ? a < b : a > b;
}

void judge(CompareRow& row, const std::vector<std::string>& documents) {
  Verdict& v = row.verdict;
  for (const std::string& d : documents)
    if (!row.cells.count(d)) v.missing.push_back(d);

  int changes = 0, levels = 0;
  std::map<int, int> years;
  for (const auto& [doc, cells] : row.cells)
    for (const CompareCell& c : cells) {
      (is_change(c.op) ? changes : levels)++;
      if (c.year) years[*c.year]++;
    }
  const bool change = changes > levels;
  std::optional<int> modal_year;
  for (const auto& [y, n] : years)
    if (!modal_year || n > years[*modal_year]) modal_year = y;

  std::vector<std::pair<std::string, const CompareCell*>> heads;
  for (const std::string& d : documents) {
    auto it = row.cells.find(d);
    if (it == row.cells.end()) continue;
    if (const CompareCell* h = headline(it->second, change, modal_year)) heads.emplace_back(d, h);
  }
  for (const auto& [doc, cells] : row.cells)
    for (const CompareCell& c : cells)
      if (c.canonical && c.unit != row.unit && !row.unit.empty())
        v.conversions.push_back(fmt::format("{}: {}{} = {}{}", doc, c.value, c.unit, *c.canonical, row.unit));

  if (heads.size() < 2) {
    v.note = row.cells.size() < 2 ? "set by one plan only" : "no two plans set it in comparable terms";
    return;
  }
  // Direction: a decrease is stricter when larger for a lower-is-better
  // indicator, an increase when larger for a higher-is-better one.
  std::string direction = row.better;
  if (change) {
    bool all_down = std::all_of(heads.begin(), heads.end(), [](auto& h) { return h.second->op == "-"; });
    bool all_up = std::all_of(heads.begin(), heads.end(), [](auto& h) { return h.second->op == "+"; });
    if (!all_down && !all_up) {
      v.note = "plans mix increases and decreases";
      return;
    }
    direction = "higher";  // a larger change in the wanted direction is stricter
    std::set<std::optional<int>> baselines;
    for (auto& h : heads) baselines.insert(h.second->baseline_year);
    if (baselines.size() > 1) v.note = "baselines differ";
  } else if (direction.empty()) {
    bool ceilings = std::all_of(heads.begin(), heads.end(), [](auto& h) { return h.second->op == "<="; });
    bool floors = std::all_of(heads.begin(), heads.end(), [](auto& h) { return h.second->op == ">="; });
    if (ceilings) direction = "lower";
    else if (floors) direction = "higher";
    else {
      v.note = "better direction unknown";
      return;
    }
  }
  v.basis = change ? "change" : "level";
  double best = *heads.front().second->canonical, worst = best;
  for (auto& [doc, c] : heads) {
    if (stricter(*c->canonical, best, direction)) best = *c->canonical;
    if (stricter(worst, *c->canonical, direction)) worst = *c->canonical;
  }
  if (best == worst) {
    if (v.note.empty()) v.note = "all plans set the same value";
  } else {
    for (auto& [doc, c] : heads) {
      if (*c->canonical == best) v.strictest.push_back(doc);
      if (*c->canonical == worst) v.loosest.push_back(doc);
    }
  }
  std::optional<int> first, last;
  for (auto& [doc, c] : heads)
    if (c->year) {
      if (!first || *c->year < *first) first = c->year;
      if (!last || *c->year > *last) last = c->year;
    }
  if (first && last && *first != *last)
    for (auto& [doc, c] : heads) {
      if (c->year == first) v.earliest.push_back(doc);
      if (c->year == last) v.latest.push_back(doc);
    }
}

constexpr double kSameWording = 0.5;

// A row must not hold two different indicators of one plan. When one plan's
// cells in a row are worded clearly apart ("汉江出陕断面水质" and "国、省、市控
// 断面水质" both read as a section water class), the row is split by wording.
bool mixes_indicators(const CompareRow& row, const Catalogue& catalogue) {
  for (const auto& [doc, cells] : row.cells)
    for (std::size_t i = 0; i < cells.size(); ++i)
      for (std::size_t j = i + 1; j < cells.size(); ++j)
        if (catalogue.similarity(cells[i].indicator, cells[j].indicator) < kSameWording)
          return true;
  return false;
}

}  // namespace

Comparison compare(const std::vector<Document>& documents, const Catalogue& catalogue) {
  Comparison out;
  std::map<std::string, CompareRow> rows;
  std::vector<std::string> first_seen;  // uncatalogued keys, in order
  for (const Document& doc : documents) {
    out.documents.push_back(doc.document);
    for (const Target& t : doc.targets) {
      const Indicator* ind = t.indicator_id ? catalogue.find(*t.indicator_id) : nullptr;
      std::string key = ind ? ind->id : wording_key(t.indicator);
      auto [it, fresh] = rows.try_emplace(key);
      CompareRow& row = it->second;
      if (fresh) {
        if (ind) {
          row.indicator = ind->id;
          row.name = ind->name;
          row.category = ind->category;
          row.unit = ind->unit;
          row.better = ind->better;
        } else {
          row.name = t.indicator;
          row.unit = t.unit;
          first_seen.push_back(key);
        }
      }
      CompareCell cell{t.op, t.value, t.unit, t.year, t.baseline_year, t.line, t.indicator, std::nullopt};
      if (ind) cell.canonical = catalogue.to_canonical(*ind, t.value, t.unit);
      else if (t.unit == row.unit) cell.canonical = t.value;
      row.cells[doc.document].push_back(cell);
    }
  }
  std::map<std::string, CompareRow> split;
  for (auto it = rows.begin(); it != rows.end();) {
    if (!it->second.indicator || !mixes_indicators(it->second, catalogue)) {
      ++it;
      continue;
    }
    for (const auto& [doc, cells] : it->second.cells)
      for (const CompareCell& cell : cells) {
        CompareRow& part = split[it->first + "/" + wording_key(cell.indicator)];
        if (part.cells.empty()) {
          part = it->second;
          part.cells.clear();
          part.name = cell.indicator;
          part.indicator.reset();  // a wording row now, with the catalogue's unit and direction
        }
        part.cells[doc].push_back(cell);
      }
    it = rows.erase(it);
  }
  for (auto& [key, row] : rows) judge(row, out.documents);
  for (auto& [key, row] : split) judge(row, out.documents);

  std::vector<const CompareRow*> catalogued;
  for (const auto& [key, row] : rows)
    if (row.indicator) catalogued.push_back(&row);
  std::stable_sort(catalogued.begin(), catalogued.end(), [](const CompareRow* a, const CompareRow* b) {
    std::size_t ra = category_rank(a->category), rb = category_rank(b->category);
    return ra != rb ? ra < rb : *a->indicator < *b->indicator;
  });
  for (const CompareRow* r : catalogued) out.rows.push_back(*r);
  for (const std::string& key : first_seen) out.rows.push_back(rows[key]);
  for (const auto& [key, row] : split) out.rows.push_back(row);

  for (const CompareRow& row : out.rows)
    if (row.indicator)
      for (const std::string& d : row.verdict.missing) out.lacking[d].push_back(*row.indicator);
  return out;
}

}  // namespace plancmp
