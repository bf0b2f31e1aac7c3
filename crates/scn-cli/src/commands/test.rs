//! `scn test [PATH...]`: evaluate every scenario under the paths and check every `expect`.
//!
//! Exit 0 if all hold, 3 if any fails, 1 if a file is invalid (which outranks 3).

use std::collections::HashSet;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use scn_dsl::ast::Item;
use scn_dsl::sanitize;

use crate::args::TestArgs;
use crate::input::{RunOptions, load};
use crate::report::num;
use crate::{Exit, Io};

pub(crate) fn run(args: &TestArgs, options: RunOptions, io: &mut Io<'_>) -> Exit {
    let roots: Vec<PathBuf> = if args.paths.is_empty() {
        match crate::input::manifest_for(Path::new("-")) {
            // Named as the user would type them, not from the root of the disk: the
            // output must not depend on where the library sits.
            Ok(Some(m)) if !m.library.scenarios.is_empty() => m
                .scenario_dirs()
                .iter()
                .map(|d| super::library::relative(d))
                .collect(),
            Ok(_) => vec![PathBuf::from(".")],
            Err(e) => return super::report_read_error(e, io),
        }
    } else {
        args.paths.clone()
    };
    let mut files = Vec::new();
    for root in &roots {
        if let Err(e) = collect(root, &mut files) {
            let _ = writeln!(
                io.stderr,
                "scn: error: cannot read {}: {e}",
                super::shown(root)
            );
            return Exit::Usage;
        }
    }
    let files = distinct(files);
    let mut exit = Exit::Ok;
    let (mut passed, mut failed, mut invalid, mut scenarios) = (0, 0, 0, 0);
    for path in &files {
        let mut loaded = match load(path, io.stdin, options) {
            Ok((l, _)) => l,
            Err(e) => {
                exit = exit.combine(super::report_read_error(e, io));
                continue;
            }
        };
        // A file that does not parse is invalid, whatever it was meant to hold; one that
        // parses and holds no scenario is a template library.
        let Some(file) = loaded.root_file() else {
            invalid += 1;
            exit = exit.combine(super::report(&loaded.diags, &loaded.sources, io));
            continue;
        };
        if !file.items.iter().any(|i| matches!(i, Item::Scenario(_))) {
            continue;
        }
        scenarios += 1;
        let resolved = scn_eval::resolve(&loaded);
        // Plugins are called during resolution only: stop their processes now.
        drop(std::mem::take(&mut loaded.plugins));
        let ev = match resolved.and_then(scn_eval::evaluate) {
            Ok(ev) => ev,
            Err(d) => {
                invalid += 1;
                exit = exit.combine(super::report(&d, &loaded.sources, io));
                continue;
            }
        };
        for (def, outcome) in ev.expectations() {
            if outcome.holds {
                passed += 1;
                continue;
            }
            failed += 1;
            exit = exit.combine(Exit::Failed);
            let file = loaded.sources.get(def.file);
            let (line, col) = file.line_col(def.span.start);
            let text = file.slice(def.span).trim();
            let (value, lo, hi) = match outcome.value {
                // Rounded for reading, a value just past a bound could print as the bound
                // itself (0.1 + 0.2 against `0.3 .. 0.3`): then every digit is shown.
                Some(v) if num(v) == num(def.lo) || num(v) == num(def.hi) => (
                    format!("{v:?}"),
                    format!("{:?}", def.lo),
                    format!("{:?}", def.hi),
                ),
                v => (v.map_or("undefined".into(), num), num(def.lo), num(def.hi)),
            };
            let _ = writeln!(
                io.stdout,
                "{}:{line}:{col}: expectation failed: {}\n  value {value} is outside {lo} .. {hi}",
                sanitize(&file.name),
                sanitize(text),
            );
        }
    }
    let _ = writeln!(
        io.stdout,
        "scn test: {scenarios} scenario{} in {} file{}; expectations: {passed} passed, {failed} failed{}",
        if scenarios == 1 { "" } else { "s" },
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        if invalid > 0 {
            format!("; {invalid} invalid")
        } else {
            String::new()
        }
    );
    exit
}

/// The `.scn` files under a path, sorted so runs print in a stable order. Folders reached
/// through symbolic links are followed, each once: a link back up the tree (a loop) is
/// skipped rather than walked for ever. Only regular files are taken from a folder: a pipe
/// or a device that happens to end in `.scn` would block the run (or never end) when read,
/// and the user did not name it. A path named on the command line is read whatever it is,
/// as `cat` would (`scn test <(…)` reads a pipe on purpose).
pub(crate) fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !path.is_dir() {
        std::fs::metadata(path)?;
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut seen: HashSet<(u64, u64)> = HashSet::new();
    let mut stack = vec![path.to_path_buf()];
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        let meta = std::fs::metadata(&dir)?;
        if !seen.insert((meta.dev(), meta.ino())) {
            continue;
        }
        for entry in std::fs::read_dir(&dir)? {
            let p = entry?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "scn") && p.is_file() {
                found.push(p);
            }
        }
    }
    found.sort();
    out.extend(found);
    Ok(())
}

/// `files` with each file once (by device and inode, so a folder listed twice, a folder
/// inside another, or a link to a file count once), in first-seen order.
pub(crate) fn distinct(files: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut seen: HashSet<(u64, u64)> = HashSet::new();
    files
        .into_iter()
        .filter(|f| std::fs::metadata(f).map_or(true, |m| seen.insert((m.dev(), m.ino()))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symlink_loops_are_walked_once() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("x.scn"), "").unwrap();
        std::os::unix::fs::symlink(dir.path(), sub.join("up")).unwrap();
        std::os::unix::fs::symlink(&sub, sub.join("self")).unwrap();
        let mut files = Vec::new();
        collect(dir.path(), &mut files).unwrap();
        assert_eq!(files, [sub.join("x.scn")]);
    }

    #[test]
    fn folders_give_regular_files_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.scn"), "").unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(dir.path().join("pipe.scn"))
            .status()
            .expect("mkfifo runs");
        assert!(made.success());
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.scn")).unwrap();
        let mut files = Vec::new();
        collect(dir.path(), &mut files).unwrap();
        assert_eq!(files, [dir.path().join("x.scn")]);
    }
}
