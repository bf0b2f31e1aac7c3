//! The floor: `bench/peer-tree.scn` sampled by straight-line code.
//!
//! `scn eval bench/peer-tree.scn --samples N --seed S --threads T --format json` parses the
//! file, resolves it, evaluates it exactly and then samples it through a general tree walker
//! and an expression interpreter. This program does only the sampling, for that one tree,
//! with nothing general left: the distributions are built once, the tree is unrolled into
//! arithmetic on named locals. Its time is what sampling costs when there is nothing else
//! to pay for, and `scn ÷ floor` in `bench/peers.sh` is the price of scn's generality.
//!
//! It draws the same numbers as scn and so prints the same summaries, bit for bit. That
//! holds only while it copies scn's sampler exactly (the betas are drawn by scn-eval's own
//! `BetaStrips`, the histogram envelope scn uses for a constant beta, and the log-normals
//! through scn-eval's own `exp`, a column at a time as scn's batches take it):
//!
//! - the generator: `Pcg64Mcg`, one per block of 2048 samples, seeded from the seed and the
//!   block's index by SplitMix64 (`block_rng` below, as in scn-eval's `sample/draw.rs`);
//!   blocks run in parallel and are put back in index order;
//! - per sample, the draws in scn's order: the seven lets, then every leaf's `aid` (all
//!   eight, whichever leaf is later drawn), then one uniform to pick the leaf;
//! - the same floating-point operations in the same order: chances clamped to [0, 1],
//!   `rest` as `max(0, 1 − sum)`, a renormalisation when a set misses 1 by more than 1e-9,
//!   path probabilities as products from the root, sums left to right;
//! - the same summaries: scn-eval's `Summary::of_each` (mean, sd with n − 1, and the 5th, 50th
//!   and 95th percentiles by numpy's linear rule).
//!
//! When scn's draw order changes, change `draws` to match, then check with
//! `bench/floor/check.sh`.
//!
//! Usage: `scn-floor N [SEED [THREADS]]`; SEED defaults to scn's default seed, THREADS to
//! one per core. Prints JSON shaped like the `forecasts` and `metrics` of scn's report.
//!
//! `scn-floor --draws-only N [SEED [THREADS]]` draws the same numbers in the same blocks and
//! does nothing else: no tree, no columns, no summaries; it prints their count and sum. Its
//! time is the least that drawing scn's numbers takes, the bound under both scn and the
//! floor.

use std::process::ExitCode;

use rand::RngExt;
use rand::distr::Distribution;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use scn_eval::{BetaStrips, Summary, exp_in_place, zeroed_store};
use serde_json::{Value, json};
use statrs::distribution::Normal;

/// Samples per block, as in scn: the block is the unit of seeding, so it fixes the numbers.
const BLOCK: u64 = 2048;

/// scn's seed when none is given.
const DEFAULT_SEED: u64 = 20_251_205;

/// How far a set of sibling chances may miss 1 before scn rescales it.
const SUM_TOLERANCE: f64 = 1e-9;

/// The standard normal's 95th percentile, to the digits scn uses for `a to b`.
const Z95: f64 = 1.644_853_626_951_472_2;

/// SplitMix64, as scn uses it to spread a seed and a block index.
fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator of block `block`, exactly as scn makes it.
fn block_rng(seed: u64, block: u64) -> Pcg64Mcg {
    let hi = splitmix(seed ^ splitmix(block));
    let lo = splitmix(hi ^ 0xD1B5_4A32_D192_ED03 ^ block);
    Pcg64Mcg::new((u128::from(hi) << 64) | u128::from(lo) | 1)
}

/// `lo to hi` with 0 < lo < hi, the log-normal with those 5th and 95th percentiles, as the
/// normal of its logarithm, with its parameters computed as scn computes them: a draw is
/// `exp` of this normal's, taken over a column of them (`LOG_NORMALS`).
fn to(lo: f64, hi: f64) -> Normal {
    let (l, h) = (lo.ln(), hi.ln());
    normal((l + h) / 2.0, (h - l) / (2.0 * Z95))
}

fn beta(a: f64, b: f64) -> BetaStrips {
    BetaStrips::new(a, b).expect("a beta with both shapes at least 1")
}

fn normal(mean: f64, sd: f64) -> Normal {
    Normal::new(mean, sd).expect("valid normal")
}

/// Every distribution of the tree, built once.
struct Tree {
    p_sign: BetaStrips,
    p_break_rest: BetaStrips,
    q_hold: BetaStrips,
    q_esc: BetaStrips,
    q_attr: BetaStrips,
    q_stable: BetaStrips,
    q_flare: BetaStrips,
    holds: Normal,
    collapses: Normal,
    escalation: Normal,
    attrition: Normal,
    ceasefire: Normal,
    stable: Normal,
    flare: Normal,
    relapse: Normal,
}

