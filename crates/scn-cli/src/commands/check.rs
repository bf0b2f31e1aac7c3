//! `scn check FILE...`: parse, resolve, validate and run the point evaluation of every
//! scenario; print every diagnostic; exit 1 if any is an error.

use scn_dsl::Diagnostic;
use scn_dsl::ast::Item;

use crate::args::CheckArgs;
use crate::input::load;
use crate::{Exit, Io};

pub(crate) fn run(args: &CheckArgs, no_plugins: bool, io: &mut Io<'_>) -> Exit {
    let mut exit = Exit::Ok;
    for path in &args.files {
        let code = match load(path, io.stdin, no_plugins) {
            Err(e) => super::report_read_error(e, io),
            Ok((loaded, _)) => {
                let diags = check_loaded(&loaded);
                super::report(&diags, &loaded.sources, io)
            }
        };
        exit = exit.combine(code);
    }
    exit
}

/// Every diagnostic of a loaded file: loading, then each of its scenarios.
pub(crate) fn check_loaded(loaded: &scn_eval::Loaded) -> Vec<Diagnostic> {
    let mut diags = loaded.diags.clone();
    if !diags.is_empty() {
        return diags;
    }
    let Some(file) = loaded.root_file() else { return diags };
    for item in &file.items {
        if let Item::Scenario(s) = item {
            match scn_eval::build_scenario(loaded, loaded.root, s, &[]) {
                Err(d) => diags.extend(d),
                Ok(model) => {
                    if let Err(d) = scn_eval::evaluate(model) {
                        diags.extend(d);
                    }
                }
            }
        }
    }
    diags
}
