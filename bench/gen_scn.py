#!/usr/bin/env python3
"""Deterministic generator of large, valid `.scn` files for parser benchmarks.

Usage:
    python3 bench/gen_scn.py --nodes N   [--seed S] [--out FILE] [knobs...]
    python3 bench/gen_scn.py --bytes B   [--seed S] [--out FILE] [knobs...]

Exactly one of --nodes / --bytes is required. Output goes to stdout unless --out
is given. Python 3 standard library only; the same arguments always produce the
same bytes (the only randomness is `random.Random(seed)`).

What is generated (valid scn: docs/reference/language.md):
  one `scenario big "..." { ... }` holding
  * `as_of`, `horizon`, `author`, `description`, a few `source`s;
  * four `metric`s (cost, casualties, territory, gdp) and ~10 `let`s, several
    of them distributions (`beta(2, 5)`, `10k to 50k`, `normal`, `pert`, ...);
  * a tree of exactly N `branch` nodes (with --nodes). Every internal node has
    2-4 children (in rare corner cases a node whose budget is exactly one
    descendant gets a single `p = rest` child). Sibling probabilities are
    multiples of 5% written as `35%` or `0.35` (sometimes a let such as
    `p_sign`, counted as 30%), every sibling set ends with `p = rest`, and the
    explicit ones sum to at most 95%, so `rest` is always >= 5% and the sum is
    exactly 1. Sibling ids are distinct; ids repeat across subtrees, except the
    root's children, whose ids are used nowhere else (so bare references to them
    are unambiguous). Depth is at most --max-depth (root's children are depth 1).
  * dates: some branches carry `at YYYY-MM` / `at YYYY-MM-DD` / `at YYYY` or
    `after 3mo` / `after 1y6mo` / `after 2w` / `after 90d`; each is at or after
    the parent's date and never after the horizon (tracked conservatively at
    month granularity);
  * `#tags`, `cite` lists, labels with the odd escape (`\\"`) and non-ASCII
    character, effects (`cost += 5k`, `casualties += 1k to 3k`, `gdp *= shock`,
    ...), `note "..."` lines and `// comments`;
  * at the end a few `forecast`s (`P(#tag)`, `P(#tag by DATE)`, `E(metric)`,
    `E(metric | #tag)`, a dotted path) and `expect` lines that hold.

Size control:
  --nodes N   exact number of `branch` nodes in the tree.
  --bytes B   about B bytes of output: a calibration run (not written) measures
              the bytes per node for these knobs and seed, then N is chosen so
              that the file lands within ~1% of B.

Knobs (defaults in brackets):
  --seed S          RNG seed [1]
  --max-depth D     deepest branch level [12]; raised automatically (with a note
                    on stderr) if N nodes cannot fit under fan-out 4
  --leaf-frac F     chance that a child gets no share of its parent's node budget
                    and stays a leaf, when its siblings have room [0.3]
  --when-frac F     share of branches with an `at`/`after` clause [0.25]
  --tag-frac F      share of branches with at least one #tag [0.3]
  --effect-frac F   share of branches with effects [0.5]
  --note-frac F     share of blocks with a `note` line [0.15]
  --comment-frac F  share of branches preceded by a `// comment` line [0.05]
  --indent N        spaces per nesting level [2]

The tree is built top-down: each node receives a budget of descendants, picks
2-4 children and splits the rest of its budget among them at random, so subtree
sizes and depths vary. When a budget is large for the levels left under
--max-depth, nodes get wider (3-4 children) and fewer children stay leaves, so
very large trees (hundreds of thousands of branches) are bushy and mostly deep.
"""

from __future__ import annotations

import argparse
import random
import sys

# ---------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------

TOP_IDS = [
    "signing", "breakdown", "freeze", "escalation", "mediation", "collapse",
    "truce", "referendum",
]

