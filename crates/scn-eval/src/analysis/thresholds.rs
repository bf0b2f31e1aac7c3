//! Thresholds: where a decision's best option changes as one input moves, the others at
//! their means.
//!
//! Each input's search range is cut into [`GRID`] equal steps; the tree is evaluated at
//! every step's ends and, wherever a decision's best option differs between two
//! neighbours, the point of change is found by bisection on the exact evaluation, to a
//! width of 1e-9 of the range. A change narrower than a step (an option best only on a
//! sliver of the range) can be missed. All bisections share one allowance of evaluations
//! ([`WORK_BUDGET`]); a change found after it ran out is placed less precisely, and says so.

use super::inputs::evaluation_cost;
use super::probe::{self, Probe};
use super::{Input, WORK_BUDGET};
use crate::Evaluation;
use crate::model::NodeId;

/// Steps each search range is cut into.
const GRID: usize = 32;
/// Bisection stops when the bracket is this share of the range.
const WIDTH: f64 = 1e-9;

/// One change of a decision's best option, or none in range.
#[derive(Clone, Debug, PartialEq)]
pub struct Threshold {
    /// The decision node.
    pub decision: NodeId,
    /// The input, as an index into the inputs.
    pub input: usize,
    /// Where the best option changes; `None` when it does not within the search range.
    pub at: Option<f64>,
    /// How far the change may lie from `at`: a billionth of the range, or more when the
    /// search ran out of its allowance of evaluations (or met points it could not evaluate).
    pub within: f64,
    /// The best option just below `at` (with no change: throughout the range).
    pub below: NodeId,
    /// The best option just above `at`.
    pub above: NodeId,
}

/// Every decision's thresholds.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Thresholds {
    /// Decisions in tree order; for each, inputs in order; for each, changes in ascending
    /// order (or one entry with `at: None`).
    pub thresholds: Vec<Threshold>,
    /// Inputs at some point of whose range the tree could not be evaluated: its name and
    /// the first reason. Those points are skipped.
    pub failures: Vec<(usize, String)>,
}

/// Searches each input's range for changes of each decision's best option.
pub fn thresholds(ev: &Evaluation, inputs: &[Input]) -> Thresholds {
    let decisions = ev.decisions();
    let mut out = Thresholds::default();
    if decisions.is_empty() {
        return out;
    }
    let plan = probe::plan(ev);
    let mut probe = Probe::new(ev, &plan);
    // Bisections draw on one allowance of evaluations, so that a tree with many decisions
    // that all change cannot multiply the cost; past it, a change is placed at the middle of
    // the bracket reached, and `within` says how far off it may be.
    let mut allowance = (WORK_BUDGET / evaluation_cost(ev)) as usize;
    // For each input, the changes found, per decision.
    let mut found: Vec<Vec<Vec<Threshold>>> = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let (lo, hi) = input.search;
        let mut failure: Option<String> = None;
        let mut best_at = |v: f64, failure: &mut Option<String>| -> Option<Vec<u32>> {
            match probe.run(&input.at(ev, v)) {
                Ok(p) => Some(p.best),
                Err(m) => {
                    failure.get_or_insert(m);
                    None
                }
            }
        };
        let steps = if hi > lo { GRID } else { 0 };
        let grid: Vec<(f64, Vec<u32>)> = (0..=steps)
            .filter_map(|k| {
                let v = if k == steps {
                    hi
                } else {
                    lo + (hi - lo) * k as f64 / steps as f64
                };
                best_at(v, &mut failure).map(|b| (v, b))
            })
            .collect();
        let mut per_decision: Vec<Vec<Threshold>> = vec![Vec::new(); decisions.len()];
        for pair in grid.windows(2) {
            let ((a, best_a), (b, best_b)) = (&pair[0], &pair[1]);
            for (d, changes) in per_decision.iter_mut().enumerate() {
                if best_a[d] == best_b[d] {
                    continue;
                }
                let (mut l, mut r, left, mut right) = (*a, *b, best_a[d], best_b[d]);
                while r - l > WIDTH * (hi - lo) && allowance > 0 {
                    allowance -= 1;
                    let m = l + (r - l) / 2.0;
                    let Some(bm) = best_at(m, &mut failure) else {
                        break;
                    };
                    // A third option may be best in between: the bracket then closes on
                    // the change from `left` to it.
                    if bm[d] == left {
                        l = m;
                    } else {
                        r = m;
                        right = bm[d];
                    }
                }
                let options = &ev.model().children(decisions[d].node);
                changes.push(Threshold {
                    decision: decisions[d].node,
                    input: i,
                    at: Some(l + (r - l) / 2.0),
                    within: (r - l) / 2.0,
                    below: options[left as usize],
                    above: options[right as usize],
                });
            }
        }
        for (d, changes) in per_decision.iter_mut().enumerate() {
            if changes.is_empty() {
                let options = &ev.model().children(decisions[d].node);
                let best = grid
                    .first()
                    .map_or(decisions[d].choice, |(_, b)| options[b[d] as usize]);
                changes.push(Threshold {
                    decision: decisions[d].node,
                    input: i,
                    at: None,
                    within: 0.0,
                    below: best,
                    above: best,
                });
            }
        }
        if let Some(m) = failure {
            out.failures.push((i, m));
        }
        found.push(per_decision);
    }
    for d in 0..decisions.len() {
        for per_input in &mut found {
            out.thresholds.append(&mut per_input[d]);
        }
    }
    out
}
