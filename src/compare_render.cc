// Printing a Comparison: terminal table, YAML/JSON (one Value), CSV, Markdown,
// and a self-contained HTML report with an inline SVG chart per indicator.
#include <unicode/uchar.h>

#include <algorithm>
#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "markup.h"
#include "plancmp/compare.h"
#include "utf8_util.h"

namespace plancmp {

namespace {

std::string number(double v) {
  if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(std::round(v)));
  return fmt::format("{}", v);
}

// "≤29微克/立方米 (2025)", "↓17% vs 2020 (2025)".
std::string cell_text(const CompareCell& c) {
  std::string sign = c.op == "<=" ? "≤" : c.op == ">=" ? "≥" : c.op == "~" ? "≈" : c.op == "-" ? "↓" : c.op == "+" ? "↑" : "=";
  std::string s = sign + number(c.value) + c.unit;
  if (c.baseline_year) s += fmt::format(" vs {}", *c.baseline_year);
  if (c.year) s += fmt::format(" ({})", *c.year);
  return s;
}

std::string cells_text(const CompareRow& row, const std::string& doc) {
  auto it = row.cells.find(doc);
  if (it == row.cells.end()) return "—";
  std::string s;
  for (const CompareCell& c : it->second) s += (s.empty() ? "" : "; ") + cell_text(c);
  return s;
}

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string s;
  for (const auto& i : items) s += (s.empty() ? "" : sep) + i;
  return s;
}

std::string verdict_text(const Verdict& v) {
  std::vector<std::string> parts;
  if (!v.strictest.empty()) parts.push_back("strictest " + join(v.strictest));
  if (!v.loosest.empty()) parts.push_back("loosest " + join(v.loosest));
  if (!v.earliest.empty()) parts.push_back("earliest " + join(v.earliest));
  if (!v.note.empty()) parts.push_back(v.note);
  return join(parts, "; ");
}

// Catalogue ids of `ids` as the rows' Chinese names, for human readers.
std::string names_of(const Comparison& c, const std::vector<std::string>& ids) {
  std::vector<std::string> names;
  for (const std::string& id : ids) {
    std::string name = id;
    for (const CompareRow& r : c.rows)
      if (r.indicator == id) name = r.name;
    names.push_back(name);
  }
  return join(names, "、");
}

std::string row_label(const CompareRow& r) {
  return r.name + (r.unit.empty() ? "" : " (" + r.unit + ")");
}

std::string pad(const std::string& s, std::size_t width) {
  std::size_t w = display_width(s);
  return s + std::string(w < width ? width - w : 0, ' ');
}

std::string render_table(const Comparison& c) {
  std::vector<std::vector<std::string>> grid;
  std::vector<std::string> header{"indicator"};
  for (const auto& d : c.documents) header.push_back(d);
  header.push_back("verdict");
  grid.push_back(header);
  for (const CompareRow& r : c.rows) {
    std::vector<std::string> line{row_label(r)};
    for (const auto& d : c.documents) line.push_back(cells_text(r, d));
    line.push_back(verdict_text(r.verdict));
    grid.push_back(line);
  }
  std::vector<std::size_t> widths(header.size(), 0);
  for (const auto& line : grid)
    for (std::size_t k = 0; k < line.size(); ++k) widths[k] = std::max(widths[k], display_width(line[k]));
  std::string out;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    std::string text;
    for (std::size_t k = 0; k < grid[i].size(); ++k)
      text += (k ? "  " : "") + (k + 1 < grid[i].size() ? pad(grid[i][k], widths[k]) : grid[i][k]);
    out += text + "\n";
    if (i == 0) {
      std::size_t total = 0;
      for (std::size_t w : widths) total += w + 2;
      out += std::string(total > 2 ? total - 2 : 0, '-') + "\n";
    }
  }
  for (const auto& [doc, ids] : c.lacking)
    out += fmt::format("{} sets no target for: {}\n", doc, names_of(c, ids));
  return out;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string q = "\"";
  for (char ch : s) q += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return q + "\"";
}

