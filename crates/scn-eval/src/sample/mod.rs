//! Monte Carlo over uncertain inputs.
//!
//! Each sample draws every let and inline distribution, then runs the kernel — the same
//! evaluator as the point evaluation — leniently: probabilities are clamped and renormalised,
//! and a sample whose tree cannot be evaluated is dropped. Under evidence a sample also
//! carries a weight, the probability of the evidence with its draws, so that draws under
//! which the evidence was likely count for more. A conditional forecast is weighted by the
//! probability of its condition, so its mean is a ratio of expectations. A forecast that is
//! undefined in a sample loses that sample alone.
//!
//! Samples run in fixed-size blocks. Each block's generator depends only on the seed and the
//! block's index, and blocks are combined in index order, so the same seed gives the same
//! numbers whatever the number of threads. Memory grows with samples × (forecasts +
//! metrics), not with the size of the tree.

mod draw;
mod exp;
mod select;
mod store;
mod strips;
mod summary;
#[cfg(test)]
mod tests;

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rand::RngExt;
use rayon::prelude::*;
use scn_dsl::{Code, Diagnostic};

use self::draw::{DrawRun, Draws, Sampler};
pub use self::exp::{exp, exp_in_place};
pub use self::store::zeroed_store;
pub use self::strips::BetaStrips;
pub use self::summary::Summary;
use crate::Evaluation;
use crate::kernel::{Batch, Choose, LeafPicks, Lenient, Plan, Scratch};
use crate::model::{NodeId, NodeKind};

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
    /// Also keep every sample's lets, forecasts and option values ([`Samples::rows`]), for
    /// analyses that need them (sensitivity, value of information).
    pub keep_rows: bool,
}

/// One sampled figure: its summary, and how many samples it lost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Figure {
    /// The summary; `None` when no sample could be used.
    pub summary: Option<Summary>,
    /// Samples (of weight above 0) in which this figure was undefined and so left out.
    pub dropped: u64,
}

/// What sampling found.
#[derive(Clone, Debug)]
pub struct Samples {
    /// Samples requested.
    pub requested: u64,
    /// Samples whose tree could be evaluated (some may weigh 0 under evidence).
    pub kept: u64,
    /// Samples whose tree could not be evaluated (a value not finite, a sampled parameter
    /// invalid): left out of every figure.
    pub dropped: u64,
    /// Kept samples in which the evidence had probability 0: they weigh nothing.
    pub impossible_evidence: u64,
    /// Kept samples whose probabilities were clamped or renormalised.
    pub adjusted: u64,
    /// The effective sample size of the evidence weights, when there is evidence.
    pub evidence_ess: Option<f64>,
    /// Each forecast's distribution.
    pub forecasts: Vec<Figure>,
    /// Each metric's outcome distribution (one leaf drawn per sample).
    pub metrics: Vec<Figure>,
    /// For each decision (as in [`Evaluation::decisions`]), the (weighted) share of samples
    /// in which each of its options would have been optimal.
    pub optimal_share: Vec<Vec<f64>>,
    /// Every kept sample's numbers, when asked for.
    pub rows: Option<Rows>,
}

/// Every kept sample's numbers, row by row (row `s` of a table with `w` columns is
/// `values[s * w..(s + 1) * w]`).
#[derive(Clone, Debug, Default)]
pub struct Rows {
    /// The weight of each sample: the probability of the evidence (1 without evidence).
    pub weight: Vec<f64>,
    /// Each sample's lets, in model order.
    pub lets: Vec<f64>,
    /// Each sample's forecasts (given the evidence), NaN where undefined.
    pub forecasts: Vec<f64>,
    /// Each forecast's weight within a sample: the probability of its condition for a
    /// conditional forecast, else 1.
    pub forecast_weights: Vec<f64>,
    /// Each sample's value of every option, decisions in tree order, options in source
    /// order.
    pub option_values: Vec<f64>,
    /// Each sample's probability of reaching each decision (before the evidence, the
    /// options on the way taken as chosen), decisions in tree order: an analysis at a
    /// decision weighs a sample by it, since the decision is taken only where it is reached.
    pub reach: Vec<f64>,
}

