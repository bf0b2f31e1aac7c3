//! Forecasts: each with the figure a report for people leads with (the v1 rule: the sampled
//! mean when sampled, else the point value, which is then labelled "at the inputs' means"),
//! its 90% interval, its prior under evidence, and what it measures.

use scn_dsl::Date;
use scn_eval::{Evaluation, ForecastKind, ForecastShape, Samples, Summary};

use crate::report::number::Measure;
use crate::report::prose::Prose;

/// How a report for people labels the point value when it leads with the sampled mean.
pub(crate) const AT_MEANS: &str = "at the inputs' means";

/// Every forecast.
pub(crate) struct Forecasts {
    /// In the order written.
    pub rows: Vec<Forecast>,
    /// True when Monte Carlo ran.
    pub sampled: bool,
    /// True under evidence: each forecast has a prior.
    pub evidence: bool,
}

/// One forecast.
#[derive(Clone, Debug)]
pub(crate) struct Forecast {
    /// Its id.
    pub id: String,
    /// Its label, if written.
    pub label: Option<String>,
    /// What it measures: a probability, a metric's unit, or a number.
    pub measure: Measure,
    /// The point value; `None` when command-line evidence makes it undefined.
    pub point: Option<f64>,
    /// The value before the evidence, under evidence.
    pub prior: Option<f64>,
    /// The Monte Carlo summary, when sampled and defined in some sample.
    pub sampled: Option<Summary>,
    /// True when Monte Carlo ran: a missing summary then means no sample gave a value.
    pub in_samples: bool,
    /// Samples in which it was undefined.
    pub dropped: u64,
    /// True when the sampled mean and the point value differ by more than four standard
    /// errors and more than 0.5 %: the forecast depends non-linearly on its inputs.
    pub differs: bool,
    /// A probability (resolved yes or no) or a number.
    pub kind: ForecastKind,
    /// `closes DATE`: when its question closes.
    pub closes: Option<Date>,
    /// `criteria "..."`: how its question resolves.
    pub criteria: Option<String>,
}

impl Forecast {
    /// The figure to lead with. After sampling, a forecast no sample gave a value (its
    /// condition had probability 0, or it was undefined, in every sample) has none: its
    /// point value would stand under a heading of sampled means.
    pub(crate) fn lead(&self) -> Option<f64> {
        match &self.sampled {
            Some(s) => Some(s.mean),
            None if self.in_samples => None,
            None => self.point,
        }
    }

    /// Its label, or its id.
    pub(crate) fn name(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.id)
    }

    /// Its question as written, for people: "closes 2026-06-30", "criteria: …", or both
    /// joined by " · "; `None` when it has neither.
    pub(crate) fn question(&self) -> Option<String> {
        let closes = self.closes.map(|d| format!("closes {d}"));
        let criteria = self.criteria.as_ref().map(|c| format!("criteria: {c}"));
        match (closes, criteria) {
            (None, None) => None,
            (Some(a), None) | (None, Some(a)) => Some(a),
            (Some(a), Some(b)) => Some(format!("{a} · {b}")),
        }
    }
}

impl Forecasts {
    pub(crate) fn build(ev: &Evaluation, samples: Option<&Samples>) -> Forecasts {
        let model = ev.model();
        let rows = ev
            .forecasts()
            .map(|f| {
                let figure = samples.map(|s| &s.forecasts[f.index]);
                let sampled = figure.and_then(|x| x.summary);
                let measure = measure_of(model, f.index);
                Forecast {
                    id: f.def.name.clone(),
                    label: f.def.label.clone(),
                    measure,
                    point: f.value,
                    prior: f.prior,
                    sampled,
                    in_samples: samples.is_some(),
                    dropped: figure.map_or(0, |x| x.dropped),
                    differs: differs(f.value, sampled.as_ref()),
                    kind: f.def.kind,
                    closes: f.def.closes,
                    criteria: f.def.criteria.clone(),
                }
            })
            .collect();
        Forecasts {
            rows,
            sampled: samples.is_some(),
            evidence: ev.evidence().is_some(),
        }
    }

    /// The note a report for people gives when sampled means and point values part ways.
    pub(crate) fn nonlinear_note(&self) -> Option<Prose> {
        let ids: Vec<String> = self
            .rows
            .iter()
            .filter(|f| f.differs)
            .map(|f| f.id.clone())
            .collect();
        if ids.is_empty() {
            return None;
        }
        let verb = if ids.len() == 1 { "depends" } else { "depend" };
        Some(Prose::default().code_list(&ids).text(format!(
            " {verb} non-linearly on uncertain inputs: the sampled mean (the model's own \
             expectation) differs from the value {AT_MEANS} by more than sampling noise."
        )))
    }
}

/// The v1 test: more than four standard errors of the mean and more than 0.5 % apart.
fn differs(point: Option<f64>, sampled: Option<&Summary>) -> bool {
    match (point, sampled) {
        (Some(p), Some(s)) => {
            let n = s.ess.unwrap_or(s.n as f64);
            let se = if n > 0.0 { s.sd / n.sqrt() } else { 0.0 };
            let gap = (s.mean - p).abs();
            gap > 4.0 * se && gap > 0.005 * p.abs().max(s.mean.abs())
        }
        _ => false,
    }
}

/// What forecast `i` measures: a probability, a metric's unit, or a number.
pub(crate) fn measure_of(model: &scn_eval::model::Model, i: usize) -> Measure {
    match model.forecast_shape(i) {
        ForecastShape::Probability => Measure::Probability,
        ForecastShape::Expectation { metric } => {
            Measure::of_unit(model.metrics[metric as usize].unit.as_deref())
        }
        ForecastShape::Other => Measure::Number,
    }
}

/// What a decision's value measures: the objective metric's unit.
pub(crate) fn objective_measure(model: &scn_eval::model::Model) -> Measure {
    match model.objective {
        Some((_, m)) => Measure::of_unit(model.metrics[m as usize].unit.as_deref()),
        None => Measure::Number,
    }
}
