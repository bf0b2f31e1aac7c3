//! `scn check FILE...`: parse, resolve, validate and run the point evaluation of every
//! scenario; print every diagnostic; exit 1 if any is an error.

use std::path::Path;

use scn_dsl::Diagnostic;
use scn_dsl::ast::Item;

use super::released_text::ReleasedText;
use crate::args::CheckArgs;
use crate::input::{RunOptions, load};
use crate::{Exit, Io};

pub(crate) fn run(args: &CheckArgs, options: RunOptions, io: &mut Io<'_>) -> Exit {
    let mut exit = Exit::Ok;
    for path in &args.files {
        let code = match load(path, io.stdin, options) {
            Err(e) => super::report_read_error(e, io),
            Ok((mut loaded, _)) => {
                let (diags, released) = check_loaded(&mut loaded, path);
                if let Some(released) = released.filter(|_| !diags.is_empty())
                    && let Some(note) = released.restore(&mut loaded.sources, "checked")
                {
                    let _ = writeln!(io.stderr, "{note}");
                }
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
/// alone has none; more than one scenario is an error, as for `scn eval`). The syntax tree
/// is dropped once resolved: on a big file it is most of the memory, and nothing reads it
/// after. So is the text of a big root file read from `path`, during the point evaluation:
/// the caller reads it back (the [`ReleasedText`]) if there is anything to show.
pub(crate) fn check_loaded(
    loaded: &mut scn_eval::Loaded,
    path: &Path,
) -> (Vec<Diagnostic>, Option<ReleasedText>) {
    match has_scenario(loaded) {
        Err(d) => (d, None),
        Ok(false) => (Vec::new(), None),
        Ok(true) => {
            let prompt = crate::allocator::PromptReturn::start();
            let resolved = scn_eval::resolve_draining(loaded, &[]);
            loaded.drop_syntax();
            let released = resolved
                .is_ok()
                .then(|| ReleasedText::take_root(loaded, path))
                .flatten();
            drop(prompt);
            let diags = match resolved.and_then(scn_eval::evaluate) {
                Ok(evaluation) => {
                    // Warnings (a forecast closing before `as_of`, …) are all a valid file shows.
                    let warnings = evaluation.model().warnings.clone();
                    std::mem::forget(evaluation); // see `run`
                    warnings
                }
                Err(d) => d,
            };
            (diags, released)
        }
    }
}

/// What `scn check` runs on a loaded file, keeping the point evaluation and the syntax tree:
/// `None` for a library of templates alone. The language server shows these diagnostics and
/// reads both.
pub(crate) fn evaluate_loaded(
    loaded: &scn_eval::Loaded,
) -> Result<Option<scn_eval::Evaluation>, Vec<Diagnostic>> {
    if !has_scenario(loaded)? {
        return Ok(None);
    }
    scn_eval::resolve(loaded)
        .and_then(scn_eval::evaluate)
        .map(Some)
}

/// Whether the file holds a scenario to resolve; its loading problems if it could not be read.
fn has_scenario(loaded: &scn_eval::Loaded) -> Result<bool, Vec<Diagnostic>> {
    if !loaded.diags.is_empty() {
        return Err(loaded.diags.clone());
    }
    Ok(loaded
        .root_file()
        .is_some_and(|file| file.items.iter().any(|i| matches!(i, Item::Scenario(_)))))
}
