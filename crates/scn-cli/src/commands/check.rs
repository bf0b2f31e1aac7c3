//! `scn check FILE...`: parse, resolve, validate and run the point evaluation of every
//! scenario; print every diagnostic; exit 1 if any is an error.

use scn_dsl::Diagnostic;
use scn_dsl::ast::Item;

use crate::args::CheckArgs;
use crate::input::{RunOptions, load};
use crate::{Exit, Io};

pub(crate) fn run(args: &CheckArgs, options: RunOptions, io: &mut Io<'_>) -> Exit {
    let mut exit = Exit::Ok;
    for path in &args.files {
        let code = match load(path, io.stdin, options) {
            Err(e) => super::report_read_error(e, io),
            Ok((mut loaded, _)) => {
                let diags = check_loaded(&loaded);
                let code = super::report(&diags, &loaded.sources, io);
                // Stops the plugins' processes now: `loaded` itself is never dropped.
                drop(std::mem::take(&mut loaded.plugins));
                // Freeing a large syntax tree piece by piece takes longer than the process
                // has left to live: leave it to the operating system.
                std::mem::forget(loaded);
                code
            }
        };
        exit = exit.combine(code);
    }
    exit
}

/// Every diagnostic of a loaded file: loading, then its scenario (a library of templates
/// alone has none; more than one scenario is an error, as for `scn eval`).
pub(crate) fn check_loaded(loaded: &scn_eval::Loaded) -> Vec<Diagnostic> {
    if !loaded.diags.is_empty() {
        return loaded.diags.clone();
    }
    let Some(file) = loaded.root_file() else {
        return Vec::new();
    };
    if !file.items.iter().any(|i| matches!(i, Item::Scenario(_))) {
        return Vec::new();
    }
    match scn_eval::resolve(loaded).and_then(scn_eval::evaluate) {
        Ok(evaluation) => {
            let warnings = evaluation.diagnostics().to_vec();
            std::mem::forget(evaluation); // see `run`
            warnings
        }
        Err(d) => d,
    }
}
