//! Decisions: at each decision node, the option taken and every option's value (the expected
//! objective given the decision is reached), and, when sampled, the share of samples in
//! which each option would have been best.

use scn_eval::{Evaluation, Samples};

use super::NodeRef;
use crate::report::number::Measure;

/// The decisions.
pub(crate) struct Decisions {
    /// The metric decisions optimise, when the scenario has decisions.
    pub objective: Option<Objective>,
    /// Every decision node in tree order.
    pub list: Vec<Decision>,
    /// True when Monte Carlo ran.
    pub sampled: bool,
}

/// What decisions optimise.
pub(crate) struct Objective {
    /// The metric's id.
    pub id: String,
    /// Its label, if written.
    pub label: Option<String>,
    /// Its measure.
    pub measure: Measure,
    /// `maximize` or `minimize`.
    pub verb: &'static str,
}

/// One decision.
pub(crate) struct Decision {
    /// The node holding the options.
    pub at: NodeRef,
    /// The probability of reaching it, before evidence; 0 under an option not taken.
    pub reach: f64,
    /// The option taken.
    pub choice: NodeRef,
    /// Every option.
    pub options: Vec<Choice>,
}

/// One option.
pub(crate) struct Choice {
    /// Its id.
    pub id: String,
    /// Its label, if written.
    pub label: Option<String>,
    /// The expected objective if taken.
    pub value: f64,
    /// True for the option taken.
    pub chosen: bool,
    /// The share of samples in which it was best, when sampled.
    pub best_share: Option<f64>,
}

impl Decisions {
    pub(crate) fn build(ev: &Evaluation, samples: Option<&Samples>) -> Decisions {
        let model = ev.model();
        let list = ev
            .decisions()
            .iter()
            .enumerate()
            .map(|(i, d)| Decision {
                at: NodeRef::of(model, d.node),
                reach: ev.node(d.node).prior,
                choice: NodeRef::of(model, d.choice),
                options: d
                    .options
                    .iter()
                    .enumerate()
                    .map(|(j, o)| {
                        let node = &model.nodes[o.node as usize];
                        Choice {
                            id: node.id.to_string(),
                            label: node.label.as_deref().map(str::to_owned),
                            value: o.value,
                            chosen: o.node == d.choice,
                            best_share: samples.map(|s| s.optimal_share[i][j]),
                        }
                    })
                    .collect(),
            })
            .collect();
        let objective = model
            .objective
            .filter(|_| !ev.decisions().is_empty())
            .map(|(dir, obj)| {
                let metric = &model.metrics[obj as usize];
                Objective {
                    id: metric.name.clone(),
                    label: metric.label.clone(),
                    measure: Measure::of_unit(metric.unit.as_deref()),
                    verb: dir.as_str(),
                }
            });
        Decisions {
            objective,
            list,
            sampled: samples.is_some(),
        }
    }
}
