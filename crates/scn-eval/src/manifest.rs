//! `scn.toml`, the library manifest: the library's scenario folders, default options, and the
//! external plugins it declares. scn finds it by walking up from a `.scn` file's folder, and
//! stops at the first folder holding `.git` (a repository's root) or at the user's home: a
//! manifest in a folder above those belongs to someone else.
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
//!
//! Declaring a plugin does not let it run: the user must trust the manifest first
//! ([`crate::TrustStore`]), and [`Manifest::plugins`] is told the outcome.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use scn_dsl::{Code, Diagnostic, FileId, SourceFile, SourceMap, Span};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::plugin::{ExternalPlugin, Plugins, Refusal, builtin_names};

/// The file name scn looks for.
pub const MANIFEST_NAME: &str = "scn.toml";

/// Most Monte Carlo samples a run may ask for on the command line.
pub const MAX_SAMPLES: u64 = 1_000_000_000;

/// Most samples a library's `[defaults]` may ask for. A downloaded `scn.toml` of a few bytes
/// must not cost minutes and gigabytes; a million samples put a probability within ±0.001
/// (95 %), and the user who wants more says so with `--samples`.
pub(crate) const MAX_DEFAULT_SAMPLES: u64 = 1_000_000;

/// Most folders `[library] scenarios` may list: every file's load checks each entry, so the
/// list's length multiplies the cost of a run over the library.
const MAX_SCENARIO_FOLDERS: usize = 256;

/// Largest manifest read, in bytes: a manifest is a few lines.
const MAX_MANIFEST_BYTES: u64 = 1 << 20;

/// Time a plugin gets to answer one request when `timeout_ms` is not given.
const DEFAULT_TIMEOUT_MS: u64 = 5000;

/// Longest `timeout_ms` accepted: one hour.
const MAX_TIMEOUT_MS: u64 = 3_600_000;

/// A parsed `scn.toml`.
#[derive(Clone, Debug, Default)]
pub struct Manifest {
    /// `[library]`.
    pub library: Library,
    /// `[defaults]`.
    pub defaults: Defaults,
    /// `[plugins.NAME]`.
    pub plugins: BTreeMap<String, PluginDecl>,
    /// The folder holding the manifest; paths in it are relative to this.
    pub dir: PathBuf,
    /// The manifest's canonical path.
    pub path: PathBuf,
    /// The SHA-256 of the bytes read, in lower-case hex: what trusting it records.
    pub sha256: String,
}

/// The manifest as written, before its checks.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    library: Library,
    #[serde(default)]
    defaults: Defaults,
    #[serde(default)]
    plugins: BTreeMap<toml::Spanned<String>, PluginDecl>,
}

/// `[library]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Library {
    /// The library's name.
    pub name: Option<String>,
    /// Folders of scenarios, relative to the manifest and inside its folder.
    #[serde(default)]
    pub scenarios: Vec<toml::Spanned<String>>,
}

/// `[defaults]`: options used when the command line does not give them.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Monte Carlo samples for `scn eval`, at most [`MAX_DEFAULT_SAMPLES`].
    pub samples: Option<toml::Spanned<u64>>,
    /// Seed.
    pub seed: Option<u64>,
    /// Report format: one of [`REPORT_FORMATS`].
    pub format: Option<toml::Spanned<String>>,
}

/// The report formats `[defaults] format` may name (any case), those of `scn eval`.
pub const REPORT_FORMATS: [&str; 4] = ["text", "markdown", "json", "html"];

impl Defaults {
    /// The sample count, without its position in the file.
    pub fn samples(&self) -> Option<u64> {
        self.samples.as_ref().map(|s| *s.get_ref())
    }

    /// The report format, without its position in the file.
    pub fn format(&self) -> Option<&str> {
        self.format.as_ref().map(|f| f.get_ref().as_str())
    }
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

/// Whether the plugins a manifest declares may run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PluginPolicy {
    /// `--no-plugins`: none, whatever the trust.
    Off,
    /// The manifest is not trusted: none, and a use says how to allow them.
    Untrusted,
    /// Trusted (`scn trust`), or allowed for this run (`--trust-plugins`).
    Allowed,
}

