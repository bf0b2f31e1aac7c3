//! The bottom line, which every report for people opens with: the headline forecasts in
//! numbers and (for probabilities) in words, and the most likely paths.
//!
//! The language has no way yet to mark a forecast as a headline, so the headlines are the
//! first [`HEADLINES`] forecasts, in the order written: authors put the main ones first.

use scn_dsl::Date;

use super::forecasts::{Forecast, Forecasts};
use super::paths::Paths;
use super::{Step, steps};

/// Forecasts in the bottom line.
pub(crate) const HEADLINES: usize = 5;
/// Paths in the bottom line.
pub(crate) const LIKELY_PATHS: usize = 3;

/// The bottom line.
pub(crate) struct Briefing {
    /// The headline forecasts.
    pub headlines: Vec<Forecast>,
    /// All forecasts, headlines included.
    pub forecasts: usize,
    /// True when the headlines lead with sampled means.
    pub sampled: bool,
    /// The most likely paths.
    pub paths: Vec<LikelyPath>,
    /// All paths.
    pub all_paths: usize,
    /// What moves the headline forecasts most: the strongest driver of each of the first
    /// ones ([`Drivers::briefing`](super::Drivers::briefing)). Empty when nothing moves
    /// them, and then not shown.
    pub drivers: Vec<Driver>,
}

/// A path in the bottom line.
#[derive(Clone, Debug)]
pub(crate) struct LikelyPath {
    /// Its probability now.
    pub probability: f64,
    /// Its nodes.
    pub steps: Vec<Step>,
    /// The leaf's date.
    pub date: Option<Date>,
}

/// An input that moves a headline forecast: the forecast's value with the input at the low
/// and at the high end of its range.
#[derive(Clone, Debug)]
pub(crate) struct Driver {
    /// The input's name (a `let`).
    pub input: String,
    /// The forecast it moves.
    pub forecast: Forecast,
    /// The forecast with the input at the low end of its range.
    pub low: f64,
    /// The forecast with the input at the high end.
    pub high: f64,
}

impl Briefing {
    pub(crate) fn build(forecasts: &Forecasts, paths: &Paths<'_>) -> Briefing {
        let model = paths.ev().model();
        Briefing {
            headlines: forecasts.rows.iter().take(HEADLINES).cloned().collect(),
            forecasts: forecasts.rows.len(),
            sampled: forecasts.sampled,
            paths: paths
                .leaves
                .iter()
                .filter(|&&leaf| paths.ev().node(leaf).probability > 0.0)
                .take(LIKELY_PATHS)
                .map(|&leaf| LikelyPath {
                    probability: paths.ev().node(leaf).probability,
                    steps: steps(model, leaf),
                    date: model.nodes[leaf as usize].date,
                })
                .collect(),
            all_paths: paths.leaves.len(),
            drivers: Vec::new(),
        }
    }

    /// The probability the paths shown hold together.
    pub(crate) fn paths_mass(&self) -> f64 {
        self.paths.iter().map(|p| p.probability).sum()
    }
}
