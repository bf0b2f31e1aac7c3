//! Samples a batch at a time: each step of the tree runs over a column of samples.
//!
//! Running the tree one sample at a time pays the walk's bookkeeping — which slot is which
//! kind, which node comes next, where its effects are — once per node per sample, and on small
//! trees that costs more than the arithmetic. Here each step is decided once per batch and
//! then applied to every sample of the batch in a plain loop over a column: lets, written
//! chances (clamped), sibling sets (completed, renormalised), path probabilities, effects,
//! leaves, evidence and forecasts.
//!
//! The numbers are the general walk's, bit for bit: every sample goes through the same
//! operations in the same order, only interleaved with the other samples of its batch. The
//! one thing a batch cannot do the same way is stop early: a sample the general walk would
//! drop (a value not finite, a sibling set of total 0) or count as impossible under the
//! evidence stops drawing at that point, and the samples after it start from there. So the
//! caller draws a batch's numbers in the general walk's order, sample after sample, keeping
//! the generator as it was before each sample; when a sample of the batch turns out to be
//! one of those, the batch is good up to it, and the caller runs the rest one by one from
//! the generator it kept. Such samples are rare in a well-formed tree.
//!
//! Only plans whose every sampled slot is a number, a let, a constant distribution or a
//! chain of arithmetic, with no decisions, no effect reading a metric, and forecasts that
//! are one query, a let or a number, are batched; the rest run one sample at a time
//! (`Batch::new` says which).

use super::primed::sources;
use super::probs::SUM_TOLERANCE;
use super::{ForecastKind, Plan, Scratch, Slot, Val, apply};
use crate::program::{self, Instr};

/// A batch's columns need at most about this many values in all, so that they stay in the
/// cache; the batch is as wide as that allows, up to [`MAX_WIDTH`].
const CACHE_VALUES: usize = 1 << 17;
/// The widest batch: beyond this the per-batch costs are spread thin already.
const MAX_WIDTH: usize = 256;
/// Below this width a batch saves too little over one sample at a time.
const MIN_WIDTH: usize = 8;

/// A batch's plan and its columns, `width` values each (`column * width + sample`).
pub(crate) struct Batch<'p, 'm> {
    plan: &'p Plan<'m>,
    width: usize,
    /// The constant distributions a sample draws, in the order the general walk draws them.
    order: Vec<u32>,
    /// Those draws, one column per entry of `order`.
    drawn: Vec<f64>,
    lets: Vec<f64>,
    init: Vec<f64>,
    cond: Vec<f64>,
    path: Vec<f64>,
    effects: Vec<f64>,
    leaf_prior: Vec<f64>,
    leaf_post: Vec<f64>,
    leaf_metrics: Vec<f64>,
    total: Vec<f64>,
    evidence: Vec<f64>,
    forecasts: Vec<f64>,
    weights: Vec<f64>,
    adjusted: Vec<bool>,
    bad: Vec<bool>,
    tmp: Vec<f64>,
    tmp2: Vec<f64>,
    /// Where each metric's value at each leaf is (see [`read`]), every metric a leaf.
    outcome_at: Vec<u32>,
}

/// True when a slot can run over a column: everything but the interpreter's programs.
fn columnar(slot: &Slot<'_>) -> bool {
    !matches!(slot.val, Val::Prog | Val::Metric(_))
}