impl Manifest {
    /// The nearest `scn.toml` in `start` or a folder above it, no higher than the first
    /// folder holding `.git` or the user's home (`$HOME`).
    pub fn find(start: &Path) -> Option<PathBuf> {
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .and_then(|h| std::fs::canonicalize(h).ok());
        Manifest::find_below(start, home.as_deref())
    }

    /// [`Manifest::find`] with the home folder given.
    pub fn find_below(start: &Path, home: Option<&Path>) -> Option<PathBuf> {
        let start = std::fs::canonicalize(start).ok()?;
        for dir in start.ancestors() {
            let candidate = dir.join(MANIFEST_NAME);
            if candidate.is_file() {
                return Some(candidate);
            }
            // `.git` is a folder in a clone and a file in a worktree.
            if dir.join(".git").exists() || Some(dir) == home {
                return None;
            }
        }
        None
    }

    /// Reads and parses a manifest; its text joins `sources` so errors render with it.
    pub fn load(path: &Path, sources: &mut SourceMap) -> Result<Manifest, Diagnostic> {
        let shown = path.display().to_string();
        let cannot = |sources: &mut SourceMap, why: String| {
            let id = sources.add(SourceFile::new(shown.clone(), String::new()));
            manifest_error(id, Span::default(), format!("cannot read {shown}: {why}"))
        };
        let bytes = match crate::load::read_regular(path, MAX_MANIFEST_BYTES) {
            Ok(b) => b,
            Err(e) => return Err(cannot(sources, e)),
        };
        let sha256 = hex(&Sha256::digest(&bytes));
        let Ok(text) = String::from_utf8(bytes) else {
            return Err(cannot(sources, "it is not UTF-8 text".into()));
        };
        let id: FileId = sources.add(SourceFile::new(shown, text.clone()));
        let raw: Raw = toml::from_str(&text).map_err(|e| {
            let span = e
                .span()
                .map_or(Span::default(), |r| Span::new(r.start, r.end));
            manifest_error(
                id,
                span,
                format!("invalid {MANIFEST_NAME}: {}", e.message()),
            )
        })?;
        let mut plugins = BTreeMap::new();
        for (name, decl) in raw.plugins {
            let span = Span::new(name.span().start, name.span().end);
            let name = name.into_inner();
            if builtin_names().contains(&name.as_str()) {
                return Err(manifest_error(
                    id,
                    span,
                    format!("`{name}` is a built-in plugin: a library cannot replace it"),
                )
                .with_help(format!(
                    "give the plugin another name; the built-in ones are {}",
                    builtin_names().join(", ")
                )));
            }
            if decl
                .timeout_ms
                .is_some_and(|t| t == 0 || t > MAX_TIMEOUT_MS)
            {
                return Err(manifest_error(
                    id,
                    span,
                    format!(
                        "the plugin `{name}` has a `timeout_ms` outside 1 ..= {MAX_TIMEOUT_MS}"
                    ),
                ));
            }
            if decl
                .command
                .first()
                .is_none_or(|program| program.trim().is_empty())
            {
                return Err(manifest_error(
                    id,
                    span,
                    format!("the plugin `{name}` has no program in its `command`"),
                )
                .with_help("write the program and its arguments: command = [\"python3\", \"plugins/x.py\"]"));
            }
            plugins.insert(name, decl);
        }
        if let Some(f) = &raw.defaults.format
            && !REPORT_FORMATS
                .iter()
                .any(|k| k.eq_ignore_ascii_case(f.get_ref()))
        {
            return Err(manifest_error(
                id,
                Span::new(f.span().start, f.span().end),
                format!("[defaults] format `{}` is not a report format", f.get_ref()),
            )
            .with_help(format!("write one of {}", REPORT_FORMATS.join(", "))));
        }
        let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let dir = canonical
            .parent()
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        if let Some(extra) = raw.library.scenarios.get(MAX_SCENARIO_FOLDERS) {
            return Err(manifest_error(
                id,
                Span::new(extra.span().start, extra.span().end),
                format!("[library] scenarios lists more than {MAX_SCENARIO_FOLDERS} folders"),
            )
            .with_help(
                "list the folders that hold scenarios; each is searched with all its subfolders",
            ));
        }
        for folder in &raw.library.scenarios {
            if let Err(why) = scenario_folder(&dir, folder.get_ref()) {
                return Err(manifest_error(
                    id,
                    Span::new(folder.span().start, folder.span().end),
                    format!("[library] scenarios: `{}` {why}", folder.get_ref()),
                )
                .with_help("list folders inside the folder of scn.toml, relative to it"));
            }
        }
        if let Some(s) = &raw.defaults.samples
            && *s.get_ref() > MAX_DEFAULT_SAMPLES
        {
            return Err(manifest_error(
                id,
                Span::new(s.span().start, s.span().end),
                "[defaults] samples is more than 1,000,000, the most a library may ask for"
                    .to_owned(),
            )
            .with_help("ask for more on the command line: `--samples N` (up to 1e9)"));
        }
        Ok(Manifest {
            library: raw.library,
            defaults: raw.defaults,
            plugins,
            dir,
            path: canonical,
            sha256,
        })
    }

