#!/usr/bin/env bash
# Cost of `scn sens` and `scn voi` on the scenario library.
#
#   bench/analysis.sh [RUNS]      default: 5 runs
#
# Builds `scn` in release (unless SCN names a binary), then times, RUNS times each, under
# `/usr/bin/time -f '%e %U %S %M'`:
#     scn sens scenarios/ukraine/peace-talks-2025.scn                      (exact)
#     scn sens scenarios/ukraine/peace-talks-2025.scn --samples 100000     (exact + global)
#     scn voi scenarios/decision/oil-wildcatter.scn --samples 100000
#     scn eval scenarios/ukraine/peace-talks-2025.scn --samples 100000     (for comparison)
# and prints the median wall time, CPU time (user + sys, all threads) and peak RSS
# (MB = 2^20 bytes) of each as a Markdown table. On a loaded machine CPU time is the steadier.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:-5}"

if [[ ! -x /usr/bin/time ]]; then
    echo "GNU time is missing: install Debian's 'time' package" >&2
    exit 2
fi
target="${CARGO_TARGET_DIR:-$root/target}"
if [[ -n "${SCN:-}" ]]; then
    scn="$SCN"
else
    echo "== cargo build --release -p scn-cli" >&2
    cargo build --release -p scn-cli >&2
    scn="$target/release/scn"
fi

ukraine=scenarios/ukraine/peace-talks-2025.scn
wildcatter=scenarios/decision/oil-wildcatter.scn
times="$(mktemp)"
trap 'rm -f "$times"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

echo "| command | wall (median of $runs) | CPU (median) | peak RSS (median) |"
echo "|---|---|---|---|"
while IFS= read -r cmd; do
    walls=() cpus=() rss=()
    for _ in $(seq "$runs"); do
        # shellcheck disable=SC2086 # the command's words are meant to split
        /usr/bin/time -o "$times" -f '%e %U %S %M' "$scn" $cmd > /dev/null 2>&1
        read -r w u k m < "$times"
        walls+=("$w") cpus+=("$(echo "$u + $k" | bc -l)") rss+=("$m")
    done
    w=$(printf '%s\n' "${walls[@]}" | median)
    c=$(printf '%s\n' "${cpus[@]}" | median)
    m=$(printf '%s\n' "${rss[@]}" | median)
    printf '| `scn %s` | %s s | %.2f s | %.0f MB |\n' "$cmd" "$w" "$c" "$(echo "$m / 1024" | bc -l)"
done <<LIST
sens $ukraine
sens $ukraine --samples 100000
voi $wildcatter --samples 100000
eval $ukraine --samples 100000
LIST
