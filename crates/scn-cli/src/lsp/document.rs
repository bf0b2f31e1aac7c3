//! An open document and what the server knows of it: the text as the editor has it, and its
//! analysis — the pipeline of `scn check` (load with imports, resolve, evaluate) run on that
//! text. Imports are read as the editor has them: an open document's unsaved text, else the
//! file on disk.
//!
//! Plugins: the built-ins always; a library's external plugins only when the user trusts its
//! `scn.toml` (`scn trust`) and the server was not started with `--no-plugins`. An editor
//! opens files the user never chose to run, so `--trust-plugins` and `SCN_TRUST_PLUGINS` do
//! not reach the server. Plugin processes are stopped as soon as an analysis is done.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use lsp_types::Uri;
use scn_dsl::{Diagnostic, FileId, SourceMap};
use scn_eval::{Evaluation, Loaded, Manifest, PluginPolicy, Signature};

use super::open::{OpenFiles, Overlay};
use super::position::LineIndex;
use super::syntax::{DefKind, Index};
use crate::input::RunOptions;

/// What every analysis shares: the workspace and the command line's plugin choice.
#[derive(Clone, Debug, Default)]
pub(crate) struct Env {
    /// The workspace folder: file names in messages are relative to it, as for `scn check`
    /// run there; an unsaved document's imports resolve against it.
    pub root: Option<PathBuf>,
    pub options: RunOptions,
    /// The open documents' texts, which imports read before the disk.
    pub open: OpenFiles,
}

/// Samples drawn for a let's 90% interval.
pub(crate) const INTERVAL_SAMPLES: u64 = 4096;

/// Most node visits (nodes × samples) spent on intervals for one hover: a tree too large for
/// that gets its point values only.
const INTERVAL_BUDGET: u64 = 40_000_000;

/// An open document.
pub(crate) struct Document {
    pub uri: Uri,
    /// Its file, for a `file:` URI.
    pub path: Option<PathBuf>,
    pub version: i32,
    pub text: String,
    pub lines: LineIndex,
    /// The analysis of `text`; `None` after an edit until the next one.
    current: Option<Rc<Analysis>>,
    /// The last analysis whose text parsed: names to complete while the text does not.
    last_parsed: Option<Rc<Analysis>>,
    /// True once the diagnostics of `current` were sent.
    pub published: bool,
    /// True after a change the server could not read: its copy of the text is no longer the
    /// editor's, so it must not format it (the edit would replace the editor's text with an
    /// older one). The next change that sends the whole text, or reopening, ends it.
    pub out_of_sync: bool,
}

impl Document {
    pub(crate) fn new(uri: Uri, version: i32, text: String) -> Document {
        let path = super::uri::to_path(&uri);
        Document {
            uri,
            path,
            version,
            lines: LineIndex::new(&text),
            text,
            current: None,
            last_parsed: None,
            published: false,
            out_of_sync: false,
        }
    }

    /// Replaces the byte range `start..end` (whole text when `None`).
    pub(crate) fn edit(&mut self, range: Option<(usize, usize)>, new: &str) {
        match range {
            Some((a, b)) => self.text.replace_range(a..b, new),
            None => {
                new.clone_into(&mut self.text);
                self.out_of_sync = false;
            }
        }
        self.lines = LineIndex::new(&self.text);
        self.invalidate();
    }

    /// True when the last analysis read the file at this canonical path (itself or an
    /// import): it must run again when that file's text changes.
    pub(crate) fn read(&self, canonical: &Path) -> bool {
        self.current
            .as_ref()
            .is_some_and(|a| a.loaded.paths.iter().any(|p| p == canonical))
    }

    /// Marks the text as no longer the editor's (a change could not be read).
    pub(crate) fn lose_sync(&mut self) {
        self.out_of_sync = true;
        self.invalidate();
    }

    /// Forgets the analysis: a file it imports may have changed on disk.
    pub(crate) fn invalidate(&mut self) {
        self.current = None;
        self.published = false;
    }

    /// The analysis of the current text, run now if the text changed since the last.
    pub(crate) fn analysis(&mut self, env: &Env) -> Rc<Analysis> {
        if let Some(a) = &self.current {
            return a.clone();
        }
        let a = Rc::new(Analysis::run(self, env));
        if a.index.is_some() {
            self.last_parsed = Some(a.clone());
        }
        self.current = Some(a.clone());
        a
    }

    /// The latest analysis whose text parsed, if any (maybe of an older text).
    pub(crate) fn last_parsed(&self) -> Option<Rc<Analysis>> {
        self.last_parsed.clone()
    }
}

/// One run of the `scn check` pipeline on a document's text.
pub(crate) struct Analysis {
    pub text: String,
    pub lines: LineIndex,
    /// The files read (plugins stopped).
    pub loaded: Loaded,
    /// The folder relative file names are relative to.
    pub base: Option<PathBuf>,
    /// The root file's names, when it parsed.
    pub index: Option<Index>,
    /// Every imported file that parsed, with its names.
    pub imports: Vec<(FileId, Index)>,
    /// As `scn check` reports them.
    pub diagnostics: Vec<Diagnostic>,
    /// A broken `scn.toml`, with the source its diagnostic points into.
    pub manifest_problem: Option<(SourceMap, Diagnostic)>,
    pub evaluation: Option<Evaluation>,
    /// The functions of each plugin the file may call: `std` and each `plugin` line's.
    pub functions: Vec<(String, Vec<Signature>)>,
    intervals: OnceCell<Option<Vec<(f64, f64)>>>,
}

