// Output of `plancmp extract`: one Document as YAML or JSON. Both carry the
// same fields (SPEC.md names, plus schema, encoding, warnings, columns), listed
// once in src/output.cc.
#pragma once
#include <string>

#include "plancmp/document.h"
#include "plancmp/value.h"

namespace plancmp {

// kJsonLines: the JSON object on one line (JSON Lines: one document per line).
enum class OutputFormat { kYaml, kJson, kJsonLines };

// The Document as a Value tree, keys in output order.
Value document_value(const Document& doc);

// The same text as to_yaml_text(document_value(doc)), written without
// building the tree.
std::string to_yaml(const Document& doc);
std::string to_json(const Document& doc);
std::string render(const Document& doc, OutputFormat format);

}  // namespace plancmp
