//! Risk profiles: the distribution of the objective under each option of each decision,
//! chosen or not, given the decision is reached; and first-order stochastic dominance
//! between options of one decision.
//!
//! An option's outcomes are the leaves below it, each with the product of the conditional
//! probabilities from the option down (later decisions take their chosen options), equal
//! values merged. Under evidence, decisions are rolled back on the tree before the
//! evidence, so profiles are too.

use scn_dsl::ast::Direction;

use crate::Evaluation;
use crate::model::NodeId;

/// Leaves visited across all profiles before the rest are left out: the same leaf counts
/// once for every decision above it, so deeply nested decisions cost more than the tree.
const LEAF_BUDGET: usize = 10_000_000;
/// Decisions with more options than this are not checked for dominance (pairs grow as the
/// square).
const DOMINANCE_OPTIONS: usize = 50;
/// Outcome values closer than this (relative) are one value.
const SAME: f64 = 1e-12;

/// One outcome of an option.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    /// The objective's value.
    pub value: f64,
    /// Its probability, given the option is taken.
    pub probability: f64,
}

/// The distribution of the objective under one option.
#[derive(Clone, Debug, PartialEq)]
pub struct RiskProfile {
    /// The decision.
    pub decision: NodeId,
    /// The option.
    pub option: NodeId,
    /// True when the roll-back takes it.
    pub chosen: bool,
    /// The expected objective (the option's value).
    pub mean: f64,
    /// Outcomes of positive probability, by ascending value.
    pub outcomes: Vec<Outcome>,
}

/// One option dominating another (first order): for every threshold, it is at least as
/// likely to do at least as well, and more likely for some.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dominance {
    /// The decision.
    pub decision: NodeId,
    /// The dominating option.
    pub better: NodeId,
    /// The dominated option.
    pub worse: NodeId,
}

/// Every decision's risk profiles.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct RiskProfiles {
    /// Decisions in tree order, options in source order.
    pub profiles: Vec<RiskProfile>,
    /// Dominance between options of one decision.
    pub dominance: Vec<Dominance>,
    /// Decisions left out because the leaves to visit exceeded the budget.
    pub omitted: usize,
}

/// The risk profile of every option of every decision.
pub fn risk_profiles(ev: &Evaluation) -> RiskProfiles {
    let model = ev.model();
    let Some((dir, _)) = model.objective else {
        return RiskProfiles::default();
    };
    let mut out = RiskProfiles::default();
    let mut visited = 0usize;
    let mut rel = vec![0.0; model.nodes.len()];
    for d in ev.decisions() {
        let node = &model.nodes[d.node as usize];
        let size = (node.subtree_end - d.node) as usize;
        if visited + size > LEAF_BUDGET {
            out.omitted += 1;
            continue;
        }
        visited += size;
        let first = out.profiles.len();
        for o in &d.options {
            let end = model.nodes[o.node as usize].subtree_end as usize;
            rel[o.node as usize] = 1.0;
            let mut outcomes = Vec::new();
            for k in o.node as usize..end {
                if k > o.node as usize {
                    rel[k] = rel[model.nodes[k].parent as usize] * ev.node(k as NodeId).cond;
                }
                if model.nodes[k].children.is_empty() && rel[k] > 0.0 {
                    let value = ev.node(k as NodeId).value.unwrap_or(0.0);
                    outcomes.push(Outcome {
                        value,
                        probability: rel[k],
                    });
                }
            }
            out.profiles.push(RiskProfile {
                decision: d.node,
                option: o.node,
                chosen: o.node == d.choice,
                mean: o.value,
                outcomes: merged(outcomes),
            });
        }
        let options = &out.profiles[first..];
        if options.len() <= DOMINANCE_OPTIONS {
            for a in options {
                for b in options {
                    if a.option != b.option && dominates(&a.outcomes, &b.outcomes, dir) {
                        out.dominance.push(Dominance {
                            decision: d.node,
                            better: a.option,
                            worse: b.option,
                        });
                    }
                }
            }
        }
    }
    out
}

/// Sorts outcomes by value and merges equal values.
fn merged(mut outcomes: Vec<Outcome>) -> Vec<Outcome> {
    outcomes.sort_by(|a, b| a.value.total_cmp(&b.value));
    let mut out: Vec<Outcome> = Vec::with_capacity(outcomes.len());
    for o in outcomes {
        match out.last_mut() {
            Some(last) if same(last.value, o.value) => last.probability += o.probability,
            _ => out.push(o),
        }
    }
    out
}

fn same(a: f64, b: f64) -> bool {
    (a - b).abs() <= SAME * a.abs().max(b.abs()).max(1.0)
}

/// True when `a` dominates `b` at first order: under `maximize`, P(a ≤ x) ≤ P(b ≤ x) for
/// every x, strictly for some (with `minimize`, the other way round).
fn dominates(a: &[Outcome], b: &[Outcome], dir: Direction) -> bool {
    // Walk both cumulative distributions over the union of their values.
    let (mut i, mut j) = (0, 0);
    let (mut fa, mut fb) = (0.0, 0.0);
    let mut strict = false;
    let tol = 1e-12;
    while i < a.len() || j < b.len() {
        let x = match (a.get(i), b.get(j)) {
            (Some(p), Some(q)) => p.value.min(q.value),
            (Some(p), None) => p.value,
            (None, Some(q)) => q.value,
            (None, None) => unreachable!("the loop runs while either has values"),
        };
        while i < a.len() && (a[i].value <= x || same(a[i].value, x)) {
            fa += a[i].probability;
            i += 1;
        }
        while j < b.len() && (b[j].value <= x || same(b[j].value, x)) {
            fb += b[j].probability;
            j += 1;
        }
        // Stop at the last value: both cumulatives are 1 there, up to rounding.
        if i >= a.len() && j >= b.len() {
            break;
        }
        let (lead, lag) = match dir {
            Direction::Maximize => (fa, fb),
            Direction::Minimize => (fb, fa),
        };
        if lead > lag + tol {
            return false;
        }
        strict |= lead < lag - tol;
    }
    strict
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(pairs: &[(f64, f64)]) -> Vec<Outcome> {
        pairs
            .iter()
            .map(|&(value, probability)| Outcome { value, probability })
            .collect()
    }

    #[test]
    fn dominance_by_hand() {
        let sure_10 = o(&[(10.0, 1.0)]);
        let coin_0_10 = o(&[(0.0, 0.5), (10.0, 0.5)]);
        let coin_0_20 = o(&[(0.0, 0.5), (20.0, 0.5)]);
        assert!(dominates(&sure_10, &coin_0_10, Direction::Maximize));
        assert!(!dominates(&coin_0_10, &sure_10, Direction::Maximize));
        // Crossing cumulatives: neither dominates.
        assert!(!dominates(&sure_10, &coin_0_20, Direction::Maximize));
        assert!(!dominates(&coin_0_20, &sure_10, Direction::Maximize));
        // Equal distributions: no strict dominance.
        assert!(!dominates(&sure_10, &sure_10, Direction::Maximize));
        // Minimising a cost, the coin between 0 and 10 beats a sure 10.
        assert!(dominates(&coin_0_10, &sure_10, Direction::Minimize));
    }

    #[test]
    fn merging_equal_values() {
        let m = merged(o(&[(5.0, 0.25), (-1.0, 0.5), (5.0, 0.25)]));
        assert_eq!(m, o(&[(-1.0, 0.5), (5.0, 0.5)]));
    }
}
