//! One-way sensitivity, exact: the tornado.
//!
//! Each input is put at its low end, then its high end, every other input at its mean,
//! and the tree is evaluated again exactly (decisions re-optimised). A bar's swing is the
//! spread of the target over the base value and its values at the two ends, so an input
//! that moves the target the same way at both ends (through a decision, say) still shows;
//! a spread below a billionth of the values is rounding and counts as 0.

use super::probe::{self, Point};
use super::{Input, Target};
use crate::kernel::Plan;
use crate::{Evaluation, Prepared};

/// What one input does to one target.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// The input, as an index into the inputs given to [`one_way`].
    pub input: usize,
    /// The input's low end.
    pub low: f64,
    /// Its high end.
    pub high: f64,
    /// The target with the input at its low end; `None` where undefined or where the
    /// tree could not be evaluated (see [`OneWay::failures`]).
    pub value_low: Option<f64>,
    /// The target with the input at its high end.
    pub value_high: Option<f64>,
    /// The largest minus the smallest of the base value and the values at both ends.
    pub swing: f64,
}

/// The bars of one target, largest swing first (ties in input order).
#[derive(Clone, Debug, PartialEq)]
pub struct Tornado {
    /// What is measured.
    pub target: Target,
    /// Its value in the point evaluation.
    pub base: Option<f64>,
    /// One bar per input.
    pub bars: Vec<Bar>,
}

/// An input end at which the tree could not be evaluated.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// The input, as an index into the inputs.
    pub input: usize,
    /// The value it was given.
    pub value: f64,
    /// Why the evaluation failed.
    pub message: String,
}

/// The tornado of every target.
#[derive(Clone, Debug, PartialEq)]
pub struct OneWay {
    /// One per target, in the order asked.
    pub tornadoes: Vec<Tornado>,
    /// Input ends at which the tree could not be evaluated.
    pub failures: Vec<Failure>,
}

/// Moves each input to its low and its high end and re-evaluates: 2 × inputs evaluations.
pub fn one_way(ev: &Evaluation, inputs: &[Input], targets: &[Target]) -> OneWay {
    one_way_on(ev, None, inputs, targets)
}

/// [`one_way`] on the layout of the tree the evaluation was computed on, rather than a new
/// one: on a big tree, laying it out costs as much as a few re-evaluations.
pub fn one_way_prepared(prepared: &Prepared<'_>, inputs: &[Input], targets: &[Target]) -> OneWay {
    one_way_on(prepared.ev, Some(&prepared.plan), inputs, targets)
}

fn one_way_on(
    ev: &Evaluation,
    plan: Option<&Plan<'_>>,
    inputs: &[Input],
    targets: &[Target],
) -> OneWay {
    // Every end is a run of its own, so that even one input's two ends can share out.
    let ends: Vec<(usize, f64)> = inputs
        .iter()
        .enumerate()
        .flat_map(|(i, input)| [(i, input.low), (i, input.high)])
        .collect();
    let runs = probe::each(ev, plan, &ends, 1, |probe, &(i, v)| {
        probe.run(&inputs[i].at(ev, v))
    });
    let mut failures = Vec::new();
    let points: Vec<Option<Point>> = ends
        .iter()
        .zip(runs)
        .map(|(&(input, value), run)| match run {
            Ok(p) => Some(p),
            Err(message) => {
                failures.push(Failure {
                    input,
                    value,
                    message,
                });
                None
            }
        })
        .collect();
    let mut points = points.into_iter();
    let ends: Vec<(Option<Point>, Option<Point>)> = (0..inputs.len())
        .map(|_| (points.next().flatten(), points.next().flatten()))
        .collect();
    let decision_index = |node| ev.decisions().iter().position(|d| d.node == node);
    let tornadoes = targets
        .iter()
        .map(|&target| {
            let read = |p: &Option<Point>| -> Option<f64> {
                let p = p.as_ref()?;
                match target {
                    Target::Forecast(f) => p.forecasts[f],
                    Target::Decision(n) => decision_index(n).map(|d| p.decisions[d]),
                }
            };
            let base = target.base(ev);
            let mut bars: Vec<Bar> = inputs
                .iter()
                .zip(&ends)
                .enumerate()
                .map(|(i, (input, (lo, hi)))| {
                    let (value_low, value_high) = (read(lo), read(hi));
                    Bar {
                        input: i,
                        low: input.low,
                        high: input.high,
                        value_low,
                        value_high,
                        swing: spread([base, value_low, value_high]),
                    }
                })
                .collect();
            // Stable: equal swings keep the inputs' order.
            bars.sort_by(|a, b| b.swing.total_cmp(&a.swing));
            Tornado { target, base, bars }
        })
        .collect();
    OneWay {
        tornadoes,
        failures,
    }
}

/// Differences below this share of the values' magnitude are rounding, not sensitivity:
/// moving an input that a target does not read can still change the order of additions.
const ROUNDING: f64 = 1e-9;

/// The largest minus the smallest of the defined values (0 with fewer than two, or when
/// they differ by rounding only).
fn spread(values: [Option<f64>; 3]) -> f64 {
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for v in values.into_iter().flatten() {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    let d = hi - lo;
    if d > ROUNDING * lo.abs().max(hi.abs()) {
        d
    } else {
        0.0
    }
}
