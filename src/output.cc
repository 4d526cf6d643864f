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
  return Value::object()
      .set("n", s.n)
      .set("printed", Value::quoted(s.printed))
      .set("title", s.title)
      .set("line", s.line)
      .set("column", s.column)
      .set("rule", s.rule);
}

Value clause_value(const Clause& c) {
  return Value::object()
      .set("id", c.id)
      .set("parent", c.parent)
      .set("printed", Value::quoted(c.printed))
      .set("section", c.section)
      .set("title", c.title)
      .set("line", c.line)
      .set("column", c.column)
      .set("level", c.level)
      .set("rule", c.rule)
      .set("lead", c.lead)
      .set("support", c.support);
}

Value target_value(const Target& t) {
  return Value::object()
      .set("clause", t.clause)
      .set("section", t.section)
      .set("indicator", t.indicator)
      .set("indicator_id", Value::quoted(t.indicator_id))
      .set("op", Value::quoted(t.op))
      .set("value", t.value)
      .set("unit", t.unit)
      .set("year", t.year)
      .set("baseline_year", t.baseline_year)
      .set("line", t.line)
      .set("column", t.column)
      .set("quote", Value::quoted(t.quote))
      .set("rule", t.rule);
}

Value deadline_value(const Deadline& d) {
  return Value::object()
      .set("clause", d.clause)
      .set("section", d.section)
      .set("date", Value::quoted(d.date))
      .set("kind", d.kind)
      .set("line", d.line)
      .set("column", d.column)
      .set("quote", Value::quoted(d.quote))
      .set("rule", d.rule);
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
  return Value::object().set("unit", u.unit).set("role", u.role).set("line", u.line).set("section", u.section);
}

}  // namespace

Value document_value(const Document& doc) {
  return Value::object()
      .set("schema", kSchema)
      .set("document", doc.document)
      .set("source", doc.source)
      .set("encoding", doc.encoding)
      .set("city", doc.city)
      .set("province", doc.province)
      .set("title", doc.title)
      .set("issuer", doc.issuer)
      .set("date", Value::quoted(doc.date))
      .set("sections", list(doc.sections, section_value))
      .set("clauses", list(doc.clauses, clause_value))
      .set("implementers", doc.implementers)
      .set("units", list(doc.units, unit_value))
      .set("targets", list(doc.targets, target_value))
      .set("deadlines", list(doc.deadlines, deadline_value))
      .set("warnings", list(doc.warnings, warning_value));
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
