//! The one evaluator: the tree's semantics, written once.
//!
//! A [`Plan`] lays a resolved [`Model`] out as flat arrays in pre-order, once. [`Plan::run`]
//! then evaluates the whole tree for one set of input values: lets, metrics' initial values,
//! branch probabilities and `rest`, effects along every path, the roll-back of decisions,
//! path probabilities, evidence, and forecasts. The point evaluation runs it once with every
//! distribution at its mean and strict faults (every problem is a diagnostic); each Monte
//! Carlo sample runs it with draws and lenient faults (clamp, renormalise, or drop the
//! sample). Both are the same code, monomorphised for each pair.

mod batch;
mod columns;
pub(crate) mod inputs;
pub(crate) mod leaves;
mod primed;
mod probs;
pub(crate) mod queries;

use scn_dsl::ast::{Direction, EffectOp};
use scn_dsl::{Code, Diagnostic, Span};

pub(crate) use self::batch::{Batch, LeafPicks};
use self::inputs::Inputs;
use self::leaves::{LeafSet, LeafSets};
use self::primed::PrimedWalk;
use self::probs::Group;
use self::queries::{Kept, QueryPlan, Ratio};
use crate::dist::DistKind;
use crate::model::{Model, NodeId, NodeKind, ProbDef};
use crate::program::{self, Env, EvalError, Instr, Program};

/// What never changes between evaluations of a model: its leaves, the leaf sets of its
/// events and queries, and the leaves consistent with its evidence.
#[derive(Clone, Debug)]
pub(crate) struct Shape {
    pub sets: LeafSets,
    pub kept: Kept,
    pub queries: QueryPlan,
    /// The leaves inside every `observe` (and `--given`), when there is evidence.
    pub evidence: Option<LeafSet>,
}

impl Shape {
    /// `Err` when the leaf sets would outgrow their cap ([`leaves::MAX_RANGES`]).
    pub(crate) fn new(model: &Model) -> Result<Shape, Diagnostic> {
        let mut sets = LeafSets::new(model)?;
        let kept = Kept::new(model);
        let queries = QueryPlan::new(model, &mut sets, &kept)?;
        let evidence = (!model.observe.is_empty()).then(|| sets.all_of(&model.observe));
        Ok(Shape {
            sets,
            kept,
            queries,
            evidence,
        })
    }
}

/// A run stopped: the sample cannot be evaluated, or (strict) a phase found errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Abort;

/// What happens when a number cannot be computed.
pub(crate) trait Faults {
    /// True for the point evaluation: report every problem of a phase, then stop. False for a
    /// sample: stop at the first, and let the caller count the sample as dropped.
    const STRICT: bool;
    /// Records a problem (strict only).
    fn report(&mut self, d: Diagnostic);
    /// True when a problem was recorded.
    fn any(&self) -> bool;
}

/// The point evaluation's faults: diagnostics.
#[derive(Debug, Default)]
pub(crate) struct Strict {
    pub diags: Vec<Diagnostic>,
}

impl Faults for Strict {
    const STRICT: bool = true;
    fn report(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }
    fn any(&self) -> bool {
        !self.diags.is_empty()
    }
}

/// A sample's faults: the first one drops it.
#[derive(Debug, Default)]
pub(crate) struct Lenient;

impl Faults for Lenient {
    const STRICT: bool = false;
    fn report(&mut self, _: Diagnostic) {}
    fn any(&self) -> bool {
        false
    }
}

/// How decisions are taken in a run.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Choose<'a> {
    /// By roll-back on this run's numbers (the point evaluation).
    RollBack,
    /// As already chosen, one option node per decision in tree order (Monte Carlo keeps the
    /// point evaluation's choices; the roll-back still says which option would be best).
    Fixed(&'a [NodeId]),
}

/// Where a value comes from, stored inline so that the common programs (one number, one
/// name, one distribution) never enter the interpreter.
#[derive(Clone, Copy, Debug)]
enum Val {
    Const(f64),
    Let(u32),
    Metric(u32),
    ConstDist(u32),
    /// A number or a let followed only by arithmetic with lets and numbers (`(1 - p) * q`):
    /// most written probabilities, run without the interpreter's stack.
    Chain,
    Prog,
}

/// A program with its fast form.
#[derive(Clone, Copy, Debug)]
struct Slot<'m> {
    val: Val,
    prog: &'m Program,
}

impl<'m> Slot<'m> {
    fn new(prog: &'m Program) -> Slot<'m> {
        let val = match &*prog.code {
            [Instr::Const(v)] => Val::Const(*v),
            [Instr::Let(i)] => Val::Let(*i),
            [Instr::Metric(i)] => Val::Metric(*i),
            [Instr::ConstDist(i)] => Val::ConstDist(*i),
            [Instr::Const(_) | Instr::Let(_), rest @ ..]
                if rest
                    .iter()
                    .all(|i| matches!(i, Instr::BinLet(..) | Instr::BinConst(..))) =>
            {
                Val::Chain
            }
            _ => Val::Prog,
        };
        Slot { val, prog }
    }
}

/// An effect: metric, operator, value.
#[derive(Clone, Copy, Debug)]
struct Effect<'m> {
    metric: u32,
    op: EffectOp,
    slot: Slot<'m>,
}

