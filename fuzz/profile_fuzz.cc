// Any bytes as a check profile: a malformed profile must be an InputError with
// a position, never a crash.
#include <cstdio>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <string>
#include <unistd.h>

#include "plancmp/canonicalize.h"
#include "plancmp/check.h"
#include "plancmp/diagnostic.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto catalogue = plancmp::Catalogue::from_grammar(*plancmp::Grammar::builtin());
  // Per process: fuzz jobs and other checkouts may run at the same time.
  static const std::string path = "/tmp/plancmp-profile-fuzz-" + std::to_string(::getpid()) + ".yaml";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), static_cast<long>(size));
  try {
    (void)plancmp::load_profile(path, *catalogue);
  } catch (const plancmp::InputError&) {
  }
  return 0;
}
