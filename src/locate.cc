// locate(): which clause and section a text position belongs to.
#include "plancmp/extract.h"

namespace plancmp {

Location locate(const Document& doc, std::size_t pos) {
  Location loc;
  for (const Section& s : doc.sections)
    if (s.text_begin <= pos && pos < s.text_end) loc.section = s.n;
  int best_level = -1;
  for (std::size_t i = 0; i < doc.clauses.size(); ++i) {
    const Clause& c = doc.clauses[i];
    if (c.text_begin <= pos && pos < c.text_end && c.level > best_level) {
      best_level = c.level;
      loc.clause = c.id;
      loc.clause_index = static_cast<int>(i);
    }
  }
  return loc;
}

}  // namespace plancmp
