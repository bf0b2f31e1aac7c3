//! The exact (point) evaluation: the kernel run once with every distribution at its mean and
//! strict faults, then evidence, forecasts, expected metrics and expectations. Its result,
//! [`Evaluation`], is read through named views.

mod views;

use scn_dsl::Diagnostic;

pub use self::views::{
    Decision, ExpectOutcome, ForecastView, LetView, MetricView, NodeView, OptionValue,
};
use crate::kernel::inputs::Means;
use crate::kernel::leaves::LeafSets;
use crate::kernel::{Choose, Plan, Shape, Strict};
use crate::model::{Model, NodeId};

/// Values put in place of what the model computes, to ask "what if": used by sensitivity
/// analysis and by attribution of a change between two versions.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// A let's value, replacing its expression (later lets see the new value).
    pub lets: Vec<(u32, f64)>,
    /// A branch's written probability, replacing its expression (its `rest` sibling, if
    /// any, then takes what is left).
    pub probs: Vec<(NodeId, f64)>,
}

/// The result of evaluating a model exactly.
#[derive(Clone, Debug)]
pub struct Evaluation {
    model: Model,
    shape: Shape,
    lets: Vec<f64>,
    cond: Vec<f64>,
    prior: Vec<f64>,
    posterior: Option<Vec<f64>>,
    evidence: Option<f64>,
    /// Node `k`'s effects are `effect_values[effect_start[k]..effect_start[k + 1]]`, each
    /// with the metric it changes.
    effect_start: Vec<u32>,
    effect_values: Vec<(u32, f64)>,
    init: Vec<f64>,
    values: Option<Vec<f64>>,
    decisions: Vec<Decision>,
    forecasts: Vec<(Option<f64>, Option<f64>)>,
    metrics: Vec<(f64, Option<f64>)>,
    expects: Vec<ExpectOutcome>,
    warnings: Vec<String>,
}

/// Evaluates a model exactly. Errors are every problem found in the first phase that had
/// any (later phases would only repeat them).
pub fn evaluate(model: Model) -> Result<Evaluation, Vec<Diagnostic>> {
    evaluate_with(model, &Overrides::default())
}

/// Evaluates a model exactly with some values put in place of what it computes.
pub fn evaluate_with(model: Model, overrides: &Overrides) -> Result<Evaluation, Vec<Diagnostic>> {
    evaluate_in(model, overrides, |_| ()).map(|(ev, ())| ev)
}

/// An evaluation with the layout of the tree it was computed on, for the analyses that
/// evaluate the same tree again: see [`evaluate_then`].
pub struct Prepared<'e> {
    pub(crate) ev: &'e Evaluation,
    pub(crate) plan: Plan<'e>,
}

impl Prepared<'_> {
    /// The evaluation.
    pub fn evaluation(&self) -> &Evaluation {
        self.ev
    }
}