impl Samples {
    /// The warnings a report should show, as sentences.
    pub fn warnings(&self, ev: &Evaluation) -> Vec<String> {
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
        if self.dropped > 0 {
            w.push(format!(
                "{} of {} samples were dropped from every figure: a value was not finite or a sampled parameter was invalid ({:.2}%)",
                self.dropped,
                self.requested,
                share(self.dropped, self.requested)
            ));
        }
        if self.impossible_evidence > 0 {
            w.push(format!(
                "the evidence had probability 0 in {} of {} samples ({:.2}%): they weigh nothing",
                self.impossible_evidence,
                self.kept,
                share(self.impossible_evidence, self.kept)
            ));
        }
        let used = self.kept - self.impossible_evidence;
        for (f, def) in self.forecasts.iter().zip(&ev.model().forecasts) {
            if f.summary.is_none() && f.dropped == 0 && used > 0 {
                // Every sample weighed nothing for it: a conditional forecast whose condition
                // had probability 0 in each sample (it would be an error at the point).
                w.push(format!(
                    "the forecast `{}` has no sampled value: its condition had probability 0 in all {used} samples",
                    def.name
                ));
            } else if f.dropped > 0 {
                w.push(format!(
                    "the forecast `{}` was undefined in {} of {} samples ({:.2}%), left out of its summary",
                    def.name,
                    f.dropped,
                    used,
                    share(f.dropped, used)
                ));
            }
        }
        let low = |ess: f64| ess < 100.0 || ess < 0.01 * self.requested as f64;
        if let Some(ess) = self.evidence_ess.filter(|&e| low(e)) {
            w.push(format!(
                "the evidence leaves an effective sample size of {ess:.0} of {} samples: sampled figures are imprecise; draw more samples",
                self.requested
            ));
        }
        for (f, def) in self.forecasts.iter().zip(&ev.model().forecasts) {
            if let Some(ess) = f.summary.and_then(|s| s.ess).filter(|&e| low(e))
                && self.evidence_ess.is_none_or(|e| !low(e) || e > ess * 1.5)
            {
                w.push(format!(
                    "the forecast `{}` rests on an effective sample size of {ess:.0}: its sampled figures are imprecise",
                    def.name
                ));
            }
        }
        w
    }
}

/// The bytes a Monte Carlo run of this evaluation keeps per sample: each kept sample's
/// forecasts, condition weights, metric outcomes, decision choices and evidence weight, plus
/// the columns being summarised at once (a weighted one holds value and weight), plus the
/// rows when they are kept. What a run needs beyond that does not grow with the samples.
pub fn bytes_per_sample(ev: &Evaluation, keep_rows: bool) -> u64 {
    let model = ev.model();
    let plan = Plan::new(model, ev.shape());
    let f = model.forecasts.len() as u64;
    let conditional = (0..model.forecasts.len())
        .filter(|&i| plan.is_conditional(i))
        .count() as u64;
    let (k, d) = (model.metrics.len() as u64, ev.decisions().len() as u64);
    let evidence = u64::from(!model.observe.is_empty());
    let kept = 8 * (f + conditional + k + evidence) + 4 * d;
    let summarising = 2 * 16;
    let rows = if keep_rows {
        let options: u64 = ev.decisions().iter().map(|d| d.options.len() as u64).sum();
        8 * (1 + model.lets.len() as u64 + 2 * f + options + d)
    } else {
        0
    };
    kept + summarising + rows
}

