//! Expected metrics: each metric's expectation over the paths, its prior under evidence,
//! and, when sampled, its outcome spread (one path drawn per sample).

use scn_eval::{Evaluation, Samples, Summary};

use crate::report::number::Measure;

/// A sentence every format gives under a sampled outcome interval.
pub(crate) const OUTCOME_NOTE: &str = "An outcome interval spans the metric's value on one path \
     drawn per sample, so it shows how far a single future can fall from the expectation.";

/// The metrics.
pub(crate) struct Metrics<'a> {
    ev: &'a Evaluation,
    /// In the order declared.
    pub rows: Vec<Metric>,
    /// True when Monte Carlo ran.
    pub sampled: bool,
    /// True under evidence.
    pub evidence: bool,
}

/// One metric.
#[derive(Clone, Debug)]
pub(crate) struct Metric {
    /// Its id.
    pub id: String,
    /// Its label, if written.
    pub label: Option<String>,
    /// Its measure.
    pub measure: Measure,
    /// Its expected value now.
    pub expected: f64,
    /// Before the evidence, under evidence.
    pub prior: Option<f64>,
    /// Its sampled outcome distribution, when sampled.
    pub outcome: Option<Summary>,
    /// Samples in which it was undefined.
    pub dropped: u64,
}

impl Metric {
    /// Its label, or its id.
    pub(crate) fn name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.id)
    }
}

impl<'a> Metrics<'a> {
    pub(crate) fn build(ev: &'a Evaluation, samples: Option<&Samples>) -> Metrics<'a> {
        let rows = ev
            .metrics()
            .map(|m| {
                let figure = samples.map(|s| &s.metrics[m.index]);
                Metric {
                    id: m.def.name.clone(),
                    label: m.def.label.clone(),
                    measure: Measure::of_unit(m.def.unit.as_deref()),
                    expected: m.expected,
                    prior: m.prior,
                    outcome: figure.and_then(|f| f.summary),
                    dropped: figure.map_or(0, |f| f.dropped),
                }
            })
            .collect();
        Metrics {
            ev,
            rows,
            sampled: samples.is_some(),
            evidence: ev.evidence().is_some(),
        }
    }

    /// Metric `m`'s exact distribution over the paths: its value on each path of
    /// probability above 0, with that probability.
    pub(crate) fn distribution(&self, m: usize) -> Vec<(f64, f64)> {
        self.ev
            .leaves()
            .iter()
            .map(|&l| (self.ev.metric_at(l, m), self.ev.node(l).probability))
            .filter(|&(_, p)| p > 0.0)
            .collect()
    }
}
