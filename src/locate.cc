// locate(): which clause and section a text position belongs to.
#include <algorithm>

#include "plancmp/extract.h"

namespace plancmp {

// Clauses and sections are in text order, so the last one starting at or
// before `pos` is found by binary search; if `pos` lies past its end, the
// enclosing one is reached through its parents (O(log n + depth) per call).
Location locate(const Document& doc, std::size_t pos) {
  Location loc;
  auto section = std::upper_bound(doc.sections.begin(), doc.sections.end(), pos,
                                  [](std::size_t p, const Section& s) { return p < s.text_begin; });
  if (section != doc.sections.begin() && pos < std::prev(section)->text_end) loc.section = std::prev(section)->n;
  auto clause = std::upper_bound(doc.clauses.begin(), doc.clauses.end(), pos,
                                 [](std::size_t p, const Clause& c) { return p < c.text_begin; });
  int i = static_cast<int>(clause - doc.clauses.begin()) - 1;
  while (i >= 0) {
    const Clause& c = doc.clauses[static_cast<std::size_t>(i)];
    if (pos < c.text_end) {
      loc.clause = c.id;
      loc.clause_index = i;
      break;
    }
    i = c.parent_index;
  }
  return loc;
}

}  // namespace plancmp
