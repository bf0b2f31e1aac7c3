//! The inputs an analysis moves, and how far.
//!
//! An input is a scenario `let` whose expression is a number (`0.3`, `57 / 365`) or a single
//! distribution (`beta(2, 18)`, `500k to 750k`, `normal(mu, 2)`), or a branch whose
//! probability is written as a number. A let computed from other lets is not an input of its
//! own: its inputs are. Template parameters are not inputs either: what a `use` passes is
//! varied where it is written (a let passed in is varied as that let).
//!
//! The range a tornado moves an input over: a distribution's 5th to 95th percentile; a
//! number that is a probability ±10 percentage points, clamped to [0, 1]; any other number
//! ±20%. `--range NAME=LO..HI` replaces one input's range (and may make a computed let an
//! input). Thresholds search a distribution over its 1st to 99th percentile, anything else
//! over its tornado range.

use super::WORK_BUDGET;
use crate::Evaluation;
use crate::dist::DistKind;
use crate::eval::Overrides;
use crate::model::{NodeId, ProbDef, Query};
use crate::program::{ConstDist, Env, EvalError, Instr, Program, interpret};

/// Percentage points a probability moves by.
const POINTS: f64 = 0.10;
/// Share any other number moves by.
const RELATIVE: f64 = 0.20;

/// One input.
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    /// The let's name, or the branch's dotted path.
    pub name: String,
    /// What is moved.
    pub kind: InputKind,
    /// Its value in the point evaluation.
    pub base: f64,
    /// The tornado's low end.
    pub low: f64,
    /// The tornado's high end.
    pub high: f64,
    /// Where thresholds are searched, low end first.
    pub search: (f64, f64),
    /// How the range was chosen.
    pub range: RangeKind,
}

/// What an input moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// A let, by index in the model.
    Let(u32),
    /// A branch's written probability. Its `rest` sibling, if any, takes up the change;
    /// otherwise its siblings are rescaled in proportion, so that they still sum to 1.
    Branch(NodeId),
}

/// How an input's range was chosen.
#[derive(Clone, Debug, PartialEq)]
pub enum RangeKind {
    /// The 5th and 95th percentiles of this distribution (parameters as evaluated with
    /// every other input at its mean).
    Percentiles(DistKind, Vec<f64>),
    /// A probability, moved by ±10 percentage points within [0, 1] (and within what a
    /// `rest` sibling leaves).
    Points,
    /// A number, moved by ±20%.
    Relative,
    /// Given with `--range`.
    Given,
}

/// A range given by the user: `NAME=LO..HI`.
#[derive(Clone, Debug, PartialEq)]
pub struct Range {
    /// A scenario let's name or a branch's dotted path.
    pub name: String,
    /// The low end.
    pub low: f64,
    /// The high end.
    pub high: f64,
}

/// The inputs of a model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct InputSet {
    /// Lets in declaration order, then branches in tree order.
    pub inputs: Vec<Input>,
    /// Lets that hold uncertainty but cannot be moved exactly: a distribution inside
    /// arithmetic (`2 * beta(2, 3)`). Their names.
    pub mixed: Vec<String>,
    /// Inputs left out because the tree is too large to re-evaluate for each of them:
    /// the least probable branches first, then the last lets.
    pub dropped: usize,
}

/// How a let's expression is built, for deciding whether it is an input.
enum Form {
    /// Numbers and arithmetic on them only.
    Constant,
    /// One distribution at the top.
    Distribution,
    /// A distribution inside arithmetic.
    Mixed,
    /// Reads other lets, without a distribution of its own.
    Computed,
}

fn form(p: &Program) -> Form {
    let draws = |i: &Instr| matches!(i, Instr::Dist(..) | Instr::ConstDist(_));
    if p.code.last().is_some_and(draws) {
        return Form::Distribution;
    }
    if p.code.iter().any(draws) {
        return Form::Mixed;
    }
    let pure = p.code.iter().all(|i| {
        matches!(
            i,
            Instr::Const(_) | Instr::Neg | Instr::Bin(_) | Instr::BinConst(..) | Instr::Call(..)
        )
    });
    if pure { Form::Constant } else { Form::Computed }
}

/// True when the program draws from a distribution of its own.
pub(crate) fn draws(p: &Program) -> bool {
    p.code
        .iter()
        .any(|i| matches!(i, Instr::Dist(..) | Instr::ConstDist(_)))
}

/// Finds the inputs of an evaluated model. `Err` names a `--range` that matches nothing
/// that can be moved.
pub fn inputs(ev: &Evaluation, ranges: &[Range]) -> Result<InputSet, String> {
    // Thresholds search each input against every decision: many runs per input.
    let per_input = if ev.decisions().is_empty() { 2.0 } else { 80.0 };
    select(ev, ranges, WORK_BUDGET / per_input)
}

