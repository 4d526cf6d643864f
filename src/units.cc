// stub: see include/plancmp/extract.h
#include "plancmp/extract.h"
namespace plancmp {
}  // namespace plancmp
namespace plancmp {
void extract_units(const NormalizedText&, const Grammar&, Document&) {}
}  // namespace plancmp
