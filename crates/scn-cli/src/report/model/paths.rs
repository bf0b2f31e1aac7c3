//! Paths: every leaf by probability (the JSON report lists them all), the first [`TOP`]
//! for people, each with its date and its metrics. A metric's unit belongs to its column.

use scn_dsl::Date;
use scn_eval::Evaluation;
use scn_eval::model::NodeId;

use super::{Step, steps};
use crate::report::number::Measure;

/// Paths a report for people lists.
pub(crate) const TOP: usize = 10;

/// The paths.
pub(crate) struct Paths<'a> {
    ev: &'a Evaluation,
    /// Every leaf by descending probability now, ties in tree order.
    pub leaves: Vec<NodeId>,
    /// One column per metric.
    pub columns: Vec<Column>,
    /// True when some leaf has a date: an undated scenario's reports leave out the column.
    pub dated: bool,
    /// True under evidence: each path has a prior.
    pub evidence: bool,
}

/// A metric's column.
#[derive(Clone, Debug)]
pub(crate) struct Column {
    /// The metric's id.
    pub id: String,
    /// Its label, if written.
    pub label: Option<String>,
    /// Its measure (the unit goes in the header).
    pub measure: Measure,
}

impl Column {
    /// Its label, or its id.
    pub(crate) fn name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.id)
    }
}

/// One path for people.
pub(crate) struct PathRow {
    /// 1 for the most likely.
    pub rank: usize,
    /// Its probability now.
    pub probability: f64,
    /// Before the evidence, under evidence.
    pub prior: Option<f64>,
    /// Its nodes.
    pub steps: Vec<Step>,
    /// The leaf's date.
    pub date: Option<Date>,
    /// Each metric's value on the path, in column order.
    pub metrics: Vec<f64>,
}

impl<'a> Paths<'a> {
    pub(crate) fn build(ev: &'a Evaluation) -> Paths<'a> {
        let model = ev.model();
        let leaves = ev.paths();
        let dated = leaves
            .iter()
            .any(|&l| model.nodes[l as usize].date.is_some());
        Paths {
            ev,
            leaves,
            columns: model
                .metrics
                .iter()
                .map(|m| Column {
                    id: m.name.clone(),
                    label: m.label.clone(),
                    measure: Measure::of_unit(m.unit.as_deref()),
                })
                .collect(),
            dated,
            evidence: ev.evidence().is_some(),
        }
    }

    /// The evaluation, for the JSON report's full paths.
    pub(crate) fn ev(&self) -> &'a Evaluation {
        self.ev
    }

    /// The first [`TOP`] paths.
    pub(crate) fn top(&self) -> impl Iterator<Item = PathRow> + '_ {
        let model = self.ev.model();
        self.leaves
            .iter()
            .take(TOP)
            .enumerate()
            .map(move |(i, &leaf)| {
                let node = self.ev.node(leaf);
                PathRow {
                    rank: i + 1,
                    probability: node.probability,
                    prior: self.evidence.then_some(node.prior),
                    steps: steps(model, leaf),
                    date: model.nodes[leaf as usize].date,
                    metrics: (0..self.columns.len())
                        .map(|m| self.ev.metric_at(leaf, m))
                        .collect(),
                }
            })
    }

    /// The paths after the first [`TOP`]: how many, and the probability they hold.
    pub(crate) fn rest(&self) -> Option<(usize, f64)> {
        (self.leaves.len() > TOP).then(|| {
            let mass = self
                .leaves
                .iter()
                .skip(TOP)
                .map(|&l| self.ev.node(l).probability)
                .sum();
            (self.leaves.len() - TOP, mass)
        })
    }
}
