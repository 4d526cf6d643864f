// Any bytes through the whole extract pipeline and both writers: plancmp must
// either refuse the input with an InputError or produce a document, never crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "plancmp/diagnostic.h"
#include "plancmp/output.h"
#include "plancmp/pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    plancmp::Document doc = plancmp::extract_bytes(bytes, "fuzz.txt");
    (void)plancmp::to_yaml(doc);
    (void)plancmp::to_json(doc);
  } catch (const plancmp::InputError&) {
    // Refusing bad input is the contract.
  }
  return 0;
}
