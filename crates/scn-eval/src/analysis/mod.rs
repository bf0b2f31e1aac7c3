//! What drives a forecast, and what is worth finding out before deciding.
//!
//! Every analysis here is built on the one evaluator: it re-runs the point evaluation with
//! some inputs moved ([`Overrides`](crate::Overrides)), or reads the rows a Monte Carlo run
//! kept ([`Rows`](crate::Rows)).
//!
//! - [`inputs`]: which lets and branch probabilities count as inputs, and how far to move them.
//! - [`one_way`]: the tornado, exact: each input at its low and high end, the others at
//!   their means.
//! - [`spider`]: the same at many points through each input's range, for a spider chart.
//! - [`global`]: each uncertain let's first-order share of a sampled forecast's variance
//!   and its Spearman rank correlation.
//! - [`thresholds`]: where a decision's best option changes as one input moves.
//! - [`voi_events`] and [`voi_inputs`]: the value of perfect information about events
//!   (exact) or about the uncertain inputs (sampled).
//! - [`risk_profiles`]: the distribution of the objective under each option.
//!
//! docs/analysis.md says what each number means and how it is computed.

mod bins;
mod global;
mod inputs;
mod probe;
mod risk;
mod sensitivity;
mod spider;
mod thresholds;
mod voi;

pub use self::global::{Global, Share, global, global_within};
pub use self::inputs::{Input, InputKind, InputSet, Range, RangeKind, inputs, tornado_inputs};
pub use self::risk::{Dominance, Outcome, RiskProfile, RiskProfiles, risk_profiles};
pub use self::sensitivity::{Bar, Failure, OneWay, Tornado, one_way, one_way_prepared};
pub use self::spider::{SPIDER_PERCENTILES, Spider, spider};
pub use self::thresholds::{Threshold, Thresholds, thresholds};
pub use self::voi::{
    Cell, EventVoi, InputVoi, VoiError, voi_events, voi_inputs, voi_inputs_within,
};
pub use crate::quantile::quantile;

use crate::Evaluation;
use crate::model::NodeId;

/// Work the variance shares (`sens --samples`) and EVPPI (`voi --samples`) may take, in
/// samples read: each uncertain let costs a pass over the samples per target (or option).
/// Counted, not timed, so that the output never depends on the machine: about two seconds
/// here. Past it, the lets are left out in order, and the result says how many.
pub const SHARES_WORK: u64 = 300_000_000;

/// How many uncertain lets fit in `work` at `per_let` samples read each; always at least
/// one, which costs what reading the sampled targets once does.
pub(crate) fn lets_within_work(work: u64, per_let: u64) -> usize {
    usize::try_from(work / per_let.max(1))
        .unwrap_or(usize::MAX)
        .max(1)
}

/// What an analysis measures: a forecast, or the value of a decision (its best option's
/// expected objective).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Forecast `i`, in the model's order.
    Forecast(usize),
    /// The decision at this node.
    Decision(NodeId),
}

impl Target {
    /// Every forecast, then every decision in tree order.
    pub fn all(ev: &Evaluation) -> Vec<Target> {
        let forecasts = (0..ev.model().forecasts.len()).map(Target::Forecast);
        let decisions = ev.decisions().iter().map(|d| Target::Decision(d.node));
        forecasts.chain(decisions).collect()
    }

    /// Its name: the forecast's name, or the decision node's path (the scenario's id for a
    /// decision at the root).
    pub fn name(self, ev: &Evaluation) -> String {
        let model = ev.model();
        match self {
            Target::Forecast(i) => model.forecasts[i].name.clone(),
            Target::Decision(0) => model.meta.id.clone(),
            Target::Decision(n) => model.path_of(n),
        }
    }

    /// Its value in the point evaluation; `None` for a forecast that evidence from the
    /// command line makes undefined.
    pub fn base(self, ev: &Evaluation) -> Option<f64> {
        match self {
            Target::Forecast(i) => ev.forecast(i).value,
            Target::Decision(n) => ev.node(n).value,
        }
    }
}

/// What an analysis may spend on exact re-evaluations, in the units of
/// `inputs::evaluation_cost` (about 10 ns each): a few seconds. Beyond it, fewer inputs are
/// varied and the result says so. A count, not a clock, so that the output never depends on
/// the machine.
pub(crate) const WORK_BUDGET: f64 = 1e8;
