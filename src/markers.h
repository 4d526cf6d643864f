// Finding item markers ("一、", "(二)", "3 .", "H .") in normalized text with the
// numbering grammar. Shared by structure.cc and by the grammar's example tests.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grammar_internal.h"

namespace plancmp {

struct MarkerMatch {
  const MarkerRule* rule = nullptr;
  std::size_t begin = 0;      // byte offset of the marker in the text
  std::size_t body = 0;       // where the item's own text starts
  std::string printed;        // the marker as printed (half-width)
  std::string number_text;    // the `num` group after OCR confusables
  std::optional<int> value;   // the number it reads as, when it reads at all
  bool at_boundary = false;   // at a paragraph start or after a sentence/note end
  bool misread = false;       // an OCR confusable was mapped ("H" -> "11")
};

// Every match of every marker rule, honouring each rule's position, sorted by
// offset; at one offset only the heaviest rule of each level is kept.
std::vector<MarkerMatch> find_markers(const Grammar::Impl& grammar, std::string_view text);

// "二十四" -> 24, "十" -> 10, "H" handled by confusables before; "" -> nullopt.
std::optional<int> parse_chinese_numeral(std::string_view s);
std::string chinese_numeral(int value);  // 24 -> "二十四"

// True when `printed` digits can be what is left of `value` after damage:
// the whole numeral, or (by fragment kind) its prefix or suffix.
bool numeral_fragment_fits(const MarkerMatch& m, int value);
// The numbers 1..max_value that `m` fits, in order.
std::vector<int> numeral_readings(const MarkerMatch& m, int max_value);

}  // namespace plancmp
