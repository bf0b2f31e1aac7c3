//! Branch probabilities: each in [0, 1], `rest` fills the gap, siblings sum to 1.
//!
//! The point evaluation is strict: a probability outside [0, 1] or siblings that do not sum
//! to 1 are errors naming the node, each sibling's value and the sum. A Monte Carlo sample is
//! lenient: it clamps, lets a negative `rest` count as 0 and renormalises, and says so.

use scn_dsl::{Code, Diagnostic, Label};

use super::{Abort, Faults, Plan};
use crate::model::ProbDef;
use crate::program::Instr;

/// Slack allowed on sums of sibling probabilities.
pub(crate) const SUM_TOLERANCE: f64 = 1e-9;

/// A set of sibling branches: `kids[start..end]` of the plan, in order, with the one with
/// `rest` (if any) left out, and that one.
#[derive(Clone, Copy, Debug)]
pub(super) struct Group {
    pub parent: u32,
    /// The first sibling, `rest` or not: errors point at it.
    pub first: u32,
    pub start: u32,
    pub end: u32,
    pub rest: Option<u32>,
}

/// Fills in a sibling set's `rest` and returns the sum of the others, in order (a batch does
/// the same a column at a time, in `Batch::complete`).
#[inline(always)]
pub(super) fn fill_rest(g: &Group, kids: &[u32], cond: &mut [f64]) -> f64 {
    let mut sum = 0.0;
    for &c in kids {
        sum += cond[c as usize];
    }
    if let Some(r) = g.rest {
        cond[r as usize] = (1.0 - sum).max(0.0);
    }
    sum
}

/// True when a set whose chances other than `rest` sum to `sum` misses 1 by more than the
/// slack: over 1 with a `rest`, anything but 1 without.
#[inline(always)]
pub(super) fn misses_one(g: &Group, sum: f64) -> bool {
    match g.rest {
        Some(_) => sum > 1.0 + SUM_TOLERANCE,
        None => (sum - 1.0).abs() > SUM_TOLERANCE,
    }
}

/// A sample's set that misses 1, rescaled to sum to 1 (with `rest` at 0 when the others
/// already exceed 1); `Err` when there is nothing to rescale. Node `c`'s chance is
/// `cond[c * stride + at]`: one run's (`stride` 1) or one sample of a batch's.
#[inline(always)]
pub(super) fn renormalise(
    g: &Group,
    kids: &[u32],
    sum: f64,
    cond: &mut [f64],
    stride: usize,
    at: usize,
) -> Result<(), Abort> {
    let total = sum + g.rest.map_or(0.0, |r| cond[r as usize * stride + at]);
    if total <= 0.0 {
        return Err(Abort);
    }
    for &c in kids.iter().chain(&g.rest) {
        cond[c as usize * stride + at] /= total;
    }
    Ok(())
}

impl Plan<'_> {
    /// Completes `cond` (written probabilities already in place): `rest`s, then the sums, of
    /// every sibling set or of `only` those. `out_of_range` marks written probabilities the
    /// strict check has already reported, so their sums are not reported again.
    pub(super) fn complete<F: Faults>(
        &self,
        only: Option<&[u32]>,
        cond: &mut [f64],
        out_of_range: &[bool],
        faults: &mut F,
        adjusted: &mut bool,
    ) -> Result<(), Abort> {
        match only {
            Some(list) => {
                for &i in list {
                    self.complete_group(
                        &self.groups[i as usize],
                        cond,
                        out_of_range,
                        faults,
                        adjusted,
                    )?;
                }
            }
            None => {
                for g in &self.groups {
                    self.complete_group(g, cond, out_of_range, faults, adjusted)?;
                }
            }
        }
        Ok(())
    }

    /// Completes one sibling set: its `rest`, then its sum.
    #[inline(always)]
    fn complete_group<F: Faults>(
        &self,
        g: &Group,
        cond: &mut [f64],
        out_of_range: &[bool],
        faults: &mut F,
        adjusted: &mut bool,
    ) -> Result<(), Abort> {
        let kids = &self.kids[g.start as usize..g.end as usize];
        let sum = fill_rest(g, kids, cond);
        if !misses_one(g, sum) {
            return Ok(());
        }
        if F::STRICT {
            if !kids.iter().any(|&c| out_of_range[c as usize]) {
                faults.report(self.sum_error(g, kids, sum, cond));
            }
            return Ok(());
        }
        renormalise(g, kids, sum, cond, 1, 0)?;
        *adjusted = true;
        Ok(())
    }

    fn sum_error(&self, g: &Group, kids: &[u32], sum: f64, cond: &[f64]) -> Diagnostic {
        let model = self.model;
        let written: Vec<u32> = kids
            .iter()
            .copied()
            .filter(|&c| Some(c) != g.rest)
            .collect();
        let listing: Vec<String> = written
            .iter()
            .map(|&c| format!("{} = {}", model.nodes[c as usize].id, fmt(cond[c as usize])))
            .collect();
        let under = if g.parent == 0 {
            format!("the scenario `{}`", model.meta.id)
        } else {
            format!("`{}`", model.path_of(g.parent))
        };
        let (message, help) = match g.rest {
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
        let first = &model.nodes[g.first as usize];
        let mut d = Diagnostic::error(first.file, first.prob_span(), message)
            .with_help(help)
            .with_code(Code::ProbabilitySum);
        for &c in kids.iter().filter(|&&c| c != g.first) {
            let n = &model.nodes[c as usize];
            d.labels.push(Label {
                file: n.file,
                span: n.prob_span(),
                message: format!("{} = {}", n.id, fmt(cond[c as usize])),
            });
        }
        d
    }

    /// The error for a written probability outside [0, 1].
    pub(super) fn range_error(&self, node: u32, v: f64) -> Diagnostic {
        let n = &self.model.nodes[node as usize];
        let ProbDef::Expr(p) = &n.prob else {
            unreachable!("only written probabilities are checked")
        };
        let d = Diagnostic::error(
            p.file,
            p.span,
            format!(
                "the probability of `{}` is {}, outside [0, 1]",
                n.id,
                fmt(v)
            ),
        )
        .with_code(Code::ProbabilityRange);
        // A number written as a percentage without its `%`, as in `p = 30`.
        let written_number = matches!(&*p.code, [Instr::Const(_)]);
        // From 2 up: `p = 1.2` is more likely a slip than 1.2 percent.
        if written_number && (2.0..=100.0).contains(&v) {
            let n = fmt(v);
            d.with_help(format!(
                "a probability is a fraction of 1: for {n} percent write `{n}%` or `{}`",
                fmt(v / 100.0)
            ))
        } else {
            d
        }
    }
}

/// A probability as a person reads it: up to 12 significant digits, no float noise.
pub(crate) fn fmt(v: f64) -> String {
    let s = format!("{v:.12}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_owned() }
}
