//! One Monte Carlo sample: draw every let and inline distribution, then evaluate the whole
//! tree exactly with those values (docs/reference/evaluation.md#monte-carlo).

use rand::RngExt;
use scn_dsl::Span;
use scn_dsl::ast::{Direction, EffectOp};

use super::draw::{SampleRng, Sampler, draw};
use crate::dist::DistKind;
use crate::eval::apply;
use crate::eval::probs::SUM_TOLERANCE;
use crate::model::{NodeKind, ProbDef};
use crate::program::{Env, EvalError, Program, run};
use crate::{Evaluation, QueryPlan};

/// Why a sample was dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Drop {
    /// A value was not finite, or a distribution's sampled parameters were invalid.
    NonFinite,
    /// The evidence had probability 0 in this sample.
    Evidence,
}

/// The tree laid out for sampling: flat arrays in pre-order, built once per run, so a sample
/// touches only what it needs and never the model's node structs.
pub(crate) struct Plan<'m> {
    /// Nodes with a written probability, and its program.
    probs: Vec<(usize, &'m Program)>,
    /// Sets of sibling branches: `kids[start..end]`, and the one with `rest` if any.
    groups: Vec<(usize, usize, Option<usize>)>,
    kids: Vec<usize>,
    /// Each node's parent.
    parent: Vec<usize>,
    /// Each node's probability where it is not drawn: options keep the point evaluation's
    /// choice, the root is 1, `rest` is filled in later.
    fixed: Vec<f64>,
    /// Effects in tree order; node `i`'s are `effects[effect_end[i - 1]..effect_end[i]]`.
    effects: Vec<(usize, EffectOp, &'m Program)>,
    effect_end: Vec<usize>,
}

impl<'m> Plan<'m> {
    pub(crate) fn new(ev: &'m Evaluation) -> Plan<'m> {
        let nodes = &ev.model.nodes;
        let mut plan = Plan {
            probs: Vec::new(),
            groups: Vec::new(),
            kids: Vec::new(),
            parent: nodes.iter().map(|n| n.parent as usize).collect(),
            fixed: Vec::with_capacity(nodes.len()),
            effects: Vec::new(),
            effect_end: Vec::with_capacity(nodes.len()),
        };
        for (i, node) in nodes.iter().enumerate() {
            plan.fixed.push(match &node.prob {
                ProbDef::Expr(p) => {
                    plan.probs.push((i, p));
                    0.0
                }
                ProbDef::Rest => 0.0,
                ProbDef::None => ev.cond[i],
            });
            let branches = node
                .children
                .first()
                .is_some_and(|&c| nodes[c as usize].kind == NodeKind::Branch);
            if branches {
                let start = plan.kids.len();
                plan.kids.extend(node.children.iter().map(|&c| c as usize));
                let rest = node
                    .children
                    .iter()
                    .map(|&c| c as usize)
                    .find(|&c| matches!(nodes[c].prob, ProbDef::Rest));
                plan.groups.push((start, plan.kids.len(), rest));
            }
            plan.effects.extend(
                node.effects
                    .iter()
                    .map(|e| (e.metric as usize, e.op, &e.program)),
            );
            plan.effect_end.push(plan.effects.len());
        }
        plan
    }
}

/// What one sample produced, in scratch buffers reused from sample to sample.
pub(crate) struct Scratch {
    lets: Vec<f64>,
    init: Vec<f64>,
    cond: Vec<f64>,
    state: Vec<f64>,
    path: Vec<f64>,
    leaf_prob: Vec<f64>,
    leaf_metrics: Vec<f64>,
    value: Vec<f64>,
    stack: Vec<f64>,
    /// Forecast values of the last sample.
    pub forecasts: Vec<f64>,
    /// For each metric, its value on the leaf drawn in the last sample.
    pub outcome: Vec<f64>,
    /// For each decision, the option index that would have been best in the last sample.
    pub best: Vec<usize>,
    /// True when the last sample's probabilities were clamped or renormalised.
    pub adjusted: bool,
}

impl Scratch {
    pub(crate) fn new(ev: &Evaluation) -> Scratch {
        let m = &ev.model;
        let (n, k, leaves) = (m.nodes.len(), m.metrics.len(), ev.sets.leaves.len());
        Scratch {
            lets: Vec::with_capacity(m.lets.len()),
            init: Vec::with_capacity(k),
            cond: vec![0.0; n],
            state: vec![0.0; n * k],
            path: vec![0.0; n],
            leaf_prob: vec![0.0; leaves],
            leaf_metrics: vec![0.0; leaves * k],
            value: vec![0.0; n],
            stack: Vec::with_capacity(16),
            forecasts: Vec::with_capacity(m.forecasts.len()),
            outcome: vec![0.0; k],
            best: vec![0; ev.decisions.len()],
            adjusted: false,
        }
    }
}

/// Programs read sampled lets and metrics, and draw from distributions.
struct SampleEnv<'a> {
    samplers: &'a [Sampler],
    lets: &'a [f64],
    metrics: &'a [f64],
    forecasts: &'a [f64],
    plan: Option<(&'a QueryPlan, &'a [f64], &'a [f64])>,
    rng: &'a mut SampleRng,
}

impl<'a> SampleEnv<'a> {
    /// An environment of lets alone: no metrics, no forecasts, no queries.
    fn new(samplers: &'a [Sampler], lets: &'a [f64], rng: &'a mut SampleRng) -> Self {
        SampleEnv {
            samplers,
            lets,
            metrics: &[],
            forecasts: &[],
            plan: None,
            rng,
        }
    }
}

impl Env for SampleEnv<'_> {
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
        let (plan, probs, metrics) = self.plan.expect("queries are compiled only in forecasts");
        plan.value(i, probs, metrics, span)
    }

    fn dist(
        &mut self,
        kind: DistKind,
        _site: u32,
        args: &[f64],
        span: Span,
    ) -> Result<f64, EvalError> {
        draw(kind, args, self.rng).map_err(|message| EvalError { span, message })
    }

    fn const_dist(&mut self, i: u32, _span: Span) -> Result<f64, EvalError> {
        Ok(self.samplers[i as usize].sample(self.rng))
    }
}

