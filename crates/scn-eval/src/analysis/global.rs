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
use super::bins::{Moments, bin_count, correlation, midranks, order_by, runs};
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
}

/// Each target's variance shares and rank correlations. `Err` says why there is nothing
/// to compute: the samples were drawn without rows, or too few were kept.
pub fn global(
    ev: &Evaluation,
    samples: &Samples,
    targets: &[Target],
) -> Result<Vec<Global>, String> {
    let rows = samples
        .rows
        .as_ref()
        .ok_or("global sensitivity needs the samples' rows (keep_rows)")?;
    let model = ev.model();
    let n = rows.weight.len();
    let lets = model.lets.len();
    let uncertain: Vec<u32> = model
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
    let orders: Vec<Vec<usize>> = uncertain
        .iter()
        .map(|&l| order_by(|s| rows.lets[s * lets + l as usize], n))
        .collect();
    let mut out = Vec::with_capacity(targets.len());
    for &target in targets {
        let (y, w) = column(ev, rows, target);
        let valid: Vec<bool> = (0..n).map(|s| !y[s].is_nan() && w[s] > 0.0).collect();
        let used = valid.iter().filter(|&&v| v).count();
        if used < MIN_SAMPLES {
            return Err(format!(
                "`{}` is defined in {used} samples: global sensitivity needs at least {MIN_SAMPLES}",
                target.name(ev)
            ));
        }
        let mut all = Moments::default();
        for s in (0..n).filter(|&s| valid[s]) {
            all.add(y[s], w[s]);
        }
        let ess = all.w * all.w / all.w2;
        let variance = (all.wyy / all.w - all.mean().powi(2)).max(0.0);
        let mut g = Global {
            target,
            samples: used,
            ess,
            variance,
            shares: Vec::new(),
        };
        // Noise in a constant target (rounding) must not be attributed.
        if variance <= 1e-24 * all.mean().powi(2).max(1.0) {
            out.push(g);
            continue;
        }
        let by_y: Vec<usize> = order_by(|s| y[s], n)
            .into_iter()
            .filter(|&s| valid[s])
            .collect();
        let mut rank_y = vec![0.0; n];
        for (r, &s) in midranks(&by_y, |s| y[s], |s| w[s]).iter().zip(&by_y) {
            rank_y[s] = *r;
        }
        for (&l, order) in uncertain.iter().zip(&orders) {
            let x = |s: usize| rows.lets[s * lets + l as usize];
            let sorted: Vec<usize> = order.iter().copied().filter(|&s| valid[s]).collect();
            let share = first_order(&sorted, &x, &y, &w, all.w, all.mean(), variance);
            let rank_x = midranks(&sorted, x, |s| w[s]);
            let spearman = correlation(
                sorted
                    .iter()
                    .zip(&rank_x)
                    .map(|(&s, &rx)| (rx, rank_y[s], w[s])),
            );
            g.shares.push(Share {
                input: l,
                share,
                spearman,
            });
        }
        g.shares.sort_by(|a, b| b.share.total_cmp(&a.share));
        out.push(g);
    }
    Ok(out)
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
            (y, rows.weight.clone())
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

/// The best of some option values under the objective's direction.
pub(super) fn best(values: impl Iterator<Item = f64>, dir: Option<scn_dsl::ast::Direction>) -> f64 {
    use scn_dsl::ast::Direction;
    match dir {
        Some(Direction::Minimize) => values.fold(f64::INFINITY, f64::min),
        _ => values.fold(f64::NEG_INFINITY, f64::max),
    }
}

/// The first-order share of variance from binned conditional means, less the bias that the
/// bin means' sampling noise adds: for bin b with weight share W_b and mean m_b, noise
/// variance V_b = s²_b Σw² / (Σw)², the between-bin variance Σ W_b (m_b − m)² exceeds
/// its expectation without noise by Σ W_b (1 − W_b) V_b.
fn first_order(
    sorted: &[usize],
    x: &impl Fn(usize) -> f64,
    y: &[f64],
    w: &[f64],
    total: f64,
    mean: f64,
    variance: f64,
) -> f64 {
    let mut between = 0.0;
    let mut noise = 0.0;
    for (a, b) in runs(sorted, x, bin_count(sorted.len())) {
        let mut m = Moments::default();
        for &s in &sorted[a..b] {
            m.add(y[s], w[s]);
        }
        if m.w <= 0.0 {
            continue;
        }
        let share = m.w / total;
        between += share * (m.mean() - mean).powi(2);
        noise += share * (1.0 - share) * m.variance() * m.w2 / (m.w * m.w);
    }
    ((between - noise) / variance).clamp(0.0, 1.0)
}
