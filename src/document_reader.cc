// Reading extraction output back into a Document. See include/plancmp/document_reader.h.
#include "plancmp/document_reader.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "plancmp/canonicalize.h"
#include "plancmp/diagnostic.h"
#include "yaml_error.h"
#include "yaml_load.h"

namespace plancmp {

namespace {

struct Reader {
  const std::string& name;
  const std::string& text;

  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const {
    throw_at_mark(name, text, node.Mark(), message);
  }
  std::string str(const YAML::Node& n, const char* key) const {
    const YAML::Node v = n[key];
    if (v && !v.IsNull() && !v.IsScalar()) fail(v, fmt::format("`{}` must be text", key));
    return v && v.IsScalar() ? v.as<std::string>() : std::string();
  }
  std::optional<std::string> opt_str(const YAML::Node& n, const char* key) const {
    const YAML::Node v = n[key];
    if (!v || v.IsNull() || !v.IsScalar()) return std::nullopt;
    return v.as<std::string>();
  }
  int integer(const YAML::Node& n, const char* key) const {
    const YAML::Node v = n[key];
    if (!v || v.IsNull()) return 0;
    try {
      return v.as<int>();
    } catch (const YAML::Exception&) {
      fail(v, fmt::format("`{}` must be an integer", key));
    }
  }
  std::optional<int> opt_int(const YAML::Node& n, const char* key) const {
    const YAML::Node v = n[key];
    if (!v || v.IsNull()) return std::nullopt;
    return integer(n, key);
  }
  double number(const YAML::Node& n, const char* key) const {
    const YAML::Node v = n[key];
    try {
      return v.as<double>();
    } catch (const YAML::Exception&) {
      fail(v ? v : n, fmt::format("`{}` must be a number", key));
    }
  }
  std::vector<std::string> strings(const YAML::Node& n, const char* key) const {
    std::vector<std::string> out;
    if (const YAML::Node v = n[key]; v && v.IsSequence())
      for (const auto& item : v) out.push_back(item.as<std::string>());
    return out;
  }
  template <class F>
  void each(const YAML::Node& root, const char* key, F&& f) const {
    const YAML::Node list = root[key];
    if (!list || list.IsNull()) return;
    if (!list.IsSequence()) fail(list, fmt::format("`{}` must be a list", key));
    for (const auto& item : list) {
      if (!item.IsMap()) fail(item, fmt::format("each of `{}` must be a map", key));
      f(item);
    }
  }
};

// The fields of a plancmp/1 document; throws InputError or YAML::Exception.
Document read_extraction_node(const YAML::Node& root, const std::string& text, const std::string& name) {
  Reader r{name, text};
  if (!root.IsMap() || r.str(root, "schema") != kSchema)
    r.fail(root, fmt::format("not a plancmp extraction (expected `schema: {}`)", kSchema));
  Document doc;
  doc.document = r.str(root, "document");
  doc.source = r.str(root, "source");
  doc.encoding = r.str(root, "encoding");
  doc.city = r.opt_str(root, "city");
  doc.province = r.opt_str(root, "province");
  doc.title = r.opt_str(root, "title");
  doc.issuer = r.opt_str(root, "issuer");
  doc.date = r.opt_str(root, "date");
  if (doc.document.empty()) doc.document = std::filesystem::path(name).stem().string();
  r.each(root, "sections", [&](const YAML::Node& n) {
    Section s;
    s.n = r.integer(n, "n");
    s.printed = r.str(n, "printed");
    s.title = r.str(n, "title");
    s.line = r.integer(n, "line");
    s.column = r.integer(n, "column");
    s.rule = r.str(n, "rule");
    doc.sections.push_back(s);
  });
  r.each(root, "clauses", [&](const YAML::Node& n) {
    Clause c;
    c.id = r.integer(n, "id");
    c.parent = r.opt_int(n, "parent");
    c.printed = r.str(n, "printed");
    c.section = r.integer(n, "section");
    c.title = r.str(n, "title");
    c.line = r.integer(n, "line");
    c.column = r.integer(n, "column");
    c.level = r.integer(n, "level");
    c.rule = r.str(n, "rule");
    c.lead = r.strings(n, "lead");
    c.support = r.strings(n, "support");
    doc.clauses.push_back(c);
  });
  doc.implementers = r.strings(root, "implementers");
  r.each(root, "units", [&](const YAML::Node& n) {
    doc.units.push_back({r.str(n, "unit"), r.str(n, "role"), r.integer(n, "line"), r.integer(n, "section")});
  });
  r.each(root, "targets", [&](const YAML::Node& n) {
    Target t;
    t.clause = r.opt_int(n, "clause");
    t.section = r.integer(n, "section");
    t.indicator = r.str(n, "indicator");
    t.indicator_id = r.opt_str(n, "indicator_id");
    t.op = r.str(n, "op");
    t.value = r.number(n, "value");
    t.unit = r.str(n, "unit");
    t.year = r.opt_int(n, "year");
    t.baseline_year = r.opt_int(n, "baseline_year");
    t.line = r.integer(n, "line");
    t.column = r.integer(n, "column");
    t.quote = r.str(n, "quote");
    t.rule = r.str(n, "rule");
    doc.targets.push_back(t);
  });
  r.each(root, "deadlines", [&](const YAML::Node& n) {
    Deadline d;
    d.clause = r.opt_int(n, "clause");
    d.section = r.integer(n, "section");
    d.date = r.str(n, "date");
    d.kind = r.str(n, "kind");
    d.line = r.integer(n, "line");
    d.column = r.integer(n, "column");
    d.quote = r.str(n, "quote");
    d.rule = r.str(n, "rule");
    doc.deadlines.push_back(d);
  });
  r.each(root, "warnings", [&](const YAML::Node& n) {
    doc.warnings.push_back({r.str(n, "code"), r.str(n, "message"), r.integer(n, "line"), r.integer(n, "column"), -1});
  });
  return doc;
}

}  // namespace

bool is_extraction_file(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

Document read_extraction(const std::string& text, const std::string& name) {
  try {
    YamlLimits limits;
    limits.max_file_bytes = 0;  // plancmp's own output for a large plan runs to tens of MB
    return read_extraction_node(load_yaml_bounded(name, text, limits), text, name);
  } catch (const YAML::Exception& e) {  // syntax, or a value of the wrong shape
    throw_at_mark(name, text, e.mark, "not a valid extraction: " + e.msg);
  }
}

Document load_document(const std::string& path, const ExtractOptions& options) {
  if (!is_extraction_file(path)) return extract_file(path, options);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, "cannot open file");
  std::ostringstream text;
  text << in.rdbuf();
  Document doc = read_extraction(text.str(), path);
  // Extraction output written without ids (or by an older catalogue) gets them now.
  auto grammar = options.grammar ? options.grammar : Grammar::builtin();
  canonicalize(*Catalogue::from_grammar(*grammar), doc);
  return doc;
}

}  // namespace plancmp
