// Document metadata from the text: title, city, issuer, date.
#pragma once
#include "plancmp/document.h"
#include "plancmp/normalize.h"

namespace plancmp {

// Fills doc.title, city, issuer, date (province stays null unless the text names it).
void find_metadata(const NormalizedText& text, Document& doc);

}  // namespace plancmp
