// Any bytes as one grammar file: Grammar::from_files must compile it or throw
// an InputError (file:line:col), within bounded memory; a grammar that loads
// must then build its indicator catalogue (indicators.yaml, read by
// src/canonicalize.cc) or refuse it the same way, and extract a small plan.
//
// The first byte picks which built-in file the rest replaces (index modulo the
// number of files, in name order); scripts/fuzz.sh writes each grammars/*.yaml
// with its index byte as seeds.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <map>
#include <string>

#include "plancmp/canonicalize.h"
#include "plancmp/diagnostic.h"
#include "plancmp/grammar.h"
#include "plancmp/pipeline.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const auto& builtin = plancmp::builtin_grammar_files();
  auto it = builtin.begin();
  std::advance(it, data[0] % builtin.size());
  const std::string name = it->first;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    auto grammar = plancmp::Grammar::from_files({{name, text}}, "fuzz-grammars");
    (void)plancmp::Catalogue::from_grammar(*grammar);
    plancmp::ExtractOptions options;
    options.grammar = grammar;
    (void)plancmp::extract_bytes(
        "测试市大气污染防治行动方案\n一、总体要求\n到2025年,细颗粒物(PM2.5)年平均浓度不高于30微克/立方米。\n"
        "二、重点任务\n(一)推进工业污染治理。2024年6月底前完成整治。(市工信局牵头,市生态环境局配合)\n",
        "plan.txt", options);
  } catch (const plancmp::InputError&) {
    // A clear, positioned refusal is the contract.
  }
  return 0;
}
