//! Reports: one module per format behind the [`Render`] trait.

mod html;
mod json;
mod markdown;
mod number;
mod text;

use std::io::{self, Write};

use scn_dsl::SourceMap;
use scn_eval::model::NodeId;
use scn_eval::{Evaluation, Samples, Summary};

pub(crate) use number::{approx, num, pct};

/// A report format.
pub(crate) trait Render {
    /// Writes the report of an evaluation.
    fn render(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()>;
}

/// The formats of `scn eval --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A tree, forecasts, metrics, decisions and top paths, for a terminal.
    Text,
    /// The JSON report of docs/reference/json.md, for programs.
    Json,
    /// GitHub-flavoured Markdown, for issues, pull requests and wikis.
    Markdown,
    /// One self-contained HTML page with SVG charts, for browsers and print.
    Html,
}

impl Format {
    pub(crate) fn renderer(self) -> &'static dyn Render {
        match self {
            Format::Text => &text::Text,
            Format::Json => &json::Json,
            Format::Markdown => &markdown::Markdown,
            Format::Html => &html::Html,
        }
    }
}

/// What every format shows, computed once.
pub(crate) struct Report<'a> {
    /// The evaluation.
    pub ev: &'a Evaluation,
    /// The files it came from, for line numbers.
    pub sources: &'a SourceMap,
    /// Leaves by descending probability, ties in tree order.
    pub paths: Vec<NodeId>,
    /// Monte Carlo results, when sampled.
    pub samples: Option<&'a Samples>,
    /// Each forecast's headline figure, in order.
    pub headlines: Vec<Headline<'a>>,
    /// Warnings, as sentences.
    pub warnings: Vec<String>,
    /// The external plugins the run started, by name: every format names them.
    pub plugins: Vec<scn_eval::Launched>,
}

/// The figure a report for people leads with for one forecast: the sampled mean when
/// sampled, else the point value (the tree at the inputs' means).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Headline<'a> {
    /// The point value; `None` when undefined given command-line evidence.
    pub point: Option<f64>,
    /// The Monte Carlo summary, when sampled and defined in some sample.
    pub sampled: Option<&'a Summary>,
    /// True when the sampled mean and the point value differ by more than four standard
    /// errors and more than 0.5 %: the forecast depends non-linearly on its inputs.
    pub differs: bool,
}

impl Headline<'_> {
    /// The figure to lead with.
    pub(crate) fn lead(&self) -> Option<f64> {
        match self.sampled {
            Some(s) => Some(s.mean),
            None => self.point,
        }
    }

    fn new<'s>(point: Option<f64>, sampled: Option<&'s Summary>) -> Headline<'s> {
        let differs = match (point, sampled) {
            (Some(p), Some(s)) => {
                let n = s.ess.unwrap_or(s.n as f64);
                let se = if n > 0.0 { s.sd / n.sqrt() } else { 0.0 };
                let gap = (s.mean - p).abs();
                gap > 4.0 * se && gap > 0.005 * p.abs().max(s.mean.abs())
            }
            _ => false,
        };
        Headline {
            point,
            sampled,
            differs,
        }
    }
}

/// How a report for people labels the point value when it leads with the sampled mean.
pub(crate) const AT_MEANS: &str = "at the inputs' means";

impl<'a> Report<'a> {
    pub(crate) fn new(
        ev: &'a Evaluation,
        sources: &'a SourceMap,
        samples: Option<&'a Samples>,
    ) -> Self {
        let mut warnings = ev.warnings().to_vec();
        warnings.extend(samples.map(|s| s.warnings(ev)).unwrap_or_default());
        let headlines: Vec<Headline<'a>> = ev
            .forecasts()
            .map(|f| {
                let sampled = samples.and_then(|s| s.forecasts[f.index].summary.as_ref());
                Headline::new(f.value, sampled)
            })
            .collect();
        Report {
            ev,
            sources,
            paths: ev.paths(),
            samples,
            headlines,
            warnings,
            plugins: Vec::new(),
        }
    }

    /// The forecasts whose sampled mean differs from their point value beyond noise, by id.
    pub(crate) fn nonlinear(&self) -> Vec<&'a str> {
        let ev: &'a Evaluation = self.ev;
        ev.forecasts()
            .filter(|f| self.headlines[f.index].differs)
            .map(|f| f.def.name.as_str())
            .collect()
    }

    /// The note a report for people gives when sampled means and point values part ways.
    pub(crate) fn nonlinear_note(&self) -> Option<String> {
        let ids = self.nonlinear();
        if ids.is_empty() {
            return None;
        }
        let list: Vec<String> = ids.iter().map(|i| format!("`{i}`")).collect();
        Some(format!(
            "{} depend{} non-linearly on uncertain inputs: the sampled mean (the model's own \
             expectation) differs from the value {AT_MEANS} by more than sampling noise.",
            list.join(", "),
            if ids.len() == 1 { "s" } else { "" }
        ))
    }

    /// The probability of a node now (posterior when there is evidence).
    pub(crate) fn prob(&self, node: NodeId) -> f64 {
        self.ev.node(node).probability
    }

    /// True when some leaf has a date: an undated scenario's reports leave out date columns.
    pub(crate) fn paths_dated(&self) -> bool {
        let model = self.ev.model();
        self.paths
            .iter()
            .any(|&l| model.nodes[l as usize].date.is_some())
    }

    /// The probability held by the paths after the first `shown`.
    pub(crate) fn mass_beyond(&self, shown: usize) -> f64 {
        self.paths.iter().skip(shown).map(|&l| self.prob(l)).sum()
    }

    /// A metric's value at a node.
    pub(crate) fn metric_at(&self, node: NodeId, m: usize) -> f64 {
        self.ev.metric_at(node, m)
    }
}