/// Evaluates a model exactly, as [`evaluate`] does, then calls `then` while the layout of
/// the tree is still at hand: an analysis given the [`Prepared`] evaluation (the report's
/// drivers through [`crate::analysis::one_way_prepared`]) does not lay a big tree out again.
pub fn evaluate_then<R>(
    model: Model,
    then: impl FnOnce(&Prepared<'_>) -> R,
) -> Result<(Evaluation, R), Vec<Diagnostic>> {
    evaluate_in(model, &Overrides::default(), then)
}

/// The warning for forecasts that command-line evidence leaves undefined, for one reason:
/// `--given` ruling out a condition can leave a dozen so, which one line says better than a
/// dozen.
fn undefined_given(names: &[&str], why: &str) -> String {
    const LISTED: usize = 8;
    let quoted: Vec<String> = names
        .iter()
        .take(LISTED)
        .map(|n| format!("`{n}`"))
        .collect();
    let list = match (quoted.len(), names.len() - quoted.len()) {
        (1, _) => {
            return format!(
                "the forecast {} is undefined given the evidence: {why}",
                quoted[0]
            );
        }
        (_, 0) => {
            let (last, rest) = quoted.split_last().expect("two or more");
            format!("{} and {last}", rest.join(", "))
        }
        (_, more) => format!("{} and {more} more", quoted.join(", ")),
    };
    format!(
        "the {} forecasts {list} are undefined given the evidence: {why}",
        names.len()
    )
}

fn evaluate_in<R>(
    model: Model,
    overrides: &Overrides,
    then: impl FnOnce(&Prepared<'_>) -> R,
) -> Result<(Evaluation, R), Vec<Diagnostic>> {
    let shape = Shape::new(&model).map_err(|d| vec![d])?;
    // The evaluation holds the model and the shape from the start, so that the layout,
    // which borrows them, can outlive the filling in of the results and serve `then`.
    let mut ev = Evaluation {
        model,
        shape,
        lets: Vec::new(),
        cond: Vec::new(),
        prior: Vec::new(),
        posterior: None,
        evidence: None,
        effect_start: Vec::new(),
        effect_values: Vec::new(),
        init: Vec::new(),
        values: None,
        decisions: Vec::new(),
        forecasts: Vec::new(),
        metrics: Vec::new(),
        expects: Vec::new(),
        warnings: Vec::new(),
    };
    let model = &ev.model;
    let plan = Plan::new(model, &ev.shape);
    let mut s = plan.scratch();
    let mut inputs = Means::new(&model.const_dists);
    let mut faults = Strict::default();
    if plan
        .run_with(
            &mut inputs,
            &mut faults,
            Choose::RollBack,
            overrides,
            &mut s,
        )
        .is_err()
    {
        return Err(faults.diags);
    }
    let evidence = plan.shape.evidence.is_some();
    let m = model.metrics.len();

    // Forecasts before the evidence, then given it. Evidence from the command line
    // explores "what if": a forecast it makes undefined (a condition it rules out) is
    // reported as such, not a reason to refuse the report.
    let mut diags: Vec<Diagnostic> = Vec::new();
    let strict = |diags: &mut Vec<Diagnostic>, i: usize, e: crate::program::EvalError| {
        let p = &model.forecasts[i].program;
        if !diags
            .iter()
            .any(|d| d.span == e.span() && d.message == e.message())
        {
            diags.push(e.into_diagnostic(p.file));
        }
        // A stand-in, so that later forecasts reading this one do not fail again.
        0.0
    };
    let prior_forecasts = evidence.then(|| {
        plan.forecasts(&mut inputs, &mut s, true, |i, e| strict(&mut diags, i, e));
        s.forecasts.clone()
    });
    let mut warnings = Vec::new();
    let mut undefined = vec![false; model.forecasts.len()];
    let lenient = model.given > 0;
    // Forecasts undefined for one reason, in order: one warning names them all.
    let mut why_undefined: Vec<(String, Vec<&str>)> = Vec::new();
    plan.forecasts(&mut inputs, &mut s, false, |i, e| {
        if lenient {
            let why = e
                .message()
                .trim_end_matches(", so this is undefined")
                .to_owned();
            let name = model.forecasts[i].name.as_str();
            match why_undefined.iter_mut().find(|(w, _)| *w == why) {
                Some((_, names)) => names.push(name),
                None => why_undefined.push((why, vec![name])),
            }
            undefined[i] = true;
            f64::NAN
        } else {
            strict(&mut diags, i, e)
        }
    });
    if !diags.is_empty() {
        return Err(diags);
    }
    for (why, names) in why_undefined {
        warnings.push(undefined_given(&names, &why));
    }
    let forecasts: Vec<(Option<f64>, Option<f64>)> = s
        .forecasts
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            (
                (!undefined[i]).then_some(v),
                prior_forecasts.as_ref().map(|p| p[i]),
            )
        })
        .collect();

    let n = model.nodes.len();
    let posterior = evidence.then(|| {
        let mut node_post = vec![0.0; n];
        for (o, &l) in plan.shape.sets.leaves.iter().enumerate() {
            node_post[l as usize] = s.leaf_post[o];
        }
        // Children come after parents: a reverse scan adds each subtree into its parent.
        for k in (1..n).rev() {
            let parent = model.nodes[k].parent as usize;
            node_post[parent] += node_post[k];
        }
        node_post
    });
    // A metric's value on a path is its initial value plus what each effect on the path
    // changed, so its expectation is the initial value plus each effect's change weighted by
    // its node's probability: time and memory follow the effects, not leaves × metrics.
    let expected = |mass: &[f64], total: f64| -> Vec<f64> {
        let mut acc = vec![0.0; m];
        for (k, &mass) in mass.iter().enumerate() {
            for e in plan.effects_of(k) {
                let metric = plan.effect_metric(e) as usize;
                acc[metric] += (s.effect_values[e] - s.effect_before[e]) * mass;
            }
        }
        (0..m).map(|j| s.init[j] * total + acc[j]).collect()
    };
    let now = match &posterior {
        Some(post) => expected(post, post[0]),
        None => expected(&s.path, s.leaf_total),
    };
    let before = evidence.then(|| expected(&s.path, s.leaf_total));
    let metrics: Vec<(f64, Option<f64>)> = (0..m)
        .map(|j| (now[j], before.as_ref().map(|b| b[j])))
        .collect();

    let mut expects = Vec::with_capacity(model.expects.len());
    for ex in &model.expects {
        match plan.expectation(&ex.program, &mut inputs, &mut s) {
            Ok(v) => expects.push(ExpectOutcome {
                value: Some(v),
                holds: ex.lo <= v && v <= ex.hi,
            }),
            // Undefined under command-line evidence: it cannot hold.
            Err(_) if lenient => expects.push(ExpectOutcome {
                value: None,
                holds: false,
            }),
            Err(e) => diags.push(e.into_diagnostic(ex.program.file)),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }

    let decisions = plan
        .decision_nodes()
        .iter()
        .zip(&s.best)
        .map(|(&node, &best)| {
            let options = &model.children(node);
            Decision {
                node,
                choice: options[best as usize],
                options: options
                    .iter()
                    .map(|&o| OptionValue {
                        node: o,
                        value: s.value[o as usize],
                    })
                    .collect(),
            }
        })
        .collect();
    let effect_start = plan.effect_starts().to_vec();
    let effect_values = s
        .effect_values
        .iter()
        .enumerate()
        .map(|(e, &v)| (plan.effect_metric(e), v))
        .collect();
    let values = (!s.value.is_empty()).then(|| std::mem::take(&mut s.value));
    ev.lets = std::mem::take(&mut s.lets);
    ev.cond = std::mem::take(&mut s.cond);
    ev.prior = std::mem::take(&mut s.path);
    ev.init = std::mem::take(&mut s.init);
    ev.evidence = evidence.then_some(s.evidence);
    // The rest of the buffers go before `then`, which may want the memory.
    drop(s);
    ev.posterior = posterior;
    ev.effect_start = effect_start;
    ev.effect_values = effect_values;
    ev.values = values;
    ev.decisions = decisions;
    ev.forecasts = forecasts;
    ev.metrics = metrics;
    ev.expects = expects;
    ev.warnings = warnings;
    let prepared = Prepared { ev: &ev, plan };
    let r = then(&prepared);
    drop(prepared);
    Ok((ev, r))
}

impl Evaluation {
    /// The model evaluated.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The leaves and the leaf sets of events.
    pub fn leaf_sets(&self) -> &LeafSets {
        &self.shape.sets
    }

    pub(crate) fn shape(&self) -> &Shape {
        &self.shape
    }

    /// The leaves in tree order.
    pub fn leaves(&self) -> &[NodeId] {
        &self.shape.sets.leaves
    }

    /// The leaves by descending probability now (given the evidence), ties in tree order.
    pub fn paths(&self) -> Vec<NodeId> {
        self.most_probable_first(self.leaves().iter().copied())
    }

    /// `nodes` by descending probability now (given the evidence), ties in tree order.
    pub fn most_probable_first(&self, nodes: impl Iterator<Item = NodeId>) -> Vec<NodeId> {
        let p = self.posterior.as_ref().unwrap_or(&self.prior);
        // Each probability sorted beside its node rather than looked up in each comparison:
        // on a big tree that is a cache miss per comparison.
        let mut by: Vec<(f64, NodeId)> = nodes.map(|k| (p[k as usize], k)).collect();
        by.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        by.into_iter().map(|(_, k)| k).collect()
    }

    /// The probability of the evidence, when there is evidence.
    pub fn evidence(&self) -> Option<f64> {
        self.evidence
    }

    /// Every decision node in tree order, with each option's value.
    pub fn decisions(&self) -> &[Decision] {
        &self.decisions
    }

    /// Things a reader should know, as sentences.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Metric `m`'s initial value.
    pub(crate) fn initial(&self, m: usize) -> f64 {
        self.init[m]
    }

    /// A metric's value at a node: after that node's effects, on its path.
    pub fn metric_at(&self, node: NodeId, metric: usize) -> f64 {
        // The last effect on the metric at or above the node, else its initial value.
        let mut n = node;
        loop {
            if let Some(&(_, v)) = self
                .effects_at(n)
                .iter()
                .rev()
                .find(|(m, _)| *m as usize == metric)
            {
                return v;
            }
            if n == 0 {
                return self.init[metric];
            }
            n = self.model.nodes[n as usize].parent;
        }
    }

    /// Every metric's value, in order, into `out`, at the last node of `path`: the nodes from
    /// just below the root down to it (empty for the root). The caller walks the path: the
    /// JSON report walks many leaves' paths at once, which a walk here would undo.
    pub fn metrics_along(&self, path: &[NodeId], out: &mut Vec<f64>) {
        out.clear();
        out.extend_from_slice(&self.init);
        for k in std::iter::once(0).chain(path.iter().copied()) {
            for &(m, v) in self.effects_at(k) {
                out[m as usize] = v;
            }
        }
    }

    /// Every metric's value before any effect, in order.
    pub fn initial_metrics(&self) -> &[f64] {
        &self.init
    }

    /// Node `n`'s effects, in the order they apply: each metric's index and its value once
    /// set. A node's metrics are its parent's with these applied (the root's: the initial
    /// values with these applied).
    pub fn effects_at(&self, n: NodeId) -> &[(u32, f64)] {
        let n = n as usize;
        &self.effect_values[self.effect_start[n] as usize..self.effect_start[n + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::undefined_given;

    #[test]
    fn forecasts_undefined_for_one_reason_share_a_warning() {
        let why = "the condition after `|` has probability 0";
        assert_eq!(
            undefined_given(&["a"], why),
            "the forecast `a` is undefined given the evidence: the condition after `|` has probability 0"
        );
        assert_eq!(
            undefined_given(&["a", "b", "c"], why),
            "the 3 forecasts `a`, `b` and `c` are undefined given the evidence: the condition after `|` has probability 0"
        );
        let ten: Vec<String> = (0..10).map(|i| format!("f{i}")).collect();
        let ten: Vec<&str> = ten.iter().map(String::as_str).collect();
        assert!(undefined_given(&ten, why).starts_with(
            "the 10 forecasts `f0`, `f1`, `f2`, `f3`, `f4`, `f5`, `f6`, `f7` and 2 more are"
        ));
    }
}
