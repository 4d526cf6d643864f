// stub: see include/plancmp/extract.h
#include "plancmp/extract.h"
namespace plancmp {
}  // namespace plancmp
namespace plancmp {
std::vector<DateMention> find_dates(const NormalizedText&, const Grammar&) { return {}; }
void extract_deadlines(const NormalizedText&, const std::vector<DateMention>&, Document&) {}
}  // namespace plancmp
