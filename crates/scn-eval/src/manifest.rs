//! `scn.toml`, the library manifest: the library's scenario folders, default options, and the
//! external plugins it trusts. scn finds it by walking up from a `.scn` file's folder.
//!
//! ```toml
//! [library]
//! name = "forecasts"
//! scenarios = ["scenarios"]        # what `scn test` with no path tests
//!
//! [defaults]
//! samples = 10000                  # `scn eval` samples unless told `--samples 0`
//! seed = 7
//! format = "text"
//!
//! [plugins.base_rates]
//! command = ["python3", "plugins/base_rates.py"]   # run from the manifest's folder
//! timeout_ms = 2000
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use scn_dsl::{Diagnostic, FileId, SourceFile, SourceMap, Span};
use serde::Deserialize;

use crate::plugin::{ExternalPlugin, Plugins};

/// The file name scn looks for.
pub const MANIFEST_NAME: &str = "scn.toml";

/// Time a plugin gets to answer one request when `timeout_ms` is not given.
const DEFAULT_TIMEOUT_MS: u64 = 5000;

/// A parsed `scn.toml`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// `[library]`.
    #[serde(default)]
    pub library: Library,
    /// `[defaults]`.
    #[serde(default)]
    pub defaults: Defaults,
    /// `[plugins.NAME]`.
    #[serde(default)]
    pub plugins: BTreeMap<String, PluginDecl>,
    /// The folder holding the manifest; paths in it are relative to this.
    #[serde(skip)]
    pub dir: PathBuf,
}

/// `[library]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Library {
    /// The library's name.
    pub name: Option<String>,
    /// Folders of scenarios, relative to the manifest.
    #[serde(default)]
    pub scenarios: Vec<String>,
}

/// `[defaults]`: options used when the command line does not give them.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Monte Carlo samples for `scn eval`.
    pub samples: Option<u64>,
    /// Seed.
    pub seed: Option<u64>,
    /// Report format.
    pub format: Option<String>,
}

/// `[plugins.NAME]`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginDecl {
    /// Program and arguments.
    pub command: Vec<String>,
    /// Time limit per request, in milliseconds.
    pub timeout_ms: Option<u64>,
}

impl Manifest {
    /// The nearest `scn.toml` in `start` or a folder above it.
    pub fn find(start: &Path) -> Option<PathBuf> {
        let start = std::fs::canonicalize(start).ok()?;
        start
            .ancestors()
            .map(|d| d.join(MANIFEST_NAME))
            .find(|p| p.is_file())
    }

    /// Reads and parses a manifest; its text joins `sources` so errors render with it.
    pub fn load(path: &Path, sources: &mut SourceMap) -> Result<Manifest, Diagnostic> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            let id = sources.add(SourceFile::new(path.display().to_string(), String::new()));
            Diagnostic::error(
                id,
                Span::default(),
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        let id: FileId = sources.add(SourceFile::new(path.display().to_string(), text.clone()));
        let mut m: Manifest = toml::from_str(&text).map_err(|e| {
            let span = e
                .span()
                .map_or(Span::default(), |r| Span::new(r.start, r.end));
            Diagnostic::error(
                id,
                span,
                format!("invalid {MANIFEST_NAME}: {}", e.message()),
            )
        })?;
        m.dir = path
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        Ok(m)
    }

    /// The built-in plugins plus those this manifest declares; with `allow_external` false
    /// (`--no-plugins`) the declared ones are refused, never started.
    pub fn plugins(&self, allow_external: bool) -> Plugins {
        let mut plugins = Plugins::builtin();
        for (name, decl) in &self.plugins {
            if allow_external {
                let timeout = Duration::from_millis(decl.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS));
                plugins.add(Box::new(ExternalPlugin::new(
                    name,
                    decl.command.clone(),
                    self.dir.clone(),
                    timeout,
                )));
            } else {
                plugins.refuse(name);
            }
        }
        plugins
    }

    /// The library's scenario folders, resolved against the manifest's folder.
    pub fn scenario_dirs(&self) -> Vec<PathBuf> {
        self.library
            .scenarios
            .iter()
            .map(|s| self.dir.join(s))
            .collect()
    }
}
