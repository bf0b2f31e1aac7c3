//! A scenario's versions in git, for `scn score --history`.
//!
//! A version is a commit that changed the scenario's file (followed through renames) or one
//! of the files it imports at that commit, dated by the commit's committer date (its day in
//! the committer's own time zone, as `git log` shows it), or the latest such day of the
//! commits it descends from when that is later. Each version is read through
//! [`crate::git`] — the root file and its imports as the commit holds them, never the
//! working tree — then resolved and evaluated like a file on disk, with the same budgets
//! and plugins, imports kept inside the library. Only the forecasts' figures are kept.
//!
//! Imports change between versions, and a commit that changed only an import counts only
//! if that version imports it: the set of paths to ask `git log` about grows until it holds
//! every import of every version (a few rounds at most; bounded by [`MAX_ROUNDS`]), as for
//! `scn diff --history`.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use scn_dsl::{Date, Diagnostic};
use scn_eval::{ForecastKind, Manifest};

use super::{Figure, Settings};
use crate::git::{Commit, Repo, Snapshot};
use crate::input::{self, RunOptions};

/// Most rounds of widening the set of imported paths.
const MAX_ROUNDS: usize = 8;

/// One version of a scenario.
pub(crate) struct Version {
    /// The commit's hash.
    pub commit: String,
    /// The commit's day.
    pub date: Date,
    /// The forecasts' figures, or why the version could not be evaluated.
    pub forecasts: Result<Vec<VersionForecast>, String>,
}

/// A forecast as one version had it.
pub(crate) struct VersionForecast {
    pub name: String,
    pub label: String,
    pub criteria: Option<String>,
    pub kind: ForecastKind,
    pub closes: Option<Date>,
    pub figure: Figure,
}

/// A version as read: its forecasts (`None` when the commit has no such file) and every
/// file it read.
struct Read {
    forecasts: Option<Result<Vec<VersionForecast>, String>>,
    files: Vec<PathBuf>,
}

/// The versions of the scenario in `file` (on disk, in a git repository), oldest first.
/// `library` is the folder imports must stay inside.
pub(crate) fn versions(
    file: &Path,
    library: &Path,
    manifest: Option<&Manifest>,
    options: RunOptions,
    settings: &Settings,
) -> Result<Vec<Version>, String> {
    let (repo, rel) = Repo::around(file)?;
    let top = std::fs::canonicalize(&repo.top).map_err(|e| e.to_string())?;
    let library = std::fs::canonicalize(library).map_err(|e| e.to_string())?;
    // Outside the repository's top, no import of any version can be read.
    let lib_rel = library.strip_prefix(&top).map(Path::to_path_buf).ok();
    let names = repo.names(&rel)?;
    let mut paths: BTreeSet<PathBuf> = names.iter().cloned().collect();
    let mut read: HashMap<String, Read> = HashMap::new();
    let mut commits: Vec<Commit> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let list: Vec<PathBuf> = paths.iter().cloned().collect();
        commits = repo.log(&list)?;
        let mut grew = false;
        for c in &commits {
            if !read.contains_key(&c.hash) {
                let r = read_at(
                    &repo,
                    &c.hash,
                    &names,
                    lib_rel.as_deref(),
                    manifest,
                    options,
                    settings,
                )?;
                read.insert(c.hash.clone(), r);
            }
            for f in &read[&c.hash].files {
                grew |= paths.insert(f.clone());
            }
        }
        if !grew {
            break;
        }
    }
    if commits.is_empty() {
        return Err(format!(
            "no commit of the repository at {} holds it: commit it to give it a history",
            repo.top.display()
        ));
    }
    let earliest = repo.earliest_days()?;
    let mut out = Vec::new();
    for c in commits {
        let Some(r) = read.remove(&c.hash) else {
            continue;
        };
        let Some(forecasts) = r.forecasts else {
            continue;
        };
        let changed = repo.changed(&c.hash)?;
        if !changed.iter().any(|p| r.files.contains(p)) {
            continue;
        }
        // A commit dated before a commit it descends from counts from that one's day.
        let day = earliest.get(&c.hash).unwrap_or(&c.date);
        let date = scn_eval::parse_day(day)
            .map_err(|_| format!("git gave commit {} the date {:?}", c.hash, day))?;
        out.push(Version {
            commit: c.hash,
            date,
            forecasts,
        });
    }
    Ok(out)
}

/// The scenario at `commit`, under whichever of its names the commit holds.
fn read_at(
    repo: &Repo,
    commit: &str,
    names: &[PathBuf],
    lib_rel: Option<&Path>,
    manifest: Option<&Manifest>,
    options: RunOptions,
    settings: &Settings,
) -> Result<Read, String> {
    let snapshot = repo.at(commit.to_owned());
    let Some((rel, bytes)) = snapshot.first_of(names)? else {
        return Ok(Read {
            forecasts: None,
            files: Vec::new(),
        });
    };
    let forecasts = evaluate(
        &snapshot, commit, rel, bytes, lib_rel, manifest, options, settings,
    );
    Ok(Read {
        forecasts: Some(forecasts),
        files: snapshot.files_read(),
    })
}

/// Evaluates one version from the commit's files.
#[allow(clippy::too_many_arguments)] // One call site; a struct for it would only rename them.
fn evaluate(
    snapshot: &Snapshot,
    commit: &str,
    rel: &Path,
    bytes: Vec<u8>,
    lib_rel: Option<&Path>,
    manifest: Option<&Manifest>,
    options: RunOptions,
    settings: &Settings,
) -> Result<Vec<VersionForecast>, String> {
    let name = format!("{}:{}", super::people::short(commit), rel.display());
    let Ok((name, text)) = input::decode(name, bytes) else {
        return Err("the file is not UTF-8 text".into());
    };
    let dir = rel.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut loaded = scn_eval::load_from(
        snapshot,
        &name,
        text,
        &dir,
        Some(rel),
        lib_rel.map(Path::to_path_buf),
    );
    loaded.limits = options.limits;
    if let Some(m) = manifest {
        loaded.plugins = m.plugins(input::plugin_policy(m, options)?);
    }
    let resolved = scn_eval::resolve(&loaded);
    drop(std::mem::take(&mut loaded.plugins));
    let first = |d: Vec<Diagnostic>| {
        let shown = scn_dsl::render(&d[0], &loaded.sources);
        shown.lines().next().unwrap_or("").to_owned()
    };
    let ev = match resolved.and_then(scn_eval::evaluate) {
        Ok(ev) => ev,
        Err(d) if d.is_empty() => return Err("it does not evaluate".into()),
        Err(d) => return Err(first(d)),
    };
    let samples = super::sample(&ev, settings).map_err(|d| {
        if d.is_empty() {
            "it cannot be sampled".to_owned()
        } else {
            first(d)
        }
    })?;
    Ok(ev
        .forecasts()
        .filter_map(|fv| {
            let figure = Figure::of(&fv, samples.as_ref())?;
            Some(VersionForecast {
                name: fv.def.name.clone(),
                label: fv.def.label.clone().unwrap_or_else(|| fv.def.name.clone()),
                criteria: fv.def.criteria.clone(),
                kind: fv.def.kind,
                closes: fv.def.closes,
                figure,
            })
        })
        .collect())
}
