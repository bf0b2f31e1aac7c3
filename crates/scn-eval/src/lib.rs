//! Resolution and evaluation of `.scn` scenarios.
//!
//! [`load`] reads a file and its imports, [`resolve`] resolves the scenario into a flat
//! [`Model`] (names, templates, events, and every validation rule of the language), and
//! [`evaluate`] computes it exactly: path probabilities, dates, metrics, decisions,
//! evidence, forecasts and expectations. [`sample`] runs the same evaluator over draws of the
//! uncertain inputs (Monte Carlo). [`diff::compare`] says what changed between two versions
//! and which edits moved each forecast. [`analysis`] asks what drives a forecast: tornado,
//! global sensitivity, thresholds, value of information and risk profiles.
//!
//! ```
//! use std::path::Path;
//!
//! let src = r#"
//! scenario summit "How a summit can end" {
//!   metric cost = 0
//!   branch accord "Accord" p = 10% { cost += 5 }
//!   branch walkout "Walkout" p = rest { cost += 20 }
//!   forecast p_accord = P(accord)
//!   forecast ev_cost = E(cost)
//! }
//! "#;
//! let loaded = scn_eval::load("summit.scn", src.to_owned(), Path::new("."), None);
//! let model = scn_eval::resolve(&loaded).expect("valid");
//! let result = scn_eval::evaluate(model).expect("evaluates");
//! assert_eq!(result.forecast(0).value, Some(0.1));
//! assert_eq!(result.forecast(1).value, Some(0.1 * 5.0 + 0.9 * 20.0));
//! ```

#![warn(missing_docs, unreachable_pub)]

pub mod analysis;
mod describe;
pub mod diff;
mod dist;
mod eval;
mod functions;
mod kernel;
mod load;
mod manifest;
pub mod model;
mod plugin;
mod prefetch;
mod program;
mod quantile;
mod resolution;
mod resolve;
mod sample;
mod score;
mod trust;

pub use describe::{Distribution, ForecastShape, LetShape};
pub use dist::DistKind;
pub use eval::{
    Decision, Evaluation, ExpectOutcome, ForecastView, LetView, MetricView, NodeView, OptionValue,
    Overrides, Prepared, evaluate, evaluate_then, evaluate_with,
};
pub use functions::{Arity, reference_markdown as function_reference};
pub use load::{
    Disk, Files, Limits, Loaded, MAX_IMPORT_BYTES, MAX_IMPORT_DEPTH, load, load_from, load_in,
    lock_folder,
};
pub use manifest::{Defaults, MANIFEST_NAME, MAX_SAMPLES, Manifest, PluginPolicy, REPORT_FORMATS};
pub use model::{ForecastKind, Model};
pub use plugin::{Launched, Plugin, Plugins, Signature, Value, stop_all};
pub use resolution::{
    Mismatch, Outcome, RESOLUTIONS_NAME, Resolution, Resolutions, match_forecast, parse_day,
    split_id,
};
pub use resolve::{did_you_mean, resolve, resolve_draining, resolve_given, resolve_scenario};
pub use sample::{
    BetaStrips, DEFAULT_SEED, Figure, Rows, SampleOptions, Samples, Summary, bytes_per_sample, exp,
    exp_in_place, sample, zeroed_store,
};
pub use score::{
    BASELINE_BRIER, BASELINE_LOG, BINS, Bin, Score, ScoreSummary, bin_of, brier, calibration,
    log_score, time_averaged_brier,
};
pub use trust::{TRUST_FILE, TrustEntry, TrustStore};
