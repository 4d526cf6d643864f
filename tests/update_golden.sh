#!/usr/bin/env bash
# Regenerates tests/golden/*.yaml from the corpus with the built plancmp.
# Review the diff (git diff tests/golden) before committing: a golden file is
# a statement that this output is right.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/plancmp}
"$bin" extract corpus/*.txt -o tests/golden --quiet
git --no-pager diff --stat -- tests/golden || true
