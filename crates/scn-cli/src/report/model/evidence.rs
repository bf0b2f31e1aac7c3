//! What the evidence changed: each forecast and expected metric before and after it, and
//! the shallow branches it moved (the ones a reader recognises; deep ones follow from them).

use super::forecasts::{Forecast, Forecasts};
use super::metrics::{Metric, Metrics};
use super::{Inputs, LIST_LIMIT, NodeRef};

/// The evidence.
pub(crate) struct Evidence {
    /// Each `observe` and `--given`, as written.
    pub observed: Vec<String>,
    /// Its probability before it was observed.
    pub probability: f64,
    /// Every forecast, with its prior.
    pub forecasts: Vec<Forecast>,
    /// Every metric, with its prior.
    pub metrics: Vec<Metric>,
    /// Branches within two levels of the root whose probability it changed, in tree order.
    pub branches: Vec<Moved>,
    /// Such branches left out after the first [`LIST_LIMIT`].
    pub more_branches: usize,
}

/// A branch the evidence moved.
pub(crate) struct Moved {
    /// The branch.
    pub node: NodeRef,
    /// Its path probability before.
    pub prior: f64,
    /// And after.
    pub posterior: f64,
}

impl Evidence {
    /// `None` without evidence.
    pub(crate) fn build(inputs: Inputs<'_>) -> Option<Evidence> {
        let ev = inputs.ev;
        let probability = ev.evidence()?;
        let model = ev.model();
        let moved = || {
            ev.nodes()
                .skip(1)
                .filter(|n| n.def.depth <= 2 && n.prior != n.probability)
        };
        let more_branches = moved().count().saturating_sub(LIST_LIMIT);
        Some(Evidence {
            observed: inputs.quotes.observed.clone(),
            probability,
            forecasts: Forecasts::build(ev, None).rows,
            metrics: Metrics::build(ev, None).rows,
            branches: moved()
                .take(LIST_LIMIT)
                .map(|n| Moved {
                    node: NodeRef::of(model, n.id),
                    prior: n.prior,
                    posterior: n.probability,
                })
                .collect(),
            more_branches,
        })
    }
}