impl Tree {
    fn new() -> Tree {
        Tree {
            p_sign: beta(3.0, 7.0),
            p_break_rest: beta(5.0, 5.0),
            q_hold: beta(6.0, 4.0),
            q_esc: beta(2.0, 8.0),
            q_attr: beta(6.0, 4.0),
            q_stable: beta(5.0, 5.0),
            q_flare: beta(6.0, 4.0),
            holds: to(150.0, 400.0),
            collapses: normal(60.0, 20.0),
            escalation: to(10.0, 60.0),
            attrition: normal(35.0, 10.0),
            ceasefire: to(40.0, 120.0),
            stable: to(80.0, 200.0),
            flare: normal(55.0, 15.0),
            relapse: to(20.0, 80.0),
        }
    }
}

/// Numbers drawn per sample: seven lets, eight leaf values, one uniform.
const DRAWS: usize = 16;

/// The draws that are log-normal (`a to b`), by their place in [`draws`]' order.
const LOG_NORMALS: [usize; 5] = [7, 9, 11, 12, 14];

/// A block's draws, one column per place in [`draws`]' order (`DRAWS` columns of `count`),
/// into `d`, which serves block after block: drawn sample after sample, then the
/// log-normals' columns through `exp`.
fn block_draws(t: &Tree, rng: &mut Pcg64Mcg, count: usize, d: &mut Vec<f64>) {
    // Every place is drawn into below: only a block of another size resizes.
    d.resize(DRAWS * count, 0.0);
    for i in 0..count {
        for (c, v) in draws(t, rng).into_iter().enumerate() {
            d[c * count + i] = v;
        }
    }
    for c in LOG_NORMALS {
        exp_in_place(&mut d[c * count..(c + 1) * count]);
    }
}

/// The draws alone, `samples` of them in blocks as `run` makes them, and nothing else: no
/// tree, no columns, no summaries. Its time is the least any program drawing scn's numbers
/// can take.
fn run_draws_only(samples: u64, seed: u64) -> Value {
    let tree = Tree::new();
    let sums: Vec<f64> = (0..samples.div_ceil(BLOCK))
        .into_par_iter()
        .map_init(Vec::new, |d, b| {
            let count = BLOCK.min(samples - b * BLOCK);
            let mut rng = block_rng(seed, b);
            block_draws(&tree, &mut rng, count as usize, d);
            d.iter().sum::<f64>()
        })
        .collect();
    json!({
        "samples": samples,
        "seed": seed,
        "draws": samples * DRAWS as u64,
        "sum_of_draws": sums.iter().sum::<f64>(),
    })
}

/// One set of siblings whose last member is `rest` (its slot holds 0 on entry): fills in
/// `rest` and rescales the set if it still misses 1, as scn does. The sum cannot be 0 here
/// (`rest` tops it up to at least 1), so scn's "drop the sample" case never arises.
fn siblings<const N: usize>(mut c: [f64; N]) -> [f64; N] {
    let mut sum: f64 = c.iter().sum();
    c[N - 1] = (1.0 - sum).max(0.0);
    sum += c[N - 1];
    if (sum - 1.0).abs() > SUM_TOLERANCE {
        for x in &mut c {
            *x /= sum;
        }
    }
    c
}

/// Every number one sample draws, in scn's order: the seven lets, the eight leaves' `aid`,
/// then the uniform that picks the leaf (a log-normal as its exponent).
fn draws(t: &Tree, rng: &mut Pcg64Mcg) -> [f64; DRAWS] {
    [
        t.p_sign.sample(rng),
        t.p_break_rest.sample(rng),
        t.q_hold.sample(rng),
        t.q_esc.sample(rng),
        t.q_attr.sample(rng),
        t.q_stable.sample(rng),
        t.q_flare.sample(rng),
        t.holds.sample(rng),
        t.collapses.sample(rng),
        t.escalation.sample(rng),
        t.attrition.sample(rng),
        t.ceasefire.sample(rng),
        t.stable.sample(rng),
        t.flare.sample(rng),
        t.relapse.sample(rng),
        rng.random::<f64>(),
    ]
}

