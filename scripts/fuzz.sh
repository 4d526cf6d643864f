#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-asan/ and runs
# each for a bounded time, seeded from corpus/ and grammars/. Fails on any crash,
# leak, timeout or out-of-memory. See fuzz/README.md.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   FUZZ_SECONDS=60 FUZZ_JOBS=2 scripts/fuzz.sh
#
# SECONDS_PER_TARGET (or FUZZ_SECONDS) defaults to 60. Crash inputs are saved in
# build-asan/artifacts/<target>/; the per-target summary (executions, crashes)
# goes to build-asan/fuzz-summary.txt and stdout.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
SECONDS_PER_TARGET=${1:-${FUZZ_SECONDS:-60}}
shift || true
TARGETS=("$@")
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(decode_fuzz structure_fuzz extract_fuzz grammar_fuzz profile_fuzz regex_shortcuts_fuzz)
fi
BUILD=${FUZZ_BUILD_DIR:-$ROOT/build-asan}
JOBS=${FUZZ_JOBS:-2}

. "$ROOT/scripts/asan_build.sh"
# The same clang ASan+UBSan build as scripts/sanitize.sh: after it, nothing to compile.
configure_asan_build "$ROOT" "$BUILD" clang++
cmake --build "$BUILD" -j"$JOBS" --target "${TARGETS[@]}"

# Seeds. The grammar target's first byte picks the file the rest replaces
# (index in name order of grammars/*.yaml, as builtin_grammar_files() sorts).
SEEDS=$BUILD/seeds
rm -rf "$SEEDS"
mkdir -p "$SEEDS/text" "$SEEDS/grammar" "$SEEDS/profile" "$SEEDS/regex"
cp corpus/*.txt "$SEEDS/text/"
# A few damaged forms of each plan: GB18030, UTF-16 with BOM, CRLF, truncated.
for f in corpus/*.txt; do
  b=$(basename "$f" .txt)
  iconv -f UTF-8 -t GB18030 "$f" >"$SEEDS/text/$b.gb18030" 2>/dev/null || true
  { printf '\xff\xfe'; iconv -f UTF-8 -t UTF-16LE "$f"; } >"$SEEDS/text/$b.utf16" 2>/dev/null || true
  sed 's/$/\r/' "$f" >"$SEEDS/text/$b.crlf"
  head -c 4001 "$f" >"$SEEDS/text/$b.cut"
done
i=0
for f in $(ls grammars/*.yaml | LC_ALL=C sort); do
  { printf "\\$(printf '%03o' "$i")"; cat "$f"; } >"$SEEDS/grammar/$(basename "$f")"
  i=$((i + 1))
done
cp grammars/profiles/*.yaml "$SEEDS/profile/"
# regex_shortcuts_fuzz: each note and role pattern of grammars/units.yaml as a raw
# pattern (first byte 0, the pattern, NUL, the text), on a text of notes; and
# the same text behind each structured mode's first byte.
REGEX_TEXT='〔县水务局、县气象局按职责分工负责〕(县环保局牵头,县水务局配合)【责任单位】市发改委、市财政局。各区(县)政府负责落实。A(B牵头,C)牵头,县局负责'
i=0
sed -n "s/^ *pattern: '\(.*\)'\$/\1/p" grammars/units.yaml | sed "s/''/'/g" | while IFS= read -r p; do
  printf '\0%s\0%s' "$p" "$REGEX_TEXT" >"$SEEDS/regex/units-$i"
  i=$((i + 1))
done
for m in 1 2 3 4 5 6 7; do
  printf "\\$m%s" "$REGEX_TEXT" >"$SEEDS/regex/mode-$m"
done

# Longer inputs only slow each execution down: the first 8 KB of a plan hold
# its title, issuer and first sections; a grammar file is read whole.
max_len() {
  case $1 in
    grammar_fuzz) echo 65536 ;;
    regex_shortcuts_fuzz) echo 1024 ;;  # a pattern and a text of at most 512 bytes
    *) echo 8192 ;;
  esac
}

seed_dir() {
  case $1 in
    grammar_fuzz) echo "$SEEDS/grammar" ;;
    profile_fuzz) echo "$SEEDS/profile" ;;
    regex_shortcuts_fuzz) echo "$SEEDS/regex" ;;
    *) echo "$SEEDS/text" ;;
  esac
}

SUMMARY=$BUILD/fuzz-summary.txt
: >"$SUMMARY"

# run_target T : fuzzes T for SECONDS_PER_TARGET, writes $BUILD/T.result.
run_target() {
  local t=$1 work=$BUILD/fuzz-corpus/$1 art=$BUILD/artifacts/$1 log=$BUILD/$1.log rc execs crashes
  rm -rf "$art"
  mkdir -p "$work" "$art"   # $work: what the fuzzer learns, kept between runs
  set +e
  # -rss_limit_mb / -malloc_limit_mb: an input that needs more memory is a
  # finding (unbounded allocation); -timeout: one input running 10 s is a hang.
  ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$BUILD/fuzz/$t" "$work" "$(seed_dir "$t")" \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
    -max_len="$(max_len "$t")" -print_final_stats=1 -artifact_prefix="$art/" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  crashes=$(find "$art" -type f | wc -l)
  echo "$t: executions=${execs:-0} crashes=$crashes exit=$rc" >"$BUILD/$t.result"
}

# FUZZ_PARALLEL targets at a time (default 2, one per core).
PARALLEL=${FUZZ_PARALLEL:-2}
running=0
for t in "${TARGETS[@]}"; do
  echo "== $t: ${SECONDS_PER_TARGET}s"
  rm -f "$BUILD/$t.result"
  run_target "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$PARALLEL" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait || true

failed=0
for t in "${TARGETS[@]}"; do
  result=$(cat "$BUILD/$t.result" 2>/dev/null || echo "$t: no result exit=1")
  echo "$result" >>"$SUMMARY"
  if ! [[ $result =~ crashes=0\ exit=0$ ]]; then
    failed=1
    echo "--- $t failed; last lines of $BUILD/$t.log:"
    tail -40 "$BUILD/$t.log" || true
  fi
done
cat "$SUMMARY"
if [ $failed -ne 0 ]; then
  echo "fuzz.sh: FAILED (inputs in $BUILD/artifacts/)"
  exit 1
fi
echo "fuzz.sh: all ${#TARGETS[@]} targets ran ${SECONDS_PER_TARGET}s each without a crash"
