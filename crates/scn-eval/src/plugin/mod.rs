//! Plugins: named groups of functions called as `plugin.fn(args)` (docs/plugins.md).
//!
//! Every plugin implements [`Plugin`]: it lists its functions' signatures and answers calls
//! with a number or a distribution. Built in are `std` (the core distributions, needing no
//! `plugin` line), `hazard`, `odds` and `pool`. External plugins are executables declared in
//! a library's `scn.toml` ([`crate::Manifest`]); they are started once per run and called
//! at load time with constant arguments (see `docs/plugins.md`).
//!
//! Built-in functions compile to direct instructions (`Instr::Dist`, `Instr::Call`) read from
//! the function table, so that Monte Carlo does not pay a virtual call per draw; their
//! [`Plugin::call`] gives the same values and is what the tests and external tools use.

mod builtin;
mod external;

use std::collections::BTreeMap;
use std::path::PathBuf;

use builtin::Builtin;
pub(crate) use external::ExternalPlugin;
pub use external::stop_all;

use crate::dist::DistKind;
use crate::functions::{Arity, Func, STD};

/// What a plugin function returns.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A number.
    Number(f64),
    /// A distribution with its parameters.
    Dist(DistKind, Vec<f64>),
}

/// A function a plugin offers.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    /// Its name (called as `plugin.name`).
    pub name: String,
    /// How many arguments it takes.
    pub arity: Arity,
    /// What it computes, for `scn` users.
    pub doc: String,
}

/// A plugin.
pub trait Plugin: Send + Sync {
    /// The name a `plugin` line enables.
    fn name(&self) -> &str;
    /// Its functions. External plugins ask their process, which may fail.
    fn signatures(&self) -> Result<Vec<Signature>, String>;
    /// Calls a function with numbers.
    fn call(&self, function: &str, args: &[f64]) -> Result<Value, String>;
    /// True when calls must happen once, at load time, with constant arguments (plugins that
    /// run out of process); false for pure in-process functions that may run per sample.
    fn load_time_only(&self) -> bool {
        false
    }
    /// What ran, for an external plugin that was started during the run; `None` for
    /// built-ins and for plugins never started.
    fn launched(&self) -> Option<Launched> {
        None
    }
}

/// The names of the built-in plugins, which no library may declare: `std` and every plugin of
/// the function table.
pub(crate) fn builtin_names() -> Vec<&'static str> {
    std::iter::once(STD).chain(Func::plugins()).collect()
}

/// An external plugin a run started: reports name them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Launched {
    /// The name `plugin` lines use.
    pub name: String,
    /// Program and arguments.
    pub command: Vec<String>,
    /// The folder it ran in.
    pub dir: PathBuf,
}

/// Why a declared plugin may not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `--no-plugins`.
    Off,
    /// The manifest that declares it is not trusted.
    Untrusted {
        /// The manifest's path.
        manifest: PathBuf,
        /// What it would run.
        command: Vec<String>,
        /// Where it would run.
        dir: PathBuf,
    },
}

impl Refusal {
    /// The error message for a use of the plugin `name`, and the help that says how to allow it.
    pub fn explain(&self, name: &str) -> (String, String) {
        match self {
            Refusal::Off => (
                format!("the plugin `{name}` is refused: external plugins are off (--no-plugins)"),
                "run without --no-plugins to allow the plugins of a trusted scn.toml".to_owned(),
            ),
            Refusal::Untrusted {
                manifest,
                command,
                dir,
            } => (
                format!(
                    "the plugin `{name}` is not trusted: {} would run {command:?} in {}",
                    manifest.display(),
                    dir.display()
                ),
                format!(
                    "nothing was started; if you trust this library, run `scn trust {}` (any edit to its scn.toml revokes it), or pass --trust-plugins for one run",
                    dir.display()
                ),
            ),
        }
    }
}

/// The plugins available to a run.
pub struct Plugins {
    map: BTreeMap<String, Box<dyn Plugin>>,
    /// Declared in `scn.toml` but not allowed to run.
    refused: BTreeMap<String, Refusal>,
}

impl std::fmt::Debug for Plugins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugins")
            .field("names", &self.map.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Default for Plugins {
    fn default() -> Self {
        Plugins::builtin()
    }
}

impl Plugins {
    /// `std`, `hazard`, `odds` and `pool`.
    pub fn builtin() -> Plugins {
        let mut map: BTreeMap<String, Box<dyn Plugin>> = BTreeMap::new();
        for name in builtin_names() {
            map.insert(name.into(), Box::new(Builtin::new(name)));
        }
        Plugins {
            map,
            refused: BTreeMap::new(),
        }
    }

    /// Adds a plugin; a later one of the same name replaces the earlier.
    pub fn add(&mut self, plugin: Box<dyn Plugin>) {
        self.map.insert(plugin.name().to_owned(), plugin);
    }

    /// Notes a declared plugin that may not run, for a clearer error if it is used.
    pub fn refuse(&mut self, name: &str, why: Refusal) {
        self.refused.insert(name.to_owned(), why);
    }

    /// The plugin of a name.
    pub fn get(&self, name: &str) -> Option<&dyn Plugin> {
        self.map.get(name).map(|b| &**b)
    }

    /// Why a declared plugin of this name may not run, if it is refused.
    pub fn refusal(&self, name: &str) -> Option<&Refusal> {
        self.refused.get(name)
    }

    /// The external plugins started so far, by name: what a report says ran.
    pub fn launched(&self) -> Vec<Launched> {
        self.map.values().filter_map(|p| p.launched()).collect()
    }

    /// The names available, for messages.
    pub fn names(&self) -> Vec<&str> {
        self.map
            .keys()
            .map(String::as_str)
            .filter(|n| *n != "std")
            .collect()
    }
}
