#!/usr/bin/env bash
# Times the hostile inputs that once took minutes or gigabytes (docs/security.md), with the
# release binary: wall time, CPU time and peak RSS per attack. The tests (tests/tests/
# security.rs) check what each attack meets — a budget, a cap, a refusal — and do not time
# it, since wall time on a shared machine is no test; this script is where a regression to
# quadratic or exponential work shows.
#
#   bench/attacks.sh            build scn in release, generate the inputs, time each once
#   SCN=<binary> bench/attacks.sh
#
# The inputs are written to target/bench-inputs/attacks/ (a few MB).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [[ -z "${SCN:-}" ]]; then
    cargo build --release --locked -p scn-cli >&2
    SCN="$root/target/release/scn"
fi
dir="$root/target/bench-inputs/attacks"
mkdir -p "$dir"

python3 - "$dir" <<'PY'
import sys, pathlib
d = pathlib.Path(sys.argv[1])
def w(name, text): (d / name).write_text(text)
# Templates that each use the one below twice: 2^28 leaves asked for in 2.5 KB.
t = "template t0() {\n  branch a p = 50%\n  branch b p = rest\n}\n"
for i in range(1, 29):
    t += f"template t{i}() {{\n  branch x p = 50% {{ use t{i-1}() }}\n  branch y p = rest {{ use t{i-1}() }}\n}}\n"
w("exponential-templates.scn", t + "scenario s {\n  use t28()\n}\n")
# 100,000 metrics and 100,000 leaves (5 MB): 10^10 path metric values.
lines = ["scenario m {"] + [f"  metric m{i} = 0" for i in range(100000)] + ["  branch a p = 50% {"]
lines += [f"    branch b{i} p = {'rest' if i == 0 else '0'}" for i in range(100000)]
w("many-metrics.scn", "\n".join(lines + ["  }", "  branch z p = rest", "}", ""]))
# Two 100,000-letter names one letter apart (did-you-mean).
n = "a" * 100000
w("long-names.scn", f"scenario s {{\n  let {n} = 1\n  forecast f = {n}b\n}}\n")
# 5,000 unknown names, each a suggestion search over 10,000 names.
body = "".join(f"  let v{i:05} = 1\n" for i in range(5000)) + "".join(f"  forecast f{i:05} = w{i:05}\n" for i in range(5000))
w("unknown-names.scn", "scenario s {\n" + body + "}\n")
# 20,000 siblings, each referred to by bare id and by tag.
body = "".join(f"    branch b{i} p = {'rest' if i == 0 else '0'} #t{i}\n" for i in range(20000))
refs = "".join(f"  forecast f{i} = P(b{i})\n  forecast g{i} = P(#t{i})\n" for i in range(20000))
w("bare-ids.scn", "scenario s {\n  branch top p = 1 {\n" + body + "  }\n" + refs + "}\n")
# 20,000 nested branches, formatted.
w("deep.scn", "scenario s {\n" + "branch b p = 1 {\n" * 20000 + "}\n" * 20000 + "}\n")
PY

printf '| attack | command | exit | wall s | cpu s | peak RSS MB |\n|---|---|---|---|---|---|\n'
run() {
    local name="$1"; shift
    local code=0
    /usr/bin/time -o "$dir/time.txt" -f '%e %U %S %M' "$SCN" "$@" >/dev/null 2>&1 || code=$?
    read -r wall user sys rss < <(tail -1 "$dir/time.txt")
    printf '| %s | scn %s | %s | %s | %.2f | %.0f |\n' "$name" "${*/#$dir\//}" "$code" "$wall" \
        "$(echo "$user + $sys" | bc)" "$(echo "$rss / 1024" | bc)"
}
run exponential-templates check "$dir/exponential-templates.scn"
run many-metrics check "$dir/many-metrics.scn"
run many-metrics eval "$dir/many-metrics.scn"
run many-metrics eval --format json "$dir/many-metrics.scn"
run long-names check "$dir/long-names.scn"
run unknown-names check "$dir/unknown-names.scn"
run bare-ids check "$dir/bare-ids.scn"
run deep fmt --check "$dir/deep.scn"
