//! A scenario's versions in git, for `scn score --history`.
//!
//! A version is a commit that changed the scenario's file (followed through renames) or one
//! of the files it imports at that commit, dated by the commit's time (UTC day). Each
//! version is read as the commit holds it — the root file and its imports, fetched with
//! `git cat-file` into a private temporary folder laid out as the repository is — then
//! resolved and evaluated like a file on disk, with the same budgets and plugins. Only the
//! forecasts' figures are kept.
//!
//! Imports change between versions, and a commit that changed only an import counts only
//! if that version imports it: the set of paths to ask `git log` about grows until it holds
//! every import of every version (a few rounds at most; bounded by [`MAX_ROUNDS`]).

use std::collections::{BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use scn_dsl::ast::Item;
use scn_dsl::{Date, Diagnostic};
use scn_eval::{ForecastKind, MAX_IMPORT_BYTES, Manifest};

use super::git::{Blobs, Commit, Repo};
use super::{Figure, Settings};
use crate::input::RunOptions;

/// Most rounds of widening the set of imported paths.
const MAX_ROUNDS: usize = 8;

/// One version of a scenario.
pub(crate) struct Version {
    /// The commit's hash.
    pub commit: String,
    /// The commit's day (UTC).
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

/// The files of one commit that a version is made of.
struct Fetched {
    /// The root file's path at that commit.
    root: String,
    /// Every file read, root first: repository-relative path and bytes.
    files: Vec<(String, Vec<u8>)>,
}

/// The day of a commit time.
fn day_of(time: i64) -> Date {
    Date::from_day_number(time.div_euclid(86_400))
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
    let library = std::fs::canonicalize(library).map_err(|e| e.to_string())?;
    let lib_rel = library
        .strip_prefix(repo.top())
        .ok()
        .and_then(Path::to_str)
        .unwrap_or("")
        .to_owned();
    let root_commits = repo.log_follow(&rel)?;
    if root_commits.is_empty() {
        return Err(format!(
            "no commit of the repository at {} holds it: commit it to give it a history",
            repo.top().display()
        ));
    }
    // Every name the file has had, the current one first.
    let mut names: Vec<String> = vec![rel.clone()];
    for c in &root_commits {
        for p in &c.paths {
            if !names.contains(p) {
                names.push(p.clone());
            }
        }
    }
    let mut blobs = repo.blobs()?;
    let mut fetched: HashMap<String, Option<Fetched>> = HashMap::new();
    let mut imports: BTreeSet<String> = BTreeSet::new();
    let mut commits: Vec<Commit> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let mut paths: Vec<&str> = names.iter().map(String::as_str).collect();
        paths.extend(imports.iter().map(String::as_str));
        commits = repo.log_paths(&paths)?;
        // `--follow` may find a commit that the plain log simplifies away.
        for c in &root_commits {
            if !commits.iter().any(|k| k.hash == c.hash) {
                commits.push(c.clone());
            }
        }
        for c in &commits {
            if !fetched.contains_key(&c.hash) {
                let f = fetch(&mut blobs, &c.hash, &names, &lib_rel)?;
                fetched.insert(c.hash.clone(), f);
            }
        }
        let before = imports.len();
        for f in fetched.values().flatten() {
            imports.extend(f.files.iter().skip(1).map(|(p, _)| p.clone()));
        }
        if imports.len() == before {
            break;
        }
    }
    // Oldest first; commits of one second keep git's order (children before parents, so
    // reversed).
    let mut order: Vec<(usize, &Commit)> = commits.iter().enumerate().collect();
    order.sort_by_key(|&(i, c)| (c.time, std::cmp::Reverse(i)));
    let mut out = Vec::new();
    for (_, c) in order {
        let Some(Some(f)) = fetched.get(&c.hash) else {
            continue;
        };
        let touched = f.files.iter().any(|(p, _)| c.paths.contains(p));
        if !touched {
            continue;
        }
        let short = &c.hash[..c.hash.len().min(10)];
        out.push(Version {
            commit: c.hash.clone(),
            date: day_of(c.time),
            forecasts: evaluate(f, short, &lib_rel, manifest, options, settings),
        });
    }
    Ok(out)
}

/// Resolves `..` and `.` in a repository-relative path; `None` if it climbs out.
fn normalise(path: &Path) -> Option<String> {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    return None;
                }
            }
            Component::Normal(p) => out.push(p),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    out.to_str().map(str::to_owned)
}

