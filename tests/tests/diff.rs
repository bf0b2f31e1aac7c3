//! `scn diff`: the comparison and the attribution of each forecast's change against numbers
//! computed by hand (`attribution`), the list of edits (`structure`), the command's reports
//! (`cli`), and versions read from a scratch git repository that each test builds (`git`).
//!
//! Every expected number carries its arithmetic in a comment; none was copied from the
//! program's output. Floats compare with a tolerance of 1e-12 times the forecast's scale.

#[path = "diff/attribution.rs"]
mod attribution;
#[path = "diff/cli.rs"]
mod cli;
#[path = "diff/git.rs"]
mod git;
#[path = "diff/structure.rs"]
mod structure;

use std::path::Path;

use scn_eval::Evaluation;
use scn_eval::diff::{Diff, DiffOptions, Side};

/// One version of an inline scenario, kept with its files.
pub struct Version {
    pub loaded: scn_eval::Loaded,
    pub ev: Evaluation,
}

/// Loads, resolves and evaluates `src`.
#[track_caller]
pub fn version(name: &str, src: &str) -> Version {
    let loaded = scn_eval::load(name, src.to_owned(), Path::new("."), None);
    let ev = scn_eval::resolve(&loaded)
        .and_then(scn_eval::evaluate)
        .unwrap_or_else(|d| panic!("{}", scn_dsl::render_all(&d, &loaded.sources)));
    Version { loaded, ev }
}

/// Compares two inline versions with a seed for sampled Shapley values.
#[track_caller]
pub fn compare_seeded(old: &str, new: &str, seed: u64) -> Diff {
    compare_with(
        old,
        new,
        DiffOptions {
            seed,
            ..DiffOptions::default()
        },
    )
}

/// Compares two inline versions with these options.
#[track_caller]
pub fn compare_with(old: &str, new: &str, options: DiffOptions) -> Diff {
    let (a, b) = (version("old.scn", old), version("new.scn", new));
    let d = scn_eval::diff::compare(
        Side {
            evaluation: &a.ev,
            sources: &a.loaded.sources,
        },
        Side {
            evaluation: &b.ev,
            sources: &b.loaded.sources,
        },
        &options,
    );
    adds_up(&d);
    d
}

/// Compares two inline versions.
#[track_caller]
pub fn compare(old: &str, new: &str) -> Diff {
    compare_seeded(old, new, scn_eval::DEFAULT_SEED)
}

/// A forecast's scale: the tolerance of its sums is relative to it.
pub fn scale(d: &Diff, forecast: &str) -> f64 {
    let f = forecast_of(d, forecast);
    f.old
        .unwrap_or(0.0)
        .abs()
        .max(f.new.unwrap_or(0.0).abs())
        .max(1.0)
}

#[track_caller]
pub fn forecast_of<'d>(d: &'d Diff, name: &str) -> &'d scn_eval::diff::ForecastChange {
    d.forecasts
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no forecast `{name}` in the diff"))
}

/// A term of a forecast's split: `structure`, or an input by name.
#[track_caller]
pub fn share(d: &Diff, forecast: &str, input: &str) -> f64 {
    let f = forecast_of(d, forecast);
    let a = f
        .attribution
        .as_ref()
        .unwrap_or_else(|| panic!("`{forecast}` has no attribution"));
    if input == "structure" {
        return a.structure;
    }
    let i = d
        .inputs
        .iter()
        .position(|i| i.name == input)
        .unwrap_or_else(|| {
            let names: Vec<&str> = d.inputs.iter().map(|i| i.name.as_str()).collect();
            panic!("no input `{input}`; the inputs are {names:?}")
        });
    a.inputs[i]
}

#[track_caller]
pub fn close(actual: f64, expected: f64, scale: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= 1e-12 * scale.max(1.0),
        "{what}: expected {expected}, got {actual}"
    );
}

/// Every forecast's terms add up to its change.
#[track_caller]
pub fn adds_up(d: &Diff) {
    for f in &d.forecasts {
        let (Some(a), Some(change)) = (&f.attribution, f.change()) else {
            continue;
        };
        let sum = a.structure + a.inputs.iter().sum::<f64>() + a.combined.unwrap_or(0.0);
        close(
            sum,
            change,
            scale(d, &f.name),
            &format!("the terms of `{}`", f.name),
        );
    }
}

/// The inputs' names, in order.
pub fn input_names(d: &Diff) -> Vec<&str> {
    d.inputs.iter().map(|i| i.name.as_str()).collect()
}
