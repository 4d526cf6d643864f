// What the CPU can run, asked once a process (private to src/). The vector
// scans (structure_scan.h, pair_scan.h, line_rules.cc, target_tables.cc,
// utf8_util.h) are compiled with target attributes and chosen at run time, so
// one binary runs everywhere x86-64 does.
#pragma once

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define PLANCMP_X86_DISPATCH 1

namespace plancmp::cpu {

inline bool has_avx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}

inline bool has_ssse3() {
  static const bool has = __builtin_cpu_supports("ssse3");
  return has;
}

}  // namespace plancmp::cpu
#endif