/// One sample, from its draws: `[E(aid), P(holds), the drawn leaf's aid]`.
fn one_sample(draws: [f64; DRAWS]) -> [f64; 3] {
    let [
        p_sign,
        p_break_rest,
        q_hold,
        q_esc,
        q_attr,
        q_stable,
        q_flare,
        aid @ ..,
        pick_u,
    ] = draws;

    let unit = |p: f64| p.clamp(0.0, 1.0);
    let [sign, breakdown, freeze] =
        siblings([unit(p_sign), unit((1.0 - p_sign) * p_break_rest), 0.0]);
    let [holds, collapses] = siblings([unit(q_hold), 0.0]);
    let [escalation, attrition, ceasefire] =
        siblings([unit(q_esc), unit((1.0 - q_esc) * q_attr), 0.0]);
    let [stable, flare, relapse] =
        siblings([unit(q_stable), unit((1.0 - q_stable) * q_flare), 0.0]);

    // Path probabilities as scn forms them: the root's 1 times each chance on the way down.
    let (sign, breakdown, freeze) = (1.0 * sign, 1.0 * breakdown, 1.0 * freeze);
    let prob = [
        sign * holds,
        sign * collapses,
        breakdown * escalation,
        breakdown * attrition,
        breakdown * ceasefire,
        freeze * stable,
        freeze * flare,
        freeze * relapse,
    ];

    let mut total = 0.0;
    for p in prob {
        total += p;
    }
    let ev: f64 = prob.iter().zip(&aid).map(|(p, v)| p * v).sum();

    let u = pick_u * total;
    let mut pick = prob.iter().rposition(|&p| p > 0.0).unwrap_or(0);
    let mut acc = 0.0;
    for (o, &p) in prob.iter().enumerate() {
        acc += p;
        if u < acc && p > 0.0 {
            pick = o;
            break;
        }
    }
    [ev, prob[0], aid[pick]]
}

/// Mean, sd and percentiles of a column, found by scn-eval's own `Summary::of_each` (all
/// three columns at once, as scn summarises them): summarising is not the generality the
/// floor measures, and a copy would have to keep up with it.
fn summary(s: Summary) -> Value {
    json!({"n": s.n, "mean": s.mean, "sd": s.sd, "p05": s.p05, "p50": s.p50, "p95": s.p95})
}

fn run(samples: u64, seed: u64) -> Value {
    let tree = Tree::new();
    // Three columns of the run's length in one store, on huge pages as scn's (scn-eval's
    // `zeroed_store`); each block writes its share of them in place.
    let n = samples as usize;
    let mut store = zeroed_store(3 * n);
    let (ev, rest) = store.split_at_mut(n);
    let (p_holds, aid) = rest.split_at_mut(n);
    let block = BLOCK as usize;
    ev.par_chunks_mut(block)
        .zip(p_holds.par_chunks_mut(block))
        .zip(aid.par_chunks_mut(block))
        .enumerate()
        .for_each_init(Vec::new, |d, (b, ((ev, p_holds), aid))| {
            let mut rng = block_rng(seed, b as u64);
            let count = ev.len();
            block_draws(&tree, &mut rng, count, d);
            for i in 0..count {
                let sample = std::array::from_fn(|c| d[c * count + i]);
                [ev[i], p_holds[i], aid[i]] = one_sample(sample);
            }
        });
    let mut summaries: Vec<Value> = Summary::of_each(&mut [ev, p_holds, aid])
        .into_iter()
        .map(|s| summary(s.expect("a run has at least one sample")))
        .collect();
    let aid = summaries.pop();
    let p_holds = summaries.pop();
    let ev = summaries.pop();
    json!({
        "samples": samples,
        "seed": seed,
        "forecasts": [
            {"id": "ev", "samples": ev},
            {"id": "p_holds", "samples": p_holds},
        ],
        "metrics": [{"id": "aid", "samples": aid}],
    })
}

fn main() -> ExitCode {
    const USAGE: &str = "usage: scn-floor [--draws-only] N [SEED [THREADS]]   \
         (N > 0 samples; THREADS 0 = one per core)";
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let draws_only = args.first().is_some_and(|a| a == "--draws-only");
    if draws_only {
        args.remove(0);
    }
    let number = |i: usize, default: Option<u64>| -> Option<u64> {
        args.get(i).map_or(default, |a| a.parse().ok())
    };
    let (Some(samples @ 1..), Some(seed), Some(threads), 1..=3) = (
        number(0, None),
        number(1, Some(DEFAULT_SEED)),
        number(2, Some(0)),
        args.len(),
    ) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(threads as usize)
        .build()
    {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("scn-floor: cannot start {threads} threads: {e}");
            return ExitCode::FAILURE;
        }
    };
    let report = if draws_only {
        pool.install(|| run_draws_only(samples, seed))
    } else {
        pool.install(|| run(samples, seed))
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&report).expect("numbers and strings serialise")
    );
    ExitCode::SUCCESS
}
