// Any bytes, decoded, through normalization and the structure stage: every
// offset map stays in range and every section and clause points into the text.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "plancmp/decode.h"
#include "plancmp/diagnostic.h"
#include "plancmp/grammar.h"
#include "plancmp/normalize.h"
#include "plancmp/structure.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto grammar = plancmp::Grammar::builtin();
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  plancmp::DecodedText decoded;
  try {
    plancmp::DecodeOptions options;
    options.max_input_bytes = 1 << 20;
    decoded = plancmp::decode(bytes, "fuzz.txt", options);
  } catch (const plancmp::InputError&) {
    return 0;
  }
  const plancmp::NormalizedText text = plancmp::NormalizedText::build(decoded.utf8);
  const std::size_t n = text.text().size();
  const std::size_t source_size = text.source().size();
  for (std::size_t b = 0; b <= n; b += 1 + n / 64) {
    FUZZ_CHECK(text.source_offset(b) <= source_size);
    const plancmp::SourcePosition pos = text.position(b);
    FUZZ_CHECK(pos.line >= 1 && pos.line <= text.line_count() && pos.column >= 1);
    FUZZ_CHECK(text.text_offset(text.source_offset(b)) <= n);
    (void)text.display(b, n);
    (void)text.quote(b, n);
  }
  // A small budget keeps each run fast; past it the stage must degrade, not fail.
  const plancmp::Structure s = plancmp::find_structure(text, *grammar, 200'000);
  for (const plancmp::Section& sec : s.sections) {
    FUZZ_CHECK(sec.text_begin <= sec.text_end && sec.text_end <= n);
    FUZZ_CHECK(sec.line >= 1);
  }
  for (std::size_t i = 0; i < s.clauses.size(); ++i) {
    const plancmp::Clause& c = s.clauses[i];
    FUZZ_CHECK(c.text_begin <= c.text_end && c.text_end <= n);
    FUZZ_CHECK(c.parent_index < static_cast<int>(i));
    FUZZ_CHECK(c.level >= 2 && c.level <= 9);
  }
  return 0;
}
