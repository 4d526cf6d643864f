// Writers for `plancmp extract`: one Document as YAML or JSON. Both carry the
// same fields (SPEC.md names, plus schema, encoding, warnings, columns).
#pragma once
#include <string>

#include "plancmp/document.h"

namespace plancmp {

enum class OutputFormat { kYaml, kJson };

std::string to_yaml(const Document& doc);
std::string to_json(const Document& doc);
std::string render(const Document& doc, OutputFormat format);

}  // namespace plancmp
