// Shared between the target extractors (private to src/).
#pragma once
#include <string>
#include <vector>

#include "grammar_internal.h"
#include "plancmp/document.h"
#include "plancmp/normalize.h"

namespace plancmp {

// Targets from indicator-table rows (grammars/tables.yaml). Marks in
// `table_lines` (indexed by 1-based source line) the lines read as table rows,
// so the prose extractor leaves them alone.
void extract_table_targets(const NormalizedText& text, const Grammar::Impl& grammar,
                           const std::vector<std::string>& lower_is_better, Document& doc,
                           std::vector<bool>& table_lines);

}  // namespace plancmp
