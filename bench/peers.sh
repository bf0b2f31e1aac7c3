#!/usr/bin/env bash
# scn against its peers, Squiggle and squigglepy, on the same scenario tree, in one run.
#
#   bench/peers.sh                                   N = 100000 and 1000000, 3 runs each
#   SIZES=1000,100000 REPS=1 bench/peers.sh          quick check
#
# The tree is /work/shared/bench/peer-tree.scn (scn) and the peer implementations in
# /work/shared/bench/squiggle/ (Squiggle: tree.squiggle through run_one.mjs, `draw` variant;
# squigglepy: tree_squigglepy.py, `vec` variant). Both peer variants compute what
# `scn eval --samples N` reports: the outcome distribution of the metric `aid` (one path drawn
# per sample) and E(aid) per sample of the uncertain probabilities and leaf values (Squiggle's
# `evFull`, scn's forecast `ev`).
#
# Each tool runs as a fresh process REPS times per N under `/usr/bin/time -f '%e %M'`: whole-
# process wall time (s) and peak RSS (MB = 2^20 bytes); the median of each is reported, with
# the outcome statistics of the first run. scn runs as
#     scn eval peer-tree.scn --samples N --format json --threads 2 --seed <rep>
# Squiggle (Node, one thread) and squigglepy (numpy) are installed fresh into a temporary
# directory: `npm install @quri/squiggle-lang@$SQUIGGLE_VERSION` and a venv with
# `pip install squigglepy==$SQUIGGLEPY_VERSION`. npm's and pip's caches go there too, so the
# run leaves nothing behind; it needs the npm and PyPI registries and nothing else.
#
# Environment:
#   SIZES=100000,1000000    sample counts
#   REPS=3                  fresh processes per tool and N (median reported)
#   THREADS=2               scn --threads
#   SCN=<binary>            skip `cargo build --release -p scn-cli` and use this binary
#   PEERS=/work/shared/bench    where peer-tree.scn and squiggle/ are
#   SQUIGGLE_VERSION=0.10.0, SQUIGGLEPY_VERSION=0.30
#   TIMEOUT_S=600           per process
#   KEEP_WORK=1             keep (and print) the temporary directory
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

SIZES="${SIZES:-100000,1000000}"
REPS="${REPS:-3}"
THREADS="${THREADS:-2}"
PEERS="${PEERS:-$(cd "$root/.." && pwd)/shared/bench}"
SQUIGGLE_VERSION="${SQUIGGLE_VERSION:-0.10.0}"
SQUIGGLEPY_VERSION="${SQUIGGLEPY_VERSION:-0.30}"
TIMEOUT_S="${TIMEOUT_S:-600}"
tree="$PEERS/peer-tree.scn"
squiggle_dir="$PEERS/squiggle"

for f in "$tree" "$squiggle_dir/tree.squiggle" "$squiggle_dir/run_one.mjs" \
    "$squiggle_dir/tree_squigglepy.py"; do
    [[ -f "$f" ]] || { echo "missing $f (set PEERS=)" >&2; exit 2; }
done
for tool in node npm python3 timeout; do
    command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 2; }
done

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
    scn="${CARGO_TARGET_DIR:-$root/target}/release/scn"
fi
scn="$(cd "$(dirname "$scn")" && pwd)/$(basename "$scn")"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/scn-peers.XXXXXX")"
if [[ "${KEEP_WORK:-0}" == 1 ]]; then
    echo "work dir: $WORK" >&2
else
    trap 'rm -rf "$WORK"' EXIT
fi
cp "$tree" "$WORK/peer-tree.scn"
cp "$squiggle_dir/tree.squiggle" "$squiggle_dir/run_one.mjs" "$squiggle_dir/tree_squigglepy.py" \
    "$WORK/"
cd "$WORK"
export npm_config_cache="$WORK/npm-cache" PIP_CACHE_DIR="$WORK/pip-cache"
export npm_config_update_notifier=false PIP_DISABLE_PIP_VERSION_CHECK=1

echo "== installing @quri/squiggle-lang@$SQUIGGLE_VERSION" >&2
npm init -y >/dev/null
npm install --no-audit --no-fund --loglevel=error "@quri/squiggle-lang@$SQUIGGLE_VERSION" >&2
echo "== installing squigglepy==$SQUIGGLEPY_VERSION" >&2
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q "squigglepy==$SQUIGGLEPY_VERSION" >&2
py="$WORK/venv/bin/python"

versions="$(
    printf 'scn %s; ' "$("$scn" --version 2>/dev/null | awk '{print $NF}')"
    printf 'Squiggle %s on Node %s; ' "$SQUIGGLE_VERSION" "$(node --version)"
    "$py" -c "import sys, numpy, importlib.metadata as m
print('squigglepy', m.version('squigglepy') + ', numpy', numpy.__version__ + ', Python', sys.version.split()[0])"
)"

