//! Global sensitivity from the samples Monte Carlo already drew.
//!
//! For each target and each uncertain let (a scenario let whose expression draws from a
//! distribution), two figures over the kept samples:
//!
//! - **variance share**: the first-order (Sobol) index Var(E[Y | X]) / Var(Y), estimated by
//!   binned conditional means: the samples are sorted by X and cut into about √N bins of
//!   equal count; the variance of the bin means, less the part that the bin means' own
//!   sampling noise adds (which would otherwise give every input a share of about
//!   bins / N), over the variance of Y. Clamped to [0, 1].
//! - **Spearman**: the rank correlation of X and Y.
//!
//! Under evidence every sample carries its weight, and a conditional forecast also the
//! probability of its condition in that sample: bins, means, variances and ranks are then
//! weighted, as the sampled summaries are.

use super::Target;
use std::borrow::Cow;

use rayon::prelude::*;

use super::bins::{Moments, Sorted, bin_count, correlation, midranks, runs};
use super::inputs::draws;
use crate::{Evaluation, Rows, Samples};

/// Fewer kept samples than this and the figures would be mostly noise.
const MIN_SAMPLES: usize = 100;

/// One uncertain let's part in a target's spread.
#[derive(Clone, Debug, PartialEq)]
pub struct Share {
    /// The let, by index in the model.
    pub input: u32,
    /// Its first-order share of the target's variance, in [0, 1].
    pub share: f64,
    /// The Spearman rank correlation of the let and the target, in [−1, 1].
    pub spearman: f64,
}

/// What drives one target's spread across samples.
#[derive(Clone, Debug, PartialEq)]
pub struct Global {
    /// What is measured.
    pub target: Target,
    /// Samples used (where the target was defined and weighed more than 0).
    pub samples: usize,
    /// Their effective count under weights (Kish); equal to `samples` without weights.
    pub ess: f64,
    /// The target's (weighted) variance across them.
    pub variance: f64,
    /// One per uncertain let, largest share first (ties in let order). Empty when the
    /// target does not vary.
    pub shares: Vec<Share>,
    /// Uncertain lets left out, the last in let order, to keep within
    /// [`super::SHARES_WORK`] (the same for every target).
    pub left_out: usize,
}

/// Each target's variance shares and rank correlations. `Err` says why there is nothing
/// to compute: the samples were drawn without rows, or too few were kept.
pub fn global(
    ev: &Evaluation,
    samples: &Samples,
    targets: &[Target],
) -> Result<Vec<Global>, String> {
    global_within(ev, samples, targets, super::SHARES_WORK)
}

/// [`global`] with `work` samples read in place of [`super::SHARES_WORK`].
pub fn global_within(
    ev: &Evaluation,
    samples: &Samples,
    targets: &[Target],
    work: u64,
) -> Result<Vec<Global>, String> {
    let rows = samples
        .rows
        .as_ref()
        .ok_or("global sensitivity needs the samples' rows (keep_rows)")?;
    let model = ev.model();
    let n = rows.weight.len();
    let lets = model.lets.len();
    let mut uncertain: Vec<u32> = model
        .lets
        .iter()
        .enumerate()
        .filter(|(i, l)| {
            !l.is_param
                && draws(&l.program)
                && (0..n).any(|s| rows.lets[s * lets + i] != rows.lets[*i])
        })
        .map(|(i, _)| i as u32)
        .collect();
    let fits = super::lets_within_work(work, (targets.len() as u64).saturating_mul(n as u64));
    let left_out = uncertain.len().saturating_sub(fits);
    uncertain.truncate(fits);
    // Most targets are defined in every sample and weigh samples as the evidence does: for
    // them, each let's bins and ranks are the same, so they are made once.
    let base_keep: Vec<bool> = rows.weight.iter().map(|&w| w > 0.0).collect();
    let orders: Vec<Sorted> = uncertain
        .par_iter()
        .map(|&l| Sorted::by(|s| rows.lets[s * lets + l as usize], n))
        .collect();
    let shared: Vec<Prepared> = orders
        .par_iter()
        .map(|o| Prepared::new(&o.filtered(&base_keep), &rows.weight, n))
        .collect();
    let results: Vec<Result<Global, String>> = targets
        .par_iter()
        .map(|&target| {
            let (y, w) = column(ev, rows, target);
            let valid: Vec<bool> = (0..n).map(|s| !y[s].is_nan() && w[s] > 0.0).collect();
            let same = (0..n).all(|s| valid[s] == base_keep[s] && w[s] == rows.weight[s]);
            one_target(ev, target, &y, &w, &valid, uncertain.len(), |i| {
                let p = if same {
                    Cow::Borrowed(&shared[i])
                } else {
                    Cow::Owned(Prepared::new(&orders[i].filtered(&valid), &w, n))
                };
                (uncertain[i], p)
            })
        })
        .collect();
    let mut results: Vec<Global> = results.into_iter().collect::<Result<_, _>>()?;
    for g in &mut results {
        g.left_out = left_out;
    }
    Ok(results)
}