/// One node of the walk down the tree.
#[derive(Clone, Copy, Debug)]
struct Step {
    parent: u32,
    /// True when the node's path probability can differ between samples.
    path_varies: bool,
    /// How many effects lie on the path above the node.
    above: u32,
    /// The node's own effects, as a range of the plan's.
    effects: (u32, u32),
    /// The node's leaf ordinal, or `u32::MAX` for an inner node.
    leaf: u32,
}

/// How a forecast is computed.
#[derive(Clone, Copy, Debug)]
enum ForecastKind {
    /// Exactly one unconditional query, `P(a)` or `E(m)`.
    Query(u32),
    /// Exactly one conditional query, `P(a | b)` or `E(m | b)`: a ratio whose sampled
    /// summary is weighted by the probability of the condition.
    Conditional(u32),
    /// Anything else.
    General,
}

/// The tree laid out for evaluation: flat arrays in pre-order, built once per model.
pub(crate) struct Plan<'m> {
    pub model: &'m Model,
    pub shape: &'m Shape,
    lets: Vec<Slot<'m>>,
    inits: Vec<Slot<'m>>,
    /// Nodes with a written probability.
    probs: Vec<(u32, Slot<'m>)>,
    /// The written probabilities that can differ between samples: those of sibling sets
    /// with any probability not a plain number (a set of numbers, once checked and completed,
    /// stays as it is in every sample).
    probs_varying: Vec<(u32, Slot<'m>)>,
    /// The sibling sets (indices into `groups`) whose probabilities can differ.
    groups_varying: Vec<u32>,
    groups: Vec<Group>,
    kids: Vec<u32>,
    /// Each node's probability where it is not written: the root and options 1 (options
    /// are set by the decisions), `rest` 0 until completed.
    fixed: Vec<f64>,
    /// Node `k`'s effects are `effects[effect_start[k]..effect_start[k + 1]]`.
    effects: Vec<Effect<'m>>,
    effect_start: Vec<u32>,
    parent: Vec<u32>,
    /// What the walk down the tree needs at each node, in one record per node.
    walk: Vec<Step>,
    /// Decision nodes in tree order.
    decisions: Vec<NodeId>,
    forecasts: Vec<(ForecastKind, Slot<'m>)>,
    /// The walk of primed samples, when no effect reads a metric.
    primed_walk: Option<PrimedWalk>,
}

impl<'m> Plan<'m> {
    pub(crate) fn new(model: &'m Model, shape: &'m Shape) -> Plan<'m> {
        let n = model.nodes.len();
        // Sized up front rather than grown by doubling, which copies a big tree's lists again
        // and again. At most one written chance and one sibling-set place per node; room that
        // is never written is never touched, so it costs no memory.
        let mut plan = Plan {
            model,
            shape,
            lets: model.lets.iter().map(|l| Slot::new(&l.program)).collect(),
            inits: model.metrics.iter().map(|m| Slot::new(&m.init)).collect(),
            probs: Vec::with_capacity(n),
            probs_varying: Vec::new(),
            groups_varying: Vec::new(),
            groups: Vec::new(),
            kids: Vec::with_capacity(n),
            fixed: Vec::with_capacity(n),
            effects: Vec::with_capacity(model.effects.len()),
            effect_start: Vec::with_capacity(n + 1),
            parent: Vec::with_capacity(n),
            walk: Vec::with_capacity(n),
            decisions: Vec::new(),
            primed_walk: None,
            forecasts: Vec::with_capacity(model.forecasts.len()),
        };
        for f in &model.forecasts {
            let kind = match &*f.program.code {
                [Instr::Query(q)] if shape.queries.is_conditional(*q) => {
                    ForecastKind::Conditional(*q)
                }
                [Instr::Query(q)] => ForecastKind::Query(*q),
                // A forecast that is another conditional forecast (`forecast c2 = c`) is the
                // same probability, weighted the same way: else its sampled mean would be
                // the mean of the ratios and the two would disagree. A forecast reads only
                // earlier ones, so their kinds are known here.
                [Instr::Forecast(j)] => match plan.forecasts.get(*j as usize) {
                    Some(&(ForecastKind::Conditional(q), _)) => ForecastKind::Conditional(q),
                    _ => ForecastKind::General,
                },
                _ => ForecastKind::General,
            };
            plan.forecasts.push((kind, Slot::new(&f.program)));
        }
        // Which written chances are more than a number, by node: read again below, where a
        // second look at each node would cost a big tree a cache miss per node.
        let mut computed = vec![false; n];
        // Which nodes are a `rest`, read at each node's own turn: reading it from the parent
        // touched every sibling's node out of order, a cache miss each on a big tree.
        let mut rest = vec![false; n];
        // What the second pass below needs of each node, so that it does not read the nodes
        // again: on a big tree that pass waited on the model's memory.
        let mut leaf = vec![false; n];
        for (i, node) in model.nodes.iter().enumerate() {
            plan.parent.push(node.parent);
            plan.fixed.push(match &node.prob {
                ProbDef::Expr(p) => {
                    let slot = Slot::new(p);
                    computed[i] = !matches!(slot.val, Val::Const(_));
                    plan.probs.push((i as u32, slot));
                    0.0
                }
                ProbDef::Rest(_) => {
                    rest[i] = true;
                    0.0
                }
                ProbDef::None => 1.0,
            });
            let children = model.children_of(node);
            // The first child comes next in pre-order: reading it costs no cache miss.
            match children.first() {
                Some(&c) if model.nodes[c as usize].kind == NodeKind::Branch => {
                    let start = plan.kids.len() as u32;
                    plan.kids.extend_from_slice(children);
                    plan.groups.push(Group {
                        parent: i as u32,
                        first: c,
                        start,
                        end: plan.kids.len() as u32,
                        rest: None,
                    });
                }
                Some(_) => plan.decisions.push(i as NodeId),
                None => leaf[i] = true,
            }
            plan.effect_start.push(plan.effects.len() as u32);
            plan.effects
                .extend(model.effects_of(node).iter().map(|e| Effect {
                    metric: e.metric,
                    op: e.op,
                    slot: Slot::new(&e.program),
                }));
        }
        plan.effect_start.push(plan.effects.len() as u32);
        // Each set's `rest` out of its list of children, the lists closed up in place.
        let mut kept = 0;
        for g in &mut plan.groups {
            let start = kept;
            for k in g.start as usize..g.end as usize {
                let c = plan.kids[k];
                if rest[c as usize] {
                    g.rest = g.rest.or(Some(c));
                } else {
                    plan.kids[kept] = c;
                    kept += 1;
                }
            }
            (g.start, g.end) = (start as u32, kept as u32);
        }
        plan.kids.truncate(kept);
        // Which probabilities can differ between samples: a set with anything but numbers.
        let mut cond_varies = vec![false; n];
        for (gi, g) in plan.groups.iter().enumerate() {
            let kids = &plan.kids[g.start as usize..g.end as usize];
            let varies = kids.iter().any(|&c| computed[c as usize]);
            if varies {
                plan.groups_varying.push(gi as u32);
                for &c in kids.iter().chain(&g.rest) {
                    cond_varies[c as usize] = true;
                }
            }
        }
        plan.probs_varying = plan
            .probs
            .iter()
            .copied()
            .filter(|&(node, _)| cond_varies[node as usize])
            .collect();
        // Effects above each node: its parent's, plus the parent's own.
        let mut above = vec![0u32; n];
        let mut path_varies = vec![false; n];
        for i in 0..n {
            let parent = plan.parent[i];
            if i > 0 {
                let p = parent as usize;
                above[i] = above[p] + plan.effect_start[p + 1] - plan.effect_start[p];
                path_varies[i] = path_varies[p] || cond_varies[i];
            }
            plan.walk.push(Step {
                parent,
                path_varies: path_varies[i],
                above: above[i],
                effects: (plan.effect_start[i], plan.effect_start[i + 1]),
                leaf: if leaf[i] {
                    shape.sets.ordinal(i as NodeId)
                } else {
                    u32::MAX
                },
            });
        }
        plan
    }

    /// Lets primed samples walk without the path's metric state where the tree allows it
    /// (see `primed`). Only Monte Carlo asks: the point evaluation and the analyses run the
    /// general walk, and a big tree's plan is spared the sources' memory.
    pub(crate) fn walk_primed_where_possible(&mut self) {
        self.primed_walk = PrimedWalk::new(self, self.model);
    }

    /// The nodes whose path probability can differ between samples, in pre-order, each with
    /// its parent: what a primed sample multiplies out again.
    pub(crate) fn varying_paths(&self) -> Vec<(u32, u32)> {
        (1..self.walk.len())
            .filter(|&i| self.walk[i].path_varies)
            .map(|i| (i as u32, self.walk[i].parent))
            .collect()
    }

    /// The decision nodes, in tree order.
    pub(crate) fn decision_nodes(&self) -> &[NodeId] {
        &self.decisions
    }

    /// Where each node's effects start in a run's `effect_values` (one past the last node:
    /// the total).
    pub(crate) fn effect_starts(&self) -> &[u32] {
        &self.effect_start
    }

    /// Node `k`'s effects, as indices into a run's `effect_values`.
    pub(crate) fn effects_of(&self, k: usize) -> std::ops::Range<usize> {
        self.effect_start[k] as usize..self.effect_start[k + 1] as usize
    }

    /// The metric effect `e` changes.
    pub(crate) fn effect_metric(&self, e: usize) -> u32 {
        self.effects[e].metric
    }

    /// True when forecast `i` is exactly one conditional query.
    pub(crate) fn is_conditional(&self, i: usize) -> bool {
        matches!(self.forecasts[i].0, ForecastKind::Conditional(_))
    }
}

/// Everything one run computes, in buffers reused from run to run.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scratch {
    /// Each let's value.
    pub lets: Vec<f64>,
    /// Each metric's initial value.
    pub init: Vec<f64>,
    /// Each node's probability given its parent (options: 1 if chosen, else 0).
    pub cond: Vec<f64>,
    /// Each node's probability before evidence.
    pub path: Vec<f64>,
    /// The metric's value after each effect, in plan order.
    pub effect_values: Vec<f64>,
    /// The metric's value before each effect, in plan order (point evaluation only).
    pub effect_before: Vec<f64>,
    /// Each leaf's value of each kept metric ([`Shape::kept`]) after every effect on its path:
    /// `[ordinal * kept + slot]`.
    pub leaf_metrics: Vec<f64>,
    /// Each leaf's probability before evidence.
    pub leaf_prior: Vec<f64>,
    /// Their sum, in leaf order (1 up to rounding).
    pub leaf_total: f64,
    /// Each leaf's probability given the evidence (empty without evidence).
    pub leaf_post: Vec<f64>,
    /// Each node's rolled-back value of the objective (empty without decisions).
    pub value: Vec<f64>,
    /// For each decision, the index among its options of the best one in this run.
    pub best: Vec<u32>,
    /// The probability of the evidence (1 without evidence).
    pub evidence: f64,
    /// Each forecast's value (given the evidence), NaN where undefined.
    pub forecasts: Vec<f64>,
    /// Each forecast's weight within this run: the probability of its condition for a
    /// conditional forecast, else 1.
    pub weights: Vec<f64>,
    /// True when probabilities were clamped or renormalised.
    pub adjusted: bool,
    /// True once a lenient run has completed: what never differs between samples (sibling
    /// sets of plain numbers, the path probabilities below only them) is then in place and is
    /// not computed again.
    primed: bool,
    /// The metrics on the path being walked.
    state: Vec<f64>,
    /// Values the effects on that path replaced, to put back on leaving it: (metric, value);
    /// the walk's count says how many are live. Sized for every effect at once, so writing never
    /// grows it.
    undo: Vec<(u32, f64)>,
    out_of_range: Vec<bool>,
    stack: Vec<f64>,
}