    /// The built-in plugins plus those this manifest declares, as the policy allows: a
    /// plugin that may not run is recorded as refused, with what it would have run, and is
    /// never started.
    pub fn plugins(&self, policy: PluginPolicy) -> Plugins {
        let mut plugins = Plugins::builtin();
        for (name, decl) in &self.plugins {
            match policy {
                PluginPolicy::Allowed => {
                    let timeout =
                        Duration::from_millis(decl.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS));
                    plugins.add(Box::new(ExternalPlugin::new(
                        name,
                        decl.command.clone(),
                        self.dir.clone(),
                        timeout,
                    )));
                }
                PluginPolicy::Off => plugins.refuse(name, Refusal::Off),
                PluginPolicy::Untrusted => plugins.refuse(
                    name,
                    Refusal::Untrusted {
                        manifest: self.path.clone(),
                        command: decl.command.clone(),
                        dir: self.dir.clone(),
                    },
                ),
            }
        }
        plugins
    }

    /// The library's scenario folders, resolved against the manifest's folder.
    /// Each folder once, however often and however spelled (`.`, `./`, `./.`) it is listed.
    pub fn scenario_dirs(&self) -> Vec<PathBuf> {
        let mut seen = std::collections::HashSet::new();
        self.library
            .scenarios
            .iter()
            .map(|s| self.dir.join(s.get_ref()))
            .filter(|d| seen.insert(std::fs::canonicalize(d).unwrap_or_else(|_| d.clone())))
            .collect()
    }
}

