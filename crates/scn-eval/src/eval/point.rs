//! The point evaluation: every distribution replaced by its mean, then the tree evaluated
//! exactly, evidence applied, forecasts and expectations.

use scn_dsl::Diagnostic;
use scn_dsl::ast::{Direction, EffectOp};

use super::env::PointEnv;
use super::probs::complete_point;
use super::queries::{QueryCtx, QueryPlan};
use super::sets::LeafSets;
use crate::model::{Model, NodeId, ProbDef};
use crate::program::{EvalError, Program, run};

/// The result of evaluating a model.
#[derive(Clone, Debug)]
pub struct Evaluation {
    /// The model evaluated.
    pub model: Model,
    /// The leaves and event sets.
    pub sets: LeafSets,
    /// The leaves each query sums over.
    pub plan: QueryPlan,
    /// Point value of each let.
    pub lets: Vec<f64>,
    /// Each node's probability given its parent (options: 1 if chosen, else 0).
    pub cond: Vec<f64>,
    /// Each node's probability before evidence.
    pub prior: Vec<f64>,
    /// Each node's probability given the evidence, when there is evidence.
    pub posterior: Option<Vec<f64>>,
    /// The probability of the evidence, when there is evidence.
    pub evidence: Option<f64>,
    /// Metric values after each node's effects: `[node * metrics + m]`.
    pub metric_values: Vec<f64>,
    /// Each node's rolled-back value of the objective, when there is one.
    pub values: Option<Vec<f64>>,
    /// Every decision node in tree order.
    pub decisions: Vec<Decision>,
    /// Each forecast's value (posterior), and its prior value when there is evidence.
    pub forecasts: Vec<(f64, Option<f64>)>,
    /// Each metric's expected value (posterior), and its prior when there is evidence.
    pub metrics: Vec<(f64, Option<f64>)>,
    /// Each expectation's outcome.
    pub expects: Vec<ExpectOutcome>,
    /// Things a reader should know, as sentences.
    pub warnings: Vec<String>,
}

/// A decision and the value of each option.
#[derive(Clone, Debug)]
pub struct Decision {
    /// The node holding the options.
    pub node: NodeId,
    /// The option taken.
    pub choice: NodeId,
    /// Each option with its value, in source order.
    pub values: Vec<(NodeId, f64)>,
}

/// An expectation checked.
#[derive(Clone, Debug)]
pub struct ExpectOutcome {
    /// The value found.
    pub value: f64,
    /// True when it lies within the bounds.
    pub holds: bool,
}

fn diag(p: &Program, e: EvalError) -> Diagnostic {
    Diagnostic::error(p.file, e.span, e.message)
}