impl Scratch {
    /// True once a lenient run has completed and left in place what never differs between
    /// samples.
    pub(crate) fn primed(&self) -> bool {
        self.primed
    }
}

/// What programs read while the kernel runs.
struct KEnv<'a, I> {
    inputs: &'a mut I,
    lets: &'a [f64],
    metrics: &'a [f64],
    forecasts: &'a [f64],
    queries: Option<(&'a QueryPlan, &'a [f64], &'a [f64])>,
}

impl<I: Inputs> Env for KEnv<'_, I> {
    fn let_value(&self, i: u32) -> f64 {
        self.lets[i as usize]
    }

    fn metric(&self, i: u32) -> f64 {
        self.metrics[i as usize]
    }

    fn forecast(&self, i: u32) -> f64 {
        self.forecasts[i as usize]
    }

    fn query(&mut self, i: u32, span: Span) -> Result<f64, EvalError> {
        let (plan, probs, metrics) = self
            .queries
            .expect("queries are compiled only in forecasts and expectations");
        quotient(plan.ratio(i, probs, metrics), span)
    }

    fn dist(
        &mut self,
        kind: DistKind,
        _site: u32,
        args: &[f64],
        span: Span,
    ) -> Result<f64, EvalError> {
        self.inputs
            .dist(kind, args)
            .map_err(|message| EvalError::of(Code::DistributionParameters, span, message))
    }

    fn const_dist(&mut self, i: u32, span: Span) -> Result<f64, EvalError> {
        const_value(&mut *self.inputs, i, span)
    }
}