/// `Err` saying why when a `[library] scenarios` entry is not a folder inside the library
/// (`dir`, canonical): an absolute path, a `..`, or a link out would let a downloaded
/// library make scn read, and print from, files elsewhere. A folder not made yet passes:
/// reading it says so.
fn scenario_folder(dir: &Path, entry: &str) -> Result<(), &'static str> {
    let rel = Path::new(entry);
    if entry.trim().is_empty() {
        return Err("is empty");
    }
    if rel.is_absolute()
        || rel.components().any(|c| {
            !matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        })
    {
        return Err("is not inside the library");
    }
    match std::fs::canonicalize(dir.join(rel)) {
        Ok(real) if !real.starts_with(dir) => Err("leads outside the library"),
        Ok(real) if !real.is_dir() => Err("is not a folder"),
        _ => Ok(()),
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// An error in a manifest: they all have [`Code::Manifest`].
fn manifest_error(file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::error(file, span, message).with_code(Code::Manifest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Manifest, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST_NAME);
        std::fs::write(&path, text).unwrap();
        let mut map = SourceMap::new();
        Manifest::load(&path, &mut map).map_err(|d| scn_dsl::render(&d, &map))
    }

    #[test]
    fn a_plugin_cannot_take_a_builtin_name() {
        for name in builtin_names() {
            let err = load_text(&format!("[plugins.{name}]\ncommand = [\"true\"]\n")).unwrap_err();
            assert!(
                err.contains(&format!("`{name}` is a built-in plugin")),
                "{err}"
            );
            assert!(err.contains(":1:10: error:"), "{err}");
        }
    }

    #[test]
    fn default_samples_are_bounded() {
        let err = load_text("[defaults]\nsamples = 1000000000000000000\n").unwrap_err();
        assert!(err.contains("samples is more than 1,000,000"), "{err}");
        let err = load_text("[defaults]\nsamples = 1000001\n").unwrap_err();
        assert!(err.contains("samples is more than 1,000,000"), "{err}");
        let ok = load_text("[defaults]\nsamples = 1000000\n").unwrap();
        assert_eq!(ok.defaults.samples(), Some(MAX_DEFAULT_SAMPLES));
    }

    #[test]
    fn the_digest_is_the_sha256_of_the_bytes() {
        // `printf '' | sha256sum`
        let m = load_text("").unwrap();
        assert_eq!(
            m.sha256,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn the_search_stops_at_a_repository_root_and_at_home() {
        let top = tempfile::tempdir().unwrap();
        let top = std::fs::canonicalize(top.path()).unwrap();
        std::fs::write(top.join(MANIFEST_NAME), "").unwrap();
        let repo = top.join("repo");
        let inner = repo.join("scenarios");
        std::fs::create_dir_all(&inner).unwrap();
        assert_eq!(
            Manifest::find_below(&inner, None),
            Some(top.join(MANIFEST_NAME))
        );
        assert_eq!(Manifest::find_below(&inner, Some(&repo)), None);
        std::fs::create_dir(repo.join(".git")).unwrap();
        assert_eq!(Manifest::find_below(&inner, None), None);
        std::fs::write(repo.join(MANIFEST_NAME), "").unwrap();
        assert_eq!(
            Manifest::find_below(&inner, None),
            Some(repo.join(MANIFEST_NAME))
        );
    }

    #[test]
    fn what_a_manifest_may_not_say() {
        let lib = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::create_dir(lib.path().join("inside")).unwrap();
        std::fs::write(lib.path().join("file.scn"), "").unwrap();
        std::os::unix::fs::symlink(outside.path(), lib.path().join("out")).unwrap();
        let load = |text: &str| {
            let path = lib.path().join(MANIFEST_NAME);
            std::fs::write(&path, text).unwrap();
            Manifest::load(&path, &mut SourceMap::new()).map_err(|d| d.message)
        };
        assert!(load("[library]\nscenarios = [\"inside\", \"./inside\", \"later\"]\n").is_ok());
        for (entry, why) in [
            ("../x", "is not inside the library"),
            ("inside/../..", "is not inside the library"),
            ("/", "is not inside the library"),
            ("", "is empty"),
            ("out", "leads outside the library"),
            ("file.scn", "is not a folder"),
        ] {
            let e = load(&format!("[library]\nscenarios = [{entry:?}]\n")).unwrap_err();
            assert!(e.ends_with(why), "{entry}: {e}");
        }
        let e = load("[defaults]\nformat = \"pdf\"\n").unwrap_err();
        assert_eq!(e, "[defaults] format `pdf` is not a report format");
        assert!(load("[defaults]\nformat = \"HTML\"\n").is_ok());
        for command in ["[]", "[\"\"]", "[\"  \", \"x\"]"] {
            let e = load(&format!("[plugins.x]\ncommand = {command}\n")).unwrap_err();
            assert_eq!(
                e, "the plugin `x` has no program in its `command`",
                "{command}"
            );
        }
    }
}
