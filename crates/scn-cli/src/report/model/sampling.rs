//! How a Monte Carlo run went: samples asked for, kept, adjusted and dropped.

use scn_eval::Samples;

use super::SampledRun;
use super::forecasts::AT_MEANS;
use crate::report::number::{Numbers, exact};

/// What every report for people says at its top about a Monte Carlo run: which figures are
/// sampled and which exact.
pub(crate) fn lead_note(run: &SampledRun, n: Numbers) -> String {
    let ess = run.ess.map_or(String::new(), |e| {
        format!(
            "; weighted by the evidence, effective sample size {}",
            n.num(e.round())
        )
    });
    format!(
        "Forecasts lead with the mean of {} Monte Carlo samples ({} requested{ess}); intervals \
         are 90% intervals (5th to 95th percentile). The tree, paths, expected metrics, what \
         drives each forecast and the author's checks are exact {AT_MEANS}.",
        exact(run.kept as f64),
        exact(run.requested as f64)
    )
}

/// The run.
pub(crate) struct Sampling {
    /// Samples asked for.
    pub requested: u64,
    /// Samples whose tree could be evaluated.
    pub kept: u64,
    /// Kept samples whose probabilities were clamped or renormalised.
    pub adjusted: u64,
    /// Samples whose tree could not be evaluated.
    pub dropped: u64,
    /// Kept samples in which the evidence had probability 0.
    pub impossible_evidence: u64,
    /// The effective sample size of the evidence weights, under evidence.
    pub ess: Option<f64>,
}

impl Sampling {
    pub(crate) fn build(s: &Samples) -> Sampling {
        Sampling {
            requested: s.requested,
            kept: s.kept,
            adjusted: s.adjusted,
            dropped: s.dropped,
            impossible_evidence: s.impossible_evidence,
            ess: s.evidence_ess,
        }
    }
}