/// The root file and its imports at a commit; `None` when the file does not exist there.
/// Imports that leave the library, or do not exist at the commit, are not fetched: the
/// loader then reports them as for a file on disk.
fn fetch(
    blobs: &mut Blobs,
    commit: &str,
    names: &[String],
    lib_rel: &str,
) -> Result<Option<Fetched>, String> {
    let mut root = None;
    for n in names {
        if let Some(bytes) = blobs.read(commit, n, MAX_IMPORT_BYTES)? {
            root = Some((n.clone(), bytes));
            break;
        }
    }
    let Some(root) = root else {
        return Ok(None);
    };
    let mut files = vec![root];
    let mut next = 0;
    while next < files.len() {
        let (path, bytes) = &files[next];
        next += 1;
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        let Ok(ast) = scn_dsl::parse(text, scn_dsl::FileId(0)) else {
            continue;
        };
        let dir = Path::new(path).parent().unwrap_or(Path::new("")).to_owned();
        let mut wanted = Vec::new();
        for item in &ast.items {
            if let Item::Import(imp) = item {
                let written = Path::new(imp.path.value.as_str());
                if written.is_absolute() {
                    continue;
                }
                match normalise(&dir.join(written)) {
                    Some(p) if Path::new(&p).starts_with(lib_rel) => wanted.push(p),
                    _ => {}
                }
            }
        }
        for p in wanted {
            if files.iter().any(|(q, _)| *q == p) {
                continue;
            }
            if let Some(bytes) = blobs.read(commit, &p, MAX_IMPORT_BYTES)? {
                files.push((p, bytes));
            }
        }
    }
    Ok(Some(Fetched {
        root: files[0].0.clone(),
        files,
    }))
}

/// Evaluates one version from its fetched files.
fn evaluate(
    f: &Fetched,
    short: &str,
    lib_rel: &str,
    manifest: Option<&Manifest>,
    options: RunOptions,
    settings: &Settings,
) -> Result<Vec<VersionForecast>, String> {
    let tmp = tempfile::tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    for (path, bytes) in &f.files {
        let at = tmp.path().join(path);
        if let Some(parent) = at.parent() {
            std::fs::create_dir_all(parent).map_err(|e| e.to_string())?;
        }
        std::fs::write(&at, bytes).map_err(|e| e.to_string())?;
    }
    let text = String::from_utf8(f.files[0].1.clone())
        .map_err(|_| "the file is not UTF-8 text".to_owned())?;
    let root = tmp.path().join(&f.root);
    let dir = root.parent().unwrap_or(tmp.path()).to_owned();
    let name = format!("{short}:{}", f.root);
    let mut loaded = scn_eval::load_in(&name, text, &dir, Some(&root), &tmp.path().join(lib_rel));
    loaded.limits = options.limits;
    if let Some(m) = manifest {
        loaded.plugins = m.plugins(crate::input::plugin_policy(m, options)?);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_inside_the_repository() {
        assert_eq!(
            normalise(Path::new("lib/a/../b.scn")).as_deref(),
            Some("lib/b.scn")
        );
        assert_eq!(normalise(Path::new("./a.scn")).as_deref(), Some("a.scn"));
        assert_eq!(normalise(Path::new("../a.scn")), None);
        assert_eq!(normalise(Path::new("/etc/passwd")), None);
    }

    #[test]
    fn commit_times_are_dated_in_utc() {
        // 2026-01-01T23:59:59Z and 2026-01-02T00:00:00Z.
        assert_eq!(day_of(1_767_311_999).to_string(), "2026-01-01");
        assert_eq!(day_of(1_767_312_000).to_string(), "2026-01-02");
    }
}
