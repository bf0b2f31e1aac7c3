#!/usr/bin/env bash
# scn against the floor, Squiggle and squigglepy on bench/peer-tree.scn, in one run.
#
#   bench/peers.sh                                    N = 100000 and 1000000, 5 rounds
#   SIZES=10000 REPS=1 NOISE_SEEDS=0 bench/peers.sh   smoke test
#   SCN_BASE=/path/to/older/scn bench/peers.sh        before/after in the same run
#
# The contestants, each computing the same summaries of the same tree (forecast `ev`, the
# expected aid in each sample, and metric `aid`, one leaf drawn per sample):
#
#   scn         scn eval bench/peer-tree.scn --samples N --seed S --threads T --format json
#   base        the same with $SCN_BASE, when set
#   floor       bench/floor: the same sampling in straight-line Rust (scn-floor N S T)
#   draws       the floor's draws alone, no tree and no summaries (scn-floor --draws-only
#               N S T): timed only, the least that drawing scn's numbers takes
#   squigglepy  bench/peers/tree_squigglepy.py N S (numpy, vectorised)
#   Squiggle    bench/peers/squiggle.mjs N S running bench/peers/tree.squiggle (Node)
#
# They run in rounds, one fresh process each per round, in that order, so that every ratio
# compares runs made moments apart on a shared machine. The report gives, for each N, the
# median over rounds of the per-round ratios Squiggle ÷ scn, squigglepy ÷ scn, scn ÷ floor
# (and base ÷ scn), scn ÷ draws, Squiggle ÷ draws and squigglepy ÷ draws (the ceilings of the
# first two with these samplers), then each contestant's median wall time and peak RSS, whether the floor
# (and base) gave scn's numbers bit for bit, and how far each peer's statistics are from
# scn's in units of sampling noise. bench/peers/race.py does the timing and the report.
#
# Squiggle and squigglepy are installed fresh into a temporary directory:
# `npm install @quri/squiggle-lang@$SQUIGGLE_VERSION` and a venv with
# `pip install squigglepy==$SQUIGGLEPY_VERSION`; npm's and pip's caches go there too and
# the directory is removed at the end. The run needs the npm and PyPI registries and nothing
# else.
#
# Environment:
#   SIZES=100000,1000000   sample counts
#   REPS=5                 rounds per sample count
#   THREADS=2              --threads of scn, base, the floor and draws
#   NOISE_SEEDS=20         untimed floor runs per N that measure sampling noise (0: skip)
#   SCN=<binary>           use this scn instead of building one
#   FLOOR=<binary>         use this scn-floor instead of building one
#   SCN_BASE=<binary>      an older scn to race as well
#   SQUIGGLE_VERSION=0.10.0, SQUIGGLEPY_VERSION=0.30
#   TIMEOUT_S=600          per process
#   KEEP_WORK=1            keep (and name) the temporary directory
#
# Output: the Markdown report on stdout and in bench/out/peers-<date>-<time>.md, every run
# as JSON next to it. Progress goes to stderr.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

SIZES="${SIZES:-100000,1000000}"
REPS="${REPS:-5}"
THREADS="${THREADS:-2}"
NOISE_SEEDS="${NOISE_SEEDS:-20}"
SQUIGGLE_VERSION="${SQUIGGLE_VERSION:-0.10.0}"
SQUIGGLEPY_VERSION="${SQUIGGLEPY_VERSION:-0.30}"
TIMEOUT_S="${TIMEOUT_S:-600}"
tree="$root/bench/peer-tree.scn"

for tool in node npm python3 cargo; do
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

target="${CARGO_TARGET_DIR:-$root/target}"
build=()
[[ -n "${SCN:-}" ]] || build+=(-p scn-cli)
[[ -n "${FLOOR:-}" ]] || build+=(-p scn-floor)
if ((${#build[@]})); then
    echo "== cargo build --release ${build[*]}" >&2
    cargo build --release "${build[@]}" >&2
fi
absolute() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
scn="$(absolute "${SCN:-$target/release/scn}")"
floor="$(absolute "${FLOOR:-$target/release/scn-floor}")"
base=""
if [[ -n "${SCN_BASE:-}" ]]; then
    [[ -x "$SCN_BASE" ]] || { echo "SCN_BASE=$SCN_BASE is not an executable" >&2; exit 2; }
    base="$(absolute "$SCN_BASE")"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/scn-peers.XXXXXX")"
if [[ "${KEEP_WORK:-0}" == 1 ]]; then
    echo "work dir: $WORK" >&2
else
    trap 'rm -rf "$WORK"' EXIT
fi
# Node finds the package next to the script that imports it, so both go where it is installed.
cp bench/peers/squiggle.mjs bench/peers/tree.squiggle bench/peers/tree_squigglepy.py "$WORK/"
export npm_config_cache="$WORK/npm-cache" PIP_CACHE_DIR="$WORK/pip-cache"
export npm_config_update_notifier=false PIP_DISABLE_PIP_VERSION_CHECK=1

echo "== installing @quri/squiggle-lang@$SQUIGGLE_VERSION" >&2
(cd "$WORK" && npm init -y >/dev/null &&
    npm install --no-audit --no-fund --loglevel=error "@quri/squiggle-lang@$SQUIGGLE_VERSION" >&2)
echo "== installing squigglepy==$SQUIGGLEPY_VERSION" >&2
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q "squigglepy==$SQUIGGLEPY_VERSION" >&2
py="$WORK/venv/bin/python"

version() { "$1" --version 2>/dev/null | awk '{print $NF}'; }
versions="scn $(version "$scn") ($(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(
    git -C "$root" diff --quiet HEAD 2>/dev/null || echo ', uncommitted changes'))"
[[ -z "$base" ]] || versions+="; base: $base"
versions+="; Squiggle $SQUIGGLE_VERSION on Node $(node --version); $("$py" -c "
import sys, numpy, importlib.metadata as m
print('squigglepy', m.version('squigglepy') + ', numpy', numpy.__version__ + ', Python', sys.version.split()[0])")."

contestants=(scn "$scn" eval "$tree" --samples '{n}' --seed '{seed}' --threads "$THREADS" --format json)
[[ -z "$base" ]] ||
    contestants+=(:: base "$base" eval "$tree" --samples '{n}' --seed '{seed}' --threads "$THREADS" --format json)
contestants+=(:: floor "$floor" '{n}' '{seed}' "$THREADS")
contestants+=(:: draws "$floor" --draws-only '{n}' '{seed}' "$THREADS")
contestants+=(:: squigglepy "$py" "$WORK/tree_squigglepy.py" '{n}' '{seed}')
contestants+=(:: squiggle node "$WORK/squiggle.mjs" '{n}' '{seed}')

mkdir -p bench/out
stamp="$(date +%Y%m%d-%H%M%S)"
python3 bench/peers/race.py --sizes "$SIZES" --reps "$REPS" --noise-seeds "$NOISE_SEEDS" \
    --timeout "$TIMEOUT_S" --threads "$THREADS" --versions "$versions" \
    --out "bench/out/peers-$stamp.md" --raw "bench/out/peers-$stamp.json" -- "${contestants[@]}"
echo "== report: bench/out/peers-$stamp.md" >&2
