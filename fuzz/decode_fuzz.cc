// Any bytes through decode(): it must refuse them with an InputError or return
// valid UTF-8 with one input offset per byte (plus the end), each within the
// input. The first byte picks an encoding override for the rest (or none), so
// the converters behind --encoding are fuzzed too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <unicode/utf8.h>

#include "fuzz_check.h"
#include "plancmp/decode.h"
#include "plancmp/diagnostic.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const char* const kOverrides[] = {"UTF-16LE", "UTF-16BE", "GB18030", "Big5",
                                           "windows-1252", "UTF-32LE", "Shift_JIS"};
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  plancmp::DecodeOptions options;
  options.max_input_bytes = 1 << 20;
  // Bytes 0xF0-0xF6 pick an override; anything else means detection.
  if (!bytes.empty() && static_cast<uint8_t>(bytes[0]) >= 0xF0 &&
      static_cast<uint8_t>(bytes[0]) < 0xF0 + std::size(kOverrides)) {
    options.encoding_override = kOverrides[static_cast<uint8_t>(bytes[0]) - 0xF0];
    bytes.remove_prefix(1);
  }
  try {
    const plancmp::DecodedText text = plancmp::decode(bytes, "fuzz.txt", options);
    FUZZ_CHECK(text.input_offset.size() == text.utf8.size() + 1);
    FUZZ_CHECK(text.input_offset.back() == static_cast<long long>(bytes.size()));
    for (long long offset : text.input_offset)
      FUZZ_CHECK(offset >= 0 && offset <= static_cast<long long>(bytes.size()));
    FUZZ_CHECK(text.utf8.find('\r') == std::string::npos);
    const auto* s = reinterpret_cast<const uint8_t*>(text.utf8.data());
    const auto n = static_cast<int32_t>(text.utf8.size());
    for (int32_t i = 0; i < n;) {
      UChar32 c;
      U8_NEXT(s, i, n, c);
      FUZZ_CHECK(c >= 0);  // valid UTF-8 throughout
    }
    for (const plancmp::Warning& w : text.warnings) FUZZ_CHECK(!w.code.empty() && w.line >= 0);
  } catch (const plancmp::InputError&) {
    // Refusing bad input is the contract.
  }
  return 0;
}
