#!/usr/bin/env bash
# Builds plancmp and its tests with AddressSanitizer + UndefinedBehaviorSanitizer
# (-fno-sanitize-recover=all: the first report fails the run) in build-asan/,
# runs the whole ctest suite under it, then extracts every corpus/ plan (YAML
# and JSON) and checks them against the profiles. See fuzz/README.md.
#
#   scripts/sanitize.sh            # g++ (default)
#   SANITIZE_CXX=clang++ scripts/sanitize.sh
#   SANITIZE_JOBS=2 SANITIZE_BUILD_DIR=build-asan scripts/sanitize.sh
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${SANITIZE_BUILD_DIR:-$ROOT/build-asan}
JOBS=${SANITIZE_JOBS:-2}
CXX_COMPILER=${SANITIZE_CXX:-g++}

need_packages=()
command -v "$CXX_COMPILER" >/dev/null || need_packages+=("$([ "$CXX_COMPILER" = clang++ ] && echo clang || echo g++)")
if [ "$CXX_COMPILER" = clang++ ] &&
   ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.asan-x86_64.a >/dev/null 2>&1; then
  need_packages+=(libclang-rt-dev)
fi
for pkg in cmake pkg-config libicu-dev libre2-dev libcli11-dev libfmt-dev libyaml-cpp-dev doctest-dev; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_packages+=("$pkg")
done
if [ ${#need_packages[@]} -gt 0 ]; then
  echo "sanitize.sh: installing ${need_packages[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_packages[@]}"
fi

start=$(date +%s)
FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$CXX_COMPILER" \
  -DCMAKE_CXX_FLAGS="$FLAGS" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build "$BUILD" -j"$JOBS"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The test suite (each doctest case is its own ctest test; the CLI tests run the
# sanitized binary, whose reports fail them through its exit status).
ctest --test-dir "$BUILD" -j"$JOBS" --output-on-failure

# The corpus, end to end through the sanitized binary.
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
"$BUILD/plancmp" extract corpus/*.txt -o "$OUT/yaml" --quiet
"$BUILD/plancmp" extract corpus/*.txt -o "$OUT/json" --format json --quiet
set +e
"$BUILD/plancmp" check corpus/*.txt --profile national-2025 --profile structure >/dev/null 2>"$OUT/check.err"
rc=$?
set -e
# 0 and 1 are verdicts (findings or not); 2 is an input error; more is a crash.
if [ $rc -gt 1 ]; then
  cat "$OUT/check.err"
  echo "sanitize.sh: check on the corpus exited $rc"
  exit 1
fi
for f in corpus/*.txt; do
  stem=$(basename "$f" .txt)
  test -s "$OUT/yaml/$stem.yaml" && test -s "$OUT/json/$stem.json"
done
echo "sanitize.sh: tests and corpus clean under ASan+UBSan ($CXX_COMPILER) in $(( $(date +%s) - start ))s"
