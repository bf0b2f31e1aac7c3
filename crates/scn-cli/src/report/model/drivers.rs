//! "What drives this": the inputs that move each headline forecast most, from the exact
//! one-way sensitivity (`scn sens`'s tornado): each input at the low and the high end of its
//! range, every other input at its mean, the tree evaluated again.
//!
//! A report is not an analysis: on a large tree only as many inputs are moved as a small
//! budget allows (lets first, then the most probable branches), so `scn eval` stays fast;
//! `scn sens` moves them all.

use scn_eval::analysis::{self, Input, InputSet, OneWay, RangeKind, Target};
use scn_eval::{DistKind, Prepared};

use super::briefing::{Driver, HEADLINES};
use super::forecasts::{Forecast, Forecasts};
use crate::report::prose::Prose;

/// Drivers named per headline forecast.
pub(crate) const PER_FORECAST: usize = 3;
/// Drivers the bottom line names: the strongest of the first headline forecasts.
pub(crate) const IN_BRIEFING: usize = 3;
/// What the drivers may spend on re-evaluations, in the units of the analyses' budget
/// (about 10 ns each): about a hundredth of a second, small next to reading and evaluating
/// a tree that large.
const BUDGET: f64 = 1e6;

/// The drivers of the headline forecasts.
pub(crate) struct Drivers {
    /// Per headline forecast with at least one input that moves it, in the headlines'
    /// order.
    pub forecasts: Vec<Driven>,
    /// Inputs considered.
    pub inputs: usize,
    /// Inputs not moved: the tree is too large to re-evaluate for each.
    pub left_out: usize,
    /// True when the report leads with sampled means: the bases here are point values,
    /// and say so.
    pub sampled: bool,
}

/// A forecast and what moves it most.
pub(crate) struct Driven {
    /// The forecast.
    pub forecast: Forecast,
    /// Its point value (every input at its mean).
    pub base: Option<f64>,
    /// Its strongest drivers, largest swing first.
    pub drivers: Vec<Move>,
}

/// One input moved across its range.
#[derive(Clone, Debug)]
pub(crate) struct Move {
    /// The let's name or the branch's dotted path.
    pub input: String,
    /// True when the input is a probability (written in percent for people).
    pub probability: bool,
    /// The input's low end.
    pub low: f64,
    /// Its high end.
    pub high: f64,
    /// The forecast with the input at its low end; `None` where undefined.
    pub at_low: Option<f64>,
    /// The forecast with the input at its high end.
    pub at_high: Option<f64>,
    /// The largest minus the smallest of the point value and the values at both ends.
    pub swing: f64,
}

/// The re-evaluations behind the drivers, made while the point evaluation's layout of the
/// tree is at hand ([`scn_eval::evaluate_then`]): on a million-branch tree, laying it out
/// again took longer than the re-evaluations themselves.
#[derive(Default)]
pub(crate) struct DriverRuns {
    set: InputSet,
    one_way: Option<OneWay>,
}

impl DriverRuns {
    /// Moves the inputs the budget allows, for the headline forecasts.
    pub(crate) fn run(prepared: &Prepared<'_>) -> DriverRuns {
        let ev = prepared.evaluation();
        let set = analysis::tornado_inputs(ev, BUDGET);
        let headlines = ev.model().forecasts.len().min(HEADLINES);
        let targets: Vec<Target> = (0..headlines).map(Target::Forecast).collect();
        let one_way = (!set.inputs.is_empty() && !targets.is_empty())
            .then(|| analysis::one_way_prepared(prepared, &set.inputs, &targets));
        DriverRuns { set, one_way }
    }
}

impl Drivers {
    /// The drivers of the headline forecasts among `forecasts`, from `runs` of the same
    /// evaluation.
    pub(crate) fn build(runs: DriverRuns, forecasts: &Forecasts) -> Drivers {
        let DriverRuns { set, one_way } = runs;
        let rows = &forecasts.rows[..HEADLINES.min(forecasts.rows.len())];
        let mut out = Vec::new();
        for (t, row) in one_way.iter().flat_map(|o| &o.tornadoes).zip(rows) {
            let drivers: Vec<Move> = t
                .bars
                .iter()
                .filter(|b| b.swing > 0.0)
                .take(PER_FORECAST)
                .map(|b| {
                    let input = &set.inputs[b.input];
                    Move {
                        input: input.name.clone(),
                        probability: reads_as_probability(input),
                        low: b.low,
                        high: b.high,
                        at_low: b.value_low,
                        at_high: b.value_high,
                        swing: b.swing,
                    }
                })
                .collect();
            if !drivers.is_empty() {
                out.push(Driven {
                    forecast: row.clone(),
                    base: t.base,
                    drivers,
                });
            }
        }
        Drivers {
            forecasts: out,
            inputs: set.inputs.len(),
            left_out: set.dropped,
            sampled: forecasts.sampled,
        }
    }

    /// A forecast's value with every input at its mean, from which its drivers move it; in
    /// a sampled report it says so, beside the sampled mean the report leads with.
    pub(crate) fn base_text(&self, f: &Driven, n: crate::report::Numbers) -> String {
        let value = f
            .base
            .map_or("undefined".into(), |v| n.value(v, &f.forecast.measure));
        if self.sampled {
            format!("{value} {}", super::forecasts::AT_MEANS)
        } else {
            value
        }
    }

    /// What the bottom line names: the strongest driver of each of the first forecasts that
    /// have one, at most [`IN_BRIEFING`].
    pub(crate) fn briefing(&self) -> Vec<Driver> {
        self.forecasts
            .iter()
            .take(IN_BRIEFING)
            .filter_map(|d| {
                let m = d.drivers.first()?;
                Some(Driver {
                    input: m.input.clone(),
                    forecast: d.forecast.clone(),
                    low: m.at_low?,
                    high: m.at_high?,
                })
            })
            .collect()
    }

    /// The note every format gives under the section.
    pub(crate) fn note(&self) -> Prose {
        let mut note = Prose::default()
            .text(
                "Each input at the low and high end of its range (a distribution's 5th to 95th \
                 percentile, a probability ±10 points, another number ±20%), every other input \
                 at its mean. ",
            )
            .code("scn sens")
            .text(" gives the whole analysis.");
        if self.left_out > 0 {
            note = note.text(format!(
                " {} of {} inputs were moved: the tree is too large to re-evaluate for the \
                 others.",
                self.inputs,
                self.inputs + self.left_out
            ));
        }
        let undefined = self
            .forecasts
            .iter()
            .flat_map(|d| &d.drivers)
            .any(|m| m.at_low.is_none() || m.at_high.is_none());
        if undefined {
            note = note
                .text(
                    " \"Undefined\": with the input at that end the tree cannot be evaluated \
                     (sibling probabilities that sum past 1, a condition that becomes \
                     impossible), and the swing counts the other end only; ",
                )
                .code("scn sens")
                .text(" says why.");
        }
        note
    }
}

/// True when people read the input's values as probabilities (in percent): a branch's
/// probability, a number moved as one, or a beta distribution, which lies in [0, 1] and is
/// how a probability's uncertainty is written.
pub(crate) fn reads_as_probability(input: &Input) -> bool {
    input.is_probability() || matches!(input.range, RangeKind::Percentiles(DistKind::Beta, _))
}
