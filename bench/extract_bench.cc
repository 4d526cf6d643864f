// Times each pipeline stage over the bundled corpus (and a GB18030 copy of it),
// repeated to get stable numbers. Prints milliseconds per document per stage.
//   ./build/bench/plancmp_bench [repetitions]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "plancmp/decode.h"
#include "plancmp/grammar.h"
#include "plancmp/normalize.h"
#include "plancmp/pipeline.h"
#include "plancmp/structure.h"

namespace {

template <typename F>
double time_ms(int reps, F&& f) {
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < reps; ++i) f();
  std::chrono::duration<double, std::milli> d = std::chrono::steady_clock::now() - start;
  return d.count() / reps;
}

}  // namespace

int main(int argc, char** argv) {
  int reps = argc > 1 ? std::atoi(argv[1]) : 20;
  auto grammar = plancmp::Grammar::builtin();
  std::printf("%-22s %8s %10s %10s %10s %10s\n", "document", "KiB", "decode", "normalize",
              "structure", "total");
  for (const auto& entry : std::filesystem::directory_iterator(PLANCMP_SOURCE_DIR "/corpus")) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string bytes = ss.str();
    const std::string name = entry.path().filename().string();
    plancmp::DecodedText decoded;
    double t_decode = time_ms(reps, [&] { decoded = plancmp::decode(bytes, name); });
    plancmp::NormalizedText nt;
    double t_norm = time_ms(reps, [&] { nt = plancmp::NormalizedText::build(decoded.utf8); });
    double t_struct = time_ms(reps, [&] { (void)plancmp::find_structure(nt, *grammar); });
    double t_total = time_ms(reps, [&] { (void)plancmp::extract_bytes(bytes, name); });
    std::printf("%-22s %8.1f %10.2f %10.2f %10.2f %10.2f\n", name.c_str(), bytes.size() / 1024.0,
                t_decode, t_norm, t_struct, t_total);
  }
  return 0;
}
