#!/usr/bin/env bash
# Builds plancmp and its tests as Release with each compiler plancmp supports
# and runs the suite: clang++ into build/ (the build README.md's command 1
# makes and bench/README.md's figures are for: clang 14 runs the batch ~2.5%
# faster than g++ 12 on the same code), then g++ into build-gcc/ (so the code
# keeps building and passing with GCC).
#
#   scripts/release_tests.sh
#   RELEASE_COMPILERS=clang++ RELEASE_JOBS=2 scripts/release_tests.sh
set -euo pipefail

cd "$(dirname "$0")/.."
JOBS=${RELEASE_JOBS:-$(nproc)}
for cxx in ${RELEASE_COMPILERS:-clang++ g++}; do
  case "$cxx" in
    clang++) dir=build ;;
    g++) dir=build-gcc ;;
    *) dir=build-$(basename "$cxx") ;;
  esac
  echo "release_tests.sh: $cxx in $dir/"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$cxx"
  cmake --build "$dir" -j"$JOBS"
  ctest --test-dir "$dir" --output-on-failure
done