/// The inputs of a tornado alone (two runs each), within `budget` in the units of
/// [`WORK_BUDGET`]: what a report that only names the strongest drivers can afford.
pub fn tornado_inputs(ev: &Evaluation, budget: f64) -> InputSet {
    select(ev, &[], budget / 2.0).unwrap_or_default()
}

/// The inputs, as many as `runs` re-evaluations of the whole tree allow.
fn select(ev: &Evaluation, ranges: &[Range], runs: f64) -> Result<InputSet, String> {
    let model = ev.model();
    let (used_in_prob, constant_branches) = read_probabilities(ev);
    let lets: Vec<f64> = ev.lets().map(|l| l.value).collect();
    let mut set = InputSet::default();
    for r in ranges {
        if r.low > r.high || !r.low.is_finite() || !r.high.is_finite() {
            return Err(format!(
                "--range {}: the low end must be a number no greater than the high end",
                r.name
            ));
        }
        let known = model.lets.iter().any(|l| !l.is_param && l.name == r.name)
            || branch_by_path(ev, &r.name).is_some();
        if !known {
            return Err(format!(
                "--range {}: no scenario let and no branch with a written probability is called `{}`",
                r.name, r.name
            ));
        }
    }
    let given = |name: &str| ranges.iter().rev().find(|r| r.name == name);

    for (i, def) in model.lets.iter().enumerate() {
        if def.is_param {
            continue;
        }
        let base = lets[i];
        let kind = InputKind::Let(i as u32);
        if let Some(r) = given(&def.name) {
            set.inputs.push(user_range(&def.name, kind, base, r));
            continue;
        }
        let input = match form(&def.program) {
            Form::Constant => {
                let probability = used_in_prob[i] && (0.0..=1.0).contains(&base);
                nudged(&def.name, kind, base, probability, 1.0)
            }
            Form::Distribution => match top_distribution(&def.program, &lets, model) {
                Some((dist, args)) => percentiles(&def.name, kind, base, dist, args),
                None => continue,
            },
            Form::Mixed => {
                set.mixed.push(def.name.clone());
                continue;
            }
            Form::Computed => continue,
        };
        set.inputs.push(input);
    }

    // Each input costs a few re-evaluations of the whole tree; on a tree too large for all
    // of them, keep the lets in order, then the most probable branches.
    let affordable = ((runs / evaluation_cost(ev)) as usize).max(1);
    if set.inputs.len() > affordable {
        // No branch is kept: count those that would be inputs, without the views and sums
        // each would need (a branch's name only when a `--range` could match it).
        let branches = if ranges.is_empty() {
            constant_branches
        } else {
            model
                .nodes
                .iter()
                .enumerate()
                .filter(|&(k, n)| match &n.prob {
                    ProbDef::Expr(p) => {
                        matches!(form(p), Form::Constant)
                            || given(&model.path_of(k as NodeId)).is_some()
                    }
                    _ => false,
                })
                .count()
        };
        set.dropped += set.inputs.len() - affordable + branches;
        set.inputs.truncate(affordable);
        return Ok(set);
    }

    // A branch's name is its dotted path, a walk up the tree and a string: on a big tree,
    // where most branches are dropped below, only those kept are named.
    enum Candidate {
        Given(Input),
        Nudged { base: f64, cap: f64 },
    }
    let mut branches = Vec::new();
    for (k, node) in model.nodes.iter().enumerate() {
        let ProbDef::Expr(p) = &node.prob else {
            continue;
        };
        let kind = InputKind::Branch(k as NodeId);
        let view = ev.node(k as NodeId);
        let base = view.cond;
        let user = if ranges.is_empty() {
            None
        } else {
            let name = model.path_of(k as NodeId);
            given(&name).map(|r| user_range(&name, kind, base, r))
        };
        if let Some(input) = user {
            branches.push((view.prior, k, Candidate::Given(input)));
        } else if matches!(form(p), Form::Constant) {
            let cap = base + rest_of(ev, k as NodeId).map_or(1.0 - base, |r| ev.node(r).cond);
            let cap = cap.min(1.0);
            branches.push((view.prior, k, Candidate::Nudged { base, cap }));
        }
    }
    let name = |(_, k, c): (f64, usize, Candidate)| match c {
        Candidate::Given(input) => input,
        Candidate::Nudged { base, cap } => {
            let kind = InputKind::Branch(k as NodeId);
            nudged(&model.path_of(k as NodeId), kind, base, true, cap)
        }
    };

    let room = affordable - set.inputs.len();
    if branches.len() > room {
        set.dropped += branches.len() - room;
        let mut order: Vec<usize> = (0..branches.len()).collect();
        // Stable: among equally probable branches, the first in tree order stays.
        order.sort_by(|&a, &b| branches[b].0.total_cmp(&branches[a].0));
        let mut keep = vec![false; branches.len()];
        for &i in &order[..room] {
            keep[i] = true;
        }
        let mut i = 0;
        branches.retain(|_| {
            i += 1;
            keep[i - 1]
        });
    }
    set.inputs.extend(branches.into_iter().map(name));
    Ok(set)
}

