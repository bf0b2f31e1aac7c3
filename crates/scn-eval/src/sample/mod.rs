//! Monte Carlo over uncertain inputs (docs/reference/evaluation.md#monte-carlo).
//!
//! Samples run in fixed-size blocks. Each block's generator depends only on the seed and the
//! block's index, and blocks are combined in index order, so the same seed gives the same
//! numbers whatever the number of threads. Memory grows with samples × (forecasts +
//! metrics), not with the size of the tree.

mod draw;
mod one;
mod summary;

use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::Evaluation;
use one::{Drop, Plan, Scratch, sample_once};
pub use summary::{Summary, quantile};

/// Samples per block: small enough to balance two threads on small runs, large enough that
/// per-block overhead vanishes.
const BLOCK: u64 = 2048;

/// The seed used when none is given, so that reports are reproducible by default.
pub const DEFAULT_SEED: u64 = 20_251_205;

/// How to sample.
#[derive(Debug, Default)]
pub struct SampleOptions<'a> {
    /// How many samples.
    pub samples: u64,
    /// The seed.
    pub seed: u64,
    /// Worker threads; `None` for one per core.
    pub threads: Option<usize>,
    /// Incremented as samples finish, for a progress bar.
    pub progress: Option<&'a AtomicU64>,
}

/// What sampling found.
#[derive(Clone, Debug)]
pub struct Samples {
    /// Samples requested.
    pub requested: u64,
    /// Samples kept.
    pub kept: u64,
    /// Each forecast's distribution.
    pub forecasts: Vec<Option<Summary>>,
    /// Each metric's outcome distribution (one leaf drawn per sample).
    pub metrics: Vec<Option<Summary>>,
    /// For each decision (as in `Evaluation::decisions`), the share of kept samples in which
    /// each of its options would have been optimal.
    pub optimal_share: Vec<Vec<f64>>,
    /// Kept samples whose probabilities were clamped or renormalised.
    pub adjusted: u64,
    /// Samples dropped for a non-finite value or invalid sampled parameters.
    pub dropped_non_finite: u64,
    /// Samples dropped because the evidence had probability 0 in them.
    pub dropped_evidence: u64,
}

impl Samples {
    /// The warnings a report should show, as sentences.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        let share = |k: u64, of: u64| 100.0 * k as f64 / of.max(1) as f64;
        if self.adjusted > 0 {
            w.push(format!(
                "sampled probabilities were clamped to [0, 1] or renormalised to sum to 1 in {} of {} samples ({:.2}%)",
                self.adjusted,
                self.kept,
                share(self.adjusted, self.kept)
            ));
        }
        if self.dropped_non_finite > 0 {
            w.push(format!(
                "{} of {} samples were dropped: a value was not finite or a sampled parameter was invalid ({:.2}%)",
                self.dropped_non_finite,
                self.requested,
                share(self.dropped_non_finite, self.requested)
            ));
        }
        if self.dropped_evidence > 0 {
            w.push(format!(
                "{} of {} samples were dropped: the evidence had probability 0 in them ({:.2}%)",
                self.dropped_evidence,
                self.requested,
                share(self.dropped_evidence, self.requested)
            ));
        }
        w
    }
}