/// Marks a sample outside every bin.
const NO_BIN: u32 = u32::MAX;

/// One let's bins and weighted mid-ranks over the samples a target uses, indexed by sample,
/// so that a target's passes read its values in sample order.
#[derive(Clone, Debug)]
struct Prepared {
    /// Each sample's bin (`NO_BIN` when not used).
    bin: Vec<u32>,
    /// How many bins.
    bins: usize,
    /// Each sample's weighted mid-rank of the let (0 when not used).
    rank: Vec<f64>,
}

impl Prepared {
    /// From the used samples in the let's order, with every sample's weight.
    fn new(x: &Sorted, weight: &[f64], n: usize) -> Prepared {
        let w: Vec<f64> = x.samples.iter().map(|&s| weight[s as usize]).collect();
        let mut p = Prepared {
            bin: vec![NO_BIN; n],
            bins: 0,
            rank: vec![0.0; n],
        };
        for (&s, r) in x.samples.iter().zip(midranks(&x.values, &w)) {
            p.rank[s as usize] = r;
        }
        let runs = runs(&x.values, bin_count(x.values.len()));
        p.bins = runs.len();
        for (b, &(lo, hi)) in runs.iter().enumerate() {
            for &s in &x.samples[lo..hi] {
                p.bin[s as usize] = b as u32;
            }
        }
        p
    }
}

/// The figures of one target; `lets(i)` gives the i-th uncertain let, prepared for it.
fn one_target<'p>(
    ev: &Evaluation,
    target: Target,
    y: &[f64],
    w: &[f64],
    valid: &[bool],
    count: usize,
    lets: impl Fn(usize) -> (u32, Cow<'p, Prepared>),
) -> Result<Global, String> {
    let n = y.len();
    let used = valid.iter().filter(|&&v| v).count();
    if used < MIN_SAMPLES {
        return Err(format!(
            "`{}` is defined in {used} samples: global sensitivity needs at least {MIN_SAMPLES}",
            target.name(ev)
        ));
    }
    // Moments are taken about the target's mean: Σw·y² / Σw − mean² of the raw values loses
    // every digit of the variance once the spread is small next to the mean (a forecast of
    // 1e7 ± 1 gave a variance of 1.06 for 2, and shares adding up to 1.9).
    let (mut sw, mut swy) = (0.0, 0.0);
    for s in (0..n).filter(|&s| valid[s]) {
        sw += w[s];
        swy += w[s] * y[s];
    }
    let centre = if sw > 0.0 { swy / sw } else { 0.0 };
    let yc: Vec<f64> = y.iter().map(|v| v - centre).collect();
    let mut all = Moments::default();
    for s in (0..n).filter(|&s| valid[s]) {
        all.add(yc[s], w[s]);
    }
    let variance = (all.wyy / all.w - all.mean().powi(2)).max(0.0);
    let mut g = Global {
        target,
        samples: used,
        ess: all.w * all.w / all.w2,
        variance,
        shares: Vec::new(),
        left_out: 0,
    };
    // Noise in a constant target (rounding) must not be attributed.
    if variance <= 1e-24 * centre.powi(2).max(1.0) {
        return Ok(g);
    }
    let by_y = Sorted::by(|s| y[s], n).filtered(valid);
    let wy: Vec<f64> = by_y.samples.iter().map(|&s| w[s as usize]).collect();
    let mut rank_y = vec![0.0; n];
    for (r, &s) in midranks(&by_y.values, &wy).iter().zip(&by_y.samples) {
        rank_y[s as usize] = *r;
    }
    let mut bins: Vec<Moments> = Vec::new();
    for i in 0..count {
        let (l, p) = lets(i);
        bins.clear();
        bins.resize(p.bins, Moments::default());
        for s in 0..n {
            if valid[s] {
                bins[p.bin[s] as usize].add(yc[s], w[s]);
            }
        }
        let share = first_order(&bins, all.w, all.mean(), variance);
        let spearman = correlation(
            (0..n)
                .filter(|&s| valid[s])
                .map(|s| (p.rank[s], rank_y[s], w[s])),
        );
        g.shares.push(Share {
            input: l,
            share,
            spearman,
        });
    }
    g.shares.sort_by(|a, b| b.share.total_cmp(&a.share));
    Ok(g)
}

