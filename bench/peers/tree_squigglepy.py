"""bench/peer-tree.scn in squigglepy, for bench/peers.sh.

    python tree_squigglepy.py N [SEED]

Prints one JSON line in the shape of `scn eval --format json`: forecast `ev` (E(aid) in each
sample: path probabilities times leaf values, summed over the leaves) and metric `aid` (one
leaf per sample, drawn with that sample's path probabilities).

squigglepy's own style. Every distribution is sampled once into a numpy array of N draws,
and the tree is then numpy arithmetic on whole arrays, so row i of every array is one
world. The arrays are needed because arithmetic on squigglepy's distribution objects builds
a new distribution that draws each operand afresh: `1 - p` would not be the complement of
the `p` it is paired with.
"""

import json
import sys

import numpy as np
import squigglepy as sq


def summary(x):
    return {
        "n": int(x.size),
        "mean": float(np.mean(x)),
        "sd": float(np.std(x, ddof=1)),
        "p05": float(np.quantile(x, 0.05)),
        "p50": float(np.quantile(x, 0.5)),
        "p95": float(np.quantile(x, 0.95)),
    }


def main(n, seed):
    sq.set_seed(seed)

    def draw(dist):
        return np.asarray(sq.sample(dist, n=n), dtype=float)

    # Branch chances, in the order of the .scn file.
    p_sign = draw(sq.beta(3, 7))
    p_break_rest = draw(sq.beta(5, 5))
    q_hold = draw(sq.beta(6, 4))
    q_esc = draw(sq.beta(2, 8))
    q_attr = draw(sq.beta(6, 4))
    q_stable = draw(sq.beta(5, 5))
    q_flare = draw(sq.beta(6, 4))

    # Stick-breaking: a later sibling takes a share of what the earlier ones left; the last
    # takes the rest.
    breakdown = (1 - p_sign) * p_break_rest
    freeze = 1 - p_sign - breakdown
    attrition = (1 - q_esc) * q_attr
    flare = (1 - q_stable) * q_flare

    # One column per leaf, in tree order: path probability and aid ($bn).
    # sq.to(a, b) is the log-normal with 5th and 95th percentiles a and b.
    leaves = [
        (p_sign * q_hold, sq.to(150, 400)),
        (p_sign * (1 - q_hold), sq.norm(mean=60, sd=20)),
        (breakdown * q_esc, sq.to(10, 60)),
        (breakdown * attrition, sq.norm(mean=35, sd=10)),
        (breakdown * (1 - q_esc - attrition), sq.to(40, 120)),
        (freeze * q_stable, sq.to(80, 200)),
        (freeze * flare, sq.norm(mean=55, sd=15)),
        (freeze * (1 - q_stable - flare), sq.to(20, 80)),
    ]
    prob = np.column_stack([p for p, _ in leaves])
    aid = np.column_stack([draw(d) for _, d in leaves])

    ev = np.einsum("ij,ij->i", prob, aid)

    # One leaf per row: the uniform u lands in the slice of [0, 1) between a leaf's running
    # sum and the one before. Counting the first seven running sums at or below u gives the
    # leaf; when rounding leaves u above them all, that is the last leaf.
    u = draw(sq.uniform(0, 1))
    upper = np.cumsum(prob[:, :-1], axis=1)
    leaf = np.count_nonzero(upper <= u[:, None], axis=1)
    outcome = aid[np.arange(n), leaf]

    print(
        json.dumps(
            {
                "tool": "squigglepy",
                "samples": n,
                "seed": seed,
                "forecasts": [{"id": "ev", "samples": summary(ev)}],
                "metrics": [{"id": "aid", "samples": summary(outcome)}],
            }
        )
    )


if __name__ == "__main__":
    try:
        n = int(sys.argv[1])
        seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
        if n < 1 or len(sys.argv) > 3:
            raise ValueError
    except (IndexError, ValueError):
        sys.exit("usage: python tree_squigglepy.py N [SEED]")
    main(n, seed)
