//! Resolution and evaluation of `.scn` scenarios.
//!
//! [`load`] reads a file and its imports, [`resolve`] resolves the scenario into a flat
//! [`Model`] (names, templates, events, and every validation rule of the spec), and
//! [`evaluate`] computes it exactly: path probabilities, dates, metrics, decisions,
//! evidence, forecasts and expectations.
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
//! assert_eq!(result.forecasts[0].0, 0.1);
//! assert_eq!(result.forecasts[1].0, 0.1 * 5.0 + 0.9 * 20.0);
//! ```

pub mod dist;
mod eval;
pub mod functions;
mod load;
mod manifest;
pub mod model;
pub mod plugin;
pub mod program;
mod resolve;
mod sample;
mod trust;

pub use eval::sets::LeafSets;
pub use eval::{Decision, Evaluation, ExpectOutcome, QueryPlan, evaluate};
pub use load::{Limits, Loaded, MAX_IMPORT_BYTES, MAX_IMPORT_DEPTH, load, load_in};
pub use manifest::{MANIFEST_NAME, MAX_SAMPLES, Manifest, PluginPolicy};
pub use model::Model;
pub use plugin::{Launched, Plugin, Plugins};
pub use resolve::{resolve, resolve_given, resolve_scenario};
pub use sample::{DEFAULT_SEED, SampleOptions, Samples, Summary, quantile, sample};
pub use trust::{TRUST_FILE, TrustEntry, TrustStore};