/// Runs one sample into `s`. `inside` marks the leaves consistent with the evidence.
pub(crate) fn sample_once(
    ev: &Evaluation,
    plan: &Plan<'_>,
    samplers: &[Sampler],
    inside: Option<&[bool]>,
    rng: &mut SampleRng,
    s: &mut Scratch,
) -> Result<(), Drop> {
    let model = &ev.model;
    let k = model.metrics.len();
    let nf = |_| Drop::NonFinite;
    s.adjusted = false;

    s.lets.clear();
    for l in &model.lets {
        let env = &mut SampleEnv::new(samplers, &s.lets, rng);
        let v = run(&l.program, env, &mut s.stack).map_err(nf)?;
        s.lets.push(v);
    }
    s.init.clear();
    for m in &model.metrics {
        let env = &mut SampleEnv::new(samplers, &s.lets, rng);
        let v = run(&m.init, env, &mut s.stack).map_err(nf)?;
        s.init.push(v);
    }

    // Probabilities: written ones drawn and clamped, `rest` fills the gap, a set that does
    // not sum to 1 is renormalised. Options keep the point evaluation's choice.
    s.cond.copy_from_slice(&plan.fixed);
    for &(i, p) in &plan.probs {
        let env = &mut SampleEnv::new(samplers, &s.lets, rng);
        let v = run(p, env, &mut s.stack).map_err(nf)?;
        let c = v.clamp(0.0, 1.0);
        s.adjusted |= c != v;
        s.cond[i] = c;
    }
    for &(start, end, rest) in &plan.groups {
        let kids = &plan.kids[start..end];
        let mut sum: f64 = kids.iter().map(|&c| s.cond[c]).sum();
        if let Some(r) = rest {
            // `rest` is still 0 here, so `sum` is that of the others.
            s.cond[r] = (1.0 - sum).max(0.0);
            s.adjusted |= sum > 1.0 + SUM_TOLERANCE;
            sum += s.cond[r];
        }
        if (sum - 1.0).abs() > SUM_TOLERANCE {
            if sum <= 0.0 {
                return Err(Drop::NonFinite);
            }
            s.adjusted = true;
            for &c in kids {
                s.cond[c] /= sum;
            }
        }
    }

    // Metrics along each path, then path probabilities.
    s.state[..k].copy_from_slice(&s.init);
    s.path[0] = 1.0;
    let mut e = 0;
    for i in 0..plan.parent.len() {
        if i > 0 {
            let parent = plan.parent[i];
            // Element by element: for the usual one to five metrics a memcpy call costs more.
            for j in 0..k {
                s.state[i * k + j] = s.state[parent * k + j];
            }
            s.path[i] = s.path[parent] * s.cond[i];
        }
        while e < plan.effect_end[i] {
            let (metric, op, program) = plan.effects[e];
            e += 1;
            let state = &mut s.state[i * k..i * k + k];
            let env = &mut SampleEnv {
                metrics: state,
                ..SampleEnv::new(samplers, &s.lets, rng)
            };
            let v = run(program, env, &mut s.stack).map_err(nf)?;
            let slot = &mut state[metric];
            *slot = apply(op, *slot, v);
            if !slot.is_finite() {
                return Err(Drop::NonFinite);
            }
        }
    }

    // Which option each decision would take with this sample's numbers.
    if let Some((dir, obj)) = model.objective
        && !ev.decisions.is_empty()
    {
        for i in (0..model.nodes.len()).rev() {
            let node = &model.nodes[i];
            s.value[i] = if node.children.is_empty() {
                s.state[i * k + obj as usize]
            } else if node.is_decision(&model.nodes) {
                let best = best_child(&node.children, &s.value, dir);
                s.value[node.children[best] as usize]
            } else {
                node.children
                    .iter()
                    .map(|&c| s.cond[c as usize] * s.value[c as usize])
                    .sum()
            };
        }
        for (d, best) in ev.decisions.iter().zip(&mut s.best) {
            *best = best_child(&model.nodes[d.node as usize].children, &s.value, dir);
        }
    }

    // Leaves, conditioned on the evidence.
    let mut total = 0.0;
    for (o, &leaf) in ev.sets.leaves.iter().enumerate() {
        let keep = inside.is_none_or(|ins| ins[o]);
        let p = if keep { s.path[leaf as usize] } else { 0.0 };
        s.leaf_prob[o] = p;
        total += p;
        for j in 0..k {
            s.leaf_metrics[o * k + j] = s.state[leaf as usize * k + j];
        }
    }
    if inside.is_some() {
        if total <= 0.0 {
            return Err(Drop::Evidence);
        }
        for p in &mut s.leaf_prob {
            *p /= total;
        }
        total = 1.0;
    }

    s.forecasts.clear();
    for f in &model.forecasts {
        let env = &mut SampleEnv {
            samplers,
            lets: &s.lets,
            metrics: &[],
            forecasts: &s.forecasts,
            plan: Some((&ev.plan, &s.leaf_prob, &s.leaf_metrics)),
            rng,
        };
        let v = run(&f.program, env, &mut s.stack).map_err(nf)?;
        s.forecasts.push(v);
    }

    // One leaf, drawn with this sample's probabilities, gives each metric's outcome.
    if k > 0 {
        let u = rng.random::<f64>() * total;
        let mut acc = 0.0;
        // Rounding can leave u just above the last sum: fall back to the last possible leaf.
        let mut pick = s.leaf_prob.iter().rposition(|&p| p > 0.0).unwrap_or(0);
        for (o, &p) in s.leaf_prob.iter().enumerate() {
            acc += p;
            if u < acc && p > 0.0 {
                pick = o;
                break;
            }
        }
        s.outcome
            .copy_from_slice(&s.leaf_metrics[pick * k..pick * k + k]);
    }
    Ok(())
}

fn best_child(children: &[u32], value: &[f64], dir: Direction) -> usize {
    let mut best = 0;
    for (j, &c) in children.iter().enumerate().skip(1) {
        let better = match dir {
            Direction::Maximize => value[c as usize] > value[children[best] as usize],
            Direction::Minimize => value[c as usize] < value[children[best] as usize],
        };
        if better {
            best = j;
        }
    }
    best
}
