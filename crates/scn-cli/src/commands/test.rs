//! `scn test [PATH...]`: evaluate every scenario under the paths and check every `expect`.
//!
//! Exit 0 if all hold, 3 if any fails, 1 if a file is invalid (which outranks 3).

use std::path::{Path, PathBuf};

use scn_dsl::ast::Item;

use crate::args::TestArgs;
use crate::input::load;
use crate::report::num;
use crate::{Exit, Io};

pub(crate) fn run(args: &TestArgs, no_plugins: bool, io: &mut Io<'_>) -> Exit {
    let roots: Vec<PathBuf> = if args.paths.is_empty() {
        match crate::input::manifest_for(Path::new("-")) {
            Ok(Some(m)) if !m.library.scenarios.is_empty() => m.scenario_dirs(),
            Ok(_) => vec![PathBuf::from(".")],
            Err(e) => return super::report_read_error(e, io),
        }
    } else {
        args.paths.clone()
    };
    let mut files = Vec::new();
    for root in &roots {
        if let Err(e) = collect(root, &mut files) {
            let _ = writeln!(io.stderr, "scn: error: cannot read {}: {e}", root.display());
            return Exit::Usage;
        }
    }
    let mut exit = Exit::Ok;
    let (mut passed, mut failed, mut invalid, mut scenarios) = (0, 0, 0, 0);
    for path in &files {
        let loaded = match load(path, io.stdin, no_plugins) {
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
        let ev = match scn_eval::resolve(&loaded).and_then(scn_eval::evaluate) {
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
            let _ = writeln!(
                io.stdout,
                "{}:{line}:{col}: expectation failed: {text}\n  value {} is outside {} .. {}",
                file.name,
                outcome.value.map_or("undefined".into(), num),
                num(def.lo),
                num(def.hi)
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

/// The `.scn` files under a path, sorted so runs print in a stable order.
fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !path.is_dir() {
        std::fs::metadata(path)?;
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut stack = vec![path.to_path_buf()];
    let mut found = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let p = entry?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "scn") {
                found.push(p);
            }
        }
    }
    found.sort();
    out.extend(found);
    Ok(())
}
