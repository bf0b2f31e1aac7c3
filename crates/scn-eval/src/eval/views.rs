//! Named views of an [`Evaluation`]: each forecast, metric, let and node with its
//! definition and its numbers, so that reports read fields rather than parallel vectors.

use super::Evaluation;
use crate::model::{ExpectDef, ForecastDef, LetDef, MetricDef, Node, NodeId, NodeKind};

/// A decision and the value of each option.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// The node holding the options.
    pub node: NodeId,
    /// The option taken.
    pub choice: NodeId,
    /// Each option with its value, in source order.
    pub options: Vec<OptionValue>,
}

/// One option of a decision.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OptionValue {
    /// The option's node.
    pub node: NodeId,
    /// The expected objective if this option is taken, given the decision is reached.
    pub value: f64,
}

/// An expectation checked.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ExpectOutcome {
    /// The value found; `None` when evidence from the command line made it undefined.
    pub value: Option<f64>,
    /// True when it lies within the bounds.
    pub holds: bool,
}

/// A forecast and its point value.
#[derive(Clone, Copy, Debug)]
pub struct ForecastView<'a> {
    /// Its position among the scenario's forecasts.
    pub index: usize,
    /// Its definition.
    pub def: &'a ForecastDef,
    /// Its value (given the evidence, if any); `None` when evidence from the command line
    /// makes it undefined.
    pub value: Option<f64>,
    /// Its value before the evidence, when there is evidence.
    pub prior: Option<f64>,
}

/// A metric and its expected value.
#[derive(Clone, Copy, Debug)]
pub struct MetricView<'a> {
    /// Its position among the scenario's metrics.
    pub index: usize,
    /// Its definition.
    pub def: &'a MetricDef,
    /// Its expected value over the leaves (given the evidence, if any).
    pub expected: f64,
    /// Its expected value before the evidence, when there is evidence.
    pub prior: Option<f64>,
}

/// A let and its point value.
#[derive(Clone, Copy, Debug)]
pub struct LetView<'a> {
    /// Its position among the model's lets.
    pub index: usize,
    /// Its definition.
    pub def: &'a LetDef,
    /// Its value, a distribution's mean standing for the distribution.
    pub value: f64,
}

/// A node and its probabilities.
#[derive(Clone, Copy, Debug)]
pub struct NodeView<'a> {
    /// Its index.
    pub id: NodeId,
    /// Its definition.
    pub def: &'a Node,
    /// Its probability given its parent, before evidence (options: 1 if chosen, else 0).
    pub cond: f64,
    /// Its probability given its parent now: given the evidence when there is evidence.
    pub cond_now: f64,
    /// Its path probability now (given the evidence, if any).
    pub probability: f64,
    /// Its path probability before evidence.
    pub prior: f64,
    /// Its rolled-back value of the objective, when the scenario has one.
    pub value: Option<f64>,
}

impl NodeView<'_> {
    /// True for an option that its decision takes.
    pub fn is_chosen_option(&self) -> bool {
        self.def.kind == NodeKind::Option && self.cond == 1.0
    }
}

impl Evaluation {
    /// Each forecast with its value, in order.
    pub fn forecasts(&self) -> impl ExactSizeIterator<Item = ForecastView<'_>> + '_ {
        (0..self.forecasts.len()).map(|i| self.forecast(i))
    }

    /// Forecast `i`.
    pub fn forecast(&self, i: usize) -> ForecastView<'_> {
        let (value, prior) = self.forecasts[i];
        ForecastView {
            index: i,
            def: &self.model.forecasts[i],
            value,
            prior,
        }
    }

    /// Each metric with its expected value, in order.
    pub fn metrics(&self) -> impl ExactSizeIterator<Item = MetricView<'_>> + '_ {
        self.metrics
            .iter()
            .enumerate()
            .map(|(i, &(expected, prior))| MetricView {
                index: i,
                def: &self.model.metrics[i],
                expected,
                prior,
            })
    }

    /// Each let (scenario lets, then template parameters) with its value.
    pub fn lets(&self) -> impl ExactSizeIterator<Item = LetView<'_>> + '_ {
        self.lets.iter().enumerate().map(|(i, &value)| LetView {
            index: i,
            def: &self.model.lets[i],
            value,
        })
    }

    /// Node `id`.
    pub fn node(&self, id: NodeId) -> NodeView<'_> {
        let k = id as usize;
        let def = &self.model.nodes[k];
        let now = self.posterior.as_ref().unwrap_or(&self.prior);
        let parent = def.parent as usize;
        // Under evidence, a branch's probability given its parent is the posterior one.
        let cond_now = if self.posterior.is_some() && k != 0 && now[parent] > 0.0 {
            now[k] / now[parent]
        } else {
            self.cond[k]
        };
        NodeView {
            id,
            def,
            cond: self.cond[k],
            cond_now,
            probability: now[k],
            prior: self.prior[k],
            value: self.values.as_ref().map(|v| v[k]),
        }
    }

    /// Every node in pre-order, the root first.
    pub fn nodes(&self) -> impl ExactSizeIterator<Item = NodeView<'_>> + '_ {
        (0..self.model.nodes.len() as NodeId).map(|k| self.node(k))
    }

    /// Each expectation with its outcome.
    pub fn expectations(&self) -> impl ExactSizeIterator<Item = (&ExpectDef, ExpectOutcome)> + '_ {
        self.model.expects.iter().zip(self.expects.iter().copied())
    }
}