/// A ratio's value; a condition of probability 0 makes it undefined.
fn quotient(r: Ratio, span: Span) -> Result<f64, EvalError> {
    if r.den <= 0.0 {
        return Err(EvalError::of(
            Code::ImpossibleCondition,
            span,
            "the condition after `|` has probability 0, so this is undefined",
        ));
    }
    Ok(r.num / r.den)
}

/// A constant distribution's value; invalid parameters or a value that is not finite fail.
#[inline(always)]
fn const_value<I: Inputs>(inputs: &mut I, i: u32, span: Span) -> Result<f64, EvalError> {
    let v = inputs.const_dist(i);
    if v.is_finite() {
        return Ok(v);
    }
    match inputs.const_dist_error(i) {
        Some(message) => Err(EvalError::of(Code::DistributionParameters, span, message)),
        None => finite(v, span),
    }
}

fn finite(v: f64, span: Span) -> Result<f64, EvalError> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(EvalError::new(
            span,
            format!("this evaluates to {v}, not a finite number"),
        ))
    }
}

/// A slot that is a number, a let or a metric: its value, which needs no check.
#[inline(always)]
fn plain(slot: &Slot<'_>, lets: &[f64], metrics: &[f64]) -> Option<f64> {
    match slot.val {
        Val::Const(v) => Some(v),
        Val::Let(i) => Some(lets[i as usize]),
        Val::Metric(i) => Some(metrics[i as usize]),
        Val::ConstDist(_) | Val::Chain | Val::Prog => None,
    }
}

/// A slot's value.
#[inline(always)]
fn value<I: Inputs>(
    slot: &Slot<'_>,
    inputs: &mut I,
    lets: &[f64],
    metrics: &[f64],
    stack: &mut Vec<f64>,
) -> Result<f64, EvalError> {
    if let Some(v) = plain(slot, lets, metrics) {
        return Ok(v);
    }
    match slot.val {
        Val::Const(_) | Val::Let(_) | Val::Metric(_) => unreachable!("plain above"),
        Val::ConstDist(i) => const_value(inputs, i, slot.prog.span),
        Val::Chain => {
            let v = program::chain_unchecked(slot.prog, lets);
            if v.is_finite() {
                Ok(v)
            } else {
                program::chain(slot.prog, lets)
            }
        }
        Val::Prog => {
            let env = &mut KEnv {
                inputs,
                lets,
                metrics,
                forecasts: &[],
                queries: None,
            };
            program::interpret(slot.prog, env, stack)
        }
    }
}

/// A slot's value in a sample, not finite when the sample must be dropped. Every value a
/// program computes without failing is finite (numbers are checked when read, lets and
/// metrics when set, the interpreter at every step), so a plain float says all a lenient
/// run needs, and keeps the error's plumbing out of its loops.
#[inline(always)]
fn sampled<I: Inputs>(
    slot: &Slot<'_>,
    inputs: &mut I,
    lets: &[f64],
    metrics: &[f64],
    stack: &mut Vec<f64>,
) -> f64 {
    if let Some(v) = plain(slot, lets, metrics) {
        return v;
    }
    match slot.val {
        // Not finite when its parameters are invalid; a sample needs no message for that.
        Val::ConstDist(i) => inputs.const_dist(i),
        _ => value(slot, inputs, lets, metrics, stack).unwrap_or(f64::NAN),
    }
}

