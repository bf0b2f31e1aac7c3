#!/usr/bin/env bash
# Does the floor still draw what scn draws? Runs both on bench/peer-tree.scn for a few sample
# counts, seeds and thread counts, and compares every summary number for exact equality.
# (`--draws-only` draws through the same function as the full floor, so this covers it.)
# Exit 0 when all agree; 1 (naming the numbers) when one differs.
#
#   bench/floor/check.sh                           builds both in release first
#   SCN=path/to/scn FLOOR=path/to/scn-floor bench/floor/check.sh
#
# The cases cover one sample, fewer than 64 (another percentile path in the summaries),
# exactly one block of 2048 and one more, several blocks over 1 and 2 threads, and scn's
# default seed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
if [[ -z "${SCN:-}" || -z "${FLOOR:-}" ]]; then
    cargo build --release -p scn-cli -p scn-floor >&2
fi
scn="${SCN:-$target/release/scn}"
floor="${FLOOR:-$target/release/scn-floor}"
work="$(mktemp -d "${TMPDIR:-/tmp}/scn-floor-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT

status=0
while read -r n seed threads; do
    seed_arg=()
    [[ "$seed" == default ]] || seed_arg=(--seed "$seed")
    "$scn" eval bench/peer-tree.scn --samples "$n" "${seed_arg[@]}" --threads "$threads" \
        --format json >"$work/scn.json"
    if [[ "$seed" == default ]]; then
        "$floor" "$n" >"$work/floor.json"
    else
        "$floor" "$n" "$seed" "$threads" >"$work/floor.json"
    fi
    verdict="$(python3 - "$work/scn.json" "$work/floor.json" <<'PY'
import json, sys
def columns(path):
    d = json.load(open(path))
    return {c["id"]: c["samples"] for c in d["forecasts"] + d["metrics"]}
a, b = columns(sys.argv[1]), columns(sys.argv[2])
diff = [f"{c}.{k}: scn {a[c][k]!r} floor {b[c][k]!r}"
        for c in a for k in a[c] if b.get(c, {}).get(k) != a[c][k]]
print("identical" if not diff else "DIFFERENT " + "; ".join(diff))
PY
)"
    echo "N=$n seed=$seed threads=$threads: $verdict"
    [[ "$verdict" == identical ]] || status=1
done <<'CASES'
1 1 1
63 5 2
2048 3 1
2049 3 2
100000 7 1
100000 7 2
250000 default 2
CASES
exit "$status"