IDS = [
    "talks", "demob", "relapse", "offensive", "stalemate", "boom", "stall",
    "ceasefire", "sanctions", "aid", "election", "reform", "default", "recovery",
    "strike", "blockade", "exodus", "return", "mobilize", "withdraw", "summit",
    "veto", "accord", "protest", "coup", "inflation", "harvest", "winter",
    "drone_war", "grain_deal", "energy_cut", "loan", "tribunal", "amnesty",
    "buffer_zone", "peacekeepers", "frozen_line", "counteroffensive",
]

TAGS = [
    "deal", "peace", "escalation", "frozen", "sanctions", "humanitarian",
    "economic", "political", "military", "nuclear_risk",
]

ADJ = [
    "Limited", "Broad", "Sudden", "Gradual", "Contested", "Negotiated",
    "Fragile", "Lasting", "Partial", "Full", "Delayed", "Early", "Regional",
    "Quiet", "Violent",
]

NOUN = [
    "ceasefire", "offensive", "stalemate", "reconstruction", "mobilization",
    "withdrawal", "referendum", "summit", "sanctions relief", "aid package",
    "energy deal", "prisoner exchange", "border settlement", "election",
    "default", "recovery",
]

NOTES = [
    "Base rate taken from comparable post-1945 interstate wars",
    "Analysts disagree sharply on this branch",
    "Depends on the outcome of the spring offensive",
    "See the working-group minutes for the wording",
    "Conditional on no change of government in either capital",
    "Probability revised after the last round of talks",
    "Historical analogues: Korea 1953, Cyprus 1974, Georgia 2008",
    "Market-implied odds were roughly in line with this",
]

COMMENTS = [
    "TODO: revisit after the next summit",
    "the numbers below come from the Q3 review",
    "keep in sync with the briefing note",
    "pessimistic case",
    "optimistic case",
    "assumes no third-party intervention",
]

SOURCES = [
    ("moscow", "Witkoff–Kushner–Putin meeting, Kremlin, 3 Dec 2025"),
    ("istanbul", "Istanbul working-group communiqué, 2025"),
    ("imf", "IMF World Economic Outlook, October 2025"),
    ("isw", "ISW daily campaign assessment"),
    ("acled", "ACLED conflict event data"),
]

LETS = [
    ('p_sign', 'beta(2, 5)', 'Talks produce a signed text'),
    ('p_hold', 'beta(8, 2)', 'A signed ceasefire holds a year'),
    ('cost_band', '10k to 50k', 'Cost of one escalation step (90% interval)'),
    ('cas_band', '1k to 3k', 'Casualties of one month of fighting (90% interval)'),
    ('shock', 'normal(0.97, 0.02)', 'GDP multiplier of a bad quarter'),
    ('rebuild', 'pert(2k, 5k, 20k)', 'Reconstruction cost per region'),
    ('share', 'uniform(0.1%, 0.5%)', 'Territory changing hands per offensive'),
    ('growth', 'lognormal(0, 0.05)', 'GDP multiplier of a good year'),
    ('tri', 'triangular(1, 2, 4)', 'Months of delay'),
    ('base_rate', '35%', 'Base rate of ceasefire breakdown'),
]

# Probability expressions that stand for a let, and the share (in %) each one
# is counted as when keeping the explicit probabilities <= 95%.
LET_PROBS = [("p_sign", 30), ("p_hold * 50%", 50), ("base_rate", 35)]

EFFECTS = [
    lambda r: f"cost += {r.randint(1, 50)}k",
    lambda r: f"casualties += {r.randint(1, 5)}k to {r.randint(6, 20)}k",
    lambda r: "casualties += cas_band",
    lambda r: f"cost += cost_band * {r.choice(['10%', '0.25', '50%'])}",
    lambda r: f"territory += {r.choice(['0.5%', '0.25%', '1%', 'share'])}",
    lambda r: f"territory -= {r.choice(['0.1%', '0.2%'])}",
    lambda r: f"gdp *= {r.choice(['0.98', 'shock', 'growth', '1.01'])}",
    lambda r: "cost += pert(1k, 2k, 5k)",
    lambda r: f"gdp -= {r.randint(1, 9)}.{r.randint(0, 9)}",
    lambda r: "cost += rebuild",
    lambda r: f"casualties += {r.randint(1, 9)}_{r.randint(100, 999)}",
    lambda r: f"cost = cost + {r.randint(1, 9)}.5e3",
    lambda r: "cost += (cost_band + rebuild) / 2",
]

DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

AS_OF = (2025, 12, 5)
HORIZON = (2035, 12, 31)


def month_index(year: int, month: int) -> int:
    return year * 12 + (month - 1)


def ym(mi: int) -> tuple[int, int]:
    return mi // 12, mi % 12 + 1


# ---------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------


class Counter:
    """A sink that only counts bytes (calibration runs)."""

    def __init__(self) -> None:
        self.n = 0

    def write(self, b: bytes) -> None:
        self.n += len(b)


class Gen:
    def __init__(self, args: argparse.Namespace, nodes: int, sink) -> None:
        self.a = args
        self.r = random.Random(args.seed)
        self.nodes = nodes
        self.sink = sink
        self.buf: list[str] = []
        self.buf_len = 0
        self.written = 0
        self.emitted = 0
        self.tags_seen: list[str] = []
        self.tag_set: set[str] = set()
        self.deep_path: list[str] | None = None
        self.max_depth = args.max_depth
        while self.capacity_below(0) < nodes:
            self.max_depth += 1
        if self.max_depth != args.max_depth and sink is not None and not isinstance(sink, Counter):
            print(f"gen_scn: --max-depth raised to {self.max_depth} to fit {nodes} nodes",
                  file=sys.stderr)
        self.caps = [self.capacity_below(d) for d in range(self.max_depth + 1)]
        self.hmi = month_index(HORIZON[0], HORIZON[1])

    def capacity_below(self, depth: int) -> int:
        """Most descendants a node at `depth` can have (fan-out 4, max depth)."""
        return sum(4 ** i for i in range(1, self.max_depth - depth + 1))

    # -- output -------------------------------------------------------------

    def out(self, s: str) -> None:
        self.buf.append(s)
        self.buf_len += len(s)
        if self.buf_len > 1 << 16:
            self.flush()

    def flush(self) -> None:
        data = "".join(self.buf).encode("utf-8")
        self.sink.write(data)
        self.written += len(data)
        self.buf.clear()
        self.buf_len = 0

    # -- pieces -------------------------------------------------------------

    def label(self) -> str:
        r = self.r
        x = r.random()
        if x < 0.03:
            return f'"The \\"{r.choice(NOUN)}\\" option"'
        if x < 0.06:
            return f'"{r.choice(ADJ)} {r.choice(NOUN)} – {r.choice(NOUN)}"'
        return f'"{r.choice(ADJ)} {r.choice(NOUN)}"'

    def when(self, parent_mi: int) -> tuple[str, int]:
        """An optional `at`/`after` clause and the child's month upper bound."""
        r = self.r
        if r.random() >= self.a.when_frac:
            return "", parent_mi
        room = self.hmi - parent_mi
        if room <= 0:
            return "", parent_mi
        x = r.random()
        if x < 0.45:
            mi = parent_mi + r.randint(0, min(room, 6))
            y, m = ym(mi)
            return f" at {y:04d}-{m:02d}", mi
        if x < 0.55 and room >= 1:
            mi = parent_mi + r.randint(1, min(room, 6))
            y, m = ym(mi)
            return f" at {y:04d}-{m:02d}-{r.randint(1, DAYS_IN_MONTH[m - 1]):02d}", mi
        if x < 0.6:
            y, _ = ym(parent_mi)
            mi = month_index(y, 12)
            if mi <= self.hmi:
                return f" at {y:04d}", mi
            return "", parent_mi
        # after DURATION: (text, conservative months)
        durations = [("1mo", 1), ("2mo", 2), ("3mo", 3), ("6mo", 6), ("1y", 12),
                     ("1y6mo", 18), ("2w", 1), ("90d", 4), ("4mo2w", 5)]
        fitting = [d for d in durations if d[1] <= room]
        text, dm = r.choice(fitting)
        return f" after {text}", parent_mi + dm

    def tags(self) -> str:
        r = self.r
        if r.random() >= self.a.tag_frac:
            return ""
        chosen = r.sample(TAGS, 1 if r.random() < 0.8 else 2)
        for t in chosen:
            if t not in self.tag_set:
                self.tag_set.add(t)
                self.tags_seen.append(t)
        return "".join(f" #{t}" for t in chosen)

    def cites(self) -> str:
        r = self.r
        x = r.random()
        if x < 0.06:
            return f" cite {r.choice(SOURCES)[0]}"
        if x < 0.08:
            a, b = r.sample(SOURCES, 2)
            return f" cite {a[0]}, {b[0]}"
        return ""

    def probs(self, k: int) -> list[str]:
        """k sibling probabilities: explicit ones summing to <= 95%, then `rest`."""
        r = self.r
        left = 100  # percent still free
        out = []
        for i in range(k - 1):
            reserve = 5 * (k - 1 - i)  # >= 5% for each later sibling incl. rest
            hi = left - reserve
            if i == 0 and r.random() < 0.08:
                fits = [lp for lp in LET_PROBS if lp[1] <= hi]
                if fits:
                    text, pct = r.choice(fits)
                    out.append(text)
                    left -= pct
                    continue
            pct = 5 * r.randint(1, max(1, min(hi, 60) // 5))
            left -= pct
            style = r.random()
            if style < 0.6:
                out.append(f"{pct}%")
            elif pct % 10 == 0:
                out.append(f"0.{pct // 10}")
            else:
                out.append(f"0.{pct:02d}")
        out.append("rest")
        return out

    def effects(self) -> list[str]:
        r = self.r
        if r.random() >= self.a.effect_frac:
            return []
        n = 1 if r.random() < 0.7 else r.randint(2, 3)
        return [r.choice(EFFECTS)(r) for _ in range(n)]

    # -- tree ---------------------------------------------------------------

    def split(self, depth: int, budget: int) -> list[int]:
        """Choose children for a node at `depth` with `budget` descendants: the
        descendant budget of each child."""
        r = self.r
        if budget == 0:
            return []
        child_cap = self.caps[depth + 1] if depth + 1 <= self.max_depth else 0
        kmin = 1
        while kmin + kmin * child_cap < budget:
            kmin += 1
        assert kmin <= 4, (depth, budget)
        # Branching needed to spend the budget within the levels left: when it is
        # high, prefer wide nodes and fewer leaves, so big trees stay within depth.
        need = budget ** (1.0 / max(1, self.max_depth - depth))
        if need < 2.5:
            k, leaf_p = r.randint(2, 4), self.a.leaf_frac
        elif need < 3.3:
            k, leaf_p = r.randint(3, 4), self.a.leaf_frac * (3.3 - need)
        else:
            k, leaf_p = 4, 0.0
        k = min(budget, max(kmin, k))
        rem = budget - k
        if rem == 1:
            # One grandchild would have to stand alone as `p = rest`: avoid it.
            if k < 4:
                k, rem = k + 1, 0
            elif child_cap >= 2:
                k, rem = 3, 2
        if rem == 0:
            return [0] * k
        weights = [0.0 if r.random() < leaf_p else r.random() + 0.5
                   for _ in range(k)]
        if sum(weights) == 0:
            weights[r.randrange(k)] = 1.0
        total = sum(weights)
        shares = [int(rem * w / total) for w in weights]
        nz = [i for i, w in enumerate(weights) if w > 0]
        i = 0
        while sum(shares) < rem:
            shares[nz[i % len(nz)]] += 1
            i += 1
        # Respect the capacity of each child, pushing overflow to siblings with room.
        over = 0
        for j in range(k):
            if shares[j] > child_cap:
                over += shares[j] - child_cap
                shares[j] = child_cap
        for j in range(k):
            if over == 0:
                break
            take = min(child_cap - shares[j], over)
            shares[j] += take
            over -= take
        assert over == 0
        # A child with a budget of exactly 1 would have a lone `rest` child: merge
        # that budget into a sibling with children anyway, or borrow one from a
        # sibling that can spare it.
        for j in range(k):
            if shares[j] != 1:
                continue
            order = sorted(range(k), key=lambda t: -shares[t])
            for t in order:
                if t != j and 1 <= shares[t] < child_cap:
                    shares[t] += 1
                    shares[j] = 0
                    break
            else:
                for t in order:
                    if t != j and shares[t] >= 3:
                        shares[t] -= 1
                        shares[j] = 2
                        break
        return shares

    def children(self, depth: int, budget: int, parent_mi: int, ids: list[str],
                 path: list[str]) -> None:
        shares = self.split(depth, budget)
        if not shares:
            return
        k = len(shares)
        names = self.r.sample(ids, k)
        probs = self.probs(k)
        for name, p, share in zip(names, probs, shares):
            self.branch(depth + 1, name, p, share, parent_mi, path)

    def branch(self, depth: int, name: str, p: str, budget: int, parent_mi: int,
               path: list[str]) -> None:
        r = self.r
        a = self.a
        self.emitted += 1
        ind = " " * (a.indent * depth)
        if r.random() < a.comment_frac:
            self.out(f"{ind}// {r.choice(COMMENTS)}\n")
        when, mi = self.when(parent_mi)
        head = f"{ind}branch {name} {self.label()} p = {p}{when}{self.tags()}{self.cites()}"
        effects = self.effects()
        note = r.random() < a.note_frac and (budget > 0 or effects)
        if budget == 0 and not note:
            if effects:
                self.out(f"{head} {{ {'  '.join(effects)} }}\n")
            else:
                self.out(head + "\n")
            if self.deep_path is None and len(path) >= 1:
                self.deep_path = path + [name]
            return
        trailing = f" // {r.choice(COMMENTS)}" if r.random() < 0.03 else ""
        self.out(f"{head} {{{trailing}\n")
        inner = ind + " " * a.indent
        if note:
            self.out(f'{inner}note "{r.choice(NOTES)}"\n')
        for e in effects:
            self.out(f"{inner}{e}\n")
        self.children(depth, budget, mi, IDS, path + [name])
        self.out(f"{ind}}}\n")

    # -- whole file -----------------------------------------------------------

    def run(self) -> int:
        a = self.a
        r = self.r
        ind = " " * a.indent
        self.out(f"// Generated by bench/gen_scn.py --nodes {self.nodes} --seed {a.seed}"
                 f" --max-depth {self.max_depth}. Do not edit.\n")
        self.out('scenario big "Generated benchmark scenario: a large tree of events" {\n')
        self.out(f"{ind}as_of {AS_OF[0]:04d}-{AS_OF[1]:02d}-{AS_OF[2]:02d}\n")
        self.out(f"{ind}horizon {HORIZON[0]:04d}-{HORIZON[1]:02d}-{HORIZON[2]:02d}\n")
        self.out(f'{ind}author "bench/gen_scn.py"\n')
        self.out(f'{ind}description "Synthetic scenario of {self.nodes} branches for parser benchmarks"\n')
        for sid, cite in SOURCES:
            self.out(f'{ind}source {sid} "{cite}"\n')
        self.out("\n")
        self.out(f'{ind}metric cost "Cumulative cost" unit "USD" = 0\n')
        self.out(f'{ind}metric casualties "Further killed and wounded" unit "people" = 0\n')
        self.out(f'{ind}metric territory "Share of territory occupied" unit "%" = 18%\n')
        self.out(f'{ind}metric gdp "GDP index" = 100\n\n')
        for name, expr, doc in LETS:
            self.out(f'{ind}let {name} = {expr} "{doc}"\n')
        self.out("\n")

        self.children(0, self.nodes, month_index(AS_OF[0], AS_OF[1]), TOP_IDS, [])
        assert self.emitted == self.nodes, (self.emitted, self.nodes)

        self.out(f"\n{ind}// Forecasts and expectations\n")
        self.out(f'{ind}forecast ev_cost "Expected cost" = E(cost)\n')
        self.out(f'{ind}forecast ev_casualties "Expected casualties" = E(casualties)\n')
        self.out(f"{ind}forecast ev_gdp = E(gdp)\n")
        self.out(f"{ind}expect ev_cost in 0 .. 1e12\n")
        self.out(f"{ind}expect ev_casualties in 0 .. 1e12\n")
        for i, t in enumerate(self.tags_seen[:4]):
            self.out(f'{ind}forecast p_{t} "Probability of #{t}" = P(#{t})\n')
            self.out(f"{ind}expect p_{t} in 0 .. 100%\n")
            if i == 0:
                self.out(f"{ind}forecast p_{t}_early = P(#{t} by 2030-06-30)\n")
                self.out(f"{ind}forecast cas_given_{t} = E(casualties | #{t})\n")
                self.out(f"{ind}expect cas_given_{t} in 0 .. 1e12\n")
            if i == 1:
                t0 = self.tags_seen[0]
                self.out(f"{ind}forecast p_{t0}_not_{t} = P(#{t0} and not #{t})\n")
                self.out(f"{ind}expect P(#{t0} or #{t}) in 0 .. 1\n")
        if self.deep_path:
            dotted = ".".join(self.deep_path)
            self.out(f'{ind}forecast p_path "First deep path" = P({dotted})\n')
            self.out(f"{ind}expect P({dotted}) in 0 .. 1\n")
            self.out(f"{ind}forecast p_top = P({self.deep_path[0]}) * 100\n")
        self.out("}\n")
        self.flush()
        return self.written


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    size = p.add_mutually_exclusive_group(required=True)
    size.add_argument("--nodes", type=int, help="exact number of branch nodes")
    size.add_argument("--bytes", type=int, help="target output size in bytes (approximate)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", help="output file (default: stdout)")
    p.add_argument("--max-depth", type=int, default=12)
    p.add_argument("--leaf-frac", type=float, default=0.3)
    p.add_argument("--when-frac", type=float, default=0.25)
    p.add_argument("--tag-frac", type=float, default=0.3)
    p.add_argument("--effect-frac", type=float, default=0.5)
    p.add_argument("--note-frac", type=float, default=0.15)
    p.add_argument("--comment-frac", type=float, default=0.05)
    p.add_argument("--indent", type=int, default=2)
    a = p.parse_args(argv)
    if a.nodes is not None and a.nodes < 1:
        p.error("--nodes must be at least 1")
    if a.bytes is not None and a.bytes < 1:
        p.error("--bytes must be positive")
    if a.max_depth < 1:
        p.error("--max-depth must be at least 1")
    return a


def nodes_for_bytes(a: argparse.Namespace, target: int) -> int:
    """Calibrate: bytes per node at a smaller size, then scale (twice, to converge)."""
    fixed = Gen(a, 1, Counter()).run()  # header + footer + one node
    n = max(1, min(20_000, target // 120))
    for _ in range(3):
        size = Gen(a, n, Counter()).run()
        per_node = max(1.0, (size - fixed) / max(1, n - 1))
        guess = max(1, int((target - fixed) / per_node) + 1)
        if guess <= n or n >= 200_000:
            return guess
        # Re-measure at a larger size when the first sample was small.
        n = min(guess, max(n * 4, 20_000), 200_000)
    return guess


def main(argv: list[str]) -> int:
    a = parse_args(argv)
    nodes = a.nodes if a.nodes is not None else nodes_for_bytes(a, a.bytes)
    if a.out:
        with open(a.out, "wb", buffering=1 << 20) as f:
            size = Gen(a, nodes, f).run()
    else:
        size = Gen(a, nodes, sys.stdout.buffer).run()
        sys.stdout.buffer.flush()
    print(f"gen_scn: {nodes} branches, {size} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