std::string render_csv(const Comparison& c) {
  std::vector<std::string> header{"indicator_id", "name", "category", "unit", "better"};
  for (const auto& d : c.documents) header.push_back(d);
  for (const char* h : {"strictest", "loosest", "earliest", "missing", "note"}) header.push_back(h);
  std::string out;
  auto line = [&](const std::vector<std::string>& fields) {
    std::string s;
    // Appends only: GCC 12 warns falsely (-Wrestrict) on "literal" + string.
    for (std::size_t k = 0; k < fields.size(); ++k) {
      if (k) s += ',';
      s += csv_field(fields[k]);
    }
    out += s;
    out += "\r\n";
  };
  line(header);
  for (const CompareRow& r : c.rows) {
    std::vector<std::string> f{r.indicator.value_or(""), r.name, r.category, r.unit, r.better};
    for (const auto& d : c.documents) f.push_back(r.cells.count(d) ? cells_text(r, d) : "");
    for (const auto* list : {&r.verdict.strictest, &r.verdict.loosest, &r.verdict.earliest, &r.verdict.missing})
      f.push_back(join(*list, " "));
    f.push_back(r.verdict.note);
    line(f);
  }
  return out;
}

std::string md_escape(const std::string& s) {
  std::string out;
  for (char ch : s) out += ch == '|' ? std::string("\\|") : std::string(1, ch);
  return out;
}

std::string render_markdown(const Comparison& c) {
  std::string out = "| indicator |";
  for (const auto& d : c.documents) ((out += ' ') += md_escape(d)) += " |";
  out += " verdict |\n|---|";
  for (std::size_t k = 0; k < c.documents.size(); ++k) out += "---|";
  out += "---|\n";
  for (const CompareRow& r : c.rows) {
    ((out += "| ") += md_escape(row_label(r))) += " |";
    for (const auto& d : c.documents) ((out += ' ') += md_escape(cells_text(r, d))) += " |";
    ((out += ' ') += md_escape(verdict_text(r.verdict))) += " |\n";
  }
  if (!c.lacking.empty()) out += "\n";
  for (const auto& [doc, ids] : c.lacking)
    out += fmt::format("- **{}** sets no target for: {}\n", doc, names_of(c, ids));
  return out;
}


// One horizontal bar per plan value (in the row's unit); strictest green,
// loosest red. Pure SVG: the report needs no script, font or network.
std::string svg_chart(const CompareRow& r, const std::vector<std::string>& documents) {
  struct Bar {
    std::string doc, label;
    double value;
  };
  std::vector<Bar> bars;
  for (const auto& d : documents) {
    auto it = r.cells.find(d);
    if (it == r.cells.end()) continue;
    for (const CompareCell& c : it->second)
      if (c.canonical) bars.push_back({d, cell_text(c), *c.canonical});
  }
  if (bars.empty()) return "";
  double max = 0;
  for (const Bar& b : bars) max = std::max(max, std::fabs(b.value));
  if (max <= 0) max = 1;
  const int row_h = 26, label_w = 170, bar_w = 360, width = label_w + bar_w + 190;
  const int height = static_cast<int>(bars.size()) * row_h + 10;
  std::string svg = fmt::format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\">",
      width, height, escape_markup(r.name));
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const auto& v = r.verdict;
    std::string color = std::count(v.strictest.begin(), v.strictest.end(), b.doc)  ? "#2e7d32"
                        : std::count(v.loosest.begin(), v.loosest.end(), b.doc)   ? "#c62828"
                                                                                  : "#607d8b";
    int y = static_cast<int>(i) * row_h + 5;
    int w = std::max(2, static_cast<int>(std::fabs(b.value) / max * bar_w));
    svg += fmt::format("<text x=\"0\" y=\"{}\" font-size=\"13\">{}</text>", y + 16, escape_markup(b.doc));
    svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"18\" fill=\"{}\"/>", label_w, y + 2, w, color);
    svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"13\">{}</text>", label_w + w + 6, y + 16,
                       escape_markup(b.label));
  }
  return svg + "</svg>";
}

