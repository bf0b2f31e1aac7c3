"""Times the contestants of bench/peers.sh in interleaved rounds and writes the Markdown report.

bench/peers.sh installs the peers and calls this; it is not meant to be run by hand. Standard
library only.

Why rounds: on a shared machine the load changes from minute to minute. Running every
contestant once per round (A B C D, A B C D, ...) and taking, per round, the ratio of two
contestants' times compares runs made moments apart; the median of those ratios over the
rounds is then what the report gives. Medians of each contestant's own times are reported
too, but the ratios are the figures to quote.

Each run is one fresh process. Wall time is measured here, around the whole process from
start to exit; CPU time (user + system, all threads) and peak RSS are GNU time's. On a busy
machine CPU time moves less than wall time, but it does not show what a second thread buys.

Agreement: every contestant prints the same summaries (forecast `ev`, metric `aid`). For each
sample count the floor, which draws exactly what scn draws, is also run NOISE_SEEDS times
with other seeds, untimed; the spread of its statistics is the sampling noise of one run.
A peer whose statistics differ from scn's by much more than that computes something else.

The `draws` contestant (`scn-floor --draws-only`) draws every number the floor and scn draw,
in blocks on the same threads, and does nothing else: it prints no summaries, so it is
timed only. Its time is the least any program that draws scn's numbers can take, which makes
Squiggle ÷ draws and squigglepy ÷ draws the most that Squiggle ÷ scn and squigglepy ÷ scn
could be without faster samplers.
"""

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time


def parse_args():
    """Options, then `--`, then the contestants separated by `::`: each a name followed by
    its command, with {n} and {seed} where the sample count and the seed go."""
    argv = sys.argv[1:]
    if "--" not in argv:
        sys.exit("usage: race.py OPTIONS -- NAME COMMAND... [:: NAME COMMAND...]...")
    cut = argv.index("--")
    tools, current = [], []
    for word in argv[cut + 1:] + ["::"]:
        if word != "::":
            current.append(word)
        elif len(current) >= 2:
            tools.append((current[0], current[1:]))
            current = []
        else:
            sys.exit(f"race.py: a contestant needs a name and a command, not {current}")
    a = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    a.add_argument("--sizes", required=True)
    a.add_argument("--reps", type=int, required=True)
    a.add_argument("--noise-seeds", type=int, default=20)
    a.add_argument("--timeout", type=float, default=600)
    a.add_argument("--versions", default="")
    a.add_argument("--threads", default="2")
    a.add_argument("--out", required=True, help="file for the Markdown report (also printed)")
    a.add_argument("--raw", required=True, help="file for every run as JSON")
    args = a.parse_args(argv[:cut])
    args.tools = tools
    return args


