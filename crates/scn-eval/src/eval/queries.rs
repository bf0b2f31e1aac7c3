//! `P(…)` and `E(…)` over leaf probabilities.
//!
//! Which leaves a query sums over never changes, so a [`QueryPlan`] lists them once; each
//! evaluation (the point one, or one Monte Carlo sample) then only adds up weights.

use scn_dsl::Span;

use super::sets::LeafSets;
use crate::model::{Model, Query};
use crate::program::EvalError;

/// The leaves each query of a model sums over.
#[derive(Clone, Debug)]
pub struct QueryPlan {
    items: Vec<Planned>,
    metrics: usize,
}

#[derive(Clone, Debug)]
enum Planned {
    /// P(e) or P(e | g): leaves of e∧g over leaves of g.
    Prob {
        num: Vec<u32>,
        den: Option<Vec<u32>>,
    },
    /// E(m) or E(m | g).
    Expect {
        metric: usize,
        over: Option<Vec<u32>>,
    },
}

impl QueryPlan {
    /// Lists the leaves of every query.
    pub fn new(model: &Model, sets: &LeafSets) -> QueryPlan {
        let items = model
            .queries
            .iter()
            .map(|q| match *q {
                Query::Prob { event, given: None } => Planned::Prob {
                    num: sets.members(event),
                    den: None,
                },
                Query::Prob {
                    event,
                    given: Some(g),
                } => Planned::Prob {
                    num: sets.members_and(event, g),
                    den: Some(sets.members(g)),
                },
                Query::Expect { metric, given } => Planned::Expect {
                    metric: metric as usize,
                    over: given.map(|g| sets.members(g)),
                },
            })
            .collect();
        QueryPlan {
            items,
            metrics: model.metrics.len(),
        }
    }

    /// The value of query `i` under leaf weights `leaf_prob` and leaf metric values
    /// `leaf_metrics` (`[ordinal * metrics + m]`).
    pub fn value(
        &self,
        i: u32,
        leaf_prob: &[f64],
        leaf_metrics: &[f64],
        span: Span,
    ) -> Result<f64, EvalError> {
        let mass =
            |members: &[u32]| -> f64 { members.iter().map(|&o| leaf_prob[o as usize]).sum() };
        let zero = || EvalError {
            span,
            message: "the condition after `|` has probability 0, so this is undefined".into(),
        };
        match &self.items[i as usize] {
            Planned::Prob { num, den: None } => Ok(mass(num)),
            Planned::Prob {
                num,
                den: Some(den),
            } => {
                let pg = mass(den);
                if pg <= 0.0 {
                    return Err(zero());
                }
                Ok(mass(num) / pg)
            }
            Planned::Expect { metric, over } => {
                let m = self.metrics;
                let term = |o: usize| leaf_prob[o] * leaf_metrics[o * m + metric];
                match over {
                    None => Ok((0..leaf_prob.len()).map(term).sum()),
                    Some(members) => {
                        let p = mass(members);
                        if p <= 0.0 {
                            return Err(zero());
                        }
                        Ok(members.iter().map(|&o| term(o as usize)).sum::<f64>() / p)
                    }
                }
            }
        }
    }
}

/// One set of leaf weights to answer queries with.
pub(crate) struct QueryCtx<'a> {
    pub plan: &'a QueryPlan,
    /// Probability of each leaf, by ordinal (posterior when there is evidence).
    pub leaf_prob: &'a [f64],
    /// Metric values after every effect on the path, `[ordinal * metrics + m]`.
    pub leaf_metrics: &'a [f64],
}

impl QueryCtx<'_> {
    pub(crate) fn value(&self, i: u32, span: Span) -> Result<f64, EvalError> {
        self.plan.value(i, self.leaf_prob, self.leaf_metrics, span)
    }
}
