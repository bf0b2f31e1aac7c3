//! Branch probabilities: each in [0, 1], `rest` fills the gap, siblings sum to 1.

use scn_dsl::{Diagnostic, Label};

use crate::model::{Model, NodeKind, ProbDef};

/// Slack allowed on sums of sibling probabilities (docs/reference/language.md#branches).
pub const SUM_TOLERANCE: f64 = 1e-9;

/// Fills `cond` with written probabilities and `rest`s, checking the rules on sibling sums.
/// `cond` already holds each written probability's value; options and the root are set to 1.
pub(crate) fn complete_point(model: &Model, cond: &mut [f64], diags: &mut Vec<Diagnostic>) {
    let mut out_of_range = vec![false; model.nodes.len()];
    for (k, node) in model.nodes.iter().enumerate() {
        if let ProbDef::Expr(p) = &node.prob {
            let v = cond[k];
            if !(0.0..=1.0).contains(&v) {
                out_of_range[k] = true;
                diags.push(Diagnostic::error(
                    p.file,
                    p.span,
                    format!(
                        "the probability of `{}` is {}, outside [0, 1]",
                        node.id,
                        fmt(v)
                    ),
                ));
            }
        }
    }
    for (parent, node) in model.nodes.iter().enumerate() {
        let Some(&first) = node.children.first() else {
            continue;
        };
        if model.nodes[first as usize].kind != NodeKind::Branch {
            continue;
        }
        let branches: Vec<u32> = node
            .children
            .iter()
            .copied()
            .filter(|&c| model.nodes[c as usize].kind == NodeKind::Branch)
            .collect();
        let rest = branches
            .iter()
            .copied()
            .find(|&c| matches!(model.nodes[c as usize].prob, ProbDef::Rest));
        let sum: f64 = branches
            .iter()
            .filter(|&&c| Some(c) != rest)
            .map(|&c| cond[c as usize])
            .sum();
        // A sibling already reported as out of range would only make the sum wrong again.
        let bad = !branches.iter().any(|&c| out_of_range[c as usize])
            && match rest {
                Some(_) => sum > 1.0 + SUM_TOLERANCE,
                None => (sum - 1.0).abs() > SUM_TOLERANCE,
            };
        if let Some(r) = rest {
            cond[r as usize] = (1.0 - sum).max(0.0);
        }
        if bad {
            let listing: Vec<String> = branches
                .iter()
                .filter(|&&c| Some(c) != rest)
                .map(|&c| format!("{} = {}", model.nodes[c as usize].id, fmt(cond[c as usize])))
                .collect();
            let under = if parent == 0 {
                format!("the scenario `{}`", model.meta.id)
            } else {
                format!("`{}`", model.path_of(parent as u32))
            };
            let first = &model.nodes[branches[0] as usize];
            let (message, help) = match rest {
                Some(_) => (
                    format!(
                        "the probabilities under {under} sum to {} before `rest`, more than 1 ({})",
                        fmt(sum),
                        listing.join(", ")
                    ),
                    "lower them so that `rest` is 0 or more",
                ),
                None => (
                    format!(
                        "the probabilities under {under} sum to {}, not 1 ({})",
                        fmt(sum),
                        listing.join(", ")
                    ),
                    "make them add up to 1, or give one branch `p = rest`",
                ),
            };
            let mut d = Diagnostic::error(first.file, first.prob_span, message).with_help(help);
            for &c in branches.iter().skip(1).filter(|&&c| Some(c) != rest) {
                let n = &model.nodes[c as usize];
                d.labels.push(Label {
                    file: n.file,
                    span: n.prob_span,
                    message: format!("{} = {}", n.id, fmt(cond[c as usize])),
                });
            }
            diags.push(d);
        }
    }
}

/// A probability as a person reads it: up to 12 significant digits, no float noise.
pub fn fmt(v: f64) -> String {
    let s = format!("{v:.12}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_owned() }
}