std::string render_html(const Comparison& c) {
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n"
       "<title>plancmp comparison</title>\n<style>\n"
       "body{font-family:sans-serif;margin:2em;color:#222}\n"
       "table{border-collapse:collapse;margin-bottom:2em}\n"
       "th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;vertical-align:top}\n"
       "th{background:#eceff1}\n.strictest{background:#e8f5e9}\n.loosest{background:#ffebee}\n"
       ".missing{color:#999}\nsection{margin:1em 0}\nh3{margin:.2em 0}\n"
       "</style>\n</head>\n<body>\n<h1>Targets compared</h1>\n<table>\n<tr><th>indicator</th>";
  for (const auto& d : c.documents) h << "<th>" << escape_markup(d) << "</th>";
  h << "<th>verdict</th></tr>\n";
  for (const CompareRow& r : c.rows) {
    h << "<tr><td>" << escape_markup(row_label(r)) << "</td>";
    for (const auto& d : c.documents) {
      const auto& v = r.verdict;
      std::string cls = !r.cells.count(d)                                              ? "missing"
                        : std::count(v.strictest.begin(), v.strictest.end(), d)        ? "strictest"
                        : std::count(v.loosest.begin(), v.loosest.end(), d)            ? "loosest"
                                                                                       : "";
      h << "<td" << (cls.empty() ? "" : " class=\"" + cls + "\"") << ">" << escape_markup(cells_text(r, d)) << "</td>";
    }
    h << "<td>" << escape_markup(verdict_text(r.verdict)) << "</td></tr>\n";
  }
  h << "</table>\n";
  if (!c.lacking.empty()) {
    h << "<h2>Coverage</h2>\n<ul>\n";
    for (const auto& [doc, ids] : c.lacking)
      h << "<li><b>" << escape_markup(doc) << "</b> sets no target for: " << escape_markup(names_of(c, ids)) << "</li>\n";
    h << "</ul>\n";
  }
  h << "<h2>Charts</h2>\n";
  for (const CompareRow& r : c.rows) {
    std::string svg = svg_chart(r, c.documents);
    if (svg.empty()) continue;
    h << "<section><h3>" << escape_markup(row_label(r)) << "</h3>\n" << svg << "\n</section>\n";
  }
  h << "</body>\n</html>\n";
  return h.str();
}

Value strings(const std::vector<std::string>& items) { return Value(items); }

}  // namespace

std::size_t display_width(const std::string& text) {
  std::size_t width = 0;
  for (std::size_t i = 0; i < text.size();) {
    char32_t c = utf8::next(text, i);
    int ea = u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_EAST_ASIAN_WIDTH);
    if (u_getCombiningClass(static_cast<UChar32>(c)) > 0) continue;
    width += (ea == U_EA_WIDE || ea == U_EA_FULLWIDTH) ? 2 : 1;
  }
  return width;
}

Value comparison_value(const Comparison& c) {
  Value rows = Value::array();
  for (const CompareRow& r : c.rows) {
    Value cells = Value::object();
    for (const auto& d : c.documents) {
      auto it = r.cells.find(d);
      if (it == r.cells.end()) continue;
      Value list = Value::array();
      for (const CompareCell& cell : it->second)
        list.push(Value::object()
                      .set("op", Value::quoted(cell.op))
                      .set("value", cell.value)
                      .set("unit", cell.unit)
                      .set("year", cell.year)
                      .set("baseline_year", cell.baseline_year)
                      .set("line", cell.line)
                      .set("indicator", cell.indicator)
                      .set("canonical_value", cell.canonical));
      cells.set(d, std::move(list));
    }
    const Verdict& v = r.verdict;
    rows.push(Value::object()
                  .set("indicator", Value::quoted(r.indicator))
                  .set("name", r.name)
                  .set("category", r.category)
                  .set("unit", r.unit)
                  .set("better", r.better)
                  .set("cells", std::move(cells))
                  .set("verdict", Value::object()
                                      .set("basis", v.basis)
                                      .set("strictest", strings(v.strictest))
                                      .set("loosest", strings(v.loosest))
                                      .set("earliest", strings(v.earliest))
                                      .set("latest", strings(v.latest))
                                      .set("conversions", strings(v.conversions))
                                      .set("missing", strings(v.missing))
                                      .set("note", v.note)));
  }
  Value lacking = Value::object();
  for (const auto& [doc, ids] : c.lacking) lacking.set(doc, strings(ids));
  return Value::object()
      .set("schema", "plancmp-compare/1")
      .set("documents", strings(c.documents))
      .set("rows", std::move(rows))
      .set("lacking", std::move(lacking));
}

std::string render(const Comparison& c, CompareFormat format) {
  switch (format) {
    case CompareFormat::kTable: return render_table(c);
    case CompareFormat::kYaml: return to_yaml_text(comparison_value(c));
    case CompareFormat::kJson: return to_json_text(comparison_value(c));
    case CompareFormat::kCsv: return render_csv(c);
    case CompareFormat::kMarkdown: return render_markdown(c);
    case CompareFormat::kHtml: return render_html(c);
  }
  return {};
}

}  // namespace plancmp
