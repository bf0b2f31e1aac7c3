//! Reports: one module per format behind the [`Render`] trait.

mod html;
mod json;
mod markdown;
mod number;
mod text;

use std::io::{self, Write};

use scn_dsl::SourceMap;
use scn_eval::model::NodeId;
use scn_eval::{Evaluation, Samples};

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
    /// The JSON of spec section 11, for programs.
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
    /// Warnings, as sentences.
    pub warnings: Vec<String>,
    /// The external plugins the run started, by name: every format names them.
    pub plugins: Vec<scn_eval::Launched>,
}

impl<'a> Report<'a> {
    pub(crate) fn new(
        ev: &'a Evaluation,
        sources: &'a SourceMap,
        samples: Option<&'a Samples>,
    ) -> Self {
        let mut warnings = ev.warnings.clone();
        warnings.extend(samples.map(Samples::warnings).unwrap_or_default());
        let mut paths = ev.sets.leaves.clone();
        let p = ev.posterior.as_ref().unwrap_or(&ev.prior);
        // A stable sort keeps tree order among equal probabilities.
        paths.sort_by(|&a, &b| p[b as usize].total_cmp(&p[a as usize]));
        Report {
            ev,
            sources,
            paths,
            samples,
            warnings,
            plugins: Vec::new(),
        }
    }

    /// The probability of a node now (posterior when there is evidence).
    pub(crate) fn prob(&self, node: NodeId) -> f64 {
        self.ev.posterior.as_ref().unwrap_or(&self.ev.prior)[node as usize]
    }

    /// True when some leaf has a date: an undated scenario's reports leave out date columns.
    pub(crate) fn paths_dated(&self) -> bool {
        self.paths
            .iter()
            .any(|&l| self.ev.model.nodes[l as usize].date.is_some())
    }

    /// The probability held by the paths after the first `shown`.
    pub(crate) fn mass_beyond(&self, shown: usize) -> f64 {
        self.paths.iter().skip(shown).map(|&l| self.prob(l)).sum()
    }

    /// A metric's value at a node.
    pub(crate) fn metric_at(&self, node: NodeId, m: usize) -> f64 {
        self.ev.metric_values[node as usize * self.ev.model.metrics.len() + m]
    }
}
