//! Reports: one [`model`] of what a report says, built once, and one module per format that
//! renders it behind the [`Render`] trait. How to add a section: [`model`]'s documentation.

pub(crate) mod html;
mod json;
pub(crate) mod markdown;
pub(crate) mod model;
pub(crate) mod number;
pub(crate) mod prose;
mod text;
pub(crate) mod words;

use std::io::{self, Write};

pub(crate) use model::{Inputs, Report};
pub(crate) use number::{Numbers, approx, num, pct};

/// A report format.
pub(crate) trait Render {
    /// Writes a report.
    fn render(&self, report: &Report<'_>, out: &mut dyn Write) -> io::Result<()>;
}

/// The formats of `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A briefing, forecasts, assumptions, the tree and top paths, for a terminal.
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

    /// Whether the format is read by people: only they are shown the sections that arrange
    /// facts (the tree, the timeline, sources, notes), which the JSON report leaves to its
    /// reader's own use of the paths.
    pub(crate) fn for_people(self) -> bool {
        self != Format::Json
    }
}
