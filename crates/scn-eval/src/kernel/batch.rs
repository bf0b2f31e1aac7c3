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
//! one of those, the batch is good up to it, and the caller runs that sample on its own from
//! the generator it kept, then goes on in batches. Such samples are rare in a well-formed
//! tree.
//!
//! Programs run over columns too: a stack of columns, one instruction at a time for the whole
//! batch, with each sample's failures (a value not finite, a division by zero, a function's
//! domain) flagged as the interpreter would raise them. Decisions are rolled back over
//! columns as well. Plans with a distribution whose parameters are computed (its draw would
//! depend on the sample's numbers, so it cannot be drawn ahead), and plans too big for a
//! batch of useful width, run one sample at a time (`Batch::new` says which).

pub(crate) use super::columns::Flag;
use super::columns::{bin_columns, bin_const, effect_columns, not_finite};
use super::primed::sources_with;
use super::probs::{misses_one, renormalise};
use super::queries::QueryPlan;
use super::{ForecastKind, Plan, Scratch, Slot, Val, best_child};
use crate::program::{Instr, Program};

/// A batch's columns hold at most about this many values (8 MB) per worker; the batch is as
/// wide as that allows, up to [`MAX_WIDTH`]. On the generated 10,000-branch tree a budget
/// of 2^20 values (29 samples a batch) ran in about half the time of one sample at a time;
/// 2^17 left it too narrow to batch.
const MAX_VALUES: usize = 1 << 20;
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
    adjusted: Vec<Flag>,
    /// Each sample's sum of a sibling set's chances other than `rest`.
    group_sum: Vec<f64>,
    bad: Vec<Flag>,
    tmp: Vec<f64>,
    tmp2: Vec<f64>,
    /// Where each metric's value at each leaf is (see `primed::read`), every metric a leaf.
    outcome_at: Vec<u32>,
    /// The nodes whose path probability varies, in pre-order, each with its parent.
    paths: Vec<(u32, u32)>,
    /// For each effect, where its metric's value before it is.
    before: Vec<u32>,
    /// For each effect whose program reads metrics, where every metric is just before it:
    /// `reads[e]` is an offset into `read_table` (`u32::MAX` for the others).
    reads: Vec<u32>,
    read_table: Vec<u32>,
    /// The column interpreter's stack.
    stack: Vec<Vec<f64>>,
    /// Which samples a forecast's program failed for.
    failed: Vec<Flag>,
    /// Each node's rolled-back value of the objective (with decisions and an objective).
    value: Vec<f64>,
    /// Each decision's best option (its index among the options), `width` a decision.
    best: Vec<u32>,
}

/// Each sample's drawn leaf (`picks`, by index among the leaves), with the buffers that
/// [`Batch::pick_leaves`] works in, kept from batch to batch.
#[derive(Default)]
pub(crate) struct LeafPicks {
    pub picks: Vec<u32>,
    target: Vec<f64>,
    acc: Vec<f64>,
    last: Vec<u32>,
}

/// Where a column program reads, `width` values a column.
struct Reads<'a> {
    width: usize,
    lets: &'a [f64],
    drawn: &'a [f64],
    /// The metrics' sources at this program (effects that read metrics only).
    metrics: Option<&'a [u32]>,
    init: &'a [f64],
    effects: &'a [f64],
    forecasts: &'a [f64],
    queries: Option<(&'a QueryPlan, &'a [f64], &'a [f64])>,
}

