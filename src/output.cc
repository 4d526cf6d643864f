// Output of `plancmp extract`: document_value lists a Document's fields once,
// in output order (see ../shared/gold/SPEC.md for their meanings); the YAML
// and JSON serializers of value.h print it.
#include "plancmp/output.h"

#include <string>
#include <vector>

namespace plancmp {
namespace {

template <class T, class F>
Value list(const std::vector<T>& items, F to_value) {
  Value out = Value::array();
  for (const auto& item : items) out.push(to_value(item));
  return out;
}

// Values marked quoted: numbering as printed, dates, ops and verbatim quotes
// must read back as text in YAML, even when they look like numbers or null.
Value section_value(const Section& s) {
  Value v = Value::object();
  v.set("n", s.n);
  v.set("printed", Value::quoted(s.printed));
  v.set("title", s.title);
  v.set("line", s.line);
  v.set("column", s.column);
  v.set("rule", s.rule);
  return v;
}

Value clause_value(const Clause& c) {
  Value v = Value::object();
  v.set("id", c.id);
  v.set("parent", c.parent);
  v.set("printed", Value::quoted(c.printed));
  v.set("section", c.section);
  v.set("title", c.title);
  v.set("line", c.line);
  v.set("column", c.column);
  v.set("level", c.level);
  v.set("rule", c.rule);
  v.set("lead", c.lead);
  v.set("support", c.support);
  return v;
}

Value target_value(const Target& t) {
  Value v = Value::object();
  v.set("clause", t.clause);
  v.set("section", t.section);
  v.set("indicator", t.indicator);
  v.set("indicator_id", Value::quoted(t.indicator_id));
  v.set("op", Value::quoted(t.op));
  v.set("value", t.value);
  v.set("unit", t.unit);
  v.set("year", t.year);
  v.set("baseline_year", t.baseline_year);
  v.set("line", t.line);
  v.set("column", t.column);
  v.set("quote", Value::quoted(t.quote));
  v.set("rule", t.rule);
  return v;
}

Value deadline_value(const Deadline& d) {
  Value v = Value::object();
  v.set("clause", d.clause);
  v.set("section", d.section);
  v.set("date", Value::quoted(d.date));
  v.set("kind", d.kind);
  v.set("line", d.line);
  v.set("column", d.column);
  v.set("quote", Value::quoted(d.quote));
  v.set("rule", d.rule);
  return v;
}

Value warning_value(const Warning& w) {
  Value v = Value::object()
                .set("code", w.code)
                .set("message", w.message)
                .set("line", w.line)
                .set("column", w.column);
  if (w.byte >= 0) v.set("byte", w.byte);  // only when known
  return v;
}

Value unit_value(const UnitMention& u) {
  Value v = Value::object();
  v.set("unit", u.unit);
  v.set("role", u.role);
  v.set("line", u.line);
  v.set("section", u.section);
  return v;
}

}  // namespace

Value document_value(const Document& doc) {
  Value v = Value::object();
  v.set("schema", kSchema);
  v.set("document", doc.document);
  v.set("source", doc.source);
  v.set("encoding", doc.encoding);
  v.set("city", doc.city);
  v.set("province", doc.province);
  v.set("title", doc.title);
  v.set("issuer", doc.issuer);
  v.set("date", Value::quoted(doc.date));
  v.set("sections", list(doc.sections, section_value));
  v.set("clauses", list(doc.clauses, clause_value));
  v.set("implementers", doc.implementers);
  v.set("units", list(doc.units, unit_value));
  v.set("targets", list(doc.targets, target_value));
  v.set("deadlines", list(doc.deadlines, deadline_value));
  v.set("warnings", list(doc.warnings, warning_value));
  return v;
}

std::string to_yaml(const Document& doc) { return to_yaml_text(document_value(doc)); }

std::string to_json(const Document& doc) { return to_json_text(document_value(doc)); }

std::string render(const Document& doc, OutputFormat format) {
  switch (format) {
    case OutputFormat::kJson: return to_json(doc);
    case OutputFormat::kJsonLines: return to_json_text(document_value(doc), 0);
    case OutputFormat::kYaml: break;
  }
  return to_yaml(doc);
}

}  // namespace plancmp