/// Runs `work` on `pool` (the `--threads` pool) or, without one, on rayon's global pool.
fn in_pool<R: Send>(pool: Option<&rayon::ThreadPool>, work: impl FnOnce() -> R + Send) -> R {
    match pool {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// One block's kept samples (those of weight above 0), column by column: each figure's
/// values are written straight into the block's share of the run's column for that figure,
/// so that summaries read the run's columns where they lie, with no copy, and a sample
/// costs no pushes.
#[derive(Default)]
struct Block<'c> {
    /// Samples written.
    used: usize,
    /// Room per column.
    cap: usize,
    /// The block's share of each column, `cap` values each: forecasts, then the conditional
    /// forecasts' condition weights, then metric outcomes, then (under evidence) the
    /// evidence weight.
    cols: Vec<&'c mut [f64]>,
    /// Which columns the block wrote a NaN into (an undefined figure), by column.
    nan: Vec<bool>,
    /// Each decision's best option, `cap` per decision.
    best: Vec<u32>,
    rows: Rows,
    kept: u64,
    adjusted: u64,
    dropped: u64,
    impossible: u64,
}

impl Block<'_> {
    /// The block once written: what it counted, without its share of the columns.
    fn done(self) -> Block<'static> {
        Block {
            used: self.used,
            cap: self.cap,
            cols: Vec::new(),
            nan: self.nan,
            best: self.best,
            rows: self.rows,
            kept: self.kept,
            adjusted: self.adjusted,
            dropped: self.dropped,
            impossible: self.impossible,
        }
    }

    /// Writes a kept sample's figures as the next value of every column, whichever way it
    /// was computed: each forecast, each conditional forecast's weight, the evidence's
    /// weight, each decision's best option and each metric's outcome.
    fn record(
        &mut self,
        at: &Layout<'_>,
        forecast: impl Fn(usize) -> f64,
        weight: impl Fn(usize) -> f64,
        evidence: f64,
        best: impl Fn(usize) -> u32,
        outcome: impl Fn(usize) -> f64,
    ) {
        let (i, cap) = (self.used, self.cap);
        for c in 0..at.forecasts {
            let v = forecast(c);
            self.cols[c][i] = v;
            self.nan[c] |= v.is_nan();
        }
        for (j, &c) in at.conditional.iter().enumerate() {
            self.cols[at.weights + j][i] = weight(c);
        }
        if let Some(c) = at.evidence {
            self.cols[c][i] = evidence;
        }
        for j in 0..at.decisions {
            self.best[j * cap + i] = best(j);
        }
        for m in 0..at.metrics {
            let v = outcome(m);
            self.cols[at.outcomes + m][i] = v;
            self.nan[at.outcomes + m] |= v.is_nan();
        }
        self.used += 1;
    }

    /// Writes the first `n` samples of a batch, as `record` would one after another: each
    /// column is copied as a slice, where `record` wrote one value into every column per
    /// sample. `picks` holds each sample's drawn leaf when there are metrics.
    fn record_batch(&mut self, at: &Layout<'_>, batch: &Batch<'_, '_>, n: usize, picks: &[u32]) {
        debug_assert!(
            at.metrics == 0 || picks.len() == n,
            "a leaf for every sample"
        );
        let (i, cap) = (self.used, self.cap);
        let mut column = |c: usize, values: &[f64]| {
            self.cols[c][i..i + n].copy_from_slice(values);
            self.nan[c] |= any_nan(values);
        };
        for c in 0..at.forecasts {
            column(c, batch.forecast_column(c, n));
        }
        for (j, &c) in at.conditional.iter().enumerate() {
            column(at.weights + j, batch.weight_column(c, n));
        }
        if let Some(c) = at.evidence {
            column(c, batch.evidence_column(n));
        }
        for j in 0..at.decisions {
            self.best[j * cap + i..j * cap + i + n].copy_from_slice(batch.best_column(j, n));
        }
        for m in 0..at.metrics {
            let col = &mut self.cols[at.outcomes + m][i..i + n];
            for (j, (v, &o)) in col.iter_mut().zip(picks).enumerate() {
                *v = batch.outcome(o as usize, m, j);
            }
            self.nan[at.outcomes + m] |= any_nan(col);
        }
        self.used += n;
    }
}

/// Where a block's columns are: the forecasts first, then the conditional forecasts'
/// weights, then the metrics' outcomes, then (under evidence) the evidence's weight.
struct Layout<'a> {
    forecasts: usize,
    /// The conditional forecasts, whose weights have columns of their own.
    conditional: &'a [usize],
    weights: usize,
    metrics: usize,
    outcomes: usize,
    evidence: Option<usize>,
    decisions: usize,
}

/// Which ways of running a sample may be used. Every fast path gives the general walk's
/// numbers bit for bit; the tests hold them to it by sampling both ways.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Engine {
    /// The fastest path each model allows.
    Fast,
    /// One sample at a time, on the primed walk where the model allows it.
    #[cfg(test)]
    OneByOne,
    /// The general walk only.
    General,
}

/// True when this evaluation's samples run in batches (for tests that check the batches are
/// reached).
#[cfg(test)]
pub(crate) fn batched(ev: &Evaluation) -> bool {
    Batch::new(&Plan::new(ev.model(), ev.shape())).is_some()
}

/// Samples an evaluated model. `Err` when the evidence has probability 0 in every sample.
pub fn sample(ev: &Evaluation, opts: &SampleOptions<'_>) -> Result<Samples, Vec<Diagnostic>> {
    sample_on(ev, opts, Engine::Fast)
}