impl Analysis {
    fn run(doc: &Document, env: &Env) -> Analysis {
        let dir = doc
            .path
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .or_else(|| env.root.clone())
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_else(|| PathBuf::from("."));
        let (name, base) = display_name(doc, env);
        let mut diagnostics = Vec::new();
        let mut manifest_problem = None;
        let manifest = match Manifest::find(&dir) {
            Some(found) => {
                let mut map = SourceMap::new();
                match Manifest::load(&found, &mut map) {
                    Ok(m) => Some(m),
                    Err(d) => {
                        manifest_problem = Some((map, d));
                        None
                    }
                }
            }
            None => None,
        };
        let library = manifest
            .as_ref()
            .map_or_else(|| dir.clone(), |m| m.dir.clone());
        let mut loaded = scn_eval::load_from(
            &Overlay(&env.open),
            &name,
            doc.text.clone(),
            &dir,
            doc.path.as_deref(),
            std::fs::canonicalize(&library).ok(),
        );
        loaded.limits = env.options.limits;
        if let Some(m) = &manifest {
            loaded.plugins = m.plugins(policy(m, env.options));
        }
        let evaluation = match crate::commands::evaluate_loaded(&loaded) {
            Ok(ev) => ev,
            Err(d) => {
                diagnostics.extend(d);
                None
            }
        };
        let index = loaded.root_file().map(Index::build);
        let mut functions = Vec::new();
        let declared = index.iter().flat_map(|ix| {
            ix.defs
                .iter()
                .filter(|d| d.kind == DefKind::Plugin)
                .map(|d| d.name.to_string())
        });
        for p in std::iter::once("std".to_owned()).chain(declared) {
            if functions.iter().any(|(n, _)| *n == p) {
                continue;
            }
            if let Some(sigs) = loaded.plugins.get(&p).and_then(|pl| pl.signatures().ok()) {
                functions.push((p, sigs));
            }
        }
        // Stops the plugins' processes: nothing below calls them.
        drop(std::mem::take(&mut loaded.plugins));
        let imports = loaded
            .parsed()
            .filter(|(id, _)| *id != loaded.root)
            .map(|(id, f)| (id, Index::build(f)))
            .collect();
        Analysis {
            lines: LineIndex::new(&doc.text),
            text: doc.text.clone(),
            loaded,
            base,
            index,
            imports,
            diagnostics,
            manifest_problem,
            evaluation,
            functions,
            intervals: OnceCell::new(),
        }
    }

    /// The file a source of `loaded` was read from.
    pub(crate) fn path_of(&self, file: FileId) -> Option<PathBuf> {
        let name = Path::new(&self.loaded.sources.get(file).name);
        if name.is_absolute() {
            Some(name.to_path_buf())
        } else {
            self.base.as_ref().map(|b| b.join(name))
        }
    }

    /// Every parsed file's index, the document's first.
    pub(crate) fn indices(&self) -> impl Iterator<Item = (FileId, &Index)> {
        let root = self.index.as_ref().map(|ix| (self.loaded.root, ix));
        root.into_iter()
            .chain(self.imports.iter().map(|(f, ix)| (*f, ix)))
    }

    /// The 5th and 95th percentiles of every let of the model, from a Monte Carlo run of
    /// [`INTERVAL_SAMPLES`] draws (the same seed every time, so a hover never flickers);
    /// `None` without an evaluation or for a tree too large to sample on a keystroke.
    pub(crate) fn let_intervals(&self) -> Option<&[(f64, f64)]> {
        self.intervals
            .get_or_init(|| {
                let ev = self.evaluation.as_ref()?;
                let nodes = ev.model().nodes.len() as u64;
                if nodes.saturating_mul(INTERVAL_SAMPLES) > INTERVAL_BUDGET {
                    return None;
                }
                let opts = scn_eval::SampleOptions {
                    samples: INTERVAL_SAMPLES,
                    seed: scn_eval::DEFAULT_SEED,
                    threads: Some(1),
                    progress: None,
                    keep_rows: true,
                };
                let rows = scn_eval::sample(ev, &opts).ok()?.rows?;
                let k = ev.model().lets.len();
                if k == 0 {
                    return Some(Vec::new());
                }
                let n = rows.lets.len() / k;
                Some(
                    (0..k)
                        .map(|i| {
                            let mut v: Vec<f64> = (0..n)
                                .map(|s| rows.lets[s * k + i])
                                .filter(|x| x.is_finite())
                                .collect();
                            v.sort_by(f64::total_cmp);
                            (quantile(&v, 0.05), quantile(&v, 0.95))
                        })
                        .collect(),
                )
            })
            .as_deref()
    }
}

/// The `q` quantile of sorted values (nearest rank); NaN when there are none.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// The name messages give the document, and the folder relative names are relative to: the
/// path relative to the workspace when it lies there (as `scn check` run there names it),
/// else the absolute path, else the URI (an unsaved document).
fn display_name(doc: &Document, env: &Env) -> (String, Option<PathBuf>) {
    match (&doc.path, &env.root) {
        (Some(p), Some(root)) if p.starts_with(root) && p != root => {
            let rel = p.strip_prefix(root).unwrap_or(p);
            (rel.display().to_string(), Some(root.clone()))
        }
        (Some(p), _) => (p.display().to_string(), None),
        (None, root) => (doc.uri.as_str().to_owned(), root.clone()),
    }
}

/// Whether a library's external plugins may run from the editor: only when trusted.
fn policy(m: &Manifest, options: RunOptions) -> PluginPolicy {
    if options.no_plugins {
        return PluginPolicy::Off;
    }
    // As `scn check` decides without a trust store to read.
    if m.plugins.is_empty() {
        return PluginPolicy::Untrusted;
    }
    match crate::input::trust_store().and_then(|store| store.trusts(m)) {
        Ok(true) => PluginPolicy::Allowed,
        _ => PluginPolicy::Untrusted,
    }
}
