//! One module per subcommand.

mod analysis;
mod check;
mod eval;
mod fmt;
mod sens;
mod test;
mod voi;

use scn_dsl::{Diagnostic, SourceMap};

use crate::args::{Cli, Command};
use crate::input::ReadError;
use crate::{Exit, Io};

pub(crate) fn dispatch(cli: Cli, io: &mut Io<'_>) -> Exit {
    let no_plugins = cli.no_plugins;
    match cli.command {
        Command::Check(args) => check::run(&args, no_plugins, io),
        Command::Fmt(args) => fmt::run(&args, io),
        Command::Eval(args) => eval::run(&args, no_plugins, io),
        Command::Test(args) => test::run(&args, no_plugins, io),
        Command::Sens(args) => sens::run(&args, no_plugins, io),
        Command::Voi(args) => voi::run(&args, no_plugins, io),
    }
}

/// Prints diagnostics to stderr; returns `Invalid` if any is an error.
pub(crate) fn report(diags: &[Diagnostic], sources: &SourceMap, io: &mut Io<'_>) -> Exit {
    for d in diags {
        let _ = io.stderr.write_all(scn_dsl::render(d, sources).as_bytes());
    }
    if diags.iter().any(Diagnostic::is_error) {
        Exit::Invalid
    } else {
        Exit::Ok
    }
}

/// Reports a source that could not be read.
pub(crate) fn report_read_error(e: ReadError, io: &mut Io<'_>) -> Exit {
    match e {
        ReadError::Io(msg) => {
            let _ = writeln!(io.stderr, "scn: error: {msg}");
            Exit::Usage
        }
        ReadError::Invalid(boxed) => {
            let (map, d) = *boxed;
            report(&[d], &map, io)
        }
    }
}
