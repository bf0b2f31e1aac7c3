//! Assumptions: the scenario's `let`s, which hold the author's judgements. Each is shown with
//! its documentation string, its expression as written, and what it is worth:
//!
//! - a constant: its value;
//! - one distribution with constant parameters (`beta(3, 9)`): its mean and its 90% interval,
//!   the exact 5th and 95th percentiles of the family (for `lo to hi`, its own bounds);
//! - an expression of other lets: its value at the inputs' means and, when sampled, the 5th
//!   and 95th percentiles of its sampled values (before any evidence: the assumption itself).
//!
//! Template parameters are not listed one by one — a template used twenty times would
//! repeat its parameters twenty times, each bound from the lets above by a `use` — but the
//! section says how many there are, per template.

use scn_eval::model::Model;
use scn_eval::{DistKind, LetShape};

use super::Inputs;

/// Most samples whose rows are kept for the spread of computed lets.
pub(crate) const ROW_SAMPLES: u64 = 100_000;
/// Most numbers (samples × row width) kept for it: 64 MB.
const ROW_CELLS: u64 = 8_000_000;
/// Fewer samples than this give no interval worth printing.
const ROW_SAMPLES_MIN: u64 = 200;

/// The assumptions.
pub(crate) struct Assumptions {
    /// The scenario's lets, in the order written.
    pub lets: Vec<Assumption>,
    /// Template parameters, per template, in order of first use.
    pub params: Vec<ParamGroup>,
    /// Samples the spread of computed lets comes from, when there is one.
    pub sampled_from: Option<u64>,
    /// True under evidence: that spread is still the assumption's own, before the evidence,
    /// and the reports say so beside the forecasts' posterior figures.
    pub before_evidence: bool,
}

/// One `let`.
#[derive(Clone, Debug)]
pub(crate) struct Assumption {
    /// Its name.
    pub name: String,
    /// Its documentation string.
    pub doc: Option<String>,
    /// Its expression as written, on one line.
    pub written: String,
    /// Its value in the point evaluation (a distribution's mean).
    pub value: f64,
    /// What kind of value.
    pub kind: Kind,
    /// The sources it cites (`let … cite a, b`), by id, in the order written.
    pub sources: Vec<String>,
}

/// What a let's value is.
#[derive(Clone, Debug)]
pub(crate) enum Kind {
    /// A number.
    Constant,
    /// One distribution with constant parameters.
    Distribution {
        /// Its family as written (`beta`, `to`…).
        family: &'static str,
        /// The 5th percentile.
        p05: f64,
        /// The 95th percentile.
        p95: f64,
    },
    /// An expression of other lets.
    Expression {
        /// The 5th and 95th percentiles of its sampled values, when sampled and a draw
        /// feeds it.
        sampled: Option<(f64, f64)>,
    },
}

/// The parameters of one template.
#[derive(Clone, Debug)]
pub(crate) struct ParamGroup {
    /// The template.
    pub template: String,
    /// How many times it is used.
    pub uses: usize,
    /// Its parameters (each use binds each of them).
    pub params: usize,
}

impl Assumptions {
    pub(crate) fn build(inputs: Inputs<'_>) -> Assumptions {
        let ev = inputs.ev;
        let model = ev.model();
        let shapes = model.let_shapes();
        let rows = inputs
            .let_rows
            .and_then(|s| s.rows.as_ref().map(|r| (s, r)));
        let width = model.lets.len();
        let mut lets = Vec::new();
        for (view, shape) in ev.lets().zip(&shapes) {
            let def = view.def;
            if def.is_param {
                continue;
            }
            let written = inputs.quotes.lets[view.index].clone();
            let kind = match shape {
                LetShape::Constant(_) => Kind::Constant,
                LetShape::Distribution(d) => {
                    let (p05, p95) = match d.kind {
                        // Its bounds are its 5th and 95th percentiles by definition.
                        DistKind::To => (d.params[0], d.params[1]),
                        _ => (d.quantile(0.05), d.quantile(0.95)),
                    };
                    Kind::Distribution {
                        family: d.kind.name(),
                        p05,
                        p95,
                    }
                }
                LetShape::Expression { uncertain } => Kind::Expression {
                    sampled: rows
                        .filter(|_| *uncertain)
                        .and_then(|(_, r)| percentiles(&r.lets, width, view.index)),
                },
            };
            lets.push(Assumption {
                name: def.name.clone(),
                doc: def.doc.clone(),
                written,
                value: view.value,
                kind,
                sources: def
                    .cites
                    .iter()
                    .map(|&c| model.sources[c as usize].id.clone())
                    .collect(),
            });
        }
        let sampled_from = rows
            .filter(|_| {
                lets.iter()
                    .any(|l| matches!(l.kind, Kind::Expression { sampled: Some(_) }))
            })
            .map(|(s, _)| s.kept);
        Assumptions {
            lets,
            params: param_groups(model),
            sampled_from,
            before_evidence: ev.evidence().is_some(),
        }
    }

    /// True when there is nothing to show.
    pub(crate) fn is_empty(&self) -> bool {
        self.lets.is_empty() && self.params.is_empty()
    }
}

/// How many samples to keep rows for, so that the spread of computed lets can be shown:
/// `None` when no scenario let needs it. Rows cost a row of numbers per sample, so a large
/// run keeps them for its first samples only (`assumptions::ROW_SAMPLES` at most).
pub(crate) fn row_samples(model: &Model, samples: u64) -> Option<u64> {
    let needed = model
        .let_shapes()
        .iter()
        .zip(&model.lets)
        .any(|(s, def)| !def.is_param && matches!(s, LetShape::Expression { uncertain: true }));
    if !needed {
        return None;
    }
    let options: usize = (0..model.nodes.len() as u32)
        .filter(|&n| model.is_decision(n))
        .map(|n| model.children(n).len())
        .sum();
    let width = (model.lets.len() + 2 * model.forecasts.len() + options + 1) as u64;
    let n = samples.min(ROW_SAMPLES).min(ROW_CELLS / width.max(1));
    (n >= ROW_SAMPLES_MIN.min(samples)).then_some(n)
}

/// The 5th and 95th percentiles of column `col` of rows `width` wide.
fn percentiles(values: &[f64], width: usize, col: usize) -> Option<(f64, f64)> {
    let mut column: Vec<f64> = values
        .iter()
        .skip(col)
        .step_by(width.max(1))
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    scn_eval::Summary::of(&mut column).map(|s| (s.p05, s.p95))
}

/// Template parameters per template: each `use` binds every parameter once, as a let named
/// `template.param`, so a template's uses are the lets of any one of its parameters.
fn param_groups(model: &Model) -> Vec<ParamGroup> {
    let mut groups: Vec<ParamGroup> = Vec::new();
    let mut names: Vec<std::collections::HashMap<&str, usize>> = Vec::new();
    for def in model.lets.iter().filter(|l| l.is_param) {
        let template = def
            .name
            .split_once('.')
            .map_or(def.name.as_str(), |(t, _)| t);
        let g = match groups.iter().position(|g| g.template == template) {
            Some(g) => g,
            None => {
                groups.push(ParamGroup {
                    template: template.to_owned(),
                    uses: 0,
                    params: 0,
                });
                names.push(std::collections::HashMap::new());
                groups.len() - 1
            }
        };
        *names[g].entry(def.name.as_str()).or_insert(0) += 1;
    }
    for (g, seen) in groups.iter_mut().zip(names) {
        g.params = seen.len();
        g.uses = seen.values().copied().max().unwrap_or(0);
    }
    groups
}
