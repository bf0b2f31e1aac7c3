//! `P(…)` and `E(…)` over leaf probabilities.

use scn_dsl::Span;

use super::sets::LeafSets;
use crate::model::{Model, Query};
use crate::program::EvalError;

/// Everything a query reads: the model, the leaf sets, and one set of leaf weights.
pub(crate) struct QueryCtx<'a> {
    pub model: &'a Model,
    pub sets: &'a LeafSets,
    /// Probability of each leaf, by ordinal (posterior when there is evidence).
    pub leaf_prob: &'a [f64],
    /// Metric values after every effect on the path, `[ordinal * metrics + m]`.
    pub leaf_metrics: &'a [f64],
}

impl QueryCtx<'_> {
    fn mass(&self, members: &[u32]) -> f64 {
        members.iter().map(|&o| self.leaf_prob[o as usize]).sum()
    }

    pub(crate) fn value(&self, i: u32, span: Span) -> Result<f64, EvalError> {
        let m = self.model.metrics.len();
        let zero_given = || EvalError {
            span,
            message: "the condition after `|` has probability 0, so this is undefined".into(),
        };
        match self.model.queries[i as usize] {
            Query::Prob { event, given: None } => Ok(self.mass(&self.sets.members(event))),
            Query::Prob { event, given: Some(g) } => {
                let pg = self.mass(&self.sets.members(g));
                if pg <= 0.0 {
                    return Err(zero_given());
                }
                Ok(self.mass(&self.sets.members_and(event, g)) / pg)
            }
            Query::Expect { metric, given } => {
                let members: Vec<u32> = match given {
                    Some(g) => self.sets.members(g),
                    None => (0..self.sets.leaves.len() as u32).collect(),
                };
                let p = self.mass(&members);
                if given.is_some() && p <= 0.0 {
                    return Err(zero_given());
                }
                let total: f64 = members
                    .iter()
                    .map(|&o| self.leaf_prob[o as usize] * self.leaf_metrics[o as usize * m + metric as usize])
                    .sum();
                Ok(if given.is_some() { total / p } else { total })
            }
        }
    }
}