/// [`sample`] on the given engine.
pub(crate) fn sample_on(
    ev: &Evaluation,
    opts: &SampleOptions<'_>,
    engine: Engine,
) -> Result<Samples, Vec<Diagnostic>> {
    let model = ev.model();
    let mut plan = Plan::new(model, ev.shape());
    if engine != Engine::General {
        plan.walk_primed_where_possible();
    }
    let (f, k, d) = (
        model.forecasts.len(),
        model.metrics.len(),
        ev.decisions().len(),
    );
    let evidence = ev.shape().evidence.is_some();
    let conditional: Vec<usize> = (0..f).filter(|&i| plan.is_conditional(i)).collect();
    let nc = conditional.len();
    // Column numbers in a block.
    let (cond_col, outcome_col, weight_col) = (f, f + nc, f + nc + k);
    let layout = Layout {
        forecasts: f,
        conditional: &conditional,
        weights: cond_col,
        metrics: k,
        outcomes: outcome_col,
        evidence: evidence.then_some(weight_col),
        decisions: d,
    };
    let ncols = weight_col + usize::from(evidence);
    let choices: Vec<NodeId> = ev.decisions().iter().map(|d| d.choice).collect();
    // The point evaluation has checked every constant distribution already.
    let mut strips = draw::strips_for(model.const_dists.iter().map(|d| (d.kind, &d.args[..])));
    let samplers: Vec<Sampler> = model
        .const_dists
        .iter()
        .map(|d| {
            Sampler::prepared(d.kind, &d.args, &mut strips).unwrap_or(Sampler::Const(f64::NAN))
        })
        .collect();
    // When the queries keep every metric at every leaf, a drawn leaf's outcomes are read
    // from there (each metric's place among the kept ones) instead of walking its path.
    let kept = &plan.shape.kept;
    let kept_slots = (kept.metrics.len() == k).then_some(&kept.slot[..]);
    let blocks = opts.samples.div_ceil(BLOCK);
    let chances_above = chances_above(&plan);
    // One sample, one at a time, on the general walk or its primed fast path.
    let one = |out: &mut Block,
               s: &mut Scratch,
               rng: &mut draw::SampleRng,
               outcome: &mut [f64],
               seen: &mut [bool]| {
        let inputs = &mut Draws {
            samplers: &samplers,
            rng,
        };
        if plan
            .run(inputs, &mut Lenient, Choose::Fixed(&choices), s)
            .is_err()
        {
            out.dropped += 1;
            return;
        }
        out.kept += 1;
        out.adjusted += u64::from(s.adjusted);
        if opts.keep_rows {
            keep_row(&plan, &chances_above, s, &mut out.rows);
        }
        if s.evidence <= 0.0 {
            // Nothing given evidence that could not happen: it weighs nothing.
            out.impossible += 1;
            if opts.keep_rows {
                out.rows.forecasts.extend(std::iter::repeat_n(f64::NAN, f));
                out.rows
                    .forecast_weights
                    .extend(std::iter::repeat_n(0.0, f));
            }
            return;
        }
        plan.forecasts(inputs, s, false, |_, _| f64::NAN);
        if opts.keep_rows {
            out.rows.forecasts.extend_from_slice(&s.forecasts);
            out.rows.forecast_weights.extend_from_slice(&s.weights);
        }
        if k > 0 {
            let pick = draw_leaf(&plan, s, inputs.rng.random::<f64>());
            if let Some(slots) = kept_slots {
                // Every metric's value at every leaf is at hand already.
                let row = &s.leaf_metrics[pick * k..(pick + 1) * k];
                for (v, &slot) in outcome.iter_mut().zip(slots) {
                    *v = row[slot as usize];
                }
            } else {
                let leaf = plan.shape.sets.leaves[pick];
                plan.metrics_at(leaf, &s.init, &s.effect_values, seen, outcome);
            }
        }
        out.record(
            &layout,
            |c| s.forecasts[c],
            |c| s.weights[c],
            s.evidence,
            |j| s.best[j],
            |m| outcome[m],
        );
    };
    // The first `n` samples of a batch, which the general walk would have run the same way;
    // `u[j]` is sample `j`'s uniform for its leaf.
    let from_batch =
        |out: &mut Block, batch: &Batch<'_, '_>, n: usize, u: &[f64], picks: &mut LeafPicks| {
            out.kept += n as u64;
            out.adjusted += (0..n).filter(|&j| batch.adjusted(j)).count() as u64;
            if opts.keep_rows {
                for j in 0..n {
                    // As `keep_row` and the forecasts' rows.
                    let rows = &mut out.rows;
                    rows.weight.push(batch.evidence(j).max(0.0));
                    rows.lets
                        .extend((0..model.lets.len()).map(|l| batch.let_value(l, j)));
                    for (&dn, above) in plan.decision_nodes().iter().zip(&chances_above) {
                        let options = &model.children(dn);
                        rows.option_values
                            .extend(options.iter().map(|&o| batch.node_value(o as usize, j)));
                        rows.reach.push(
                            above
                                .iter()
                                .map(|&a| batch.node_cond(a as usize, j))
                                .product(),
                        );
                    }
                    rows.forecasts.extend((0..f).map(|c| batch.forecast(c, j)));
                    rows.forecast_weights
                        .extend((0..f).map(|c| batch.weight(c, j)));
                }
            }
            // The leaf is picked only when there are metrics, as the general walk draws its
            // uniform only then.
            picks.picks.clear();
            if k > 0 {
                batch.pick_leaves(n, u, picks);
            }
            out.record_batch(&layout, batch, n, &picks.picks);
        };
    // Batches' buffers are made as blocks run at once (one per worker at most: rayon's
    // `map_init` would make one per split of the work) and serve block after block. The
    // first says whether the plan batches at all, so a plan that does not is asked once.
    let first = match engine {
        Engine::Fast => Batch::new(&plan),
        _ => None,
    };
    let batches = first.is_some();
    // The batches' draws in runs of one kind: the same for every batch of the plan.
    let drawing: Vec<DrawRun<'_>> = first.as_ref().map_or_else(Vec::new, |b| {
        DrawRun::runs(b.order().iter().map(|&d| &samplers[d as usize]))
    });
    let spare: Mutex<Vec<Batch<'_, '_>>> = Mutex::new(first.into_iter().collect());
    let run_block_with = |batch: &mut Option<Batch<'_, '_>>, b: u64, cols| {
        let count = BLOCK.min(opts.samples - b * BLOCK) as usize;
        let mut rng = draw::block_rng(opts.seed, b);
        let mut s = plan.scratch();
        let (mut outcome, mut seen) = (vec![0.0; k], vec![false; k]);
        let mut out = Block {
            cap: count,
            nan: vec![false; ncols],
            cols,
            best: vec![0; d * count],
            ..Block::default()
        };
        if opts.keep_rows {
            // At most one row a sample: no growth past it.
            let options: usize = ev.decisions().iter().map(|d| d.options.len()).sum();
            out.rows = Rows {
                weight: Vec::with_capacity(count),
                lets: Vec::with_capacity(count * model.lets.len()),
                forecasts: Vec::with_capacity(count * f),
                forecast_weights: Vec::with_capacity(count * f),
                option_values: Vec::with_capacity(count * options),
                reach: Vec::with_capacity(count * d),
            };
        }
        let mut batch_primed = false;
        // The generator before each sample of a batch, and each sample's leaf draw.
        let (mut before, mut uniform, mut picks) = (Vec::new(), Vec::new(), LeafPicks::default());
        let mut done = 0;
        while done < count {
            // A batch needs what a first, primed sample leaves in place.
            let Some(batch) = batch.as_mut().filter(|_| s.primed()) else {
                one(&mut out, &mut s, &mut rng, &mut outcome, &mut seen);
                done += 1;
                continue;
            };
            if !batch_primed {
                batch.prime(&s);
                batch_primed = true;
            }
            let (n, w) = (batch.width().min(count - done), batch.width());
            before.clear();
            uniform.clear();
            let (order, drawn, bad) = batch.draws();
            let uniform_too = (k > 0).then_some(&mut uniform);
            draw_batch(&drawing, &mut rng, drawn, w, n, &mut before, uniform_too);
            // Then, a column at a time: the log-normals' `exp`, and a draw that is not finite
            // marks its sample, which the general walk will draw again. (Checked per draw,
            // the test took registers the sampling loop needed.)
            let bad = &mut bad[..n];
            bad.fill(0);
            for (column, &d) in drawn.chunks_exact_mut(w).zip(order) {
                let column = &mut column[..n];
                if samplers[d as usize].exp_deferred() {
                    exp_in_place(column);
                }
                for (v, bad) in column.iter().zip(bad.iter_mut()) {
                    *bad |= u64::from(!v.is_finite());
                }
            }
            let good = batch.run(n);
            from_batch(&mut out, batch, good, &uniform, &mut picks);
            done += good;
            if good < n {
                // The general walk stops this sample early: run it so, and go on from there.
                rng = before[good].clone();
                one(&mut out, &mut s, &mut rng, &mut outcome, &mut seen);
                done += 1;
            }
        }
        if let Some(p) = opts.progress {
            p.fetch_add(count as u64, Ordering::Relaxed);
        }
        out
    };
    let run_block = |(b, cols)| {
        let b = b as u64;
        let mut taken = spare.lock().ok().and_then(|mut s| s.pop());
        if taken.is_none() && batches {
            taken = Batch::new(&plan);
        }
        let block = run_block_with(&mut taken, b, cols);
        if let (Some(batch), Ok(mut spare)) = (taken, spare.lock()) {
            spare.push(batch);
        }
        block
    };
    // The pool this runs in (rayon's global one, or the caller's) serves when it has the
    // threads asked for: new threads, each with fresh allocator pages to touch, cost about
    // a millisecond, a tenth of the sampling of 100,000 samples of a small tree.
    let pool = opts
        .threads
        .filter(|&t| t.max(1) != rayon::current_num_threads())
        .and_then(|t| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(t.max(1))
                .build()
                .ok()
        });
    // The run's columns, one after another, `n` values each; every block writes its share.
    let n = opts.samples as usize;
    let mut store = zeroed_store(ncols * n);
    let mut shares: Vec<Vec<&mut [f64]>> = (0..blocks).map(|_| Vec::with_capacity(ncols)).collect();
    for col in columns(&mut store, n, ncols) {
        for (share, part) in shares.iter_mut().zip(col.chunks_mut(BLOCK as usize)) {
            share.push(part);
        }
    }
    let results: Vec<Block> = in_pool(pool.as_ref(), || {
        shares.into_par_iter().enumerate().map(run_block).collect()
    });

    // The blocks' borrows of the columns end here; what they counted stays.
    let mut results: Vec<Block<'static>> = results.into_iter().map(Block::done).collect();
    let kept: u64 = results.iter().map(|b| b.kept).sum();
    let impossible: u64 = results.iter().map(|b| b.impossible).sum();
    // A block that dropped samples left room unused at the end of its share: close the gaps,
    // keeping block order, so that each column's values lie together in sample order (the
    // sums below see the same values in the same order whatever thread ran which block).
    let length: usize = results.iter().map(|b| b.used).sum();
    if length < n {
        for col in columns(&mut store, n, ncols) {
            let mut to = 0;
            for (b, block) in results.iter().enumerate() {
                let from = b * BLOCK as usize;
                col.copy_within(from..from + block.used, to);
                to += block.used;
            }
        }
    }
    // Each figure's own column is summarised in place (reordered); the weight columns are
    // only read.
    let mut values: Vec<Option<&mut [f64]>> = (0..f + k).map(|_| None).collect();
    let mut weight_cols: Vec<&[f64]> = vec![&[]; ncols];
    for (c, col) in columns(&mut store, n, ncols).enumerate() {
        let col = &mut col[..length];
        if c < f {
            values[c] = Some(col);
        } else if (outcome_col..outcome_col + k).contains(&c) {
            values[f + c - outcome_col] = Some(col);
        } else {
            weight_cols[c] = col;
        }
    }
    let weights: Option<&[f64]> = evidence.then(|| weight_cols[weight_col]);
    if evidence && kept > 0 && kept == impossible {
        let e = &model.events[model.observe[0] as usize];
        return Err(vec![Diagnostic::error(
            e.file,
            e.span,
            "the evidence has probability 0 in every sample: no draw of the inputs is consistent with it",
        )
        .with_code(Code::ImpossibleCondition)]);
    }
    // A figure's weights: the evidence's, its condition's, both, or none.
    let weights_of = |c: usize| {
        let cond = (c < f)
            .then(|| conditional.iter().position(|&i| i == c))
            .flatten()
            .map(|j| weight_cols[cond_col + j]);
        (weights, cond)
    };
    let weighted = |(c, values): (usize, &mut [f64])| -> (usize, Figure) {
        let figure = match weights_of(c) {
            (None, None) => unreachable!("an unweighted figure is summarised with the others"),
            (Some(w), None) => {
                figure_weighted(values.iter().copied().zip(w.iter().copied()), length)
            }
            (None, Some(cw)) => {
                figure_weighted(values.iter().copied().zip(cw.iter().copied()), length)
            }
            (Some(w), Some(cw)) => {
                let w = w.iter().zip(cw).map(|(a, b)| a * b);
                figure_weighted(values.iter().copied().zip(w), length)
            }
        };
        (c, figure)
    };
    let (plain, heavy): (Vec<_>, Vec<_>) = values
        .into_iter()
        .map(|v| v.expect("every figure has its column"))
        .enumerate()
        .partition(|&(c, _)| matches!(weights_of(c), (None, None)));
    // The column of each unweighted figure, and whether a block wrote a NaN into it.
    let nan_in = |c: usize| {
        let col = if c < f { c } else { outcome_col + c - f };
        results.iter().any(|b| b.nan[col])
    };
    let plain: Vec<(usize, &mut [f64], bool)> =
        plain.into_iter().map(|(c, v)| (c, v, nan_in(c))).collect();
    // The weighted figures each on their own; the unweighted ones together, whose sums run
    // side by side (`Summary::of_each`).
    let (plain, heavy) = in_pool(pool.as_ref(), || {
        rayon::join(
            || figures_plain(plain),
            || heavy.into_par_iter().map(weighted).collect::<Vec<_>>(),
        )
    });
    let mut figures = vec![None; f + k];
    for (c, figure) in plain.into_iter().chain(heavy) {
        figures[c] = Some(figure);
    }
    let mut figures: Vec<Figure> = figures
        .into_iter()
        .map(|f| f.expect("every column is summarised"))
        .collect();
    let metrics = figures.split_off(f);
    let optimal_share = (0..d)
        .map(|j| {
            let mut mass = vec![0.0; ev.decisions()[j].options.len()];
            let mut total = 0.0;
            let mut s = 0;
            for b in &results {
                for &best in &b.best[j * b.cap..j * b.cap + b.used] {
                    let w = weights.map_or(1.0, |w| w[s]);
                    mass[best as usize] += w;
                    total += w;
                    s += 1;
                }
            }
            mass.iter()
                .map(|&m| if total > 0.0 { m / total } else { 0.0 })
                .collect()
        })
        .collect();
    let evidence_ess = weights.map(|w| {
        let (mut sw, mut sw2) = (0.0, 0.0);
        for &x in w {
            sw += x;
            sw2 += x * x;
        }
        if sw2 > 0.0 { sw * sw / sw2 } else { 0.0 }
    });
    // The blocks' rows are joined into vectors of their final size, each block's freed as
    // soon as it is copied: growing the vectors as they filled, with every block's rows
    // still alive, held about three times the rows at the peak.
    let rows = opts.keep_rows.then(|| {
        let total = |len: fn(&Rows) -> usize| results.iter().map(|b| len(&b.rows)).sum();
        let mut all = Rows {
            weight: Vec::with_capacity(total(|r| r.weight.len())),
            lets: Vec::with_capacity(total(|r| r.lets.len())),
            forecasts: Vec::with_capacity(total(|r| r.forecasts.len())),
            forecast_weights: Vec::with_capacity(total(|r| r.forecast_weights.len())),
            option_values: Vec::with_capacity(total(|r| r.option_values.len())),
            reach: Vec::with_capacity(total(|r| r.reach.len())),
        };
        for b in &mut results {
            let r = std::mem::take(&mut b.rows);
            all.weight.extend_from_slice(&r.weight);
            all.lets.extend_from_slice(&r.lets);
            all.forecasts.extend_from_slice(&r.forecasts);
            all.forecast_weights.extend_from_slice(&r.forecast_weights);
            all.option_values.extend_from_slice(&r.option_values);
            all.reach.extend_from_slice(&r.reach);
        }
        all
    });
    Ok(Samples {
        requested: opts.samples,
        kept,
        dropped: results.iter().map(|b| b.dropped).sum(),
        impossible_evidence: impossible,
        adjusted: results.iter().map(|b| b.adjusted).sum(),
        evidence_ess,
        forecasts: figures,
        metrics,
        optimal_share,
        rows,
    })
}

