//! The spider chart's points: each target as one input moves through its range, every other
//! input at its mean, exactly (decisions re-optimised), as the tornado but at many points.
//!
//! A distribution is moved through its percentiles ([`SPIDER_PERCENTILES`]), so the lines
//! of several inputs share one axis whatever their units. An input without a distribution
//! (a number moved ±20%, a probability ±10 points, a `--range`) has no percentiles: it moves
//! evenly from its low to its high end, the steps placed as if its range were the 5th to
//! 95th percentile of a uniform distribution.

use super::probe;
use super::{Input, RangeKind, Target, WORK_BUDGET, quantile};
use crate::Evaluation;

/// Where each input is put, as a percentile of its range: 5%, 10%, … 95%.
pub const SPIDER_PERCENTILES: [f64; 19] = {
    let mut at = [0.0; 19];
    let mut i = 0;
    while i < 19 {
        at[i] = (5 + 5 * i) as f64 / 100.0;
        i += 1;
    }
    at
};

/// One input's line, for every target.
#[derive(Clone, Debug, PartialEq)]
pub struct Spider {
    /// The input, as an index into the inputs given to [`spider`].
    pub input: usize,
    /// The input's value at each of [`SPIDER_PERCENTILES`].
    pub values: Vec<f64>,
    /// Per target (in the order asked), the target's value at each percentile; `None`
    /// where undefined or where the tree cannot be evaluated.
    pub targets: Vec<Vec<Option<f64>>>,
}

/// The lines of the inputs `which` (indices into `inputs`), in that order. A tree too large
/// to re-evaluate 19 times per input within the analyses' budget keeps the first inputs of
/// `which` only (at least one).
pub fn spider(
    ev: &Evaluation,
    inputs: &[Input],
    which: &[usize],
    targets: &[Target],
) -> Vec<Spider> {
    let per_input = SPIDER_PERCENTILES.len() as f64 * super::inputs::evaluation_cost(ev);
    let affordable = ((WORK_BUDGET / per_input) as usize).max(1);
    let decision_index = |node| ev.decisions().iter().position(|d| d.node == node);
    let chosen = &which[..which.len().min(affordable)];
    probe::each(ev, None, chosen, SPIDER_PERCENTILES.len(), |probe, &i| {
        let input = &inputs[i];
        let values: Vec<f64> = SPIDER_PERCENTILES
            .iter()
            .map(|&q| value_at(input, q))
            .collect();
        let points: Vec<_> = values
            .iter()
            .map(|&v| probe.run(&input.at(ev, v)).ok())
            .collect();
        let targets = targets
            .iter()
            .map(|&t| {
                points
                    .iter()
                    .map(|p| {
                        let p = p.as_ref()?;
                        match t {
                            Target::Forecast(f) => p.forecasts[f],
                            Target::Decision(n) => decision_index(n).map(|d| p.decisions[d]),
                        }
                    })
                    .collect()
            })
            .collect();
        Spider {
            input: i,
            values,
            targets,
        }
    })
}

/// The input's value at percentile `q` of its range.
fn value_at(input: &Input, q: f64) -> f64 {
    if let RangeKind::Percentiles(kind, args) = &input.range
        && let Some(v) = quantile(*kind, args, q)
    {
        return v;
    }
    // Evenly from the low end (at 5%) to the high end (at 95%).
    let f = (q - 0.05) / 0.90;
    input.low + f * (input.high - input.low)
}
