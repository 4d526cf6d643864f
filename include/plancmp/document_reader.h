// Reading a Document back from what `plancmp extract` wrote (YAML or JSON), so
// compare and check accept either plan texts or extraction results.
#pragma once
#include <string>

#include "plancmp/document.h"
#include "plancmp/pipeline.h"

namespace plancmp {

// True when `path` names extraction output (.yaml, .yml, .json) rather than a plan text.
bool is_extraction_file(const std::string& path);

// Parses extraction output; throws InputError (file:line:col) when it is not
// a plancmp/1 document.
Document read_extraction(const std::string& text, const std::string& name);

// A plan text is extracted; extraction output is read back. Either way the
// targets carry catalogue ids.
Document load_document(const std::string& path, const ExtractOptions& options = {});

}  // namespace plancmp