impl<'p, 'm> Batch<'p, 'm> {
    /// A batch for `plan`, or `None` when its samples must run one at a time.
    pub(crate) fn new(plan: &'p Plan<'m>) -> Option<Batch<'p, 'm>> {
        let walk = plan.primed_walk.as_ref()?;
        let model = plan.model;
        let slots = plan.lets.iter().chain(&plan.inits);
        let batchable = plan.decisions.is_empty()
            && slots.clone().all(columnar)
            && plan.probs.iter().all(|(_, s)| columnar(s))
            && plan.effects.iter().all(|e| columnar(&e.slot))
            && plan.forecasts.iter().all(|(kind, slot)| {
                !matches!(kind, ForecastKind::General)
                    || matches!(slot.val, Val::Const(_) | Val::Let(_))
            });
        if !batchable {
            return None;
        }
        let (n, k, f) = (
            model.nodes.len(),
            model.metrics.len(),
            model.forecasts.len(),
        );
        let leaves = plan.shape.sets.leaves.len();
        let nk = plan.shape.kept.metrics.len();
        let slot_draws = |s: &Slot<'_>| match s.val {
            Val::ConstDist(i) => Some(i),
            _ => None,
        };
        let order: Vec<u32> = slots
            .filter_map(slot_draws)
            .chain(plan.probs_varying.iter().filter_map(|(_, s)| slot_draws(s)))
            .chain(plan.effects.iter().filter_map(|e| slot_draws(&e.slot)))
            .collect();
        let evidence = plan.shape.evidence.is_some();
        let per_sample = order.len()
            + plan.lets.len()
            + k
            + 2 * n
            + plan.effects.len()
            + leaves * (1 + usize::from(evidence) + nk)
            + 2 * f
            + 4;
        let width = (CACHE_VALUES / per_sample).min(MAX_WIDTH);
        if width < MIN_WIDTH {
            return None;
        }
        let all: Vec<u32> = (0..k as u32).collect();
        let (_, outcome_at) = sources(plan, k as u32, &all);
        debug_assert_eq!(walk.at_leaf.len(), leaves * nk);
        let col = |count: usize| vec![0.0; count * width];
        Some(Batch {
            plan,
            width,
            drawn: col(order.len()),
            order,
            lets: col(plan.lets.len()),
            init: col(k),
            cond: col(n),
            path: col(n),
            effects: col(plan.effects.len()),
            leaf_prior: col(leaves),
            leaf_post: col(if evidence { leaves } else { 0 }),
            leaf_metrics: col(leaves * nk),
            total: col(1),
            evidence: col(1),
            forecasts: col(f),
            weights: col(f),
            adjusted: vec![false; width],
            bad: vec![false; width],
            tmp: col(1),
            tmp2: col(1),
            outcome_at,
        })
    }

    /// How many samples a batch holds at most.
    pub(crate) fn width(&self) -> usize {
        self.width
    }

    /// The constant distributions each sample draws, in order; the columns to draw them into
    /// (`drawn[d * width + sample]` for the `d`-th); and a flag per sample to set when one of
    /// its draws is not finite, which stops the general walk.
    pub(crate) fn draws(&mut self) -> (&[u32], &mut [f64], &mut [bool]) {
        (&self.order, &mut self.drawn, &mut self.bad)
    }

    /// Takes what never changes between samples from a primed run: the chances of sets of
    /// plain numbers and the path probabilities below only them.
    pub(crate) fn prime(&mut self, s: &Scratch) {
        let w = self.width;
        for (node, (&c, &p)) in s.cond.iter().zip(&s.path).enumerate() {
            self.cond[node * w..(node + 1) * w].fill(c);
            self.path[node * w..(node + 1) * w].fill(p);
        }
    }

    /// Runs the first `n` samples of the batch on their draws (see [`Batch::draws`]). Returns
    /// how many of them, from the first, the general walk would have run the same way: the
    /// first sample it would drop or find impossible under the evidence ends them.
    pub(crate) fn run(&mut self, n: usize) -> usize {
        let plan = self.plan;
        let w = self.width;
        self.adjusted[..n].fill(false);
        let mut d = 0;
        for (i, slot) in plan.lets.iter().enumerate() {
            self.slot(slot, &mut d, n);
            self.lets[i * w..i * w + n].copy_from_slice(&self.tmp[..n]);
        }
        for (i, slot) in plan.inits.iter().enumerate() {
            self.slot(slot, &mut d, n);
            self.init[i * w..i * w + n].copy_from_slice(&self.tmp[..n]);
        }
        for (node, slot) in &plan.probs_varying {
            self.slot(slot, &mut d, n);
            let at = *node as usize * w;
            let cond = &mut self.cond[at..at + n];
            for ((c, &v), adjusted) in cond.iter_mut().zip(&self.tmp[..n]).zip(&mut self.adjusted) {
                *c = v.clamp(0.0, 1.0);
                *adjusted |= *c != v;
            }
        }
        self.complete(n);
        self.paths(n);
        self.effects(&mut d, n);
        self.leaves(n);
        self.condition(n);
        self.forecasts(n);
        self.bad[..n].iter().position(|&b| b).unwrap_or(n)
    }

    /// A slot's values for the batch, into `tmp`; `d` counts the draws taken. A value that
    /// is not finite marks its sample bad, as it stops the general walk (numbers are finite,
    /// lets too in a good sample, and the draws are checked as they are drawn).
    fn slot(&mut self, slot: &Slot<'_>, d: &mut usize, n: usize) {
        let w = self.width;
        let out = &mut self.tmp[..n];
        match slot.val {
            Val::Const(v) => out.fill(v),
            Val::Let(l) => out.copy_from_slice(&self.lets[l as usize * w..l as usize * w + n]),
            Val::ConstDist(_) => {
                out.copy_from_slice(&self.drawn[*d * w..*d * w + n]);
                *d += 1;
            }
            Val::Chain => {
                // The checked chain's arithmetic, one operation at a time over the column:
                // any step that is not finite fails the sample, as it fails the chain.
                let code = &slot.prog.code;
                match code[0] {
                    Instr::Const(v) => out.fill(v),
                    Instr::Let(l) => {
                        out.copy_from_slice(&self.lets[l as usize * w..l as usize * w + n]);
                    }
                    _ => unreachable!("a chain starts with a number or a let"),
                }
                for instr in &code[1..] {
                    match *instr {
                        Instr::BinLet(op, l) => {
                            let b = &self.lets[l as usize * w..l as usize * w + n];
                            for (j, (a, &b)) in out.iter_mut().zip(b).enumerate() {
                                *a = program::binary(op, *a, b).unwrap_or(f64::NAN);
                                self.bad[j] |= !a.is_finite();
                            }
                        }
                        Instr::BinConst(op, c) => {
                            for (j, a) in out.iter_mut().enumerate() {
                                *a = program::binary(op, *a, c).unwrap_or(f64::NAN);
                                self.bad[j] |= !a.is_finite();
                            }
                        }
                        _ => unreachable!("a chain holds only fused arithmetic"),
                    }
                }
            }
            Val::Metric(_) | Val::Prog => unreachable!("such plans are not batched"),
        }
    }

    /// Each sibling set whose chances vary: `rest`, then the sum, renormalised if it misses 1
    /// (a total of 0 fails the sample), as [`Plan::complete`] does for one sample.
    fn complete(&mut self, n: usize) {
        let (plan, w) = (self.plan, self.width);
        for &gi in &plan.groups_varying {
            let g = &plan.groups[gi as usize];
            let kids = &plan.kids[g.start as usize..g.end as usize];
            for j in 0..n {
                let cond = &mut self.cond;
                let mut sum = 0.0;
                for &c in kids {
                    sum += cond[c as usize * w + j];
                }
                if let Some(r) = g.rest {
                    cond[r as usize * w + j] = (1.0 - sum).max(0.0);
                }
                let off = match g.rest {
                    Some(_) => sum > 1.0 + SUM_TOLERANCE,
                    None => (sum - 1.0).abs() > SUM_TOLERANCE,
                };
                if !off {
                    continue;
                }
                let total = sum + g.rest.map_or(0.0, |r| cond[r as usize * w + j]);
                if total <= 0.0 {
                    self.bad[j] = true;
                    continue;
                }
                self.adjusted[j] = true;
                for &c in kids.iter().chain(&g.rest) {
                    cond[c as usize * w + j] /= total;
                }
            }
        }
    }

    /// Path probabilities of the nodes whose chances vary: the parent's times the node's.
    fn paths(&mut self, n: usize) {
        let w = self.width;
        let walk = self
            .plan
            .primed_walk
            .as_ref()
            .expect("batched plans walk primed");
        for &(i, parent) in &walk.paths {
            let (i, parent) = (i as usize * w, parent as usize * w);
            // A parent comes before its child in pre-order.
            let (head, tail) = self.path.split_at_mut(i);
            let (up, cond) = (&head[parent..parent + n], &self.cond[i..i + n]);
            for ((p, &u), &c) in tail[..n].iter_mut().zip(up).zip(cond) {
                *p = u * c;
            }
        }
    }

    /// Every effect in plan order: its value combined with the metric's value before it.
    fn effects(&mut self, d: &mut usize, n: usize) {
        let (plan, w) = (self.plan, self.width);
        let walk = plan
            .primed_walk
            .as_ref()
            .expect("batched plans walk primed");
        let k = plan.model.metrics.len();
        for (e, (eff, &before)) in plan.effects.iter().zip(&walk.before).enumerate() {
            self.slot(&eff.slot, d, n);
            let (done, rest) = self.effects.split_at_mut(e * w);
            let start = before as usize;
            let old: &[f64] = if start < k {
                &self.init[start * w..start * w + n]
            } else {
                &done[(start - k) * w..(start - k) * w + n]
            };
            for j in 0..n {
                let new = apply(eff.op, old[j], self.tmp[j]);
                self.bad[j] |= !new.is_finite();
                rest[j] = new;
            }
        }
    }

    /// The column of effect source `source` (see `primed::read`).
    fn source(&self, source: u32) -> &[f64] {
        column_of(&self.init, &self.effects, self.width, source)
    }

    /// Each leaf's probability, their sum, and the kept metrics at each leaf.
    fn leaves(&mut self, n: usize) {
        let (plan, w) = (self.plan, self.width);
        let walk = plan
            .primed_walk
            .as_ref()
            .expect("batched plans walk primed");
        let nk = plan.shape.kept.metrics.len();
        self.total[..n].fill(0.0);
        for (ord, &leaf) in plan.shape.sets.leaves.iter().enumerate() {
            let from = &self.path[leaf as usize * w..leaf as usize * w + n];
            let prior = &mut self.leaf_prior[ord * w..ord * w + n];
            prior.copy_from_slice(from);
            for (t, &p) in self.total[..n].iter_mut().zip(prior.iter()) {
                *t += p;
            }
            for slot in 0..nk {
                let at = (ord * nk + slot) * w;
                let source = walk.at_leaf[ord * nk + slot];
                let from = column_of(&self.init, &self.effects, w, source);
                self.leaf_metrics[at..at + n].copy_from_slice(&from[..n]);
            }
        }
    }

    /// The probability of the evidence and the leaves given it; evidence of probability 0
    /// ends the batch's good samples, as the general walk draws nothing more for it.
    fn condition(&mut self, n: usize) {
        let w = self.width;
        let Some(inside) = &self.plan.shape.evidence else {
            self.evidence[..n].fill(1.0);
            return;
        };
        for j in 0..n {
            let pe = inside.sum(|o| self.leaf_prior[o * w + j]);
            self.evidence[j] = pe;
            if pe <= 0.0 {
                self.bad[j] = true;
            }
        }
        self.leaf_post.fill(0.0);
        for o in inside.iter() {
            let o = o as usize * w;
            for j in 0..n {
                let pe = self.evidence[j];
                self.leaf_post[o + j] = self.leaf_prior[o + j] / pe;
            }
        }
    }

    /// The forecasts, as [`Plan::forecasts`] computes them: NaN where undefined.
    fn forecasts(&mut self, n: usize) {
        let (plan, w) = (self.plan, self.width);
        let queries = &plan.shape.queries;
        let probs = if plan.shape.evidence.is_some() {
            &self.leaf_post
        } else {
            &self.leaf_prior
        };
        let (num, den) = (&mut self.tmp, &mut self.tmp2);
        for (i, (kind, slot)) in plan.forecasts.iter().enumerate() {
            let (values, weights) = (
                &mut self.forecasts[i * w..i * w + n],
                &mut self.weights[i * w..i * w + n],
            );
            match *kind {
                ForecastKind::Query(q) => {
                    queries.ratio_columns(q, probs, &self.leaf_metrics, w, n, num, den);
                    for (v, &x) in values.iter_mut().zip(&num[..n]) {
                        *v = if x.is_finite() { x } else { f64::NAN };
                    }
                    weights.fill(1.0);
                }
                ForecastKind::Conditional(q) => {
                    queries.ratio_columns(q, probs, &self.leaf_metrics, w, n, num, den);
                    for j in 0..n {
                        let x = if den[j] <= 0.0 {
                            f64::NAN
                        } else {
                            num[j] / den[j]
                        };
                        values[j] = if x.is_finite() { x } else { f64::NAN };
                        weights[j] = den[j].max(0.0);
                    }
                }
                // A number or a let: finite (a let that is not drops its sample).
                ForecastKind::General => {
                    match slot.val {
                        Val::Const(v) => values.fill(v),
                        Val::Let(l) => {
                            values.copy_from_slice(&self.lets[l as usize * w..l as usize * w + n]);
                        }
                        _ => unreachable!("such plans are not batched"),
                    }
                    weights.fill(1.0);
                }
            }
        }
    }

    /// True when sample `j`'s probabilities were clamped or renormalised.
    pub(crate) fn adjusted(&self, j: usize) -> bool {
        self.adjusted[j]
    }

    /// The probability of the evidence in sample `j` (1 without evidence).
    pub(crate) fn evidence(&self, j: usize) -> f64 {
        self.evidence[j]
    }

    /// Forecast `i`'s value in sample `j`, NaN where undefined.
    pub(crate) fn forecast(&self, i: usize, j: usize) -> f64 {
        self.forecasts[i * self.width + j]
    }

    /// Forecast `i`'s weight in sample `j` (the probability of its condition, or 1).
    pub(crate) fn weight(&self, i: usize, j: usize) -> f64 {
        self.weights[i * self.width + j]
    }

    /// Sample `j`'s leaf probabilities (given the evidence, when there is some) and their
    /// total, as a drawn leaf is picked from them.
    pub(crate) fn leaf_probs(&self, j: usize) -> (impl Fn(usize) -> f64 + '_, f64) {
        let w = self.width;
        let (probs, total) = if self.plan.shape.evidence.is_some() {
            (&self.leaf_post, 1.0)
        } else {
            (&self.leaf_prior, self.total[j])
        };
        (move |o: usize| probs[o * w + j], total)
    }

    /// Metric `m`'s value at leaf `ord` in sample `j`.
    pub(crate) fn outcome(&self, ord: usize, m: usize, j: usize) -> f64 {
        let k = self.plan.model.metrics.len();
        self.source(self.outcome_at[ord * k + m])[j]
    }
}

/// The column of an effect source (see `primed::read`): a metric's initial value below the
/// number of metrics (the columns of `init`), else the value after an effect.
fn column_of<'a>(init: &'a [f64], effects: &'a [f64], w: usize, source: u32) -> &'a [f64] {
    let k = init.len() / w;
    let s = source as usize;
    if s < k {
        &init[s * w..(s + 1) * w]
    } else {
        &effects[(s - k) * w..(s - k + 1) * w]
    }
}