/// Evaluates a model exactly. Errors are every problem found in the first phase that had
/// any (later phases would only repeat them).
pub fn evaluate(model: Model) -> Result<Evaluation, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut stack = Vec::new();
    let m = model.metrics.len();

    // Lets, then metrics' initial values.
    let mut lets = Vec::with_capacity(model.lets.len());
    for l in &model.lets {
        let env = &mut PointEnv::new(&model.const_dists, &lets);
        match run(&l.program, env, &mut stack) {
            Ok(v) => lets.push(v),
            Err(e) => {
                diags.push(diag(&l.program, e));
                lets.push(0.0);
            }
        }
    }
    let mut init = Vec::with_capacity(m);
    for metric in &model.metrics {
        let env = &mut PointEnv::new(&model.const_dists, &lets);
        init.push(run(&metric.init, env, &mut stack).unwrap_or_else(|e| {
            diags.push(diag(&metric.init, e));
            0.0
        }));
    }
    if !diags.is_empty() {
        return Err(diags);
    }

    // Conditional probabilities.
    let n = model.nodes.len();
    let mut cond = vec![1.0; n];
    for (k, node) in model.nodes.iter().enumerate() {
        if let ProbDef::Expr(p) = &node.prob {
            let env = &mut PointEnv::new(&model.const_dists, &lets);
            match run(p, env, &mut stack) {
                Ok(v) => cond[k] = v,
                Err(e) => diags.push(diag(p, e)),
            }
        }
    }
    if diags.is_empty() {
        complete_point(&model, &mut cond, &mut diags);
    }
    if !diags.is_empty() {
        return Err(diags);
    }

    // Metrics along each path: a node starts from its parent's values.
    let mut metric_values = vec![0.0; n * m];
    metric_values[..m].copy_from_slice(&init);
    for k in 0..n {
        if k > 0 {
            let parent = model.nodes[k].parent as usize;
            metric_values.copy_within(parent * m..parent * m + m, k * m);
        }
        for eff in &model.nodes[k].effects {
            let state = &mut metric_values[k * m..k * m + m];
            let env = &mut PointEnv {
                metrics: state,
                ..PointEnv::new(&model.const_dists, &lets)
            };
            match run(&eff.program, env, &mut stack) {
                Ok(v) => {
                    let slot = &mut state[eff.metric as usize];
                    let new = apply(eff.op, *slot, v);
                    if new.is_finite() {
                        *slot = new;
                    } else {
                        diags.push(Diagnostic::error(
                            eff.program.file,
                            eff.program.span,
                            format!(
                                "this effect makes the metric `{}` {new}, not a finite number",
                                model.metrics[eff.metric as usize].name
                            ),
                        ));
                    }
                }
                Err(e) => diags.push(diag(&eff.program, e)),
            }
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }

    // Decisions, rolled back on the prior tree.
    let (values, decisions) = match model.objective {
        Some((dir, obj)) => {
            let (values, decisions) = roll_back(&model, &cond, &metric_values, dir, obj as usize);
            for d in &decisions {
                for &(o, _) in &d.values {
                    cond[o as usize] = if o == d.choice { 1.0 } else { 0.0 };
                }
            }
            (Some(values), decisions)
        }
        None => (None, Vec::new()),
    };
    // An option under an option not taken still counts as taken within its own decision;
    // path probabilities multiply the zeros in.
    let mut prior = vec![0.0; n];
    prior[0] = 1.0;
    for k in 1..n {
        prior[k] = prior[model.nodes[k].parent as usize] * cond[k];
    }

    let sets = LeafSets::new(&model);
    let leaf_prior: Vec<f64> = sets.leaves.iter().map(|&l| prior[l as usize]).collect();
    let mut leaf_metrics = Vec::with_capacity(sets.leaves.len() * m);
    for &l in &sets.leaves {
        leaf_metrics.extend_from_slice(&metric_values[l as usize * m..l as usize * m + m]);
    }

    // Evidence.
    let (leaf_post, evidence) = if model.observe.is_empty() {
        (None, None)
    } else {
        let inside: Vec<bool> = (0..sets.leaves.len() as u32)
            .map(|o| model.observe.iter().all(|&e| sets.contains(e, o)))
            .collect();
        let pe: f64 = leaf_prior
            .iter()
            .zip(&inside)
            .filter(|(_, i)| **i)
            .map(|(p, _)| p)
            .sum();
        if pe <= 0.0 {
            let ev = &model.events[model.observe[0] as usize];
            return Err(vec![Diagnostic::error(
                ev.file,
                ev.span,
                "the evidence has probability 0: no path with any probability is consistent with it",
            )]);
        }
        let post: Vec<f64> = leaf_prior
            .iter()
            .zip(&inside)
            .map(|(p, &i)| if i { p / pe } else { 0.0 })
            .collect();
        (Some(post), Some(pe))
    };
    let posterior = leaf_post.as_ref().map(|lp| {
        let mut node_post = vec![0.0; n];
        for (o, &l) in sets.leaves.iter().enumerate() {
            node_post[l as usize] = lp[o];
        }
        // Children come after parents: a reverse scan adds each subtree into its parent.
        for k in (1..n).rev() {
            let parent = model.nodes[k].parent as usize;
            node_post[parent] += node_post[k];
        }
        node_post
    });

    // Forecasts, expected metrics, expectations: under the evidence, and before it.
    let weights_now = leaf_post.as_deref().unwrap_or(&leaf_prior);
    let plan = QueryPlan::new(&model, &sets);
    let ctx_now = QueryCtx {
        plan: &plan,
        leaf_prob: weights_now,
        leaf_metrics: &leaf_metrics,
    };
    let ctx_prior = QueryCtx {
        plan: &plan,
        leaf_prob: &leaf_prior,
        leaf_metrics: &leaf_metrics,
    };
    let before = if leaf_post.is_some() {
        Some(run_forecasts(
            &model, &lets, &ctx_prior, &mut stack, &mut diags, None,
        ))
    } else {
        None
    };
    // Evidence from the command line explores "what if": a forecast it makes undefined
    // (a condition it rules out) is reported as such, not a reason to refuse the report.
    let mut warnings = Vec::new();
    let lenient = (model.given > 0).then_some(&mut warnings);
    let now = run_forecasts(&model, &lets, &ctx_now, &mut stack, &mut diags, lenient);
    if !diags.is_empty() {
        return Err(diags);
    }
    let forecasts: Vec<(f64, Option<f64>)> = now
        .iter()
        .enumerate()
        .map(|(i, &v)| (v, before.as_ref().map(|b| b[i])))
        .collect();
    let expected = |w: &[f64], j: usize| -> f64 {
        w.iter()
            .enumerate()
            .map(|(o, p)| p * leaf_metrics[o * m + j])
            .sum()
    };
    let metrics: Vec<(f64, Option<f64>)> = (0..m)
        .map(|j| {
            (
                expected(weights_now, j),
                leaf_post.as_ref().map(|_| expected(&leaf_prior, j)),
            )
        })
        .collect();
    let mut expects = Vec::with_capacity(model.expects.len());
    for ex in &model.expects {
        let env = &mut PointEnv {
            consts: &model.const_dists,
            lets: &lets,
            metrics: &[],
            forecasts: &now,
            queries: Some(&ctx_now),
        };
        match run(&ex.program, env, &mut stack) {
            Ok(v) => expects.push(ExpectOutcome {
                value: v,
                holds: ex.lo <= v && v <= ex.hi,
            }),
            // Undefined under command-line evidence: it cannot hold.
            Err(_) if model.given > 0 => expects.push(ExpectOutcome {
                value: f64::NAN,
                holds: false,
            }),
            Err(e) => diags.push(diag(&ex.program, e)),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Evaluation {
        model,
        sets,
        plan,
        lets,
        cond,
        prior,
        posterior,
        evidence,
        metric_values,
        values,
        decisions,
        forecasts,
        metrics,
        expects,
        warnings,
    })
}

fn run_forecasts(
    model: &Model,
    lets: &[f64],
    ctx: &QueryCtx<'_>,
    stack: &mut Vec<f64>,
    diags: &mut Vec<Diagnostic>,
    mut undefined: Option<&mut Vec<String>>,
) -> Vec<f64> {
    let mut out = Vec::with_capacity(model.forecasts.len());
    for f in &model.forecasts {
        let env = &mut PointEnv {
            consts: &model.const_dists,
            lets,
            metrics: &[],
            forecasts: &out,
            queries: Some(ctx),
        };
        match run(&f.program, env, stack) {
            Ok(v) => out.push(v),
            Err(e) if undefined.is_some() => {
                if let Some(w) = undefined.as_deref_mut() {
                    w.push(format!(
                        "the forecast `{}` is undefined given the evidence: {}",
                        f.name, e.message
                    ));
                }
                out.push(f64::NAN);
            }
            Err(e) => {
                if !diags
                    .iter()
                    .any(|d| d.span == e.span && d.message == e.message)
                {
                    diags.push(diag(&f.program, e));
                }
                out.push(0.0);
            }
        }
    }
    out
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

/// Backward induction: children before parents, best option at each decision (first on a
/// tie), expectation at each chance node.
pub(crate) fn roll_back(
    model: &Model,
    cond: &[f64],
    metric_values: &[f64],
    dir: Direction,
    obj: usize,
) -> (Vec<f64>, Vec<Decision>) {
    let m = model.metrics.len();
    let n = model.nodes.len();
    let mut value = vec![0.0; n];
    let mut decisions = Vec::new();
    for k in (0..n).rev() {
        let node = &model.nodes[k];
        if node.children.is_empty() {
            value[k] = metric_values[k * m + obj];
        } else if node.is_decision(&model.nodes) {
            let mut best = node.children[0];
            for &c in &node.children[1..] {
                let better = match dir {
                    Direction::Maximize => value[c as usize] > value[best as usize],
                    Direction::Minimize => value[c as usize] < value[best as usize],
                };
                if better {
                    best = c;
                }
            }
            value[k] = value[best as usize];
            let values = node
                .children
                .iter()
                .map(|&c| (c, value[c as usize]))
                .collect();
            decisions.push(Decision {
                node: k as NodeId,
                choice: best,
                values,
            });
        } else {
            value[k] = node
                .children
                .iter()
                .map(|&c| cond[c as usize] * value[c as usize])
                .sum();
        }
    }
    decisions.reverse();
    (value, decisions)
}
