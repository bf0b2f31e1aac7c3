#!/usr/bin/env python3
"""How scn's Monte Carlo scales: with the number of samples, with the size of the tree and with
threads. Prints three Markdown tables.

    python3 bench/scaling.py                 builds nothing: uses target/release/scn
    SCN=path/to/scn RUNS=5 python3 bench/scaling.py

1. Samples. `scn eval bench/peer-tree.scn --samples N --threads 1 --format json` for N = 10k,
   100k, 1M and 10M: wall, CPU (user + system) and peak RSS, and the memory each sample adds
   (peak RSS above the 10k run's, divided by the extra samples).
2. Tree size. The peer tree, the Ukraine scenario of the library and a generated tree of
   10,000 branches (`bench/gen_scn.py --nodes 10000 --seed 1`), one thread: the CPU time of
   S samples minus that of one sample (parse, point evaluation and report are paid once),
   divided by S and by the number of nodes. Nodes are counted from the report's paths (every
   prefix of a leaf's path, plus the root), so templates' branches count.
3. Threads. The peer tree at 10M samples, `--threads 1` and `--threads 2` in alternation: the
   median of the paired wall-time ratios. Only an idle machine shows the real speed-up; the
   load average is printed beside it.

Each figure is the median of RUNS runs (default 3). Needs GNU time at /usr/bin/time. When the
floor (bench/floor, `target/release/scn-floor` or $FLOOR) is built, its CPU time for 1M samples
on one thread is printed first: the machine's speed at the moment, to read the rest against
(a shared machine's speed drifts by half within an hour).
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCN = os.environ.get("SCN", str(ROOT / "target" / "release" / "scn"))
FLOOR = os.environ.get("FLOOR", str(ROOT / "target" / "release" / "scn-floor"))
RUNS = int(os.environ.get("RUNS", "3"))
TIME = "/usr/bin/time"


def timed(args, program=None):
    """(wall s, cpu s, peak RSS bytes, stdout) of one run of scn (or `program`)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        out = subprocess.run(
            [TIME, "-o", t.name, "-f", "%e %U %S %M", program or SCN, *args],
            check=True,
            stdout=subprocess.PIPE,
            # One sample of a conditional forecast warns of its tiny effective sample size.
            stderr=subprocess.DEVNULL,
        ).stdout
        wall, user, system, rss_kb = t.read().split()[-4:]
    return float(wall), float(user) + float(system), int(rss_kb) * 1024, out


def median_run(args):
    runs = [timed(args) for _ in range(RUNS)]
    return (
        statistics.median(r[0] for r in runs),
        statistics.median(r[1] for r in runs),
        statistics.median(r[2] for r in runs),
        runs[-1][3],
    )


def eval_args(tree, samples, threads=1):
    return ["eval", str(tree), "--samples", str(samples), "--seed", "1",
            "--threads", str(threads), "--format", "json"]


def nodes_of(report):
    paths = json.loads(report)["paths"]
    prefixes = set()
    for p in paths:
        parts = p["id"].split(".")
        for i in range(1, len(parts) + 1):
            prefixes.add(".".join(parts[:i]))
    return len(prefixes) + 1


def generated(nodes):
    path = ROOT / "target" / "bench-inputs" / f"nodes-{nodes}-seed1.scn"
    gen = ROOT / "bench" / "gen_scn.py"
    if not path.exists() or path.stat().st_mtime < gen.stat().st_mtime:
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(gen), "--nodes", str(nodes), "--seed", "1",
                        "--out", str(path)], check=True)
    return path


def mib(b):
    return f"{b / 2**20:.0f} MiB"


def samples_table():
    tree = ROOT / "bench" / "peer-tree.scn"
    print("| samples | wall | CPU | peak RSS | bytes per extra sample |")
    print("|---:|---:|---:|---:|---:|")
    base = None
    for n in (10_000, 100_000, 1_000_000, 10_000_000):
        wall, cpu, rss, _ = median_run(eval_args(tree, n))
        per = "" if base is None else f"{(rss - base[1]) / (n - base[0]):.1f}"
        if base is None:
            base = (n, rss)
        print(f"| {n:,} | {wall:.2f} s | {cpu:.2f} s | {mib(rss)} | {per} |")


def trees_table():
    trees = [
        ("peer tree", ROOT / "bench" / "peer-tree.scn", 1_000_000),
        ("Ukraine", ROOT / "scenarios" / "ukraine" / "peace-talks-2025.scn", 100_000),
        ("generated, 10,000 branches", generated(10_000), 10_000),
    ]
    print("| tree | nodes | samples | CPU per sample | ns per node per sample |")
    print("|---|---:|---:|---:|---:|")
    for name, path, n in trees:
        _, cpu1, _, report = median_run(eval_args(path, 1))
        _, cpu, _, _ = median_run(eval_args(path, n))
        nodes = nodes_of(report)
        per_sample = max(cpu - cpu1, 0.0) / n
        print(f"| {name} | {nodes:,} | {n:,} | {per_sample * 1e6:.2f} µs | "
              f"{per_sample * 1e9 / nodes:.1f} |")


def threads_table():
    tree = ROOT / "bench" / "peer-tree.scn"
    n = 10_000_000
    ratios, one, two = [], [], []
    for _ in range(RUNS):
        w1 = timed(eval_args(tree, n, 1))[0]
        w2 = timed(eval_args(tree, n, 2))[0]
        one.append(w1)
        two.append(w2)
        ratios.append(w1 / w2)
    load = os.getloadavg()[0]
    print("| samples | wall, --threads 1 | wall, --threads 2 | speed-up (median of paired ratios) | load average |")
    print("|---:|---:|---:|---:|---:|")
    print(f"| {n:,} | {statistics.median(one):.2f} s | {statistics.median(two):.2f} s | "
          f"{statistics.median(ratios):.2f}× | {load:.2f} |")


def main():
    if not Path(TIME).exists():
        sys.exit("GNU time is needed at /usr/bin/time (Debian package `time`)")
    if not Path(SCN).exists():
        sys.exit(f"no scn at {SCN}: run `cargo build --release -p scn-cli` or set SCN")
    print(f"scn: {SCN}; median of {RUNS} runs; {os.cpu_count()} cores")
    if Path(FLOOR).exists():
        cpu = statistics.median(timed(["1000000", "1", "1"], FLOOR)[1] for _ in range(RUNS))
        print(f"the floor, 1M samples of the peer tree on one thread: {cpu:.2f} s CPU")
    print()
    print("### Samples (peer tree, one thread)\n")
    samples_table()
    print("\n### Tree size (one thread)\n")
    trees_table()
    print("\n### Threads (peer tree)\n")
    threads_table()


if __name__ == "__main__":
    main()