impl Input {
    /// The overrides that put this input at `v`, every other input at its mean.
    pub fn at(&self, ev: &Evaluation, v: f64) -> Overrides {
        match self.kind {
            InputKind::Let(i) => Overrides {
                lets: vec![(i, v)],
                probs: Vec::new(),
            },
            InputKind::Branch(node) => {
                let mut probs = vec![(node, v)];
                if rest_of(ev, node).is_none() {
                    let model = ev.model();
                    let parent = model.nodes[node as usize].parent;
                    let siblings: Vec<NodeId> = model
                        .children(parent)
                        .iter()
                        .copied()
                        .filter(|&c| c != node)
                        .collect();
                    let others = 1.0 - self.base;
                    for &c in &siblings {
                        let p = if others > 0.0 {
                            ev.node(c).cond * (1.0 - v) / others
                        } else {
                            // They were all 0: they share what is left equally.
                            (1.0 - v) / siblings.len() as f64
                        };
                        probs.push((c, p));
                    }
                }
                Overrides {
                    lets: Vec::new(),
                    probs,
                }
            }
        }
    }

    /// True for an input moved as a probability (within [0, 1]).
    pub fn is_probability(&self) -> bool {
        matches!(self.kind, InputKind::Branch(_)) || self.range == RangeKind::Points
    }
}

/// What one re-evaluation costs, in units of about 10 ns on a current machine: a pass over
/// the nodes, plus the leaves each query adds up.
pub(super) fn evaluation_cost(ev: &Evaluation) -> f64 {
    let model = ev.model();
    let sets = ev.leaf_sets();
    let size = |e: Option<u32>| e.map_or(0, |e| sets.set(e).len());
    let mut cost = model.nodes.len() as f64;
    for q in &model.queries {
        cost += match *q {
            Query::Prob { event, given } => size(Some(event)) + size(given),
            Query::Expect { given: None, .. } => sets.leaves.len(),
            Query::Expect { given, .. } => size(given),
        } as f64;
    }
    cost
}

/// A branch with a written probability, by its dotted path.
fn branch_by_path(ev: &Evaluation, path: &str) -> Option<NodeId> {
    let model = ev.model();
    (1..model.nodes.len() as NodeId).find(|&k| {
        matches!(model.nodes[k as usize].prob, ProbDef::Expr(_)) && model.path_of(k) == path
    })
}

/// The `rest` sibling of a branch, if it has one.
fn rest_of(ev: &Evaluation, node: NodeId) -> Option<NodeId> {
    let model = ev.model();
    let parent = model.nodes[node as usize].parent;
    model
        .children(parent)
        .iter()
        .copied()
        .find(|&c| matches!(model.nodes[c as usize].prob, ProbDef::Rest(_)))
}

fn user_range(name: &str, kind: InputKind, base: f64, r: &Range) -> Input {
    Input {
        name: name.to_owned(),
        kind,
        base,
        low: r.low,
        high: r.high,
        search: (r.low, r.high),
        range: RangeKind::Given,
    }
}

/// A number moved by ±10 points (a probability, kept within [0, `cap`]) or ±20%.
fn nudged(name: &str, kind: InputKind, base: f64, probability: bool, cap: f64) -> Input {
    let (low, high, range) = if probability {
        (
            (base - POINTS).max(0.0),
            (base + POINTS).min(cap),
            RangeKind::Points,
        )
    } else {
        let (a, b) = (base * (1.0 - RELATIVE), base * (1.0 + RELATIVE));
        (a.min(b), a.max(b), RangeKind::Relative)
    };
    Input {
        name: name.to_owned(),
        kind,
        base,
        low,
        high,
        search: (low, high),
        range,
    }
}

fn percentiles(name: &str, kind: InputKind, base: f64, dist: DistKind, args: Vec<f64>) -> Input {
    let q = |p: f64| super::quantile(dist, &args, p).unwrap_or(base);
    Input {
        name: name.to_owned(),
        kind,
        base,
        low: q(0.05),
        high: q(0.95),
        search: (q(0.01), q(0.99)),
        range: RangeKind::Percentiles(dist, args),
    }
}

