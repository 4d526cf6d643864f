// Document metadata from the text: title, city, issuer, date.
#pragma once
#include "plancmp/document.h"
#include "plancmp/grammar.h"
#include "plancmp/normalize.h"

namespace plancmp {

// Fills doc.title, city, issuer, date, and province: the provincial-level name
// (grammars/places.yaml) the text mentions most often; null when it names none.
void find_metadata(const NormalizedText& text, const Grammar& grammar, Document& doc);

}  // namespace plancmp
