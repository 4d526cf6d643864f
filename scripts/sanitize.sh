#!/usr/bin/env bash
# Builds plancmp and its tests with AddressSanitizer + UndefinedBehaviorSanitizer
# (-fno-sanitize-recover=all: the first report fails the run) in build-asan/,
# runs the whole ctest suite under it, then extracts every corpus/ plan (YAML
# and JSON) and checks them against the profiles. See fuzz/README.md.
#
#   scripts/sanitize.sh            # clang++ (default): also builds the fuzz targets
#   SANITIZE_CXX=g++ scripts/sanitize.sh
#   SANITIZE_JOBS=2 SANITIZE_BUILD_DIR=build-asan scripts/sanitize.sh
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${SANITIZE_BUILD_DIR:-$ROOT/build-asan}
JOBS=${SANITIZE_JOBS:-2}
CXX_COMPILER=${SANITIZE_CXX:-clang++}

. "$ROOT/scripts/asan_build.sh"

start=$(date +%s)
configure_asan_build "$ROOT" "$BUILD" "$CXX_COMPILER"
# Everything: the CLI, the tests and (with clang) the fuzz targets scripts/fuzz.sh runs.
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