fn diag(p: &Program, e: EvalError) -> Diagnostic {
    e.into_diagnostic(p.file)
}

/// A value of the tree: a lenient run stops at the first failure; a strict one reports it and
/// goes on without the value (`None`), to find every problem of the phase.
#[inline(always)]
fn settle<F: Faults>(
    v: Result<f64, EvalError>,
    prog: &Program,
    faults: &mut F,
) -> Result<Option<f64>, Abort> {
    match v {
        Ok(v) => Ok(Some(v)),
        Err(_) if !F::STRICT => Err(Abort),
        Err(e) => {
            faults.report(diag(prog, e));
            Ok(None)
        }
    }
}

/// Puts back the metrics the effects recorded after `mark` replaced.
#[inline]
fn undo_to(undo: &[(u32, f64)], len: &mut usize, state: &mut [f64], mark: usize) {
    while *len > mark {
        *len -= 1;
        let (m, old) = undo[*len];
        state[m as usize] = old;
    }
}

/// Applies an effect operator.
pub(crate) fn apply(op: EffectOp, current: f64, v: f64) -> f64 {
    match op {
        EffectOp::Set => v,
        EffectOp::Add => current + v,
        EffectOp::Sub => current - v,
        EffectOp::Mul => current * v,
    }
}

impl Plan<'_> {
    /// Prepares scratch buffers for runs of this plan.
    pub(crate) fn scratch(&self) -> Scratch {
        let m = self.model;
        let (n, k, leaves) = (m.nodes.len(), m.metrics.len(), self.shape.sets.leaves.len());
        Scratch {
            lets: vec![0.0; m.lets.len()],
            init: vec![0.0; k],
            cond: self.fixed.clone(),
            path: vec![0.0; n],
            effect_values: vec![0.0; self.effects.len()],
            effect_before: Vec::new(),
            leaf_metrics: vec![0.0; leaves * self.shape.kept.metrics.len()],
            leaf_prior: vec![0.0; leaves],
            leaf_total: 1.0,
            leaf_post: vec![
                0.0;
                if self.shape.evidence.is_some() {
                    leaves
                } else {
                    0
                }
            ],
            value: vec![0.0; if self.decisions.is_empty() { 0 } else { n }],
            best: vec![0; self.decisions.len()],
            evidence: 1.0,
            forecasts: vec![0.0; m.forecasts.len()],
            weights: vec![1.0; m.forecasts.len()],
            adjusted: false,
            primed: false,
            state: vec![0.0; k],
            undo: vec![(0, 0.0); self.effects.len()],
            out_of_range: Vec::new(),
            stack: Vec::with_capacity(16),
        }
    }

    /// Evaluates the tree for one set of inputs, up to the evidence: everything but the
    /// forecasts. `Err` when the run cannot go on (a sample to drop, or strict errors).
    pub(crate) fn run<I: Inputs, F: Faults>(
        &self,
        inputs: &mut I,
        faults: &mut F,
        choose: Choose<'_>,
        s: &mut Scratch,
    ) -> Result<(), Abort> {
        self.run_with(
            inputs,
            faults,
            choose,
            &crate::eval::Overrides::default(),
            s,
        )
    }

    /// [`Plan::run`] with some lets and written probabilities replaced by given values.
    pub(crate) fn run_with<I: Inputs, F: Faults>(
        &self,
        inputs: &mut I,
        faults: &mut F,
        choose: Choose<'_>,
        overrides: &crate::eval::Overrides,
        s: &mut Scratch,
    ) -> Result<(), Abort> {
        self.lets_and_inits(inputs, faults, &overrides.lets, s)?;
        self.probabilities(inputs, faults, &overrides.probs, s)?;
        // Choices made already are in place before the paths are walked, so one pass gives
        // both metrics and path probabilities; choices made by roll-back need the metrics
        // first, then the paths again.
        if let Choose::Fixed(chosen) = choose {
            self.set_options(chosen.iter().copied(), s);
        }
        match &self.primed_walk {
            Some(walk) if !F::STRICT && s.primed && overrides.probs.is_empty() => {
                self.walk_primed(walk, inputs, s)?;
            }
            _ => self.paths_and_metrics(inputs, faults, s)?,
        }
        if self.decide(choose, s) {
            self.path_probabilities(s);
        }
        self.condition(faults, s)?;
        // Overrides can change what is otherwise constant: such a run primes nothing.
        s.primed = !F::STRICT && overrides.lets.is_empty() && overrides.probs.is_empty();
        Ok(())
    }

    fn lets_and_inits<I: Inputs, F: Faults>(
        &self,
        inputs: &mut I,
        faults: &mut F,
        overrides: &[(u32, f64)],
        s: &mut Scratch,
    ) -> Result<(), Abort> {
        if !F::STRICT && overrides.is_empty() {
            return self.lets_and_inits_sampled(inputs, s);
        }
        // Lets are written in place: a let's program reads only the lets above it.
        for (i, slot) in self.lets.iter().enumerate() {
            let given = match overrides {
                [] => None,
                _ => overrides.iter().find(|(l, _)| *l as usize == i),
            };
            s.lets[i] = match given {
                Some(&(_, v)) => v,
                None => {
                    let v = value(slot, inputs, &s.lets, &[], &mut s.stack);
                    settle(v, slot.prog, faults)?.unwrap_or(0.0)
                }
            };
        }
        for (i, slot) in self.inits.iter().enumerate() {
            let v = value(slot, inputs, &s.lets, &[], &mut s.stack);
            s.init[i] = settle(v, slot.prog, faults)?.unwrap_or(0.0);
        }
        if faults.any() { Err(Abort) } else { Ok(()) }
    }

    /// [`Plan::lets_and_inits`] of a sample without overrides.
    fn lets_and_inits_sampled<I: Inputs>(
        &self,
        inputs: &mut I,
        s: &mut Scratch,
    ) -> Result<(), Abort> {
        for (i, slot) in self.lets.iter().enumerate() {
            let v = sampled(slot, inputs, &s.lets, &[], &mut s.stack);
            if !v.is_finite() {
                return Err(Abort);
            }
            s.lets[i] = v;
        }
        for (i, slot) in self.inits.iter().enumerate() {
            let v = sampled(slot, inputs, &s.lets, &[], &mut s.stack);
            if !v.is_finite() {
                return Err(Abort);
            }
            s.init[i] = v;
        }
        Ok(())
    }

    /// Written probabilities, then `rest`s and sums. Options keep 1 until decided.
    fn probabilities<I: Inputs, F: Faults>(
        &self,
        inputs: &mut I,
        faults: &mut F,
        overrides: &[(NodeId, f64)],
        s: &mut Scratch,
    ) -> Result<(), Abort> {
        s.adjusted = false;
        if F::STRICT {
            s.cond.copy_from_slice(&self.fixed);
            s.out_of_range.clear();
            s.out_of_range.resize(self.fixed.len(), false);
        }
        // A sample needs no reset: every written probability and `rest` that can change is
        // computed anew, and the root, the options and the sets of plain numbers never change
        // within a run of samples.
        let fast = !F::STRICT && s.primed && overrides.is_empty();
        let probs = if fast {
            &self.probs_varying
        } else {
            &self.probs
        };
        if !F::STRICT && overrides.is_empty() {
            let Scratch {
                cond,
                lets,
                stack,
                adjusted,
                ..
            } = s;
            for &(node, slot) in probs {
                let v = sampled(&slot, inputs, lets, &[], stack);
                if !v.is_finite() {
                    return Err(Abort);
                }
                let c = v.clamp(0.0, 1.0);
                *adjusted |= c != v;
                cond[node as usize] = c;
            }
            let groups = fast.then_some(&self.groups_varying[..]);
            return self.complete(groups, &mut s.cond, &[], faults, &mut s.adjusted);
        }
        for &(node, slot) in probs {
            let given = match overrides {
                [] => None,
                _ => overrides.iter().find(|(n, _)| *n == node),
            };
            let written = match given {
                Some(&(_, v)) => Ok(v),
                None => value(&slot, inputs, &s.lets, &[], &mut s.stack),
            };
            let Some(v) = settle(written, slot.prog, faults)? else {
                continue;
            };
            if F::STRICT {
                if !(0.0..=1.0).contains(&v) {
                    s.out_of_range[node as usize] = true;
                    faults.report(self.range_error(node, v));
                }
                s.cond[node as usize] = v;
            } else {
                let c = v.clamp(0.0, 1.0);
                s.adjusted |= c != v;
                s.cond[node as usize] = c;
            }
        }
        if faults.any() {
            return Err(Abort);
        }
        let groups = fast.then_some(&self.groups_varying[..]);
        self.complete(
            groups,
            &mut s.cond,
            &s.out_of_range,
            faults,
            &mut s.adjusted,
        )?;
        if faults.any() { Err(Abort) } else { Ok(()) }
    }

    /// Metrics and probabilities along every path, in pre-order: one vector holds the
    /// metrics of the path being walked; each effect records the value it replaces, put back
    /// when the walk leaves its node's subtree. Memory follows the metrics plus the effects,
    /// never nodes × metrics. A node's path probability is its parent's times its own.
    fn paths_and_metrics<I: Inputs, F: Faults>(
        &self,
        inputs: &mut I,
        faults: &mut F,
        s: &mut Scratch,
    ) -> Result<(), Abort> {
        let kept = &self.shape.kept.metrics;
        let nk = kept.len();
        if F::STRICT {
            s.effect_before.resize(self.effects.len(), 0.0);
        }
        s.state.copy_from_slice(&s.init);
        s.path[0] = 1.0;
        // The walk reads and writes through locals: with the scratch's fields behind `s`,
        // every store into one of its vectors made the compiler reload the others' lengths
        // and the undo count from memory, and that chain cost more than the walk's arithmetic.
        let Scratch {
            state,
            undo,
            path,
            cond,
            effect_values,
            effect_before,
            lets,
            stack,
            leaf_prior,
            leaf_metrics,
            primed,
            ..
        } = s;
        let (state, undo, path, cond) = (&mut state[..], &mut undo[..], &mut path[..], &cond[..]);
        let (effect_values, leaf_prior) = (&mut effect_values[..], &mut leaf_prior[..]);
        let (leaf_metrics, lets, primed) = (&mut leaf_metrics[..], &lets[..], *primed);
        let mut undone = 0;
        let mut total = 0.0;
        for (i, w) in self.walk.iter().enumerate() {
            // Effects are applied on every path, so how many of them lie above a node is
            // fixed: undoing down to that count leaves the subtrees walked before it.
            undo_to(undo, &mut undone, state, w.above as usize);
            if i > 0 && (w.path_varies || !primed) {
                path[i] = path[w.parent as usize] * cond[i];
            }
            for e in w.effects.0 as usize..w.effects.1 as usize {
                let eff = &self.effects[e];
                let v = value(&eff.slot, inputs, lets, state, stack);
                let old = state[eff.metric as usize];
                // A strict run that found a problem still records the effect, so that the
                // counts above stay right for the problems after it.
                let new = match settle(v, eff.slot.prog, faults)? {
                    Some(v) => apply(eff.op, old, v),
                    None => old,
                };
                if !new.is_finite() {
                    if !F::STRICT {
                        return Err(Abort);
                    }
                    faults.report(
                        Diagnostic::error(
                            eff.slot.prog.file,
                            eff.slot.prog.span,
                            format!(
                                "this effect makes the metric `{}` {new}, not a finite number",
                                self.model.metrics[eff.metric as usize].name
                            ),
                        )
                        .with_code(Code::Math),
                    );
                } else {
                    state[eff.metric as usize] = new;
                }
                undo[undone] = (eff.metric, old);
                undone += 1;
                effect_values[e] = state[eff.metric as usize];
                if F::STRICT {
                    effect_before[e] = old;
                }
            }
            if w.leaf != u32::MAX {
                let ord = w.leaf as usize;
                leaf_prior[ord] = path[i];
                total += path[i];
                for (j, &m) in kept.iter().enumerate() {
                    leaf_metrics[ord * nk + j] = state[m as usize];
                }
            }
        }
        s.leaf_total = total;
        if faults.any() { Err(Abort) } else { Ok(()) }
    }

    /// Every metric's value at a node, from the values the effects on its path left in a run
    /// (`effect_values`), starting from `init`. The path is walked from the node up, so the
    /// first effect met on a metric is the last applied; `seen` marks the metrics found
    /// (scratch, one entry per metric, any values).
    pub(crate) fn metrics_at(
        &self,
        node: NodeId,
        init: &[f64],
        effect_values: &[f64],
        seen: &mut [bool],
        out: &mut [f64],
    ) {
        out.copy_from_slice(init);
        seen.fill(false);
        let mut n = node as usize;
        loop {
            let w = &self.walk[n];
            for e in (w.effects.0 as usize..w.effects.1 as usize).rev() {
                let m = self.effects[e].metric as usize;
                if !seen[m] {
                    seen[m] = true;
                    out[m] = effect_values[e];
                }
            }
            if n == 0 {
                break;
            }
            n = w.parent as usize;
        }
    }

    /// Rolls decisions back (children before parents: best option at each decision, first
    /// on a tie; expectation at each chance node). With [`Choose::RollBack`] it then sets each
    /// option's probability and returns true: path probabilities must be walked again.
    fn decide(&self, choose: Choose<'_>, s: &mut Scratch) -> bool {
        let Some((dir, obj)) = self.model.objective else {
            return false;
        };
        if self.decisions.is_empty() {
            return false;
        }
        let model = self.model;
        let kept = &self.shape.kept;
        let (k, obj) = (kept.metrics.len(), kept.slot[obj as usize] as usize);
        let leaves = &self.shape.sets.leaves;
        let mut ord = leaves.len();
        let mut d = self.decisions.len();
        for i in (0..model.nodes.len()).rev() {
            let children = model.children(i as NodeId);
            s.value[i] = if children.is_empty() {
                ord -= 1;
                s.leaf_metrics[ord * k + obj]
            } else if d > 0 && self.decisions[d - 1] as usize == i {
                d -= 1;
                let best = best_child(children, |c| s.value[c as usize], dir);
                s.best[d] = best as u32;
                s.value[children[best] as usize]
            } else {
                let mut acc = 0.0;
                for &c in children {
                    acc += s.cond[c as usize] * s.value[c as usize];
                }
                acc
            };
        }
        match choose {
            Choose::Fixed(_) => false,
            Choose::RollBack => {
                let chosen: Vec<NodeId> = self
                    .decisions
                    .iter()
                    .zip(&s.best)
                    .map(|(&dn, &b)| model.children(dn)[b as usize])
                    .collect();
                self.set_options(chosen.into_iter(), s);
                true
            }
        }
    }

    /// Gives each decision's chosen option probability 1 and the others 0.
    fn set_options(&self, chosen: impl Iterator<Item = NodeId>, s: &mut Scratch) {
        for (&dn, c) in self.decisions.iter().zip(chosen) {
            for &o in self.model.children(dn) {
                s.cond[o as usize] = if o == c { 1.0 } else { 0.0 };
            }
        }
    }

    /// Each node's probability: the product along its path. An option under an option not
    /// taken still counts as taken within its own decision; the zeros above multiply in.
    fn path_probabilities(&self, s: &mut Scratch) {
        s.path[0] = 1.0;
        for k in 1..self.parent.len() {
            s.path[k] = s.path[self.parent[k] as usize] * s.cond[k];
        }
        let mut total = 0.0;
        for (o, &l) in self.shape.sets.leaves.iter().enumerate() {
            s.leaf_prior[o] = s.path[l as usize];
            total += s.path[l as usize];
        }
        s.leaf_total = total;
    }

    /// An option not taken that a leaf of `inside` lies under, with no branch of
    /// probability 0 on its path, if any: why evidence that names a path can still have
    /// probability 0.
    fn option_not_taken(&self, inside: &LeafSet, s: &Scratch) -> Option<NodeId> {
        let nodes = &self.model.nodes;
        (1..nodes.len() as NodeId)
            .filter(|&k| {
                let ord = self.shape.sets.ordinal(k);
                ord != u32::MAX && inside.contains(ord)
            })
            .find_map(|leaf| {
                let mut n = leaf;
                // The option nearest the root that the path cannot pass, if what lies
                // above it can happen: otherwise the path is impossible whatever is chosen.
                let mut found = None;
                while n != 0 {
                    let node = &nodes[n as usize];
                    if node.kind == NodeKind::Option && s.cond[n as usize] == 0.0 {
                        found = Some(n);
                    }
                    if node.kind == NodeKind::Branch && s.cond[n as usize] <= 0.0 {
                        return None;
                    }
                    n = node.parent;
                }
                found
            })
    }

    /// Conditions the leaves on the evidence. Strict: evidence of probability 0 is an error;
    /// lenient: the run carries its probability, 0 included, as its weight.
    fn condition<F: Faults>(&self, faults: &mut F, s: &mut Scratch) -> Result<(), Abort> {
        let Some(inside) = &self.shape.evidence else {
            s.evidence = 1.0;
            return Ok(());
        };
        let pe = inside.sum(|o| s.leaf_prior[o]);
        s.evidence = pe;
        if pe <= 0.0 {
            if F::STRICT {
                let ev = &self.model.events[self.model.observe[0] as usize];
                let mut d = Diagnostic::error(
                    ev.file,
                    ev.span,
                    "the evidence has probability 0: no path with any probability is consistent with it",
                )
                .with_code(Code::ImpossibleCondition);
                if let Some(option) = self.option_not_taken(inside, s) {
                    d = d.with_help(format!(
                        "its paths run through `{}`, an option the decision does not take: \
                         evidence is about what happens, it does not choose. Each option's \
                         value is in the report's decisions; `scn sens` gives their risk profiles",
                        self.model.path_of(option)
                    ));
                }
                faults.report(d);
                return Err(Abort);
            }
            s.leaf_post.fill(0.0);
            return Ok(());
        }
        s.leaf_post.fill(0.0);
        for o in inside.iter() {
            let o = o as usize;
            s.leaf_post[o] = s.leaf_prior[o] / pe;
        }
        Ok(())
    }

    /// The forecasts, in order, under the leaf probabilities of this run: given the evidence,
    /// or before it with `prior`. An undefined forecast takes the value `undefined` returns
    /// on hearing why (NaN, or a stand-in that keeps later forecasts from failing again).
    pub(crate) fn forecasts<I: Inputs>(
        &self,
        inputs: &mut I,
        s: &mut Scratch,
        prior: bool,
        mut undefined: impl FnMut(usize, EvalError) -> f64,
    ) {
        let Scratch {
            lets,
            leaf_metrics,
            leaf_prior,
            leaf_post,
            forecasts,
            weights,
            stack,
            ..
        } = s;
        let probs: &[f64] = if prior || self.shape.evidence.is_none() {
            leaf_prior
        } else {
            leaf_post
        };

        let queries = &self.shape.queries;
        for (i, (kind, slot)) in self.forecasts.iter().enumerate() {
            let (result, weight) = match *kind {
                ForecastKind::Query(q) => (Ok(queries.ratio(q, probs, leaf_metrics).num), 1.0),
                ForecastKind::Conditional(q) => {
                    let r = queries.ratio(q, probs, leaf_metrics);
                    (quotient(r, slot.prog.span), r.den.max(0.0))
                }
                ForecastKind::General => {
                    let env = &mut KEnv {
                        inputs: &mut *inputs,
                        lets,
                        metrics: &[],
                        forecasts,
                        queries: Some((queries, probs, leaf_metrics)),
                    };
                    (program::run(slot.prog, env, stack), 1.0)
                }
            };
            let v = match result.and_then(|v| finite(v, slot.prog.span)) {
                Ok(v) => v,
                Err(e) => undefined(i, e),
            };
            forecasts[i] = v;
            weights[i] = weight;
        }
    }

    /// Runs an expectation's program against this run's forecasts and leaves.
    pub(crate) fn expectation<I: Inputs>(
        &self,
        program: &Program,
        inputs: &mut I,
        s: &mut Scratch,
    ) -> Result<f64, EvalError> {
        let probs: &[f64] = if self.shape.evidence.is_some() {
            &s.leaf_post
        } else {
            &s.leaf_prior
        };
        let env = &mut KEnv {
            inputs,
            lets: &s.lets,
            metrics: &[],
            forecasts: &s.forecasts,
            queries: Some((&self.shape.queries, probs, &s.leaf_metrics)),
        };
        program::run(program, env, &mut s.stack).and_then(|v| finite(v, program.span))
    }
}

/// The best of a decision's options by `value(node)`: the first on a tie.
#[inline(always)]
fn best_child(children: &[u32], value: impl Fn(u32) -> f64, dir: Direction) -> usize {
    let mut best = 0;
    for (j, &c) in children.iter().enumerate().skip(1) {
        let better = match dir {
            Direction::Maximize => value(c) > value(children[best]),
            Direction::Minimize => value(c) < value(children[best]),
        };
        if better {
            best = j;
        }
    }
    best
}