/// For each let, whether a branch probability reads it, directly or through other lets
/// (template parameters included); and how many branch probabilities are constants, the
/// branches the tornado could move. One pass over the nodes for both: on a big tree each
/// pass waits on every node's program.
fn read_probabilities(ev: &Evaluation) -> (Vec<bool>, usize) {
    let model = ev.model();
    let mut used = vec![false; model.lets.len()];
    let mark = |p: &Program, used: &mut Vec<bool>| {
        for i in &p.code {
            if let Instr::Let(l) | Instr::BinLet(_, l) = i {
                used[*l as usize] = true;
            }
        }
    };
    let mut constant = 0;
    for node in &model.nodes {
        if let ProbDef::Expr(p) = &node.prob {
            mark(p, &mut used);
            constant += usize::from(matches!(form(p), Form::Constant));
        }
    }
    // A let reads only earlier lets: one backward pass carries the marks to its inputs.
    for i in (0..model.lets.len()).rev() {
        if used[i] {
            mark(&model.lets[i].program, &mut used);
        }
    }
    (used, constant)
}

/// The distribution at the top of a let's expression and its parameters, evaluated with
/// the lets at their point values.
fn top_distribution(
    p: &Program,
    lets: &[f64],
    model: &crate::Model,
) -> Option<(DistKind, Vec<f64>)> {
    let mut env = Capture {
        lets,
        consts: &model.const_dists,
        last: None,
    };
    interpret(p, &mut env, &mut Vec::new()).ok()?;
    env.last
}

/// Runs a let's expression at the means, remembering the last distribution met.
struct Capture<'a> {
    lets: &'a [f64],
    consts: &'a [ConstDist],
    last: Option<(DistKind, Vec<f64>)>,
}

impl Env for Capture<'_> {
    fn let_value(&self, i: u32) -> f64 {
        self.lets[i as usize]
    }

    fn metric(&self, _: u32) -> f64 {
        // Lets cannot read metrics.
        0.0
    }

    fn forecast(&self, _: u32) -> f64 {
        // Lets cannot read forecasts.
        0.0
    }

    fn query(&mut self, _: u32, span: scn_dsl::Span) -> Result<f64, EvalError> {
        Err(EvalError::new(span, "lets cannot read queries"))
    }

    fn dist(
        &mut self,
        kind: DistKind,
        _site: u32,
        args: &[f64],
        span: scn_dsl::Span,
    ) -> Result<f64, EvalError> {
        kind.check(args)
            .map_err(|message| EvalError::new(span, message))?;
        self.last = Some((kind, args.to_vec()));
        Ok(kind.mean(args))
    }

    fn const_dist(&mut self, i: u32, span: scn_dsl::Span) -> Result<f64, EvalError> {
        let d = &self.consts[i as usize];
        self.dist(d.kind, 0, &d.args, span)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn a_tree_too_big_for_its_lets_counts_the_branches_it_leaves_out() {
        let loaded = crate::load(
            "t.scn",
            r#"scenario s {
              let a = 0.3
              let b = beta(2, 3)
              let c = a * 2
              metric m = 0
              forecast ev = E(m)
              branch x p = 0.2 {
                m += c
                branch x1 p = 0.5
                branch x2 p = rest
              }
              branch y p = a { m += 2 }
              branch z p = 0.3
              branch w p = rest
            }"#
            .to_owned(),
            Path::new("."),
            None,
        );
        let model = crate::resolve(&loaded).unwrap_or_else(|d| panic!("{d:?}"));
        let ev = crate::evaluate(model).unwrap_or_else(|d| panic!("{d:?}"));
        let names =
            |set: &InputSet| -> Vec<String> { set.inputs.iter().map(|i| i.name.clone()).collect() };
        // Room for all: the lets `a` and `b` (`c` is computed), then the branches whose
        // chance is a number: x, x.x1 and z (y reads a let, x2 and w are `rest`).
        let all = tornado_inputs(&ev, 1e9);
        assert_eq!(names(&all), ["a", "b", "x", "x.x1", "z"]);
        assert_eq!(all.dropped, 0);
        // Room for one run pair: `a` alone; `b` and the three branches are left out.
        let one = tornado_inputs(&ev, 1.0);
        assert_eq!(names(&one), ["a"]);
        assert_eq!(one.dropped, 4);
        // A `--range` makes `y` an input too (its chance reads a let): with room for all,
        // it joins the branches in tree order; with room for one, it is a fifth left out.
        let ranges = [Range {
            name: "y".to_owned(),
            low: 0.1,
            high: 0.2,
        }];
        let all = select(&ev, &ranges, 1e9).expect("y is a branch");
        assert_eq!(names(&all), ["a", "b", "x", "x.x1", "y", "z"]);
        let one = select(&ev, &ranges, 0.5).expect("y is a branch");
        assert_eq!(names(&one), ["a"]);
        assert_eq!(one.dropped, 5);
    }
}