# One timed run. Writes the tool's stdout to $WORK/out.json, appends a line to $WORK/runs.tsv:
# tool  n  rep  wall_s  rss_kb  exit  mean  p05  p50  p95  ev_mean  ev_exact
run_one() {
    local tool="$1" n="$2" rep="$3"
    shift 3
    local status=0
    timeout "$TIMEOUT_S" /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "$@" \
        >"$WORK/out.json" 2>"$WORK/err.txt" || status=$?
    local wall=nan rss=0
    if [[ -s "$WORK/time.txt" ]]; then
        read -r wall rss < <(tail -n 1 "$WORK/time.txt") || true
    fi
    [[ "$rss" =~ ^[0-9]+$ ]] || { wall=nan; rss=0; }
    local stats="nan nan nan nan nan nan"
    if [[ $status -eq 0 ]]; then
        stats="$(python3 - "$tool" "$WORK/out.json" <<'EOF'
import json, sys
tool, path = sys.argv[1], sys.argv[2]
text = open(path).read()
if tool == "scn":
    d = json.loads(text)
    o = d["metrics"][0]["samples"]
    ev = next(f for f in d["forecasts"] if f["id"] == "ev")
    vals = [o["mean"], o["p05"], o["p50"], o["p95"], ev["samples"]["mean"], ev["value"]]
else:
    d = json.loads(text.strip().splitlines()[-1])["summary"]
    o = d["outcome"]
    vals = [o["mean"], o["p5"], o["p50"], o["p95"], d["evFull"]["mean"], float("nan")]
print(" ".join(repr(float(v)) for v in vals))
EOF
)"
    else
        echo "$tool n=$n rep=$rep exited $status; end of its stderr:" >&2
        tail -n 5 "$WORK/err.txt" >&2
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$n" "$rep" "$wall" "$rss" "$status" \
        "$(tr ' ' '\t' <<<"$stats")" >>"$WORK/runs.tsv"
    printf '%-11s n=%-8s rep=%s  wall %6ss  peak RSS %5.0f MB  exit %s\n' "$tool" "$n" "$rep" \
        "$wall" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" "$status" >&2
}

: >"$WORK/runs.tsv"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
IFS=',' read -r -a sizes <<<"$SIZES"
for n in "${sizes[@]}"; do
    for ((rep = 1; rep <= REPS; rep++)); do
        run_one scn "$n" "$rep" "$scn" eval "$WORK/peer-tree.scn" --samples "$n" --format json \
            --threads "$THREADS" --seed "$rep"
        run_one squiggle "$n" "$rep" node "$WORK/run_one.mjs" "$n" draw "bench-seed-$rep"
        run_one squigglepy "$n" "$rep" "$py" "$WORK/tree_squigglepy.py" one vec "$n" "$rep"
    done
done
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$WORK/runs.tsv" "$REPS" "$THREADS" "$versions" "$load_before" "$load_after" <<'EOF'
import math, statistics, sys, time
path, reps, threads, versions, load0, load1 = sys.argv[1:]
rows = [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
by = {}
for tool, n, rep, wall, rss, status, *stats in rows:
    by.setdefault((tool, int(n)), []).append(
        {"rep": int(rep), "wall": float(wall), "rss": int(rss) / 1024, "ok": status == "0",
         "stats": [float(x) for x in stats]})
tools = [("scn", f"scn (`--threads {threads}`)"), ("squiggle", "Squiggle `draw`"),
         ("squigglepy", "squigglepy `vec`")]
sizes = sorted({n for _, n in by})
def med(runs, key):
    ok = [r[key] for r in runs if r["ok"]]
    return statistics.median(ok) if ok else math.nan
def f(x, d=1):
    return "n/a" if x != x else f"{x:.{d}f}"
print(f"## scn vs Squiggle vs squigglepy ({time.strftime('%Y-%m-%d')})")
print()
print(f"{versions}. Median of {reps} fresh processes per cell; wall time and peak RSS of the")
print(f"whole process (GNU time). Outcome statistics of the first run. Load average (1/5/15 min)")
print(f"before: {load0}, after: {load1}.")
print()
print("| N | tool | runs ok | wall (s) | ×scn | peak RSS (MB) | outcome mean | p05 | p50 | p95 | E(aid) mean |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for n in sizes:
    base = med(by.get(("scn", n), []), "wall")
    for key, name in tools:
        runs = by.get((key, n), [])
        ok = [r for r in runs if r["ok"]]
        wall, rss = med(runs, "wall"), med(runs, "rss")
        ratio = wall / base if base == base and base > 0 else math.nan
        s = ok[0]["stats"] if ok else [math.nan] * 6
        ev = f(s[4], 2) + (f" (exact {f(s[5], 2)})" if s[5] == s[5] else "")
        print(f"| {n:,} | {name} | {len(ok)}/{len(runs)} | {f(wall, 2)} | {f(ratio, 1)} | {f(rss, 0)} | "
              f"{f(s[0], 2)} | {f(s[1], 2)} | {f(s[2], 2)} | {f(s[3], 2)} | {ev} |")
print()
print("Wall-time ratios (median / median):")
print()
print("| N | Squiggle / scn | squigglepy / scn |")
print("|---:|---:|---:|")
for n in sizes:
    base = med(by.get(("scn", n), []), "wall")
    r = [med(by.get((k, n), []), "wall") / base if base > 0 else math.nan for k in ("squiggle", "squigglepy")]
    print(f"| {n:,} | {f(r[0], 1)} | {f(r[1], 1)} |")
print()
print("All runs (wall s / peak RSS MB):")
print()
for (tool, n), runs in sorted(by.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    cells = ", ".join(f"{r['wall']:.2f}/{r['rss']:.0f}" + ("" if r["ok"] else " FAILED") for r in runs)
    print(f"- {tool} N={n:,}: {cells}")
EOF
