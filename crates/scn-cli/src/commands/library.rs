//! A library's scenario files and its resolutions, as `scn resolve` and `scn score` find them.
//!
//! The resolutions of a scenario live in `resolutions.toml` beside the `scn.toml` that
//! governs it; a scenario outside any library keeps them in its own folder.

use std::path::{Path, PathBuf};

use scn_dsl::{Diagnostic, FileId, SourceFile, SourceMap, Span};
use scn_eval::{Manifest, Resolutions};

use crate::input::ReadError;

/// The folders to search when no path is given: the scenario folders of the `scn.toml`
/// governing `dir`, else `dir` itself; with the manifest, if any.
pub(crate) fn default_roots(dir: &Path) -> Result<(Option<Manifest>, Vec<PathBuf>), ReadError> {
    let manifest = match Manifest::find(dir) {
        Some(found) => {
            let mut map = SourceMap::new();
            Some(
                Manifest::load(&found, &mut map)
                    .map_err(|d| ReadError::Invalid(Box::new((map, d))))?,
            )
        }
        None => None,
    };
    let roots = match &manifest {
        Some(m) if !m.library.scenarios.is_empty() => m.scenario_dirs(),
        _ => vec![dir.to_path_buf()],
    };
    Ok((manifest, roots))
}

/// The `.scn` files under the roots, each folder's in sorted order.
pub(crate) fn scenario_files(roots: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for root in roots {
        super::test::collect(root, &mut files)
            .map_err(|e| format!("cannot read {}: {e}", super::shown(root)))?;
    }
    // Messages name files as the user would type them.
    Ok(super::test::distinct(files)
        .iter()
        .map(|f| relative(f))
        .collect())
}

/// The scenario ids of files, with the file of each. Files are parsed, not resolved: a
/// file that does not parse cannot be told apart and is passed over.
pub(crate) fn scenario_ids(files: &[PathBuf]) -> Vec<(String, PathBuf)> {
    let mut ids = Vec::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let Ok(ast) = scn_dsl::parse(&text, FileId(0)) else {
            continue;
        };
        for item in &ast.items {
            if let scn_dsl::ast::Item::Scenario(s) = item {
                ids.push((s.id.name.to_string(), f.clone()));
            }
        }
    }
    ids
}

/// A path as a person would type it from the working directory: relative when it lies
/// below it, without `.` components.
pub(crate) fn relative(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().and_then(std::fs::canonicalize);
    let rel = match cwd {
        Ok(cwd) => path
            .strip_prefix(&cwd)
            .map_or_else(|_| path.to_path_buf(), Path::to_path_buf),
        Err(_) => path.to_path_buf(),
    };
    let clean: PathBuf = rel
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    if clean.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        clean
    }
}

/// The resolutions file of a scenario file governed by `manifest`.
pub(crate) fn resolutions_path(scenario: &Path, manifest: Option<&Manifest>) -> PathBuf {
    Resolutions::path_for(scenario, manifest.map(|m| m.dir.as_path()))
}

/// The folder a file is in (`.` for a bare name).
pub(crate) fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Loads a resolutions file into `sources`, named as the user would type its path. `roots`
/// are the folders it may lie in (the library's, or those the user named): a file that is
/// (or leads through) a link to a place outside them is refused unread, so that a
/// downloaded library cannot make scn print, or write into, another file.
pub(crate) fn load_resolutions(
    path: &Path,
    roots: &[&Path],
    sources: &mut SourceMap,
) -> Result<Resolutions, Vec<Diagnostic>> {
    let shown = relative(path).display().to_string();
    let refusals: Vec<String> = roots.iter().filter_map(|r| inside(path, r).err()).collect();
    if let Some(why) = refusals.first()
        && refusals.len() == roots.len()
    {
        let id = sources.add(SourceFile::new(shown.clone(), String::new()));
        return Err(vec![
            Diagnostic::error(id, Span::default(), format!("{shown} {why}"))
                .with_help("keep resolutions.toml a file of the library itself"),
        ]);
    }
    Resolutions::load(path, &shown, sources)
}

/// `Err` (saying where it leads) when `path`, its links followed, is not inside `root`. A
/// file that does not exist yet is placed by its folder.
fn inside(path: &Path, root: &Path) -> Result<(), String> {
    let Ok(root) = std::fs::canonicalize(root) else {
        // The library's folder cannot be read: loading says so.
        return Ok(());
    };
    let real = match std::fs::canonicalize(path) {
        Ok(p) => p,
        Err(_) => match (std::fs::canonicalize(folder_of(path)), path.file_name()) {
            (Ok(folder), Some(name)) => folder.join(name),
            _ => return Ok(()),
        },
    };
    if real.starts_with(&root) {
        Ok(())
    } else {
        Err(format!(
            "leads outside the library, to {}",
            scn_dsl::sanitize(&real.display().to_string())
        ))
    }
}

/// A diagnostic about a command-line argument: the argument becomes a source of its own,
/// named like `<outcome>`, so the error points into it as `--given`'s errors do.
pub(crate) fn argument_error(
    sources: &mut SourceMap,
    name: &str,
    text: &str,
    span: Option<Span>,
    message: String,
) -> Diagnostic {
    let id: FileId = sources.add(SourceFile::new(format!("<{name}>"), text.to_owned()));
    Diagnostic::error(id, span.unwrap_or(Span::new(0, text.len())), message)
}

/// Today's date in UTC, the default day of a resolution.
pub(crate) fn today() -> scn_dsl::Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    scn_dsl::Date::from_day_number((secs / 86_400) as i64)
}