/// Runs `prog` over the first `n` samples' columns into `out`, as `program::interpret` runs
/// it for one sample: `failed[j]` is set for each sample it fails for. `d` counts the
/// draws taken (its constant distributions, in program order).
fn run_columns(
    prog: &Program,
    r: &Reads<'_>,
    d: &mut usize,
    n: usize,
    stack: &mut Vec<Vec<f64>>,
    failed: &mut [Flag],
    out: &mut [f64],
) {
    let w = r.width;
    let mut sp = 0;
    let push = |stack: &mut Vec<Vec<f64>>, sp: &mut usize| -> usize {
        if stack.len() <= *sp {
            stack.push(vec![0.0; w]);
        }
        *sp += 1;
        *sp - 1
    };
    for instr in &prog.code {
        match *instr {
            Instr::Const(v) => {
                let t = push(stack, &mut sp);
                stack[t][..n].fill(v);
            }
            Instr::Let(i) => {
                let t = push(stack, &mut sp);
                stack[t][..n].copy_from_slice(&r.lets[i as usize * w..i as usize * w + n]);
            }
            Instr::Metric(m) => {
                let sources = r.metrics.expect("only effects read metrics");
                let from = column_of(r.init, r.effects, w, sources[m as usize]);
                let t = push(stack, &mut sp);
                stack[t][..n].copy_from_slice(&from[..n]);
            }
            Instr::Forecast(i) => {
                let t = push(stack, &mut sp);
                stack[t][..n].copy_from_slice(&r.forecasts[i as usize * w..i as usize * w + n]);
            }
            Instr::ConstDist(_) => {
                let t = push(stack, &mut sp);
                stack[t][..n].copy_from_slice(&r.drawn[*d * w..*d * w + n]);
                *d += 1;
            }
            Instr::Query(q) => {
                let (plan, probs, metrics) = r.queries.expect("queries are only in forecasts");
                let t = push(stack, &mut sp);
                let u = push(stack, &mut sp);
                let (lo, hi) = stack.split_at_mut(u);
                plan.ratio_columns(q, probs, metrics, w, n, &mut lo[t], &mut hi[0]);
                let (num, den) = (&mut lo[t][..n], &hi[0][..n]);
                for ((x, &den), f) in num.iter_mut().zip(den).zip(failed.iter_mut()) {
                    // `quotient`: a condition of probability 0 leaves it undefined.
                    if den <= 0.0 {
                        *f = 1;
                    } else {
                        *x /= den;
                    }
                }
                sp -= 1;
            }
            Instr::Neg => {
                for x in &mut stack[sp - 1][..n] {
                    *x = -*x;
                }
                continue;
            }
            Instr::Bin(op) => {
                let (lo, hi) = stack.split_at_mut(sp - 1);
                bin_columns(op, &mut lo[sp - 2][..n], &hi[0][..n], &mut failed[..n]);
                sp -= 1;
                continue;
            }
            Instr::BinLet(op, i) => {
                let b = &r.lets[i as usize * w..i as usize * w + n];
                bin_columns(op, &mut stack[sp - 1][..n], b, &mut failed[..n]);
                continue;
            }
            Instr::BinConst(op, c) => {
                bin_const(op, &mut stack[sp - 1][..n], c, &mut failed[..n]);
                continue;
            }
            Instr::Call(func, arity) => {
                let at = sp - arity as usize;
                let mut args = [0.0; 8];
                let mut many = Vec::new();
                for j in 0..n {
                    let v = if arity as usize <= args.len() {
                        for (a, col) in args.iter_mut().zip(&stack[at..sp]) {
                            *a = col[j];
                        }
                        func.apply(&args[..arity as usize])
                    } else {
                        many.clear();
                        many.extend(stack[at..sp].iter().map(|col| col[j]));
                        func.apply(&many)
                    };
                    stack[at][j] = v.unwrap_or(f64::NAN);
                }
                sp = at + 1;
            }
            Instr::Dist(..) => unreachable!("such plans are not batched"),
        }
        // Every value a program reads or computes must be finite.
        for (&x, f) in stack[sp - 1][..n].iter().zip(failed.iter_mut()) {
            *f |= not_finite(x);
        }
    }
    out[..n].copy_from_slice(&stack[sp - 1][..n]);
}

/// True when a program can run over columns: it draws nothing whose parameters it computes.
fn columnar(prog: &Program) -> bool {
    !prog.code.iter().any(|i| matches!(i, Instr::Dist(..)))
}

/// The constant distributions a program draws, in the order it draws them.
fn draws_of(prog: &Program) -> impl Iterator<Item = u32> + '_ {
    prog.code.iter().filter_map(|i| match *i {
        Instr::ConstDist(c) => Some(c),
        _ => None,
    })
}