def run_once(cmd, timeout):
    """One fresh process: (wall s, CPU s (user + system), peak RSS MiB, exit status, stdout,
    stderr).

    The peak RSS comes from GNU time, not from this script's own wait4(2): Linux carries the
    high-water mark of the memory a process replaces at exec over into the new program, so
    a child started straight from this Python process would report at least Python's size.
    GNU time's child starts from GNU time's small image instead.
    """
    with tempfile.NamedTemporaryFile(mode="r", suffix=".time") as rss_file:
        start = time.perf_counter()
        p = subprocess.Popen(["/usr/bin/time", "-f", "%M %U %S", "-o", rss_file.name] + cmd,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            # The contestant is GNU time's child: end the whole group, not GNU time alone.
            os.killpg(p.pid, signal.SIGKILL)
            out, err = p.communicate()
        wall = time.perf_counter() - start
        # The last line; a killed process has a line about the signal before it.
        last = (rss_file.read().strip().splitlines() or [""])[-1].split()
    try:
        rss, cpu = int(last[0]) / 1024, float(last[1]) + float(last[2])
    except (IndexError, ValueError):
        rss = cpu = float("nan")
    return wall, cpu, rss, p.returncode, out.decode(), err.decode()


# Contestants that print no summaries: a run of theirs is good when it exits with 0.
TIMED_ONLY = {"draws"}


def summaries(stdout):
    """The `ev` and `aid` summaries a contestant printed, or None."""
    try:
        d = json.loads(stdout)
    except ValueError:
        lines = stdout.strip().splitlines()
        try:
            d = json.loads(lines[-1]) if lines else None
        except ValueError:
            d = None
    if not isinstance(d, dict):
        return None
    try:
        ev = next(f for f in d["forecasts"] if f["id"] == "ev")["samples"]
        aid = next(m for m in d["metrics"] if m["id"] == "aid")["samples"]
    except (KeyError, StopIteration, TypeError):
        return None
    return {"ev": ev, "aid": aid}


# The statistics compared across contestants, as (column, key, heading).
STATS = [("aid", "mean", "aid mean"), ("aid", "p05", "p05"), ("aid", "p50", "p50"),
         ("aid", "p95", "p95"), ("ev", "mean", "E(aid) mean")]

# Ratios reported, as (numerator, denominator, heading); rows whose contestants are absent
# are left out.
RATIOS = [("squiggle", "scn", "Squiggle ÷ scn"), ("squigglepy", "scn", "squigglepy ÷ scn"),
          ("scn", "floor", "scn ÷ floor"), ("base", "scn", "base ÷ scn"),
          ("scn", "draws", "scn ÷ draws"), ("squiggle", "draws", "Squiggle ÷ draws"),
          ("squigglepy", "draws", "squigglepy ÷ draws")]

NAMES = {"scn": "scn", "base": "scn (base)", "floor": "floor", "draws": "draws only",
         "squiggle": "Squiggle", "squigglepy": "squigglepy"}


def command(template, n, seed):
    return [a.replace("{n}", str(n)).replace("{seed}", str(seed)) for a in template]


def fmt(x, digits=2):
    return "n/a" if x is None or x != x else f"{x:.{digits}f}"


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def main():
    args = parse_args()
    tools = args.tools
    names = [name for name, _ in tools]
    sizes = [int(s) for s in args.sizes.split(",")]
    runs = []
    load0 = open("/proc/loadavg").read().split()[:3]
    started = time.strftime("%Y-%m-%d %H:%M")

    for n in sizes:
        for rnd in range(1, args.reps + 1):
            for name, template in tools:
                wall, cpu, rss, status, out, err = run_once(command(template, n, rnd), args.timeout)
                s = summaries(out) if status == 0 else None
                ok = s is not None or (status == 0 and name in TIMED_ONLY)
                if not ok:
                    print(f"{name} n={n} round {rnd}: exit {status}; end of stderr:\n"
                          + "\n".join(err.strip().splitlines()[-5:]), file=sys.stderr)
                runs.append({"tool": name, "n": n, "round": rnd, "seed": rnd, "wall": wall,
                             "cpu": cpu, "rss": rss, "ok": ok, "status": status, "summaries": s})
                print(f"{name:<11} n={n:<8} round {rnd}  wall {wall:7.3f} s  "
                      f"peak RSS {rss:6.0f} MiB  {'ok' if ok else 'FAILED'}", file=sys.stderr)

    # Sampling noise, from the floor on other seeds (untimed).
    noise = {}
    floor_cmd = dict(tools).get("floor")
    for n in sizes:
        if floor_cmd is None or args.noise_seeds < 2:
            break
        values = {k: [] for k in STATS}
        for seed in range(1001, 1001 + args.noise_seeds):
            _, _, _, status, out, _ = run_once(command(floor_cmd, n, seed), args.timeout)
            s = summaries(out) if status == 0 else None
            if s:
                for col, key, head in STATS:
                    values[(col, key, head)].append(s[col][key])
        noise[n] = {k: statistics.stdev(v) if len(v) > 1 else None for k, v in values.items()}
    load1 = open("/proc/loadavg").read().split()[:3]

    def of(name, n):
        return [r for r in runs if r["tool"] == name and r["n"] == n]

    lines = []
    say = lines.append
    say(f"## bench/peers.sh, {started}")
    say("")
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo")
                if l.startswith("model name")), platform.machine())
    say(f"{os.cpu_count()} CPUs ({cpu}). {args.versions}")
    say(f"{args.reps} rounds per N; each round runs {', '.join(NAMES.get(x, x) for x in names)} "
        f"in that order, one fresh process each, all on the round's seed. scn and the floor on "
        f"{args.threads} threads. Load average (1, 5, 15 min) {' '.join(load0)} at the start, "
        f"{' '.join(load1)} at the end.")
    say("")
    present = [r for r in RATIOS if r[0] in names and r[1] in names]
    if "draws" in names:
        say("`draws only` is the floor's draws and nothing else (`scn-floor --draws-only`): "
            "Squiggle ÷ draws and squigglepy ÷ draws are the most that Squiggle ÷ scn and "
            "squigglepy ÷ scn can reach while scn draws these numbers with these samplers.")
        say("")
    for key, what in (("wall", "wall times"), ("cpu", "CPU times (user + system)")):
        say(f"Ratios of {what}, per round, then the median over the rounds (the range over "
            f"the rounds in brackets):")
        say("")
        say("| N | " + " | ".join(h for _, _, h in present) + " |")
        say("|---:|" + "---:|" * len(present))
        for n in sizes:
            cells = []
            for a, b, _ in present:
                ra = {r["round"]: r for r in of(a, n) if r["ok"]}
                rb = {r["round"]: r for r in of(b, n) if r["ok"]}
                q = [ra[k][key] / rb[k][key] for k in ra if k in rb and rb[k][key] > 0]
                cells.append(f"**{fmt(median(q))}** ({fmt(min(q))}–{fmt(max(q))})" if q else "n/a")
            say(f"| {n:,} | " + " | ".join(cells) + " |")
        say("")
    say("Each contestant on its own (medians over the rounds; CPU is user + system time of "
        "all threads; statistics are means over the rounds):")
    say("")
    say("| N | contestant | runs ok | wall (s) | CPU (s) | peak RSS (MiB) | "
        + " | ".join(h for _, _, h in STATS) + " |")
    say("|---:|---|---:|---:|---:|---:|" + "---:|" * len(STATS))
    for n in sizes:
        for name in names:
            rs = of(name, n)
            ok = [r for r in rs if r["ok"]]
            with_stats = [r for r in ok if r["summaries"]]
            stats = [fmt(statistics.fmean(r["summaries"][c][k] for r in with_stats))
                     if with_stats else "n/a" for c, k, _ in STATS]
            say(f"| {n:,} | {NAMES.get(name, name)} | {len(ok)}/{len(rs)} | "
                f"{fmt(median(r['wall'] for r in ok), 3)} | {fmt(median(r['cpu'] for r in ok), 2)} | "
                f"{fmt(median(r['rss'] for r in ok), 0)} | "
                + " | ".join(stats) + " |")
    say("")

    same = []
    for other in ("floor", "base"):
        if other not in names or "scn" not in names:
            continue
        for n in sizes:
            pairs = [(a, b) for a in of("scn", n) for b in of(other, n)
                     if a["round"] == b["round"] and a["ok"] and b["ok"]]
            equal = sum(a["summaries"] == b["summaries"] for a, b in pairs)
            same.append(f"{NAMES[other]} at N = {n:,}: {equal} of {len(pairs)} rounds")
    if same:
        say("Same seed, same summaries as scn, bit for bit: " + "; ".join(same) + ".")
        say("")

    if noise:
        say(f"Agreement with scn: (mean over a peer's rounds − mean over scn's rounds) ÷ its "
            f"standard error, where the noise of one run is the standard deviation of the "
            f"floor's statistic over {args.noise_seeds} other seeds. |z| above about 3 would "
            f"mean the peer computes something else.")
        say("")
        say("| N | peer | " + " | ".join(h for _, _, h in STATS) + " |")
        say("|---:|---|" + "---:|" * len(STATS))
        for n in sizes:
            base_runs = [r for r in of("scn", n) if r["ok"]]
            for peer in ("squiggle", "squigglepy"):
                peer_runs = [r for r in of(peer, n) if r["ok"]]
                cells = []
                for c, k, h in STATS:
                    sd = noise[n][(c, k, h)]
                    if not peer_runs or not base_runs or not sd:
                        cells.append("n/a")
                        continue
                    diff = (statistics.fmean(r["summaries"][c][k] for r in peer_runs)
                            - statistics.fmean(r["summaries"][c][k] for r in base_runs))
                    se = sd * (1 / len(peer_runs) + 1 / len(base_runs)) ** 0.5
                    cells.append(f"{diff / se:+.1f}")
                if peer in names:
                    say(f"| {n:,} | {NAMES[peer]} | " + " | ".join(cells) + " |")
        say("")

    say("Every run (wall s / peak RSS MiB, by round):")
    say("")
    for n in sizes:
        for name in names:
            cells = ", ".join(f"{r['wall']:.3f}/{r['rss']:.0f}" + ("" if r["ok"] else " FAILED")
                              for r in of(name, n))
            say(f"- {NAMES.get(name, name)}, N = {n:,}: {cells}")

    report = "\n".join(lines) + "\n"
    sys.stdout.write(report)
    with open(args.out, "w") as f:
        f.write(report)
    with open(args.raw, "w") as f:
        json.dump({"noise_sd": {str(n): {h: v for (_, _, h), v in d.items()}
                                for n, d in noise.items()}, "runs": runs}, f, indent=1)


if __name__ == "__main__":
    main()