/// Draws `n` samples into the batch's columns (`w` long each): each sample's runs in order
/// then, when `uniform` is given, its uniform for the leaf; `before` gets the generator as
/// each sample starts. Out of line, with the generator a local of its own: inlined into the
/// sampling loop, among that loop's many live values, the generator was kept on the stack.
#[inline(never)]
fn draw_batch(
    drawing: &[DrawRun<'_>],
    rng: &mut draw::SampleRng,
    drawn: &mut [f64],
    w: usize,
    n: usize,
    before: &mut Vec<draw::SampleRng>,
    mut uniform: Option<&mut Vec<f64>>,
) {
    let mut r = rng.clone();
    for j in 0..n {
        before.push(r.clone());
        let mut columns = drawn.chunks_exact_mut(w);
        for run in drawing {
            run.draw(&mut columns, j, &mut r);
        }
        if let Some(u) = uniform.as_deref_mut() {
            u.push(r.random::<f64>());
        }
    }
    *rng = r;
}

/// The run's `count` columns in `store`, `n` values each (empty ones when there are no
/// samples: every figure still has its column).
fn columns(store: &mut [f64], n: usize, count: usize) -> impl Iterator<Item = &mut [f64]> {
    let mut rest = store;
    (0..count).map(move |_| {
        let (col, after) = std::mem::take(&mut rest).split_at_mut(n);
        rest = after;
        col
    })
}

/// The unweighted figures of numbered columns, with their numbers. NaN marks a sample in
/// which a figure was undefined: the defined values of a column that holds one (the `bool`
/// says so) are moved to the front, in order, and summarised there.
fn figures_plain(columns: Vec<(usize, &mut [f64], bool)>) -> Vec<(usize, Figure)> {
    let mut defined: Vec<(usize, &mut [f64], u64)> = columns
        .into_par_iter()
        .map(|(c, values, nan)| {
            let kept = if nan {
                keep_defined(values)
            } else {
                values.len()
            };
            let dropped = (values.len() - kept) as u64;
            (c, &mut values[..kept], dropped)
        })
        .collect();
    let mut slices: Vec<&mut [f64]> = defined.iter_mut().map(|(_, v, _)| &mut **v).collect();
    let summaries = Summary::of_each(&mut slices);
    defined
        .into_iter()
        .zip(summaries)
        .map(|((c, _, dropped), summary)| (c, Figure { summary, dropped }))
        .collect()
}

/// True when a value is NaN. Without an early exit, so that it runs on vector lanes: the
/// blocks ask it of every column they write.
fn any_nan(values: &[f64]) -> bool {
    values.iter().fold(false, |nan, v| nan | v.is_nan())
}

/// Moves the values that are not NaN to the front, in order; returns their count.
fn keep_defined(values: &mut [f64]) -> usize {
    // Most columns have no undefined value: nothing moves before the first.
    let first = values
        .iter()
        .position(|v| v.is_nan())
        .unwrap_or(values.len());
    let mut defined = first;
    for i in first..values.len() {
        let v = values[i];
        if !v.is_nan() {
            values[defined] = v;
            defined += 1;
        }
    }
    defined
}

/// A weighted figure: pairs of value and weight; an undefined value of weight above 0 is a
/// drop, one of weight 0 counts for nothing either way.
fn figure_weighted(pairs: impl Iterator<Item = (f64, f64)>, room: usize) -> Figure {
    let mut dropped = 0;
    let mut v: Vec<(f64, f64)> = Vec::with_capacity(room);
    v.extend(pairs.filter(|&(x, w)| {
        if x.is_nan() && w > 0.0 {
            dropped += 1;
        }
        !x.is_nan() && w > 0.0
    }));
    Figure {
        dropped,
        summary: Summary::weighted(&mut v),
    }
}

/// One leaf drawn with this sample's probabilities (given the evidence), from a uniform `u`.
fn draw_leaf(plan: &Plan<'_>, s: &Scratch, u: f64) -> usize {
    if plan.shape.evidence.is_some() {
        pick_leaf(s.leaf_post.len(), |o| s.leaf_post[o], 1.0, u)
    } else {
        // Without evidence the leaves sum to 1 up to rounding: scale by their actual sum.
        pick_leaf(s.leaf_prior.len(), |o| s.leaf_prior[o], s.leaf_total, u)
    }
}

/// The leaf `u` (uniform on [0, 1)) falls in when `leaves` leaves of probabilities `prob`
/// summing to `total` are laid end to end.
fn pick_leaf(leaves: usize, prob: impl Fn(usize) -> f64, total: f64, u: f64) -> usize {
    let u = u * total;
    let mut acc = 0.0;
    for o in 0..leaves {
        let p = prob(o);
        acc += p;
        if u < acc && p > 0.0 {
            return o;
        }
    }
    // Rounding can leave u just above the last sum: the last possible leaf.
    (0..leaves).rev().find(|&o| prob(o) > 0.0).unwrap_or(0)
}

/// Appends a sample's weight, lets and option values to the rows.
/// For each decision, the chance branches on its path from the root: the probability of
/// reaching it is their product, the options on the way taken as chosen (a decision below
/// an option not chosen is still analysed as if it were).
fn chances_above(plan: &Plan<'_>) -> Vec<Vec<NodeId>> {
    let nodes = &plan.model.nodes;
    plan.decision_nodes()
        .iter()
        .map(|&dn| {
            let mut above = Vec::new();
            let mut n = dn;
            while n != 0 {
                if nodes[n as usize].kind == NodeKind::Branch {
                    above.push(n);
                }
                n = nodes[n as usize].parent;
            }
            above
        })
        .collect()
}

fn keep_row(plan: &Plan<'_>, chances_above: &[Vec<NodeId>], s: &Scratch, rows: &mut Rows) {
    rows.weight.push(s.evidence.max(0.0));
    rows.lets.extend_from_slice(&s.lets);
    for (&dn, above) in plan.decision_nodes().iter().zip(chances_above) {
        for &o in plan.model.children(dn) {
            rows.option_values.push(s.value[o as usize]);
        }
        rows.reach
            .push(above.iter().map(|&a| s.cond[a as usize]).product());
    }
}