impl<'p, 'm> Batch<'p, 'm> {
    /// A batch for `plan`, or `None` when its samples must run one at a time.
    pub(crate) fn new(plan: &'p Plan<'m>) -> Option<Batch<'p, 'm>> {
        let model = plan.model;
        let slots = || {
            plan.lets
                .iter()
                .chain(&plan.inits)
                .chain(plan.probs.iter().map(|(_, s)| s))
                .chain(plan.effects.iter().map(|e| &e.slot))
                .chain(plan.forecasts.iter().map(|(_, s)| s))
        };
        if !slots().all(|s| columnar(s.prog)) {
            return None;
        }
        let (n, k, f) = (
            model.nodes.len(),
            model.metrics.len(),
            model.forecasts.len(),
        );
        let leaves = plan.shape.sets.leaves.len();
        let nk = plan.shape.kept.metrics.len();
        // In the general walk's order: lets, metrics' starts, the written chances that vary,
        // effects, then forecasts (a forecast of one query draws nothing).
        let general = plan
            .forecasts
            .iter()
            .filter(|(kind, _)| matches!(kind, ForecastKind::General));
        let order: Vec<u32> = plan
            .lets
            .iter()
            .chain(&plan.inits)
            .chain(plan.probs_varying.iter().map(|(_, s)| s))
            .chain(plan.effects.iter().map(|e| &e.slot))
            .chain(general.map(|(_, s)| s))
            .flat_map(|s| draws_of(s.prog))
            .collect();
        let evidence = plan.shape.evidence.is_some();
        // Decisions are rolled back on every sample (to say which option would be best),
        // which needs each node's value.
        let rolls_back = model.objective.is_some() && !plan.decisions.is_empty();
        let per_sample = usize::from(rolls_back) * n
            + order.len()
            + plan.lets.len()
            + k
            + 2 * n
            + plan.effects.len()
            + leaves * (1 + usize::from(evidence) + nk)
            + 2 * f
            + 4;
        let width = (MAX_VALUES / per_sample).min(MAX_WIDTH);
        if width < MIN_WIDTH {
            return None;
        }
        let reads_metrics = |e: usize| {
            plan.effects[e]
                .slot
                .prog
                .code
                .iter()
                .any(|i| matches!(i, Instr::Metric(_)))
        };
        let (mut reads, mut read_table) = (vec![u32::MAX; plan.effects.len()], Vec::new());
        // One walk gives where every metric is at each leaf (the kept ones are read from
        // there) and where each effect's metric is before it.
        let all: Vec<u32> = (0..k as u32).collect();
        let (before, outcome_at) = sources_with(plan, k as u32, &all, |e, current| {
            if reads_metrics(e as usize) {
                reads[e as usize] = read_table.len() as u32;
                read_table.extend_from_slice(current);
            }
        });
        let paths = plan.varying_paths();
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
            adjusted: vec![0; width],
            group_sum: vec![0.0; width],
            bad: vec![0; width],
            tmp: col(1),
            tmp2: col(1),
            outcome_at,
            paths,
            before,
            reads,
            read_table,
            stack: Vec::new(),
            failed: vec![0; width],
            value: col(if rolls_back { n } else { 0 }),
            best: vec![0; plan.decisions.len() * width],
        })
    }

    /// How many samples a batch holds at most.
    pub(crate) fn width(&self) -> usize {
        self.width
    }

    /// The constant distributions each sample draws, in order.
    pub(crate) fn order(&self) -> &[u32] {
        &self.order
    }

    /// The constant distributions each sample draws, in order; the columns to draw them into
    /// (`drawn[d * width + sample]` for the `d`-th); and a flag per sample to set when one of
    /// its draws is not finite (to a value other than 0), which stops the general walk.
    pub(crate) fn draws(&mut self) -> (&[u32], &mut [f64], &mut [Flag]) {
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
        self.adjusted[..n].fill(0);
        let mut d = 0;
        for (i, slot) in plan.lets.iter().enumerate() {
            let to = i * w..i * w + n;
            if let Val::ConstDist(_) = slot.val {
                // A let that is a distribution is its column of draws (most lets are).
                self.lets[to].copy_from_slice(&self.drawn[d * w..d * w + n]);
                d += 1;
                continue;
            }
            self.slot(slot, &mut d, n, None);
            self.lets[to].copy_from_slice(&self.tmp[..n]);
        }
        for (i, slot) in plan.inits.iter().enumerate() {
            self.slot(slot, &mut d, n, None);
            self.init[i * w..i * w + n].copy_from_slice(&self.tmp[..n]);
        }
        for (node, slot) in &plan.probs_varying {
            self.slot(slot, &mut d, n, None);
            let at = *node as usize * w;
            let cond = &mut self.cond[at..at + n];
            for ((c, &v), adjusted) in cond.iter_mut().zip(&self.tmp[..n]).zip(&mut self.adjusted) {
                *c = v.clamp(0.0, 1.0);
                *adjusted |= Flag::from(*c != v);
            }
        }
        self.complete(n);
        self.paths(n);
        self.effects(&mut d, n);
        self.leaves(n);
        self.roll_back(n);
        self.condition(n);
        self.forecasts(&mut d, n);
        self.bad[..n].iter().position(|&b| b != 0).unwrap_or(n)
    }

    /// A slot's values for the batch, into `tmp`; `d` counts the draws taken; `effect` is
    /// the effect whose slot it is. A value that is not finite marks its sample bad, as it
    /// stops the general walk (numbers are finite, lets too in a good sample, and the draws
    /// are checked as they are drawn).
    fn slot(&mut self, slot: &Slot<'_>, d: &mut usize, n: usize, effect: Option<usize>) {
        let w = self.width;
        if matches!(slot.val, Val::Prog | Val::Metric(_)) {
            let metrics = effect
                .map(|e| self.reads[e])
                .filter(|&at| at != u32::MAX)
                .map(|at| {
                    let k = self.plan.model.metrics.len();
                    &self.read_table[at as usize..at as usize + k]
                });
            let reads = Reads {
                width: w,
                lets: &self.lets,
                drawn: &self.drawn,
                metrics,
                init: &self.init,
                effects: &self.effects,
                forecasts: &self.forecasts,
                queries: None,
            };
            let (stack, bad, out) = (&mut self.stack, &mut self.bad[..n], &mut self.tmp);
            run_columns(slot.prog, &reads, d, n, stack, bad, out);
            return;
        }
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
                            bin_columns(op, out, b, &mut self.bad[..n]);
                        }
                        Instr::BinConst(op, c) => bin_const(op, out, c, &mut self.bad[..n]),
                        _ => unreachable!("a chain holds only fused arithmetic"),
                    }
                }
            }
            Val::Metric(_) | Val::Prog => unreachable!("run above"),
        }
    }

    /// Each sibling set whose chances vary: `rest`, then the sum, renormalised if it misses 1
    /// (a total of 0 fails the sample), as [`Plan::complete`] does for one sample.
    ///
    /// The sums and `rest` go a column at a time (each sample still adds its siblings in
    /// order, as `fill_rest` does); only the rare sample whose set misses 1 is rescaled on
    /// its own.
    fn complete(&mut self, n: usize) {
        let (plan, w) = (self.plan, self.width);
        for &gi in &plan.groups_varying {
            let g = &plan.groups[gi as usize];
            let kids = &plan.kids[g.start as usize..g.end as usize];
            let sums = &mut self.group_sum[..n];
            sums.fill(0.0);
            for &c in kids {
                let at = c as usize * w;
                for (s, &x) in sums.iter_mut().zip(&self.cond[at..at + n]) {
                    *s += x;
                }
            }
            if let Some(r) = g.rest {
                let at = r as usize * w;
                for (x, &s) in self.cond[at..at + n].iter_mut().zip(sums.iter()) {
                    *x = (1.0 - s).max(0.0);
                }
            }
            for (j, &sum) in sums.iter().enumerate() {
                if !misses_one(g, sum) {
                    continue;
                }
                match renormalise(g, kids, sum, &mut self.cond, w, j) {
                    Ok(()) => self.adjusted[j] = 1,
                    Err(_) => self.bad[j] = 1,
                }
            }
        }
    }

    /// Path probabilities of the nodes whose chances vary: the parent's times the node's.
    fn paths(&mut self, n: usize) {
        let w = self.width;
        for &(i, parent) in &self.paths {
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
        let k = plan.model.metrics.len();
        for (e, eff) in plan.effects.iter().enumerate() {
            self.slot(&eff.slot, d, n, Some(e));
            let (done, rest) = self.effects.split_at_mut(e * w);
            let start = self.before[e] as usize;
            let old: &[f64] = if start < k {
                &self.init[start * w..start * w + n]
            } else {
                &done[(start - k) * w..(start - k) * w + n]
            };
            effect_columns(
                eff.op,
                old,
                &self.tmp[..n],
                &mut rest[..n],
                &mut self.bad[..n],
            );
        }
    }

    /// The column of effect source `source` (see `primed::read`).
    fn source(&self, source: u32) -> &[f64] {
        column_of(&self.init, &self.effects, self.width, source)
    }

    /// Each leaf's probability, their sum, and the kept metrics at each leaf.
    fn leaves(&mut self, n: usize) {
        let (plan, w) = (self.plan, self.width);
        let kept = &plan.shape.kept.metrics;
        let (nk, k) = (kept.len(), plan.model.metrics.len());
        self.total[..n].fill(0.0);
        for (ord, &leaf) in plan.shape.sets.leaves.iter().enumerate() {
            let from = &self.path[leaf as usize * w..leaf as usize * w + n];
            let prior = &mut self.leaf_prior[ord * w..ord * w + n];
            prior.copy_from_slice(from);
            for (t, &p) in self.total[..n].iter_mut().zip(prior.iter()) {
                *t += p;
            }
            for (slot, &m) in kept.iter().enumerate() {
                let at = (ord * nk + slot) * w;
                let source = self.outcome_at[ord * k + m as usize];
                let from = column_of(&self.init, &self.effects, w, source);
                self.leaf_metrics[at..at + n].copy_from_slice(&from[..n]);
            }
        }
    }

    /// Rolls the decisions back, as [`Plan::decide`] does for one sample: children before
    /// parents, the best option at each decision (the first on a tie), the expectation at
    /// each chance node. The options taken stay those of the point evaluation.
    fn roll_back(&mut self, n: usize) {
        let (plan, w) = (self.plan, self.width);
        let model = plan.model;
        let Some((dir, objective)) = model.objective else {
            return;
        };
        if plan.decisions.is_empty() {
            return;
        }
        let kept = &plan.shape.kept;
        let (nk, slot) = (kept.metrics.len(), kept.slot[objective as usize] as usize);
        let mut ord = plan.shape.sets.leaves.len();
        let mut d = plan.decisions.len();
        for i in (0..model.nodes.len()).rev() {
            let children = model.children(i as u32);
            // Children come after their parent in pre-order: their values are in `after`.
            let (upto, after) = self.value.split_at_mut((i + 1) * w);
            let here = &mut upto[i * w..i * w + n];
            let child = |c: u32, j: usize| after[(c as usize - i - 1) * w + j];
            if children.is_empty() {
                ord -= 1;
                let at = (ord * nk + slot) * w;
                here.copy_from_slice(&self.leaf_metrics[at..at + n]);
            } else if d > 0 && plan.decisions[d - 1] as usize == i {
                d -= 1;
                for (j, v) in here.iter_mut().enumerate() {
                    let best = best_child(children, |c| child(c, j), dir);
                    self.best[d * w + j] = best as u32;
                    *v = child(children[best], j);
                }
            } else {
                here.fill(0.0);
                for &c in children {
                    let cond = &self.cond[c as usize * w..c as usize * w + n];
                    for (j, (v, &p)) in here.iter_mut().zip(cond).enumerate() {
                        *v += p * child(c, j);
                    }
                }
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
                self.bad[j] = 1;
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
    fn forecasts(&mut self, d: &mut usize, n: usize) {
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
                ForecastKind::General => {
                    let reads = Reads {
                        width: w,
                        lets: &self.lets,
                        drawn: &self.drawn,
                        metrics: None,
                        init: &self.init,
                        effects: &self.effects,
                        forecasts: &self.forecasts,
                        queries: Some((queries, probs, &self.leaf_metrics)),
                    };
                    let failed = &mut self.failed[..n];
                    failed.fill(0);
                    run_columns(slot.prog, &reads, d, n, &mut self.stack, failed, num);
                    let at = i * w;
                    for j in 0..n {
                        // A forecast that cannot be computed is undefined in that sample.
                        self.forecasts[at + j] = if failed[j] != 0 { f64::NAN } else { num[j] };
                    }
                    self.weights[at..at + n].fill(1.0);
                }
            }
        }
    }

    /// True when sample `j`'s probabilities were clamped or renormalised.
    pub(crate) fn adjusted(&self, j: usize) -> bool {
        self.adjusted[j] != 0
    }

    /// Node `node`'s rolled-back value of the objective in sample `j`.
    pub(crate) fn node_value(&self, node: usize, j: usize) -> f64 {
        self.value[node * self.width + j]
    }

    /// Node `node`'s probability given its parent in sample `j`.
    pub(crate) fn node_cond(&self, node: usize, j: usize) -> f64 {
        self.cond[node * self.width + j]
    }

    /// Let `l`'s value in sample `j`.
    pub(crate) fn let_value(&self, l: usize, j: usize) -> f64 {
        self.lets[l * self.width + j]
    }

    /// The probability of the evidence in sample `j` (1 without evidence).
    pub(crate) fn evidence(&self, j: usize) -> f64 {
        self.evidence[j]
    }

    /// Forecast `i`'s values in the first `n` samples, NaN where undefined.
    pub(crate) fn forecast_column(&self, i: usize, n: usize) -> &[f64] {
        &self.forecasts[i * self.width..i * self.width + n]
    }

    /// Forecast `i`'s weights (the probability of its condition, or 1) in the first `n`
    /// samples.
    pub(crate) fn weight_column(&self, i: usize, n: usize) -> &[f64] {
        &self.weights[i * self.width..i * self.width + n]
    }

    /// The evidence's weight in the first `n` samples.
    pub(crate) fn evidence_column(&self, n: usize) -> &[f64] {
        &self.evidence[..n]
    }

    /// Decision `d`'s best option in the first `n` samples.
    pub(crate) fn best_column(&self, d: usize, n: usize) -> &[u32] {
        &self.best[d * self.width..d * self.width + n]
    }

    /// The leaf each of the first `n` samples draws, from its uniform `u[j]`, into
    /// `out.picks`: what the general walk's `pick_leaf` gives, sample by sample. Here the
    /// leaves are the outer loop, so each reads one contiguous column; every sample's running
    /// sum still adds its leaves in ascending order, so the sums, and the picks, are the same.
    pub(crate) fn pick_leaves(&self, n: usize, u: &[f64], out: &mut LeafPicks) {
        const NONE: u32 = u32::MAX;
        let w = self.width;
        let LeafPicks {
            picks,
            target,
            acc,
            last,
        } = out;
        target.clear();
        let probs = if self.plan.shape.evidence.is_some() {
            // The posterior leaf weights sum to 1 by construction.
            target.extend(u[..n].iter().map(|&u| u * 1.0));
            &self.leaf_post
        } else {
            target.extend(u[..n].iter().zip(&self.total[..n]).map(|(&u, &t)| u * t));
            &self.leaf_prior
        };
        for v in [&mut *picks, &mut *last] {
            v.clear();
            v.resize(n, NONE);
        }
        acc.clear();
        acc.resize(n, 0.0);
        for o in 0..self.plan.shape.sets.leaves.len() {
            let col = &probs[o * w..o * w + n];
            let o = o as u32;
            // Selects, not branches: which leaf a sample picks is as good as random.
            for ((((&p, acc), &t), pick), last) in col
                .iter()
                .zip(acc.iter_mut())
                .zip(target.iter())
                .zip(picks.iter_mut())
                .zip(last.iter_mut())
            {
                *acc += p;
                let possible = p > 0.0;
                // `&`, not `&&`: with no branch left the loop runs on vector lanes.
                *pick = if possible & (*pick == NONE) & (t < *acc) {
                    o
                } else {
                    *pick
                };
                *last = if possible { o } else { *last };
            }
        }
        // Rounding can leave a target just above the last sum: the last possible leaf.
        for (pick, &last) in picks.iter_mut().zip(last.iter()) {
            if *pick == NONE {
                *pick = if last == NONE { 0 } else { last };
            }
        }
    }

    /// Forecast `i`'s value in sample `j`, NaN where undefined.
    pub(crate) fn forecast(&self, i: usize, j: usize) -> f64 {
        self.forecasts[i * self.width + j]
    }

    /// Forecast `i`'s weight in sample `j` (the probability of its condition, or 1).
    pub(crate) fn weight(&self, i: usize, j: usize) -> f64 {
        self.weights[i * self.width + j]
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
