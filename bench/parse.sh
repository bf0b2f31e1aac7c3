#!/usr/bin/env bash
# End-to-end parse benchmark: `scn check` on a generated ~50 MB scenario.
#
#   bench/parse.sh [BYTES] [RUNS]      defaults: 50000000 bytes, 3 runs
#   bench/parse.sh --nodes N [RUNS]    a file of exactly N branches instead
#
# Builds `scn` in release, generates the input into target/bench-inputs/ (reused while it is
# newer than bench/gen_scn.py), then runs `target/release/scn check FILE` under GNU time and
# prints wall time, CPU time (user + sys), throughput (MB/s = input bytes / 10^6 / wall time)
# and peak RSS (MB = 2^20 bytes) per run.
# `scn check` reads, parses, resolves and evaluates the file at its point values: this measures
# all of that, plus process start; `cargo bench -p scn-dsl --bench parse` times the parse alone.
#
# Environment: PYTHON (default python3), SEED (default 1), SCN (skip the build and use this
# binary).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

python="${PYTHON:-python3}"
seed="${SEED:-1}"

if [[ "${1:-}" == "--nodes" ]]; then
    nodes="${2:?--nodes needs a count}"
    runs="${3:-3}"
    size_args=(--nodes "$nodes")
    name="nodes-${nodes}-seed${seed}.scn"
else
    bytes="${1:-50000000}"
    runs="${2:-3}"
    size_args=(--bytes "$bytes")
    name="bytes-${bytes}-seed${seed}.scn"
fi

if [[ ! -x /usr/bin/time ]]; then
    echo "GNU time is missing: installing Debian's 'time' package" >&2
    if [[ $(id -u) -eq 0 ]]; then
        apt-get update && apt-get install -y time
    else
        sudo apt-get update && sudo apt-get install -y time
    fi
fi

if [[ -n "${SCN:-}" ]]; then
    scn="$SCN"
else
    echo "== cargo build --release -p scn-cli" >&2
    cargo build --release -p scn-cli >&2
    target="${CARGO_TARGET_DIR:-$root/target}"
    scn="$target/release/scn"
fi

target="${CARGO_TARGET_DIR:-$root/target}"
inputs="$target/bench-inputs"
input="$inputs/$name"
mkdir -p "$inputs"
if [[ ! -s "$input" || "$root/bench/gen_scn.py" -nt "$input" ]]; then
    echo "== generating $input" >&2
    tmp="$inputs/.$name.$$.tmp"
    "$python" "$root/bench/gen_scn.py" "${size_args[@]}" --seed "$seed" --out "$tmp"
    mv -f "$tmp" "$input"
fi
size=$(stat -c %s "$input")
echo "== input: $input ($size bytes)"
echo "== binary: $scn"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
printf '%-4s %8s %8s %10s %12s %5s\n' run wall_s cpu_s MB/s peak_RSS_MB exit
for ((i = 1; i <= runs; i++)); do
    status=0
    /usr/bin/time -v -o "$log" "$scn" check "$input" >/dev/null 2>"$log.err" || status=$?
    # "Elapsed (wall clock) time (h:mm:ss or m:ss): 0:03.44"
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
            n = split($2, t, ":"); s = 0
            for (j = 1; j <= n; j++) s = s * 60 + t[j]
            printf "%.2f", s }' "$log")
    cpu=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$log")
    rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log")
    mbps=$(awk -v b="$size" -v s="$wall" 'BEGIN { if (s > 0) printf "%.1f", b / 1e6 / s; else print "inf" }')
    rss_mb=$(awk -v k="$rss_kb" 'BEGIN { printf "%.0f", k / 1024 }')
    printf '%-4s %8s %8s %10s %12s %5s\n' "$i" "$wall" "$cpu" "$mbps" "$rss_mb" "$status"
    if [[ $status -ne 0 ]]; then
        echo "scn check exited $status; first lines of its stderr:" >&2
        head -5 "$log.err" >&2
        rm -f "$log.err"
        exit 1
    fi
    rm -f "$log.err"
done