/// Runs `work` on `pool` (the `--threads` pool) or, without one, on rayon's global pool.
fn in_pool<R: Send>(pool: Option<&rayon::ThreadPool>, work: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

struct Block {
    forecasts: Vec<f64>,
    outcomes: Vec<f64>,
    best: Vec<u32>,
    kept: u64,
    adjusted: u64,
    non_finite: u64,
    evidence: u64,
}

/// Samples an evaluated model.
pub fn sample(ev: &Evaluation, opts: &SampleOptions<'_>) -> Samples {
    let model = &ev.model;
    let (f, k, d) = (
        model.forecasts.len(),
        model.metrics.len(),
        ev.decisions.len(),
    );
    let inside: Option<Vec<bool>> = (!model.observe.is_empty()).then(|| {
        (0..ev.sets.leaves.len() as u32)
            .map(|o| model.observe.iter().all(|&e| ev.sets.contains(e, o)))
            .collect()
    });
    // The point evaluation has checked every constant distribution already.
    let samplers: Vec<draw::Sampler> = model
        .const_dists
        .iter()
        .map(|d| draw::Sampler::new(d.kind, &d.args).unwrap_or(draw::Sampler::Const(f64::NAN)))
        .collect();
    let plan = Plan::new(ev);
    let blocks = opts.samples.div_ceil(BLOCK);
    let run_block = |b: u64| -> Block {
        let count = BLOCK.min(opts.samples - b * BLOCK);
        let mut rng = draw::block_rng(opts.seed, b);
        let mut s = Scratch::new(ev);
        let mut out = Block {
            forecasts: Vec::with_capacity(count as usize * f),
            outcomes: Vec::with_capacity(count as usize * k),
            best: Vec::with_capacity(count as usize * d),
            kept: 0,
            adjusted: 0,
            non_finite: 0,
            evidence: 0,
        };
        for _ in 0..count {
            match sample_once(ev, &plan, &samplers, inside.as_deref(), &mut rng, &mut s) {
                Ok(()) => {
                    out.kept += 1;
                    out.adjusted += u64::from(s.adjusted);
                    out.forecasts.extend_from_slice(&s.forecasts);
                    out.outcomes.extend_from_slice(&s.outcome);
                    out.best.extend(s.best.iter().map(|&b| b as u32));
                }
                Err(Drop::NonFinite) => out.non_finite += 1,
                Err(Drop::Evidence) => out.evidence += 1,
            }
        }
        if let Some(p) = opts.progress {
            p.fetch_add(count, Ordering::Relaxed);
        }
        out
    };
    let pool = opts.threads.and_then(|t| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(t.max(1))
            .build()
            .ok()
    });
    let results: Vec<Block> = in_pool(pool.as_ref(), || {
        (0..blocks).into_par_iter().map(run_block).collect()
    });

    // Combine in block order: the sums below see the same values in the same order
    // whatever thread ran which block.
    let kept: u64 = results.iter().map(|b| b.kept).sum();
    let column = |of_forecasts: bool, j: usize| -> Option<Summary> {
        let (width, all): (usize, fn(&Block) -> &[f64]) = if of_forecasts {
            (f, |b| &b.forecasts)
        } else {
            (k, |b| &b.outcomes)
        };
        let mut v: Vec<f64> = Vec::with_capacity(kept as usize);
        for b in &results {
            v.extend(all(b).iter().skip(j).step_by(width.max(1)));
        }
        Summary::of(&mut v)
    };
    // Each column is summarised on its own, so they may run in parallel.
    let summarise = || -> Vec<Option<Summary>> {
        (0..f + k)
            .into_par_iter()
            .map(|c| {
                if c < f {
                    column(true, c)
                } else {
                    column(false, c - f)
                }
            })
            .collect()
    };
    let mut summaries = in_pool(pool.as_ref(), summarise);
    let metrics = summaries.split_off(f);
    let forecasts = summaries;
    let optimal_share = ev
        .decisions
        .iter()
        .enumerate()
        .map(|(j, dec)| {
            let mut counts = vec![0u64; dec.values.len()];
            for b in &results {
                for &best in b.best.iter().skip(j).step_by(d) {
                    counts[best as usize] += 1;
                }
            }
            counts
                .iter()
                .map(|&c| c as f64 / kept.max(1) as f64)
                .collect()
        })
        .collect();
    Samples {
        requested: opts.samples,
        kept,
        forecasts,
        metrics,
        optimal_share,
        adjusted: results.iter().map(|b| b.adjusted).sum(),
        dropped_non_finite: results.iter().map(|b| b.non_finite).sum(),
        dropped_evidence: results.iter().map(|b| b.evidence).sum(),
    }
}
