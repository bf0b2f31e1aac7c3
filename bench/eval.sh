#!/usr/bin/env bash
# End-to-end evaluation benchmark on a generated tree of 1,000,000 branches.
#
#   bench/eval.sh [NODES] [RUNS]      defaults: 1000000 branches, 3 runs
#
# Builds `scn` in release, generates target/bench-inputs/nodes-NODES-seed1.scn with
# bench/gen_scn.py (reused while it is newer than the generator; the same file as
# `bench/parse.sh --nodes NODES` and the divan bench), then times, RUNS times each, under
# `/usr/bin/time -f '%e %U %S %M'`:
#     scn check FILE
#     scn eval FILE --format json > /dev/null
# and prints the median wall time, CPU time and peak RSS (MB = 2^20 bytes) of each, as a
# Markdown table. Last, unless SKIP_DIVAN=1, it runs the in-process divan benchmarks
# `parse_1m_branches` (crates/scn-dsl/benches/parse.rs: parse only, with MB/s) and
# `build_evaluate_1m` and `evaluate_only_1m` (crates/scn-eval/benches/eval.rs: no parse, no
# process start) and prints their rows.
#
# Environment: PYTHON (default python3), SEED (default 1), SCN (skip the build and use this
# binary), SKIP_DIVAN=1.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

python="${PYTHON:-python3}"
seed="${SEED:-1}"
nodes="${1:-1000000}"
runs="${2:-3}"

if [[ ! -x /usr/bin/time ]]; then
    echo "GNU time is missing: installing Debian's 'time' package" >&2
    if [[ $(id -u) -eq 0 ]]; then
        apt-get update && apt-get install -y time
    else
        sudo apt-get update && sudo apt-get install -y time
    fi
fi

target="${CARGO_TARGET_DIR:-$root/target}"
if [[ -n "${SCN:-}" ]]; then
    scn="$SCN"
else
    echo "== cargo build --release -p scn-cli" >&2
    cargo build --release -p scn-cli >&2
    scn="$target/release/scn"
fi

inputs="$target/bench-inputs"
name="nodes-${nodes}-seed${seed}.scn"
input="$inputs/$name"
mkdir -p "$inputs"
if [[ ! -s "$input" || "$root/bench/gen_scn.py" -nt "$input" ]]; then
    echo "== generating $input" >&2
    tmp="$inputs/.$name.$$.tmp"
    "$python" "$root/bench/gen_scn.py" --nodes "$nodes" --seed "$seed" --out "$tmp"
    mv -f "$tmp" "$input"
fi
size=$(stat -c %s "$input")
echo "== input: $input ($size bytes, $nodes branches)" >&2
echo "== binary: $scn" >&2

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# timed LABEL CMD...: one line "LABEL wall user sys rss_kb exit" per run into $work/runs.
timed() {
    local label="$1"
    shift
    local status=0
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >/dev/null 2>"$work/err" || status=$?
    local line
    line="$(tail -n 1 "$work/time")"
    echo "$label $line $status" >>"$work/runs"
    read -r wall user sys rss <<<"$line"
    printf '%-6s wall %6ss  cpu %6.2fs  peak RSS %5.0f MB  exit %s\n' "$label" "$wall" \
        "$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$status" >&2
    if [[ $status -ne 0 ]]; then
        echo "scn $label exited $status; first lines of its stderr:" >&2
        head -5 "$work/err" >&2
        exit 1
    fi
}

for ((i = 1; i <= runs; i++)); do
    timed check "$scn" check "$input"
    timed eval "$scn" eval "$input" --format json
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work/runs" "$nodes" "$size" "$runs" "$load_before" "$load_after" <<'EOF'
import statistics, sys, time
path, nodes, size, runs, load0, load1 = sys.argv[1:]
rows = {}
for line in open(path):
    label, wall, user, sys_, rss, status = line.split()
    rows.setdefault(label, []).append((float(wall), float(user) + float(sys_), int(rss) / 1024))
print(f"## `scn check` / `scn eval` on {int(nodes):,} branches ({time.strftime('%Y-%m-%d')})")
print()
print(f"Input {int(size):,} bytes; median of {runs} runs (GNU time, whole process). "
      f"Load average before: {load0}, after: {load1}.")
print()
print("| command | wall (s) | CPU user+sys (s) | peak RSS (MB) | all runs: wall s |")
print("|---|---:|---:|---:|---|")
cmds = {"check": "`scn check FILE`", "eval": "`scn eval FILE --format json > /dev/null`"}
for label, shown in cmds.items():
    r = rows.get(label, [])
    if not r:
        continue
    med = lambda i: statistics.median(x[i] for x in r)
    print(f"| {shown} | {med(0):.2f} | {med(1):.2f} | {med(2):.0f} | "
          + ", ".join(f"{x[0]:.2f}" for x in r) + " |")
EOF

if [[ "${SKIP_DIVAN:-0}" != 1 ]]; then
    if [[ "$nodes" != 1000000 || "$seed" != 1 ]]; then
        echo "(the divan rows below are for 1,000,000 branches, seed 1)"
    fi
    echo "== cargo bench -p scn-dsl --bench parse -- parse_1m_branches" >&2
    cargo bench -p scn-dsl --bench parse -- parse_1m_branches 2>&1 | tee "$work/divan-parse" >&2
    echo
    echo "In-process, parse only (divan; fastest | slowest | median | mean | samples | iters):"
    echo
    echo '```text'
    grep -A1 -E 'parse_1m_branches ' "$work/divan-parse" || echo "(no divan rows: see the output above)"
    echo '```'
    echo "== cargo bench -p scn-eval --bench eval -- build_evaluate_1m evaluate_only_1m" >&2
    cargo bench -p scn-eval --bench eval -- build_evaluate_1m evaluate_only_1m 2>&1 |
        tee "$work/divan" >&2
    echo
    echo "In-process, no parse (divan; fastest | slowest | median | mean | samples | iters):"
    echo
    echo '```text'
    grep -A1 -E '_1m ' "$work/divan" || echo "(no divan rows: see the output above)"
    echo '```'
fi