/// The target's value and weight in each sample (NaN where undefined).
pub(super) fn column(ev: &Evaluation, rows: &Rows, target: Target) -> (Vec<f64>, Vec<f64>) {
    let n = rows.weight.len();
    match target {
        Target::Forecast(f) => {
            let k = ev.model().forecasts.len();
            (
                (0..n).map(|s| rows.forecasts[s * k + f]).collect(),
                (0..n)
                    .map(|s| rows.weight[s] * rows.forecast_weights[s * k + f])
                    .collect(),
            )
        }
        Target::Decision(node) => {
            let (at, len, width) = option_columns(ev, node);
            let dir = ev.model().objective.map(|(d, _)| d);
            let y = (0..n)
                .map(|s| {
                    let v = &rows.option_values[s * width + at..s * width + at + len];
                    best(v.iter().copied(), dir)
                })
                .collect();
            // Weighted by the chance of reaching the decision, as the value of information
            // is (see `voi_inputs`).
            let (d, decisions) = decision_index(ev, node);
            let w = (0..n)
                .map(|s| rows.weight[s] * rows.reach[s * decisions + d])
                .collect();
            (y, w)
        }
    }
}

/// Where a decision's options sit in a row of option values: first column, count, and the
/// row's width.
pub(super) fn option_columns(ev: &Evaluation, node: crate::model::NodeId) -> (usize, usize, usize) {
    let mut at = 0;
    let mut found = (0, 0);
    for d in ev.decisions() {
        if d.node == node {
            found = (at, d.options.len());
        }
        at += d.options.len();
    }
    (found.0, found.1, at)
}

/// The decision at `node`'s place among the decisions (as rows keep them), and how many
/// there are.
pub(super) fn decision_index(ev: &Evaluation, node: crate::model::NodeId) -> (usize, usize) {
    let all = ev.decisions();
    (
        all.iter().position(|d| d.node == node).unwrap_or(0),
        all.len(),
    )
}

/// The best of some option values under the objective's direction.
pub(super) fn best(values: impl Iterator<Item = f64>, dir: Option<scn_dsl::ast::Direction>) -> f64 {
    use scn_dsl::ast::Direction;
    match dir {
        Some(Direction::Minimize) => values.fold(f64::INFINITY, f64::min),
        _ => values.fold(f64::NEG_INFINITY, f64::max),
    }
}

/// The first-order share of variance from binned conditional means (each bin's sums of the
/// target), less the bias that the bin means' sampling noise adds: for bin b with weight share W_b and mean m_b, noise
/// variance V_b = s²_b Σw² / (Σw)², the between-bin variance Σ W_b (m_b − m)² exceeds
/// its expectation without noise by Σ W_b (1 − W_b) V_b.
fn first_order(bins: &[Moments], total: f64, mean: f64, variance: f64) -> f64 {
    let mut between = 0.0;
    let mut noise = 0.0;
    for m in bins.iter().filter(|m| m.w > 0.0) {
        let share = m.w / total;
        between += share * (m.mean() - mean).powi(2);
        noise += share * (1.0 - share) * m.variance() * m.w2 / (m.w * m.w);
    }
    ((between - noise) / variance).clamp(0.0, 1.0)
}
