#!/usr/bin/env bash
# Renders `plancmp compare --format html` of the corpus in headless Chromium
# (Debian's chromium) and checks the screenshot is a real page, not a blank or
# error page. Needs: apt-get install -y chromium fonts-wqy-zenhei (a CJK system
# font; the report embeds none). Not part of CI: Chromium is large.
#   scripts/render_compare_html.sh [build/plancmp] [out-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/plancmp}
out=${2:-$(mktemp -d)}
mkdir -p "$out"
out=$(realpath "$out")
"$bin" compare corpus/*.txt --format html -o "$out/report.html"
profile=$(mktemp -d)
# The flags keep Chromium off the network: the report must render on its own.
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --window-size=1400,2400 \
  --screenshot="$out/report.png" "file://$out/report.html" >/dev/null 2>&1 || true
rm -rf "$profile"
[ -s "$out/report.png" ] || { echo "no screenshot written" >&2; exit 1; }
# A blank page compresses to a few KiB; the table and charts do not.
size=$(stat -c %s "$out/report.png")
if [ "$size" -lt 40000 ]; then
  echo "screenshot $out/report.png is only $size bytes: the page looks blank" >&2
  exit 1
fi
echo "rendered $out/report.html -> $out/report.png ($size bytes)"
