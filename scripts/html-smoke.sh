#!/usr/bin/env bash
# By hand: render HTML reports and look at them in headless Chromium, at a desktop and a
# phone width. Installs Chromium (Debian's package) when it is missing, fails on any console
# message (the page has no script, so any message is an error or a fetch), and leaves the
# pages and screenshots in target/artifacts/ to open. The test tests/tests/html_chromium.rs
# checks the same in `cargo test`.
#
#   scripts/html-smoke.sh [FILE.scn ...]    (default: the spec example and the report fixture)
set -euo pipefail
cd "$(dirname "$0")/.."

chromium=/usr/bin/chromium
if [ ! -x "$chromium" ]; then
  echo "== installing chromium"
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
fi

cargo build --release --locked -p scn-cli
scn=target/release/scn
out=target/artifacts
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
  files=(tests/fixtures/valid/spec-example.scn tests/fixtures/reports/launch.scn)
fi

status=0
for f in "${files[@]}"; do
  name=$(basename "$f" .scn)
  html="$out/$name.html"
  "$scn" eval "$f" --format html --samples 20000 --output "$html"
  for size in 1280,2000 390,1600; do
    png="$out/$name-${size/,/x}.png"
    rm -f "$png"
    log="$work/$name-$size.log"
    "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --hide-scrollbars --enable-logging=stderr --v=0 \
      --user-data-dir="$work/profile-$name-$size" --screenshot="$png" --window-size="$size" \
      "file://$PWD/$html" >"$log" 2>&1 || { echo "chromium failed on $html:"; cat "$log"; status=1; continue; }
    if grep -iE 'uncaught|:console|console.*error' "$log"; then
      echo "FAIL $html logged to the console (above)"
      status=1
    fi
    bytes=$(wc -c <"$png" 2>/dev/null || echo 0)
    # A blank page of this size compresses to about 12 KB; the report is well over 50 KB.
    if [ "$bytes" -lt 40000 ]; then
      echo "FAIL $png looks blank ($bytes bytes)"
      status=1
    else
      echo "ok   $png ($bytes bytes)"
    fi
  done
done
exit $status
