#!/usr/bin/env bash
# `scn diff` on the Ukraine scenario against a copy with 12 judgemental probabilities revised:
# exact Shapley values over 12 inputs (2^12 runs of the new tree).
#
#   bench/diff.sh [RUNS]      default: 5 runs
#
# Builds `scn` in release (unless SCN names a binary), writes the revised copy to
# target/bench-inputs/ukraine-12-inputs.scn (each `beta(a, b)` but p_frozen_in_talks's and the
# eight judgements added on 29 Nov becomes `beta(a + 1, b)`: one more pseudo-success per
# judgement), then times, RUNS times each, under
# `/usr/bin/time -f '%e %U %S %M'`:
#     scn eval NEW --format json            (one evaluation: the floor of the process)
#     scn diff OLD NEW --format json        (two evaluations, the edit list, 4,107 runs)
# and prints the median wall time, CPU time and peak RSS (MB = 2^20 bytes) as a Markdown table.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
runs="${1:-5}"

target="${CARGO_TARGET_DIR:-$root/target}"
if [[ -n "${SCN:-}" ]]; then
    scn="$SCN"
else
    echo "== cargo build --release -p scn-cli" >&2
    cargo build --release -p scn-cli >&2
    scn="$target/release/scn"
fi

old="scenarios/ukraine/peace-talks-2025.scn"
new="$target/bench-inputs/ukraine-12-inputs.scn"
mkdir -p "$(dirname "$new")"
sed -E '/^ *let /!b; /p_frozen_in_talks|p_euro|p_hold_euro|p_boom_euro|p_truce|p_deal_q_truce|p_over_head|p_kyiv_signs|p_eu_loan/b; s/= beta\(([0-9.]+), /= beta(\1 + 1, /' "$old" >"$new"
changed=$(diff "$old" "$new" | grep -c '^>' || true)
if [[ "$changed" != 12 ]]; then
    echo "expected 12 revised lets, found $changed: has the scenario changed?" >&2
    exit 1
fi
"$scn" diff "$old" "$new" --format json |
    python3 -c 'import json,sys; d=json.load(sys.stdin); m=d["method"]; assert len(d["inputs"])==12 and m["kind"]=="exact", m; print("== inputs:", len(d["inputs"]), "method:", m, file=sys.stderr)'

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
timed() {
    local label="$1"
    shift
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >/dev/null
    echo "$label $(tail -n 1 "$work/time")" >>"$work/runs"
}
for ((i = 1; i <= runs; i++)); do
    timed eval "$scn" eval "$new" --format json
    timed diff "$scn" diff "$old" "$new" --format json
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$work/runs" "$runs" "$load_before" "$load_after" <<'EOF'
import statistics, sys, time
path, runs, load0, load1 = sys.argv[1:]
rows = {}
for line in open(path):
    label, wall, user, sys_, rss = line.split()
    rows.setdefault(label, []).append((float(wall), float(user) + float(sys_), int(rss) / 1024))
print(f"## `scn diff` on the Ukraine scenario, 12 changed inputs ({time.strftime('%Y-%m-%d')})")
print()
print(f"Median of {runs} runs (GNU time, whole process). Load average before: {load0}, after: {load1}.")
print()
print("| command | wall (s) | CPU user+sys (s) | peak RSS (MB) | all runs: wall s |")
print("|---|---:|---:|---:|---|")
for label, shown in [("eval", "`scn eval NEW --format json`"),
                     ("diff", "`scn diff OLD NEW --format json`")]:
    r = rows[label]
    med = lambda i: statistics.median(x[i] for x in r)
    print(f"| {shown} | {med(0):.3f} | {med(1):.3f} | {med(2):.1f} | "
          + ", ".join(f"{x[0]:.3f}" for x in r) + " |")
EOF
