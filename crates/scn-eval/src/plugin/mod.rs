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

use builtin::Builtin;
pub(crate) use external::ExternalPlugin;

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
}

/// The plugins available to a run.
pub struct Plugins {
    map: BTreeMap<String, Box<dyn Plugin>>,
    /// Declared in `scn.toml` but refused by `--no-plugins`.
    refused: Vec<String>,
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
        for name in std::iter::once(STD).chain(Func::plugins()) {
            map.insert(name.into(), Box::new(Builtin::new(name)));
        }
        Plugins {
            map,
            refused: Vec::new(),
        }
    }

    /// Adds a plugin; a later one of the same name replaces the earlier.
    pub fn add(&mut self, plugin: Box<dyn Plugin>) {
        self.map.insert(plugin.name().to_owned(), plugin);
    }

    /// Notes a plugin that `--no-plugins` refused, for a clearer error if it is used.
    pub fn refuse(&mut self, name: &str) {
        self.refused.push(name.to_owned());
    }

    /// The plugin of a name.
    pub fn get(&self, name: &str) -> Option<&dyn Plugin> {
        self.map.get(name).map(|b| &**b)
    }

    /// True when `--no-plugins` refused a plugin of this name.
    pub fn is_refused(&self, name: &str) -> bool {
        self.refused.iter().any(|r| r == name)
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
